"""The patient's own taper history, for a request to the prescriber: each benzodiazepine's
course and dose changes, the runs of reductions, and when each symptom began relative to them.

``taper_history`` is the one function here that reads the exposure (``docgen.facts.exposure``),
the onsets' relations and the links; the request reads only what it returns, so it can follow a change in
those modules by changing this function alone. Nothing is inferred beyond the case: partial dates
keep their precision and only what is recorded is said.
"""

from __future__ import annotations

from dataclasses import dataclass

from docgen.case.dates import PartialDate
from docgen.case.model import Case
from docgen.facts import links, onsets
from docgen.facts.equivalence import EquivalenceTable
from docgen.facts.exposure import Exposure, exposure_of
from docgen.facts.phases import taper_phases


@dataclass(frozen=True)
class Change:
    """One recorded dose change after a medication's first dose."""

    date: PartialDate
    before_mg: float
    after_mg: float
    kind: str  # "reduction" | "increase" | "stop" | "start"
    #: The reduction as a percent of the dose before it (None for an increase, a restart, or a
    #: stop from the smallest dose of the course).
    percent: float | None
    #: Days since the change before it, where both dates are exact days.
    days_since_previous: int | None
    note: str | None
    source: str | None
    #: For a reduction or stop: the other benzodiazepine started or increased on the same day
    #: (a switch from one to the other, not a cut in the whole), or None.
    switched_to: str | None = None
    #: Beyond the 2025 guideline's bound (``docgen.facts.guideline``), and not part of a switch to
    #: another benzodiazepine; a stop from the smallest dose of the course (no percent) is the
    #: normal end of a taper.
    beyond_guideline: bool = False


@dataclass(frozen=True)
class Course:
    """One benzodiazepine (or Z-drug) as the case records it."""

    index: int
    drug: str
    name: str
    start: PartialDate | None
    start_mg: float
    peak_mg: float | None
    peak_date: PartialDate | None
    current_mg: float
    current_since: PartialDate
    changes: tuple[Change, ...]


@dataclass(frozen=True)
class Run:
    """Symptoms that began during or after one reduction, run of reductions or switch, in the
    words of ``docgen.facts.links``: "began {relation} {what}"."""

    relation: str
    what: str
    symptoms: tuple[str, ...]


@dataclass(frozen=True)
class Onset:
    """When a symptom began, and what came before it (``docgen.facts.onsets``' sentence)."""

    symptom: str
    onset: PartialDate
    #: "4 days after clonazepam 1.5 → 1 mg/day (−33%)", or that no change came before it.
    timing: str
    resolved: PartialDate | None


@dataclass(frozen=True)
class TaperHistory:
    courses: tuple[Course, ...]
    runs: tuple[Run, ...]
    onsets: tuple[Onset, ...]


def taper_history(case: Case, table: EquivalenceTable) -> TaperHistory:
    """Every benzodiazepine course of the case, its runs of reductions with the symptoms linked to
    them, and every symptom's onset with what came before it."""
    exposure = exposure_of(case, table)
    phases = taper_phases(exposure)
    courses = tuple(_course(exposure, index) for index in range(len(exposure.courses))
                    if exposure.benzodiazepine(index))
    relations = onsets.relations(case, exposure, phases)
    runs = tuple(Run(link.relation, link.what, tuple(symptom.name for symptom in link.symptoms))
                 for link in links.links(relations, exposure, phases))
    found = tuple(Onset(relation.symptom.name, relation.symptom.onset, relation.text, relation.symptom.resolved)
                  for relation in relations)
    return TaperHistory(courses, runs, found)


def _course(exposure: Exposure, index: int) -> Course:
    course = exposure.courses[index]
    first = course.steps[0]
    peak = course.peak
    positive = [step.mg_per_day for step in course.steps if step.mg_per_day > 0]
    smallest = min(positive) if positive else None
    recorded = exposure.medication_changes(index)
    if recorded and recorded[0].date == first.date and recorded[0].before_mg == 0:
        recorded = recorded[1:]  # the first dose is the course's start, not a change
    changes = []
    previous = first.date
    for change in recorded:
        before, after = change.before_mg, change.after_mg
        kind = ("start" if after > 0 else "stop") if before == 0 else "stop" if after == 0 else \
            "increase" if after > before else "reduction"
        percent = (before - after) / before * 100 if before > 0 and after < before else None
        if kind == "stop" and before == smallest:
            percent = None  # stopping from the smallest dose is the end of a taper, not a cut
        days = (change.date.earliest - previous.earliest).days \
            if change.date.is_exact and previous.is_exact else None
        switched_to = None
        if change.switch is not None and change.lowers:
            switched_to = " and ".join(exposure.switches[change.switch].to_drugs) or None
        changes.append(Change(change.date, before, after, kind, percent, days, change.note, change.source,
                              switched_to, change.beyond_guideline and switched_to is None and percent is not None))
        previous = change.date
    return Course(
        index=index,
        drug=course.drug,
        name=course.display_name,
        start=course.start,
        start_mg=first.mg_per_day,
        peak_mg=peak.mg_per_day if peak else None,
        peak_date=peak.date if peak else None,
        current_mg=course.current_mg,
        current_since=course.steps[-1].date,
        changes=tuple(changes),
    )


__all__ = ["Change", "Course", "Onset", "Run", "TaperHistory", "taper_history"]
