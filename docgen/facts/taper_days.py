"""A projected taper day by day: the dose and its make-up on each day, the days a new dose
starts, and the check-in about a week after each. Pure, no I/O; the calendar, its .ics file and
the pharmacy quantities all read the days from here, so they follow the one projection that
`docgen taper` prints.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from docgen.facts.makeup import Makeup, current_makeup, step_makeup
from docgen.facts.taper import TaperStep
from docgen.facts.taper_plan import PlannedTaper

#: A check-in comes this many days after each new dose (about a week: the first days of a step
#: are often the hardest to judge).
CHECK_IN_AFTER_DAYS = 7


@dataclass(frozen=True)
class TaperDay:
    """One day of one planned taper."""

    date: date
    #: The dose that day, in mg; None before the case's current dose began.
    mg_per_day: float | None
    makeup: Makeup | None
    #: The step whose new dose starts this day.
    new_step: TaperStep | None
    #: The step this day is the check-in of.
    check_in_of: TaperStep | None

    @property
    def stopped(self) -> bool:
        """On or after the step to 0."""
        return self.mg_per_day == 0


def check_in_date(step: TaperStep) -> date | None:
    """The check-in of a step: about a week after its new dose starts (None past the calendar's end)."""
    try:
        return step.date + timedelta(days=CHECK_IN_AFTER_DAYS)
    except OverflowError:
        return None


def check_ins(planned: PlannedTaper) -> list[tuple[date, TaperStep]]:
    """Each step's check-in, before the next step starts (a step shorter than a week has none)."""
    steps = planned.schedule.steps
    found = []
    for index, step in enumerate(steps):
        day = check_in_date(step)
        following = steps[index + 1] if index + 1 < len(steps) else None
        if day is not None and (following is None or day < following.date):
            found.append((day, step))
    return found


def first_day(planned: PlannedTaper) -> date | None:
    """The day of the first step, or None for an empty schedule."""
    steps = planned.schedule.steps
    return steps[0].date if steps else None


def last_day(planned: PlannedTaper) -> date | None:
    """The last day the calendar needs: the last step's check-in (or the last step)."""
    steps = planned.schedule.steps
    if not steps:
        return None
    found = check_ins(planned)
    return max(steps[-1].date, found[-1][0] if found else steps[-1].date)


def iter_days(planned: PlannedTaper, first: date, last: date) -> Iterator[TaperDay]:
    """Every day from ``first`` to ``last`` (both included), in order."""
    steps = planned.schedule.steps
    makeups = {step.number: step_makeup(planned.plan, step) for step in steps}
    before = current_makeup(planned.plan, planned.current_mg)
    since = planned.current_dose.date.earliest
    starts = {step.date: step for step in steps}
    checks = {day: step for day, step in check_ins(planned)}
    index = -1  # the latest step on or before the day
    while index + 1 < len(steps) and steps[index + 1].date <= first:
        index += 1
    day = first
    while day <= last:
        while index + 1 < len(steps) and steps[index + 1].date <= day:
            index += 1
        if index >= 0:
            step = steps[index]
            mg: float | None = step.mg_per_day
            makeup: Makeup | None = makeups[step.number]
        elif day >= since:
            mg, makeup = planned.current_mg, before
        else:
            mg, makeup = None, None
        yield TaperDay(day, mg, makeup, starts.get(day), checks.get(day))
        if day == last:
            break
        day += timedelta(days=1)
