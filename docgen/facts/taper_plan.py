"""The bridge from a case file's taper plans to the projection: each medication's current dose
and plan, projected with `docgen.facts.taper.project_taper`, and that schedule as a
terminal table or as CSV (the `docgen taper` command).

The current dose is the medication's latest dose entry by date (two entries on one date: the
later one in the file). A plan whose `start` is a month or a year begins on its first day.
"""

from __future__ import annotations

import csv
import io
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property

from docgen.case.dates import display_day
from docgen.case.model import Case, Dose, Medication, Taper, _excerpt
from docgen.errors import MissingDataError
from docgen.facts.formatting import format_mg
from docgen.facts.makeup import step_makeup
from docgen.facts.taper import (
    LIQUID,
    STOP,
    TaperSchedule,
    TaperStep,
    guideline_warnings,
    project_taper,
)
from docgen.facts.taper_summary import beyond_bound

#: The CSV columns, in order (`docgen taper --csv`).
CSV_COLUMNS = (
    "drug", "step", "date", "mg_per_day", "change_mg", "change_percent", "form", "ml_per_day",
    "held_days", "notes", "makeup",
)

#: The notes column of the terminal table wraps at this width.
_NOTES_WIDTH = 64

#: How the projection marks a step that is held because the percent step rounds to no change.
_ROUNDING_MARK = "smaller than the measurable amount"


@dataclass(frozen=True)
class PlannedTaper:
    """One medication's taper plan, projected from its current dose."""

    index: int
    medication: Medication
    current_mg: float
    schedule: TaperSchedule

    @property
    def plan(self) -> Taper:
        assert self.medication.taper is not None  # planned_tapers only builds these for plans
        return self.medication.taper

    @property
    def current_dose(self) -> Dose:
        """The dose entry the projection starts from."""
        return latest_dose(self.medication)

    @property
    def field(self) -> str:
        """Where the plan is in the case file, for messages."""
        return f"medications[{self.index}].taper"

    def plan_hold_days(self, step: TaperStep) -> int:
        """The days of the plan's own holds waited before ``step`` (rounding holds excluded)."""
        return self._plan_holds[step.number - 1]

    @cached_property
    def _plan_holds(self) -> list[int]:
        return _plan_holds(self)

    def rounding_days(self, step: TaperStep) -> int:
        """The extra days waited before ``step`` because a percent step rounds to no change."""
        return step.held_days - self.plan_hold_days(step)

    def step_notes(self, step: TaperStep) -> tuple[str, ...]:
        """What the schedule says about ``step``: the projection's notes, then, where the smallest
        measurable amount makes it larger than the guideline's general bound, that and the
        plan's own options (`docgen.facts.taper_summary.BeyondBound.note`)."""
        return step.notes + self._bound_notes.get(step.number, ())

    @cached_property
    def _bound_notes(self) -> dict[int, tuple[str, ...]]:
        notes: dict[int, tuple[str, ...]] = {}
        for found in beyond_bound(self):
            if found.note is not None:
                notes[found.steps[-1]] = (*notes.get(found.steps[-1], ()), found.note)
        return notes

    def is_rounding_step(self, step: TaperStep) -> bool:
        """Whether ``step`` goes down one measurable unit because the percent step rounds to no change."""
        return any(_ROUNDING_MARK in note for note in step.notes)

    @property
    def other_problems(self) -> tuple[str, ...]:
        """Problems of the projection other than rounding (which the rounding steps describe)."""
        return tuple(problem for problem in self.schedule.problems if _ROUNDING_MARK not in problem)

    def guideline_warnings(self) -> list[str]:
        """Projected reductions beyond the 2025 guideline's general bound (REFERENCE.md 6)."""
        if not self.schedule.steps:
            return []
        return guideline_warnings(self.guideline_points())

    def guideline_points(self) -> list[tuple[date, float]]:
        """The doses the guideline's bound is checked over: the current dose the day before the
        first step (or on its day, when that is the first day a date can have), then each step."""
        first = self.schedule.steps[0].date
        points = [(first - timedelta(days=1) if first > date.min else first, self.current_mg)]
        points += [(step.date, step.mg_per_day) for step in self.schedule.steps]
        return points


def latest_dose(medication: Medication) -> Dose:
    """The latest dose entry by date; of two on one date, the later one in the file."""
    return sorted(medication.doses, key=lambda dose: dose.date.sort_key())[-1]


def planned_tapers(case: Case) -> list[PlannedTaper]:
    """Every medication with a taper plan, projected from its current dose."""
    planned = []
    for index, medication in enumerate(case.medications):
        plan = medication.taper
        if plan is None:
            continue
        field = f"medications[{index}].taper"
        if plan.smallest_step_mg is None:
            raise MissingDataError(
                f"{field}.smallest_step_mg: {_excerpt(medication.drug)}'s taper plan does not say the smallest "
                "dose step the formulation can measure; expected a dose in mg, for example 0.125 "
                "(half of a 0.25 mg tablet), so that each step can be rounded to a dose that can be taken"
            )
        current_mg = float(latest_dose(medication).mg_per_day)
        try:
            schedule = project_taper(
                current_mg,
                plan.start.earliest,
                float(plan.percent),
                plan.every_days,
                float(plan.smallest_step_mg),
                holds=[(float(hold.at_mg_per_day), hold.days) for hold in plan.holds],
                liquid_below_mg=_optional(plan.liquid_below_mg),
                liquid_mg_per_ml=_optional(plan.liquid_mg_per_ml),
                stop_below_mg=_optional(plan.stop_below_mg),
            )
        except ValueError as error:  # the model's checks should make this unreachable
            raise MissingDataError(f"{field}: the plan cannot be projected: {_excerpt(str(error), 120)}") from None
        planned.append(PlannedTaper(index, medication, current_mg, schedule))
    return planned


def _optional(value: float | None) -> float | None:
    return None if value is None else float(value)


def _plan_holds(planned: PlannedTaper) -> list[int]:
    """Per step, the days of plan holds before it (CASEFILE.md: a hold applies once, when the
    dose first reaches or falls below its dose, and adds its days before the next step)."""
    pending = [(hold.at_mg_per_day, hold.days) for hold in planned.plan.holds
               if hold.at_mg_per_day < planned.current_mg]
    days_before = []
    waiting = 0
    for step in planned.schedule.steps:
        days_before.append(waiting)
        waiting = sum(days for at, days in pending if step.mg_per_day <= at)
        pending = [(at, days) for at, days in pending if step.mg_per_day > at]
    return days_before


# -- text for people and spreadsheets ---------------------------------------------------------


def display_name(medication: Medication) -> str:
    return f"{medication.drug} ({medication.brand})" if medication.brand else medication.drug


def percent_text(value: float) -> str:
    """One decimal at most: 8.3%, 12.5%, 10%."""
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return f"{text}%"


def change_text(step: TaperStep, minus: str = "-") -> str:
    """"-0.0625 mg (8.3%)"."""
    return f"{minus}{format_mg(-step.change_mg)} mg ({percent_text(step.change_percent)})"


def form_text(step: TaperStep) -> str:
    """"tablet", "liquid 4.5 mL", "stop"."""
    if step.kind == STOP:
        return "stop"
    if step.form == LIQUID and step.ml_per_day is not None:
        return f"liquid {format_mg(step.ml_per_day)} mL"
    return step.form


def plan_text(planned: PlannedTaper) -> str:
    """The plan as written, in one line."""
    plan = planned.plan
    parts = [f"{format_mg(float(plan.percent))}% of the current dose every {plan.every_days} days "
             f"from {display_day(plan.start.earliest)}"]
    parts += [f"hold {hold.days} days at {format_mg(hold.at_mg_per_day)} mg/day" for hold in plan.holds]
    if plan.smallest_step_mg is not None:
        parts.append(f"doses rounded to {format_mg(plan.smallest_step_mg)} mg")
    if plan.liquid_below_mg is not None:
        strength = f" ({format_mg(plan.liquid_mg_per_ml)} mg/mL)" if plan.liquid_mg_per_ml else ""
        parts.append(f"liquid{strength} below {format_mg(plan.liquid_below_mg)} mg/day")
    if plan.stop_below_mg is not None:
        parts.append(f"stop after reaching {format_mg(plan.stop_below_mg)} mg/day or less")
    return "; ".join(parts)


def schedule_text(case: Case) -> str:
    """Each planned taper as a readable table, then its projected end and its problems."""
    tapers = planned_tapers(case)
    if not tapers:
        return (f"{case.patient.name}: no medication in this case file has a taper plan "
                "(medications[].taper), so there is no schedule to project.")
    sections = [_schedule_section(planned) for planned in tapers]
    return "\n\n".join(sections)


def _schedule_section(planned: PlannedTaper) -> str:
    medication = planned.medication
    dose = planned.current_dose
    lines = [
        f"{display_name(medication)}  [{planned.field}]",
        f"  now:  {format_mg(planned.current_mg)} mg/day (since {dose.date.display()})",
    ]
    lines += textwrap.wrap(plan_text(planned), 96, initial_indent="  plan: ", subsequent_indent="        ")
    schedule = planned.schedule
    if schedule.steps:
        makeups = bool(planned.plan.tablets_mg)  # a column of its own only where the plan has tablets
        header = ("step", "date", "mg/day", "change", "form", *(("make-up",) if makeups else ()), "notes")
        rows = [
            (str(step.number), display_day(step.date), format_mg(step.mg_per_day), change_text(step),
             form_text(step), *((step_makeup(planned.plan, step).text(),) if makeups else ()),
             "; ".join(planned.step_notes(step)))
            for step in schedule.steps
        ]
        lines.append("")
        lines += ["  " + line for line in _aligned([header, *rows], right=(0,))]
        lines.append("")
    if schedule.end_date is not None:
        count = len(schedule.steps)
        lines.append(f"  projected end: 0 mg/day on {display_day(schedule.end_date)} "
                     f"({count} step{'s' if count != 1 else ''})")
    elif schedule.steps:
        lines.append("  projected end: none (the projection does not reach 0 mg/day)")
    lines.append("  this is a projection, not a promise: the pace follows how each step is tolerated")
    if schedule.problems:
        lines.append("  problems:")
        lines += [f"    - {problem}" for problem in schedule.problems]
    else:
        lines.append("  problems: none")
    warnings = planned.guideline_warnings()
    if warnings:
        lines.append("  guideline (warnings, not errors):")
        lines += [f"    - {warning}" for warning in warnings]
    return "\n".join(lines)


def _aligned(rows: Sequence[Sequence[str]], right: Sequence[int] = ()) -> list[str]:
    """Columns padded to their widest cell; the last column is wrapped beneath itself."""
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]) - 1)]
    indent = " " * (sum(widths) + 2 * len(widths))
    lines = []
    for row in rows:
        cells = [cell.rjust(width) if column in right else cell.ljust(width)
                 for column, (cell, width) in enumerate(zip(row, widths))]
        last = textwrap.wrap(row[-1], _NOTES_WIDTH) or [""]
        lines.append("  ".join([*cells, last[0]]).rstrip())
        lines += [indent + more for more in last[1:]]
    return lines


def schedule_csv(case: Case) -> str:
    """Every projected step of every planned taper as CSV, ISO dates, one header row. The
    ``makeup`` column is what each day's dose is made of (``docgen.facts.makeup``): empty for a
    stop, for a plan that names no tablet strengths, and for a dose the strengths cannot make."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for planned in planned_tapers(case):
        for step in planned.schedule.steps:
            writer.writerow([
                spreadsheet_text(planned.medication.drug),
                step.number,
                step.date.isoformat(),
                format_mg(step.mg_per_day),
                format_mg(step.change_mg),
                f"{step.change_percent:.2f}",
                step.form,
                "" if step.ml_per_day is None else format_mg(step.ml_per_day),
                step.held_days,
                spreadsheet_text("; ".join(planned.step_notes(step))),
                spreadsheet_text(step_makeup(planned.plan, step).text()),
            ])
    return buffer.getvalue()


def spreadsheet_text(text: str) -> str:
    """Text for a CSV cell that a spreadsheet will not run as a formula: a cell that begins with
    ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading apostrophe (OWASP's rule
    for CSV injection). Numeric cells are written as numbers and need no such mark."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
