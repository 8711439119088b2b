"""The event row, drawn: a marker for each event by its kind on one line, and below it each event's
number and label on a flag (where the flags go is worked out in ``flags``), with a note of the
events left out. ``event_label_numbers`` gives the numbers, for a page that explains them."""

from __future__ import annotations

from reportlab.graphics.shapes import Circle, Group, Line, Polygon, Rect

from docgen.markup.figures import EventMarker, TimelineChart
from docgen.render.chart.flags import _event_levels, _Flag, _FlagLayout
from docgen.render.chart.layout import _Box, _Placer
from docgen.render.chart.scale import _TimeScale
from docgen.render.chart.style import _BLACK, _WHITE, ChartStyle, _gray
from docgen.render.chart.text import _note_cut, _string, _text_box, _width, _wrap
from docgen.render.fonts import BOLD, ITALIC, REGULAR

_EVENT_KINDS = ("diagnosis", "test", "hospitalization", "visit", "other")


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
    size_marker = style.marker_size
    stagger = len(chart.events) > 1
    marker_y = lane.y1 - size_marker / 2 - 1.5 - (size_marker + 1.5 if stagger else 0.0)
    rule = {"strokeColor": _gray(style.rule_gray), "strokeWidth": style.hairline}
    group.add(Line(scale.left, marker_y, scale.right, marker_y, **rule))
    tick = {"strokeColor": _BLACK, "strokeWidth": 0.8}
    for _kind, days in chart.summarised:
        for day in days:
            x = scale.x(day)
            group.add(Line(x, marker_y - size_marker * 0.45, x, marker_y + size_marker * 0.45, **tick))
    numbered = event_label_numbers(chart)
    last = [-1e9, -1e9]  # the x of the last marker on each row
    spots: list[tuple[float, float]] = []  # where each marker is drawn
    for number, event in numbered:
        kind = event.kind if event.kind in _EVENT_KINDS else "other"
        x = scale.x(event.day)
        # a marker that would touch the one before it goes on the row above, where that is free
        row = 1 if stagger and x - last[0] < size_marker * 1.15 and x - last[1] >= size_marker * 1.15 else 0
        last[row] = x
        y = marker_y + row * (size_marker + 1.5)
        spots.append((x, y))
        if row:
            group.add(Line(x, marker_y, x, y - size_marker / 2, strokeColor=_BLACK, strokeWidth=0.4))
        for shape in _marker(kind, x, y, size_marker):
            group.add(shape)
    levels = _event_levels(lane, marker_y, style)
    flags = [_Flag(scale.x(event.day), str(number), event.label) for number, event in numbered]
    reserved = [_Box(x0, lane.y0, x1, lane.y1) for x0, x1 in scale.break_spans]
    layout = _FlagLayout(flags, levels, _Box(scale.left - 8, lane.y0, width, lane.y1), marker_y, style, reserved)
    layout.place()
    # a number set beside its marker covers no marker and no marker's stem
    half = size_marker / 2
    for x, y in spots:
        layout.placer.add(_Box(x - half - 0.3, y - half * 1.2 - 0.3, x + half + 0.3, y + half * 1.2 + 0.3))
        if y > marker_y:
            layout.placer.add(_Box(x - 0.3, marker_y, x + 0.3, y))
    stem_top = marker_y - style.marker_size / 2 - 0.4
    for flag, (x, y) in zip(flags, spots, strict=True):
        if flag.box is None:
            # no row had room for its flag: the number goes beside its marker, never left out
            # (the upper row of markers reaches the top of the lane: a number level with it may reach into
            # the gap above)
            room = _Box(0, lane.y0, width, lane.y1 + style.lane_gap / 2)
            _draw_number_beside(group, flag.tag, x, y, layout.placer, room, style)
            continue
        group.add(Line(flag.x, flag.box.y0, flag.x, stem_top, strokeColor=muted, strokeWidth=0.4))
        text_width = flag.box.x1 - flag.box.x0 - 2.6
        left = flag.box.x0 + 1.3 if flag.box.x0 >= flag.x - 0.5 else flag.box.x1 - 1.3 - text_width
        group.add(_string(left, flag.baseline, flag.tag, BOLD, size))
        if flag.text:
            _note_cut(flag.label, flag.text)
            text_left = left + _width(flag.tag, BOLD, size) + 2.5
            group.add(_string(text_left, flag.baseline, flag.text, REGULAR, size))


def _draw_number_beside(
    group: Group, tag: str, x: float, y: float, placer: _Placer, area: _Box, style: ChartStyle
) -> None:
    """An event's number beside its marker at (x, y): right of it, left of it, above or below it,
    then a little further out, where it covers nothing; right of it if nowhere is free."""
    size, half = style.label_size, style.marker_size / 2
    width = _width(tag, BOLD, size)
    middle = y - 0.35 * size
    spots = []
    for gap in (1.0, 2.5, half + 1.5):
        for shift in (0.0, 1.5, -1.5):  # level with the marker, or a little higher or lower
            spots += [(x + half + gap, middle + shift), (x - half - gap - width, middle + shift)]
        spots += [(x - width / 2, y + half * 1.2 + gap - 0.5 + 0.24 * size),
                  (x - width / 2, y - half * 1.2 - gap + 0.5 - 0.76 * size)]
    boxes = [(left, baseline, _text_box(left, baseline, width, size)) for left, baseline in spots]
    left, baseline, box = next((spot for spot in boxes if spot[2].inside(area) and placer.is_free(spot[2])), boxes[0])
    placer.add(box)
    group.add(_string(left, baseline, tag, BOLD, size))
