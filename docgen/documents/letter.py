"""The prescriber-to-therapist letter: the taper plan and how to coordinate care during it.

Everything the letter computes is here (the schedule rows, dates, percent text, the current
regimen); everything it says is in ``templates/letter.xml.j2``. The schedule comes from
``docgen.facts.taper_plan`` (the projection of each medication's ``taper`` plan); a case without a
plan still gets a letter, which says the schedule is still to be decided.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from docgen.case.dates import display_day
from docgen.case.model import Case, Clinician, _excerpt
from docgen.documents.kind import DocumentKind
from docgen.errors import MissingDataError
from docgen.facts import links, onsets
from docgen.facts.exposure import exposure_of
from docgen.facts.formatting import format_mg
from docgen.facts.phases import taper_phases
from docgen.options import Options

if TYPE_CHECKING:
    from docgen.documents.timeline.fitting import Measure
from docgen.facts.taper import LIQUID, STOP, TaperStep
from docgen.facts.taper_plan import (
    PlannedTaper,
    display_name,
    latest_dose,
    percent_text,
    planned_tapers,
)

TEMPLATE = "letter.xml.j2"
TITLE = "Taper plan and coordination of care"

#: Schedule rows shown in the letter; the rest are counted ("N more steps follow").
SCHEDULE_ROWS = 8
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
        "therapist": therapist,
        "salutation": _salutation(therapist),
        "authorization": letter.authorization,
        "requests": list(letter.requests),
        "regimen": _regimen(case, tapered, prescriber),
        "tapers": [_taper(planned) for planned in tapers],
        "taper_drugs": [planned.medication.drug for planned in tapers],
        # the symptoms that followed a reduction, as docgen.facts.links words them
        "links": [
            {"relation": link.relation, "what": link.what,
             "symptoms": [symptom.name for symptom in link.symptoms[:LINKED_NAMES]],
             "more": max(0, len(link.symptoms) - LINKED_NAMES)}
            for link in found
        ],
    }


# -- people ------------------------------------------------------------------------------------


def _salutation(clinician: Clinician) -> str:
    """The name without credentials: "Alana Hendricks, LCPC" -> "Alana Hendricks"."""
    return clinician.name.split(",")[0].strip() or clinician.name


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


def _taper(planned: PlannedTaper) -> dict[str, Any]:
    plan = planned.plan
    steps = planned.schedule.steps
    liquid_step = next((step for step in steps if step.form == LIQUID), None)
    shown = SCHEDULE_ROWS
    rows = [_row(planned, step, liquid_step) for step in steps[:shown]]
    rounding = _rounding_runs(planned)
    percents = [step.change_percent for step in steps if _is_held_rounding(planned, step)]
    every_weeks = plan.every_days // 7 if plan.every_days % 7 == 0 else None
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
        "holds": [
            {"at": format_mg(hold.at_mg_per_day), "days": hold.days,
             "weeks": hold.days // 7 if hold.days % 7 == 0 else None}
            for hold in plan.holds if hold.at_mg_per_day < planned.current_mg
        ],
        "unit": format_mg(float(plan.smallest_step_mg or 0)),
        "liquid_below": format_mg(plan.liquid_below_mg) if plan.liquid_below_mg is not None else None,
        "liquid_strength": format_mg(plan.liquid_mg_per_ml) if plan.liquid_mg_per_ml is not None else None,
        "liquid_from": display_day(liquid_step.date) if liquid_step is not None else None,
        "liquid_from_mg": format_mg(liquid_step.mg_per_day) if liquid_step is not None else None,
        "liquid_shown": liquid_step is not None and liquid_step.number <= shown,
        "rows": rows,
        "more_steps": max(0, len(steps) - shown),
        "step_count": len(steps),
        "end_date": display_day(planned.schedule.end_date) if planned.schedule.end_date else None,
        "rounding": rounding,
        "rounding_wait_low": min((run["wait_low"] for run in rounding), default=0),
        "rounding_wait_high": max((run["wait_high"] for run in rounding), default=0),
        "rounding_percent_low": percent_text(min(percents)) if percents else None,
        "rounding_percent_high": percent_text(max(percents)) if percents else None,
        "problems": list(planned.other_problems),
    }


def _row(planned: PlannedTaper, step: TaperStep, liquid_step: TaperStep | None) -> dict[str, Any]:
    previous = planned.schedule.steps[step.number - 2].mg_per_day if step.number > 1 else planned.current_mg
    return {
        "number": step.number,
        "date": display_day(step.date),
        "mg": format_mg(step.mg_per_day),
        "change": f"−{format_mg(-step.change_mg)} mg",
        "percent": percent_text(step.change_percent),
        "form": step.form,
        "ml": format_mg(step.ml_per_day) if step.ml_per_day is not None else None,
        "stop": step.kind == STOP,
        "hold_days": planned.plan_hold_days(step),
        "hold_at": format_mg(previous),
        "rounding_days": planned.rounding_days(step) if planned.is_rounding_step(step) else 0,
        "liquid_starts": liquid_step is not None and step.number == liquid_step.number,
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
