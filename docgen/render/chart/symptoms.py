"""The symptom rows, drawn: a bar for each symptom from its onset to its end (an arrow while it
goes on; a dotted start and a "~" when the onset is approximate), filled with the pattern of its
severity over time (sparse strokes, dense strokes, solid: a fax keeps them apart); when the rows do not all fit, the last one says how many are not shown."""

from __future__ import annotations

import math
from collections.abc import Sequence

from reportlab.graphics.shapes import Group, Line, Path, Polygon, Rect

from docgen.markup.figures import SymptomBar
from docgen.render.chart.layout import _Box
from docgen.render.chart.scale import _TimeScale
from docgen.render.chart.style import _BLACK, _WHITE, SEVERITY_HATCHES, ChartStyle, _gray, _severity_class
from docgen.render.chart.text import _fit, _note_cut, _string, _width
from docgen.render.fonts import ITALIC, REGULAR


def _draw_symptom_rows(
    group: Group, symptoms: Sequence[SymptomBar], scale: _TimeScale, lane: _Box, style: ChartStyle
) -> None:
    size = style.label_size
    height = lane.y1 - lane.y0
    row = min(style.symptom_row, height / max(len(symptoms), 1))
    shown: Sequence[SymptomBar | None] = symptoms
    if row < style.symptom_row_min - 0.01:
        row = style.symptom_row_min
        fit = max(int(height // row), 1)
        shown = [*symptoms[: fit - 1], None]
    bar = min(max(row * 0.62, style.bar_height_min), style.bar_height)
    for number, symptom in enumerate(shown):
        center = lane.y1 - (number + 0.5) * row
        if symptom is None:
            text = f"+{len(symptoms) - len(shown) + 1} more symptoms (not shown)"
            group.add(_string(2, center - 0.3 * size, text, ITALIC, size, fillColor=_gray(style.muted_gray)))
            continue
        x0 = scale.x(symptom.start)
        x1 = scale.right if symptom.end is None else max(scale.x(symptom.end), x0 + 1.5)
        y0, y1 = center - bar / 2, center + bar / 2
        tilde = _width("~", REGULAR, size)
        label_width = lane.x0 - 6
        if symptom.approximate:
            if x0 - scale.left >= tilde + 1.5:
                group.add(_string(x0 - tilde - 1, center - 0.3 * size, "~", REGULAR, size))
            else:
                group.add(_string(lane.x0 - 2, center - 0.3 * size, "~", REGULAR, size, textAnchor="end"))
                label_width -= tilde + 1
        name = _fit(symptom.label, REGULAR, size, label_width)
        _note_cut(symptom.label, name)
        group.add(_string(2, center - 0.3 * size, name, REGULAR, size))
        _draw_bar_fill(group, symptom, scale, x0, x1, y0, y1, style)
        outline = {"strokeColor": _BLACK, "strokeWidth": 0.5}
        group.add(Line(x0, y0, x1, y0, **outline))
        group.add(Line(x0, y1, x1, y1, **outline))
        if symptom.approximate:
            group.add(Line(x0, y0, x0, y1, strokeDashArray=[0.6, 0.9], **outline))
        else:
            group.add(Line(x0, y0, x0, y1, **outline))
        if symptom.end is None:
            reach = min(bar * 0.8 + 1, style.right_pad - 1)
            arrow = [x1, y0 - 1, x1 + reach, center, x1, y1 + 1]
            group.add(Polygon(arrow, fillColor=_BLACK, strokeColor=_BLACK, strokeWidth=0.3))
        else:
            group.add(Line(x1, y0, x1, y1, **outline))


def _draw_bar_fill(
    group: Group,
    symptom: SymptomBar,
    scale: _TimeScale,
    x0: float,
    x1: float,
    y0: float,
    y1: float,
    style: ChartStyle,
) -> None:
    group.add(Rect(x0, y0, x1 - x0, y1 - y0, fillColor=_WHITE, strokeColor=None, strokeWidth=0))
    course = sorted(symptom.severities, key=lambda point: point[0])
    for index, (day, severity) in enumerate(course):
        left = max(scale.x(day), x0)
        right = min(scale.x(course[index + 1][0]) if index + 1 < len(course) else x1, x1)
        if right > left and severity is not None:  # an unrated stretch stays white
            _draw_hatch(group, left, y0, right, y1, _severity_class(severity))


def _draw_hatch(group: Group, x0: float, y0: float, x1: float, y1: float, severity_class: int) -> None:
    """A severity class as a pattern: sparse or dense vertical strokes, or solid (see
    ``SEVERITY_HATCHES``); strokes sit on a grid shared by the whole chart, so neighbours join."""
    spacing, width = SEVERITY_HATCHES[severity_class]
    if spacing <= 0:
        group.add(Rect(x0, y0, x1 - x0, y1 - y0, fillColor=_BLACK, strokeColor=None, strokeWidth=0))
        return
    path = Path(strokeColor=_BLACK, strokeWidth=width, fillColor=None)
    x = math.ceil((x0 + width / 2) / spacing) * spacing
    while x <= x1 - width / 2:
        path.moveTo(x, y0)
        path.lineTo(x, y1)
        x += spacing
    group.add(path)
