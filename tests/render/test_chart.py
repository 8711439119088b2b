"""The timeline chart: what a drawing contains, that its text stays legible, and the PNG."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date, timedelta
from itertools import combinations

import pytest
from PIL import Image
from reportlab.graphics.shapes import Drawing, Group, String
from reportlab.pdfbase.pdfmetrics import stringWidth

from docgen.markup.figures import (
    DoseSeries,
    EventMarker,
    OtherSeries,
    SymptomBar,
    TimelineChart,
)
from docgen.render.chart import (
    ChartStyle,
    chart_png,
    draw_timeline_chart,
    event_label_numbers,
)

WIDTH, HEIGHT = 504.0, 288.0
AXIS = "diazepam-equivalent mg/day (Ashton)"
KINDS = ("visit", "diagnosis", "test", "hospitalization", "other")


def iter_strings(node: Drawing | Group) -> Iterator[String]:
    for child in node.contents:
        if isinstance(child, String):
            yield child
        elif isinstance(child, Group):
            yield from iter_strings(child)


def texts(drawing: Drawing) -> list[str]:
    return [string.text for string in iter_strings(drawing)]


def extent(string: String) -> tuple[float, float, float, float]:
    """The string's box (x0, y0, x1, y1), from its anchor, width and the font's ascent/descent."""
    width = stringWidth(string.text, string.fontName, string.fontSize)
    shift = {"start": 0.0, "middle": width / 2, "end": width}[string.textAnchor]
    x0 = string.x - shift
    return x0, string.y - 0.24 * string.fontSize, x0 + width, string.y + 0.76 * string.fontSize


def clonazepam(start: date = date(2014, 3, 1), until: date = date(2026, 11, 22)) -> DoseSeries:
    steps = ((start, 20.0, "1 mg"), (date(2016, 6, 1), 80.0, "4 mg"), (date(2021, 9, 1), 60.0, "3 mg"),
             (date(2024, 2, 1), 50.0, "2.5 mg"))
    return DoseSeries(
        label="clonazepam",
        points=tuple((day, value) for day, value, _ in steps),
        until=until,
        labels=tuple((day, text) for day, _, text in steps),
    )


def realistic() -> TimelineChart:
    return TimelineChart(
        start=date(2013, 6, 1),
        end=date(2026, 11, 22),
        dose_axis_label=AXIS,
        doses=(clonazepam(),),
        others=(OtherSeries("baclofen", ((date(2020, 1, 15), 30.0), (date(2020, 6, 1), 60.0)), date(2023, 5, 1), 60),),
        symptoms=(
            SymptomBar("tremor (hands)", date(2016, 10, 1), None, ((date(2016, 10, 1), 3), (date(2022, 1, 1), 8))),
            SymptomBar("tinnitus", date(2017, 3, 1), None, ((date(2017, 3, 1), 5),), approximate=True),
            SymptomBar("derealization", date(2018, 5, 1), date(2021, 4, 1), ((date(2018, 5, 1), 7),)),
            SymptomBar("insomnia", date(2013, 6, 1), date(2015, 1, 1), approximate=True),
        ),
        events=(
            EventMarker(date(2014, 3, 1), "visit", "GP: clonazepam started"),
            EventMarker(date(2019, 3, 10), "test", "MRI brain: normal"),
            EventMarker(date(2020, 11, 5), "hospitalization", "ED: falls"),
            EventMarker(date(2021, 8, 20), "diagnosis", "FND diagnosed"),
        ),
    )


def crowded() -> TimelineChart:
    start, end = date(2008, 1, 1), date(2026, 6, 1)
    names = ("clonazepam", "alprazolam", "lorazepam", "diazepam")
    doses = tuple(
        DoseSeries(
            name,
            tuple((start + timedelta(days=90 * step + 17 * index), float(5 + (step * (index + 3)) % 50))
                  for step in range(70)),
            until=end - timedelta(days=30 * index),
            labels=tuple((start + timedelta(days=90 * step + 17 * index), f"{step % 7 + 1} mg") for step in range(70)),
        )
        for index, name in enumerate(names)
    )
    others = tuple(
        OtherSeries(name, ((start + timedelta(days=400 * index), 10.0), (start + timedelta(days=900 * index), 20.0)),
                    until=end, max_mg=20)
        for index, name in enumerate(("baclofen", "gabapentin", "propranolol", "mirtazapine", "pregabalin"))
    )
    symptoms = tuple(
        SymptomBar(f"symptom {index} with a rather long descriptive name", start + timedelta(days=150 * index),
                   None if index % 3 == 0 else start + timedelta(days=150 * index + 900),
                   ((start + timedelta(days=150 * index), index % 11),), approximate=index % 5 == 0)
        for index in range(40)
    )
    events = tuple(
        EventMarker(start + timedelta(days=(index * 113) % 6500), KINDS[index % 5], f"event label {index}")
        for index in range(60)
    )
    return TimelineChart(start, end, AXIS, doses, others, symptoms, events, hidden_events=12,
                         notes=("Doses converted with the Ashton table.",))


def two_weeks() -> TimelineChart:
    start = date(2024, 3, 1)
    return TimelineChart(
        start, start + timedelta(days=14), AXIS,
        doses=(DoseSeries("lorazepam", ((start, 20.0), (start + timedelta(days=7), 10.0)), start + timedelta(days=14),
                          ((start, "2 mg"), (start + timedelta(days=7), "1 mg"))),),
        symptoms=(SymptomBar("rebound anxiety", start + timedelta(days=6), None, ((start + timedelta(days=6), 6),)),),
        events=(EventMarker(start + timedelta(days=5), "visit", "GP taper step"),),
    )


def thirty_years() -> TimelineChart:
    return TimelineChart(date(1996, 1, 1), date(2026, 1, 1), AXIS, doses=(clonazepam(date(1998, 5, 1)),))


def zero_series() -> TimelineChart:
    return TimelineChart(date(2020, 1, 1), date(2024, 1, 1), AXIS)


def same_day() -> TimelineChart:
    day = date(2024, 5, 5)
    return TimelineChart(
        day, day, AXIS,
        doses=(DoseSeries("diazepam", ((day, 10.0),), day, ((day, "10 mg"),)),),
        symptoms=(SymptomBar("headache", day, None),),
        events=(EventMarker(day, "test", "EEG"),),
    )


def out_of_range() -> TimelineChart:
    return TimelineChart(
        date(2020, 1, 1), date(2022, 6, 1), AXIS,
        doses=(DoseSeries("clonazepam", ((date(2015, 1, 1), 20.0), (date(2030, 1, 1), 40.0)), date(2031, 1, 1),
                          ((date(2015, 1, 1), "1 mg"), (date(2030, 1, 1), "2 mg"))),),
        others=(OtherSeries("baclofen", ((date(2010, 1, 1), 90.0),), date(2040, 1, 1), max_mg=60),),
        symptoms=(SymptomBar("fatigue", date(2001, 1, 1), date(2035, 1, 1), ((date(1999, 1, 1), 9),)),),
        events=(EventMarker(date(1990, 1, 1), "other", "long ago"), EventMarker(date(2050, 1, 1), "unknown", "later")),
    )


CHARTS = {
    "realistic": realistic,
    "crowded": crowded,
    "two weeks": two_weeks,
    "thirty years": thirty_years,
    "zero series": zero_series,
    "same day": same_day,
    "out of range": out_of_range,
}


@pytest.fixture(scope="module", params=sorted(CHARTS))
def drawn(request: pytest.FixtureRequest) -> tuple[TimelineChart, Drawing]:
    chart = CHARTS[request.param]()
    return chart, draw_timeline_chart(chart, WIDTH, HEIGHT if request.param != "crowded" else 400)


def test_no_text_below_seven_points(drawn: tuple[TimelineChart, Drawing]) -> None:
    _, drawing = drawn
    sizes = [string.fontSize for string in iter_strings(drawing)]
    assert sizes and min(sizes) >= 7


def test_text_stays_on_the_drawing(drawn: tuple[TimelineChart, Drawing]) -> None:
    _, drawing = drawn
    for string in iter_strings(drawing):
        x0, y0, x1, y1 = extent(string)
        assert -0.01 <= x0 and x1 <= drawing.width + 0.01, string.text
        assert -0.01 <= y0 and y1 <= drawing.height + 0.01, string.text


def test_no_two_strings_overlap(drawn: tuple[TimelineChart, Drawing]) -> None:
    _, drawing = drawn
    boxes = [(string.text, extent(string)) for string in iter_strings(drawing)]
    for (first, a), (second, b) in combinations(boxes, 2):
        overlap = a[0] < b[2] - 0.3 and b[0] < a[2] - 0.3 and a[1] < b[3] - 0.3 and b[1] < a[3] - 0.3
        assert not overlap, (first, second)


def test_one_series_shows_its_label_own_doses_and_years() -> None:
    found = texts(draw_timeline_chart(realistic(), WIDTH, HEIGHT))
    for expected in ("clonazepam", "1 mg", "4 mg", "3 mg", "2.5 mg", "2014", "2020", "2026", "baclofen",
                     "own mg, max 60", "tremor (hands)", "~", "ongoing", "approximate onset", "severity 0-3",
                     "Events", "MRI brain: normal", "diagnosis", "hospital stay"):
        assert expected in found
    assert any(text.startswith("diazepam") for text in found)


def test_zero_series_says_so() -> None:
    found = texts(draw_timeline_chart(zero_series(), WIDTH, HEIGHT))
    assert "no benzodiazepine doses recorded" in found
    assert "Events" not in found


def test_crowded_chart_labels_every_series_and_reports_what_it_hides() -> None:
    chart = crowded()
    drawing = draw_timeline_chart(chart, WIDTH, 400)
    found = texts(drawing)
    joined = " ".join(found)
    for series in chart.doses:
        assert series.label in found
    assert "+12 more events" in joined
    assert "more symptoms (not shown)" in joined
    numbers = {int(string.text) for string in iter_strings(drawing) if string.text.isdigit() and "Bold" in string.fontName}
    assert numbers <= set(range(1, 61))
    assert len(numbers) >= 25
    assert "Doses converted with the Ashton table." in found


def test_two_week_span_has_day_labels() -> None:
    found = texts(draw_timeline_chart(two_weeks(), WIDTH, HEIGHT))
    assert "1 Mar 2024" in found
    assert "3 Mar" in found


@pytest.mark.parametrize(
    ("start", "end", "present", "absent"),
    [
        (date(1996, 1, 1), date(2026, 1, 1), ["1996", "2000", "2026"], ["1997"]),
        (date(2014, 3, 1), date(2026, 11, 22), ["2014", "2015", "2026"], []),
        (date(2023, 2, 1), date(2024, 6, 30), ["Jul 2023", "Jan 2024"], ["2023"]),
        (date(1950, 1, 1), date(2026, 1, 1), ["1950", "2000"], ["1951", "1952"]),
    ],
)
def test_time_axis_labels(start: date, end: date, present: list[str], absent: list[str]) -> None:
    found = texts(draw_timeline_chart(TimelineChart(start, end, AXIS), WIDTH, HEIGHT))
    for label in present:
        assert label in found
    for label in absent:
        assert label not in found


def test_event_numbers_follow_the_dates() -> None:
    chart = realistic()
    shuffled = TimelineChart(chart.start, chart.end, AXIS, events=tuple(reversed(chart.events)))
    numbered = event_label_numbers(shuffled)
    assert [number for number, _ in numbered] == [1, 2, 3, 4]
    assert [event.day for _, event in numbered] == sorted(event.day for event in chart.events)
    assert {"1", "4"} <= set(texts(draw_timeline_chart(shuffled, WIDTH, HEIGHT)))


def test_style_refuses_text_below_seven_points() -> None:
    with pytest.raises(ValueError, match="7 pt"):
        ChartStyle(label_size=6.5)


def test_thousands_of_change_points_are_drawn() -> None:
    start = date(2016, 1, 1)
    points = tuple((start + timedelta(days=day), 10.0 + day % 5) for day in range(3650))
    labels = tuple((day, f"{value / 20:g} mg") for day, value in points)
    series = DoseSeries("clonazepam", points, until=start + timedelta(days=3650), labels=labels)
    chart = TimelineChart(start, start + timedelta(days=3650), AXIS, doses=(series,))
    found = texts(draw_timeline_chart(chart, WIDTH, HEIGHT))
    assert "clonazepam" in found
    assert 1 <= sum(text.endswith(" mg") for text in found) < 3650


def test_png_is_grayscale_sized_and_deterministic() -> None:
    first = chart_png(draw_timeline_chart(realistic(), WIDTH, HEIGHT), dpi=100)
    second = chart_png(draw_timeline_chart(realistic(), WIDTH, HEIGHT), dpi=100)
    assert first.startswith(b"\x89PNG\r\n\x1a\n")
    assert first == second
    image = Image.open(io.BytesIO(first))
    assert image.mode == "L"
    assert image.size == (700, 400)


@pytest.mark.parametrize(("width", "height"), [(504, 120), (300, 220), (504, 60), (200, 400)])
def test_cramped_sizes_still_draw_legible_text(width: float, height: float) -> None:
    drawing = draw_timeline_chart(crowded(), width, height)
    assert min(string.fontSize for string in iter_strings(drawing)) >= 7


# -- a broken time axis ----------------------------------------------------------------------------

from hypothesis import given as _given  # noqa: E402
from hypothesis import settings as _settings  # noqa: E402
from hypothesis import strategies as _st  # noqa: E402

from docgen.render.chart.scale import _TimeScale  # noqa: E402

_SCALE_DAYS = _st.dates(min_value=date(2000, 1, 1), max_value=date(2030, 12, 31))


@_settings(max_examples=300, deadline=None)
@_given(days=_st.lists(_SCALE_DAYS, min_size=4, max_size=4, unique=True),
        share=_st.floats(0.05, 0.5), probes=_st.lists(_SCALE_DAYS, min_size=2, max_size=20))
def test_a_broken_axis_never_runs_backwards(days: list[date], share: float, probes: list[date]) -> None:
    start, first, last, end = sorted(days)
    scale = _TimeScale(start, end, 80.0, 500.0, (first, last), share, (first, last, end))
    xs = [scale.x(day) for day in sorted(probes)]
    assert xs == sorted(xs)
    assert scale.x(start) == 80.0 and abs(scale.x(end) - 500.0) < 1e-6
    pieces = scale.pieces
    assert all(piece.left <= piece.right for piece in pieces)
    for (x0, x1), piece in zip(scale.break_spans, pieces[1:], strict=False):
        assert x0 < x1 == piece.left
    quiet = next(piece for piece in pieces if piece.start == first)
    assert abs((quiet.right - quiet.left) - share * (420.0 - 9.0 * (len(pieces) - 1))) < 1e-6
