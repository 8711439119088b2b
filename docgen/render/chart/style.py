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
    dose_fraction_min: float = 0.2
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

    @classmethod
    def for_text(cls, size: float) -> ChartStyle:
        """The style for labels of ``size`` points (a page's table text): every length that
        holds text grows with it; axis ticks half a point smaller, never below 7 pt."""
        size = max(size, 7.0)
        factor = size / cls.label_size
        base = cls()
        return cls(
            label_size=size,
            axis_size=max(7.0, size - 0.5),
            series_label_size=size + 0.5,
            gutter=base.gutter * factor,
            lane_gap=base.lane_gap * factor,
            other_row=base.other_row * factor,
            other_row_min=base.other_row_min * factor,
            symptom_row=base.symptom_row * factor,
            symptom_row_min=base.symptom_row_min * factor,
            bar_height=base.bar_height * factor,
            marker_size=base.marker_size * factor,
        )


def _gray(level: float) -> Color:
    return Color(level, level, level)


_BLACK = Color(0, 0, 0)
_WHITE = Color(1, 1, 1)


def _severity_class(severity: int) -> int:
    """0 for severity 0-3, 1 for 4-6, 2 for 7-10."""
    return 0 if severity <= 3 else 1 if severity <= 6 else 2


def _severity_gray(severity: int, style: ChartStyle) -> float:
    return style.severity_grays[_severity_class(severity)]


#: Each severity class as vertical hatching (spacing, stroke width in points), so that it survives
#: a fax at 1 bit: sparse, dense, solid. Vertical strokes keep the fax's finer horizontal
#: resolution (204 dpi across, 98 down).
SEVERITY_HATCHES: tuple[tuple[float, float], ...] = ((4.0, 0.7), (1.9, 0.9), (0.0, 0.0))
