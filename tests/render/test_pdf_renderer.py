"""The PDF renderer on small block documents: text in order, type and page furniture as the style
sheet says, page sizes and breaks, tables and quotes laid out, and the same bytes every time.

Each glyph is read back with PDFium: its text, font, size and box on the page."""

from __future__ import annotations

import ctypes
import io
from dataclasses import dataclass
from pathlib import Path

import pypdfium2
import pypdfium2.raw as pdfium
import pytest
from conftest import folded, pdf_pages

from docgen.markup.blocks import Document, parse_document
from docgen.render.pdf import page_count, render_pdf, write_pdf
from docgen.render.styles import PAGE_SIZES, StyleSheet

FURNITURE = ('<furniture left="Jordan A. Rivera · born 14 Aug 1971" right="Medication timeline" '
             'footer="Generated 22 Nov 2026 with docgen"/>')


def document(body: str, attributes: str = "", furniture: str = FURNITURE) -> Document:
    return parse_document(f'<document title="Test"{attributes}>{furniture}{body}</document>', {}, "test.xml.j2")


@dataclass(frozen=True)
class Glyph:
    page: int
    text: str
    font: str
    size: float
    left: float
    bottom: float
    top: float
    #: The origin the glyph is drawn from: x on the page and y, its baseline.
    x: float
    baseline: float


def glyphs(data: bytes) -> list[Glyph]:
    """Every drawn character of every page (white space and line ends left out), in text order."""
    found: list[Glyph] = []
    pdf = pypdfium2.PdfDocument(data)
    name = ctypes.create_string_buffer(128)
    flags = ctypes.c_int()
    x, y = ctypes.c_double(), ctypes.c_double()
    try:
        for number, page in enumerate(pdf, start=1):
            text_page = page.get_textpage()
            for index in range(text_page.count_chars()):
                character = chr(pdfium.FPDFText_GetUnicode(text_page.raw, index))
                if character.isspace() or character in "\x02\ufffe":
                    continue
                pdfium.FPDFText_GetFontInfo(text_page.raw, index, name, len(name), ctypes.byref(flags))
                left, bottom, _right, top = text_page.get_charbox(index)
                pdfium.FPDFText_GetCharOrigin(text_page.raw, index, ctypes.byref(x), ctypes.byref(y))
                size = round(pdfium.FPDFText_GetFontSize(text_page.raw, index), 2)
                found.append(Glyph(number, character, name.value.decode(), size, left, bottom, top, x.value, y.value))
            text_page.close()
            page.close()
    finally:
        pdf.close()
    return found


def word(found: list[Glyph], text: str, page: int | None = None) -> list[Glyph]:
    """The glyphs of the first occurrence of ``text`` (no spaces in it) on ``page`` (or any)."""
    line = [glyph for glyph in found if page is None or glyph.page == page]
    letters = "".join(glyph.text for glyph in line)
    start = letters.find(text)
    assert start >= 0, f"{text!r} not found in {letters!r}"
    return line[start:start + len(text)]


def page_sizes(data: bytes) -> list[tuple[float, float]]:
    pdf = pypdfium2.PdfDocument(data)
    try:
        return [pdf[index].get_size() for index in range(len(pdf))]
    finally:
        pdf.close()


# -- text ----------------------------------------------------------------------------------------------


def test_the_text_comes_out_in_document_order() -> None:
    data = render_pdf(document(
        "<h1>First heading</h1><p>A paragraph of body text.</p><ul><li>bullet one</li><li>bullet two</li></ul>"
        "<ol><li>numbered one</li></ol><quote>Quoted record text.</quote><h2>Second heading</h2>"
        "<table><tr><th>Head</th></tr><tr><td>Cell</td></tr></table><p style='fine'>Fine print.</p>"))
    (page,) = pdf_pages(data)
    text = folded(page)
    expected = ["First heading", "A paragraph of body text.", "• bullet one", "• bullet two", "1. numbered one",
                "Quoted record text.", "Second heading", "Head", "Cell", "Fine print."]
    positions = [text.find(part) for part in expected]
    assert -1 not in positions, text
    assert positions == sorted(positions), text


def test_user_text_comes_out_exactly() -> None:
    typed = "Zoë Łukasiewicz-Núñez: dose <2 mg> & “≥ 5 µg”"
    from xml.sax.saxutils import escape

    (page,) = pdf_pages(render_pdf(document(f"<p>{escape(typed)}</p>")))
    assert typed in folded(page)


@pytest.mark.parametrize("level", [1, 2, 3])
def test_a_heading_is_bold_and_sized_by_the_style_sheet(level: int) -> None:
    found = glyphs(render_pdf(document(f"<h{level}>Heading</h{level}><p>Body</p>")))
    heading, body = word(found, "Heading"), word(found, "Body")
    sheet = StyleSheet()
    assert {glyph.font for glyph in heading} == {"DejaVuSans-Bold"}
    assert {glyph.size for glyph in heading} == {sheet.size(f"h{level}")}
    assert {glyph.font for glyph in body} == {"DejaVuSans"}
    assert {glyph.size for glyph in body} == {sheet.body}
    assert heading[0].size >= body[0].size
    if level < 3:  # a third-level heading differs by weight alone
        assert heading[0].size > body[0].size


def test_the_title_is_the_largest_bold_text() -> None:
    found = glyphs(render_pdf(document('<p style="title">Title</p><h1>Heading</h1><p>Body</p>')))
    assert {(glyph.font, glyph.size) for glyph in word(found, "Title")} == {("DejaVuSans-Bold", StyleSheet().size("title"))}
    assert word(found, "Title")[0].size > word(found, "Heading")[0].size


@pytest.mark.parametrize(("markup", "font"), [
    ("<b>word</b>", "DejaVuSans-Bold"),
    ("<i>word</i>", "DejaVuSans-Oblique"),
    ("<b><i>word</i></b>", "DejaVuSans-BoldOblique"),
    ("word", "DejaVuSans"),
])
def test_inline_emphasis_picks_the_face(markup: str, font: str) -> None:
    found = glyphs(render_pdf(document(f"<p>plain {markup} plain</p>")))
    assert {glyph.font for glyph in word(found, "word")} == {font}
    assert {glyph.font for glyph in word(found, "plain")} == {"DejaVuSans"}


@pytest.mark.parametrize(("style", "role"), [("small", "small"), ("fine", "fine"), ("body", "body")])
def test_paragraph_styles_are_sized_by_the_style_sheet(style: str, role: str) -> None:
    found = glyphs(render_pdf(document(f'<p style="{style}">Styled</p>', ' size="9"')))
    assert {glyph.size for glyph in word(found, "Styled")} == {StyleSheet(body=9).size(role)}


def test_the_documents_size_sets_the_body_type() -> None:
    found = glyphs(render_pdf(document("<p>Body</p>", ' size="12"')))
    assert {glyph.size for glyph in word(found, "Body")} == {12.0}


def test_a_line_break_starts_a_new_line() -> None:
    found = glyphs(render_pdf(document("<p>upper<br/>lower</p>")))
    upper, lower = word(found, "upper"), word(found, "lower")
    assert lower[0].top < upper[0].bottom
    assert lower[0].x == pytest.approx(upper[0].x, abs=0.01)


# -- pages ------------------------------------------------------------------------------------------------


def _two_pages() -> bytes:
    paragraphs = "".join(f"<p>Paragraph {number} of the long history, with enough words to fill a line or two "
                         f"of the page.</p>" for number in range(1, 61))
    return render_pdf(document(paragraphs))


def test_a_long_document_flows_onto_a_second_page_in_order() -> None:
    data = _two_pages()
    pages = pdf_pages(data)
    assert len(pages) == page_count(data) == 2
    text = folded(" ".join(pages))
    positions = [text.find(f"Paragraph {number} of") for number in range(1, 61)]
    assert -1 not in positions and positions == sorted(positions)
    assert "Paragraph 1 of" in pages[0] and "Paragraph 60 of" in pages[1]


def test_every_page_carries_the_header_and_page_x_of_y() -> None:
    data = _two_pages()
    found = glyphs(data)
    for number, text in enumerate(pdf_pages(data), start=1):
        text = folded(text)
        assert "Jordan A. Rivera · born 14 Aug 1971" in text
        assert "Medication timeline" in text
        assert "Generated 22 Nov 2026 with docgen" in text
        assert f"Page {number} of 2" in text
        body = word(found, "Paragraph", page=number)
        name, footer = word(found, "Jordan", page=number), word(found, "Generated", page=number)
        assert name[0].bottom > max(glyph.top for glyph in body)  # the header is above the text
        assert footer[0].top < min(glyph.bottom for glyph in body)  # the footer below it
        assert word(found, f"{number}of2", page=number)[0].x > footer[-1].x  # page number on the right
        assert name[0].x == pytest.approx(footer[0].x, abs=0.01)  # both at the left margin


def test_a_one_page_document_is_page_1_of_1() -> None:
    (page,) = pdf_pages(render_pdf(document("<p>x</p>")))
    assert "Page 1 of 1" in page


@pytest.mark.parametrize(("attributes", "size"), [
    ("", PAGE_SIZES["letter"]),
    (' page="letter"', (612.0, 792.0)),
    (' page="a4"', PAGE_SIZES["a4"]),
])
def test_the_page_size(attributes: str, size: tuple[float, float]) -> None:
    data = render_pdf(document("<p>x</p><pagebreak/><p>y</p>", attributes))
    assert page_sizes(data) == [pytest.approx(size, abs=0.01)] * 2


def test_the_margins_are_the_style_sheets() -> None:
    sheet = StyleSheet(page="a4")
    found = glyphs(render_pdf(document("<p>Left</p>", ' page="a4"')))
    left = word(found, "Left")[0]
    assert left.x == pytest.approx(sheet.margin + 6, abs=0.01)  # the frame pads its content by 6 pt
    assert sheet.page_size[1] - sheet.top_margin - 12 < left.top < sheet.page_size[1] - sheet.top_margin


def test_a_page_break_starts_a_new_page() -> None:
    data = render_pdf(document("<p>before</p><pagebreak/><p>after</p>"))
    pages = [folded(page) for page in pdf_pages(data)]
    assert len(pages) == 2
    assert "before" in pages[0] and "after" not in pages[0] and "Page 1 of 2" in pages[0]
    assert "after" in pages[1] and "before" not in pages[1] and "Page 2 of 2" in pages[1]


# -- tables and quotes -------------------------------------------------------------------------------------


def test_a_tables_cells_come_out_row_by_row() -> None:
    rows = [["Drug", "Started", "Peak"], ["clonazepam", "Mar2014", "4mg"], ["baclofen", "Nov2020", "60mg"],
            ["diazepam", "Jan2021", "10mg"]]
    header = "".join(f"<th>{cell}</th>" for cell in rows[0])
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows[1:])
    data = render_pdf(document(f"<table><tr>{header}</tr>{body}</table>"))
    found = glyphs(data)
    text = folded(" ".join(pdf_pages(data)))
    assert " ".join(cell for row in rows for cell in row) in text
    cells = [[word(found, cell)[0] for cell in row] for row in rows]
    for upper, lower in zip(cells, cells[1:]):
        assert lower[0].top < upper[0].bottom  # each row below the one before
    for row in cells:
        assert [glyph.x for glyph in row] == sorted(glyph.x for glyph in row)  # left to right
        assert max(glyph.baseline for glyph in row) - min(glyph.baseline for glyph in row) < 0.1  # on one line
    assert {glyph.font for glyph in word(found, "Drug")} == {"DejaVuSans-Bold"}  # the header row is bold
    assert {glyph.font for glyph in word(found, "clonazepam")} == {"DejaVuSans"}


def test_a_tables_column_widths_are_fractions_of_the_frame() -> None:
    found = glyphs(render_pdf(document('<table widths="1,3"><tr><td>narrow</td><td>wide</td></tr></table>')))
    sheet = StyleSheet()
    offset = word(found, "wide")[0].x - word(found, "narrow")[0].x
    assert offset == pytest.approx(sheet.frame_width / 4, abs=0.01)


COLUMNS = ('<p>Before</p><columns widths="1,1"><column><h3>Medications</h3><table widths="1,1"><tr><th>Drug</th>'
           '<th>Started</th></tr><tr><td>clonazepam</td><td>Mar2014</td></tr></table></column><column><h3>Symptoms</h3>'
           '<p style="compact">tinnitus &amp; &lt;insomnia&gt;</p></column></columns><p>After</p>')


def test_columns_stand_side_by_side_each_in_its_share_of_the_frame() -> None:
    data = render_pdf(document(COLUMNS))
    found = glyphs(data)
    sheet = StyleSheet()
    left, right = word(found, "Medications")[0], word(found, "Symptoms")[0]
    assert right.baseline == pytest.approx(left.baseline, abs=0.01)  # the columns start level
    half = (sheet.frame_width - 10.0) / 2 + 10.0
    assert right.x - left.x == pytest.approx(half, abs=0.01)
    # a table in a column spans the column, not the frame
    assert word(found, "Started")[0].x - word(found, "Drug")[0].x == pytest.approx((half - 10.0) / 2, abs=0.01)
    assert "tinnitus & <insomnia>" in folded(" ".join(pdf_pages(data)))
    before, after = word(found, "Before")[0], word(found, "After")[0]
    assert before.bottom > left.top and after.top < word(found, "clonazepam")[0].bottom  # in order down the page
    assert {glyph.size for glyph in word(found, "clonazepam")} == {sheet.size("table")}


def test_columns_save_the_height_of_the_shorter_column() -> None:
    stacked = COLUMNS.replace('<columns widths="1,1"><column>', "").replace("</column><column>", "").replace(
        "</column></columns>", "")
    def height(data: bytes) -> float:
        found = glyphs(data)
        return word(found, "Before")[0].top - word(found, "After")[0].bottom
    assert height(render_pdf(document(COLUMNS))) < height(render_pdf(document(stacked))) - 15


def test_a_quote_is_indented() -> None:
    found = glyphs(render_pdf(document("<p>Body</p><quote>Quoted</quote><p>After</p>")))
    body, quote, after = word(found, "Body")[0], word(found, "Quoted")[0], word(found, "After")[0]
    assert quote.x - body.x >= 18  # set in by the rule's width and its padding
    assert after.x == pytest.approx(body.x, abs=0.01)
    assert quote.font == "DejaVuSans" and quote.size == body.size


def test_list_items_are_indented_under_their_markers() -> None:
    found = glyphs(render_pdf(document("<p>Body</p><ul><li>Item</li></ul>")))
    assert word(found, "Item")[0].x > word(found, "•")[0].x >= word(found, "Body")[0].x


# -- the same bytes ---------------------------------------------------------------------------------------

SAMPLE = ("<h1>Heading</h1><p>Body with <b>bold</b> and <i>italic</i>.</p><quote>Quote</quote>"
          "<table><tr><th>A</th></tr><tr><td>1</td></tr></table><pagebreak/><ul><li>item</li></ul>")


def test_the_same_document_gives_the_same_bytes() -> None:
    first = render_pdf(document(SAMPLE))
    render_pdf(document("<p>Something else in between, which fills the caches differently.</p>", ' page="a4"'))
    assert render_pdf(document(SAMPLE)) == first
    assert b"/CreationDate (D:20000101000000+00'00')" in first  # reportlab's invariant date, not the clock


def test_a_different_document_gives_different_bytes() -> None:
    assert render_pdf(document(SAMPLE)) != render_pdf(document(SAMPLE.replace("Body", "Bodies")))


def test_write_pdf_returns_or_writes_the_same_bytes(tmp_path: Path) -> None:
    expected = render_pdf(document(SAMPLE))
    assert write_pdf(document(SAMPLE)) == expected
    assert write_pdf(document(SAMPLE), tmp_path / "out.pdf") is None
    assert (tmp_path / "out.pdf").read_bytes() == expected
    assert write_pdf(document(SAMPLE), str(tmp_path / "named.pdf")) is None
    assert (tmp_path / "named.pdf").read_bytes() == expected
    buffer = io.BytesIO()
    assert write_pdf(document(SAMPLE), buffer) is None
    assert buffer.getvalue() == expected


def test_a_quote_longer_than_many_pages_keeps_every_word_in_order() -> None:
    from docgen.markup import blocks as block_model
    from docgen.render.pdf import render_pdf

    words = [f"w{index}" for index in range(9000)]
    document = block_model.parse_document(
        '<document title="t"><p>Intro</p><quote>' + " ".join(words) + ". Last sentence.</quote><p>after</p></document>", {}, "t")
    pages = pdf_pages(render_pdf(document))
    read = " ".join(pages).split()
    assert len(pages) > 3
    assert [word.rstrip(".") for word in read if word.startswith("w")] == words
    assert read.index("Last") == read.index("w8999.") + 1


def test_a_paragraph_of_thousands_of_lines_keeps_every_line() -> None:
    from docgen.markup import blocks as block_model
    from docgen.render.pdf import render_pdf

    lines = [f"line {index}" for index in range(2000)]
    document = block_model.parse_document(
        '<document title="t"><p style="address">' + "<br/>".join(lines) + "</p></document>", {}, "t")
    text = "\n".join(pdf_pages(render_pdf(document)))
    found = [line for line in text.splitlines() if line.startswith("line ")]
    assert found == lines


def test_a_column_taller_than_a_page_goes_on_over_the_next() -> None:
    """A letterhead whose address runs to a hundred lines (hostile input) is set over two pages,
    every line of it, rather than failing the layout."""
    lines = "<br/>".join(f"Address line {number}" for number in range(1, 101))
    markup = (f'<document title="Test"><columns widths="1,1"><column><p style="address">{lines}</p></column>'
              '<column><p style="address">The sender</p></column></columns><p>After the letterhead.</p></document>')
    pdf = render_pdf(parse_document(markup, {}, "test.xml.j2"))
    assert page_count(pdf) >= 2
    text = folded(" ".join(pdf_pages(pdf)))
    assert all(f"Address line {number} " in text + " " for number in range(1, 101))
    assert "The sender" in text and "After the letterhead." in text
