"""The chart's scales, as arithmetic: ``_TimeScale`` turns dates into x; the time axis's unit
(years, months or days), its ticks and the labels that name them; round tick values for a dose
axis. ``axis`` draws the time axis from these."""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cached_property, partial

from docgen.case.dates import add_days
from docgen.render.chart.style import ChartStyle
from docgen.render.chart.text import _width
from docgen.render.fonts import REGULAR

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


#: The width of the break in a broken time axis (points).
BREAK_GAP = 9.0


@dataclass(frozen=True)
class _TimeScale:
    """Dates to x from ``left`` to ``right``. With ``focus``, the axis is broken: the days before
    ``focus`` take the first ``share`` of the width, then a gap of ``BREAK_GAP``, then the days
    from ``focus`` to ``end`` take the rest; x never decreases as the date grows."""

    start: date
    end: date
    left: float
    right: float
    focus: date | None = None
    share: float = 0.0

    @property
    def days(self) -> int:
        return max((self.end - self.start).days, 1)

    @property
    def broken(self) -> bool:
        return self.focus is not None and self.start < self.focus < self.end and 0 < self.share < 1

    @property
    def break_span(self) -> tuple[float, float]:
        """The x range of the gap in a broken axis (empty at ``left`` when not broken)."""
        if not self.broken:
            return self.left, self.left
        x0 = self.left + self.share * (self.right - self.left - BREAK_GAP)
        return x0, x0 + BREAK_GAP

    @cached_property
    def pieces(self) -> tuple[_TimeScale, ...]:
        """The unbroken pieces of the axis, left to right."""
        if not self.broken or self.focus is None:
            return (self,)
        x0, x1 = self.break_span
        return (_TimeScale(self.start, self.focus, self.left, x0), _TimeScale(self.focus, self.end, x1, self.right))

    def x(self, day: date) -> float:
        clamped = min(max(day, self.start), self.end)
        if self.broken and self.focus is not None:
            before, after = self.pieces
            return before.x(clamped) if clamped < self.focus else after.x(clamped)
        return self.left + (clamped - self.start).days / self.days * (self.right - self.left)


def _format_day(day: date) -> str:
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def _format_month(day: date) -> str:
    return f"{_MONTHS[day.month - 1]} {day.year}"


def _add_months(day: date, months: int) -> date:
    """The first of the month ``months`` after ``day`` (the last day there is, past year 9999)."""
    index = day.year * 12 + day.month - 1 + months
    if index // 12 > date.max.year:
        return date.max
    return date(index // 12, index % 12 + 1, 1)


def _time_units(scale: _TimeScale, style: ChartStyle) -> tuple[list[tuple[date, bool]], int, str]:
    """Tick dates (with a flag for labelled ones), the label step and the unit of the axis."""
    span = scale.days
    plot = scale.right - scale.left
    if span >= 730:
        label_width = _width("0000", REGULAR, style.axis_size) + 8
        step = _first_step(plot * 365.25 / span, label_width, (1, 2, 5, 10, 20, 50, 100))
        years = range(scale.start.year, min(scale.end.year + 2, date.max.year + 1))
        ticks = [(date(year, 1, 1), year % step == 0) for year in years]
        return ticks, step, "year"
    if span >= 90:
        label_width = _width("May 0000", REGULAR, style.axis_size) + 8
        step = _first_step(plot * 30.44 / span, label_width, (1, 2, 3, 6, 12))
        first = date(scale.start.year, scale.start.month, 1)
        months = range(0, span // 28 + 2)
        ticks = [(month, (month.month - 1) % step == 0) for month in map(partial(_add_months, first), months)]
        return ticks, step, "month"
    label_width = _width("30 May 0000", REGULAR, style.axis_size) + 8
    step = _first_step(plot / span, label_width, (1, 2, 7, 14, 28))
    ticks = [(add_days(scale.start, n), n % step == 0) for n in range(span + 2)]
    return ticks, step, "day"


def _first_step(unit_width: float, label_width: float, steps: Sequence[int]) -> int:
    for step in steps:
        if unit_width * step >= label_width:
            return step
    return steps[-1]


def _iter_time_labels(
    ticks: list[tuple[date, bool]], step: int, unit: str, scale: _TimeScale
) -> Iterator[tuple[str, float, float]]:
    """(text, centre, room) for each label: centred in its year or month when every one is
    labelled (room: the visible part of that period), else centred on its tick. Day labels
    name the year on the first label and where it changes ("30 Dec 2024", "1 Jan 2025")."""
    year_shown: int | None = None
    for (day, major), (following, _) in zip(ticks, ticks[1:], strict=False):
        if not major:
            continue
        if unit == "day":
            text = _format_day(day) if day.year != year_shown else f"{day.day} {_MONTHS[day.month - 1]}"
        else:
            text = str(day.year) if unit == "year" else _format_month(day)
        if step == 1 and unit != "day":
            if following > scale.start and day < scale.end:
                left, right = scale.x(day), scale.x(following)
                yield text, (left + right) / 2, right - left
        elif scale.start <= day <= scale.end:
            year_shown = day.year
            yield text, scale.x(day), math.inf


def _nice_ticks(maximum: float) -> tuple[float, ...]:
    """0 and 2-4 more round values whose last is at least ``maximum``."""
    maximum = maximum if maximum > 0 else 1.0
    magnitude = 10 ** math.floor(math.log10(maximum / 4))
    for multiple in (1, 2, 2.5, 5, 10, 20):
        step = multiple * magnitude
        if math.ceil(maximum / step - 1e-9) <= 4:
            break
    count = max(math.ceil(maximum / step - 1e-9), 2)
    return tuple(round(step * n, 10) for n in range(count + 1))
