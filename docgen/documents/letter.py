"""The prescriber-to-therapist letter: the taper plan and how to coordinate care during it.

Everything the letter computes is here (the schedule rows, dates, percent text, the current
regimen, the law and the emergency numbers that apply); everything it says is in
``templates/letter.xml.j2``. The schedule comes from ``docgen.facts.taper_plan`` (the projection
of each medication's ``taper`` plan) and what can truthfully be said about it from
``docgen.facts.taper_summary``: the doses actually held and for how long, every step beyond the
guideline's general bound with its cause and the plan's own options, and which steps are dated
before the letter. A case without a plan still gets a letter, which says the schedule is still to
be decided.

The letter cites HIPAA (45 CFR 164.506(c)(2)) only when the prescriber and the therapist are both
in the United States (REFERENCE.md sections 2 and 7); elsewhere it names no law. Its emergency
numbers are those of the therapist's country (REFERENCE.md section 7), or "local emergency
services" where the reference gives none.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from docgen.case.dates import display_day
from docgen.case.model import Case, Clinician, _excerpt
from docgen.documents.kind import DocumentKind
from docgen.errors import MissingDataError
from docgen.facts import links, onsets
from docgen.facts.emergency import numbers_for
from docgen.facts.exposure import exposure_of
from docgen.facts.formatting import dates_in_text, format_mg
from docgen.facts.jurisdiction import country_of
from docgen.facts.makeup import step_makeup
from docgen.facts.phases import taper_phases
from docgen.facts.taper import LIQUID, STOP, TaperStep
from docgen.facts.taper_plan import (
    PlannedTaper,
    display_name,
    latest_dose,
    percent_text,
    planned_tapers,
)
from docgen.facts.taper_summary import BeyondBound, HeldDose, beyond_bound, due_by, held_doses, split_at
from docgen.options import Options

if TYPE_CHECKING:
    from docgen.documents.timeline.fitting import Measure

TEMPLATE = "letter.xml.j2"
TITLE = "Taper plan and coordination of care"

#: Symptoms named for each reduction they followed; the rest are counted.
LINKED_NAMES = 6
#: The letter's body size: 10 pt (DESIGN.md: 10-11 pt in letters), so that the plan, the
#: symptoms so far and how to coordinate fit on two pages.
LETTER_SIZE = 10.0


def missing(case: Case) -> str | None:
    """None when the case has a therapist_letter naming two known clinicians; else what is missing."""
    letter = case.therapist_letter
    if letter is None:
        return ("therapist_letter: this case file has no therapist_letter section; the letter needs "
                "one, with `from` and `to` clinician ids (the prescriber and the therapist)")
    known = ", ".join(_excerpt(clinician.id) for clinician in case.clinicians) or "none are defined"
    for key, value in (("from", letter.from_), ("to", letter.to)):
        if case.clinician(value) is None:
            return (f"therapist_letter.{key}: '{_excerpt(value)}' is not a clinician id; expected one of the "
                    f"ids under clinicians ({known})")
    try:
        planned_tapers(case)  # a plan the letter cannot project (a packet then leaves the letter out)
    except MissingDataError as problem:
        return str(problem)
    return None


def build_context(case: Case, options: Options, level: int = 0, measure: Measure | None = None) -> dict[str, Any]:
    """Everything the letter says, computed from the case."""
    letter = case.therapist_letter
    assert letter is not None  # the pipeline checks `missing` first
    prescriber = case.clinician(letter.from_)
    therapist = case.clinician(letter.to)
    assert prescriber is not None and therapist is not None
    tapers = planned_tapers(case)
    tapered = {planned.index for planned in tapers}
    exposure = exposure_of(case, options.table)
    phases = taper_phases(exposure)
    found = links.links(onsets.relations(case, exposure, phases), exposure, phases)
    letter_day = letter.date.earliest if letter.date is not None else options.today
    return {
        "title": TITLE,
        "size": LETTER_SIZE,
        "page": options.page,
        "patient": case.patient,
        "date_of_birth": case.patient.date_of_birth.display() if case.patient.date_of_birth else None,
        "generated": display_day(options.today),
        "letter_date": letter.date.display() if letter.date is not None else display_day(options.today),
        "prescriber": prescriber,
        "prescriber_affiliation": _affiliation(prescriber),
        "prescriber_role": _role(prescriber),
        "therapist": therapist,
        "salutation": _salutation(therapist),
        # HIPAA binds US covered entities only: cited between US parties, and no other law is stated
        "hipaa": country_of(prescriber) == "US" and country_of(therapist) == "US",
        "emergency": numbers_for(therapist),
        "authorization": dates_in_text(letter.authorization) if letter.authorization else None,
        "requests": list(letter.requests),
        "regimen": _regimen(case, tapered, prescriber),
        "tapers": [_taper(planned, letter_day) for planned in tapers],
        "taper_drugs": [planned.medication.drug for planned in tapers],
        # the symptoms that followed a reduction, as docgen.facts.links words them
        "links": [
            {"relation": link.relation, "what": link.what,
             "symptoms": [symptom.name + (f" (resolved {symptom.resolved.display()})" if symptom.resolved else "")
                          for symptom in link.symptoms[:LINKED_NAMES]],
             "more": max(0, len(link.symptoms) - LINKED_NAMES)}
            for link in found
        ],
    }


# -- people ------------------------------------------------------------------------------------


#: Credentials whose holders a letter greets as "Dr": physicians and doctoral psychologists.
_DOCTORS = {"MD", "DO", "MBBS", "MBCHB", "PHD", "PSYD", "DPHIL"}


def _salutation(clinician: Clinician) -> str:
    """How the letter greets the clinician: "Gregory Marsh, MD" -> "Dr Marsh" (a physician's or
    doctoral psychologist's credentials), else the name without credentials: "Alana Hendricks,
    LCPC" -> "Alana Hendricks". A name written with its own title ("Dra. Ana Rita Almeida") or
    without spaces keeps its form."""
    name, _, credentials = clinician.name.partition(",")
    name = name.strip() or clinician.name
    held = {part.strip().replace(".", "").upper() for part in credentials.split(",")}
    words = name.split()
    if held & _DOCTORS and len(words) > 1 and not words[0].rstrip(".").lower() in {"dr", "dra", "prof", "doctor"}:
        return f"Dr {words[-1]}"
    return name


def _role(clinician: Clinician) -> str:
    """The role line under the signature: the specialty, else the role in words."""
    roles = {"prescriber": "Prescribing clinician", "therapist": "Therapist", "neurologist": "Neurologist",
             "primary_care": "Primary care"}
    return clinician.specialty or roles.get(clinician.role, "")


def _affiliation(clinician: Clinician) -> str:
    """The specialty and organization, as a letterhead's second line."""
    parts = [part for part in (clinician.specialty, clinician.organization) if part]
    return " · ".join(parts)


# -- the current regimen -------------------------------------------------------------------------


def _regimen(case: Case, tapered: set[int], prescriber: Clinician) -> list[dict[str, Any]]:
    """Every medication whose latest dose is above 0, the tapered ones first."""
    rows = []
    for index, medication in enumerate(case.medications):
        dose = latest_dose(medication)
        if dose.mg_per_day <= 0:
            continue
        other = case.clinician(medication.prescriber)
        rows.append({
            "name": display_name(medication),
            "dose": f"{format_mg(dose.mg_per_day)} mg/day",
            "since": dose.date.display(),
            "note": dose.note,
            "indication": medication.indication,
            "tapering": index in tapered,
            "prescribed_by": other.name if other is not None and other.id != prescriber.id else None,
        })
    return sorted(rows, key=lambda row: not row["tapering"])


# -- a planned taper -------------------------------------------------------------------------------


def _taper(planned: PlannedTaper, letter_day: date) -> dict[str, Any]:
    plan = planned.plan
    steps = planned.schedule.steps
    past, coming = split_at(planned, letter_day)
    liquid_step = next((step for step in steps if step.form == LIQUID), None)
    rounding = _rounding_runs(planned)
    percents = [step.change_percent for step in steps if _is_held_rounding(planned, step)]
    every_weeks = plan.every_days // 7 if plan.every_days % 7 == 0 else None
    beyond = beyond_bound(planned)
    beyond_steps = {number for found in beyond for number in found.steps}
    beyond_due, beyond_coming = due_by(planned, beyond, letter_day)
    held = held_doses(planned)
    return {
        "drug": planned.medication.drug,
        "name": display_name(planned.medication),
        "current": format_mg(planned.current_mg),
        "since": planned.current_dose.date.display(),
        "stopped": planned.current_mg == 0,
        "percent": format_mg(float(plan.percent)),
        "every_days": plan.every_days,
        "every_weeks": every_weeks,
        "start": display_day(plan.start.earliest),
        "reason": plan.reason,
        "agreed_on": plan.agreed_on.display() if plan.agreed_on is not None else None,
        "rule": plan.slow_or_pause_if,
        "held": [_held(dose) for dose in held],
        "unit": format_mg(float(plan.smallest_step_mg or 0)),
        "liquid_below": format_mg(plan.liquid_below_mg) if plan.liquid_below_mg is not None else None,
        "liquid_strength": format_mg(plan.liquid_mg_per_ml) if plan.liquid_mg_per_ml is not None else None,
        "liquid_unit": format_mg(plan.liquid_mg_per_ml / 10) if plan.liquid_mg_per_ml is not None else None,
        "liquid_from": display_day(liquid_step.date) if liquid_step is not None else None,
        "liquid_from_mg": format_mg(liquid_step.mg_per_day) if liquid_step is not None else None,
        "liquid_step": liquid_step.number if liquid_step is not None else None,
        "past": [_brief(step) for step in past],
        "next": _brief(coming[0]) if coming else None,
        "next_is_first": not past,
        "rows": [_row(planned, step, liquid_step, letter_day, beyond_steps) for step in steps],
        "step_count": len(steps),
        "end_date": display_day(planned.schedule.end_date) if planned.schedule.end_date else None,
        "rounding": rounding,
        "rounding_wait_low": min((run["wait_low"] for run in rounding), default=0),
        "rounding_wait_high": max((run["wait_high"] for run in rounding), default=0),
        "rounding_percent_low": percent_text(min(percents)) if percents else None,
        "rounding_percent_high": percent_text(max(percents)) if percents else None,
        "beyond": [_beyond(found) for found in beyond],
        # the step numbers of those dated on or before the letter, and of those still to come
        "beyond_due_steps": list(beyond_due),
        "beyond_coming_steps": list(beyond_coming),
        "problems": list(planned.other_problems),
    }


def _brief(step: TaperStep) -> dict[str, Any]:
    return {"number": step.number, "date": display_day(step.date), "mg": format_mg(step.mg_per_day)}


def _held(dose: HeldDose) -> dict[str, Any]:
    return {
        "mg": format_mg(dose.mg_per_day),
        "days": dose.days,
        "weeks": dose.days // 7 if dose.days % 7 == 0 else None,
        "start": display_day(dose.start),
        "until": display_day(dose.until),
        "plan_days": dose.plan_days,
        "extra_days": dose.extra_days,
        # the plan names another dose: say which, so the schedule's dose is not taken for a slip
        "planned_at": [format_mg(at) for at in dose.planned_at if at != dose.mg_per_day],
    }


def _beyond(found: BeyondBound) -> dict[str, Any]:
    return {
        "steps": list(found.steps),
        "first": display_day(found.first),
        "last": display_day(found.last),
        "single": found.single_step,
        "before": format_mg(found.before_mg),
        "after": format_mg(found.after_mg),
        "percent": percent_text(found.percent),
        "cause": found.cause,
        "form": found.form,
        "unit": format_mg(found.unit_mg),
        "unit_ml": format_mg(found.unit_ml) if found.unit_ml is not None else None,
        "options": [
            {"kind": option.kind, "strength": format_mg(option.strength), "unit": format_mg(option.unit_mg),
             "after": format_mg(option.after_mg), "percent": percent_text(option.percent)}
            for option in found.options
        ],
    }


def _row(planned: PlannedTaper, step: TaperStep, liquid_step: TaperStep | None, letter_day: date,
         beyond_steps: set[int]) -> dict[str, Any]:
    previous = planned.schedule.steps[step.number - 2].mg_per_day if step.number > 1 else planned.current_mg
    makeup = step_makeup(planned.plan, step)
    return {
        "number": step.number,
        "date": display_day(step.date),
        "mg": format_mg(step.mg_per_day),
        "change": f"−{format_mg(-step.change_mg)} mg",
        "percent": percent_text(step.change_percent),
        "form": step.form,
        "ml": format_mg(step.ml_per_day) if step.ml_per_day is not None else None,
        "stop": step.kind == STOP,
        "makeup": makeup.text(),
        "makeup_status": makeup.status,
        "strengths": [format_mg(strength) for strength in makeup.strengths],
        "past": step.date < letter_day,
        "hold_days": planned.plan_hold_days(step),
        "hold_at": format_mg(previous),
        "rounding_days": planned.rounding_days(step) if planned.is_rounding_step(step) else 0,
        "liquid_starts": liquid_step is not None and step.number == liquid_step.number,
        "beyond": step.number in beyond_steps,
    }


def _rounding_runs(planned: PlannedTaper) -> list[dict[str, Any]]:
    """Runs of consecutive steps held because a percent step is smaller than what can be
    measured: where they start and end, the unit, the extra wait and the size of the steps."""
    steps = planned.schedule.steps
    runs: list[list[TaperStep]] = []
    for step in steps:
        if not _is_held_rounding(planned, step):
            continue
        if runs and runs[-1][-1].number == step.number - 1:
            runs[-1].append(step)
        else:
            runs.append([step])
    described = []
    for run in runs:
        first, last = run[0], run[-1]
        before = steps[first.number - 2].mg_per_day if first.number > 1 else planned.current_mg
        waits = [planned.rounding_days(step) for step in run]
        unit = -first.change_mg
        described.append({
            "from_mg": format_mg(before),
            "to_mg": format_mg(last.mg_per_day),
            "first_date": display_day(first.date),
            "last_date": display_day(last.date),
            "count": len(run),
            "unit": format_mg(unit),
            "unit_ml": format_mg(unit / float(planned.plan.liquid_mg_per_ml))
            if first.form == LIQUID and planned.plan.liquid_mg_per_ml else None,
            "form": first.form,
            "wait_low": min(waits),
            "wait_high": max(waits),
        })
    return described


def _is_held_rounding(planned: PlannedTaper, step: TaperStep) -> bool:
    """A reduction (not the final stop) taken one measurable amount down, after a longer wait."""
    return step.kind != STOP and planned.is_rounding_step(step)


KIND = DocumentKind(
    name="letter",
    label="therapist letter",
    title=TITLE,
    template=TEMPLATE,
    build_context=build_context,
    missing=missing,
    asked_by="therapist_letter",
)
