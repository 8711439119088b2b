"""Taper phases: a run of reductions of one benzodiazepine, read as one stretch of the history.

A daily or weekly log holds hundreds of tiny steps; a reader needs the taper they make up:
"clonazepam 2 → 1 mg/day from 2 Mar to 8 Jun 2025 (−50%, about 3.6% a week)". A phase is a run
of at least two consecutive reductions (a final stop included) of one medication, with no
increase, reinstatement or switch between them and no gap longer than ``PHASE_GAP_DAYS``.
Within it, a gap of ``HOLD_MIN_DAYS`` or more that is at least twice the usual gap is a hold.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from docgen.case.dates import PartialDate, Precision
from docgen.facts.changes import Change, Span
from docgen.facts.exposure import Exposure
from docgen.facts.formatting import (
    format_date_range,
    format_mg_figure,
    format_percent,
    format_signed_percent,
)

#: Reductions further apart than this belong to different phases.
PHASE_GAP_DAYS = 365
#: A step smaller than this percent of the dose before it is a small step: a relation names the
#: phase it belongs to rather than the step.
SMALL_STEP_PERCENT = 10.0
#: A pause within a phase this long (and twice the usual gap) is a hold.
HOLD_MIN_DAYS = 56


@dataclass(frozen=True)
class Hold:
    """A pause within a phase: the dose stayed at ``mg`` from ``start`` until ``end``."""

    mg: float
    start: PartialDate
    end: PartialDate
    days: int


@dataclass(frozen=True)
class TaperPhase(Span):
    """Consecutive reductions of one medication (index ``medication`` in the case file)."""

    medication: int
    drug: str
    changes: tuple[Change, ...]
    holds: tuple[Hold, ...] = ()

    @property
    def from_mg(self) -> float:
        return self.changes[0].before_mg

    @property
    def to_mg(self) -> float:
        return self.changes[-1].after_mg

    @property
    def steps(self) -> int:
        return len(self.changes)

    @property
    def stopped(self) -> bool:
        return self.to_mg == 0

    @property
    def percent(self) -> float:
        """The reduction over the whole phase, in percent of the dose before it."""
        return _percent(self.from_mg, self.to_mg)

    @property
    def days(self) -> int | None:
        """Days from the first step to the last, where both are known at least to the month."""
        if min(self.first.precision, self.last.precision) < Precision.MONTH:
            return None
        return (self.last.earliest - self.first.earliest).days

    @property
    def weekly_percent(self) -> float | None:
        """The average pace, percent of the starting dose a week (over two weeks or more)."""
        days = self.days
        return self.percent / (days / 7) if days is not None and days >= 14 else None

    @property
    def small_steps(self) -> bool:
        """Many small steps: at least three, most of them below ``SMALL_STEP_PERCENT``."""
        sizes = [-(change.percent or 0.0) for change in self.changes if change.after_mg > 0]
        return self.steps >= 3 and bool(sizes) and statistics.median(sizes) < SMALL_STEP_PERCENT

    def names_step(self, change: Change) -> bool:
        """Whether a relation names this step itself: not when it is one small step of many."""
        return not (self.small_steps and is_small(change))

    def until(self, change: Change) -> tuple[float, int | None]:
        """The reduction from the start of the phase to ``change`` (one of its steps): percent,
        and days where the dates are known to the month."""
        percent = _percent(self.from_mg, change.after_mg)
        if min(self.first.precision, change.date.precision) < Precision.MONTH:
            return percent, None
        return percent, (change.date.earliest - self.first.earliest).days

    def describe(self, *, drug: bool = True) -> str:
        """"clonazepam 2 → 1 mg/day from 2 Mar to 8 Jun 2025 (−50%, about 3.6% a week)"."""
        name = f"{self.drug} " if drug else ""
        pace = self.weekly_percent
        days = self.days
        size = format_signed_percent(-self.percent)
        if pace is not None:
            size += f", about {format_percent(pace)} a week"
        elif days is not None and self.first.is_exact and self.last.is_exact:
            size += f" in {days} day{'s' if days != 1 else ''}"
        return (f"{name}{format_mg_figure(self.from_mg)} → {format_mg_figure(self.to_mg)} mg/day from "
                f"{format_date_range(self.first, self.last)} ({size})")

    def describe_in_full(self) -> str:
        """``describe`` with the number of steps and the holds, as ``validate`` prints it."""
        text = self.describe()[:-1] + f"; {self.steps} steps"
        if self.holds:
            held = " and ".join(f"{_weeks(hold.days)} at {format_mg_figure(hold.mg)} mg/day" for hold in self.holds)
            text += f"; held {held}"
        return text + ")"


def is_small(change: Change) -> bool:
    percent = change.percent
    return percent is not None and change.after_mg > 0 and -percent < SMALL_STEP_PERCENT


def taper_phases(exposure: Exposure) -> list[TaperPhase]:
    """The phases of every benzodiazepine, by date of their first step."""
    found: list[TaperPhase] = []
    for medication, course in enumerate(exposure.courses):
        if not exposure.benzodiazepine(medication):
            continue
        run: list[Change] = []
        for change in exposure.medication_changes(medication):
            joins = change.kind in ("reduction", "stop") and (
                not run or (change.date.earliest - run[-1].date.earliest).days <= PHASE_GAP_DAYS)
            if joins:
                run.append(change)
                continue
            found.extend(_phase(medication, course.drug, run))
            run = [change] if change.kind in ("reduction", "stop") else []
        found.extend(_phase(medication, course.drug, run))
    return sorted(found, key=lambda phase: phase.first.sort_key())


def phase_of(change: Change, phases: Sequence[TaperPhase]) -> TaperPhase | None:
    """The phase this change is a step of, if any."""
    for phase in phases:
        if phase.medication == change.medication and change in phase.changes:
            return phase
    return None


def _phase(medication: int, drug: str, run: list[Change]) -> list[TaperPhase]:
    if len(run) < 2:
        return []
    gaps = [(after.date.earliest - before.date.earliest).days for before, after in zip(run, run[1:])]
    usual = statistics.median(gaps)
    holds = tuple(
        Hold(before.after_mg, before.date, after.date, gap)
        for before, after, gap in zip(run, run[1:], gaps)
        if gap >= HOLD_MIN_DAYS and gap >= 2 * usual and before.date.is_exact and after.date.is_exact
    )
    return [TaperPhase(medication, drug, tuple(run), holds)]


def _percent(before: float, after: float) -> float:
    return (before - after) / before * 100 if before > 0 else 0.0


def _weeks(days: int) -> str:
    if days % 7 == 0:
        weeks = days // 7
        return f"{weeks} week{'s' if weeks != 1 else ''}"
    return f"{days} days"
