"""The taper calendar: for the patient's kitchen, one month a page, each day's dose and what it
is made of, the days a new dose starts, a check-in about a week after each, a tick box and a 0-10
box per day, the plan's own rule for slowing or pausing on every page, and a return log to copy
into `docgen import`.

Every figure comes from the projection that `docgen taper` prints (``docgen.facts.taper_plan``),
day by day through ``docgen.facts.taper_days``; the make-ups from ``docgen.facts.makeup``. All
wording is in ``templates/calendar.xml.j2`` (and, for the .ics file, ``calendar_events.xml.j2``).
"""

from __future__ import annotations

import calendar
import hashlib
import math
from datetime import date
from typing import TYPE_CHECKING, Any

from docgen.case.dates import display_day
from docgen.case.model import Case, Clinician
from docgen.documents.kind import DocumentKind, page_context
from docgen.errors import MissingDataError
from docgen.facts.emergency import numbers_for
from docgen.facts.formatting import format_mg
from docgen.facts.makeup import LIQUID, TABLETS, Makeup, current_makeup, step_makeup
from docgen.facts.taper import STOP, TaperStep
from docgen.facts.taper_days import TaperDay, check_ins, first_day, iter_days, last_day
from docgen.facts.taper_plan import PlannedTaper, display_name, percent_text, planned_tapers
from docgen.options import Options

if TYPE_CHECKING:
    from docgen.documents.timeline.fitting import Measure

TEMPLATE = "calendar.xml.j2"
EVENTS_TEMPLATE = "calendar_events.xml.j2"
TITLE = "Taper calendar"
#: The body size of the regular copy (a calendar is read at arm's length, on a kitchen wall).
SIZE = 10.5
#: At most this many months are printed; the rest are counted.
MAX_MONTHS = 60
#: The lines of text each body row of the grid has room for, at least (room to write).
ROW_LINES = 6
LARGE_PRINT_ROW_LINES = 5
#: What a page of the grid holds below the month's name, in lines of body text: the plan's rule,
#: the row of weekday names and the weeks. Measured on the PDF (letter and A4 portrait at 10.5
#: pt; letter and A4 landscape at 14 pt), with a little to spare.
PAGE_LINES = 44.0
LARGE_PRINT_PAGE_LINES = 21.5
#: What a row's padding and rules take, in lines.
ROW_PADDING = 0.45
LARGE_PRINT_ROW_PADDING = 0.34
#: Characters of a cell's line, and of the plan's rule (set small, across the page), counted
#: low so that an estimate never falls short.
CELL_CHARACTERS = 10
RULE_CHARACTERS = 85
LARGE_PRINT_RULE_CHARACTERS = 70
#: Blank rows of each return log.
LOG_ROWS = 14
LARGE_PRINT_LOG_ROWS = 9


def missing(case: Case) -> str | None:
    """None when some medication has a taper plan that projects at least one step."""
    return missing_taper(case, "the taper calendar")


def missing_taper(case: Case, label: str) -> str | None:
    """What every taper document needs: a plan that can be projected, with a step to take."""
    try:
        tapers = planned_tapers(case)
    except MissingDataError as problem:
        return str(problem)
    if not tapers:
        return (f"medications[].taper: no medication in this case file has a taper plan; {label} needs one "
                "(see `docgen schema`)")
    if not any(planned.schedule.steps for planned in tapers):
        return f"{tapers[0].field}: the dose is already 0 mg/day, so there is no taper to put on paper"
    return None


def build_context(case: Case, options: Options, level: int = 0, measure: Measure | None = None) -> dict[str, Any]:
    """Everything the calendar says, computed from the case."""
    tapers = [planned for planned in planned_tapers(case) if planned.schedule.steps]
    starts = [day for day in (first_day(planned) for planned in tapers) if day is not None]
    ends = [day for day in (last_day(planned) for planned in tapers) if day is not None]
    first, last = min(starts), max(ends)
    months = _months(first, last)
    shown = months[:MAX_MONTHS]
    grid_first = date(shown[0][0], shown[0][1], 1)
    grid_last = _month_end(*shown[-1])
    days = {planned.index: {day.date: day for day in iter_days(planned, grid_first, grid_last)} for planned in tapers}
    sunday_first = options.page == "letter"  # a US wall calendar starts on Sunday, a European one on Monday
    weekdays = [6, 0, 1, 2, 3, 4, 5] if sunday_first else [0, 1, 2, 3, 4, 5, 6]
    large = options.large_print
    room = _Room(large, [planned.plan.slow_or_pause_if for planned in tapers])
    pages = []
    for year, month in shown:
        weeks = [[_cell(day, tapers, days) if day is not None else None for day in week]
                 for week in _weeks(year, month, sunday_first)]
        chunks = room.pages(weeks)
        for part, chunk in enumerate(chunks, start=1):
            pages.append({"year": year, "month": month, "part": part, "parts": len(chunks), "weeks": chunk})
    return {
        **page_context(case, options, TITLE, SIZE),
        "orientation": "landscape" if large else "portrait",
        "drugs": [_drug(case, planned, grid_last) for planned in tapers],
        "several": len(tapers) > 1,
        "first": display_day(first),
        "last": display_day(max(planned.schedule.steps[-1].date for planned in tapers)),
        "weekdays": weekdays,
        "pages": pages,
        "more_months": len(months) - len(shown),
        "through": display_day(grid_last),
        "log_rows": LARGE_PRINT_LOG_ROWS if large else LOG_ROWS,
        "row_lines": LARGE_PRINT_ROW_LINES if large else ROW_LINES,
        "emergency": numbers_for(case.patient),
        "events": _events(case, tapers),
    }


# -- the days -------------------------------------------------------------------------------------


def _months(first: date, last: date) -> list[tuple[int, int]]:
    months = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _weeks(year: int, month: int, sunday_first: bool) -> list[list[date | None]]:
    """The month as weeks of seven days (None for a day of another month, which may lie beyond
    the calendar's last day: 9999-12 ends on a Friday)."""
    grid = calendar.Calendar(firstweekday=6 if sunday_first else 0)
    days = [date(*day) if day[:2] == (year, month) else None for day in grid.itermonthdays3(year, month)]
    return [days[start:start + 7] for start in range(0, len(days), 7)]


Week = list[dict[str, Any] | None]


class _Room:
    """How many weeks of the grid a page holds: an estimate in lines of text, from what the
    template prints in each cell (``_cell_lines``), so that a month's page never runs over and
    every page keeps the plan's rule above its grid. A month that needs more room is set over
    two or more pages, with its weeks shared out as evenly as they fit."""

    def __init__(self, large: bool, rules: list[str | None]) -> None:
        self.large = large
        self.minimum = LARGE_PRINT_ROW_LINES if large else ROW_LINES
        self.padding = LARGE_PRINT_ROW_PADDING if large else ROW_PADDING
        characters = LARGE_PRINT_RULE_CHARACTERS if large else RULE_CHARACTERS
        small = 1.0 if large else 0.86  # the rule is set small: 9 pt lines under 10.5 pt ones
        rule_lines = sum(math.ceil((len(rule or "") + 140) / characters) * small + 0.3 for rule in rules)
        self.room = (LARGE_PRINT_PAGE_LINES if large else PAGE_LINES) - max(0.0, rule_lines - 1.16)

    def pages(self, weeks: list[Week]) -> list[list[Week]]:
        heights = [max([self.minimum] + [_cell_lines(cell) for cell in week if cell is not None]) + self.padding
                   for week in weeks]
        for count in range(1, len(weeks) + 1):
            sizes = [len(weeks) // count + (1 if index < len(weeks) % count else 0) for index in range(count)]
            chunks, start = [], 0
            for size in sizes:
                chunks.append((start, start + size))
                start += size
            if all(sum(heights[first:last]) <= self.room for first, last in chunks):
                return [weeks[first:last] for first, last in chunks]
        return [[week] for week in weeks]


def _cell_lines(cell: dict[str, Any]) -> int:
    """The lines the template prints in a day's cell, counted high: the day, NEW DOSE, each
    drug's dose and the lines of its make-up, CHECK IN, and the tick and score boxes."""
    lines = 1 + (1 if cell["new"] else 0) + (1 if cell["check_ins"] else 0) + (1 if cell["entries"] else 0)
    for entry in cell["entries"]:
        lines += _wrapped(f"{entry['mg']} mg") + (_wrapped(entry["drug"]) if cell["several"] else 0)
        if entry["status"] == TABLETS and not entry["stopped"]:
            lines += sum(_wrapped(piece) for piece in entry["pieces"])
        elif entry["status"] == LIQUID and not entry["stopped"]:
            lines += _wrapped(entry["makeup"])
        elif not entry["stopped"]:
            lines += 2
    return lines


def _wrapped(text: str) -> int:
    return max(1, math.ceil(len(text) / CELL_CHARACTERS))


def _cell(day: date, tapers: list[PlannedTaper], days: dict[int, dict[date, TaperDay]]) -> dict[str, Any]:
    entries = []
    check_in_drugs = []
    for planned in tapers:
        taper_day = days[planned.index].get(day)
        if taper_day is None or taper_day.mg_per_day is None or taper_day.makeup is None:
            continue
        if taper_day.check_in_of is not None:
            check_in_drugs.append(planned.medication.drug)
        new = taper_day.new_step
        entries.append({
            "drug": planned.medication.drug,
            "new": new is not None,
            "stop": new is not None and new.kind == STOP,
            "stopped": taper_day.stopped,
            **_dose(taper_day.mg_per_day, taper_day.makeup),
        })
    return {
        "day": day.day,
        "iso": day.isoformat(),
        "entries": entries,
        "new": any(entry["new"] for entry in entries),
        "several": len(tapers) > 1,
        "check_ins": check_in_drugs,
        "taking": any(not entry["stopped"] for entry in entries),
    }


def _dose(mg_per_day: float, makeup: Makeup) -> dict[str, Any]:
    """A dose and its make-up, as the template prints them."""
    return {
        "mg": format_mg(mg_per_day),
        "status": makeup.status,
        "makeup": makeup.text(),
        "pieces": list(makeup.piece_texts) if makeup.status == TABLETS else [],
        "parts": [{"count": piece.count_text, "strength": format_mg(piece.strength_mg)} for piece in makeup.pieces],
        "ml": format_mg(makeup.ml_per_day) if makeup.status == LIQUID and makeup.ml_per_day is not None else None,
        "strength": format_mg(makeup.liquid_mg_per_ml) if makeup.liquid_mg_per_ml is not None else None,
        "split": [format_mg(strength) for strength in makeup.split_strengths],
        "strengths": [format_mg(strength) for strength in makeup.strengths],
    }


# -- each tapered drug ----------------------------------------------------------------------------------


def _drug(case: Case, planned: PlannedTaper, through: date) -> dict[str, Any]:
    plan = planned.plan
    prescriber = case.clinician(planned.medication.prescriber)
    steps = [step for step in planned.schedule.steps if step.date <= through]  # the steps the months show
    makeups = [step_makeup(plan, step) for step in steps]
    split = sorted({strength for makeup in makeups for strength in makeup.split_strengths}, reverse=True)
    return {
        "drug": planned.medication.drug,
        "name": display_name(planned.medication),
        "current": _dose(planned.current_mg, current_makeup(plan, planned.current_mg)),
        "since": planned.current_dose.date.display(),
        "rule": plan.slow_or_pause_if,
        "prescriber": _person(prescriber),
        "percent": format_mg(float(plan.percent)),
        "every_days": plan.every_days,
        "strengths": [format_mg(strength) for strength in sorted(set(plan.tablets_mg), reverse=True)],
        "liquid_strength": format_mg(plan.liquid_mg_per_ml) if plan.liquid_mg_per_ml is not None else None,
        "split": [format_mg(strength) for strength in split],
        "steps": [_step(planned, step, makeup) for step, makeup in zip(steps, makeups)],
        "example": _example([_dose(step.mg_per_day, makeup) for step, makeup in zip(steps, makeups)]),
        "liquid_example": next((_dose(step.mg_per_day, makeup) for step, makeup in zip(steps, makeups)
                                if makeup.status == LIQUID), None),
        "more_steps": len(planned.schedule.steps) - len(steps),
        "end_date": display_day(planned.schedule.end_date) if planned.schedule.end_date else None,
        "problems": list(planned.other_problems),
    }


def _example(doses: list[dict[str, Any]]) -> dict[str, Any] | None:
    """A dose to explain the make-ups by: one of several tablets with a half if there is one, else
    one of several tablets, else any made of tablets."""
    tablets = [dose for dose in doses if dose["status"] == TABLETS]
    for fits in (lambda dose: len(dose["pieces"]) > 1 and dose["split"], lambda dose: len(dose["pieces"]) > 1,
                 lambda dose: True):
        found = next((dose for dose in tablets if fits(dose)), None)
        if found is not None:
            return found
    return None


def _step(planned: PlannedTaper, step: TaperStep, makeup: Makeup) -> dict[str, Any]:
    following = {found.number: day for day, found in check_ins(planned)}
    return {
        "number": step.number,
        "date": display_day(step.date),
        "iso": step.date.isoformat(),
        "change": percent_text(step.change_percent),
        "stop": step.kind == STOP,
        "check_in": display_day(following[step.number]) if step.number in following else None,
        **_dose(step.mg_per_day, makeup),
    }


def _person(clinician: Clinician | None) -> dict[str, Any] | None:
    if clinician is None:
        return None
    return {"name": clinician.name, "phone": clinician.phone, "organization": clinician.organization}


# -- the .ics file ----------------------------------------------------------------------------------


def _events(case: Case, tapers: list[PlannedTaper]) -> list[dict[str, Any]]:
    """An event for each new dose and each check-in, in date order; each with a stable uid."""
    events = []
    for planned in tapers:
        prescriber = _person(case.clinician(planned.medication.prescriber))
        found = check_ins(planned)
        checks = {step.number: day for day, step in found}
        for step in planned.schedule.steps:
            events.append(_event(case, planned, "dose", step.date, step, checks.get(step.number), prescriber))
        for day, step in found:
            events.append(_event(case, planned, "check-in", day, step, day, prescriber))
    return sorted(events, key=lambda event: (event["iso"], event["order"], event["kind"] != "dose"))


def _event(case: Case, planned: PlannedTaper, kind: str, day: date, step: TaperStep, check_in: date | None,
           prescriber: dict[str, Any] | None) -> dict[str, Any]:
    return {
        "uid": _uid(case, planned, kind, step),
        "kind": kind,
        "iso": day.isoformat(),
        "order": planned.index,
        "drug": planned.medication.drug,
        "number": step.number,
        "stop": step.kind == STOP,
        "date": display_day(day),
        "step_date": display_day(step.date),
        "check_in": display_day(check_in) if check_in is not None else None,
        "rule": planned.plan.slow_or_pause_if,
        "prescriber": prescriber,
        **_dose(step.mg_per_day, step_makeup(planned.plan, step)),
    }


def _uid(case: Case, planned: PlannedTaper, kind: str, step: TaperStep) -> str:
    """The same for the same step of the same plan, whenever the file is written (a calendar app
    that imports it again updates the event instead of adding a second); the patient's name is
    hashed, never written."""
    key = "\x1f".join((case.patient.name, planned.medication.drug, str(planned.index), kind, str(step.number)))
    return f"{hashlib.sha256(key.encode('utf-8')).hexdigest()[:32]}@docgen"


KIND = DocumentKind(
    name="calendar",
    label="taper calendar",
    title=TITLE,
    template=TEMPLATE,
    build_context=build_context,
    missing=missing,
    events_template=EVENTS_TEMPLATE,
)
