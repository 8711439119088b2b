"""What the pipeline needs to know about one kind of document."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from docgen.case.model import Case
    from docgen.documents.timeline.fitting import Measure
    from docgen.options import Options


class ContextBuilder(Protocol):
    def __call__(self, case: Case, options: Options, level: int = 0, measure: Measure | None = None) -> dict[str, Any]:
        """Everything the document's template says, computed from the case."""


@dataclass(frozen=True)
class DocumentKind:
    """One kind of document: its name, template and context, and what it needs of a case."""

    #: The name used in packets (``NAME.pdf``) and on the command line.
    name: str
    #: What a person calls it, in messages ("amendment request").
    label: str
    title: str
    #: The template's file name in templates/.
    template: str
    build_context: ContextBuilder
    #: Returns None when the case has what the document needs, else what is missing.
    missing: Callable[[Case], str | None]
    #: The document is condensed until it fits one page (the timeline).
    one_page: bool = False
    #: The title of this case's document, where it depends on the case (the GDPR's own titles of
    #: the amendment letters); None: always ``title``. Asked only of a case that has the data.
    title_for: Callable[[Case], str] | None = None
    #: A PDF of this document carries the one-page timeline as its enclosure (unless turned off).
    enclosure: bool = False
    #: With its enclosure, the pages the document keeps to: its context's levels 1 to
    #: ``brief_levels`` condense what the enclosure also shows, one level at a time, until its
    #: PDF has no more than this many pages before the enclosure (None: no limit).
    most_pages: int | None = None
    brief_levels: int = 0
    #: The document a PDF of this one carries after its enclosure, on pages of its own (the reply
    #: form after the amendment request), when the case has its data.
    appendix: str | None = None
    #: Whether a packet includes it, given the case has its data (e.g. a reminder once overdue).
    applies: Callable[[Case, Options], bool] | None = None
    #: The section of the case file that asks for it: a case that has the section and still
    #: cannot have the document is a failure, reported as such; None for documents made whenever
    #: the case allows (the timeline) or only when events call for them (a follow-up).
    asked_by: str | None = None
    #: The template of its dated events, for documents that can also be written as an iCalendar
    #: file (.ics); None for the rest.
    events_template: str | None = None

    @property
    def formats(self) -> tuple[str, ...]:
        """The formats it can be written in: PDF and DOCX, and iCalendar where it has events."""
        from docgen.options import CALENDAR_FORMAT, FORMATS

        return FORMATS + ((CALENDAR_FORMAT,) if self.events_template else ())


def page_context(case: Case, options: Options, title: str, size: float) -> dict[str, Any]:
    """What every page of a patient's taper paperwork starts from: its title, its type size
    (``LARGE_PRINT_SIZE`` in large print), the paper, the patient and the day it was made."""
    from docgen.case.dates import display_day
    from docgen.options import LARGE_PRINT_SIZE

    return {
        "title": title,
        "size": LARGE_PRINT_SIZE if options.large_print else size,
        "large_print": options.large_print,
        "page": options.page,
        "patient": case.patient,
        "date_of_birth": case.patient.date_of_birth.display() if case.patient.date_of_birth else None,
        "generated": display_day(options.today),
    }
