"""A dose change and a switch between benzodiazepines, and how each reads in a sentence.

``docgen.facts.exposure`` finds and classifies them; ``docgen.facts.onsets`` relates onsets to
them. Doses in these sentences are as recorded up to three decimals and rounded beyond that.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from docgen.case.dates import PartialDate
from docgen.facts.formatting import (
    format_date_range,
    format_mg_figure,
    format_signed_percent,
    on_date,
)

ChangeKind = Literal["start", "increase", "reduction", "stop", "switch", "reinstatement", "hold"]

@dataclass(frozen=True)
class Change:
    """One change of one medication, from ``before_mg`` (0 at a start) to ``after_mg``.

    ``medication`` is its index in the case file. ``within_2_weeks`` and ``within_4_weeks`` are
    the percent lost over the 14 and 28 days ending with a reduction (None where a date in that
    stretch is not a full date, or for a change that is not a reduction). ``switch`` is the index
    of its switch in ``Exposure.switches``.
    """

    medication: int
    drug: str
    date: PartialDate
    before_mg: float
    after_mg: float
    kind: ChangeKind
    benzodiazepine: bool
    note: str | None = None
    source: str | None = None
    within_2_weeks: float | None = None
    within_4_weeks: float | None = None
    switch: int | None = None
    beyond_guideline: bool = False

    @property
    def lowers(self) -> bool:
        return self.after_mg < self.before_mg

    @property
    def raises(self) -> bool:
        return self.after_mg > self.before_mg

    @property
    def percent(self) -> float | None:
        """The size of the change in percent of the dose before it (None at a start)."""
        if self.before_mg <= 0:
            return None
        value = (self.after_mg - self.before_mg) / self.before_mg * 100
        return value if math.isfinite(value) else None

    def describe(self, *, drug: bool = True, dated: bool = False, year: int | None = None) -> str:
        """"clonazepam 3 → 2.5 mg/day (−17%)", "clonazepam started at 1 mg/day", "clonazepam
        stopped (from 0.25 mg/day)", "clonazepam reinstated, 0.5 → 1 mg/day"; ``dated`` adds
        "on 1 Apr 2024" (or "in Oct 2021") before the size, without the year when it is ``year``."""
        name = f"{self.drug} " if drug else ""
        when = f" {on_date(self.date, year)}" if dated else ""
        before, after = format_mg_figure(self.before_mg), format_mg_figure(self.after_mg)
        if self.kind == "start" or (self.before_mg == 0 and self.after_mg > 0):
            verb = "reinstated" if self.kind == "reinstatement" else "started"
            return f"{name}{verb} at {after} mg/day{when}"
        if self.after_mg == 0:
            return f"{name}stopped{when} (from {before} mg/day)"
        size = _size(self)
        if self.kind == "reinstatement":
            return f"{name}reinstated, {before} → {after} mg/day{when}"
        return f"{name}{before} → {after} mg/day{when}{size}"


class Span:
    """A run of changes, from the date of its first to the date of its last (``changes`` in
    date order): mixed into a switch, a taper phase, what an onset followed."""

    changes: tuple[Change, ...]  # each subclass's own dataclass field

    @property
    def first(self) -> PartialDate:
        return self.changes[0].date

    @property
    def last(self) -> PartialDate:
        return self.changes[-1].date


@dataclass(frozen=True)
class Switch(Span):
    """A switch (a crossover, when it takes several steps) from one benzodiazepine to another.

    ``doses`` holds each medication involved: (drug, dose before the switch, dose after it).
    The totals are diazepam-equivalent mg/day by the exposure's table, or None when a drug taken
    is in no table (or a total is past what a float holds).
    """

    changes: tuple[Change, ...]
    from_drugs: tuple[str, ...]
    to_drugs: tuple[str, ...]
    doses: tuple[tuple[str, float, float], ...]
    total_before: float | None
    total_after: float | None

    @property
    def percent(self) -> float | None:
        """How much the switch changed the total load, in percent (negative: lowered)."""
        if self.total_before is None or self.total_after is None or self.total_before <= 0:
            return None
        return (self.total_after - self.total_before) / self.total_before * 100

    @property
    def lowers(self) -> bool:
        return self.total_before is not None and self.total_after is not None and self.total_after < self.total_before

    @property
    def raises(self) -> bool:
        return self.total_before is not None and self.total_after is not None and self.total_after > self.total_before

    def sides(self) -> tuple[str, str]:
        """"alprazolam 4 mg/day", "diazepam 40 mg/day": each drug's dose before (the drugs left) or
        after (the drugs taken up), with both where a drug was not stopped or not newly started."""
        sides = {drug: (before, after) for drug, before, after in self.doses}

        def dose(drug: str, leaving: bool) -> str:
            before, after = sides[drug]
            if (leaving and after == 0) or (not leaving and before == 0):
                return f"{drug} {format_mg_figure(before if leaving else after)} mg/day"
            return f"{drug} {format_mg_figure(before)} → {format_mg_figure(after)} mg/day"

        return (" and ".join(dose(drug, True) for drug in self.from_drugs),
                " and ".join(dose(drug, False) for drug in self.to_drugs))

    def describe(self) -> str:
        """"the switch from alprazolam 4 mg/day to diazepam 40 mg/day (3 to 24 Mar 2025; total
        80 → 40 mg/day diazepam-eq., −50%)"."""
        from_text, to_text = self.sides()
        when = on_date(self.first) if self.first == self.last else format_date_range(self.first, self.last)
        total = ""
        if self.total_before is not None and self.total_after is not None:
            before, after = format_mg_figure(round(self.total_before, 1)), format_mg_figure(round(self.total_after, 1))
            if before == after:
                total = f"; total unchanged at {after} mg/day diazepam-eq."
            else:
                total = f"; total {before} → {after} mg/day diazepam-eq., {format_signed_percent(self.percent or 0)}"
        return f"the switch from {from_text} to {to_text} ({when}{total})"


def _size(change: Change) -> str:
    percent = change.percent
    return f" ({format_signed_percent(percent)})" if percent is not None else ""
