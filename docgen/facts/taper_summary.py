"""What a letter can truthfully say about a projected taper, as facts. Pure, no I/O.

Three things a reader of a schedule needs and the bare steps do not say:

- **The doses held** (`held_doses`): a plan's hold applies once the dose first reaches or falls
  below its dose (CASEFILE.md), so the schedule holds the first dose at or below it, which may
  not be the dose the plan names (a hold "at 2 mg/day" can hold 1.875 mg/day), and the dose is
  taken for the usual interval plus the hold (a 56-day hold every 28 days keeps it 84 days).
- **The steps beyond the guideline's general bound** (`beyond_bound`, REFERENCE.md section 6:
  more than 25% in one step or within 14 days): each with why (the plan's own pace, or the
  smallest amount that can be measured) and, where the unit forces it, the options the plan
  itself allows: an earlier switch to its liquid, or a smaller tablet strength of
  ``taper.tablets_mg``, each with the step it would allow.
- **The steps before a date** (`split_at`): a letter lists what is still to come from its own date;
  the steps dated before it were planned, and the case file records only doses. Of the steps
  beyond the bound, those dated on or before a letter's date (`due_by`) are not to come either.

`BeyondBound.note` words a step the unit forces beyond the bound for the schedule's notes
(`docgen taper`); the letters word the same facts in their templates.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Literal

from docgen.facts._decimals import decimal_of, format_dose, format_number
from docgen.facts.guideline import GUIDELINE_MAX_PERCENT, format_reduction, guideline_breaches
from docgen.facts.taper import LIQUID, STOP, TABLET, TaperStep

if TYPE_CHECKING:  # taper_plan reads these facts for the schedule's notes
    from docgen.facts.taper_plan import PlannedTaper


@dataclass(frozen=True)
class HeldDose:
    """A dose the schedule keeps longer because of the plan's holds.

    ``mg_per_day`` is taken from ``start`` (the step that reached it, or the plan's start for the
    dose before the first step) until ``until`` (the next step): ``days`` in all, of which
    ``plan_days`` are the plan's holds and ``extra_days`` the wait for a measurable step.
    ``planned_at`` are the doses the plan's holds name.
    """

    mg_per_day: float
    start: date
    until: date
    days: int
    plan_days: int
    extra_days: int
    planned_at: tuple[float, ...]


@dataclass(frozen=True)
class Option:
    """A way the plan itself could measure a smaller step: its liquid (``kind`` "liquid",
    ``strength`` in mg/mL, measured in 0.1 mL) or a smaller tablet of its strengths (``kind``
    "tablet", ``strength`` in mg). ``unit_mg`` is what it measures; ``after_mg`` and ``percent``
    the step the plan's percent would then be from the same dose."""

    kind: Literal["liquid", "tablet"]
    strength: float
    unit_mg: float
    after_mg: float
    percent: float

    def text(self, before_mg: float) -> str:
        """"its 1 mg/mL liquid from this step on, which measures 0.1 mg, for a step of 3.0 → 2.7
        mg/day (10%)"."""
        form = (f"its {_mg(self.strength)} mg/mL liquid from this step on" if self.kind == "liquid"
                else f"its {_mg(self.strength)} mg tablet")
        return (f"{form}, which measures {_mg(self.unit_mg)} mg, for a step of "
                f"{_doses(before_mg, self.after_mg)} ({format_reduction(self.percent)})")


@dataclass(frozen=True)
class BeyondBound:
    """A reduction beyond the 2025 guideline's general bound in the projected schedule.

    ``steps`` are the step numbers (one, or several within 14 days); ``cause`` is "unit" where the
    plan's percent is within the bound and the smallest measurable amount (``unit_mg``, in the
    step's ``form``) makes the step larger, else "plan" (the plan's own percent and interval).
    """

    steps: tuple[int, ...]
    first: date
    last: date
    before_mg: float
    after_mg: float
    percent: float
    cause: Literal["unit", "plan"]
    form: str
    unit_mg: float
    unit_ml: float | None
    options: tuple[Option, ...]

    @property
    def single_step(self) -> bool:
        return len(self.steps) == 1

    @property
    def note(self) -> str | None:
        """The schedule's note on a step the unit forces beyond the bound, with the plan's own
        options for the prescriber: "this step, 3.0 → 2.0 mg/day (33%), is larger than the 2025
        guideline's general bound of 25% every two weeks because 1 mg is the smallest amount the
        tablets can measure; an option for the prescriber that the plan allows: ...". None where
        the plan's own pace is the cause (the guideline warnings say so)."""
        if self.cause != "unit":
            return None
        unit = f"{_mg(self.unit_mg)} mg"
        if self.unit_ml is not None:
            unit = f"{_mg(self.unit_ml)} mL ({unit})"
        what = "the liquid" if self.form == LIQUID else "the tablets"
        doses = f"{_doses(self.before_mg, self.after_mg)} ({format_reduction(self.percent)})"
        head = (f"this step, {doses}, is larger than the 2025 guideline's general bound of "
                f"{GUIDELINE_MAX_PERCENT:g}% every two weeks because {unit} is the smallest amount "
                f"{what} can measure")
        if not self.options:
            return f"{head}; the plan names no form that measures less at this dose"
        lead = "an option" if len(self.options) == 1 else "options"
        return f"{head}; {lead} for the prescriber that the plan allows: " + "; ".join(
            option.text(self.before_mg) for option in self.options)


def held_doses(planned: PlannedTaper) -> list[HeldDose]:
    """Each dose the plan's holds keep, as the schedule actually holds it, in date order."""
    steps = planned.schedule.steps
    plan = planned.plan
    found = []
    for index, step in enumerate(steps):
        plan_days = planned.plan_hold_days(step)
        if plan_days <= 0 or index == 0:
            continue
        previous = steps[index - 1]
        held = previous.mg_per_day
        planned_at = tuple(hold.at_mg_per_day for hold in plan.holds
                           if held <= hold.at_mg_per_day < _dose_before(planned, index - 1))
        found.append(HeldDose(
            mg_per_day=held, start=previous.date, until=step.date, days=(step.date - previous.date).days,
            plan_days=plan_days, extra_days=planned.rounding_days(step), planned_at=planned_at,
        ))
    return found


def beyond_bound(planned: PlannedTaper) -> list[BeyondBound]:
    """Every reduction of the schedule beyond the guideline's general bound (the breaches
    `PlannedTaper.guideline_warnings` words), with its cause and the plan's own options."""
    steps = planned.schedule.steps
    if not steps:
        return []
    points = planned.guideline_points()  # as `PlannedTaper.guideline_warnings` checks them
    by_date = {step.date: step for step in steps}
    found = []
    for breach in guideline_breaches(points):
        inside = tuple(step for step in steps if breach.first <= step.date <= breach.last)
        last = by_date[breach.last]
        unit = _unit(planned, last)
        plan_within = float(planned.plan.percent) <= GUIDELINE_MAX_PERCENT
        cause: Literal["unit", "plan"] = "unit" if breach.single_step and plan_within else "plan"
        strength = planned.plan.liquid_mg_per_ml
        found.append(BeyondBound(
            steps=tuple(step.number for step in inside),
            first=breach.first, last=breach.last, before_mg=breach.before_mg, after_mg=breach.after_mg,
            percent=breach.percent, cause=cause, form=last.form, unit_mg=float(unit),
            unit_ml=0.1 if last.form == LIQUID and strength is not None else None,
            options=_options(planned, last, breach.before_mg, breach.after_mg, unit) if cause == "unit" else (),
        ))
    return found


def due_by(planned: PlannedTaper, found: Sequence[BeyondBound], day: date) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """The numbers of the steps beyond the bound (``found``, of ``planned``) dated on or before
    ``day``, and of those after it: a letter of that date can speak only of the second as still to
    come (a step dated on the letter's own day is not)."""
    dates = {step.number: step.date for step in planned.schedule.steps}
    numbers = sorted({number for item in found for number in item.steps})
    return (tuple(number for number in numbers if dates[number] <= day),
            tuple(number for number in numbers if dates[number] > day))


def split_at(planned: PlannedTaper, day: date) -> tuple[tuple[TaperStep, ...], tuple[TaperStep, ...]]:
    """The steps dated before ``day`` and those on or after it."""
    steps = planned.schedule.steps
    past = tuple(step for step in steps if step.date < day)
    return past, steps[len(past):]


# -- helpers -------------------------------------------------------------------------------------


def _mg(value: float) -> str:
    return format_number(decimal_of(value))


def _doses(before_mg: float, after_mg: float) -> str:
    """As the schedule's notes and the guideline warnings write doses: "3.0 → 2.0 mg/day"."""
    return f"{format_dose(before_mg)} → {format_dose(after_mg)} mg/day"


def _dose_before(planned: PlannedTaper, index: int) -> float:
    return planned.schedule.steps[index - 1].mg_per_day if index > 0 else planned.current_mg


def _unit(planned: PlannedTaper, step: TaperStep) -> Decimal:
    """The smallest amount the plan measures in the step's form."""
    plan = planned.plan
    assert plan.smallest_step_mg is not None  # planned_tapers requires it
    if step.form == LIQUID and plan.liquid_mg_per_ml is not None:
        return decimal_of(float(plan.liquid_mg_per_ml)) / 10
    return decimal_of(float(plan.smallest_step_mg))


def _options(planned: PlannedTaper, step: TaperStep, before_mg: float, after_mg: float,
             unit: Decimal) -> tuple[Option, ...]:
    """The plan's own smaller units for this step: its liquid where the step is still a tablet,
    and its smallest tablet strength where that is smaller than the unit; only those that would
    make the step smaller than the schedule's."""
    plan = planned.plan
    if step.kind == STOP:
        return ()
    options = []
    if step.form == TABLET and plan.liquid_mg_per_ml is not None and plan.liquid_below_mg is not None:
        strength = float(plan.liquid_mg_per_ml)
        liquid_unit = decimal_of(strength) / 10
        if liquid_unit < unit:
            options.append(_option(planned, "liquid", strength, liquid_unit, before_mg))
    smaller = [strength for strength in plan.tablets_mg if decimal_of(float(strength)) < unit]
    if step.form == TABLET and smaller:
        strength = float(min(smaller))
        options.append(_option(planned, "tablet", strength, decimal_of(strength), before_mg))
    return tuple(option for option in options if after_mg < option.after_mg < before_mg)


def _option(planned: PlannedTaper, kind: Literal["liquid", "tablet"], strength: float, unit: Decimal,
            before_mg: float) -> Option:
    """The plan's percent step from ``before_mg``, rounded to ``unit`` as the projection rounds
    (to the nearest multiple, a tie keeping the higher dose)."""
    before = decimal_of(before_mg)
    target = before * (1 - decimal_of(float(planned.plan.percent)) / 100)
    after = (target / unit).quantize(Decimal(1), rounding=ROUND_HALF_UP) * unit
    return Option(kind, strength, float(unit), float(after), float((before - after) / before * 100))
