"""The dose lane and the other-medication rows, drawn.

The dose lane: the diazepam-equivalent step line of each benzodiazepine on one shared axis, told
apart by line style and weight, each labelled directly with a sample of its line, and its dose
labels beside the levels they name (``labels``). Below it, one row per other medication: a filled
step line on its own mg scale, from 0 to the row's maximum.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace

from reportlab.graphics.shapes import Group, Line, Polygon, PolyLine

from docgen.markup.figures import DoseSeries, OtherSeries, TimelineChart
from docgen.render.chart.labels import _DoseLabels
from docgen.render.chart.layout import _Box, _Placer
from docgen.render.chart.scale import _nice_ticks, _TimeScale
from docgen.render.chart.steps import _Steps, _steps
from docgen.render.chart.style import _BLACK, ChartStyle, _gray
from docgen.render.chart.text import (
    _fit,
    _format_number,
    _note_cut,
    _string,
    _text_box,
    _width,
    _wrap,
)
from docgen.render.fonts import BOLD, ITALIC, REGULAR

#: The top of the dose axis for doses no one takes (a typo's 1e308 mg); drawn clamped to it.
_LARGEST_DOSE = 1e12


def _series_look(index: int, style: ChartStyle) -> dict[str, object]:
    count = len(style.dose_dashes)
    dash = style.dose_dashes[index % count]
    look: dict[str, object] = {
        "strokeColor": _BLACK if index < count else _gray(style.muted_gray),
        "strokeWidth": style.dose_widths[index % len(style.dose_widths)],
        "strokeLineJoin": 0,
        "strokeLineCap": 1 if 0.1 in dash else 0,
    }
    if dash:
        look["strokeDashArray"] = list(dash)
    return look


#: Labels keep clear of the guideline marks of a series with at most this many.
_KEPT_CLEAR = 40


def _total_look(style: ChartStyle) -> dict[str, object]:
    """The total line: wide and finely broken, dark enough to print black on a fax."""
    return {"strokeColor": _gray(0.3), "strokeWidth": 2.8, "strokeLineJoin": 0, "strokeLineCap": 0,
            "strokeDashArray": [1.3, 1.3]}


def _breach_mark(x: float, y: float, style: ChartStyle) -> list[object]:
    """A solid black triangle pointing down, its tip at (x, y): a reduction beyond the bound."""
    half = style.marker_size * 0.5
    return [Polygon([x - half, y + 1.6 * half, x + half, y + 1.6 * half, x, y],
                    fillColor=_BLACK, strokeColor=_BLACK, strokeWidth=0.3)]


def _draw_dose_lane(
    group: Group, chart: TimelineChart, scale: _TimeScale, lane: _Box, style: ChartStyle, placer: _Placer
) -> None:
    series = [item for item in chart.doses if item.points]
    maximum = max((value for item in series for _, value in item.points), default=0.0)
    maximum = max([maximum] + [value for item in chart.total for _, value in item.points])
    maximum = min(maximum, _LARGEST_DOSE)  # beyond it the axis arithmetic overflows; the line is clamped
    size = style.label_size
    if not series or maximum <= 0:
        _draw_axis_title(group, chart.dose_axis_label, lane, 0, style)
        group.add(Line(scale.left, lane.y0, scale.right, lane.y0, strokeColor=_BLACK, strokeWidth=0.6))
        group.add(
            _string(
                (scale.left + scale.right) / 2,
                (lane.y0 + lane.y1) / 2,
                "no benzodiazepine doses recorded",
                ITALIC,
                size,
                textAnchor="middle",
                fillColor=_gray(style.muted_gray),
            )
        )
        return
    height = lane.y1 - lane.y0
    ticks = _nice_ticks(maximum * (1 + 2.2 * size / max(height, 1)))
    full_scale = ticks[-1]
    grid = {"strokeColor": _gray(style.grid_gray), "strokeWidth": style.grid_width}
    axis = {"strokeColor": _BLACK, "strokeWidth": style.rule_width}
    for tick in ticks:
        y = lane.y0 + tick / full_scale * height
        if tick:
            group.add(Line(scale.left, y, scale.right, y, **grid))
        group.add(Line(scale.left - 2.5, y, scale.left, y, strokeColor=_BLACK, strokeWidth=0.5))
        text = _format_number(tick)
        group.add(_string(scale.left - 4, y - 0.3 * size, text, REGULAR, size, textAnchor="end"))
    tick_width = max(_width(_format_number(tick), REGULAR, size) for tick in ticks)
    _draw_axis_title(group, chart.dose_axis_label, lane, tick_width + 6, style)
    group.add(Line(scale.left, lane.y0, scale.left, lane.y1, **axis))
    group.add(Line(scale.left, lane.y0, scale.right, lane.y0, **axis))
    lines = [(item, _steps(item.points, item.until, scale, lane.y0, height, full_scale)) for item in series]
    drawn = [(index, item, steps) for index, (item, steps) in enumerate(lines) if steps is not None]
    totals = [steps for item in chart.total
              if (steps := _steps(item.points, min(item.until, scale.end), scale, lane.y0, height, full_scale))]
    for steps in totals:
        flat = steps.points()
        group.add(PolyLine(flat[2:-2] if steps.drops else flat[2:], fillColor=None, **_total_look(style)))
    for index, _, steps in drawn:
        group.add(PolyLine(steps.points(), fillColor=None, **_series_look(index, style)))
    # the total line is drawn without its rise from 0 and its fall back to 0: labels may cross those
    all_steps = [steps for _, _, steps in drawn] + [replace(steps, base=steps.ys[0], drops=False) for steps in totals]
    area = _Box(scale.left, lane.y0, scale.right + style.right_pad, lane.y1)
    for x0, x1 in scale.break_spans:
        placer.add(_Box(x0 - 1, lane.y0, x1 + 1, lane.y1))
    for _, item, steps in drawn:
        for day in item.beyond_guideline:
            at = steps.index_at(day)
            if at is not None and at > 0:
                x, y = steps.xs[at], steps.ys[at - 1]
                marks = _breach_mark(x, y + 1.5, style)
                for shape in marks:
                    group.add(shape)
                if len(item.beyond_guideline) <= _KEPT_CLEAR:  # labels keep clear of a few marks
                    half = style.marker_size * 0.5
                    placer.add(_Box(x - half, y + 1.5, x + half, y + 1.5 + 1.6 * half))
    labels = _DoseLabels(group, drawn, all_steps, area, style, placer, scale.break_spans)
    labels.place_required()
    for index, item, steps in drawn:
        _place_series_label(group, item, index, steps, all_steps, area, style, placer)
    if totals:
        _place_total_label(group, max(totals, key=lambda steps: steps.x_end - steps.xs[0]), all_steps, area, style, placer)
    labels.place_optional()


def _draw_axis_title(group: Group, text: str, lane: _Box, reserved: float, style: ChartStyle) -> None:
    width = lane.x0 - 4 - reserved - 2
    size = style.label_size
    leading = size * 1.18
    lines = _wrap(text, ITALIC, size, width)
    room = max(int((lane.y1 - lane.y0) // leading), 1)
    if len(lines) > room:
        lines = lines[: room - 1] + [_fit(" ".join(lines[room - 1 :]), ITALIC, size, width)]
    for number, line in enumerate(lines):
        group.add(_string(2, lane.y1 - size - number * leading, line, ITALIC, size))


def _place_series_label(
    group: Group,
    item: DoseSeries,
    index: int,
    steps: _Steps,
    all_steps: list[_Steps],
    area: _Box,
    style: ChartStyle,
    placer: _Placer,
) -> None:
    size = style.series_label_size
    sample = 16.0
    text = _fit(item.label, BOLD, size, area.x1 - area.x0 - sample - 4)
    width = sample + 3 + _width(text, BOLD, size)
    _note_cut(item.label, text)
    for x, baseline in _iter_series_spots(steps, width, size, area):
        box = _text_box(x - 1, baseline, width + 2, size)
        box = _Box(box.x0, box.y0 - 1, box.x1, box.y1 + 1)
        if box.inside(area) and placer.is_free(box) and not any(line.hits(box) for line in all_steps):
            placer.add(box)
            middle = baseline + 0.3 * size
            group.add(Line(x, middle, x + sample, middle, **_series_look(index, style)))
            group.add(_string(x + sample + 3, baseline, text, BOLD, size))
            return


def _iter_series_spots(steps: _Steps, width: float, size: float, area: _Box) -> Iterator[tuple[float, float]]:
    """Candidate (x, baseline) spots: above or below the last level, the peak, then long levels."""
    count = len(steps.xs)
    ends = [*steps.xs[1:], steps.x_end]
    peak = max(range(count), key=lambda index: steps.ys[index])
    longest = sorted(range(count), key=lambda index: ends[index] - steps.xs[index], reverse=True)[:40]
    for index in [count - 1, peak, *longest]:
        y = steps.ys[index]
        for x in (ends[index] - 2 - width, steps.xs[index] + 3):
            x = min(max(x, area.x0 + 2), area.x1 - width)
            yield x, y + 2.5 + 0.24 * size
            yield x, y - 2.5 - 0.76 * size
    rows = int((area.y1 - area.y0) // (size * 1.4))
    for row in range(rows):
        yield area.x1 - width - 4, area.y1 - (row + 1) * size * 1.4


def _place_total_label(
    group: Group, steps: _Steps, all_steps: list[_Steps], area: _Box, style: ChartStyle, placer: _Placer
) -> None:
    size = style.label_size
    text = "total"
    width = _width(text, ITALIC, size)
    for x, baseline in _iter_series_spots(steps, width, size, area):
        box = _text_box(x - 0.5, baseline, width + 1, size)
        if box.inside(area) and placer.is_free(box) and not any(line.hits(box) for line in all_steps):
            placer.add(box)
            group.add(_string(x, baseline, text, ITALIC, size))
            return


# --- other medications -------------------------------------------------------------------------


def _draw_other_rows(
    group: Group,
    others: Sequence[OtherSeries],
    scale: _TimeScale,
    lane: _Box,
    style: ChartStyle,
    placer: _Placer,
) -> None:
    """One row per medication: a filled step line on its own scale, 0 to ``max_mg``."""
    row = (lane.y1 - lane.y0) / max(len(others), 1)
    size = style.label_size
    gutter = lane.x0 - 6
    for number, item in enumerate(others):
        top = lane.y1 - number * row
        base, height = top - row + 1.5, row - 3.5
        maximum = item.max_mg if item.max_mg > 0 else max((value for _, value in item.points), default=0.0)
        maximum = maximum or 1.0
        baseline_rule = {"strokeColor": _gray(style.rule_gray), "strokeWidth": style.hairline}
        group.add(Line(scale.left, base, scale.right, base, **baseline_rule))
        scale_text = f"own mg, max {_format_number(maximum)}"
        center = top - row / 2
        if row >= 2 * size * 1.1 + 1.5:
            name = _fit(item.label, REGULAR, size, gutter)
            _note_cut(item.label, name)
            group.add(_string(2, center + 0.15 * size, name, REGULAR, size))
            muted = _gray(style.muted_gray)
            scale_line = _fit(scale_text, ITALIC, size, gutter)
            group.add(_string(2, center - 0.95 * size, scale_line, ITALIC, size, fillColor=muted))
        else:
            text = _fit(f"{item.label} ({scale_text})", REGULAR, size, gutter)
            _note_cut(f"{item.label} ({scale_text})", text)
            group.add(_string(2, center - 0.3 * size, text, REGULAR, size))
        steps = _steps(item.points, item.until, scale, base, height, maximum)
        if steps is None:
            continue
        outline = steps.points() + ([] if steps.drops else [steps.x_end, base])
        group.add(Polygon(outline, fillColor=_gray(style.fill_gray), strokeColor=None, strokeWidth=0))
        line = {"strokeColor": _BLACK, "strokeWidth": style.other_width, "strokeLineJoin": 0}
        group.add(PolyLine(steps.points(), fillColor=None, **line))
        area = _Box(scale.left, top - row, scale.right + style.right_pad, top)
        for index, value in enumerate(steps.values):
            if value <= 0:
                continue
            text = f"{_format_number(value)} mg"
            width = _width(text, REGULAR, size)
            x = min(steps.xs[index] + 2, area.x1 - width - 1)
            y = steps.ys[index]
            for baseline in (y + 1.5 + 0.24 * size, y - 1.5 - 0.76 * size):
                box = _text_box(x - 0.5, baseline, width + 1, size)
                if box.inside(area) and placer.is_free(box) and not steps.hits(box):
                    placer.add(box)
                    group.add(_string(x, baseline, text, REGULAR, size))
                    break
