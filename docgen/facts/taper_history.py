"""The patient's own taper history, for a request to the prescriber: each benzodiazepine's
course and dose changes, the runs of reductions, and when each symptom began relative to them.

``taper_history`` is the one function here that reads ``docgen.facts.history`` and
``docgen.facts.evidence``; the request reads only what it returns, so it can follow a change in
those modules by changing this function alone. Nothing is inferred beyond the case: partial dates
keep their precision and only what is recorded is said.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from docgen.case.dates import PartialDate
from docgen.case.model import Case
from docgen.facts import evidence, history
from docgen.facts.equivalence import EquivalenceTable
from docgen.facts.taper import GUIDELINE_MAX_PERCENT


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

    @property
    def beyond_guideline(self) -> bool:
        """A single reduction of more than the 2025 guideline's general bound (25%), not part of a
        switch to another benzodiazepine. A stop from the smallest dose of the course has no
        percent: it is the normal end of a taper."""
        return self.percent is not None and self.percent > GUIDELINE_MAX_PERCENT and self.switched_to is None


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
    """A run of consecutive reductions of one drug, with the symptoms that began during or after it."""

    drug: str
    first: PartialDate
    last: PartialDate
    from_mg: float
    to_mg: float
    steps: int
    stopped: bool
    relation: str  # "during" | "after" | "during or after" | "on or after"
    symptoms: tuple[str, ...]


@dataclass(frozen=True)
class Onset:
    """When a symptom began, and the recorded dose change before it."""

    symptom: str
    onset: PartialDate
    #: "12 days after clonazepam 3 → 2.5 mg/day", or "before any recorded dose change".
    timing: str
    resolved: PartialDate | None


@dataclass(frozen=True)
class TaperHistory:
    courses: tuple[Course, ...]
    runs: tuple[Run, ...]
    onsets: tuple[Onset, ...]


def taper_history(case: Case, table: EquivalenceTable) -> TaperHistory:
    """Every benzodiazepine course of the case, its runs of reductions with the symptoms linked to
    them, and every symptom's onset with the dose change before it."""
    benzodiazepines = evidence.benzodiazepine_courses(case, table)
    indices = {id(medication): index for index, medication in enumerate(case.medications)}
    rises = {(change.date.earliest, course.drug) for course in benzodiazepines for change in course.changes()
             if change.date.is_exact and change.after_mg > (change.before_mg or 0)}
    courses = tuple(_course(indices[id(course.medication)], course, rises) for course in benzodiazepines)
    runs = tuple(
        Run(link.phase.drug, link.phase.first, link.phase.last, link.phase.from_mg, link.phase.to_mg,
            link.phase.steps, link.phase.stopped, link.relation, tuple(symptom.name for symptom in link.symptoms))
        for link in evidence.links(case, benzodiazepines)
    )
    changes = history.all_changes(history.courses(case, table))
    onsets = tuple(
        Onset(symptom.name, symptom.onset, history.relative_timing(symptom.onset, changes), symptom.resolved)
        for symptom in sorted(case.symptoms, key=lambda symptom: symptom.onset.sort_key())
    )
    return TaperHistory(courses, runs, onsets)


def _course(index: int, course: history.MedicationCourse, rises: set[tuple[date, str]]) -> Course:
    first = course.steps[0]
    peak = course.peak
    positive = [step.mg_per_day for step in course.steps if step.mg_per_day > 0]
    smallest = min(positive) if positive else None
    changes = []
    previous = first
    for step in course.steps[1:]:
        before, after = previous.mg_per_day, step.mg_per_day
        kind = ("start" if after > 0 else "stop") if before == 0 else "stop" if after == 0 else \
            "increase" if after > before else "reduction"
        percent = (before - after) / before * 100 if before > 0 and after < before else None
        if kind == "stop" and before == smallest:
            percent = None  # stopping from the smallest dose is the end of a taper, not a cut
        days = (step.date.earliest - previous.date.earliest).days \
            if step.date.is_exact and previous.date.is_exact else None
        switched_to = None
        if after < before and step.date.is_exact:
            switched_to = next((drug for day, drug in sorted(rises) if day == step.date.earliest and drug != course.drug),
                               None)
        changes.append(Change(step.date, before, after, kind, percent, days, step.note, step.source, switched_to))
        previous = step
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
