"""The case's sources, numbered once for every document that cites them.

The timeline lists them on its page and the letter that encloses it cites the same numbers, so a
reader who meets "[3]" in either finds the same record. The numbering is a fact of the case, not
of a page: it does not change when a long history is condensed to fit.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from docgen.case.model import Case
from docgen.facts import history


def numbered_sources(case: Case) -> list[tuple[int, str]]:
    """Every distinct source of the case as (number, text), numbered from 1 in the order of first
    citation through the timeline's content:

    1. the medications, in case-file order, each one's dose entries in date order;
    2. the symptoms, in onset order (earliest first; ties keep case-file order), each one's own
       source before those of its severity course, in date order;
    3. the FND exams, in date order (ties keep case-file order);
    4. the events, in date order (ties keep case-file order);
    5. the amendment request's items, in case-file order.

    A source is its text with surrounding white space removed; the same text cited twice keeps its
    first number. Entries without a source cite nothing."""
    sources = history.Sources()
    sources.cite(*_iter_cited(case))
    return sources.listed()


def sources_of(case: Case) -> history.Sources:
    """A ``history.Sources`` holding the case's numbering (``numbered_sources``), so that every
    ``cite`` gives the number the whole case uses."""
    sources = history.Sources()
    sources.cite(*_iter_cited(case))
    return sources


@dataclass
class CitedSources(history.Sources):
    """The case's numbering (``numbered_sources``), listing only the sources a document cites:
    a letter and the timeline it encloses give a record the same number."""

    cited: set[int] = field(default_factory=set)

    def cite(self, *sources: str | None) -> list[int]:
        numbers = super().cite(*sources)
        self.cited.update(numbers)
        return numbers

    def listed(self) -> list[tuple[int, str]]:
        return sorted((number, text) for number, text in super().listed() if number in self.cited)


def cited_sources(case: Case) -> CitedSources:
    """A ``CitedSources`` holding the case's numbering, with nothing cited yet."""
    return CitedSources(numbers=dict(sources_of(case).numbers))


def _iter_cited(case: Case) -> Iterator[str | None]:
    for medication in case.medications:
        for dose in sorted(medication.doses, key=lambda dose: dose.date.sort_key()):
            yield dose.source
    for symptom in sorted(case.symptoms, key=lambda symptom: symptom.onset.sort_key()):
        yield symptom.source
        for point in sorted(symptom.course, key=lambda point: point.date.sort_key()):
            yield point.source
    for exam in sorted(case.fnd_exams, key=lambda exam: exam.date.sort_key()):
        yield exam.source
    for event in sorted(case.events, key=lambda event: event.date.sort_key()):
        yield event.source
    if case.amendment is not None:
        for item in case.amendment.items:
            yield item.source
