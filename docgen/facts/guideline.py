"""The 2025 Joint guideline's general bound on reductions: not more than 25% every two weeks.

REFERENCE.md section 6: a step larger than 25% of the current dose, or more than 25% lost within
14 days, is outside the guideline's general bound. That is worth a warning, never an error: the
bound is general, not absolute. `guideline_breaches` finds them in a dose history (for the taper
projection, `validate` and the facts about a case's exposure); `guideline_warnings` words them.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from docgen.case.dates import display_day
from docgen.facts._decimals import decimal_of, format_dose

#: The 2025 Joint guideline's general bound: not more than this percent ...
GUIDELINE_MAX_PERCENT = 25.0
#: ... within this many days.
GUIDELINE_WINDOW_DAYS = 14

_BOUND_TEXT = "beyond the 2025 guideline's general bound of 25% within two weeks"


@dataclass(frozen=True)
class Breach:
    """A reduction beyond the bound: one step (``first == last``), or several within 14 days.

    ``before_mg`` is the dose before the first reduction, ``after_mg`` the dose after the last.
    """

    first: date
    last: date
    before_mg: float
    after_mg: float
    percent: float
    single_step: bool

    @property
    def text(self) -> str:
        """"3.0 → 2.0 mg/day on 7 Mar 2023 is a 33% reduction in one step, beyond ..." (dates as the
        documents write them: unambiguous to a US and a European reader)."""
        doses = f"{format_dose(self.before_mg)} → {format_dose(self.after_mg)} mg/day"
        if self.single_step:
            return (f"{doses} on {display_day(self.last)} is a {format_reduction(self.percent)} reduction in "
                    f"one step, {_BOUND_TEXT}")
        return (f"{doses} between {display_day(self.first)} and {display_day(self.last)} is a "
                f"{format_reduction(self.percent)} reduction within {GUIDELINE_WINDOW_DAYS} days, {_BOUND_TEXT}")


def guideline_warnings(points: Sequence[tuple[date, float]]) -> list[str]:
    """The breaches of `guideline_breaches`, worded, in date order."""
    return [breach.text for breach in guideline_breaches(points)]


def guideline_breaches(points: Sequence[tuple[date, float]]) -> list[Breach]:
    """Reductions beyond the 2025 Joint guideline's general bound (REFERENCE.md 6).

    `points` is a dose history as change points `(date, mg_per_day)`, each dose holding until
    the next point, sorted by date. Found, in date order (of the last reduction):

    - a single reduction of more than 25% of the dose before it;
    - more than 25% lost within 14 days over two or more reductions, none of which was itself
      a breach: measured from the dose before the first of them to the dose after the last,
      where the first and last are less than 14 days apart (25% every two weeks is within the
      bound). Overlapping windows that start at the same dose are reported once, the longest.

    A stop (a step to 0) from the smallest non-zero dose of the history is the normal end of a
    taper and is not a breach; a stop from any larger dose is. Increases are ignored.
    """
    ordered = sorted(points, key=lambda point: point[0])
    doses = [mg for _, mg in ordered]
    positive = [mg for mg in doses if mg > 0]
    smallest = min(positive) if positive else None
    found: list[Breach] = []
    warned = [False] * len(ordered)
    exempt = [False] * len(ordered)

    for index in range(1, len(ordered)):
        before, after = doses[index - 1], doses[index]
        if before <= 0 or after >= before:
            continue
        if after == 0 and before == smallest:
            exempt[index] = True
            continue
        reduction = _percent_reduction(before, after)
        if reduction > GUIDELINE_MAX_PERCENT:
            warned[index] = True
            day = ordered[index][0]
            found.append(Breach(day, day, before, after, reduction, single_step=True))

    # Windows of reductions: for each last point, the first points less than 14 days before it
    # and after the latest single-step breach. Both bounds only move forward, so the largest
    # dose before a first point is kept in a monotonic queue (earliest index first among equals):
    # linear in the number of points, however long the history.
    windows: dict[int, Breach] = {}  # by the window's starting point
    candidates: deque[int] = deque()  # first points, their doses before them decreasing
    next_first = 1
    latest_warned = 1 if len(ordered) > 1 and warned[1] else 0
    for last in range(2, len(ordered)):
        if warned[last]:
            latest_warned = last
        while next_first < last:
            while candidates and doses[candidates[-1] - 1] < doses[next_first - 1]:
                candidates.pop()
            candidates.append(next_first)
            next_first += 1
        while candidates and (
            candidates[0] <= latest_warned
            or (ordered[last][0] - ordered[candidates[0]][0]).days >= GUIDELINE_WINDOW_DAYS
        ):
            candidates.popleft()
        if exempt[last] or latest_warned == last or not candidates:
            continue
        first = candidates[0]
        before, after = doses[first - 1], doses[last]
        if before <= 0 or after >= before:
            continue
        reduction = _percent_reduction(before, after)
        if reduction > GUIDELINE_MAX_PERCENT:
            windows[first] = Breach(ordered[first][0], ordered[last][0], before, after, reduction, single_step=False)
    found.extend(windows.values())
    found.sort(key=lambda breach: breach.last)
    return found


def _percent_reduction(before: float, after: float) -> float:
    """Computed on the doses as written, so 1.2 -> 0.9 is exactly 25%."""
    return float((decimal_of(before) - decimal_of(after)) / decimal_of(before) * 100)


def format_reduction(value: float) -> str:
    """A reduction as the guideline messages write it: whole percent, unless that would hide that the value is above the bound (25.4 -> "25.4%")."""
    for decimals in range(4):
        text = f"{value:.{decimals}f}"
        if float(text) > GUIDELINE_MAX_PERCENT or value <= GUIDELINE_MAX_PERCENT:
            return f"{text}%"
    return f"{value}%"
