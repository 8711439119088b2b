"""Fitting the timeline to one page: condensing levels, from the fullest page down, and the search
for the least condensed one that fits.

Measuring is the renderer's job: the pipeline hands in a ``Measure``, so no document module
imports a renderer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, Protocol

from docgen.markup.blocks import Document
from docgen.markup.figures import TimelineChart


class Measure(Protocol):
    """What fitting asks of a renderer."""

    def fits_one_page(self, document: Document) -> bool:
        """A quick estimate: whether the blocks fit on one page, without drawing them."""

    def render(self, document: Document) -> bytes:
        """The document's PDF."""

    def page_count(self, pdf: bytes) -> int:
        """How many pages a rendered PDF has."""

    def chart_shortens(self, chart: TimelineChart, page: str, height_inches: float, size: float) -> bool:
        """Whether the chart, drawn full width at this height on a page of body text ``size``,
        cuts any label short."""


@dataclass(frozen=True)
class Fit:
    """How much of a long history one level of condensing keeps."""

    size: float
    chart_height: float
    medication_rows: int
    symptom_rows: int
    event_rows: int
    chart_symptoms: int
    chart_events: int
    text_limit: int
    exam_notes: bool
    exam_tables: bool
    headings: bool
    event_label_rows: int
    #: Medications and symptom onsets side by side, in these shares of the width ("" for stacked).
    side_by_side: str = ""
    #: Each exam's signs found not present counted, not named again: the summary above names
    #: every one with the dates of the exams that tested it.
    negatives_counted: bool = False
    #: Line spacing as a multiple of the type size.
    leading: float = 1.13


def _levels() -> tuple[Fit, ...]:
    """From the fullest page, give up one thing at a time, least important first: details before
    rows, rows before type size, and shortening text last. Type stays at 8 pt or more (tables and
    notes one point below the body size) until the last levels, where it may go to 7 pt. The
    chart numbers at least 16 events at every level: a history of ordinary length keeps every
    event's marker, and only a long one has its less telling kinds counted instead."""
    fit = Fit(size=9.0, chart_height=4.4, medication_rows=8, symptom_rows=14, event_rows=24,
              chart_symptoms=14, chart_events=30, text_limit=160, exam_notes=True, exam_tables=True,
              headings=True, event_label_rows=4)
    changes: list[dict[str, Any]] = [
        {"event_rows": 8}, {"exam_notes": False}, {"event_rows": 0}, {"chart_height": 4.15}, {"chart_height": 3.9},
        {"side_by_side": "1.2,1"}, {"leading": 1.08},
        {"symptom_rows": 10}, {"chart_events": 22}, {"symptom_rows": 8}, {"chart_height": 3.5, "chart_symptoms": 9, "event_label_rows": 3},
        {"symptom_rows": 6}, {"medication_rows": 5}, {"exam_tables": False}, {"negatives_counted": True}, {"symptom_rows": 5},
        {"chart_height": 3.2, "chart_symptoms": 7}, {"symptom_rows": 4}, {"chart_events": 16},
        {"text_limit": 120}, {"chart_height": 2.9, "chart_symptoms": 5}, {"symptom_rows": 3}, {"chart_height": 2.6, "text_limit": 90},
        {"symptom_rows": 2}, {"chart_symptoms": 4}, {"text_limit": 70}, {"chart_height": 2.4, "event_label_rows": 2}, {"headings": False}, {"text_limit": 55},
        {"medication_rows": 3, "text_limit": 45},
        {"symptom_rows": 1}, {"text_limit": 40},
        # the last resort: smaller type (tables and notes at 7.5, then 7 pt)
        {"size": 8.5}, {"size": 8.0},
    ]
    levels = [fit]
    for change in changes:
        fit = replace(fit, **change)
        levels.append(fit)
    return tuple(levels)


LEVELS = _levels()


def fit(build: Callable[[int], Document], measure: Measure,
        final: Callable[[int], Document] | None = None) -> tuple[Document, bytes]:
    """The least condensed level whose PDF fits on one page, and that PDF.

    Levels condense monotonically: the full version is measured first (most histories fit as
    they are), then a binary search on the same quick measurement finds the first level that
    fits; rendering confirms it (stepping further if the measurement was short). If none fits,
    the most condensed level is used. ``final`` builds the version that is rendered, where it
    takes more work than the one estimated (``build``): the estimate may be a little short, never
    the page printed."""
    documents: dict[int, Document] = {}

    def document_at(level: int) -> Document:
        if level not in documents:
            documents[level] = build(level)
        return documents[level]

    printed: dict[int, Document] = {}

    def printed_at(level: int) -> Document:
        if final is None:
            return document_at(level)
        if level not in printed:
            printed[level] = final(level)
        return printed[level]

    low, high = 0, len(LEVELS) - 1
    if measure.fits_one_page(document_at(0)):
        high = 0
    else:
        low = 1
        while low < high:
            middle = (low + high) // 2
            if measure.fits_one_page(document_at(middle)):
                high = middle
            else:
                low = middle + 1
    level = low
    pdf = measure.render(printed_at(level))
    while measure.page_count(pdf) > 1 and level + 1 < len(LEVELS):
        level += 1
        pdf = measure.render(printed_at(level))
    return printed_at(level), pdf
