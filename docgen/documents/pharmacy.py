"""The pharmacy sheet: for the prescriber to check, sign and send with the prescriptions of a
taper. The sig of each step, the date of each change, the quantity of each tablet strength (and
mL of the liquid) for every fill period, and the totals.

The steps come from the projection that `docgen taper` prints, their make-ups from
``docgen.facts.makeup`` and the quantities from ``docgen.facts.dispensing``; all wording is in
``templates/pharmacy.xml.j2``. A tablet is split only where the plan's smallest step halves it,
and the sheet then asks the pharmacist to check that the strength is scored (the case file
cannot say).
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from docgen.case.dates import display_day
from docgen.case.model import Case
from docgen.documents.kind import DocumentKind, page_context
from docgen.documents.letter import _affiliation
from docgen.documents.taper_calendar import missing_taper
from docgen.facts.dispensing import Dispensing, dispensing
from docgen.facts.formatting import format_mg
from docgen.facts.makeup import LIQUID, TABLETS, Makeup, step_makeup
from docgen.facts.taper import STOP
from docgen.facts.taper_plan import PlannedTaper, display_name, percent_text, planned_tapers
from docgen.options import Options

if TYPE_CHECKING:
    from docgen.documents.timeline.fitting import Measure

TEMPLATE = "pharmacy.xml.j2"
TITLE = "Taper schedule for the pharmacy"
SIZE = 10.0
#: Steps listed with their sig; the rest are counted.
STEP_ROWS = 120


def missing(case: Case) -> str | None:
    """None when a planned taper has steps and names its tablet strengths."""
    problem = missing_taper(case, "the pharmacy sheet")
    if problem is not None:
        return problem
    tapers = [planned for planned in planned_tapers(case) if planned.schedule.steps]
    if not any(planned.plan.tablets_mg for planned in tapers):
        return (f"{tapers[0].field}.tablets_mg: the plan does not name the tablet strengths on hand; the pharmacy "
                "sheet needs them to count the tablets of each fill, for example tablets_mg: [5, 2]")
    return None


def build_context(case: Case, options: Options, level: int = 0, measure: Measure | None = None) -> dict[str, Any]:
    """Everything the pharmacy sheet says, computed from the case."""
    tapers = [planned for planned in planned_tapers(case) if planned.schedule.steps]
    prescribers = [case.clinician(planned.medication.prescriber) for planned in tapers]
    prescriber = next((clinician for clinician in prescribers if clinician is not None), None)
    return {
        **page_context(case, options, TITLE, SIZE),
        "prescriber": prescriber,
        "prescriber_affiliation": _affiliation(prescriber) if prescriber is not None else "",
        "fill_days": options.fill_days,
        "drugs": [_drug(case, planned, dispensing(planned, options.fill_days)) for planned in tapers],
    }


def _drug(case: Case, planned: PlannedTaper, dispensed: Dispensing) -> dict[str, Any]:
    plan = planned.plan
    steps = planned.schedule.steps
    makeups = [step_makeup(plan, step) for step in steps]
    split = sorted({strength for makeup in makeups for strength in makeup.split_strengths}, reverse=True)
    strengths = [strength for strength, _count in dispensed.total_tablets]
    rows = []
    for index, (step, makeup) in enumerate(zip(steps[:STEP_ROWS], makeups)):
        following = steps[index + 1].date if index + 1 < len(steps) else None
        rows.append({
            "number": step.number,
            "date": display_day(step.date),
            "iso": step.date.isoformat(),
            "until": display_day(following - timedelta(days=1)) if following is not None else None,
            "days": (following - step.date).days if following is not None else None,
            "mg": format_mg(step.mg_per_day),
            "change": percent_text(step.change_percent),
            "stop": step.kind == STOP,
            **_sig(makeup),
        })
    return {
        "drug": planned.medication.drug,
        "name": display_name(planned.medication),
        "prescriber": case.clinician(planned.medication.prescriber),
        "current": format_mg(planned.current_mg),
        "since": planned.current_dose.date.display(),
        "percent": format_mg(float(plan.percent)),
        "every_days": plan.every_days,
        "reason": plan.reason,
        "agreed_on": plan.agreed_on.display() if plan.agreed_on is not None else None,
        "rule": plan.slow_or_pause_if,
        "strengths": [format_mg(strength) for strength in strengths],
        "liquid_strength": format_mg(plan.liquid_mg_per_ml) if plan.liquid_mg_per_ml is not None else None,
        "split": [format_mg(strength) for strength in split],
        "split_steps": [step.number for step, makeup in zip(steps, makeups) if makeup.split_strengths],
        "unmade_steps": [step.number for step, makeup in zip(steps, makeups)
                         if step.kind != STOP and makeup.status not in (TABLETS, LIQUID)],
        "steps": rows,
        "more_steps": len(steps) - len(rows),
        "end_date": display_day(planned.schedule.end_date) if planned.schedule.end_date else None,
        "fills": [_fill(fill, strengths) for fill in dispensed.fills],
        "more_fills": dispensed.more_fills,
        "any_liquid": dispensed.total_liquid_ml is not None,
        "totals": [count for _strength, count in dispensed.total_tablets],
        "total_liquid": format_mg(dispensed.total_liquid_ml) if dispensed.total_liquid_ml is not None else None,
        "problems": list(planned.other_problems),
    }


def _sig(makeup: Makeup) -> dict[str, Any]:
    return {
        "status": makeup.status,
        "makeup": makeup.text(),
        "pieces": list(makeup.piece_texts),
        "ml": format_mg(makeup.ml_per_day) if makeup.ml_per_day is not None else None,
        "strength": format_mg(makeup.liquid_mg_per_ml) if makeup.liquid_mg_per_ml is not None else None,
        "split": [format_mg(strength) for strength in makeup.split_strengths],
        "strengths": [format_mg(strength) for strength in makeup.strengths],
    }


def _fill(fill: Any, strengths: list[float]) -> dict[str, Any]:
    counts = dict(fill.tablets)
    return {
        "number": fill.number,
        "start": display_day(fill.start),
        "end": display_day(fill.end),
        "days": fill.days,
        "doses": [{"mg": format_mg(dose.mg_per_day), "days": dose.days, "from": display_day(dose.start)}
                  for dose in fill.doses],
        "tablets": [counts.get(strength, 0) for strength in strengths],
        "liquid": format_mg(fill.liquid_ml) if fill.liquid_ml is not None else None,
        "unmade_days": fill.unmade_days,
    }


KIND = DocumentKind(
    name="pharmacy",
    label="pharmacy sheet",
    title=TITLE,
    template=TEMPLATE,
    build_context=build_context,
    missing=missing,
)
