"""Where the event flags go, worked out without drawing: the label rows below the event markers,
and ``_FlagLayout``, which hangs each event's number and label from its marker so that no stem
crosses a label, shortening labels or keeping to the numbers where the row is crowded."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from docgen.render.chart.layout import _Box, _Placer
from docgen.render.chart.style import ChartStyle
from docgen.render.chart.text import _fit, _text_box, _width
from docgen.render.fonts import BOLD, REGULAR


def _event_levels(lane: _Box, marker_y: float, style: ChartStyle) -> list[float]:
    """Baselines of the label rows below the event markers, nearest first."""
    size = style.label_size
    first = marker_y - style.marker_size / 2 - 2.5 - 0.76 * size
    levels = [first - level * size * 1.2 for level in range(_MOST_ROWS)]
    return [baseline for baseline in levels if baseline - 0.24 * size >= lane.y0 - 0.01] or levels[:1]


#: The most label rows below the markers (the lane's height decides how many there are).
_MOST_ROWS = 6
#: The widest a flag's label grows (points); a longer one is cut, its full text in the page's list.
_LONGEST = 260.0


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
        self, flags: list[_Flag], levels: list[float], area: _Box, marker_y: float, style: ChartStyle,
        reserved: list[_Box] | None = None,
    ) -> None:
        self.flags, self.levels, self.area, self.marker_y, self.style = flags, levels, area, marker_y, style
        self.xs = [flag.x for flag in flags]
        self.rows = range(len(levels))
        self.reserved = list(reserved or [])
        self.placer = self._fresh_placer()

    def _fresh_placer(self) -> _Placer:
        """A placer holding only the boxes no label may cover (the gap of a broken axis)."""
        placer = _Placer()
        placer.boxes = list(self.reserved)
        return placer

    def place(self) -> None:
        """Labels where they fit; if that costs any event its number, numbers first instead."""
        self._place_labelled()
        if all(flag.box for flag in self.flags):
            return
        self.placer = self._fresh_placer()
        for flag in self.flags:
            flag.text, flag.box, flag.stem = "", None, None
        self._place_numbered()

    def _place_labelled(self) -> None:
        """Best first: the whole label, considerate (nearest row first); the label shortened to end
        before the next marker; the whole label on a deeper row (deepest first); the number."""
        for position, flag in enumerate(self.flags):
            label = _fit(flag.label, REGULAR, self.style.label_size, _LONGEST)
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
            label = _fit(flag.label, REGULAR, self.style.label_size, _LONGEST)
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
