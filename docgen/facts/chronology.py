"""Dates in a case that are allowed but cannot both be right: an entry dated before the patient
was born, or two different doses of one medication on the same date. Facts for `docgen validate`
to warn about; linear in the size of the case."""

from __future__ import annotations

from collections.abc import Iterator

from docgen.case.dates import PartialDate
from docgen.case.model import Case, _excerpt
from docgen.facts.formatting import format_mg


def iter_chronology_warnings(case: Case) -> Iterator[tuple[str, str]]:
    """(field, message) for each entry dated before birth and each date with two different doses."""
    born = case.patient.date_of_birth
    if born is not None:
        for field, date in _dated_entries(case):
            if date.latest < born.earliest:
                yield field, f"{date.display()} is before the date of birth ({born.display()}); check the year"
    for index, medication in enumerate(case.medications):
        seen: dict[str, tuple[int, float]] = {}
        for dose_index, dose in enumerate(medication.doses):
            key = dose.date.isoformat()
            earlier = seen.get(key)
            if earlier is not None and earlier[1] != dose.mg_per_day:
                yield (f"medications[{index}].doses[{dose_index}].date",
                       f"{_excerpt(medication.drug)} has two different doses on {dose.date.display()} "
                       f"({format_mg(earlier[1])} and {format_mg(dose.mg_per_day)} mg/day, entries {earlier[0]} and "
                       f"{dose_index}); the later entry in the file is the one used")
            seen[key] = (dose_index, dose.mg_per_day)


def _dated_entries(case: Case) -> Iterator[tuple[str, PartialDate]]:
    for index, medication in enumerate(case.medications):
        for dose_index, dose in enumerate(medication.doses):
            yield f"medications[{index}].doses[{dose_index}].date", dose.date
    for index, symptom in enumerate(case.symptoms):
        yield f"symptoms[{index}].onset", symptom.onset
        for point_index, point in enumerate(symptom.course):
            yield f"symptoms[{index}].course[{point_index}].date", point.date
    for index, event in enumerate(case.events):
        yield f"events[{index}].date", event.date
    for index, exam in enumerate(case.fnd_exams):
        yield f"fnd_exams[{index}].date", exam.date
