"""The one-page timeline chart: a ``TimelineChart`` drawn as a reportlab vector ``Drawing``.

Top to bottom, on one shared time axis: the time axis (years, months or days), the dose lane
(diazepam-equivalent step lines), the other-medication rows (own mg, own scale), the symptom
bars, the event row and a key. Everything is black, white and gray: series differ by line style
and weight and carry direct labels; severity is shown by gray steps explained in the key. No label
overlaps another; one that would, and that the chart can spare, is left out, so the chart stays
legible when crowded.

This module draws the whole chart from its parts; the modules beside it hold them:

- ``style``: ``ChartStyle`` (sizes, line styles, gray levels) and the colours
- ``layout``: boxes, the placer that keeps labels apart, and the split of the height into lanes
- ``scale``: dates to x, the time axis's ticks and labels, round values for a dose axis
- ``steps``: a series of (date, value) points as a step line, and what a label would touch
- ``text``: measuring, cutting and wrapping labels, and drawing a line of text
- ``axis``, ``doses``, ``symptoms``, ``events``, ``key``: each part of the chart, drawn
- ``flags``: where the event labels hang, worked out before they are drawn
- ``labels``: where the dose labels go, each beside the level it names
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from functools import lru_cache

from reportlab import rl_config
from reportlab.graphics import renderPDF
from reportlab.graphics.shapes import Drawing, Group, Line

from docgen.markup.figures import TimelineChart
from docgen.render import fonts
from docgen.render.chart.axis import _draw_axis_break, _draw_time_axis
from docgen.render.chart.doses import _draw_dose_lane, _draw_other_rows
from docgen.render.chart.events import _draw_event_row, event_label_numbers
from docgen.render.chart.key import _draw_key, _key_groups, _key_lines
from docgen.render.chart.layout import _layout, _Placer
from docgen.render.chart.scale import _TimeScale
from docgen.render.chart.style import ChartStyle, _gray
from docgen.render.chart.symptoms import _draw_symptom_rows
from docgen.render.chart.text import _CUT, _SWATCHES, _string, _width, _wrap
from docgen.render.fonts import ITALIC, REGULAR, register_fonts

__all__ = ["ChartStyle", "chart_png", "chart_shortens", "chart_swatches", "draw_timeline_chart", "event_label_numbers"]


#: The share of the time axis a quiet stretch behind a break takes (the evidence takes the rest).
_COMPRESSED_SHARE = 0.2


def draw_timeline_chart(
    chart: TimelineChart, width: float, height: float, style: ChartStyle = ChartStyle()
) -> Drawing:
    """Draw ``chart`` as a vector drawing ``width`` x ``height`` points, in black and grays."""
    return _drawn(chart, width, height, style)[0]


def chart_shortens(chart: TimelineChart, width: float, height: float, style: ChartStyle = ChartStyle()) -> bool:
    """Whether drawing ``chart`` at this size cuts any of its labels short (with a "…"), so
    that the page can say so. The drawing is kept for the renderer, so this costs nothing more."""
    return _drawn(chart, width, height, style)[1]


@lru_cache(maxsize=4)
def _drawn(chart: TimelineChart, width: float, height: float, style: ChartStyle) -> tuple[Drawing, bool]:
    cut: list[str] = []
    token = _CUT.set(cut)
    try:
        drawing = _draw(chart, width, height, style)
    finally:
        _CUT.reset(token)
    return drawing, bool(cut)


@contextmanager
def _unchecked() -> Iterator[None]:
    """reportlab checks every attribute of every shape as it is set; the chart's shapes are made
    by this code alone, so drawing skips those checks (a third of its time), and restores them."""
    checking = rl_config.shapeChecking
    rl_config.shapeChecking = 0
    try:
        yield
    finally:
        rl_config.shapeChecking = checking


def _draw(chart: TimelineChart, width: float, height: float, style: ChartStyle) -> Drawing:
    register_fonts()
    with _unchecked():
        return _draw_checked_off(chart, width, height, _widened(chart, width, style))


def _draw_checked_off(chart: TimelineChart, width: float, height: float, style: ChartStyle) -> Drawing:
    size = style.label_size
    key = _key_lines(_key_groups(chart), width - style.gutter - style.right_pad, style)
    notes = [line for note in chart.notes for line in _wrap(note, ITALIC, size, width - 4)]
    key_height = len(key) * size * 1.45 + len(notes) * size * 1.2 + (0.3 * size if notes else 0)
    layout = _layout(chart, width, height, key_height, style)
    end = max(chart.end, chart.start)
    entries = tuple(day for item in chart.doses for day, _ in item.points) + tuple(
        bar.start for bar in chart.symptoms) + tuple(event.day for event in chart.events)
    scale = _TimeScale(chart.start, end, style.gutter, width - style.right_pad, chart.quiet,
                       _COMPRESSED_SHARE if chart.quiet else 0.0, entries if chart.quiet else ())
    drawing = Drawing(width, height)
    drawing.initialFontName = fonts.REGULAR  # the renderer's default is an unembedded Helvetica
    group = Group()
    lanes = [box for box in (layout.dose, layout.others, layout.symptoms, layout.events) if box]
    _draw_time_axis(group, scale, layout.axis, lanes[-1].y0, width, style)
    for upper, lower in zip(lanes, lanes[1:], strict=False):
        y = (upper.y0 + lower.y1) / 2
        group.add(Line(0, y, width, y, strokeColor=_gray(style.rule_gray), strokeWidth=style.hairline))
    placer = _Placer()
    _draw_dose_lane(group, chart, scale, layout.dose, style, placer)
    if layout.others:
        _draw_other_rows(group, chart.others, scale, layout.others, style, placer)
    if layout.symptoms:
        _draw_symptom_rows(group, chart.symptoms, scale, layout.symptoms, style)
    if layout.events:
        _draw_event_row(group, chart, scale, layout.events, width, style)
    _draw_axis_break(group, scale, layout.axis, layout.dose.y0, lanes[-1].y0, style)
    key_top = layout.key_top
    used = _draw_key(group, key, style.gutter, key_top, style) if key else 0.0
    for number, line in enumerate(notes):
        group.add(_string(2, key_top - used - size - number * size * 1.2, line, ITALIC, size))
    drawing.add(group)
    return drawing


def chart_swatches(
    chart: TimelineChart, width: float, height: float, style: ChartStyle = ChartStyle()
) -> list[tuple[str, tuple[float, float, float, float]]]:
    """Where the key draws each sample (a severity class, a line style): (name, (x0, y0, x1, y1))
    in the drawing's points, for checking that a fax keeps them apart."""
    found: list[tuple[str, tuple[float, float, float, float]]] = []
    token = _SWATCHES.set(found)
    try:
        _draw(chart, width, height, style)
    finally:
        _SWATCHES.reset(token)
    return found


def _widened(chart: TimelineChart, width: float, style: ChartStyle) -> ChartStyle:
    """The style with a gutter wide enough for the longest symptom or medication label (and an
    approximate onset's "~"), up to a quarter of the chart: labels are cut only past that."""
    labels = [bar.label for bar in chart.symptoms] + [item.label for item in chart.others]
    if not labels:
        return style
    needed = max(_width(label, REGULAR, style.label_size) for label in labels) + 16
    gutter = min(max(style.gutter, needed), 0.25 * width)
    return style if gutter <= style.gutter else replace(style, gutter=gutter)


def chart_png(drawing: Drawing, dpi: int = 200) -> bytes:
    """Rasterize ``drawing`` to grayscale PNG bytes (via an in-memory PDF and pdfium)."""
    import pypdfium2

    pdf_bytes = renderPDF.drawToString(drawing, invariant=1)
    document = pypdfium2.PdfDocument(pdf_bytes)
    try:
        page = document[0]
        try:
            bitmap = page.render(scale=dpi / 72, grayscale=True)
            image = bitmap.to_pil().convert("L")
        finally:
            page.close()
    finally:
        document.close()
    output = io.BytesIO()
    image.save(output, format="PNG", dpi=(dpi, dpi))
    return output.getvalue()
