"""A case read back in plain sentences, for a person to check before it is saved: what was taken
when, what happened, what the exams found and what the documents will ask for; not counts."""

from __future__ import annotations

from docgen.case.model import Case, Medication
from docgen.facts.fnd import RESULT_TEXT, sign_name
from docgen.facts.formatting import format_mg

#: Past this many entries of one kind, the first ones are read back and the rest counted.
_SHOWN = 8


def read_back(case: Case) -> list[str]:
    """One sentence a line, section by section."""
    patient = case.patient
    lines = [f"{patient.name}" + (f", born {patient.date_of_birth.display()}" if patient.date_of_birth else "")
             + (f", record number {patient.mrn}" if patient.mrn else "") + "."]
    for clinician in case.clinicians:
        where = f" at {clinician.organization}" if clinician.organization else ""
        lines.append(f"{clinician.name}, {clinician.role.replace('_', ' ')}{where}.")
    for medication in case.medications:
        lines.append(_medication(medication))
        if medication.taper is not None:
            taper = medication.taper
            lines.append(f"  Taper plan: {format_mg(taper.percent)}% of the current dose every {taper.every_days} days, "
                         f"from {taper.start.display()}.")
    for symptom in case.symptoms[:_SHOWN]:
        worst = max((point.severity for point in symptom.course), default=None)
        lasted = f"until {symptom.resolved.display()}" if symptom.resolved else "ongoing"
        lines.append(f"{symptom.name} ({symptom.category}), from {symptom.onset.display()}, {lasted}"
                     + (f"; at worst {worst}/10" if worst is not None else "") + ".")
    lines += _more(len(case.symptoms), "symptom")
    for event in case.events[:_SHOWN]:
        lines.append(f"{event.date.display()}: {event.title} ({event.kind}).")
    lines += _more(len(case.events), "event")
    for exam in case.fnd_exams:
        examiner = case.clinician(exam.examiner)
        findings = "; ".join(f"{sign_name(finding.sign)} {RESULT_TEXT.get(finding.result, finding.result)}"
                             for finding in exam.findings) or "no findings recorded"
        lines.append(f"FND exam on {exam.date.display()}" + (f" by {examiner.name}" if examiner else "") + f": {findings}.")
    if case.amendment is not None:
        records = "; ".join(item.record + (f" ({item.date.display()})" if item.date else "") for item in case.amendment.items)
        lines.append(f"Amendment request to {case.amendment.to.organization}, about: {records}.")
    if case.therapist_letter is not None:
        sender = case.clinician(case.therapist_letter.from_)
        recipient = case.clinician(case.therapist_letter.to)
        if sender is not None and recipient is not None:
            lines.append(f"Therapist letter from {sender.name} to {recipient.name}.")
    return lines


def _medication(medication: Medication) -> str:
    name = medication.drug + (f" ({medication.brand})" if medication.brand else "")
    purpose = f" (indication: {medication.indication})" if medication.indication else ""
    steps = [(f"stopped {'on' if dose.date.is_exact else 'in'} " if dose.mg_per_day == 0
              else f"{format_mg(dose.mg_per_day)} mg/day from ") + dose.date.display()
             for dose in sorted(medication.doses, key=lambda dose: dose.date.sort_key())]
    if len(steps) > _SHOWN:
        steps = [*steps[:3], f"{len(steps) - 6} more changes", *steps[-3:]]
    return f"{name}{purpose}: {'; '.join(steps)}."


def _more(count: int, noun: str) -> list[str]:
    return [f"... and {count - _SHOWN} more {noun}s."] if count > _SHOWN else []
