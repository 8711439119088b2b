"""The DOCX renderer on small block documents: text in order, styles and page set-up from the one
style sheet, page furniture on every page, breaks, tables and quotes, and the same bytes every time.

The document is read back with python-docx; where LibreOffice is installed, one test also lets it
lay the pages out, as a reader's word processor would."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import datetime, timezone
from pathlib import Path

import docx
import pytest
from conftest import docx_text, folded, pdf_pages
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Emu, Pt
from docx.text.paragraph import Paragraph

from docgen.markup.blocks import Document, parse_document
from docgen.render.docx import render_docx, write_docx
from docgen.render.styles import PAGE_SIZES, StyleSheet

FURNITURE = ('<furniture left="Jordan A. Rivera · born 14 Aug 1971" right="Medication timeline" '
             'footer="Generated 22 Nov 2026 with docgen"/>')
#: One twip (1/20 pt), the unit Word stores page sizes and margins in.
TWIP = Emu(635)


def document(body: str, attributes: str = "", furniture: str = FURNITURE) -> Document:
    return parse_document(f'<document title="Test"{attributes}>{furniture}{body}</document>', {}, "test.xml.j2")


def read(data: bytes) -> DocxDocument:
    return docx.Document(io.BytesIO(data))


def paragraph(word: DocxDocument, text: str) -> Paragraph:
    matches = [each for each in word.paragraphs if each.text == text]
    assert len(matches) == 1, [each.text for each in word.paragraphs]
    return matches[0]


# -- text ----------------------------------------------------------------------------------------------


def test_the_text_comes_out_in_document_order() -> None:
    data = render_docx(document(
        "<h1>First heading</h1><p>A paragraph of body text.</p><ul><li>bullet one</li><li>bullet two</li></ul>"
        "<ol><li>numbered one</li></ol><quote>Quoted record text.</quote><h2>Second heading</h2>"
        "<table><tr><th>Head</th></tr><tr><td>Cell</td></tr></table><p style='fine'>Fine print.</p>"))
    text = folded(docx_text(data))
    expected = ["Jordan A. Rivera", "First heading", "A paragraph of body text.", "• bullet one", "• bullet two",
                "1. numbered one", "Quoted record text.", "Second heading", "Head", "Cell", "Fine print.",
                "Generated 22 Nov 2026 with docgen"]
    positions = [text.find(part) for part in expected]
    assert -1 not in positions, text
    assert positions == sorted(positions), text


def test_user_text_comes_out_exactly() -> None:
    typed = "Zoë Łukasiewicz-Núñez: dose <2 mg> & “≥ 5 µg”"
    from xml.sax.saxutils import escape

    assert typed in docx_text(render_docx(document(f"<p>{escape(typed)}</p>")))


@pytest.mark.parametrize("level", [1, 2, 3])
def test_a_heading_has_a_bold_heading_style_sized_by_the_style_sheet(level: int) -> None:
    word = read(render_docx(document(f"<h{level}>Heading</h{level}><p>Body</p>")))
    heading, body = paragraph(word, "Heading"), paragraph(word, "Body")
    sheet = StyleSheet()
    assert heading.style is not None and heading.style.name == f"Heading {level}"
    assert heading.style.font.bold is True and heading.style.font.italic is False
    assert heading.style.font.size == Pt(sheet.size(f"h{level}"))
    assert all(run.bold is None and run.font.size is None for run in heading.runs)  # nothing overrides the style
    assert heading.paragraph_format.keep_with_next is True and heading.style.paragraph_format.keep_with_next is True
    normal = word.styles["Normal"]
    assert normal.font.size == Pt(sheet.body)
    assert body.style is not None and not body.style.font.bold
    assert heading.style.font.size >= normal.font.size
    if level < 3:  # a third-level heading differs by weight alone
        assert heading.style.font.size > normal.font.size


def test_the_title_has_the_title_style() -> None:
    word = read(render_docx(document('<p style="title">Title</p>')))
    title = paragraph(word, "Title")
    assert title.style is not None and title.style.name == "Title"
    assert title.style.font.bold is True and title.style.font.size == Pt(StyleSheet().size("title"))


@pytest.mark.parametrize(("markup", "bold", "italic"), [
    ("<b>word</b>", True, None),
    ("<i>word</i>", None, True),
    ("<b><i>word</i></b>", True, True),
    ("word", None, None),
])
def test_inline_emphasis_is_set_on_its_run(markup: str, bold: bool | None, italic: bool | None) -> None:
    word = read(render_docx(document(f"<p>plain {markup} plain</p>")))
    runs = [run for run in paragraph(word, "plain word plain").runs if "word" in run.text]
    assert [(run.bold, run.italic) for run in runs] == [(bold, italic)]


@pytest.mark.parametrize("style", ["small", "fine", "address", "signature"])
def test_a_paragraph_style_is_sized_by_the_style_sheet(style: str) -> None:
    word = read(render_docx(document(f'<p style="{style}">Styled</p>', ' size="9"')))
    styled = paragraph(word, "Styled")
    assert styled.style is not None and styled.style.font.size == Pt(StyleSheet(body=9).size(style))


def test_a_right_aligned_paragraph_is_right_aligned() -> None:
    word = read(render_docx(document('<p style="right">22 Nov 2026</p><p>left</p>')))
    assert paragraph(word, "22 Nov 2026").alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert paragraph(word, "left").alignment is None


def test_a_line_break_is_a_break_in_the_paragraph() -> None:
    word = read(render_docx(document("<p>upper<br/>lower</p>")))
    (broken,) = [each for each in word.paragraphs if "upper" in each.text]
    assert broken.text == "upper\nlower"


# -- the page ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("page", ["letter", "a4"])
def test_the_page_size_and_margins_are_the_style_sheets(page: str) -> None:
    word = read(render_docx(document("<p>x</p>", f' page="{page}"')))
    (section,) = word.sections
    sheet = StyleSheet(page=page)
    width, height = PAGE_SIZES[page]
    for found, expected in [(section.page_width, width), (section.page_height, height),
                            (section.left_margin, sheet.margin), (section.right_margin, sheet.margin),
                            (section.top_margin, sheet.top_margin), (section.bottom_margin, sheet.bottom_margin)]:
        assert found is not None and abs(found - Pt(expected)) <= TWIP, (found, expected)


def test_letter_and_a4_differ() -> None:
    letter = read(render_docx(document("<p>x</p>"))).sections[0]
    a4 = read(render_docx(document("<p>x</p>", ' page="a4"'))).sections[0]
    assert (letter.page_width, letter.page_height) == (Pt(612), Pt(792))
    assert a4.page_width is not None and letter.page_width is not None and a4.page_width < letter.page_width
    assert a4.page_height is not None and letter.page_height is not None and a4.page_height > letter.page_height


def test_the_documents_size_sets_the_normal_style() -> None:
    word = read(render_docx(document("<p>x</p>", ' size="12"')))
    assert word.styles["Normal"].font.size == Pt(12)


def test_the_furniture_is_in_the_one_header_and_footer_every_page_shares() -> None:
    word = read(render_docx(document("<p>before</p><pagebreak/><p>after</p>")))
    (section,) = word.sections  # one section: its header and footer are on every page
    assert not section.different_first_page_header_footer
    assert not word.settings.odd_and_even_pages_header_footer
    assert not section.header.is_linked_to_previous and not section.footer.is_linked_to_previous
    assert [each.text for each in section.header.paragraphs] == ["Jordan A. Rivera · born 14 Aug 1971\tMedication timeline"]
    footer = section.footer.paragraphs[0]
    assert footer.text == "Generated 22 Nov 2026 with docgen\tPage 1 of 1"  # the fields' last values
    fields = [node.text.strip() for node in footer._p.iter(qn("w:instrText"))]
    assert fields == ["PAGE", "NUMPAGES"]  # filled in by the word processor on each page
    tabs = footer.paragraph_format.tab_stops
    assert len(tabs) == 1 and abs(tabs[0].position - Pt(StyleSheet().frame_width)) <= TWIP  # flush right


def test_the_footer_is_one_colour() -> None:
    footer = read(render_docx(document("<p>x</p>"))).sections[0].footer.paragraphs[0]
    colours = {str(run.font.color.rgb) for run in footer.runs if run.text}
    assert colours == {"4D4D4D"}, colours


def test_a_page_break_is_between_the_paragraphs_it_separates() -> None:
    word = read(render_docx(document("<p>before</p><pagebreak/><p>after</p>")))
    texts = [each.text for each in word.paragraphs]
    breaks = [index for index, each in enumerate(word.paragraphs)
              if any(node.get(qn("w:type")) == "page" for node in each._p.iter(qn("w:br")))]
    assert len(breaks) == 1
    assert texts.index("before") < breaks[0] < texts.index("after")


_SOFFICE = shutil.which("soffice")


@pytest.fixture(scope="module")
def laid_out(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """The pages of a two-page A4 document, as LibreOffice lays out the DOCX."""
    folder = tmp_path_factory.mktemp("libreoffice")
    source = folder / "two-pages.docx"
    source.write_bytes(render_docx(document("<h1>Heading</h1><p>before</p><pagebreak/><p>after</p>", ' page="a4"')))
    completed = subprocess.run(
        [str(_SOFFICE), f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless", "--convert-to", "pdf",
         "--outdir", str(folder), str(source)], capture_output=True, text=True, timeout=180, check=False)
    assert completed.returncode == 0, completed.stderr
    return pdf_pages((folder / "two-pages.pdf").read_bytes())


@pytest.mark.skipif(_SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_a_word_processor_puts_the_furniture_on_every_page(laid_out: list[str]) -> None:
    assert len(laid_out) == 2
    for number, page in enumerate(laid_out, start=1):
        text = folded(page)
        assert "Jordan A. Rivera · born 14 Aug 1971" in text and "Medication timeline" in text
        assert "Generated 22 Nov 2026 with docgen" in text and f"Page {number} of 2" in text
    assert "before" in laid_out[0] and "after" not in laid_out[0]
    assert "after" in laid_out[1] and "before" not in laid_out[1]


# -- tables and quotes -------------------------------------------------------------------------------------


def test_a_tables_cells_come_out_row_by_row() -> None:
    rows = [["Drug", "Started", "Peak"], ["clonazepam", "Mar 2014", "4 mg"], ["baclofen", "Nov 2020", "60 mg"]]
    header = "".join(f"<th>{cell}</th>" for cell in rows[0])
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows[1:])
    word = read(render_docx(document(f'<table widths="2,1,1"><tr>{header}</tr>{body}</table>')))
    (table,) = word.tables
    assert [[cell.text for cell in row.cells] for row in table.rows] == rows
    first = table.rows[0]._tr
    assert first.trPr is not None and first.trPr.find(qn("w:tblHeader")) is not None  # repeats on each page
    assert table.rows[1]._tr.trPr is None or table.rows[1]._tr.trPr.find(qn("w:tblHeader")) is None
    header_style = table.rows[0].cells[0].paragraphs[0].style
    cell_style = table.rows[1].cells[0].paragraphs[0].style
    assert header_style is not None and header_style.font.bold is True
    assert cell_style is not None and not cell_style.font.bold
    frame = Pt(StyleSheet().frame_width)
    widths = [column.width for column in table.columns]
    for found, fraction in zip(widths, (0.5, 0.25, 0.25)):
        assert found is not None and abs(found - frame * fraction) <= TWIP


def test_a_ragged_table_fills_its_short_rows_with_empty_cells() -> None:
    word = read(render_docx(document("<table><tr><td>a</td></tr><tr><td>b</td><td>c</td></tr></table>")))
    assert [[cell.text for cell in row.cells] for row in word.tables[0].rows] == [["a", ""], ["b", "c"]]


def test_columns_are_a_borderless_table_of_one_row_holding_each_columns_blocks() -> None:
    word = read(render_docx(document(
        '<p>Before</p><columns widths="2,1"><column><h3>Medications</h3><table><tr><th>Drug</th></tr>'
        '<tr><td>clonazepam</td></tr></table></column><column><p style="compact">tinnitus &amp; &lt;x&gt;</p>'
        '</column></columns><p>After</p>')))
    (outer,) = word.tables
    assert len(outer.rows) == 1 and len(outer.columns) == 2
    assert outer._tbl.tblPr.find(qn("w:tblBorders")) is None  # no rules between the columns
    left, right = outer.rows[0].cells
    assert left.paragraphs[0].text == "Medications" and left.paragraphs[0].style.name == "Heading 3"
    (inner,) = left.tables
    assert [[cell.text for cell in row.cells] for row in inner.rows] == [["Drug"], ["clonazepam"]]
    assert right.paragraphs[0].text == "tinnitus & <x>"
    frame = StyleSheet().frame_width
    shares = [(frame - 10.0) * 2 / 3 + 10.0, (frame - 10.0) / 3]
    widths = [cell.width for cell in outer.rows[0].cells]
    assert widths == [pytest.approx(Pt(share), abs=TWIP) for share in shares]  # stored in twips
    body = [each.text for each in word.paragraphs if each.text]
    assert body.index("Before") < body.index("After")  # the columns stand between them
    assert outer._tbl.getprevious() is paragraph(word, "Before")._p


def test_a_quote_is_indented_with_a_rule_beside_it() -> None:
    word = read(render_docx(document("<p>Body</p><quote>Quoted</quote><p>After</p>")))
    quote = paragraph(word, "Quoted")
    assert quote.paragraph_format.left_indent == Pt(24)
    assert paragraph(word, "Body").paragraph_format.left_indent is None
    assert paragraph(word, "After").paragraph_format.left_indent is None
    borders = quote._p.pPr.find(qn("w:pBdr")) if quote._p.pPr is not None else None
    assert borders is not None and borders.find(qn("w:left")) is not None


def test_list_items_hang_under_their_markers() -> None:
    word = read(render_docx(document("<ol><li>one</li><li>two</li></ol><ul><li>dot</li></ul>")))
    items = [paragraph(word, "1.\tone"), paragraph(word, "2.\ttwo"), paragraph(word, "•\tdot")]
    for item in items:
        assert item.paragraph_format.left_indent == Pt(18)
        assert item.paragraph_format.first_line_indent == Pt(-14)


# -- the same bytes ---------------------------------------------------------------------------------------

SAMPLE = ("<h1>Heading</h1><p>Body with <b>bold</b> and <i>italic</i>.</p><quote>Quote</quote>"
          "<table><tr><th>A</th></tr><tr><td>1</td></tr></table><pagebreak/><ul><li>item</li></ul>")
CREATED = datetime(2026, 11, 22, tzinfo=timezone.utc)


def test_the_same_document_gives_the_same_bytes() -> None:
    first = render_docx(document(SAMPLE), CREATED)
    render_docx(document("<p>Something else in between.</p>", ' page="a4"'), CREATED)
    assert render_docx(document(SAMPLE), CREATED) == first
    word = read(first)
    assert word.core_properties.created == word.core_properties.modified == CREATED


def test_a_different_document_or_date_gives_different_bytes() -> None:
    first = render_docx(document(SAMPLE), CREATED)
    assert render_docx(document(SAMPLE.replace("Body", "Bodies")), CREATED) != first
    assert render_docx(document(SAMPLE), datetime(2026, 11, 23, tzinfo=timezone.utc)) != first


def test_write_docx_returns_or_writes_the_same_bytes(tmp_path: Path) -> None:
    expected = render_docx(document(SAMPLE), CREATED)
    assert write_docx(document(SAMPLE), created=CREATED) == expected
    assert write_docx(document(SAMPLE), tmp_path / "out.docx", CREATED) is None
    assert (tmp_path / "out.docx").read_bytes() == expected
    buffer = io.BytesIO()
    assert write_docx(document(SAMPLE), buffer, CREATED) is None
    assert buffer.getvalue() == expected
