"""A case's exposure over time: every dose change, classified, and the benzodiazepine total in
diazepam-equivalent mg by the chosen table (REFERENCE.md section 3).

Each medication's dose entries are a step function (``history.course_of``); a change is a point
where the dose moves. Its kind:

- ``start``: from nothing (the first dose, or a restart long after a stop);
- ``increase`` and ``reduction``; ``stop``: to 0;
- ``reinstatement``: an increase (or a restart) within ``REINSTATEMENT_WITHIN_DAYS`` of a
  reduction or stop of the same medication, or one its note calls a reinstatement;
- ``switch``: a fall in one benzodiazepine with a rise in another within ``SWITCH_WITHIN_DAYS``
  (a crossover is a run of them): the changes of a switch are one event, measured by what it did
  to the total load;
- ``hold``: an entry that restates the dose already taken. It changes nothing, so it is kept
  apart (``Exposure.holds``).

Each reduction carries its size (percent of the dose before it) and its rate: the percent lost
over the 14 and 28 days that end with it, where the dates are full dates. The guideline's bound
(``docgen.facts.guideline``) is checked on each benzodiazepine's own doses and, during a switch,
on the total. Non-benzodiazepines are classified the same way and never converted.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

from docgen.case.dates import add_days
from docgen.case.model import Case, Dose
from docgen.facts import history
from docgen.facts.changes import Change, ChangeKind, Switch
from docgen.facts.equivalence import (
    EquivalenceTable,
    generic_name,
    looks_like_benzodiazepine,
)
from docgen.facts.guideline import Breach, guideline_breaches

#: A fall in one benzodiazepine and a rise in another this close together make a switch.
SWITCH_WITHIN_DAYS = 28
#: An increase this soon after a reduction or stop of the same medication is a reinstatement.
REINSTATEMENT_WITHIN_DAYS = 91
#: The windows a reduction's rate is measured over (2 and 4 weeks).
RATE_WINDOWS_DAYS = (14, 28)

_RISES = ("start", "increase", "reinstatement")
_FALLS = ("reduction", "stop")


@dataclass(frozen=True)
class ExposureBreach:
    """A reduction beyond the guideline's bound: of one medication's own doses, or of the total
    load during a switch (``medication`` None, ``switch`` its index)."""

    medication: int | None
    switch: int | None
    breach: Breach


@dataclass(frozen=True)
class Exposure:
    """Every medication's course, its changes classified, and the benzodiazepine total."""

    table: EquivalenceTable
    courses: tuple[history.MedicationCourse, ...]
    changes: tuple[Change, ...]
    holds: tuple[Change, ...]
    switches: tuple[Switch, ...]
    breaches: tuple[ExposureBreach, ...]

    def benzodiazepine(self, medication: int) -> bool:
        return looks_like_benzodiazepine(self.courses[medication].drug)

    def medication_changes(self, medication: int) -> list[Change]:
        return [change for change in self.changes if change.medication == medication]

    def total_mg(self, day: date) -> float | None:
        """The benzodiazepine total on ``day`` (after that day's changes), diazepam-equivalent
        mg/day; None when a benzodiazepine then taken is in no table."""
        return _total(self.courses, day, after=True)


def exposure_of(case: Case, table: EquivalenceTable) -> Exposure:
    """The case's exposure: changes classified, switches found, rates and the guideline checked."""
    courses = tuple(history.courses(case, table))
    changes: list[Change] = []
    holds: list[Change] = []
    for index, course in enumerate(courses):
        changes.extend(_classified(index, course))
        holds.extend(_holds(index, course))
    changes.sort(key=lambda change: (change.date.sort_key(), not change.benzodiazepine, change.medication))
    changes, switches = _switches(changes, courses)
    changes, breaches = _guideline(changes, courses, switches)
    return Exposure(table, courses, tuple(changes), tuple(holds), tuple(switches), tuple(breaches))


# -- classifying --------------------------------------------------------------------------------


def _classified(index: int, course: history.MedicationCourse) -> list[Change]:
    benzodiazepine = looks_like_benzodiazepine(course.drug)
    steps = course.steps
    found: list[Change] = []
    for position, step in enumerate(steps):
        before = steps[position - 1].mg_per_day if position else 0.0
        after = step.mg_per_day
        if after == before:
            continue
        previous = found[-1] if found else None
        kind: ChangeKind
        if after == 0:
            kind = "stop"
        elif after < before:
            kind = "reduction"
        else:
            recent = previous is not None and previous.kind in _FALLS and (
                step.date.earliest - previous.date.earliest).days <= REINSTATEMENT_WITHIN_DAYS
            noted = previous is not None and "reinstat" in (step.note or "").casefold()
            kind = "reinstatement" if recent or noted else ("start" if before == 0 else "increase")
        rates: list[float | None] = [None, None]
        if kind in _FALLS:
            rates = [_rate(steps, position, days) for days in RATE_WINDOWS_DAYS]
        found.append(Change(index, course.drug, step.date, before, after, kind, benzodiazepine, step.note,
                            step.source, rates[0], rates[1]))
    return found


def _rate(steps: Sequence[Dose], position: int, days: int) -> float | None:
    """The percent lost over the ``days`` ending with the change at ``position``: from the dose
    before the first change in that stretch to the dose after this one (full dates only)."""
    end = steps[position].date
    if not end.is_exact:
        return None
    start = add_days(end.earliest, -days)
    first = position
    while first > 0 and steps[first - 1].date.earliest > start:
        first -= 1
    if any(not step.date.is_exact for step in steps[max(first - 1, 0): position + 1]):
        return None
    before = steps[first - 1].mg_per_day if first > 0 else 0.0
    after = steps[position].mg_per_day
    if before <= 0 or after >= before:
        return None
    return (before - after) / before * 100


def _holds(index: int, course: history.MedicationCourse) -> list[Change]:
    """Entries that restate the dose then taken (a recorded hold)."""
    ordered = sorted(course.medication.doses, key=lambda dose: dose.date.sort_key())
    found: list[Change] = []
    current: Dose | None = None
    benzodiazepine = looks_like_benzodiazepine(course.drug)
    for dose in ordered:
        if current is not None and dose.mg_per_day == current.mg_per_day and dose.date != current.date:
            found.append(Change(index, course.drug, dose.date, dose.mg_per_day, dose.mg_per_day, "hold",
                                benzodiazepine, dose.note, dose.source))
            continue
        if current is None or dose.mg_per_day != current.mg_per_day:
            current = dose
    return found


# -- switches -----------------------------------------------------------------------------------


def _switches(changes: list[Change], courses: Sequence[history.MedicationCourse]) -> tuple[list[Change], list[Switch]]:
    """Pairs a fall of one benzodiazepine with a rise of another within ``SWITCH_WITHIN_DAYS``;
    the pairs that share a change, or follow each other, make one switch."""
    falls = [number for number, change in enumerate(changes) if change.benzodiazepine and change.kind in _FALLS]
    rises = [number for number, change in enumerate(changes) if change.benzodiazepine and change.kind in _RISES]
    if not falls or not rises:
        return changes, []
    rise_days = [changes[number].date.earliest for number in rises]
    parent = list(range(len(changes)))
    # when each falling dose began: a rise pairs with a fall only if the falling drug was
    # already being taken before it (two drugs started together are not a switch)
    since: dict[int, date] = {}
    began: dict[int, date] = {}
    fall_set = set(falls)
    for number, change in enumerate(changes):
        if number in fall_set:
            began[number] = since.get(change.medication, change.date.earliest)
        since[change.medication] = change.date.earliest

    def root(number: int) -> int:
        while parent[number] != number:
            parent[number] = parent[parent[number]]
            number = parent[number]
        return number

    paired: set[int] = set()
    window = timedelta(days=SWITCH_WITHIN_DAYS)
    for fall in falls:
        day = changes[fall].date.earliest
        low = bisect_left(rise_days, add_days(day, -SWITCH_WITHIN_DAYS))
        for rise in rises[low:]:
            other = changes[rise]
            if other.date.earliest - day > window:
                break
            if _same_drug(courses, changes[fall].medication, other.medication) or began[fall] >= other.date.earliest:
                continue
            paired.update((fall, rise))
            parent[root(fall)] = root(rise)
    groups: dict[int, list[int]] = {}
    for number in sorted(paired):
        groups.setdefault(root(number), []).append(number)
    ordered = sorted(groups.values(), key=lambda members: members[0])
    switches: list[Switch] = []
    updated = list(changes)
    for switch_index, members in enumerate(ordered):
        for number in members:
            # a switch is measured by the total it leaves, not by each drug's own rate
            updated[number] = replace(changes[number], kind="switch", switch=switch_index,
                                      within_2_weeks=None, within_4_weeks=None)
        switches.append(_switch([updated[number] for number in members], changes, members, courses))
    return updated, switches


def _same_drug(courses: Sequence[history.MedicationCourse], first: int, second: int) -> bool:
    def key(index: int) -> str:
        name = courses[index].drug
        return generic_name(name) or name.strip().casefold()
    return first == second or key(first) == key(second)


def _switch(members: list[Change], original: list[Change], numbers: list[int],
            courses: Sequence[history.MedicationCourse]) -> Switch:
    kinds = [original[number].kind for number in numbers]
    from_drugs: list[str] = []
    to_drugs: list[str] = []
    doses: dict[int, tuple[float, float]] = {}
    for change, kind in zip(members, kinds):
        side = from_drugs if kind in _FALLS else to_drugs
        if change.drug not in side:
            side.append(change.drug)
        before = doses[change.medication][0] if change.medication in doses else change.before_mg
        doses[change.medication] = (before, change.after_mg)
    first, last = members[0].date.earliest, members[-1].date.earliest
    return Switch(
        changes=tuple(members),
        from_drugs=tuple(from_drugs),
        to_drugs=tuple(drug for drug in to_drugs if drug not in from_drugs),
        doses=tuple((courses[medication].drug, before, after) for medication, (before, after) in doses.items()),
        total_before=_total(courses, first, after=False),
        total_after=_total(courses, last, after=True),
    )


def _total(courses: Sequence[history.MedicationCourse], day: date, *, after: bool) -> float | None:
    """The benzodiazepine total on ``day``: after its changes, or just before them."""
    total = 0.0
    for course in courses:
        if not looks_like_benzodiazepine(course.drug):
            continue
        days = [step.date.earliest for step in course.steps]
        position = bisect_right(days, day) if after else bisect_left(days, day)
        mg = course.steps[position - 1].mg_per_day if position else 0.0
        if mg == 0:
            continue
        converted = course.diazepam_mg(mg)
        if converted is None:
            return None
        total += converted
    return total if math.isfinite(total) else None


# -- the guideline ------------------------------------------------------------------------------


def _guideline(changes: list[Change], courses: Sequence[history.MedicationCourse],
               switches: Sequence[Switch]) -> tuple[list[Change], list[ExposureBreach]]:
    """Breaches of each benzodiazepine's own doses where their dates are full dates, leaving out
    those a switch explains, and of the total during a switch."""
    found: list[ExposureBreach] = []
    flagged: set[tuple[int, date]] = set()
    for index, course in enumerate(courses):
        if not looks_like_benzodiazepine(course.drug):
            continue
        # a switch whose total is known is checked on the total instead (below)
        switched = {change.date.earliest for change in changes if change.medication == index
                    and change.switch is not None and switches[change.switch].total_before is not None
                    and switches[change.switch].total_after is not None}
        for points in _exact_stretches(course.steps):
            for breach in guideline_breaches(points):
                if any(breach.first <= day <= breach.last for day in switched):
                    continue
                found.append(ExposureBreach(index, None, breach))
                flagged.update((index, day) for day, _mg in points[1:] if breach.first <= day <= breach.last)
    for switch_index, switch in enumerate(switches):
        days = sorted({change.date.earliest for change in switch.changes})
        if switch.total_before is None or not all(change.date.is_exact for change in switch.changes):
            continue
        totals = [_total(courses, day, after=True) for day in days]
        if any(total is None for total in totals):
            continue
        points = [(add_days(days[0], -1), switch.total_before)]
        points += [(day, total) for day, total in zip(days, totals) if total is not None]
        for breach in guideline_breaches(points):
            found.append(ExposureBreach(None, switch_index, breach))
            flagged.update((change.medication, change.date.earliest) for change in switch.changes
                           if breach.first <= change.date.earliest <= breach.last)
    found.sort(key=lambda item: item.breach.last)
    marked = [replace(change, beyond_guideline=True) if (change.medication, change.date.earliest) in flagged
              and change.date.is_exact and change.kind in ("reduction", "stop", "switch") else change
              for change in changes]
    return marked, found


def _exact_stretches(steps: Sequence[Dose]) -> list[list[tuple[date, float]]]:
    """The dose history in stretches of full dates, each led by the dose before it (whose date,
    perhaps only a month or a year, the check never reads): a reduction is measured only where
    its timing is known."""
    stretches: list[list[tuple[date, float]]] = []
    current: list[tuple[date, float]] = []
    for position, step in enumerate(steps):
        if step.date.is_exact:
            if not current:
                lead = steps[position - 1] if position else None
                current = [(lead.date.earliest, lead.mg_per_day)] if lead is not None else []
            current.append((step.date.earliest, step.mg_per_day))
        elif current:
            stretches.append(current)
            current = []
    if current:
        stretches.append(current)
    return stretches
