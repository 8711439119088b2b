"""Where things go on the chart, worked out without drawing: boxes, the placer that keeps labels
from overlapping one another, and the split of the chart's height into the time axis, the dose
lane, the other-medication rows, the symptom rows, the event row and the key."""

from __future__ import annotations

from dataclasses import dataclass

from docgen.markup.figures import TimelineChart
from docgen.render.chart.style import ChartStyle


@dataclass(frozen=True)
class _Box:
    x0: float
    y0: float
    x1: float
    y1: float

    def overlaps(self, other: _Box) -> bool:
        return self.x0 < other.x1 and other.x0 < self.x1 and self.y0 < other.y1 and other.y0 < self.y1

    def inside(self, area: _Box) -> bool:
        return (
            self.x0 >= area.x0 - 0.01
            and self.x1 <= area.x1 + 0.01
            and self.y0 >= area.y0 - 0.01
            and self.y1 <= area.y1 + 0.01
        )


class _Placer:
    """The label boxes placed so far; a new label goes where it overlaps none of them."""

    def __init__(self) -> None:
        self.boxes: list[_Box] = []

    def is_free(self, box: _Box) -> bool:
        return not any(box.overlaps(placed) for placed in self.boxes)

    def add(self, box: _Box) -> None:
        self.boxes.append(box)


@dataclass(frozen=True)
class _Layout:
    axis: float
    dose: _Box
    others: _Box | None
    symptoms: _Box | None
    events: _Box | None
    key_top: float


def _layout(
    chart: TimelineChart, width: float, height: float, key_height: float, style: ChartStyle
) -> _Layout:
    """Split the height: axis, dose lane, other rows, symptoms, events, key. The dose lane takes
    what the symptoms leave at their preferred row height, at least ``dose_fraction`` of the
    height, or less down to ``dose_fraction_min`` where the symptom rows would be unreadable."""
    left, right = style.gutter, width - style.right_pad
    gap = style.lane_gap
    axis_y = height - style.axis_size - 8
    size = style.label_size
    event_height = 0.0
    if chart.events:
        levels = min(chart.event_rows or style.event_levels, max(len(chart.events), 1))
        event_height = style.marker_size + 4 + levels * size * 1.2
        if len(chart.events) > 1:  # a second row of markers, for those that would touch
            event_height += style.marker_size + 1.5
        if chart.hidden_events:
            event_height = max(event_height, 3.2 * size * 1.18)
    bottom = key_height + gap if key_height else 0.6 * size
    other_height = 0.0
    if chart.others:
        other_row = max(min(style.other_row, (0.22 * height) / len(chart.others)), style.other_row_min)
        other_height = other_row * len(chart.others)
    lanes = [event_height > 0, other_height > 0, bool(chart.symptoms)]
    rest = axis_y - 4 - bottom - event_height - other_height - gap * sum(lanes)
    symptom_height = 0.0
    if chart.symptoms:
        wanted = len(chart.symptoms) * style.symptom_row
        readable = len(chart.symptoms) * style.symptom_row_min
        dose_height = max(rest - wanted, style.dose_fraction * height)
        if rest - dose_height < readable:
            dose_height = max(rest - readable, style.dose_fraction_min * height)
        symptom_height = max(rest - dose_height, style.symptom_row_min)
        dose_height = rest - symptom_height
    else:
        dose_height = rest
    top = axis_y - 4
    dose = _Box(left, top - max(dose_height, 10), right, top)
    cursor = dose.y0 - gap
    others = symptoms = events = None
    if other_height:
        others = _Box(left, cursor - other_height, right, cursor)
        cursor = others.y0 - gap
    if chart.symptoms:
        symptoms = _Box(left, cursor - symptom_height, right, cursor)
        cursor = symptoms.y0 - gap
    if event_height:
        events = _Box(left, cursor - event_height, right, cursor)
        cursor = events.y0 - gap
    return _Layout(axis_y, dose, others, symptoms, events, key_height)
