"""What `docgen validate` reports: a short summary of a case, and warnings for things that are
allowed but worth a second look."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from docgen.case.model import Case, _excerpt
from docgen.facts import history, request_log
from docgen.facts.equivalence import (
    TABLE_NAMES,
    EquivalenceTable,
    equivalent,
    looks_like_benzodiazepine,
)
from docgen.facts.fnd import is_known
from docgen.facts.taper import guideline_warnings


@dataclass(frozen=True)
class Warning_:
    field: str
    message: str


def summarize(case: Case) -> list[str]:
    """One line per section that holds something."""
    def count(number: int, noun: str) -> str:
        return f"{number} {noun}{'' if number == 1 else 's'}"

    lines = [f"patient: {case.patient.name}"]
    drugs = ", ".join(medication.drug for medication in case.medications)
    lines.append(f"medications: {count(len(case.medications), 'medication')} ({drugs}), "
                 f"{count(sum(len(m.doses) for m in case.medications), 'dose entry')}".replace("entrys", "entries"))
    tapers = [medication.drug for medication in case.medications if medication.taper is not None]
    if tapers:
        lines.append(f"taper plans: {', '.join(tapers)}")
    lines.append(f"symptoms: {count(len(case.symptoms), 'symptom')}")
    lines.append(f"events: {count(len(case.events), 'event')}")
    findings = sum(len(exam.findings) for exam in case.fnd_exams)
    lines.append(f"FND exams: {count(len(case.fnd_exams), 'exam')}, {count(findings, 'finding')}")
    lines.append(f"clinicians: {count(len(case.clinicians), 'clinician')}")
    return lines


def iter_warnings(case: Case, table: EquivalenceTable = EquivalenceTable.ASHTON) -> Iterator[Warning_]:
    courses = history.courses(case, table)
    starts = [course.start for course in courses if course.start is not None]
    first_start = min(starts, key=lambda start: start.sort_key()) if starts else None
    for index, symptom in enumerate(case.symptoms):
        if first_start is not None and symptom.onset.latest < first_start.earliest:
            yield Warning_(f"symptoms[{index}].onset",
                           f"onset {symptom.onset.display()} is before any medication was started "
                           f"(first dose {first_start.display()})")
    for index, course in enumerate(courses):
        drug = course.drug
        if equivalent(drug, table) is None and looks_like_benzodiazepine(drug):
            yield Warning_(f"medications[{index}].drug",
                           f"'{_excerpt(drug)}' is not in the {TABLE_NAMES[table]} equivalence table; "
                           "it is shown in its own mg, not converted")
        exact = [(step.date.earliest, step.mg_per_day) for step in course.steps if step.date.is_exact]
        if looks_like_benzodiazepine(drug) and len(exact) == len(course.steps):
            for message in guideline_warnings(exact):
                yield Warning_(f"medications[{index}].doses", f"{_excerpt(drug)}: {message}")
    for exam_index, exam in enumerate(case.fnd_exams):
        for finding_index, finding in enumerate(exam.findings):
            if not is_known(finding.sign):
                yield Warning_(f"fnd_exams[{exam_index}].findings[{finding_index}].sign",
                               f"'{_excerpt(finding.sign)}' is not in the catalog of FND signs; it is shown as typed "
                               "(see `docgen signs` for the catalog keys)")
    if case.amendment is not None:
        addressed = case.amendment.to.organization.strip().casefold()
        for index, item in enumerate(case.amendment.items):
            author = case.clinician(item.author)
            if author is not None and author.organization and author.organization.strip().casefold() != addressed:
                yield Warning_(f"amendment.items[{index}].author",
                               f"{_excerpt(author.name)} is at {_excerpt(author.organization)}, not at "
                               f"{_excerpt(case.amendment.to.organization)}: "
                               "an entity may decline to amend what it did not create (45 CFR 164.526(a)(2)(i))")
    for field, message in request_log.iter_problems(case):
        yield Warning_(field, message)
