"""The timeline page as printed and faxed: read back from the generated PDF (type sizes and
positions through PDFium), the DOCX as LibreOffice lays it out, the chart's key at 1 bit and
204 x 98 dpi, and the large-print copy."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

import pytest
from conftest import SAMPLES, TODAY, folded, pdf_pages
from long_history import ten_year_case

from docgen.case.loading import load_case, validate_case
from docgen.case.model import Case
from docgen.documents import document_kind
from docgen.documents.timeline import context as timeline_context
from docgen.markup import blocks
from docgen.markup.figures import DoseSeries, EventMarker, SymptomBar, TimelineChart
from docgen.options import Options
from docgen.pipeline import fitted_document, generate
from docgen.render.chart import ChartStyle, chart_swatches, draw_timeline_chart
from docgen.render.styles import StyleSheet

OPTIONS = Options(today=TODAY)
LARGE = Options(today=TODAY, large_print=True)
POINTS = 72.0


@cache
def case_named(name: str) -> Case:
    if name == "ten-year":
        return validate_case(ten_year_case())
    return load_case(next(path for path in SAMPLES if path.stem == name))


NAMES = [path.stem for path in SAMPLES] + ["ten-year"]


@dataclass(frozen=True)
class Glyph:
    text: str
    size: float
    bottom: float  # points from the foot of the page
    left: float = 0.0  # points from the left edge


@dataclass(frozen=True)
class Page:
    height: float
    text: str
    glyphs: tuple[Glyph, ...]


def read_pages(pdf: bytes) -> list[Page]:
    """Each page's text and its characters with their size and height on the page."""
    import pypdfium2
    import pypdfium2.raw as raw

    document = pypdfium2.PdfDocument(pdf)
    pages = []
    try:
        for page in document:
            textpage = page.get_textpage()
            glyphs = []
            for index in range(textpage.count_chars()):
                character = chr(raw.FPDFText_GetUnicode(textpage, index))
                if character.isspace() or not character.isprintable():
                    continue
                size = raw.FPDFText_GetFontSize(textpage, index)
                left, bottom, _right, _top = textpage.get_charbox(index)
                glyphs.append(Glyph(character, round(size, 2), bottom, left))
            pages.append(Page(page.get_height(), textpage.get_text_range(), tuple(glyphs)))
            textpage.close()
            page.close()
    finally:
        document.close()
    return pages


@cache
def timeline_pages(name: str, large_print: bool = False) -> tuple[Page, ...]:
    return tuple(read_pages(generate(case_named(name), "timeline", "pdf", LARGE if large_print else OPTIONS)))


def body(page: Page) -> list[Glyph]:
    """The glyphs between the running header and the footer."""
    sheet = StyleSheet()
    return [glyph for glyph in page.glyphs if sheet.bottom_margin < glyph.bottom < page.height - sheet.top_margin]


# -- one page, readable, nothing silently dropped ---------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_one_page(name: str) -> None:
    assert len(timeline_pages(name)) == 1


@pytest.mark.parametrize("name", NAMES)
def test_most_body_text_is_eight_points_or_more(name: str) -> None:
    glyphs = body(timeline_pages(name)[0])
    large = sum(1 for glyph in glyphs if glyph.size >= 7.95)
    assert large / len(glyphs) > 0.8


@pytest.mark.parametrize("name", NAMES)
def test_nothing_below_seven_points(name: str) -> None:
    assert min(glyph.size for glyph in timeline_pages(name)[0].glyphs) >= 6.95


@pytest.mark.parametrize("name", NAMES)
def test_no_shortened_text_while_half_an_inch_stands_empty(name: str) -> None:
    page = timeline_pages(name)[0]
    lowest = min(glyph.bottom for glyph in body(page))
    free = lowest - StyleSheet().bottom_margin
    if "…" in page.text:
        assert free < 0.5 * POINTS, f"text is shortened with {free / POINTS:.2f} in free at the foot"


def _first(page: Page, text: str) -> Glyph:
    """The first glyph of ``text`` (spaces left out) on the page."""
    letters = "".join(glyph.text for glyph in page.glyphs)
    start = letters.find(text.replace(" ", ""))
    assert start >= 0, text
    return page.glyphs[start]


@pytest.mark.parametrize("name", ["bind-labelled-fnd", "ten-year"])
def test_the_dense_pages_set_medications_and_symptom_onsets_side_by_side(name: str) -> None:
    page = timeline_pages(name)[0]
    medications, symptoms = _first(page, "Medication Peak dose Taken"), _first(page, "Symptom onset and dose changes")
    middle = 8.5 * POINTS / 2
    assert medications.left < middle < symptoms.left  # the two tables share the width
    assert abs(medications.bottom - symptoms.bottom) < 12  # and start level with each other
    document = fitted_document(case_named(name), document_kind("timeline"), OPTIONS)[0]
    (columns,) = [block for block in document.blocks if isinstance(block, blocks.Columns)]
    assert [type(block).__name__ for column in columns.columns for block in column] == ["Table", "Heading", "Table"]


@cache
def _context(name: str) -> dict[str, object]:
    """The context of the level the page was fitted at (the one whose blocks are printed)."""
    from docgen.pipeline import build_document
    from docgen.render.measure import PdfMeasure

    case = case_named(name)
    kind = document_kind("timeline")
    printed = fitted_document(case, kind, OPTIONS)[0].text()
    measure = PdfMeasure()
    for level in range(len(timeline_context.LEVELS)):
        if build_document(case, kind, OPTIONS, level, measure).text() == printed:
            return timeline_context.build_context(case, OPTIONS, level, measure)
    raise AssertionError("no level gives the printed page")


@pytest.mark.parametrize("name", NAMES)
def test_every_event_is_numbered_or_counted_by_kind(name: str) -> None:
    case = case_named(name)
    text = folded(timeline_pages(name)[0].text)
    context = _context(name)
    events, summary = context["events"], context["event_summary"]
    assert isinstance(events, list) and isinstance(summary, list)
    for row in events:
        assert f"{row['number']} {row['date']}:" in text
    assert len(events) + sum(group["count"] for group in summary) == len(case.events)
    for group in summary:
        assert f"{group['count']} " in text and group["first"] in text and group["last"] in text


@pytest.mark.parametrize("name", [path.stem for path in SAMPLES])
def test_a_history_of_ordinary_length_numbers_every_event(name: str) -> None:
    """Counting by kind is for long histories (the ten-year one): every sample's events, up to
    a dozen, each keep a numbered marker and a line in the key."""
    context = _context(name)
    assert context["event_summary"] == []
    assert len(context["events"]) == len(case_named(name).events)


@pytest.mark.parametrize("name", NAMES)
def test_every_fnd_exam_is_shown_with_its_examiner_and_date(name: str) -> None:
    case = case_named(name)
    text = folded(timeline_pages(name)[0].text)
    for exam in case.fnd_exams:
        if not exam.findings:
            continue
        examiner = case.clinician(exam.examiner)
        assert exam.date.display() in text
        if examiner is not None:
            assert examiner.name in text


@pytest.mark.parametrize("name", NAMES)
def test_every_source_the_page_cites_is_listed(name: str) -> None:
    import re

    text = folded(timeline_pages(name)[0].text)
    if "[1" not in text:
        return
    head, _, listed = text.partition("Sources:")
    assert listed, "sources are cited but not listed"
    cited = {int(number) for marker in re.findall(r"\[(\d+(?:, \d+)*)\]", head) for number in marker.split(", ")}
    for number in cited:
        assert f"[{number}]" in listed


@pytest.mark.parametrize("name", NAMES)
def test_the_source_list_gives_each_record_its_date_and_page_whole(name: str) -> None:
    """A run of sources that share an opening names it once ("Harbor Psychiatry note: [2]
    2019-09-10, [3] 2025-03-24"); only an opening is ever shortened, never the date or page
    that tells one record from another."""
    import re

    listed = folded(timeline_pages(name)[0].text).partition("Sources:")[2]
    for group in _context(name)["sources"]:
        for entry in group["entries"]:
            rest = folded(entry["full"][len(re.match(r"\D*", entry["full"]).group(0)):])
            assert f"[{entry['number']}] " in listed
            assert not rest or rest in listed, (entry["number"], rest)
        if group["opening"]:
            first = group["entries"][0]
            assert f"{group['opening']}: [{first['number']}] {folded(first['text'])}" in listed


def test_a_run_of_notes_of_one_clinic_names_the_clinic_once() -> None:
    listed = folded(timeline_pages("taper-with-therapist")[0].text).partition("Sources:")[2]
    assert "Harbor Psychiatry note: [2] 2019-09-10, [3] 2025-03-24, [4] 2026-10-19" in listed


def test_the_diagnosis_the_request_disputes_has_its_number() -> None:
    text = folded(timeline_pages("denied-amendment")[0].text)
    assert "15 Jan 2024: Sedative use disorder, moderate (F13.20) recorded" in text
    number = text.split(": Sedative use disorder")[0].split()[-4]
    assert number == "2"


# -- the DOCX -----------------------------------------------------------------------------------


_SOFFICE = shutil.which("soffice")


@pytest.mark.skipif(_SOFFICE is None, reason="LibreOffice (soffice) is not installed")
@pytest.mark.parametrize("name", NAMES)
def test_the_docx_carries_the_same_content_on_one_page(name: str, tmp_path: Path) -> None:
    case = case_named(name)
    source = tmp_path / "timeline.docx"
    source.write_bytes(generate(case, "timeline", "docx", OPTIONS))
    completed = subprocess.run(
        [str(_SOFFICE), f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(source)], capture_output=True, text=True, timeout=180, check=False)
    assert completed.returncode == 0, completed.stderr
    pages = pdf_pages((tmp_path / "timeline.pdf").read_bytes())
    assert len(pages) == 1
    laid_out = folded(pages[0])
    printed = folded(timeline_pages(name)[0].text)
    for marker in ("Sources:", "Key events", "Symptom onset and dose changes", case.patient.name):
        assert (marker in printed) == (marker in laid_out)


# -- the fax ----------------------------------------------------------------------------------


def fax(drawing_pdf: bytes) -> tuple[list[list[bool]], float, float]:
    """The first page at 204 x 98 dpi, thresholded at half gray (no dither): rows of black
    pixels, and the pixels per point across and down."""
    import pypdfium2

    document = pypdfium2.PdfDocument(drawing_pdf)
    try:
        page = document[0]
        image = page.render(scale=204 / 72, grayscale=True).to_pil().convert("L")
        page.close()
    finally:
        document.close()
    across, down = 204 / 72, 98 / 72
    image = image.resize((image.width, round(image.height * 98 / 204)))
    pixels = image.load()
    rows = [[pixels[x, y] < 128 for x in range(image.width)] for y in range(image.height)]
    return rows, across, down


def _density(rows: list[list[bool]], box: tuple[float, float, float, float], height: float,
             across: float, down: float) -> float:
    x0, y0, x1, y1 = box
    left, right = round(x0 * across) + 1, round(x1 * across) - 1
    top, bottom = round((height - y1) * down) + 1, round((height - y0) * down) - 1
    cells = [rows[y][x] for y in range(top, max(bottom, top + 1)) for x in range(left, max(right, left + 1))]
    return sum(cells) / len(cells)


def _faxed_chart() -> tuple[TimelineChart, dict[str, float]]:
    start, end = date(2015, 1, 1), date(2026, 11, 1)
    chart = TimelineChart(
        start=start, end=end, dose_axis_label="diazepam-eq. mg/day (Ashton)",
        doses=(DoseSeries("clonazepam", ((date(2015, 1, 1), 20.0), (date(2024, 3, 4), 15.0)), end, (),
                          ((date(2024, 3, 4), "1.5 mg"),), (date(2024, 3, 4),)),
               DoseSeries("diazepam", ((date(2024, 3, 1), 5.0), (date(2025, 1, 1), 0.0)), date(2025, 1, 1))),
        total=(DoseSeries("total", ((date(2024, 3, 1), 25.0), (date(2024, 3, 4), 20.0)), date(2025, 1, 1)),),
        symptoms=(SymptomBar("tremor", date(2024, 3, 20), None, ((date(2024, 3, 20), 2), (date(2024, 6, 1), 5),
                                                                  (date(2024, 9, 1), 8))),
                  SymptomBar("insomnia", date(2024, 4, 1), None)),
        events=(EventMarker(date(2024, 1, 12), "hospitalization", "Admitted"),
                EventMarker(date(2024, 1, 15), "diagnosis", "Diagnosis recorded")),
        quiet=(date(2015, 1, 1), date(2023, 10, 1)),
    )
    from reportlab.graphics import renderPDF

    style = ChartStyle.for_text(8.0)
    width, height = 504.0, 300.0
    rows, across, down = fax(renderPDF.drawToString(draw_timeline_chart(chart, width, height, style)))
    densities = {name: _density(rows, box, height, across, down) for name, box in chart_swatches(chart, width, height, style)}
    return chart, densities


def test_a_fax_keeps_every_severity_class_apart() -> None:
    _chart, densities = _faxed_chart()
    classes = [densities[name] for name in ("severity:none", "severity:0", "severity:5", "severity:8")]
    assert classes == sorted(classes), classes  # lighter to darker
    for lighter, darker in zip(classes, classes[1:], strict=False):
        assert darker - lighter >= 0.15, classes
    assert classes[0] < 0.05 and classes[-1] > 0.9


def test_a_fax_keeps_every_line_style_apart() -> None:
    _chart, densities = _faxed_chart()
    lines = [densities[name] for name in ("series:0", "series:1", "series:total")]
    assert all(density > 0.1 for density in lines), lines  # none vanishes
    for index, first in enumerate(lines):
        for second in lines[index + 1:]:
            assert abs(first - second) >= 0.08, lines


# -- large print ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_large_print_sets_the_body_at_fourteen_points_and_says_so(name: str) -> None:
    pages = timeline_pages(name, large_print=True)
    glyphs = [glyph for page in pages for glyph in body(page)]
    large = sum(1 for glyph in glyphs if glyph.size >= 13.95)
    assert large / len(glyphs) > 0.8
    first = folded(pages[0].text)
    assert "Large-print copy." in first
    for number, page in enumerate(pages, start=1):
        text = folded(page.text)
        assert "Large-print timeline" in text and f"Page {number} of {len(pages)}" in text
