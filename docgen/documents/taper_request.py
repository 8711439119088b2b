"""The taper request: the patient's letter to the prescriber asking for (or to continue) a slow
taper led by how each step is tolerated. It sets out the patient's own history of reductions and
symptom onsets (``docgen.facts.taper_history``), what the 2025 joint guideline says (REFERENCE.md
section 6, cited as the guideline's), the plan the patient proposes where the case has one (the
projection `docgen taper` prints, with each step's make-up), and asks for a reply.

It is the patient's request, citing the guideline: never medical advice. All wording is in
``templates/taper_request.xml.j2``.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from docgen.case.dates import add_days, display_day
from docgen.case.model import Case, Clinician, Medication, _excerpt
from docgen.documents import timeline
from docgen.documents.kind import DocumentKind, page_context
from docgen.documents.letter import _affiliation, _salutation
from docgen.errors import MissingDataError
from docgen.facts.equivalence import looks_like_benzodiazepine
from docgen.facts.formatting import format_mg
from docgen.facts.makeup import step_makeup
from docgen.facts.taper import STOP
from docgen.facts.taper_history import Change, Run, TaperHistory, taper_history
from docgen.facts.taper_plan import PlannedTaper, display_name, latest_dose, percent_text, planned_tapers
from docgen.facts.taper_summary import beyond_bound, due_by, held_doses
from docgen.options import Options

if TYPE_CHECKING:
    from docgen.documents.timeline.fitting import Measure

TEMPLATE = "taper_request.xml.j2"
TITLE = "Request for a slow, tolerance-led taper"
SIZE = 10.5
#: The reply is asked for within this many days of the letter.
REPLY_DAYS = 14
#: Steps of a proposed plan shown; the rest are counted.
PLAN_ROWS = 6
#: Dose changes listed for each medication, the latest ones; the earlier are counted.
CHANGE_ROWS = 14


def concerned(case: Case) -> list[tuple[int, Medication]]:
    """The medications the request is about: each one taken now with a taper plan, or, where
    none has a plan, each benzodiazepine (or Z-drug) taken now."""
    taken = [(index, medication) for index, medication in enumerate(case.medications)
             if latest_dose(medication).mg_per_day > 0]
    planned = [(index, medication) for index, medication in taken if medication.taper is not None]
    return planned or [(index, medication) for index, medication in taken if looks_like_benzodiazepine(medication.drug)]


def missing(case: Case) -> str | None:
    """None when a medication taken now can be tapered and names its prescriber, a known clinician."""
    found = concerned(case)
    if not found:
        return ("medications: no benzodiazepine, and no medication with a taper plan, is taken now (the latest dose "
                "is 0 or there is none), so there is no taper to ask for")
    known = ", ".join(_excerpt(clinician.id) for clinician in case.clinicians) or "none are defined"
    for index, medication in found:
        if medication.prescriber is None:
            continue
        if case.clinician(medication.prescriber) is None:
            return (f"medications[{index}].prescriber: '{_excerpt(medication.prescriber)}' is not a clinician id; "
                    f"expected one of the ids under clinicians ({known})")
        try:
            planned_tapers(case)
        except MissingDataError as problem:
            return str(problem)
        return None
    index = found[0][0]
    return (f"medications[{index}].prescriber: the request goes to the medication's prescriber, and none is named; "
            f"add `prescriber:` with a clinician id ({known}), or name one with --to")


def _recipient(case: Case, options: Options) -> Clinician:
    if options.request_to is not None:
        chosen = case.clinician(options.request_to)
        if chosen is None:
            known = ", ".join(_excerpt(clinician.id) for clinician in case.clinicians) or "none are defined"
            raise MissingDataError(f"--to: '{_excerpt(options.request_to)}' is not a clinician id; expected one of "
                                   f"the ids under clinicians ({known})")
        return chosen
    for _index, medication in concerned(case):
        found = case.clinician(medication.prescriber)
        if found is not None:
            return found
    raise MissingDataError("medications[].prescriber: the request goes to the medication's prescriber, and none is named")


def build_context(case: Case, options: Options, level: int = 0, measure: Measure | None = None) -> dict[str, Any]:
    """Everything the request says, computed from the case."""
    recipient = _recipient(case, options)
    medications = concerned(case)
    indices = {index for index, _medication in medications}
    tapers = [planned for planned in planned_tapers(case) if planned.index in indices and planned.schedule.steps]
    found = taper_history(case, options.table)
    return {
        **page_context(case, options, TITLE, SIZE),
        "letter_date": display_day(options.today),
        "reply_by": display_day(add_days(options.today, REPLY_DAYS)),
        "recipient": recipient,
        "recipient_affiliation": _affiliation(recipient),
        "salutation": _salutation(recipient),
        "drugs": [medication.drug for _index, medication in medications],
        "names": [display_name(medication) for _index, medication in medications],
        "continuing": bool(tapers),
        "courses": _courses(found),
        "runs": [_run(run) for run in found.runs],
        "onsets": [{"symptom": onset.symptom, "onset": onset.onset.display(), "timing": onset.timing,
                    "resolved": onset.resolved.display() if onset.resolved else None} for onset in found.onsets],
        "beyond": [_change(change, course.drug) for course in found.courses for change in course.changes
                   if change.beyond_guideline],
        "plans": [_plan(planned, options.today) for planned in tapers],
        "enclosure": options.enclosure,
        "enclosure_title": timeline.TITLE,
        "preparer": case.prepared_by if case.prepared_by and case.prepared_by.role != "patient" else None,
    }


def _courses(found: TaperHistory) -> list[dict[str, Any]]:
    courses = []
    for course in found.courses:
        shown = course.changes[-CHANGE_ROWS:]
        courses.append({
            "drug": course.drug,
            "name": course.name,
            "start": course.start.display() if course.start else None,
            "start_mg": format_mg(course.start_mg),
            "peak_mg": format_mg(course.peak_mg) if course.peak_mg is not None else None,
            "peak_date": course.peak_date.display() if course.peak_date else None,
            "peak_is_start": course.peak_date == course.start,
            "current_mg": format_mg(course.current_mg),
            "since": course.current_since.display(),
            "changes": [_change(change, course.drug) for change in shown],
            "earlier": len(course.changes) - len(shown),
        })
    return courses


def _change(change: Change, drug: str) -> dict[str, Any]:
    return {
        "drug": drug,
        "date": change.date.display(),
        "before": format_mg(change.before_mg),
        "after": format_mg(change.after_mg),
        "kind": change.kind,
        "percent": percent_text(change.percent) if change.percent is not None else None,
        "days": change.days_since_previous,
        "beyond": change.beyond_guideline,
        "switched_to": change.switched_to,
        "note": change.note,
    }


def _run(run: Run) -> dict[str, Any]:
    return {"relation": run.relation, "what": run.what, "symptoms": list(run.symptoms)}


def _plan(planned: PlannedTaper, letter_day: date) -> dict[str, Any]:
    plan = planned.plan
    steps = planned.schedule.steps
    beyond = beyond_bound(planned)
    beyond_due, beyond_coming = due_by(planned, beyond, letter_day)
    rows = []
    for step in steps[:PLAN_ROWS]:
        makeup = step_makeup(plan, step)
        rows.append({
            "number": step.number,
            "date": display_day(step.date),
            "iso": step.date.isoformat(),
            "mg": format_mg(step.mg_per_day),
            "change": percent_text(step.change_percent),
            "stop": step.kind == STOP,
            "status": makeup.status,
            "makeup": makeup.text(),
            "strengths": [format_mg(strength) for strength in makeup.strengths],
        })
    return {
        "drug": planned.medication.drug,
        "name": display_name(planned.medication),
        "current": format_mg(planned.current_mg),
        "since": planned.current_dose.date.display(),
        "percent": format_mg(float(plan.percent)),
        "every_days": plan.every_days,
        "every_weeks": plan.every_days // 7 if plan.every_days % 7 == 0 else None,
        "start": display_day(plan.start.earliest),
        "started": plan.start.earliest <= letter_day,  # a plan that began before the letter is not proposed as new
        # the doses the schedule holds, for as long as it holds them (not the plan's hold doses)
        "holds": [{"mg": format_mg(held.mg_per_day), "days": held.days, "start": display_day(held.start),
                   "until": display_day(held.until)} for held in held_doses(planned)],
        "liquid_below": format_mg(plan.liquid_below_mg) if plan.liquid_below_mg is not None else None,
        "liquid_strength": format_mg(plan.liquid_mg_per_ml) if plan.liquid_mg_per_ml is not None else None,
        "strengths": [format_mg(strength) for strength in sorted(set(plan.tablets_mg), reverse=True)],
        "reason": plan.reason,
        "agreed_on": plan.agreed_on.display() if plan.agreed_on is not None else None,
        "rule": plan.slow_or_pause_if,
        "rows": rows,
        "more_steps": max(0, len(steps) - PLAN_ROWS),
        "step_count": len(steps),
        "end_date": display_day(planned.schedule.end_date) if planned.schedule.end_date else None,
        "beyond": [{"steps": list(found.steps), "date": display_day(found.last), "before": format_mg(found.before_mg),
                    "after": format_mg(found.after_mg), "percent": percent_text(found.percent), "cause": found.cause}
                   for found in beyond],
        # the step numbers of those dated on or before the request, and of those still to come
        "beyond_due_steps": list(beyond_due),
        "beyond_coming_steps": list(beyond_coming),
    }


KIND = DocumentKind(
    name="taper-request",
    label="taper request",
    title=TITLE,
    template=TEMPLATE,
    build_context=build_context,
    missing=missing,
    enclosure=True,
    applies=lambda case, options: any(medication.taper is not None for _index, medication in concerned(case)),
)
