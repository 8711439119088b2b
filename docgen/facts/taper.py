"""The taper projection: a prescriber's plan, written out step by step. Pure, no I/O.

CASEFILE.md ("How a taper plan reads") is the specification; REFERENCE.md section 6 gives the
reasoning (steps a fixed fraction of the *current* dose, Horowitz and Taylor) and the 2025 Joint
guideline's general bound of 25% every two weeks, which `docgen.facts.guideline` checks (its
`guideline_warnings` is importable from here too).

Arithmetic is done in `Decimal`, so doses such as 2.25, 0.125 or 0.41 mg come out exact.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal, localcontext

from docgen.facts._decimals import decimal_of as _decimal
from docgen.facts._decimals import format_dose as _format_dose
from docgen.facts._decimals import format_number as _format_number
from docgen.facts.guideline import GUIDELINE_MAX_PERCENT, GUIDELINE_WINDOW_DAYS, guideline_warnings

__all__ = [
    "GUIDELINE_MAX_PERCENT", "GUIDELINE_WINDOW_DAYS", "LIQUID", "REDUCTION", "STOP", "TABLET",
    "TaperSchedule", "TaperStep", "guideline_warnings", "project_taper",
]

TABLET = "tablet"
LIQUID = "liquid"
REDUCTION = "reduction"
STOP = "stop"


@dataclass(frozen=True)
class TaperStep:
    """One dose change of a projected taper.

    `change_mg` is negative (or 0 for no step); `change_percent` is the reduction as a positive
    percent of the previous dose. `held_days` counts the days waited beyond the plan's interval
    before this step (a plan hold, a rounding hold, or both); `notes` say why.
    """

    number: int
    date: date
    mg_per_day: float
    change_mg: float
    change_percent: float
    form: str
    ml_per_day: float | None
    kind: str
    held_days: int
    notes: tuple[str, ...]


@dataclass(frozen=True)
class TaperSchedule:
    """A projected taper: its steps, the date it reaches 0 and what stops it being followed as
    written."""

    start_mg: float
    steps: tuple[TaperStep, ...]
    end_date: date | None
    problems: tuple[str, ...]
    liquid_from: date | None


def project_taper(
    current_mg: float,
    start: date,
    percent: float,
    every_days: int,
    smallest_step_mg: float,
    holds: Sequence[tuple[float, int]] = (),
    liquid_below_mg: float | None = None,
    liquid_mg_per_ml: float | None = None,
    stop_below_mg: float | None = None,
    max_steps: int = 1000,
) -> TaperSchedule:
    """Project a taper plan from `current_mg` (mg/day) as a list of dated steps.

    Rules (CASEFILE.md):

    - The first reduction is on `start`; each step takes `percent` of the *current* dose off;
      steps are `every_days` apart.
    - Each new dose is rounded to the nearest measurable amount (ties keep the higher dose, the
      smaller reduction). The unit is `smallest_step_mg` for tablets. Once the unrounded new dose
      is below `liquid_below_mg`, the form is liquid from then on and the unit is 0.1 mL, that is
      0.1 x `liquid_mg_per_ml` mg; without the strength the tablet unit is kept, mL cannot be
      computed and that is stated as a problem.
    - A plan hold `(at_mg_per_day, days)` applies once, when the dose first reaches or falls below
      `at_mg_per_day`, and adds `days` before the next step. A hold at or above the starting dose
      never applies (the first reduction is on `start`) and is reported as a problem.
    - After the dose reaches or falls below `stop_below_mg`, the next step is 0.
    - A step never rounds to "no change": when the rounded dose is not below the current one the
      step is held instead. It goes down to the next measurable dose (one unit, current - unit,
      when the current dose is a whole number of units; else the largest multiple of the unit
      below it; or 0), scheduled after the
      smallest whole number k of intervals with (1 - percent/100)^k <= new/current: the time the
      plan's unrounded steps would take to come down as far. `held_days` is (k - 1) x `every_days`.
      The step itself can still be larger than the guideline's general bound (`docgen.facts.
      taper_summary.beyond_bound` says which, and what the plan allows instead). The first step stays on
      `start`, and a held step to 0 (the last measurable dose stopped) comes after one interval.
      This is stated once in `problems` and on each such step. Without `stop_below_mg` this is
      how the schedule reaches 0 (or, from a dose that is not a whole number of units, by
      rounding to 0, which the step's notes say).
    - At most `max_steps` steps are projected; hitting the cap is a problem.

    Raises ValueError for arguments no plan can have (percent outside (0, 100), every_days < 1,
    a non-positive unit, a negative dose). A current dose of 0 gives an empty schedule.
    """
    _validate(
        current_mg, percent, every_days, smallest_step_mg, holds,
        liquid_below_mg, liquid_mg_per_ml, stop_below_mg, max_steps,
    )  # fmt: skip
    if current_mg == 0:
        return TaperSchedule(
            start_mg=0.0, steps=(), end_date=None, problems=("already stopped",), liquid_from=None
        )

    current = _decimal(current_mg)
    keep = 1 - _decimal(percent) / 100
    tablet_unit = _decimal(smallest_step_mg)
    strength = None if liquid_mg_per_ml is None else _decimal(liquid_mg_per_ml)
    liquid_unit = tablet_unit if strength is None else strength / 10
    liquid_below = None if liquid_below_mg is None else _decimal(liquid_below_mg)
    stop_below = None if stop_below_mg is None else _decimal(stop_below_mg)
    percent_text = _format_number(_decimal(percent))

    problems: list[str] = []
    pending_holds: list[tuple[Decimal, int]] = []
    for at_mg, days in holds:
        at = _decimal(at_mg)
        if at >= current:
            problems.append(
                f"The hold at {_format_dose(at)} mg/day is not below the starting dose of "
                f"{_format_dose(current)} mg/day, so it does not apply."
            )
        elif days > 0:
            pending_holds.append((at, days))

    steps: list[TaperStep] = []
    due = start  # when the next step falls at the plan's pace
    hold_days = 0
    hold_note: str | None = None
    in_liquid = False
    rounding_problem_stated = False
    strength_problem_stated = False
    reached_zero = False

    while len(steps) < max_steps:
        notes: list[str] = [] if hold_note is None else [hold_note]
        intervals = 1
        if stop_below is not None and current <= stop_below:
            new = Decimal(0)
        else:
            target = current * keep
            if liquid_below is not None and target < liquid_below:
                in_liquid = True
            unit = liquid_unit if in_liquid else tablet_unit
            new = _round_to_unit(target, unit)
            if new >= current:
                new = _measurable_below(current, unit)
                first = not steps
                if new > 0 and not first:
                    intervals = _intervals_for_pace(new / current, keep)
                notes.append(
                    _rounding_note(
                        percent_text, current, current - target, unit, new, intervals,
                        every_days, first, in_liquid,
                    )  # fmt: skip
                )
                if not rounding_problem_stated:
                    rounding_problem_stated = True
                    problems.append(_rounding_problem(percent_text, current, unit, in_liquid))
            elif new == 0:
                notes.append(
                    f"a {percent_text}% step from {_format_dose(current)} mg/day rounds to 0, "
                    f"the nearest measurable dose (the measurable amount is "
                    f"{_format_number(unit)} mg)"
                )
        if in_liquid and strength is None and not strength_problem_stated:
            strength_problem_stated = True
            problems.append(
                "The liquid's strength (mg per mL) is not given, so mL per dose cannot be "
                f"computed; liquid doses are rounded to {_format_number(tablet_unit)} mg."
            )

        held_days = hold_days + (intervals - 1) * every_days
        try:
            when = due + timedelta(days=held_days)
        except OverflowError:
            problems.append("The projection runs past the end of the calendar.")
            break
        steps.append(
            TaperStep(
                number=len(steps) + 1,
                date=when,
                mg_per_day=float(new),
                change_mg=float(new - current),
                change_percent=float((current - new) / current * 100),
                form=LIQUID if in_liquid else TABLET,
                ml_per_day=None if not in_liquid or strength is None else float(new / strength),
                kind=STOP if new == 0 else REDUCTION,
                held_days=held_days,
                notes=tuple(notes),
            )
        )
        current = new
        if current == 0:
            reached_zero = True
            break

        hold_days, hold_note = 0, None
        remaining: list[tuple[Decimal, int]] = []
        for at, days in pending_holds:
            if current <= at:
                hold_days += days
            else:
                remaining.append((at, days))
        pending_holds = remaining
        if hold_days:
            hold_note = f"after a {hold_days}-day hold at {_format_dose(current)} mg/day"
        try:
            due = when + timedelta(days=every_days)
        except OverflowError:
            problems.append("The projection runs past the end of the calendar.")
            break
    else:
        problems.append(
            f"The projection stops after {max_steps} steps without reaching 0 mg/day."
        )

    liquid_from = next((step.date for step in steps if step.form == LIQUID), None)
    return TaperSchedule(
        start_mg=float(current_mg),
        steps=tuple(steps),
        end_date=steps[-1].date if reached_zero else None,
        problems=tuple(problems),
        liquid_from=liquid_from,
    )


def _validate(
    current_mg: float,
    percent: float,
    every_days: int,
    smallest_step_mg: float,
    holds: Sequence[tuple[float, int]],
    liquid_below_mg: float | None,
    liquid_mg_per_ml: float | None,
    stop_below_mg: float | None,
    max_steps: int,
) -> None:
    if not 0 < percent < 100:
        raise ValueError(f"percent must be between 0 and 100 (exclusive), not {percent}")
    if every_days < 1:
        raise ValueError(f"every_days must be at least 1, not {every_days}")
    if not (math.isfinite(smallest_step_mg) and smallest_step_mg > 0):
        raise ValueError(f"smallest_step_mg must be above 0, not {smallest_step_mg}")
    if not (math.isfinite(current_mg) and current_mg >= 0):
        raise ValueError(f"current_mg must not be negative, not {current_mg}")
    for at_mg, days in holds:
        if not (math.isfinite(at_mg) and at_mg >= 0) or days < 0:
            raise ValueError(
                f"a hold needs a dose and days that are not negative, not {(at_mg, days)}"
            )
    liquid = (("liquid_below_mg", liquid_below_mg), ("liquid_mg_per_ml", liquid_mg_per_ml))
    for name, value in liquid:
        if value is not None and not (math.isfinite(value) and value > 0):
            raise ValueError(f"{name} must be above 0, not {value}")
    if stop_below_mg is not None and not (math.isfinite(stop_below_mg) and stop_below_mg >= 0):
        raise ValueError(f"stop_below_mg must not be negative, not {stop_below_mg}")
    if max_steps < 1:
        raise ValueError(f"max_steps must be at least 1, not {max_steps}")


def _round_to_unit(value: Decimal, unit: Decimal) -> Decimal:
    """The nearest multiple of `unit`; a tie keeps the higher dose."""
    with localcontext() as context:
        # a dose over a unit can have ~640 digits (1e308 mg in steps of 1e-324 mg); quantize needs them all
        context.prec = 700
        return (value / unit).quantize(Decimal(1), rounding=ROUND_HALF_UP) * unit


def _measurable_below(current: Decimal, unit: Decimal) -> Decimal:
    """The largest whole number of units strictly below `current`, or 0."""
    units = (current / unit).to_integral_value(rounding=ROUND_CEILING) - 1
    return max(units, Decimal(0)) * unit


def _intervals_for_pace(ratio: Decimal, keep: Decimal) -> int:
    """The smallest whole k >= 1 with keep**k <= ratio (0 < ratio, 0 < keep < 1)."""
    estimate = max(1, math.ceil(math.log(ratio) / math.log(keep)) - 1)
    while estimate > 1 and keep ** (estimate - 1) <= ratio:
        estimate -= 1
    while keep**estimate > ratio:
        estimate += 1
    return estimate


def _rounding_note(
    percent_text: str,
    current: Decimal,
    step_mg: Decimal,
    unit: Decimal,
    new: Decimal,
    intervals: int,
    every_days: int,
    first: bool,
    in_liquid: bool,
) -> str:
    head = (
        f"a {percent_text}% step from {_format_dose(current)} mg/day "
        f"({_format_number(step_mg)} mg) is smaller than the measurable amount of "
        f"{_format_number(unit)} mg"
    )
    if new == 0:
        action = "so the last measurable dose is stopped"
    elif first:
        action = "so the first step goes down to the next measurable dose, on the start date"
    else:
        # true by construction: `_intervals_for_pace` is the smallest k with keep**k <= new/current
        action = (
            f"so this step goes down to the next measurable dose after {intervals} intervals "
            f"({intervals * every_days} days), the time the plan's {percent_text}% steps would "
            f"take to come down as far"
        )
    return f"{head}, {action}; {_smaller_forms(in_liquid)} would allow smaller steps"


def _rounding_problem(percent_text: str, current: Decimal, unit: Decimal, in_liquid: bool) -> str:
    return (
        f"A {percent_text}% step is smaller than the measurable amount ({_format_number(unit)} mg) "
        f"from {_format_dose(current)} mg/day: the projection steps down to the next measurable "
        f"dose instead, after as many intervals as the plan's {percent_text}% steps would take to "
        f"come down as far. {_smaller_forms(in_liquid).capitalize()} would allow smaller steps."
    )


def _smaller_forms(in_liquid: bool) -> str:
    return "a more dilute liquid or a compounded form" if in_liquid else "a liquid or compounded form"
