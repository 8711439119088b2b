"""The samples' charts, read back from the drawing as the page prints it: each dose label stands
at the level of the step line whose dose it names (or is tied to it by a leader), none covers
another label or a marker, and every dose that no other label states is shown; a lane of symptoms
grouped by kind follows its members' courses; no event's number is hidden under a marker."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from functools import cache

import pytest
from conftest import SAMPLES, TODAY
from reportlab.graphics.shapes import (
    Circle,
    Drawing,
    Group,
    Line,
    Path,
    Polygon,
    PolyLine,
    Rect,
    String,
)
from reportlab.lib.colors import black
from reportlab.pdfbase.pdfmetrics import stringWidth

from docgen.case.loading import load_case
from docgen.documents import document_kind
from docgen.markup import blocks
from docgen.markup.figures import DoseSeries, TimelineChart
from docgen.options import Options
from docgen.pipeline import fitted_document
from docgen.render.chart import ChartStyle, draw_timeline_chart
from docgen.render.chart.style import SEVERITY_HATCHES
from docgen.render.styles import StyleSheet

NAMES = [path.stem for path in SAMPLES]
_DOSE = re.compile(r"^\d[\d.,]* mg$")


@dataclass(frozen=True)
class Level:
    series: int
    x0: float
    x1: float
    y: float
    text: str | None  # the dose label the chart data gives this level, if any

    def distance(self, box: tuple[float, float, float, float]) -> float:
        dx = max(box[0] - self.x1, self.x0 - box[2], 0.0)
        dy = max(box[1] - self.y, self.y - box[3], 0.0)
        return math.hypot(dx, dy)


def _walk(node: Drawing | Group) -> Iterator[object]:
    for child in node.contents:
        yield child
        if isinstance(child, Group):
            yield from _walk(child)


@cache
def printed(name: str) -> tuple[TimelineChart, Drawing, ChartStyle]:
    """The sample's chart at the level, size and style its page prints it."""
    case = load_case(next(path for path in SAMPLES if path.stem == name))
    document = fitted_document(case, document_kind("timeline"), Options(today=TODAY))[0]
    figure = next(block for block in document.blocks if isinstance(block, blocks.Figure))
    sheet = StyleSheet(body=document.size, page=document.page_size, landscape=document.landscape)
    style = ChartStyle.for_text(sheet.size("table"))
    assert isinstance(figure.figure, TimelineChart)
    return figure.figure, draw_timeline_chart(figure.figure, sheet.frame_width, figure.height * 72, style), style


def _kept(item: DoseSeries) -> list[tuple[date, float]]:
    """The series' levels as the chart draws them: repeated values merged, none after ``until``."""
    ordered = sorted(item.points)
    kept = [point for point in ordered if point[0] <= item.until] or ordered[:1]
    levels: list[tuple[date, float]] = []
    for day, value in kept:
        if levels and value == levels[-1][1]:
            continue
        if levels and levels[-1][0] == day:
            levels[-1] = (day, value)
            continue
        levels.append((day, value))
    return levels


def levels(chart: TimelineChart, drawing: Drawing, style: ChartStyle) -> tuple[list[Level], float]:
    """Every level of every dose series, read from its drawn line (told apart by line width),
    and the foot of the dose lane."""
    lines = [shape for shape in _walk(drawing) if isinstance(shape, PolyLine) and shape.fillColor is None]
    found = []
    base = 0.0
    for number, item in enumerate(chart.doses):
        width = style.dose_widths[number % len(style.dose_widths)]
        (line,) = [shape for shape in lines if abs(shape.strokeWidth - width) < 1e-6]
        points = list(zip(line.points[::2], line.points[1::2], strict=True))
        base = points[0][1]
        kept = _kept(item)
        texts = dict(item.labels)
        for index, (day, _) in enumerate(kept):
            (x0, y), (x1, _) = points[2 * index + 1], points[2 * index + 2]
            following = kept[index + 1][0] if index + 1 < len(kept) else date.max
            text = next((text for when, text in sorted(texts.items()) if day <= when < following), None)
            found.append(Level(number, x0, x1, y, text))
    return found, base


def dose_labels(drawing: Drawing, base: float) -> list[tuple[str, tuple[float, float, float, float]]]:
    boxes = []
    for shape in _walk(drawing):
        if isinstance(shape, String) and _DOSE.match(shape.text):
            width = stringWidth(shape.text, shape.fontName, shape.fontSize)
            box = (shape.x, shape.y - 0.24 * shape.fontSize, shape.x + width, shape.y + 0.76 * shape.fontSize)
            if box[1] >= base - 0.5:  # the dose lane, not the other medications' rows below it
                boxes.append((shape.text, box))
    return boxes


def _leaders(drawing: Drawing) -> list[Line]:
    return [shape for shape in _walk(drawing) if isinstance(shape, Line)]


def _touches(point: tuple[float, float], box: tuple[float, float, float, float]) -> bool:
    x, y = point
    return box[0] - 0.6 <= x <= box[2] + 0.6 and box[1] - 0.6 <= y <= box[3] + 0.6


@pytest.mark.parametrize("name", NAMES)
def test_every_dose_label_stands_at_the_level_it_names(name: str) -> None:
    chart, drawing, style = printed(name)
    found, base = levels(chart, drawing, style)
    for text, box in dose_labels(drawing, base):
        own = [level for level in found if level.text == text]
        assert own, text
        nearest = min(own, key=lambda level: level.distance(box))
        distance = nearest.distance(box)
        if distance <= 0.6 * style.label_size + 0.01:
            # no level of another dose is nearer: the label cannot be read as that one's
            for other in found:
                if other.text != text and (other.series != nearest.series or other.y != nearest.y):
                    assert other.distance(box) >= distance - 0.5, (name, text, box, other)
            continue
        # else a leader ties it to its level
        tied = any(
            any(level.x0 - 0.01 <= line.x1 <= level.x1 + 0.01 and abs(line.y1 - level.y) < 0.01 for level in own)
            and _touches((line.x2, line.y2), box)
            for line in _leaders(drawing)
        )
        assert tied, (name, text, box, [(round(level.x0, 1), round(level.x1, 1), round(level.y, 1)) for level in own])


@pytest.mark.parametrize("name", NAMES)
def test_dose_labels_cover_no_other_label_and_no_marker(name: str) -> None:
    chart, drawing, style = printed(name)
    _, base = levels(chart, drawing, style)
    labels = dose_labels(drawing, base)
    strings = [shape for shape in _walk(drawing) if isinstance(shape, String)]
    for text, box in labels:
        for other in strings:
            width = stringWidth(other.text, other.fontName, other.fontSize)
            x0 = other.x - {"start": 0.0, "middle": width / 2, "end": width}[other.textAnchor]
            theirs = (x0, other.y - 0.24 * other.fontSize, x0 + width, other.y + 0.76 * other.fontSize)
            if theirs == box:
                continue
            assert not (box[0] < theirs[2] - 0.3 and theirs[0] < box[2] - 0.3
                        and box[1] < theirs[3] - 0.3 and theirs[1] < box[3] - 0.3), (name, text, other.text)
        for marker in (shape for shape in _walk(drawing) if isinstance(shape, Polygon)):
            xs, ys = marker.points[::2], marker.points[1::2]
            if len(xs) != 3:  # the guideline's triangles
                continue
            assert not (box[0] < max(xs) and min(xs) < box[2] and box[1] < max(ys) and min(ys) < box[3]), (
                name, text)


@pytest.mark.parametrize("name", NAMES)
def test_every_dose_no_other_label_states_is_shown(name: str) -> None:
    """The current, lowest and highest dose of each drug, and each dose given only once, are
    labelled; a label that repeats a dose may be left out."""
    chart, drawing, style = printed(name)
    _, base = levels(chart, drawing, style)
    shown = [text for text, _ in dose_labels(drawing, base)]
    for item in chart.doses:
        wanted = {text for _, text in item.key_labels} | {text for _, text in item.labels}
        for text in wanted:
            assert text in shown, (name, item.label, text)


def test_the_crossover_labels_each_dose_once_apart() -> None:
    """taper-with-therapist: four weekly steps of alprazolam down and diazepam up, in 3 weeks."""
    chart, drawing, style = printed("taper-with-therapist")
    _, base = levels(chart, drawing, style)
    shown = [text for text, _ in dose_labels(drawing, base)]
    for text in ("3 mg", "0 mg", "10 mg", "20 mg", "30 mg", "40 mg", "13 mg", "4 mg"):
        assert text in shown, text


# -- symptoms grouped by kind ------------------------------------------------------------------


def _fill_at_end(drawing: Drawing, label: str) -> str:
    """The severity class ("0-3", "4-6", "7-10") of the fill that reaches furthest right in the
    row of the symptom bar named ``label``."""
    row = next(shape for shape in _walk(drawing) if isinstance(shape, String) and shape.text == label)
    middle = row.y + 0.3 * row.fontSize
    fills: list[tuple[float, str]] = []
    for shape in _walk(drawing):
        if isinstance(shape, Rect) and shape.fillColor == black and shape.strokeColor is None:
            if shape.y <= middle <= shape.y + shape.height:
                fills.append((shape.x + shape.width, "7-10"))
        elif isinstance(shape, Path) and shape.points:
            x0, y0, x1, y1 = shape.getBounds()
            if y0 <= middle <= y1 and x0 > row.x + 20:
                spacing, _ = next(hatch for hatch in SEVERITY_HATCHES if abs(hatch[1] - shape.strokeWidth) < 1e-6)
                fills.append((x1, "0-3" if spacing > 3 else "4-6"))
    return max(fills)[1]


@pytest.mark.parametrize(
    ("label", "now"),
    [
        ("sleep (1)", "4-6"),  # insomnia 8, then 6 from Jun 2024 and 4 from Oct 2025
        ("motor (2)", "0-3"),  # tremor 3 from Nov 2025, weakness 3 from Jun 2025
        ("cognitive (1)", "0-3"),  # 7, 5, then 3 from Jun 2026
        ("sensory (2)", "0-3"),  # tingling 2 from Sep 2025; sensitivity to sound not rated
    ],
)
def test_a_grouped_lane_follows_its_members_courses(label: str, now: str) -> None:
    """bind-labelled-fnd groups its symptoms by kind: each lane shows, at each moment, the
    highest severity its members have then, so that improvement is visible."""
    _, drawing, _ = printed("bind-labelled-fnd")
    assert _fill_at_end(drawing, label) == now


# -- event numbers ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_no_event_number_is_covered_by_a_marker(name: str) -> None:
    """bind-labelled-fnd: 7 (the EEG of 21 Aug 2024) sat under the diamond of 9 (17 Sep 2024)."""
    _, drawing, _ = printed(name)
    markers = [shape.getBounds() for shape in _walk(drawing) if isinstance(shape, (Polygon, Circle, Rect))]
    for shape in _walk(drawing):
        if not (isinstance(shape, String) and shape.text.isdigit() and "Bold" in shape.fontName):
            continue
        width = stringWidth(shape.text, shape.fontName, shape.fontSize)
        x0, y0 = shape.x, shape.y - 0.24 * shape.fontSize
        x1, y1 = x0 + width, shape.y + 0.76 * shape.fontSize
        for left, bottom, right, top in markers:
            covered = x0 < right - 0.3 and left < x1 - 0.3 and y0 < top - 0.3 and bottom < y1 - 0.3
            assert not covered, (name, shape.text, (left, bottom, right, top))
