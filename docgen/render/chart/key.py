"""The key at the foot of the chart: which severity grays, symptom marks and event kinds this chart
uses, flowed into lines that fit its width, and drawn with a sample of each."""

from __future__ import annotations

from reportlab.graphics.shapes import Group, Line, Polygon, Rect

from docgen.markup.figures import TimelineChart
from docgen.render.chart.events import _EVENT_KINDS, _marker
from docgen.render.chart.style import _BLACK, _WHITE, ChartStyle, _gray, _severity_gray
from docgen.render.chart.text import _string, _width
from docgen.render.fonts import ITALIC, REGULAR

_EVENT_NAMES = {
    "diagnosis": "diagnosis",
    "test": "test",
    "hospitalization": "hospital stay",
    "visit": "visit",
    "other": "other",
}


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
