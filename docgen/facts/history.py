"""Facts computed from a case, shared by every document: each medication's course (its dose
entries as a step function), how a symptom's course reads, and numbered sources. The dose
changes and what each onset followed are in ``exposure``, ``phases`` and ``onsets``; the FND
exams' findings in ``findings``.

Nothing here invents a fact: partial dates keep their precision, and where the case is silent
the result says "not recorded" rather than guessing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from docgen.case.dates import PartialDate, describe_duration
from docgen.case.model import Case, Dose, Medication, Symptom
from docgen.facts.equivalence import EquivalenceTable, Equivalent, equivalent


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


def symptom_course_text(symptom: Symptom) -> str:
    """"peak 7/10; resolved Aug 2024", or "ongoing"."""
    parts: list[str] = []
    if symptom.course:
        peak = max(point.severity for point in symptom.course)
        parts.append(f"peak {peak}/10")
    parts.append(f"resolved {symptom.resolved.display()}" if symptom.resolved else "ongoing")
    return "; ".join(parts)


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
