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
#: How many days of width each drawn entry is worth beside a quiet stretch.
ENTRY_DAYS = 45


@dataclass(frozen=True)
class _TimeScale:
    """Dates to x from ``left`` to ``right``. With ``quiet`` (a stretch from its first to its last
    day), the axis is broken: that stretch takes only ``share`` of the width, set apart by a gap of
    ``BREAK_GAP`` on each side it has a neighbour, and the days before and after it share the rest
    in proportion to their length; x never decreases as the date grows."""

    start: date
    end: date
    left: float
    right: float
    quiet: tuple[date, date] | None = None
    share: float = 0.0
    #: The days something is drawn: beside a quiet stretch, each piece's width grows with them
    #: (each counts as ``ENTRY_DAYS`` more days), so that a busy taper gets more than the build-up.
    entries: tuple[date, ...] = ()

    @property
    def days(self) -> int:
        return max((self.end - self.start).days, 1)

    @property
    def broken(self) -> bool:
        return len(self.pieces) > 1

    @property
    def break_spans(self) -> list[tuple[float, float]]:
        """The x range of each gap in a broken axis, left to right."""
        pieces = self.pieces
        return [(first.right, second.left) for first, second in zip(pieces, pieces[1:], strict=False)]

    @cached_property
    def pieces(self) -> tuple[_TimeScale, ...]:
        """The unbroken pieces of the axis, left to right (the quiet stretch among them)."""
        if self.quiet is None or not 0 < self.share < 1:
            return (self,)
        first, last = max(self.quiet[0], self.start), min(self.quiet[1], self.end)
        if not first < last or (first, last) == (self.start, self.end):
            return (self,)
        spans = [(self.start, first, False), (first, last, True), (last, self.end, False)]
        spans = [(a, b, quiet) for a, b, quiet in spans if a < b]
        gaps = BREAK_GAP * (len(spans) - 1)
        width = self.right - self.left - gaps
        quiet_width = self.share * width
        weights = {(a, b): (b - a).days + ENTRY_DAYS * sum(1 for day in self.entries if a <= day < b)
                   for a, b, quiet in spans if not quiet}
        loud_days = sum(weights.values()) or 1
        pieces = []
        x = self.left
        for a, b, quiet in spans:
            piece_width = quiet_width if quiet else (width - quiet_width) * weights[(a, b)] / loud_days
            pieces.append(_TimeScale(a, b, x, x + piece_width))
            x += piece_width + BREAK_GAP
        return tuple(pieces)

    def x(self, day: date) -> float:
        clamped = min(max(day, self.start), self.end)
        pieces = self.pieces
        if len(pieces) > 1:
            for piece in pieces[:-1]:
                if clamped < piece.end:
                    return piece.x(clamped)
            return pieces[-1].x(clamped)
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
