"""The time axis, drawn: the axis rule, a tick at each date of the scale, a grid line at each
labelled one, and the labels that fit without overlapping."""

from __future__ import annotations

from reportlab.graphics.shapes import Group, Line, Rect

from docgen.render.chart.layout import _Box, _Placer
from docgen.render.chart.scale import _iter_time_labels, _time_units, _TimeScale
from docgen.render.chart.style import _BLACK, _WHITE, ChartStyle, _gray
from docgen.render.chart.text import _string, _text_box, _width
from docgen.render.fonts import REGULAR


def _draw_time_axis(
    group: Group, scale: _TimeScale, axis_y: float, bottom: float, width: float, style: ChartStyle
) -> None:
    """Each unbroken piece of the axis with its own unit (the compressed years before a break
    in years, the period after it in months where it is short)."""
    placer = _Placer()
    for piece in scale.pieces:
        _draw_piece(group, piece, axis_y, bottom, width, style, placer)


def _draw_piece(
    group: Group, scale: _TimeScale, axis_y: float, bottom: float, width: float, style: ChartStyle,
    placer: _Placer,
) -> None:
    ticks, step, unit = _time_units(scale, style)
    grid = {"strokeColor": _gray(style.grid_gray), "strokeWidth": style.grid_width}
    visible = [(day, major) for day, major in ticks if scale.start <= day <= scale.end]
    unit_width = (scale.right - scale.left) / scale.days * (1 if unit == "day" else 30.44)
    dense = unit != "day" or unit_width >= 3
    for day, major in visible:
        x = scale.x(day)
        if major:
            group.add(Line(x, bottom, x, axis_y, **grid))
        if major or dense:
            group.add(Line(x, axis_y, x, axis_y + (3 if major else 1.5), strokeColor=_BLACK, strokeWidth=0.5))
    group.add(Line(scale.left, axis_y, scale.right, axis_y, strokeColor=_BLACK, strokeWidth=style.rule_width))
    area = _Box(0, axis_y, width, axis_y + 20)
    for text, center, room in _iter_time_labels(ticks, step, unit, scale):
        text_width = _width(text, REGULAR, style.axis_size)
        if text_width + 2 > room:
            continue
        x = min(max(center - text_width / 2, scale.left - (10 if scale.left < 100 else 0)), width - text_width - 2)
        box = _text_box(x - 2, axis_y + 5, text_width + 4, style.axis_size)
        if box.inside(area) and placer.is_free(box):
            placer.add(box)
            group.add(_string(x, axis_y + 5, text, REGULAR, style.axis_size))


def _draw_axis_break(
    group: Group, scale: _TimeScale, top: float, base: float, bottom: float, style: ChartStyle
) -> None:
    """The gap of a broken time axis: a white band across the lanes, edged by two slanted black
    strokes at the time axis and at the dose axis, so that no line seems to run through it."""
    for x0, x1 in scale.break_spans:
        group.add(Rect(x0, bottom, x1 - x0, top - bottom + 3, fillColor=_WHITE, strokeColor=None, strokeWidth=0))
        stroke = {"strokeColor": _BLACK, "strokeWidth": 1.0}
        for y in (top, base):
            for x in (x0, x1):
                group.add(Line(x - 1.6, y - 3.5, x + 1.6, y + 3.5, **stroke))
