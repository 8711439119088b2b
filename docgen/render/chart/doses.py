"""The one-page timeline chart: a ``TimelineChart`` drawn as a reportlab vector ``Drawing``.

Top to bottom, on one shared time axis: the time axis (years, months or days), the dose lane
(diazepam-equivalent step lines), the other-medication rows (own mg, own scale), the symptom
bars, the event row and a key. Everything is black, white and gray: series differ by line style
and weight and carry direct labels; severity is shown by gray steps explained in the key. Labels
that would overlap an earlier one are left out, so the chart stays legible when crowded.
"""

from __future__ import annotations

import io
import math
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date
from functools import lru_cache, partial

from reportlab.graphics import renderPDF
from reportlab.graphics.shapes import (
    Circle,
    Drawing,
    Group,
    Line,
    Polygon,
    PolyLine,
    Rect,
    String,
)
from reportlab.lib.colors import Color

from docgen.case.dates import add_days
from docgen.markup.figures import (
    DoseSeries,
    EventMarker,
    OtherSeries,
    SymptomBar,
    TimelineChart,
)
from docgen.render import fonts
from docgen.render.bidi import visual
from docgen.render.fonts import BOLD, ITALIC, REGULAR, register_fonts

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_EVENT_KINDS = ("diagnosis", "test", "hospitalization", "visit", "other")
_EVENT_NAMES = {
    "diagnosis": "diagnosis",
    "test": "test",
    "hospitalization": "hospital stay",
    "visit": "visit",
    "other": "other",
}
_ELLIPSIS = "\u2026"
#: The top of the dose axis for doses no one takes (a typo's 1e308 mg); drawn clamped to it.
_LARGEST_DOSE = 1e12


@dataclass(frozen=True)
class ChartStyle:
    """Sizes in points, gray levels from 0 (black) to 1 (white)."""

    label_size: float = 7.0
    axis_size: float = 7.5
    series_label_size: float = 7.5
    gutter: float = 78.0
    right_pad: float = 9.0
    lane_gap: float = 6.0
    dose_fraction: float = 0.32
    dose_fraction_min: float = 0.26
    rule_width: float = 0.6
    grid_width: float = 0.4
    hairline: float = 0.3
    dose_widths: tuple[float, ...] = (1.7, 1.3, 1.6, 1.2)
    dose_dashes: tuple[tuple[float, ...], ...] = ((), (4.0, 2.0), (0.1, 2.4), (5.0, 2.0, 0.1, 2.0))
    other_width: float = 0.9
    other_row: float = 18.0
    other_row_min: float = 9.0
    symptom_row: float = 11.0
    symptom_row_min: float = 7.6
    bar_height: float = 6.5
    bar_height_min: float = 2.0
    grid_gray: float = 0.82
    rule_gray: float = 0.55
    muted_gray: float = 0.35
    fill_gray: float = 0.9
    severity_grays: tuple[float, float, float] = (0.86, 0.6, 0.3)
    marker_size: float = 5.5
    event_levels: int = 3

    def __post_init__(self) -> None:
        if min(self.label_size, self.axis_size, self.series_label_size) < 7:
            raise ValueError("chart text must be at least 7 pt")


@dataclass(frozen=True)
class _Box:
    x0: float
    y0: float
    x1: float
    y1: float

    def overlaps(self, other: _Box) -> bool:
        return self.x0 < other.x1 and other.x0 < self.x1 and self.y0 < other.y1 and other.y0 < self.y1

    def inside(self, area: _Box) -> bool:
        return (
            self.x0 >= area.x0 - 0.01
            and self.x1 <= area.x1 + 0.01
            and self.y0 >= area.y0 - 0.01
            and self.y1 <= area.y1 + 0.01
        )


class _Placer:
    """The label boxes placed so far; a new label goes where it overlaps none of them."""

    def __init__(self) -> None:
        self.boxes: list[_Box] = []

    def is_free(self, box: _Box) -> bool:
        return not any(box.overlaps(placed) for placed in self.boxes)

    def add(self, box: _Box) -> None:
        self.boxes.append(box)


@dataclass(frozen=True)
class _TimeScale:
    start: date
    end: date
    left: float
    right: float

    @property
    def days(self) -> int:
        return max((self.end - self.start).days, 1)

    def x(self, day: date) -> float:
        clamped = min(max(day, self.start), self.end)
        return self.left + (clamped - self.start).days / self.days * (self.right - self.left)


@dataclass(frozen=True)
class _Steps:
    """A step line in drawing coordinates: level ``ys[i]`` from ``xs[i]`` to the next x."""

    dates: tuple[date, ...]
    values: tuple[float, ...]
    xs: tuple[float, ...]
    ys: tuple[float, ...]
    x_end: float
    base: float
    drops: bool

    def index_at(self, day: date) -> int | None:
        index = bisect_right(self.dates, day) - 1
        return index if index >= 0 else None

    def points(self) -> list[float]:
        flat = [self.xs[0], self.base]
        for index, (x, y) in enumerate(zip(self.xs, self.ys, strict=True)):
            if index:
                flat += [x, self.ys[index - 1]]
            flat += [x, y]
        flat += [self.x_end, self.ys[-1]]
        if self.drops:
            flat += [self.x_end, self.base]
        return flat

    def hits(self, box: _Box) -> bool:
        first = max(bisect_right(self.xs, box.x0) - 1, 0)
        last = min(bisect_right(self.xs, box.x1), len(self.xs))
        for index in range(first, last):
            x0 = self.xs[index]
            x1 = self.xs[index + 1] if index + 1 < len(self.xs) else self.x_end
            y = self.ys[index]
            if x0 <= box.x1 and x1 >= box.x0 and box.y0 <= y <= box.y1:
                return True
            previous = self.ys[index - 1] if index else self.base
            if box.x0 <= x0 <= box.x1 and _spans(previous, y, box):
                return True
        return self.drops and box.x0 <= self.x_end <= box.x1 and _spans(self.base, self.ys[-1], box)


def _spans(a: float, b: float, box: _Box) -> bool:
    return min(a, b) <= box.y1 and max(a, b) >= box.y0


def _gray(level: float) -> Color:
    return Color(level, level, level)


_BLACK = Color(0, 0, 0)
_WHITE = Color(1, 1, 1)


def _width(text: str, font: str, size: float) -> float:
    return fonts.string_width(text, font, size)


#: While a chart is drawn: the labels of the case that were cut to fit (see ``chart_shortens``).
_CUT: ContextVar[list[str] | None] = ContextVar("_CUT", default=None)


def _note_cut(original: str, shown: str) -> None:
    """Record that a label of the case is drawn shorter than it is."""
    record = _CUT.get()
    if record is not None and shown != original:
        record.append(original)


def _fit(text: str, font: str, size: float, width: float) -> str:
    """``text``, cut with an ellipsis if needed so that it is at most ``width`` wide."""
    if _width(text, font, size) <= width:
        return text
    low, high = 0, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if _width(text[:middle].rstrip() + _ELLIPSIS, font, size) <= width:
            low = middle
        else:
            high = middle - 1
    return text[:low].rstrip() + _ELLIPSIS if low else ""


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Greedy word wrap; a word wider than ``width`` is split after a hyphen or cut."""
    words: list[str] = []
    for word in text.split():
        parts = word.split("-")
        words += [part + "-" for part in parts[:-1]] + [parts[-1]]
    lines: list[str] = []
    current = ""
    for word in words:
        glue = "" if current.endswith("-") or not current else " "
        if current and _width(current + glue + word, font, size) > width:
            lines.append(current)
            current = word
        else:
            current += glue + word
    if current:
        lines.append(current)
    return [_fit(line, font, size, width) for line in lines]


def _text_box(x: float, baseline: float, width: float, size: float) -> _Box:
    return _Box(x, baseline - 0.24 * size, x + width, baseline + 0.76 * size)


def _string(x: float, y: float, text: str, font: str, size: float, **options: object) -> String | Group:
    """One line of text in drawing order (right-to-left runs reversed), each run in a font that
    has its glyphs: a String, or a Group of them where the text needs more than one font."""
    options.setdefault("fillColor", _BLACK)
    shown = visual(fonts.drawable(text))
    parts = fonts.runs(shown, font)
    if len(parts) <= 1:
        return String(x, y, shown, fontName=font, fontSize=size, **options)
    anchor = str(options.pop("textAnchor", "start"))
    widths = [_width(part, name, size) for part, name in parts]
    x -= {"start": 0.0, "middle": sum(widths) / 2, "end": sum(widths)}.get(anchor, 0.0)
    group = Group()
    for (part, name), width in zip(parts, widths, strict=True):
        group.add(String(x, y, part, fontName=name, fontSize=size, **options))
        x += width
    return group


def _format_number(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:g}"


def _format_day(day: date) -> str:
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def _format_month(day: date) -> str:
    return f"{_MONTHS[day.month - 1]} {day.year}"


# --- time axis ---------------------------------------------------------------------------------


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


def _draw_time_axis(
    group: Group, scale: _TimeScale, axis_y: float, bottom: float, width: float, style: ChartStyle
) -> None:
    ticks, step, unit = _time_units(scale, style)
    grid = {"strokeColor": _gray(style.grid_gray), "strokeWidth": style.grid_width}
    visible = [(day, major) for day, major in ticks if scale.start <= day <= scale.end]
    unit_width = (scale.right - scale.left) / scale.days * (1 if unit == "day" else 30.44)
    dense = unit != "day" or unit_width >= 3
    for day, major in visible:
        x = scale.x(day)
        if major:
            group.add(Line(x, bottom, x, axis_y, **grid))
        if major or dense:
            group.add(Line(x, axis_y, x, axis_y + (3 if major else 1.5), strokeColor=_BLACK, strokeWidth=0.5))
    group.add(Line(scale.left, axis_y, scale.right, axis_y, strokeColor=_BLACK, strokeWidth=style.rule_width))
    placer = _Placer()
    area = _Box(0, axis_y, width, axis_y + 20)
    for text, center, room in _iter_time_labels(ticks, step, unit, scale):
        text_width = _width(text, REGULAR, style.axis_size)
        if text_width + 2 > room:
            continue
        x = min(max(center - text_width / 2, scale.left - 10), width - text_width - 2)
        box = _text_box(x - 2, axis_y + 5, text_width + 4, style.axis_size)
        if box.inside(area) and placer.is_free(box):
            placer.add(box)
            group.add(_string(x, axis_y + 5, text, REGULAR, style.axis_size))


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


# --- dose lane ---------------------------------------------------------------------------------


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


def _steps(
    points: Iterable[tuple[date, float]],
    until: date,
    scale: _TimeScale,
    base: float,
    height: float,
    full_scale: float,
) -> _Steps | None:
    """The step line of ``points`` (value ``full_scale`` at ``base + height``), or None."""
    ordered = sorted(points, key=lambda point: point[0])
    if not ordered:
        return None
    kept = [point for point in ordered if point[0] <= until] or ordered[:1]
    dates: list[date] = []
    values: list[float] = []
    for day, value in kept:
        if values and value == values[-1]:
            continue
        if dates and dates[-1] == day:
            values[-1] = value
            continue
        dates.append(day)
        values.append(value)
    xs = tuple(scale.x(day) for day in dates)
    ys = tuple(base + min(max(value, 0.0), full_scale) / full_scale * height for value in values)
    x_end = max(scale.x(until), xs[-1])
    return _Steps(tuple(dates), tuple(values), xs, ys, x_end, base, until < scale.end)


def _series_look(index: int, style: ChartStyle) -> dict[str, object]:
    count = len(style.dose_dashes)
    dash = style.dose_dashes[index % count]
    look: dict[str, object] = {
        "strokeColor": _BLACK if index < count else _gray(style.muted_gray),
        "strokeWidth": style.dose_widths[index % len(style.dose_widths)],
        "strokeLineJoin": 0,
        "strokeLineCap": 1 if 0.1 in dash else 0,
    }
    if dash:
        look["strokeDashArray"] = list(dash)
    return look


def _draw_dose_lane(
    group: Group, chart: TimelineChart, scale: _TimeScale, lane: _Box, style: ChartStyle, placer: _Placer
) -> None:
    series = [item for item in chart.doses if item.points]
    maximum = max((value for item in series for _, value in item.points), default=0.0)
    maximum = min(maximum, _LARGEST_DOSE)  # beyond it the axis arithmetic overflows; the line is clamped
    size = style.label_size
    if not series or maximum <= 0:
        _draw_axis_title(group, chart.dose_axis_label, lane, 0, style)
        group.add(Line(scale.left, lane.y0, scale.right, lane.y0, strokeColor=_BLACK, strokeWidth=0.6))
        group.add(
            _string(
                (scale.left + scale.right) / 2,
                (lane.y0 + lane.y1) / 2,
                "no benzodiazepine doses recorded",
                ITALIC,
                size,
                textAnchor="middle",
                fillColor=_gray(style.muted_gray),
            )
        )
        return
    height = lane.y1 - lane.y0
    ticks = _nice_ticks(maximum * (1 + 2.2 * size / max(height, 1)))
    full_scale = ticks[-1]
    grid = {"strokeColor": _gray(style.grid_gray), "strokeWidth": style.grid_width}
    axis = {"strokeColor": _BLACK, "strokeWidth": style.rule_width}
    for tick in ticks:
        y = lane.y0 + tick / full_scale * height
        if tick:
            group.add(Line(scale.left, y, scale.right, y, **grid))
        group.add(Line(scale.left - 2.5, y, scale.left, y, strokeColor=_BLACK, strokeWidth=0.5))
        text = _format_number(tick)
        group.add(_string(scale.left - 4, y - 0.3 * size, text, REGULAR, size, textAnchor="end"))
    tick_width = max(_width(_format_number(tick), REGULAR, size) for tick in ticks)
    _draw_axis_title(group, chart.dose_axis_label, lane, tick_width + 6, style)
    group.add(Line(scale.left, lane.y0, scale.left, lane.y1, **axis))
    group.add(Line(scale.left, lane.y0, scale.right, lane.y0, **axis))
    lines = [(item, _steps(item.points, item.until, scale, lane.y0, height, full_scale)) for item in series]
    drawn = [(index, item, steps) for index, (item, steps) in enumerate(lines) if steps is not None]
    for index, _, steps in drawn:
        group.add(PolyLine(steps.points(), fillColor=None, **_series_look(index, style)))
    all_steps = [steps for _, _, steps in drawn]
    area = _Box(scale.left, lane.y0, scale.right + style.right_pad, lane.y1)
    for index, item, steps in drawn:
        _place_series_label(group, item, index, steps, all_steps, area, style, placer)
    for _, item, steps in drawn:
        _place_dose_labels(group, item, steps, all_steps, area, style, placer)


def _draw_axis_title(group: Group, text: str, lane: _Box, reserved: float, style: ChartStyle) -> None:
    width = lane.x0 - 4 - reserved - 2
    size = style.label_size
    leading = size * 1.18
    lines = _wrap(text, ITALIC, size, width)
    room = max(int((lane.y1 - lane.y0) // leading), 1)
    if len(lines) > room:
        lines = lines[: room - 1] + [_fit(" ".join(lines[room - 1 :]), ITALIC, size, width)]
    for number, line in enumerate(lines):
        group.add(_string(2, lane.y1 - size - number * leading, line, ITALIC, size))


def _place_series_label(
    group: Group,
    item: DoseSeries,
    index: int,
    steps: _Steps,
    all_steps: list[_Steps],
    area: _Box,
    style: ChartStyle,
    placer: _Placer,
) -> None:
    size = style.series_label_size
    sample = 16.0
    text = _fit(item.label, BOLD, size, area.x1 - area.x0 - sample - 4)
    width = sample + 3 + _width(text, BOLD, size)
    _note_cut(item.label, text)
    for x, baseline in _iter_series_spots(steps, width, size, area):
        box = _text_box(x - 1, baseline, width + 2, size)
        box = _Box(box.x0, box.y0 - 1, box.x1, box.y1 + 1)
        if box.inside(area) and placer.is_free(box) and not any(line.hits(box) for line in all_steps):
            placer.add(box)
            middle = baseline + 0.3 * size
            group.add(Line(x, middle, x + sample, middle, **_series_look(index, style)))
            group.add(_string(x + sample + 3, baseline, text, BOLD, size))
            return


def _iter_series_spots(steps: _Steps, width: float, size: float, area: _Box) -> Iterator[tuple[float, float]]:
    """Candidate (x, baseline) spots: above or below the last level, the peak, then long levels."""
    count = len(steps.xs)
    ends = [*steps.xs[1:], steps.x_end]
    peak = max(range(count), key=lambda index: steps.ys[index])
    longest = sorted(range(count), key=lambda index: ends[index] - steps.xs[index], reverse=True)[:40]
    for index in [count - 1, peak, *longest]:
        y = steps.ys[index]
        for x in (ends[index] - 2 - width, steps.xs[index] + 3):
            x = min(max(x, area.x0 + 2), area.x1 - width)
            yield x, y + 2.5 + 0.24 * size
            yield x, y - 2.5 - 0.76 * size
    rows = int((area.y1 - area.y0) // (size * 1.4))
    for row in range(rows):
        yield area.x1 - width - 4, area.y1 - (row + 1) * size * 1.4


def _place_dose_labels(
    group: Group,
    item: DoseSeries,
    steps: _Steps,
    all_steps: list[_Steps],
    area: _Box,
    style: ChartStyle,
    placer: _Placer,
) -> None:
    size = style.label_size
    for day, text in sorted(item.labels, key=lambda label: label[0]):
        index = steps.index_at(day)
        if index is None:
            continue
        width = _width(text, REGULAR, size)
        x = min(steps.xs[index] + 2, area.x1 - width - 1)
        y = steps.ys[index]
        for baseline in (y + 2 + 0.24 * size, y - 2 - 0.76 * size):
            box = _text_box(x - 0.5, baseline, width + 1, size)
            if box.inside(area) and placer.is_free(box) and not any(line.hits(box) for line in all_steps):
                placer.add(box)
                group.add(_string(x, baseline, text, REGULAR, size))
                break


# --- other medications -------------------------------------------------------------------------


def _draw_other_rows(
    group: Group,
    others: Sequence[OtherSeries],
    scale: _TimeScale,
    lane: _Box,
    style: ChartStyle,
    placer: _Placer,
) -> None:
    """One row per medication: a filled step line on its own scale, 0 to ``max_mg``."""
    row = (lane.y1 - lane.y0) / max(len(others), 1)
    size = style.label_size
    gutter = lane.x0 - 6
    for number, item in enumerate(others):
        top = lane.y1 - number * row
        base, height = top - row + 1.5, row - 3.5
        maximum = item.max_mg if item.max_mg > 0 else max((value for _, value in item.points), default=0.0)
        maximum = maximum or 1.0
        baseline_rule = {"strokeColor": _gray(style.rule_gray), "strokeWidth": style.hairline}
        group.add(Line(scale.left, base, scale.right, base, **baseline_rule))
        scale_text = f"own mg, max {_format_number(maximum)}"
        center = top - row / 2
        if row >= 2 * size * 1.1 + 1.5:
            name = _fit(item.label, REGULAR, size, gutter)
            _note_cut(item.label, name)
            group.add(_string(2, center + 0.15 * size, name, REGULAR, size))
            muted = _gray(style.muted_gray)
            scale_line = _fit(scale_text, ITALIC, size, gutter)
            group.add(_string(2, center - 0.95 * size, scale_line, ITALIC, size, fillColor=muted))
        else:
            text = _fit(f"{item.label} ({scale_text})", REGULAR, size, gutter)
            _note_cut(f"{item.label} ({scale_text})", text)
            group.add(_string(2, center - 0.3 * size, text, REGULAR, size))
        steps = _steps(item.points, item.until, scale, base, height, maximum)
        if steps is None:
            continue
        outline = steps.points() + ([] if steps.drops else [steps.x_end, base])
        group.add(Polygon(outline, fillColor=_gray(style.fill_gray), strokeColor=None, strokeWidth=0))
        line = {"strokeColor": _BLACK, "strokeWidth": style.other_width, "strokeLineJoin": 0}
        group.add(PolyLine(steps.points(), fillColor=None, **line))
        area = _Box(scale.left, top - row, scale.right + style.right_pad, top)
        for index, value in enumerate(steps.values):
            if value <= 0:
                continue
            text = f"{_format_number(value)} mg"
            width = _width(text, REGULAR, size)
            x = min(steps.xs[index] + 2, area.x1 - width - 1)
            y = steps.ys[index]
            for baseline in (y + 1.5 + 0.24 * size, y - 1.5 - 0.76 * size):
                box = _text_box(x - 0.5, baseline, width + 1, size)
                if box.inside(area) and placer.is_free(box) and not steps.hits(box):
                    placer.add(box)
                    group.add(_string(x, baseline, text, REGULAR, size))
                    break


# --- symptoms ----------------------------------------------------------------------------------


def _severity_gray(severity: int, style: ChartStyle) -> float:
    light, medium, dark = style.severity_grays
    return light if severity <= 3 else medium if severity <= 6 else dark


def _draw_symptom_rows(
    group: Group, symptoms: Sequence[SymptomBar], scale: _TimeScale, lane: _Box, style: ChartStyle
) -> None:
    size = style.label_size
    height = lane.y1 - lane.y0
    row = min(style.symptom_row, height / max(len(symptoms), 1))
    shown: Sequence[SymptomBar | None] = symptoms
    if row < style.symptom_row_min - 0.01:
        row = style.symptom_row_min
        fit = max(int(height // row), 1)
        shown = [*symptoms[: fit - 1], None]
    bar = min(max(row * 0.62, style.bar_height_min), style.bar_height)
    for number, symptom in enumerate(shown):
        center = lane.y1 - (number + 0.5) * row
        if symptom is None:
            text = f"+{len(symptoms) - len(shown) + 1} more symptoms (not shown)"
            group.add(_string(2, center - 0.3 * size, text, ITALIC, size, fillColor=_gray(style.muted_gray)))
            continue
        x0 = scale.x(symptom.start)
        x1 = scale.right if symptom.end is None else max(scale.x(symptom.end), x0 + 1.5)
        y0, y1 = center - bar / 2, center + bar / 2
        tilde = _width("~", REGULAR, size)
        label_width = lane.x0 - 6
        if symptom.approximate:
            if x0 - scale.left >= tilde + 1.5:
                group.add(_string(x0 - tilde - 1, center - 0.3 * size, "~", REGULAR, size))
            else:
                group.add(_string(lane.x0 - 2, center - 0.3 * size, "~", REGULAR, size, textAnchor="end"))
                label_width -= tilde + 1
        name = _fit(symptom.label, REGULAR, size, label_width)
        _note_cut(symptom.label, name)
        group.add(_string(2, center - 0.3 * size, name, REGULAR, size))
        _draw_bar_fill(group, symptom, scale, x0, x1, y0, y1, style)
        outline = {"strokeColor": _BLACK, "strokeWidth": 0.5}
        group.add(Line(x0, y0, x1, y0, **outline))
        group.add(Line(x0, y1, x1, y1, **outline))
        if symptom.approximate:
            group.add(Line(x0, y0, x0, y1, strokeDashArray=[0.6, 0.9], **outline))
        else:
            group.add(Line(x0, y0, x0, y1, **outline))
        if symptom.end is None:
            reach = min(bar * 0.8 + 1, style.right_pad - 1)
            arrow = [x1, y0 - 1, x1 + reach, center, x1, y1 + 1]
            group.add(Polygon(arrow, fillColor=_BLACK, strokeColor=_BLACK, strokeWidth=0.3))
        else:
            group.add(Line(x1, y0, x1, y1, **outline))


def _draw_bar_fill(
    group: Group,
    symptom: SymptomBar,
    scale: _TimeScale,
    x0: float,
    x1: float,
    y0: float,
    y1: float,
    style: ChartStyle,
) -> None:
    group.add(Rect(x0, y0, x1 - x0, y1 - y0, fillColor=_WHITE, strokeColor=None, strokeWidth=0))
    course = sorted(symptom.severities, key=lambda point: point[0])
    for index, (day, severity) in enumerate(course):
        left = max(scale.x(day), x0)
        right = min(scale.x(course[index + 1][0]) if index + 1 < len(course) else x1, x1)
        if right > left:
            gray = _gray(_severity_gray(severity, style))
            group.add(Rect(left, y0, right - left, y1 - y0, fillColor=gray, strokeColor=None, strokeWidth=0))


# --- events ------------------------------------------------------------------------------------


def event_label_numbers(chart: TimelineChart) -> tuple[tuple[int, EventMarker], ...]:
    """The events in the order and with the numbers the chart prints beside their markers.

    Where the chart is crowded it prints the number alone; a caller lists these to explain them.
    """
    ordered = sorted(enumerate(chart.events), key=lambda pair: (pair[1].day, pair[0]))
    return tuple((number, event) for number, (_, event) in enumerate(ordered, start=1))


def _marker(kind: str, x: float, y: float, size: float) -> list[object]:
    half = size / 2
    solid = {"fillColor": _BLACK, "strokeColor": _BLACK, "strokeWidth": 0.5}
    hollow = {"fillColor": _WHITE, "strokeColor": _BLACK, "strokeWidth": 0.8}
    if kind == "diagnosis":
        return [Polygon([x, y - half * 1.2, x + half, y, x, y + half * 1.2, x - half, y], **solid)]
    if kind == "test":
        return [Polygon([x - half, y - half * 0.85, x + half, y - half * 0.85, x, y + half * 0.95], **hollow)]
    if kind == "hospitalization":
        return [Rect(x - half * 0.85, y - half * 0.85, half * 1.7, half * 1.7, **solid)]
    if kind == "visit":
        return [Circle(x, y, half * 0.85, **hollow)]
    cross = {"strokeColor": _BLACK, "strokeWidth": 0.9}
    reach = half * 0.7
    return [
        Line(x - reach, y - reach, x + reach, y + reach, **cross),
        Line(x - reach, y + reach, x + reach, y - reach, **cross),
    ]


def _draw_event_row(
    group: Group, chart: TimelineChart, scale: _TimeScale, lane: _Box, width: float, style: ChartStyle
) -> None:
    """Markers by kind on one line, numbered flags below them, the hidden-event note in the gutter."""
    size = style.label_size
    muted = _gray(style.muted_gray)
    group.add(_string(2, lane.y1 - size, "Events", BOLD, size))
    if chart.hidden_events > 0:
        note = f"+{chart.hidden_events} more events (not shown)"
        for number, line in enumerate(_wrap(note, ITALIC, size, lane.x0 - 6)[:2]):
            baseline = lane.y1 - size - (number + 1) * size * 1.18
            group.add(_string(2, baseline, line, ITALIC, size, fillColor=muted))
    marker_y = lane.y1 - style.marker_size / 2 - 1.5
    rule = {"strokeColor": _gray(style.rule_gray), "strokeWidth": style.hairline}
    group.add(Line(scale.left, marker_y, scale.right, marker_y, **rule))
    numbered = event_label_numbers(chart)
    for number, event in numbered:
        kind = event.kind if event.kind in _EVENT_KINDS else "other"
        for shape in _marker(kind, scale.x(event.day), marker_y, style.marker_size):
            group.add(shape)
    levels = _event_levels(lane, marker_y, style)
    flags = [_Flag(scale.x(event.day), str(number), event.label) for number, event in numbered]
    _FlagLayout(flags, levels, _Box(scale.left - 8, lane.y0, width, lane.y1), marker_y, style).place()
    stem_top = marker_y - style.marker_size / 2 - 0.4
    for flag in flags:
        if flag.box is None:
            continue
        group.add(Line(flag.x, flag.box.y0, flag.x, stem_top, strokeColor=muted, strokeWidth=0.4))
        text_width = flag.box.x1 - flag.box.x0 - 2.6
        left = flag.box.x0 + 1.3 if flag.box.x0 >= flag.x - 0.5 else flag.box.x1 - 1.3 - text_width
        group.add(_string(left, flag.baseline, flag.tag, BOLD, size))
        if flag.text:
            _note_cut(flag.label, flag.text)
            text_left = left + _width(flag.tag, BOLD, size) + 2.5
            group.add(_string(text_left, flag.baseline, flag.text, REGULAR, size))


def _event_levels(lane: _Box, marker_y: float, style: ChartStyle) -> list[float]:
    """Baselines of the label rows below the event markers, nearest first."""
    size = style.label_size
    first = marker_y - style.marker_size / 2 - 2.5 - 0.76 * size
    levels = [first - level * size * 1.2 for level in range(style.event_levels)]
    return [baseline for baseline in levels if baseline - 0.24 * size >= lane.y0 - 0.01] or levels[:1]


@dataclass
class _Flag:
    """An event's number and label hanging from its marker by a thin stem (a flag)."""

    x: float
    tag: str
    label: str
    text: str = ""
    baseline: float = 0.0
    box: _Box | None = None
    stem: _Box | None = None


class _FlagLayout:
    """Hangs each event's number and label from its marker by a stem, on rows below the markers.

    A stem may cross no label, so a flag on row r that covers later markers leaves them only the
    rows above r; a flag is *considerate* when it covers at most r later markers (none on the
    nearest row, where a covered marker would have no row at all).
    """

    def __init__(
        self, flags: list[_Flag], levels: list[float], area: _Box, marker_y: float, style: ChartStyle
    ) -> None:
        self.flags, self.levels, self.area, self.marker_y, self.style = flags, levels, area, marker_y, style
        self.xs = [flag.x for flag in flags]
        self.rows = range(len(levels))
        self.placer = _Placer()

    def place(self) -> None:
        """Labels where they fit; if that costs any event its number, numbers first instead."""
        self._place_labelled()
        if all(flag.box for flag in self.flags):
            return
        self.placer = _Placer()
        for flag in self.flags:
            flag.text, flag.box, flag.stem = "", None, None
        self._place_numbered()

    def _place_labelled(self) -> None:
        """Best first: the whole label, considerate (nearest row first); the label shortened to end
        before the next marker; the whole label on a deeper row (deepest first); the number."""
        for position, flag in enumerate(self.flags):
            label = _fit(flag.label, REGULAR, self.style.label_size, 110)
            if label and (
                any(self._attempt(position, label, row, True) for row in self.rows)
                or any(self._shortened(position, label, row, 0.6) for row in self.rows)
                or any(self._attempt(position, label, row, False) for row in reversed(self.rows))
                or any(self._shortened(position, label, row, 0) for row in self.rows)
            ):
                continue
            self._place_number(position)

    def _place_numbered(self) -> None:
        """Every number first, then each label shortened to the room left beside its number."""
        for position in range(len(self.flags)):
            self._place_number(position)
        for position, flag in enumerate(self.flags):
            if flag.box is None or flag.stem is None or not flag.label:
                continue
            kept = (flag.box, flag.stem)
            self.placer.boxes = [box for box in self.placer.boxes if all(box is not own for own in kept)]
            label = _fit(flag.label, REGULAR, self.style.label_size, 110)
            row = self.levels.index(flag.baseline)
            if not self._shortened(position, label, row, 0, considerate=False):
                self.placer.boxes += kept

    def _place_number(self, position: int) -> None:
        if not any(self._attempt(position, "", row, True) for row in self.rows):
            any(self._attempt(position, "", row, False) for row in reversed(self.rows))

    def _attempt(self, position: int, text: str, row: int, considerate: bool) -> bool:
        flag, baseline = self.flags[position], self.levels[row]
        box, stem = _flag_boxes(flag, text, baseline, self.area, self.marker_y, self.style)
        later = position + 1
        covered = bisect_right(self.xs, box.x1 + 1, lo=later) - later
        if covered > row and (considerate or row == 0):
            return False
        if not (box.inside(self.area) and self.placer.is_free(box) and self.placer.is_free(stem)):
            return False
        self.placer.add(box)
        self.placer.add(stem)
        flag.text, flag.baseline, flag.box, flag.stem = text, baseline, box, stem
        return True

    def _shortened(self, position: int, label: str, row: int, keep: float, considerate: bool = True) -> bool:
        """Place the label cut to the room on ``row`` (before the next marker when considerate),
        if at least ``keep`` of it and five characters remain."""
        size = self.style.label_size
        flag = self.flags[position]
        probe = _text_box(flag.x + 0.2, self.levels[row], 1, size)
        room = _free_width(self.placer, probe, self.area)
        if considerate and position + 1 < len(self.xs):
            room = min(room, self.xs[position + 1] - 1 - probe.x0)
        room -= _width(flag.tag, BOLD, size) + 5.1
        short = _fit(label, REGULAR, size, room) if room > 0 else ""
        return len(short) >= max(5, keep * len(label)) and self._attempt(position, short, row, considerate)


def _flag_boxes(
    flag: _Flag, text: str, baseline: float, area: _Box, marker_y: float, style: ChartStyle
) -> tuple[_Box, _Box]:
    """The label box (right of the stem, or left of it where the chart ends too soon) and the
    stem's box for a flag on the row at ``baseline``."""
    size = style.label_size
    width = _width(flag.tag, BOLD, size) + (2.5 + _width(text, REGULAR, size) if text else 0) + 2.6
    stem = _Box(flag.x - 0.5, baseline - 0.24 * size, flag.x + 0.5, marker_y - style.marker_size / 2)
    left = flag.x + 0.2 if flag.x + 0.2 + width <= area.x1 else flag.x - 0.2 - width
    return _text_box(left, baseline, width, size), stem


def _free_width(placer: _Placer, box: _Box, area: _Box) -> float:
    """How wide a label starting at ``box.x0`` on the row of ``box`` can grow."""
    limit = area.x1
    for other in placer.boxes:
        if other.y0 < box.y1 and box.y0 < other.y1 and other.x1 > box.x0 + 0.5:
            limit = min(limit, other.x0)
    return limit - box.x0


# --- key ---------------------------------------------------------------------------------------


def _key_groups(chart: TimelineChart) -> list[tuple[str, list[tuple[str, str]]]]:
    """The key's rows: a heading and (glyph, text) items; the glyph names what precedes the text."""
    symptoms: list[tuple[str, str]] = []
    if any(symptom.severities for symptom in chart.symptoms):
        symptoms += [("severity:0", "severity 0-3"), ("severity:5", "4-6"), ("severity:8", "7-10")]
        if any(not symptom.severities for symptom in chart.symptoms):
            symptoms.append(("severity:none", "not rated"))
    if any(symptom.end is None for symptom in chart.symptoms):
        symptoms.append(("arrow", "ongoing"))
    if any(symptom.approximate for symptom in chart.symptoms):
        symptoms.append(("tilde", "approximate onset"))
    kinds = {event.kind if event.kind in _EVENT_KINDS else "other" for event in chart.events}
    events = [(f"event:{kind}", _EVENT_NAMES[kind]) for kind in _EVENT_KINDS if kind in kinds]
    groups = [("Symptom key", symptoms), ("Event key", events)]
    return [(heading, items) for heading, items in groups if items]


_KeyLine = tuple[str, list[tuple[str, str, float]]]


def _key_lines(
    groups: list[tuple[str, list[tuple[str, str]]]], width: float, style: ChartStyle
) -> list[_KeyLine]:
    """Flow each group's items into lines of at most ``width``; a group starts a new line."""
    lines: list[_KeyLine] = []
    for heading, items in groups:
        lines.append((heading, []))
        used = 0.0
        for glyph, text in items:
            item_width = 10 + 2.5 + _width(text, REGULAR, style.label_size)
            gap = 4.0 if glyph.startswith("severity:") and glyph != "severity:0" else 12.0
            if lines[-1][1] and used + gap + item_width > width:
                lines.append(("", []))
                used = 0.0
            offset = used + gap if lines[-1][1] else 0.0
            lines[-1][1].append((glyph, text, offset))
            used = offset + item_width
    return lines


def _draw_key(group: Group, lines: list[_KeyLine], x: float, top: float, style: ChartStyle) -> float:
    size = style.label_size
    leading = size * 1.45
    for number, (heading, items) in enumerate(lines):
        baseline = top - size - number * leading
        center = baseline + 0.3 * size
        if heading:
            group.add(_string(2, baseline, heading, ITALIC, size, fillColor=_gray(style.muted_gray)))
        for glyph, text, offset in items:
            left = x + offset
            kind, _, detail = glyph.partition(":")
            if kind == "severity":
                fill = _WHITE if detail == "none" else _gray(_severity_gray(int(detail), style))
                group.add(Rect(left, center - 3, 10, 6, fillColor=fill, strokeColor=_BLACK, strokeWidth=0.5))
            elif kind == "arrow":
                group.add(Line(left, center, left + 6, center, strokeColor=_BLACK, strokeWidth=0.5))
                arrow = [left + 6, center - 3, left + 10, center, left + 6, center + 3]
                group.add(Polygon(arrow, fillColor=_BLACK, strokeColor=_BLACK, strokeWidth=0.3))
            elif kind == "tilde":
                group.add(_string(left + 5, baseline, "~", REGULAR, size, textAnchor="middle"))
            else:
                for shape in _marker(detail, left + 5, center, style.marker_size):
                    group.add(shape)
            group.add(_string(left + 12.5, baseline, text, REGULAR, size))
    return len(lines) * leading


# --- the whole chart ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Layout:
    axis: float
    dose: _Box
    others: _Box | None
    symptoms: _Box | None
    events: _Box | None
    key_top: float


def _layout(
    chart: TimelineChart, width: float, height: float, key_height: float, style: ChartStyle
) -> _Layout:
    """Split the height: axis, dose lane, other rows, symptoms, events, key. The dose lane takes
    what the symptoms leave at their preferred row height, at least ``dose_fraction`` of the
    height, or less down to ``dose_fraction_min`` where the symptom rows would be unreadable."""
    left, right = style.gutter, width - style.right_pad
    gap = style.lane_gap
    axis_y = height - style.axis_size - 8
    size = style.label_size
    event_height = 0.0
    if chart.events:
        levels = min(style.event_levels, max(len(chart.events), 1))
        event_height = style.marker_size + 4 + levels * size * 1.2
        if chart.hidden_events:
            event_height = max(event_height, 3.2 * size * 1.18)
    bottom = key_height + gap if key_height else 0.6 * size
    other_height = 0.0
    if chart.others:
        other_row = max(min(style.other_row, (0.22 * height) / len(chart.others)), style.other_row_min)
        other_height = other_row * len(chart.others)
    lanes = [event_height > 0, other_height > 0, bool(chart.symptoms)]
    rest = axis_y - 4 - bottom - event_height - other_height - gap * sum(lanes)
    symptom_height = 0.0
    if chart.symptoms:
        wanted = len(chart.symptoms) * style.symptom_row
        readable = len(chart.symptoms) * style.symptom_row_min
        dose_height = max(rest - wanted, style.dose_fraction * height)
        if rest - dose_height < readable:
            dose_height = max(rest - readable, style.dose_fraction_min * height)
        symptom_height = max(rest - dose_height, style.symptom_row_min)
        dose_height = rest - symptom_height
    else:
        dose_height = rest
    top = axis_y - 4
    dose = _Box(left, top - max(dose_height, 10), right, top)
    cursor = dose.y0 - gap
    others = symptoms = events = None
    if other_height:
        others = _Box(left, cursor - other_height, right, cursor)
        cursor = others.y0 - gap
    if chart.symptoms:
        symptoms = _Box(left, cursor - symptom_height, right, cursor)
        cursor = symptoms.y0 - gap
    if event_height:
        events = _Box(left, cursor - event_height, right, cursor)
        cursor = events.y0 - gap
    return _Layout(axis_y, dose, others, symptoms, events, key_height)


def draw_timeline_chart(
    chart: TimelineChart, width: float, height: float, style: ChartStyle = ChartStyle()
) -> Drawing:
    """Draw ``chart`` as a vector drawing ``width`` x ``height`` points, in black and grays."""
    return _drawn(chart, width, height, style)[0]


def chart_shortens(chart: TimelineChart, width: float, height: float, style: ChartStyle = ChartStyle()) -> bool:
    """Whether drawing ``chart`` at this size cuts any of its labels short (with a "…"), so
    that the page can say so. The drawing is kept for the renderer, so this costs nothing more."""
    return _drawn(chart, width, height, style)[1]


@lru_cache(maxsize=4)
def _drawn(chart: TimelineChart, width: float, height: float, style: ChartStyle) -> tuple[Drawing, bool]:
    cut: list[str] = []
    token = _CUT.set(cut)
    try:
        drawing = _draw(chart, width, height, style)
    finally:
        _CUT.reset(token)
    return drawing, bool(cut)


def _draw(chart: TimelineChart, width: float, height: float, style: ChartStyle) -> Drawing:
    register_fonts()
    size = style.label_size
    key = _key_lines(_key_groups(chart), width - style.gutter - style.right_pad, style)
    notes = [line for note in chart.notes for line in _wrap(note, ITALIC, size, width - 4)]
    key_height = len(key) * size * 1.45 + len(notes) * size * 1.2 + (0.3 * size if notes else 0)
    layout = _layout(chart, width, height, key_height, style)
    end = max(chart.end, chart.start)
    scale = _TimeScale(chart.start, end, style.gutter, width - style.right_pad)
    drawing = Drawing(width, height)
    drawing.initialFontName = fonts.REGULAR  # the renderer's default is an unembedded Helvetica
    group = Group()
    lanes = [box for box in (layout.dose, layout.others, layout.symptoms, layout.events) if box]
    _draw_time_axis(group, scale, layout.axis, lanes[-1].y0, width, style)
    for upper, lower in zip(lanes, lanes[1:], strict=False):
        y = (upper.y0 + lower.y1) / 2
        group.add(Line(0, y, width, y, strokeColor=_gray(style.rule_gray), strokeWidth=style.hairline))
    placer = _Placer()
    _draw_dose_lane(group, chart, scale, layout.dose, style, placer)
    if layout.others:
        _draw_other_rows(group, chart.others, scale, layout.others, style, placer)
    if layout.symptoms:
        _draw_symptom_rows(group, chart.symptoms, scale, layout.symptoms, style)
    if layout.events:
        _draw_event_row(group, chart, scale, layout.events, width, style)
    key_top = layout.key_top
    used = _draw_key(group, key, style.gutter, key_top, style) if key else 0.0
    for number, line in enumerate(notes):
        group.add(_string(2, key_top - used - size - number * size * 1.2, line, ITALIC, size))
    drawing.add(group)
    return drawing


def chart_png(drawing: Drawing, dpi: int = 200) -> bytes:
    """Rasterize ``drawing`` to grayscale PNG bytes (via an in-memory PDF and pdfium)."""
    import pypdfium2

    pdf_bytes = renderPDF.drawToString(drawing, invariant=1)
    document = pypdfium2.PdfDocument(pdf_bytes)
    try:
        page = document[0]
        try:
            bitmap = page.render(scale=dpi / 72, grayscale=True)
            image = bitmap.to_pil().convert("L")
        finally:
            page.close()
    finally:
        document.close()
    output = io.BytesIO()
    image.save(output, format="PNG", dpi=(dpi, dpi))
    return output.getvalue()
