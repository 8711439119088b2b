"""The key at the foot of the chart: which severity grays, symptom marks and event kinds this chart
uses, flowed into lines that fit its width, and drawn with a sample of each."""

from __future__ import annotations

from reportlab.graphics.shapes import Group, Line, Polygon, Rect

from docgen.markup.figures import TimelineChart
from docgen.render.chart.doses import _breach_mark, _series_look, _total_look
from docgen.render.chart.events import _EVENT_KINDS, _marker
from docgen.render.chart.style import _BLACK, _WHITE, ChartStyle, _gray, _severity_class
from docgen.render.chart.symptoms import _draw_hatch
from docgen.render.chart.text import _note_swatch
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
        if any(not symptom.severities or any(severity is None for _, severity in symptom.severities)
               for symptom in chart.symptoms):
            symptoms.append(("severity:none", "not rated"))
    if any(symptom.end is None for symptom in chart.symptoms):
        symptoms.append(("arrow", "ongoing"))
    if any(symptom.approximate for symptom in chart.symptoms):
        symptoms.append(("tilde", "approximate onset"))
    kinds = {event.kind if event.kind in _EVENT_KINDS else "other" for event in chart.events}
    events = [(f"event:{kind}", _EVENT_NAMES[kind]) for kind in _EVENT_KINDS if kind in kinds]
    if chart.summarised:
        events.append(("rug", "event listed by kind, without a number"))
    doses = [(f"series:{index}", item.label) for index, item in enumerate(item for item in chart.doses if item.points)]
    if chart.total:
        doses.append(("series:total", "total, diazepam-equivalent"))
    if any(item.beyond_guideline for item in chart.doses):
        doses.append(("breach", "reduction beyond the guideline's 25% in 2 weeks"))
    groups = [("Dose key", doses if len(doses) > 1 else []), ("Symptom key", symptoms), ("Event key", events)]
    return [(heading, items) for heading, items in groups if items]


_KeyLine = tuple[str, list[tuple[str, str, float]]]


def _key_lines(
    groups: list[tuple[str, list[tuple[str, str]]]], width: float, style: ChartStyle
) -> list[_KeyLine]:
    """Flow each group's items into lines of at most ``width``; a group starts a new line."""
    lines: list[_KeyLine] = []
    used = 0.0
    for heading, items in groups:
        first_width = sum(10 + 2.5 + 12 + _width(text, REGULAR, style.label_size) for _glyph, text in items)
        heading_width = _width(heading, ITALIC, style.label_size)
        if lines and used + 16 + heading_width + 4 + first_width <= width:
            # the group follows on the same line, its heading written inline
            offset = used + 16
            lines[-1][1].append(("heading", heading, offset))
            used = offset + heading_width - 8.0
        else:
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
            if kind == "heading":
                group.add(_string(left, baseline, text, ITALIC, size, fillColor=_gray(style.muted_gray)))
                continue
            if kind == "severity":
                half = style.bar_height / 2
                group.add(Rect(left, center - half, 10, 2 * half, fillColor=_WHITE, strokeColor=None, strokeWidth=0))
                if detail != "none":
                    _draw_hatch(group, left, center - half, left + 10, center + half, _severity_class(int(detail)))
                group.add(Rect(left, center - half, 10, 2 * half, fillColor=None, strokeColor=_BLACK, strokeWidth=0.5))
                _note_swatch(glyph, left, center - half, left + 10, center + half)
            elif kind == "arrow":
                group.add(Line(left, center, left + 6, center, strokeColor=_BLACK, strokeWidth=0.5))
                arrow = [left + 6, center - 3, left + 10, center, left + 6, center + 3]
                group.add(Polygon(arrow, fillColor=_BLACK, strokeColor=_BLACK, strokeWidth=0.3))
            elif kind == "series":
                look = _total_look(style) if detail == "total" else _series_look(int(detail), style)
                group.add(Line(left, center, left + 10, center, **look))
                _note_swatch(glyph, left, center - 2, left + 10, center + 2)
            elif kind == "breach":
                for shape in _breach_mark(left + 5, center - 2.5, style):
                    group.add(shape)
            elif kind == "rug":
                group.add(Line(left + 5, center - 3, left + 5, center + 3, strokeColor=_BLACK, strokeWidth=0.8))
            elif kind == "tilde":
                group.add(_string(left + 5, baseline, "~", REGULAR, size, textAnchor="middle"))
            else:
                for shape in _marker(detail, left + 5, center, style.marker_size):
                    group.add(shape)
            group.add(_string(left + 12.5, baseline, text, REGULAR, size))
    return len(lines) * leading
