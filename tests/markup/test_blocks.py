"""The block model: what ``parse_document`` makes of each element of the templates' XML, how
inline text folds, the text form the goldens use, and the errors a bad template output raises."""

from __future__ import annotations

import re
from xml.sax.saxutils import escape

import pytest
from hypothesis import given
from hypothesis import strategies as st

from docgen.errors import TemplateError
from docgen.markup.blocks import (
    LINE_BREAK,
    Columns,
    Document,
    Figure,
    Furniture,
    Heading,
    ListBlock,
    PageBreak,
    Paragraph,
    Quote,
    Rule,
    Spacer,
    Span,
    Table,
    describe,
    iter_text,
    parse_document,
    plain,
)

TEMPLATE = "example.xml.j2"


def parse(body: str, figures: dict[str, object] | None = None, attributes: str = "") -> Document:
    return parse_document(f"<document{attributes}>{body}</document>", figures or {}, TEMPLATE)


def only_block(body: str, figures: dict[str, object] | None = None) -> object:
    document = parse(body, figures)
    assert len(document.blocks) == 1, document.blocks
    return document.blocks[0]


def text(value: str) -> tuple[Span, ...]:
    return (Span(value),)


# -- every node type -------------------------------------------------------------------------------


@pytest.mark.parametrize("level", [1, 2, 3])
def test_a_heading_keeps_its_level_and_inline_text(level: int) -> None:
    assert only_block(f"<h{level}>Dose <i>history</i></h{level}>") == Heading(
        level, (Span("Dose "), Span("history", italic=True)))


@pytest.mark.parametrize(("attributes", "style", "keep"), [
    ("", "body", False),
    (' style="body"', "body", False),
    (' style="small"', "small", False),
    (' style="fine"', "fine", False),
    (' style="title"', "title", False),
    (' style="subtitle"', "subtitle", False),
    (' style="address"', "address", False),
    (' style="right"', "right", False),
    (' style="signature"', "signature", False),
    (' keep="next"', "body", True),
    (' style="small" keep="next"', "small", True),
    (' keep="no"', "body", False),
])
def test_a_paragraph_keeps_its_style_and_whether_it_stays_with_the_next(attributes: str, style: str, keep: bool) -> None:
    assert only_block(f"<p{attributes}>Text</p>") == Paragraph(text("Text"), style, keep)


def test_a_quote_is_its_own_block() -> None:
    assert only_block("<quote>Assessment: functional neurological disorder (F44.4).</quote>") == Quote(
        text("Assessment: functional neurological disorder (F44.4)."))


@pytest.mark.parametrize(("tag", "ordered"), [("ul", False), ("ol", True)])
def test_a_list_keeps_its_items_in_order(tag: str, ordered: bool) -> None:
    block = only_block(f"<{tag}><li>first</li><li><b>second</b></li><li>third</li></{tag}>")
    assert block == ListBlock((text("first"), (Span("second", bold=True),), text("third")), ordered=ordered)


def test_a_list_keeps_its_style() -> None:
    block = only_block('<ul style="small"><li>a</li></ul>')
    assert isinstance(block, ListBlock) and block.style == "small"


def test_a_table_has_a_header_rows_and_normalised_widths() -> None:
    block = only_block('<table widths="1,3" style="plain">'
                       "<tr><th>Drug</th><th>Dose</th></tr>"
                       "<tr><td>clonazepam</td><td>1 mg</td></tr>"
                       "<tr><td>baclofen</td><td><b>60</b> mg</td></tr></table>")
    assert block == Table(
        header=(text("Drug"), text("Dose")),
        rows=((text("clonazepam"), text("1 mg")), (text("baclofen"), (Span("60", bold=True), Span(" mg")))),
        widths=(0.25, 0.75),
        style="plain",
    )


def test_a_table_without_widths_has_equal_columns_and_the_grid_style() -> None:
    block = only_block("<table><tr><td>a</td><td>b</td><td>c</td></tr></table>")
    assert isinstance(block, Table)
    assert block.header == ()
    assert block.widths == pytest.approx((1 / 3, 1 / 3, 1 / 3))
    assert block.style == "grid"


@pytest.mark.parametrize(("rows", "header", "body"), [
    ("<tr><th>h</th></tr><tr><td>a</td></tr>", ("h",), [("a",)]),
    ("<tr><td>a</td></tr><tr><th>h</th></tr>", (), [("a",), ("h",)]),  # only a first row heads a table
    ("<tr><th>h</th><td>x</td></tr>", (), [("h", "x")]),  # a row with a data cell is data
    ("<tr><th>h</th></tr><tr><th>i</th></tr>", ("h",), [("i",)]),  # one header row at most
])
def test_only_a_first_row_of_header_cells_is_the_header(rows: str, header: tuple[str, ...], body: list[tuple[str, ...]]) -> None:
    block = only_block(f"<table>{rows}</table>")
    assert isinstance(block, Table)
    assert tuple(plain(cell) for cell in block.header) == header
    assert [tuple(plain(cell) for cell in row) for row in block.rows] == body


def test_columns_hold_block_lists_side_by_side_with_normalised_widths() -> None:
    block = only_block('<columns widths="3,1"><column><h3>Medications</h3><table><tr><td>a &amp; b</td></tr></table>'
                       '</column><column><p style="compact">x &lt; y</p><figure ref="chart"/></column></columns>',
                       {"chart": "the chart"})
    assert isinstance(block, Columns)
    assert block.widths == (0.75, 0.25)
    left, right = block.columns
    assert left == (Heading(3, text("Medications")), Table((), ((text("a & b"),),), (1.0,)))
    assert right[0] == Paragraph(text("x < y"), "compact")
    assert isinstance(right[1], Figure) and right[1].figure == "the chart"


def test_columns_without_widths_share_the_width_equally_and_describe_each_column() -> None:
    block = only_block("<columns><column><p>left</p></column><column/><column><p>right</p></column></columns>")
    assert isinstance(block, Columns)
    assert block.widths == pytest.approx((1 / 3, 1 / 3, 1 / 3))
    assert block.columns[1] == ()
    assert describe(block) == "[column 1 of 3]\n[body] left\n[column 2 of 3]\n[column 3 of 3]\n[body] right"


@pytest.mark.parametrize(("body", "expected"), [
    ("<columns><column><p>one</p></column></columns>", "<columns> holds 1 <column>; expected two or more"),
    ("<columns><p>x</p><column/></columns>", "<columns> holds <p> outside its <column> elements"),
    ("<columns>loose<column/><column/></columns>", "<columns> holds the text 'loose' outside its <column> elements"),
    ("<columns><column>loose</column><column/></columns>", "<column> holds the text 'loose' outside a block"),
    ("<columns><column><pagebreak/></column><column/></columns>", "a <column> holds no <pagebreak/>"),
    ("<columns><column><columns><column/><column/></columns></column><column/></columns>",
     "a <column> holds no <pagebreak/> and no <columns> of its own"),
    ('<columns widths="1"><column/><column/></columns>', "<columns> declares 1 widths but holds 2 <column>"),
    ('<columns widths="1,0"><column/><column/></columns>', "the widths of <columns> must be positive numbers"),
    ("<columns><column><div/></column><column/></columns>", "<div> is not a block element"),
])
def test_bad_columns_are_a_template_error(body: str, expected: str) -> None:
    assert _error(f"<document>{body}</document>").startswith(f"{TEMPLATE}: {expected}")


def test_a_figure_refers_to_the_documents_figure_by_name() -> None:
    chart = object()
    assert only_block('<figure ref="chart" height="2.5"/>', {"chart": chart}) == Figure(chart, 2.5, "chart")
    block = only_block('<figure ref="chart"/>', {"chart": chart})
    assert isinstance(block, Figure) and block.figure is chart and block.height == 3.0


@pytest.mark.parametrize(("element", "block"), [
    ("<spacer/>", Spacer(6.0)),
    ('<spacer height="14"/>', Spacer(14.0)),
    ('<spacer height="0"/>', Spacer(0.0)),
    ("<pagebreak/>", PageBreak()),
    ("<rule/>", Rule()),
])
def test_spacers_page_breaks_and_rules(element: str, block: object) -> None:
    assert only_block(element) == block


def test_blocks_stay_in_document_order() -> None:
    document = parse("<h1>A</h1><p>B</p><rule/><quote>C</quote><pagebreak/><ol><li>D</li></ol><spacer/>")
    assert [type(block) for block in document.blocks] == [Heading, Paragraph, Rule, Quote, PageBreak, ListBlock, Spacer]


def test_the_document_element_sets_title_size_page_and_furniture() -> None:
    document = parse_document(
        '<document title="Medication  and\n symptom timeline" size="8.5" page="a4">'
        '<furniture left="Jordan A. Rivera · born 14 Aug 1971" right="Timeline" footer="Generated 22 Nov 2026"/>'
        "<p>x</p></document>", {}, TEMPLATE)
    assert document.title == "Medication and symptom timeline"
    assert document.size == 8.5
    assert document.page_size == "a4"
    assert document.furniture == Furniture("Jordan A. Rivera · born 14 Aug 1971", "Timeline", "Generated 22 Nov 2026")
    assert document.blocks == (Paragraph(text("x")),)  # the furniture is not a block


def test_a_document_has_defaults_for_everything_but_its_blocks() -> None:
    document = parse_document("<document/>", {}, TEMPLATE)
    assert document == Document(title="", blocks=(), furniture=Furniture(), size=10.0, page_size="letter")


# -- inline text -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("markup", "spans"), [
    ("plain", (Span("plain"),)),
    ("<b>bold</b>", (Span("bold", bold=True),)),
    ("<i>italic</i>", (Span("italic", italic=True),)),
    ("<b>both <i>at once</i></b>", (Span("both ", bold=True), Span("at once", bold=True, italic=True))),
    ("<i><b>at once</b></i>", (Span("at once", bold=True, italic=True),)),
    ("a <b>b</b> c", (Span("a "), Span("b", bold=True), Span(" c"))),
    ("one<br/>two", (Span("one"), Span(LINE_BREAK), Span("two"))),
    ("one <br/> two", (Span("one"), Span(LINE_BREAK), Span("two"))),  # no space kept at a line break
    ("<b>one<br/>two</b>", (Span("one", bold=True), Span(LINE_BREAK, bold=True), Span("two", bold=True))),
    ("a<br/><br/>b", (Span("a"), Span(LINE_BREAK), Span(LINE_BREAK), Span("b"))),  # a blank line
    ("a<br/>", (Span("a"),)),  # a line break at the end is dropped
    ("a <b></b>b", (Span("a b"),)),  # an empty element leaves nothing behind
    ("x<i>y</i>z", (Span("x"), Span("y", italic=True), Span("z"))),
])
def test_inline_emphasis_and_line_breaks(markup: str, spans: tuple[Span, ...]) -> None:
    block = only_block(f"<p>{markup}</p>")
    assert isinstance(block, Paragraph)
    assert block.spans == spans


@pytest.mark.parametrize(("typed", "kept"), [
    ("  leading and trailing  ", "leading and trailing"),
    ("one\n    two\tthree\r\nfour", "one two three four"),
    ("many     spaces", "many spaces"),
    ("no-break\u00a0\u00a0spaces", "no-break\u00a0\u00a0spaces"),  # typed by the user: kept, not folded
    ("\u00a0edge\u00a0", "\u00a0edge\u00a0"),  # a no-break space is not trimmed either
    ("thin\u2009space", "thin\u2009space"),
    ("", ""),
    ("   ", ""),
])
def test_white_space_folds_as_in_html_but_a_no_break_space_stays(typed: str, kept: str) -> None:
    block = only_block(f"<p>{typed}</p>")
    assert isinstance(block, Paragraph)
    assert plain(block.spans) == kept


def test_white_space_folds_across_emphasis() -> None:
    block = only_block("<p>a  <b>  b  </b>  <i> c</i>  </p>")
    assert isinstance(block, Paragraph)
    assert plain(block.spans) == "a b c"
    assert block.spans == (Span("a "), Span("b ", bold=True), Span("c", italic=True))


_FOLD = re.compile(r"[ \t\n\r\f\v]+")
#: Characters XML 1.0 can carry (no controls, surrogates or noncharacters), with the white space
#: that folds and some that does not.
_XML_TEXT = st.text(st.one_of(
    st.characters(blacklist_categories=("Cc", "Cs", "Cn")),
    st.sampled_from(" \t\n\r\u00a0\u2009\u3000"),
), max_size=60)


def _folded(value: str) -> str:
    return _FOLD.sub(" ", value.replace("\r\n", "\n")).strip(" ")


@given(_XML_TEXT)
def test_any_text_comes_back_folded_and_otherwise_as_typed(value: str) -> None:
    block = only_block(f"<p>{escape(value)}</p>")
    assert isinstance(block, Paragraph)
    assert plain(block.spans) == _folded(value)


@given(st.lists(st.tuples(_XML_TEXT, st.booleans(), st.booleans()), max_size=6))
def test_every_visible_character_keeps_its_emphasis(pieces: list[tuple[str, bool, bool]]) -> None:
    markup = ""
    for value, bold, italic in pieces:
        piece = escape(value)
        if italic:
            piece = f"<i>{piece}</i>"
        if bold:
            piece = f"<b>{piece}</b>"
        markup += piece
    block = only_block(f"<p>{markup}</p>")
    assert isinstance(block, Paragraph)
    expected = [(character, bold, italic) for value, bold, italic in pieces for character in value
                if not _FOLD.fullmatch(character)]
    found = [(character, span.bold, span.italic) for span in block.spans for character in span.text
             if not _FOLD.fullmatch(character)]
    assert found == expected


# -- the text form ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("block", "line"), [
    (Heading(1, text("Medications")), "# Medications"),
    (Heading(3, text("Sources")), "### Sources"),
    (Paragraph(text("Dear Sam,")), "[body] Dear Sam,"),
    (Paragraph((Span("Peak "), Span("4 mg", bold=True)), "small"), "[small] Peak 4 mg"),
    (Paragraph((Span("one"), Span(LINE_BREAK), Span("two")), "address"), "[address] one\ntwo"),
    (Quote(text("as recorded")), "> as recorded"),
    (ListBlock((text("a"), text("b"))), "- a\n- b"),
    (ListBlock((text("a"), text("b")), ordered=True), "1. a\n1. b"),
    (Table((text("Drug"), text("Dose")), ((text("x"), text("1")), (text("y"), text("2"))), (0.5, 0.5)),
     "|Drug | Dose|\n|x | 1|\n|y | 2|"),
    (Table((), ((text("x"), text("1")),), (0.5, 0.5)), "|x | 1|"),
    (Figure(object(), 3.0, "chart"), "[figure chart]"),
    (PageBreak(), "[page break]"),
    (Rule(), "[rule]"),
    (Spacer(6.0), ""),
])
def test_describe_gives_one_readable_line_per_block(block: object, line: str) -> None:
    assert describe(block) == line  # type: ignore[arg-type]


def test_document_text_is_one_block_a_line_and_iter_text_skips_the_invisible() -> None:
    document = parse('<h2>Plan</h2><spacer/><p style="fine">Small print</p><ul><li>one</li><li>two</li></ul>')
    assert document.text() == "## Plan\n\n[fine] Small print\n- one\n- two"
    assert list(iter_text(document)) == ["## Plan", "[fine] Small print", "- one\n- two"]


# -- errors -----------------------------------------------------------------------------------------


def _error(markup: str, figures: dict[str, object] | None = None) -> str:
    with pytest.raises(TemplateError) as raised:
        parse_document(markup, figures or {}, TEMPLATE)
    return str(raised.value)


@pytest.mark.parametrize(("body", "expected"), [
    ("<h4>too deep</h4>", "<h4> is not a block element; expected one of columns, figure, h1, h2, h3, ol, p, pagebreak, "
                          "quote, rule, spacer, table, ul"),
    ("<div>x</div>", "<div> is not a block element"),
    ("<li>loose item</li>", "<li> is not a block element"),
    ("<b>bold outside a paragraph</b>", "<b> is not a block element"),
])
def test_an_unknown_block_element_is_refused(body: str, expected: str) -> None:
    assert _error(f"<document>{body}</document>").startswith(f"{TEMPLATE}: {expected}")


@pytest.mark.parametrize(("markup", "expected"), [
    ('<document size="huge"/>', "could not convert string to float: 'huge'"),
    ('<document size="6.5"/>', "<document size=...> is 6.5; expected a number from 7 to 24"),
    ('<document size="25"/>', "<document size=...> is 25; expected a number from 7 to 24"),
    ('<document size="nan"/>', "<document size=...> is nan; expected a number from 7 to 24"),
    ('<document><spacer height="-1"/></document>', "<spacer height=...> is -1; expected a number from 0 to 400"),
    ('<document><spacer height="1e9"/></document>', "<spacer height=...> is 1e+09; expected a number from 0 to 400"),
    ('<document><spacer height="tall"/></document>', "could not convert string to float: 'tall'"),
    ('<document><figure ref="chart" height="0.25"/></document>', "<figure height=...> is 0.25; expected a number from 0.5 to 8"),
    ('<document><figure ref="chart" height="9"/></document>', "<figure height=...> is 9; expected a number from 0.5 to 8"),
    ('<document><table widths="1"><tr><td>a</td><td>b</td></tr></table></document>',
     "a table declares 1 column widths but has 2 columns"),
    ('<document><table widths="1,0"><tr><td>a</td><td>b</td></tr></table></document>',
     "a table's column widths must be positive numbers"),
    ('<document><table widths="1,-2"><tr><td>a</td><td>b</td></tr></table></document>',
     "a table's column widths must be positive numbers"),
    ('<document><table widths="1,inf"><tr><td>a</td><td>b</td></tr></table></document>',
     "a table's column widths must be positive numbers"),
    ('<document><table widths="1,nan"><tr><td>a</td><td>b</td></tr></table></document>',
     "a table's column widths must be positive numbers"),
    ('<document><table widths="1,wide"><tr><td>a</td><td>b</td></tr></table></document>',
     "could not convert string to float: 'wide'"),
])
def test_a_bad_attribute_value_is_a_template_error_naming_the_template(markup: str, expected: str) -> None:
    message = _error(markup, {"chart": object()})
    assert message.startswith(f"{TEMPLATE}: ") and message.endswith(expected), message


@pytest.mark.parametrize("figures", [{}, {"other": object()}])
def test_a_figure_not_among_the_documents_figures_is_refused(figures: dict[str, object]) -> None:
    assert _error('<document><figure ref="chart"/></document>', figures) == (
        f"{TEMPLATE}: <figure ref='chart'> names no figure of this document")


@pytest.mark.parametrize(("markup", "expected"), [
    ("<document><p>x</document>", f"{TEMPLATE}: its output is not well-formed near output line 1: "),
    ("<document>\n<p>a & b</p>\n</document>", f"{TEMPLATE}: its output is not well-formed near output line 2: "),
    ("", f"{TEMPLATE}: its output is not well-formed near output line 1: "),
    ("<p>x</p>", f"{TEMPLATE}: the output must be one <document> element"),
])
def test_output_that_is_not_one_document_element_is_refused(markup: str, expected: str) -> None:
    assert _error(markup).startswith(expected)


# -- values a renderer would otherwise replace by a default without a word -----------------------------


@pytest.mark.parametrize("page", ["A4", "a5", "legal", ""])
def test_an_unknown_page_size_is_refused(page: str) -> None:
    assert _error(f'<document page="{page}"><p>x</p></document>').startswith(f"{TEMPLATE}: ")


@pytest.mark.parametrize("element", ['<p style="bold">x</p>', '<p style="Small">x</p>', '<ul style="big"><li>x</li></ul>'])
def test_an_unknown_style_is_refused(element: str) -> None:
    assert _error(f"<document>{element}</document>").startswith(f"{TEMPLATE}: ")


@pytest.mark.parametrize("body", ["<ul><li>kept</li><p>lost</p></ul>", "<ol>lost<li>kept</li></ol>"])
def test_text_outside_the_items_of_a_list_is_refused(body: str) -> None:
    assert _error(f"<document>{body}</document>").startswith(f"{TEMPLATE}: ")


@pytest.mark.parametrize("inline", ["<u>underlined</u>", "<em>emphasis</em>", "<h1>heading</h1>"])
def test_an_unknown_inline_element_is_refused(inline: str) -> None:
    assert _error(f"<document><p>a {inline}</p></document>").startswith(f"{TEMPLATE}: ")


# -- the month grid, landscape pages and large print ------------------------------------------------


def test_a_calendar_table_keeps_its_least_row_height_in_lines() -> None:
    block = only_block('<table style="calendar" lines="6" widths="1,1"><tr><th>Mon</th><th>Tue</th></tr>'
                       "<tr><td>1<br/>12 mg</td><td></td></tr></table>")
    assert isinstance(block, Table)
    assert (block.style, block.lines) == ("calendar", 6)
    assert block.rows == (((Span("1"), Span(LINE_BREAK), Span("12 mg")), ()),)
    assert only_block("<table><tr><td>a</td></tr></table>").lines == 0  # type: ignore[union-attr]
    assert describe(block) == "|Mon | Tue|\n|1 / 12 mg | |"  # a week on one line of the goldens


@pytest.mark.parametrize(("attributes", "landscape", "minimum"), [
    ("", False, 7.0),
    (' orientation="portrait"', False, 7.0),
    (' orientation="landscape"', True, 7.0),
    (' size="14" minimum="14" orientation="landscape"', True, 14.0),
])
def test_the_document_element_sets_orientation_and_the_smallest_size(attributes: str, landscape: bool,
                                                                      minimum: float) -> None:
    document = parse("", attributes=attributes)
    assert (document.landscape, document.minimum_size) == (landscape, minimum)


@pytest.mark.parametrize(("markup", "expected"), [
    ('<document orientation="sideways"/>', "<document orientation='sideways'> is not known; expected one of portrait, landscape"),
    ('<document minimum="5"/>', "<document minimum=...> is 5; expected a number from 7 to 24"),
    ('<document><table lines="41"><tr><td>a</td></tr></table></document>', "<table lines=...> is 41; expected a number from 0 to 40"),
    ('<document><table style="month"><tr><td>a</td></tr></table></document>',
     "<table style='month'> is not known; expected one of grid, plain, calendar"),
])
def test_a_bad_grid_or_page_attribute_is_a_template_error(markup: str, expected: str) -> None:
    message = _error(markup)
    assert message.startswith(f"{TEMPLATE}: ") and message.endswith(expected), message
