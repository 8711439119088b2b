"""What a pharmacy dispenses for a projected taper: for each fill period, the doses taken in it
and the quantity of each tablet strength (and mL of the liquid) they need. Pure, no I/O.

Quantities follow the day-by-day doses of ``docgen.facts.taper_days`` (the one projection) and
their make-ups (``docgen.facts.makeup``): a strength's quantity in a period is the tablets taken
on its days, half tablets included, rounded up to whole tablets. The first period starts on the
day of the first step; the last ends on the day before the step to 0.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from docgen.case.dates import add_days
from docgen.facts.makeup import CANNOT, LIQUID, NOT_GIVEN, TABLETS, Makeup
from docgen.facts.taper_days import first_day, iter_days
from docgen.facts.taper_plan import PlannedTaper

#: At most this many fill periods are listed (about eight years of 28-day fills).
MAX_FILLS = 104


@dataclass(frozen=True)
class FillDose:
    """One dose taken during a fill period: from ``start``, for ``days`` days of the period."""

    start: date
    days: int
    mg_per_day: float
    makeup: Makeup


@dataclass(frozen=True)
class Fill:
    """One fill period and what it needs."""

    number: int
    start: date
    end: date  # the last day, included
    doses: tuple[FillDose, ...]
    #: (strength in mg, whole tablets), largest strength first; every strength of the plan.
    tablets: tuple[tuple[float, int], ...]
    #: mL of the liquid, or None when no day of the period is liquid.
    liquid_ml: float | None
    #: Days whose dose the tablets on hand cannot make (or whose make-up is not known).
    unmade_days: int

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


@dataclass(frozen=True)
class Dispensing:
    """Every fill of one planned taper, and the totals over all of them."""

    planned: PlannedTaper
    fill_days: int
    fills: tuple[Fill, ...]
    total_tablets: tuple[tuple[float, int], ...]
    total_liquid_ml: float | None
    #: Fill periods left out beyond ``MAX_FILLS``.
    more_fills: int


def dispensing(planned: PlannedTaper, fill_days: int) -> Dispensing:
    """The fills of a planned taper, ``fill_days`` days each, from its first step to its stop."""
    if fill_days < 1:
        raise ValueError(f"fill_days must be at least 1, not {fill_days}")
    strengths = _strengths(planned)
    start = first_day(planned)
    steps = planned.schedule.steps
    if start is None:
        return Dispensing(planned, fill_days, (), tuple((strength, 0) for strength in strengths), None, 0)
    # the day after the last day taken: the stop, or a fill after the last step of a projection
    # that does not reach 0
    stop = steps[-1].date if steps[-1].mg_per_day == 0 else add_days(steps[-1].date, fill_days)
    periods = max(0, math.ceil((stop - start).days / fill_days))
    fills = []
    for number in range(1, min(periods, MAX_FILLS) + 1):
        period_start = add_days(start, (number - 1) * fill_days)
        period_end = min(add_days(period_start, fill_days - 1), add_days(stop, -1))
        if period_end < period_start:
            break
        fills.append(_fill(planned, number, period_start, period_end, strengths))
    totals = {strength: sum(dict(fill.tablets)[strength] for fill in fills) for strength in strengths}
    liquids = [fill.liquid_ml for fill in fills if fill.liquid_ml is not None]
    total_liquid = _float(sum((Fraction(repr(ml)) for ml in liquids), Fraction(0))) if liquids else None
    return Dispensing(planned, fill_days, tuple(fills), tuple(totals.items()), total_liquid,
                      max(0, periods - MAX_FILLS))


def _fill(planned: PlannedTaper, number: int, start: date, end: date, strengths: tuple[float, ...]) -> Fill:
    halves = {strength: 0 for strength in strengths}
    liquid = Fraction(0)
    any_liquid = False
    unmade = 0
    doses: list[FillDose] = []
    for day in iter_days(planned, start, end):
        makeup = day.makeup
        if makeup is None or day.mg_per_day is None:
            continue
        if doses and doses[-1].mg_per_day == day.mg_per_day and doses[-1].makeup == makeup:
            last = doses[-1]
            doses[-1] = FillDose(last.start, last.days + 1, last.mg_per_day, last.makeup)
        else:
            doses.append(FillDose(day.date, 1, day.mg_per_day, makeup))
        if makeup.status == TABLETS:
            for piece in makeup.pieces:
                halves[piece.strength_mg] = halves.get(piece.strength_mg, 0) + piece.halves
        elif makeup.status == LIQUID and makeup.ml_per_day is not None:
            any_liquid = True
            liquid += Fraction(repr(makeup.ml_per_day))
        elif makeup.status in (CANNOT, NOT_GIVEN):
            unmade += 1
    tablets = tuple((strength, math.ceil(count / 2)) for strength, count in halves.items())
    return Fill(number, start, end, tuple(doses), tablets, _float(liquid) if any_liquid else None, unmade)


def _float(value: Fraction) -> float:
    try:
        return float(value)
    except OverflowError:
        return math.inf


def _strengths(planned: PlannedTaper) -> tuple[float, ...]:
    """The plan's tablet strengths, once each, largest first."""
    return tuple(sorted({float(strength) for strength in planned.plan.tablets_mg}, reverse=True))
