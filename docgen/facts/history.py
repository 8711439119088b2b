"""Facts computed from a case, shared by every document: each medication's course, the dose
changes, when each symptom began relative to them, the FND exam results, and numbered sources.

Nothing here invents a fact: partial dates keep their precision, and where the case is silent
the result says "not recorded" rather than guessing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from docgen.case.dates import PartialDate, describe_duration, describe_interval
from docgen.case.model import Case, Dose, Medication, Symptom
from docgen.facts.equivalence import EquivalenceTable, Equivalent, equivalent
from docgen.facts.fnd import RESULT_TEXT, sign_name
from docgen.facts.formatting import format_mg


@dataclass(frozen=True)
class DoseChange:
    """One change point of one medication: from ``before_mg`` (None at the first entry) to ``after_mg``."""

    drug: str
    date: PartialDate
    before_mg: float | None
    after_mg: float
    converted: bool
    source: str | None = None

    @property
    def kind(self) -> str:
        if self.before_mg is None or self.before_mg == 0:
            return "stop" if self.after_mg == 0 else "start"
        if self.after_mg == 0:
            return "stop"
        return "increase" if self.after_mg > self.before_mg else "reduction"

    def describe(self) -> str:
        """"clonazepam 3 → 2.5 mg/day", "clonazepam started at 1 mg/day", "baclofen stopped (from 55 mg/day)"."""
        if self.kind == "start":
            return f"{self.drug} started at {format_mg(self.after_mg)} mg/day"
        if self.kind == "stop":
            before = f" (from {format_mg(self.before_mg)} mg/day)" if self.before_mg else ""
            return f"{self.drug} stopped{before}"
        return f"{self.drug} {format_mg(self.before_mg or 0)} → {format_mg(self.after_mg)} mg/day"


@dataclass(frozen=True)
class MedicationCourse:
    """A medication's history, read from its dose entries (a step function)."""

    medication: Medication
    steps: tuple[Dose, ...]
    equivalent: Equivalent | None

    @property
    def drug(self) -> str:
        return self.medication.drug

    @property
    def display_name(self) -> str:
        brand = self.medication.brand
        return f"{self.drug} ({brand})" if brand else self.drug

    @property
    def converted(self) -> bool:
        return self.equivalent is not None

    @property
    def start(self) -> PartialDate | None:
        return next((step.date for step in self.steps if step.mg_per_day > 0), None)

    @property
    def peak(self) -> Dose | None:
        nonzero = [step for step in self.steps if step.mg_per_day > 0]
        if not nonzero:
            return None
        return max(nonzero, key=lambda step: step.mg_per_day)

    @property
    def taper_start(self) -> PartialDate | None:
        """The first reduction after the last time the peak dose was reached."""
        peak = self.peak
        if peak is None:
            return None
        last_peak = max(index for index, step in enumerate(self.steps) if step.mg_per_day == peak.mg_per_day)
        for before, after in zip(self.steps[last_peak:], self.steps[last_peak + 1:]):
            if after.mg_per_day < before.mg_per_day:
                return after.date
        return None

    @property
    def stop(self) -> PartialDate | None:
        last = self.steps[-1]
        return last.date if last.mg_per_day == 0 and len(self.steps) > 1 else None

    @property
    def current_mg(self) -> float:
        return self.steps[-1].mg_per_day

    def duration(self, as_of: date) -> str:
        start = self.start
        if start is None:
            return "not taken"
        end = self.stop or PartialDate.of(as_of)
        text = describe_duration(start, end)
        return text if self.stop is not None else f"{text} (ongoing)"

    def diazepam_mg(self, mg_per_day: float) -> float | None:
        return self.equivalent.diazepam_mg(mg_per_day) if self.equivalent is not None else None

    def changes(self) -> list[DoseChange]:
        changes: list[DoseChange] = []
        before: float | None = None
        for step in self.steps:
            changes.append(DoseChange(self.drug, step.date, before, step.mg_per_day, self.converted, step.source))
            before = step.mg_per_day
        return changes


def course_of(medication: Medication, table: EquivalenceTable) -> MedicationCourse:
    """Sort the doses (stably, by date) and keep only the points where the dose changes."""
    ordered = sorted(medication.doses, key=lambda dose: dose.date.sort_key())
    steps: list[Dose] = []
    for dose in ordered:
        if steps and steps[-1].mg_per_day == dose.mg_per_day:
            continue
        if steps and steps[-1].date == dose.date:
            steps[-1] = dose  # two entries on one date: the later one in the file holds
            continue
        steps.append(dose)
    return MedicationCourse(medication, tuple(steps), equivalent(medication.drug, table))


def courses(case: Case, table: EquivalenceTable) -> list[MedicationCourse]:
    return [course_of(medication, table) for medication in case.medications]


def all_changes(medication_courses: Iterable[MedicationCourse]) -> list[DoseChange]:
    """Every dose change of every medication, by date; converted (benzodiazepine) changes first on a tie."""
    changes = [change for course in medication_courses for change in course.changes()]
    return sorted(changes, key=lambda change: (change.date.sort_key(), not change.converted))


def preceding_change(onset: PartialDate, changes: Sequence[DoseChange]) -> DoseChange | None:
    """The latest dose change that could have come before (or on) ``onset``.

    A change counts when it could have come first: its earliest possible day is not after the
    onset's latest possible day (so a change in "Jan 2023" precedes an onset on 5 Jan 2023, and a
    change on 10 Jan 2023 precedes an onset in "Jan 2023"). Of several, the latest wins; on the
    same date a benzodiazepine change is preferred.
    """
    found: DoseChange | None = None
    for change in changes:
        if change.date.earliest <= onset.latest:
            if found is None or change.date.sort_key() > found.date.sort_key() or (
                change.date.sort_key() == found.date.sort_key() and change.converted and not found.converted
            ):
                found = change
    return found


def relative_timing(onset: PartialDate, changes: Sequence[DoseChange]) -> str:
    """"12 days after clonazepam 3 → 2.5 mg/day", or "before any recorded dose change"."""
    change = preceding_change(onset, changes)
    if change is None:
        return "before any recorded dose change"
    return f"{describe_interval(change.date, onset)} {change.describe()}"


def symptom_course_text(symptom: Symptom) -> str:
    """"peak 7/10; resolved Aug 2024", or "ongoing"."""
    parts: list[str] = []
    if symptom.course:
        peak = max(point.severity for point in symptom.course)
        parts.append(f"peak {peak}/10")
    parts.append(f"resolved {symptom.resolved.display()}" if symptom.resolved else "ongoing")
    return "; ".join(parts)


@dataclass(frozen=True)
class FindingRow:
    sign: str
    result: str
    result_text: str
    exam_date: PartialDate
    examiner: str
    note: str | None
    source: str | None


def finding_rows(case: Case) -> list[FindingRow]:
    rows: list[FindingRow] = []
    for exam in sorted(case.fnd_exams, key=lambda exam: exam.date.sort_key()):
        examiner = case.clinician(exam.examiner)
        for finding in exam.findings:
            rows.append(FindingRow(
                sign=sign_name(finding.sign),
                result=finding.result,
                result_text=RESULT_TEXT[finding.result],
                exam_date=exam.date,
                examiner=examiner.name if examiner else "examiner not recorded",
                note=finding.note,
                source=exam.source,
            ))
    return rows


def signs_with_result(rows: Sequence[FindingRow], result: str) -> list[str]:
    """The distinct sign names with this result, in order of first appearance."""
    names: list[str] = []
    for row in rows:
        if row.result == result and row.sign not in names:
            names.append(row.sign)
    return names


@dataclass
class Sources:
    """Numbers the sources a document cites, in order of first use."""

    numbers: dict[str, int] = field(default_factory=dict)

    def cite(self, *sources: str | None) -> list[int]:
        cited: list[int] = []
        for source in sources:
            if source is None or not source.strip():
                continue
            number = self.numbers.setdefault(source.strip(), len(self.numbers) + 1)
            if number not in cited:
                cited.append(number)
        return cited

    def listed(self) -> list[tuple[int, str]]:
        return [(number, text) for text, number in self.numbers.items()]


def marker(numbers: Sequence[int]) -> str:
    """"[1, 3]" for cited sources, "" for none."""
    return f"[{', '.join(str(number) for number in numbers)}]" if numbers else ""
