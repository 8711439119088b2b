"""Step lines: a series of (date, value) points as a staircase in drawing coordinates, held in
``_Steps``, which also answers whether a label's box would touch the line."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from docgen.render.chart.layout import _Box
from docgen.render.chart.scale import _TimeScale


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
