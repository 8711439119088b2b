"""What `docgen validate` reports: a short summary of a case (its taper phases and switches
among it, and the rules each request is written under and why), and warnings for things that are
allowed but worth a second look: reductions beyond the 2025 guideline's bound, symptoms whose
relation to the dose changes is ambiguous, and a therapist letter whose prescriber has no phone
number to call the same day."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from docgen.case.model import Case, _excerpt
from docgen.facts import history, request_log
from docgen.facts.chronology import iter_chronology_warnings
from docgen.facts.equivalence import (
    TABLE_NAMES,
    EquivalenceTable,
    equivalent,
    looks_like_benzodiazepine,
)
from docgen.facts.exposure import exposure_of
from docgen.facts.fnd import is_known
from docgen.facts.jurisdiction import explain
from docgen.facts.formatting import format_date_range, on_date
from docgen.facts.onsets import relations
from docgen.facts.phases import taper_phases


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
    exposure = exposure_of(case, EquivalenceTable.ASHTON)  # phases and switches read no table
    for phase in taper_phases(exposure):
        lines.append(f"taper phase: {phase.describe_in_full()}")
    for switch in exposure.switches:
        when = on_date(switch.first) if switch.first == switch.last else format_date_range(switch.first, switch.last)
        leaving, taken_up = switch.sides()
        lines.append(f"switch: {leaving} to {taken_up}, {when}")
    lines.append(f"symptoms: {count(len(case.symptoms), 'symptom')}")
    lines.append(f"events: {count(len(case.events), 'event')}")
    findings = sum(len(exam.findings) for exam in case.fnd_exams)
    lines.append(f"FND exams: {count(len(case.fnd_exams), 'exam')}, {count(findings, 'finding')}")
    lines.append(f"clinicians: {count(len(case.clinicians), 'clinician')}")
    if case.amendment is not None:
        lines.append(f"amendment request under: {explain(case.amendment.to, 'amendment.to')}")
    if case.access_request is not None:
        lines.append(f"request for copies under: {explain(case.access_request.to, 'access_request.to')}")
    return lines


def iter_warnings(case: Case, table: EquivalenceTable = EquivalenceTable.ASHTON) -> Iterator[Warning_]:
    for field, message in iter_chronology_warnings(case):
        yield Warning_(field, message)
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
    exposure = exposure_of(case, table)
    for found in exposure.breaches:
        if found.medication is not None:
            yield Warning_(f"medications[{found.medication}].doses",
                           f"{_excerpt(courses[found.medication].drug)}: {found.breach.text}")
        elif found.switch is not None:
            switch = exposure.switches[found.switch]
            names = f"{' and '.join(switch.from_drugs)} to {' and '.join(switch.to_drugs)}"
            yield Warning_(f"medications[{switch.changes[-1].medication}].doses",
                           f"the total during the switch from {_excerpt(names, 80)} (diazepam-equivalent, "
                           f"{TABLE_NAMES[table]}): {found.breach.text}")
    positions = {id(symptom): index for index, symptom in enumerate(case.symptoms)}
    for relation in relations(case, exposure, taper_phases(exposure)):
        for ambiguity in relation.ambiguous:
            yield Warning_(f"symptoms[{positions[id(relation.symptom)]}].onset",
                           f"the onset {relation.symptom.onset.display()} of '{_excerpt(relation.symptom.name)}': "
                           f"{ambiguity}")
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
    letter = case.therapist_letter
    if letter is not None:
        for index, clinician in enumerate(case.clinicians):
            if clinician.id == letter.from_ and not (clinician.phone or "").strip():
                yield Warning_(f"clinicians[{index}].phone",
                               f"the therapist letter is from {_excerpt(clinician.name)}, who has no phone number: "
                               "its warning signs ask the therapist to call the prescriber the same day, so the "
                               "letter should give one")
