"""The renderer's measurements that one-page fitting asks for (``documents.timeline.Measure``)."""

from __future__ import annotations

from typing import Any

from docgen.markup.blocks import Document
from docgen.markup.figures import TimelineChart
from docgen.render import pdf
from docgen.render.styles import POINTS_PER_INCH, StyleSheet


class PdfMeasure:
    """Measurements taken with the PDF renderer, so the page fitted is the page printed. One
    measure serves the fitting of one document: it keeps the heights of the paragraphs it has
    measured, which most levels of condensing share."""

    def __init__(self) -> None:
        self._heights: dict[tuple[Any, ...], float] = {}

    def fits_one_page(self, document: Document) -> bool:
        return pdf.fits_one_page(document, self._heights)

    def render(self, document: Document) -> bytes:
        return pdf.render_pdf(document)

    def page_count(self, data: bytes) -> int:
        return pdf.page_count(data)

    def chart_shortens(self, chart: TimelineChart, page: str, height_inches: float, size: float) -> bool:
        from docgen.render.chart import ChartStyle, chart_shortens

        sheet = StyleSheet(body=size, page=page)  # the chart's text depends on the size alone
        return chart_shortens(chart, sheet.frame_width, height_inches * POINTS_PER_INCH,
                              ChartStyle.for_text(sheet.size("table")))
