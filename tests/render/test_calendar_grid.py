"""The month grid (a calendar table), landscape pages and large print, in both renderers: every
cell ruled in black with no gray, rows at least their lines tall and never split across pages, the
page turned, and no text below the document's smallest size."""

from __future__ import annotations

import ctypes
import io
import re
import zipfile

import docx
import pypdfium2
import pypdfium2.raw as pdfium
import pytest
from conftest import docx_text, folded, pdf_pages
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn

from docgen.markup.blocks import Document, parse_document
from docgen.render.docx import render_docx
from docgen.render.pdf import page_count, render_pdf
from docgen.render.styles import PAGE_SIZES, StyleSheet


def grid(rows: int, lines: int = 6, cell: str = "1<br/>12 mg", attributes: str = "", before: str = "") -> Document:
    body = "".join(f"<tr>{''.join(f'<td>{cell}</td>' for _ in range(7))}</tr>" for _ in range(rows))
    head = "".join(f"<th>{name}</th>" for name in ("Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"))
    return parse_document(f'<document title="Grid"{attributes}>{before}<table style="calendar" lines="{lines}" '
                          f'widths="1,1,1,1,1,1,1"><tr>{head}</tr>{body}</table></document>', {}, "grid.xml.j2")


def _sizes(data: bytes) -> set[float]:
    """The font size of every drawn character."""
    found = set()
    pdf = pypdfium2.PdfDocument(data)
    try:
        for page in pdf:
            text_page = page.get_textpage()
            for index in range(text_page.count_chars()):
                if not chr(pdfium.FPDFText_GetUnicode(text_page.raw, index)).isspace():
                    found.add(round(pdfium.FPDFText_GetFontSize(text_page.raw, index), 1))
    finally:
        pdf.close()
    return found


def _page_size(data: bytes) -> tuple[float, float]:
    pdf = pypdfium2.PdfDocument(data)
    try:
        return tuple(round(value, 1) for value in pdf[0].get_size())  # type: ignore[return-value]
    finally:
        pdf.close()


# -- PDF ---------------------------------------------------------------------------------------------------


def test_a_grid_row_is_at_least_its_lines_tall() -> None:
    """Five rows of six lines fit a letter page; the same rows at twenty lines need more pages,
    each row whole (a row never splits), the header repeated."""
    assert page_count(render_pdf(grid(5, 6))) == 1
    data = render_pdf(grid(5, 20))
    assert page_count(data) == 3  # two rows of twenty lines a page
    pages = pdf_pages(data)
    assert all("Sun" in page for page in pages)
    assert sum(folded(page).count("12 mg") for page in pages) == 35


def test_a_row_grows_past_its_lines_when_its_text_needs_it() -> None:
    tall = "<br/>".join(["x"] * 30)
    assert page_count(render_pdf(grid(1, 2, cell=tall))) == 1
    assert page_count(render_pdf(grid(2, 2, cell=tall))) == 2


def test_a_calendar_grid_has_no_gray_a_fax_would_dither() -> None:
    """Its lines and text are black (the furniture's gray, set with g and G, is the page's own);
    a grid table, for comparison, fills its header gray."""
    from pypdf import PdfReader

    def colours(data: bytes) -> set[str]:
        stream = PdfReader(io.BytesIO(data)).pages[0].get_contents().get_data().decode("latin-1")  # type: ignore[union-attr]
        return set(re.findall(r"[\d.]+ [\d.]+ [\d.]+ (?:rg|RG)\b", stream))

    assert colours(render_pdf(grid(2))) == {"0 0 0 rg", "0 0 0 RG"}
    plain_grid = parse_document("<document><table><tr><th>a</th></tr><tr><td>b</td></tr></table></document>", {})
    assert ".88 .88 .88 rg" in colours(render_pdf(plain_grid))


def test_a_landscape_page_is_turned() -> None:
    width, height = PAGE_SIZES["letter"]
    assert _page_size(render_pdf(grid(1, attributes=' orientation="landscape"'))) == (round(height, 1), round(width, 1))
    assert _page_size(render_pdf(grid(1))) == (round(width, 1), round(height, 1))
    a4_width, a4_height = PAGE_SIZES["a4"]
    assert _page_size(render_pdf(grid(1, attributes=' page="a4" orientation="landscape"'))) == \
        (round(a4_height, 1), round(a4_width, 1))


def test_large_print_sets_no_text_below_its_minimum() -> None:
    before = '<furniture left="A" right="B" footer="C"/><p style="fine">fine print</p><p style="small">small</p>' \
             '<table><tr><th>Step</th></tr><tr><td>1</td></tr></table>'
    regular = _sizes(render_pdf(grid(1, before=before)))
    assert min(regular) < 10
    large = _sizes(render_pdf(grid(1, before=before, attributes=' size="14" minimum="14" orientation="landscape"')))
    assert min(large) >= 14


def test_the_style_sheet_swaps_the_sides_of_a_landscape_page() -> None:
    assert StyleSheet(landscape=True).page_size == tuple(reversed(StyleSheet().page_size))
    assert StyleSheet(body=14, minimum=14).size("fine") == 14
    assert StyleSheet(body=10).size("fine") == 7.5


# -- DOCX ------------------------------------------------------------------------------------------------


def _table_xml(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return package.read("word/document.xml").decode("utf-8")


def test_a_docx_grid_rules_every_cell_and_keeps_rows_whole() -> None:
    data = render_docx(grid(3, 6))
    word = docx.Document(io.BytesIO(data))
    table = word.tables[0]
    borders = table._tbl.tblPr.find(qn("w:tblBorders"))
    assert borders is not None
    edges = {child.tag.split("}")[1]: child for child in borders}
    assert set(edges) == {"top", "left", "bottom", "right", "insideH", "insideV"}
    assert {edge.get(qn("w:color")) for edge in edges.values()} == {"000000"}
    sheet = StyleSheet(body=10)
    for row in table.rows[1:]:
        properties = row._tr.trPr
        assert properties.find(qn("w:cantSplit")) is not None
        height = properties.find(qn("w:trHeight"))
        assert height.get(qn("w:hRule")) == "atLeast"
        assert int(height.get(qn("w:val"))) == round((6 * sheet.leading("body") + 6) * 20)
    header = table.rows[0]
    assert header._tr.trPr.find(qn("w:tblHeader")) is not None
    assert "w:shd" not in _table_xml(data)  # no gray fill
    assert "Sun" in docx_text(data)
    # the table properties in the schema's order: borders before the cell margins, both before tblLook
    order = [child.tag.split("}")[1] for child in table._tbl.tblPr]
    assert order.index("tblBorders") < order.index("tblCellMar") < order.index("tblLook")


def test_a_docx_landscape_page_is_turned_and_large_print_has_no_small_text() -> None:
    data = render_docx(grid(1, attributes=' size="14" minimum="14" orientation="landscape"',
                            before='<p style="fine">fine print</p>'))
    section = docx.Document(io.BytesIO(data)).sections[0]
    assert section.orientation == WD_ORIENT.LANDSCAPE
    assert section.page_width > section.page_height
    # the text's runs (a paragraph's mark, under w:pPr, draws nothing: empty ones are set tiny)
    runs = re.sub(r"<w:pPr>.*?</w:pPr>", "", _table_xml(data), flags=re.DOTALL)
    sizes = [int(value) for value in re.findall(r'<w:sz w:val="(\d+)"', runs)]
    styles = zipfile.ZipFile(io.BytesIO(data)).read("word/styles.xml").decode("utf-8")
    sizes += [int(value) for value in re.findall(r'w:styleId="Docgen[^"]*".*?<w:sz w:val="(\d+)"', styles, re.DOTALL)]
    assert sizes and min(sizes) >= 28  # half-points


@pytest.mark.parametrize("rows", [4, 5, 6])
def test_a_month_of_six_line_rows_fits_one_portrait_page(rows: int) -> None:
    assert page_count(render_pdf(grid(rows, 6, cell="<br/>".join(["1"] * 6)))) == 1
