"""The chart's look: ``ChartStyle`` (sizes in points, line widths and dashes, gray levels) and the
colours drawn with it. Everything is black, white or a gray; a symptom's severity is one of three
grays."""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib.colors import Color


@dataclass(frozen=True)
class ChartStyle:
    """Sizes in points, gray levels from 0 (black) to 1 (white)."""

    label_size: float = 7.0
    axis_size: float = 7.5
    series_label_size: float = 7.5
    gutter: float = 78.0
    right_pad: float = 9.0
    lane_gap: float = 6.0
    dose_fraction: float = 0.32
    dose_fraction_min: float = 0.26
    rule_width: float = 0.6
    grid_width: float = 0.4
    hairline: float = 0.3
    dose_widths: tuple[float, ...] = (1.7, 1.3, 1.6, 1.2)
    dose_dashes: tuple[tuple[float, ...], ...] = ((), (4.0, 2.0), (0.1, 2.4), (5.0, 2.0, 0.1, 2.0))
    other_width: float = 0.9
    other_row: float = 18.0
    other_row_min: float = 9.0
    symptom_row: float = 11.0
    symptom_row_min: float = 7.6
    bar_height: float = 6.5
    bar_height_min: float = 2.0
    grid_gray: float = 0.82
    rule_gray: float = 0.55
    muted_gray: float = 0.35
    fill_gray: float = 0.9
    severity_grays: tuple[float, float, float] = (0.86, 0.6, 0.3)
    marker_size: float = 5.5
    event_levels: int = 3

    def __post_init__(self) -> None:
        if min(self.label_size, self.axis_size, self.series_label_size) < 7:
            raise ValueError("chart text must be at least 7 pt")


def _gray(level: float) -> Color:
    return Color(level, level, level)


_BLACK = Color(0, 0, 0)
_WHITE = Color(1, 1, 1)


def _severity_gray(severity: int, style: ChartStyle) -> float:
    light, medium, dark = style.severity_grays
    return light if severity <= 3 else medium if severity <= 6 else dark
