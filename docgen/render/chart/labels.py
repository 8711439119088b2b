"""Where the dose labels go: each beside the level it names, worked out before it is drawn.

A label names the drug's own dose at one level of its step line (from the day of that step to the
next). It stands above or below that level within the level's x-range, or, where the level is
too short for it (a weekly step of a crossover, a stretch behind the axis break), right beside
one of its ends; it is never nearer to another level than to its own, so that it cannot be read
as another dose's. A label the chart must show (the current, lowest and highest dose, or a dose
no other label states) that has no room there moves to the nearest free spot, where a thin leader
ties it to its level, or, where there is none, it crosses a line beside its level. A label that
repeats a dose already shown is left out where it has no room. No label ever covers another
label or a marker.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date

from reportlab.graphics.shapes import Group, Line

from docgen.markup.figures import DoseSeries
from docgen.render.chart.layout import _Box, _Placer
from docgen.render.chart.steps import _Steps
from docgen.render.chart.style import _BLACK, ChartStyle
from docgen.render.chart.text import _string, _text_box, _width
from docgen.render.fonts import REGULAR

#: How many of a level's spots for a label lie above or below it, within its x-range.
_WITHIN = 10
#: The gap between a label and the level it names (points).
_GAP = 1.5
#: How far from its level a label may stand, as a share of its type size.
_TOUCH = 0.6
#: How much nearer another level may be than its own before a label would be read as that one's
#: (points): not at all; equally near is allowed (two drugs at the same level).
_TIE = 0.0
#: The rows above and below a level, and the points to either side, searched for a label tied to
#: it by a leader.
_LEADER_ROWS = 5
_LEADER_REACH = 60


@dataclass(frozen=True)
class _Level:
    """One level of a step line: ``y`` from ``x0`` to ``x1``."""

    series: int
    index: int
    x0: float
    x1: float
    y: float
    value: float

    def distance(self, box: _Box) -> float:
        dx = max(box.x0 - self.x1, self.x0 - box.x1, 0.0)
        dy = max(box.y0 - self.y, self.y - box.y1, 0.0)
        return math.hypot(dx, dy)


def _levels(series: int, steps: _Steps) -> list[_Level]:
    ends = [*steps.xs[1:], steps.x_end]
    return [_Level(series, index, x0, max(x1, x0), y, value)
            for index, (x0, x1, y, value) in enumerate(zip(steps.xs, ends, steps.ys, steps.values, strict=True))]


class _DoseLabels:
    """Places the dose labels of the drawn series, most needed first."""

    def __init__(
        self,
        group: Group,
        drawn: Sequence[tuple[int, DoseSeries, _Steps]],
        lines: Sequence[_Steps],
        area: _Box,
        style: ChartStyle,
        placer: _Placer,
        breaks: Sequence[tuple[float, float]] = (),
    ) -> None:
        self.group, self.lines, self.area, self.style, self.placer = group, lines, area, style, placer
        self.breaks = breaks  # the x-ranges of the axis's breaks
        self.size = style.label_size
        self.series = [(item, steps) for _, item, steps in drawn]
        self.levels = [_levels(number, steps) for number, (_, steps) in enumerate(self.series)]
        self.shown: set[tuple[int, str]] = set()  # (series, text) of each label drawn
        self.taken: set[tuple[int, int]] = set()  # (series, level) of each label drawn

    def place_required(self) -> None:
        """The current, lowest and highest dose of each series, then every dose that no other
        label of its series states: each where it touches its level, over a line if it must, or
        tied to it by a leader."""
        self._place_all([(number, day, text) for number, (item, _) in enumerate(self.series)
                         for day, text in item.key_labels])
        groups: dict[tuple[int, str], list[date]] = {}
        for number, (item, _) in enumerate(self.series):
            for day, text in sorted(item.labels):
                groups.setdefault((number, text), []).append(day)
        unshown = [(number, days, text) for (number, text), days in groups.items() if (number, text) not in self.shown]
        self._place_all([(number, days[0], text) for number, days, text in unshown if len(days) == 1])
        for number, days, text in (label for label in unshown if len(label[1]) > 1):
            # a dose given at several steps: where one of them has room, else at the longest
            if not any(self._place(number, day, text, required=False) for day in days):
                longest = max(days, key=lambda day: self._room((number, day, text)))
                self._place(number, longest, text, required=True)

    def _place_all(self, labels: list[tuple[int, date, str]]) -> None:
        """Labels that must be shown: first each within its level's x-range where that is free of
        lines, in date order; then the rest, the shortest levels first (they have least choice)."""
        left = [label for label in sorted(labels, key=lambda label: label[1])
                if not self._place(*label, required=False, within=True)]
        for number, day, text in sorted(left, key=self._room):
            self._place(number, day, text, required=True)

    def _room(self, label: tuple[int, date, str]) -> tuple[float, date]:
        number, day, _ = label
        index = self.series[number][1].index_at(day)
        level = self.levels[number][index] if index is not None else None
        return (level.x1 - level.x0 if level else -math.inf), day

    def place_optional(self) -> None:
        """The labels that repeat a dose already shown: only where they touch no line."""
        for number, (item, _) in enumerate(self.series):
            keys = set(item.key_labels)
            for day, text in sorted(item.labels):
                if (day, text) not in keys:
                    self._place(number, day, text, required=False)

    def _place(self, number: int, day: date, text: str, *, required: bool, within: bool = False) -> bool:
        _, steps = self.series[number]
        index = steps.index_at(day)
        if index is None:
            return False
        if (number, index) in self.taken:
            return True
        level = self.levels[number][index]
        width = _width(text, REGULAR, self.size)
        spots = list(self._iter_spots(level, width))[: _WITHIN if within else None]
        if self._place_at(number, level, text, spots, over_lines=False):
            return True
        # a label that must be shown: tied to its level by a leader, else over a line beside it
        return required and (self._place_with_leader(number, level, text, width)
                             or self._place_at(number, level, text, spots, over_lines=True))

    def _place_at(self, number: int, level: _Level, text: str, spots: list[tuple[float, float, _Box]], *,
                  over_lines: bool) -> bool:
        for x, baseline, box in spots:
            if self._fits(box, level, text, over_lines=over_lines):
                self._draw(number, level.index, text, x, baseline, box)
                return True
        return False

    def _draw(self, number: int, index: int, text: str, x: float, baseline: float, box: _Box) -> None:
        self.placer.add(box)
        self.shown.add((number, text))
        self.taken.add((number, index))
        self.group.add(_string(x, baseline, text, REGULAR, self.size))

    def _iter_spots(self, level: _Level, width: float) -> Iterator[tuple[float, float, _Box]]:
        """Above or below the level within its x-range (from its start, to its end, centred),
        then beside its ends (level with it, or just above or below)."""
        size, area = self.size, self.area
        above = level.y + _GAP + 0.24 * size
        below = level.y - _GAP - 0.76 * size
        middle = level.y - 0.26 * size
        inside = [level.x0 + 2, level.x1 - 2 - width, (level.x0 + level.x1 - width) / 2,
                  level.x0 + 0.5, level.x1 - 0.5 - width]
        reach = _TOUCH * size - 0.6  # beside an end, as far off as still touches it
        gaps = [_GAP, (_GAP + reach) / 2, reach]
        beside = [level.x1 + gap for gap in gaps] + [level.x0 - gap - width for gap in gaps]
        candidates = [(x, baseline) for baseline in (above, below) for x in inside]  # _WITHIN of them
        levelled = (middle, middle + 1.5, middle - 1.5, above, below)
        candidates += [(x, baseline) for x in beside for baseline in levelled]
        for x, baseline in candidates:
            x = min(max(x, area.x0 + 1), area.x1 - width - 1)
            yield x, baseline, _text_box(x - 0.5, baseline, width + 1, size)

    def _fits(self, box: _Box, level: _Level, text: str, *, over_lines: bool) -> bool:
        if not box.inside(self.area) or not self.placer.is_free(box):
            return False
        own = level.distance(box)
        if own > _TOUCH * self.size:
            return False
        if not over_lines and any(line.hits(box) for line in self.lines):
            return False
        return not any(other.distance(box) < own - _TIE for other in self._nearby(box, own)
                       if other is not level and not self._same_dose(other, level))

    def _same_dose(self, other: _Level, level: _Level) -> bool:
        return other.series == level.series and other.value == level.value

    def _nearby(self, box: _Box, reach: float) -> Iterator[_Level]:
        """The levels whose x-range comes within ``reach`` of the box."""
        for levels in self.levels:
            starts = [item.x0 for item in levels]
            first = max(bisect_left(starts, box.x0 - reach) - 1, 0)
            for item in levels[first:]:
                if item.x0 > box.x1 + reach:
                    break
                yield item

    def _place_with_leader(self, number: int, level: _Level, text: str, width: float) -> bool:
        """The nearest free spot clear of every line, a few rows above or below the level, tied
        to the level's middle by a thin leader."""
        size, area = self.size, self.area
        anchor_x = (level.x0 + level.x1) / 2
        row = size + 1.5
        spots = []
        for step in range(-4 * _LEADER_ROWS, 4 * _LEADER_ROWS + 1):  # by quarter rows
            baseline = level.y - 0.26 * size + step * row / 4
            for shift in range(0, _LEADER_REACH, 2):
                for x in (anchor_x + 2 + shift, anchor_x - 2 - width - shift):
                    x = min(max(x, area.x0 + 1), area.x1 - width - 1)
                    spots.append((x, baseline, _text_box(x - 0.5, baseline, width + 1, size)))
        spots.sort(key=lambda spot: _Level(0, 0, anchor_x, anchor_x, level.y, 0).distance(spot[2]))
        for x, baseline, box in spots:
            end_x = min(max(anchor_x, box.x0), box.x1)
            if any(min(anchor_x, end_x) < right and left < max(anchor_x, end_x) for left, right in self.breaks):
                continue  # a leader never crosses the axis break
            if box.inside(area) and self.placer.is_free(box) and not any(line.hits(box) for line in self.lines):
                end_y = box.y0 if box.y0 > level.y else box.y1
                self.group.add(Line(anchor_x, level.y, end_x, end_y, strokeColor=_BLACK, strokeWidth=0.4))
                self._draw(number, level.index, text, x, baseline, box)
                return True
        return False
