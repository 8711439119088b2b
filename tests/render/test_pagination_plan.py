"""The pagination plan both renderers follow (``docgen.render.pagination``)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from docgen.markup import blocks
from docgen.render import pagination

TEXT = (blocks.Span("Some text."),)
INTRO = (blocks.Span("Current text, quoted exactly:"),)

BLOCKS = st.sampled_from([
    blocks.Heading(2, TEXT),
    blocks.Paragraph(TEXT),
    blocks.Paragraph(INTRO),
    blocks.Paragraph(TEXT, keep_with_next=True),
    blocks.Paragraph(TEXT, style="signature"),
    blocks.Paragraph(TEXT, style="fine"),
    blocks.Quote(TEXT),
    blocks.ListBlock((TEXT,)),
    blocks.Table((), ((TEXT,),), (1.0,)),
    blocks.Spacer(6),
    blocks.Rule(),
    blocks.PageBreak(),
])


@given(st.lists(BLOCKS, max_size=30))
def test_the_plan_covers_every_block_once_in_order(items: list[blocks.Block]) -> None:
    units = pagination.plan(tuple(items))
    assert [index for unit in units for index in range(unit.start, unit.end)] == list(range(len(items)))
    for unit in units:
        assert unit.end > unit.start and unit.kind in (pagination.FREE, pagination.KEEP, pagination.CLOSING)
        if unit.kind == pagination.CLOSING:  # a closing never runs over a page break
            assert not any(isinstance(block, blocks.PageBreak) for block in items[unit.start:unit.end])


@given(st.lists(BLOCKS, max_size=30))
def test_nothing_keeps_across_a_page_break_or_past_the_end(items: list[blocks.Block]) -> None:
    keeps = pagination.keeps_with_next(tuple(items))
    assert len(keeps) == len(items)
    if keeps:
        assert not keeps[-1]
    for index, block in enumerate(items[1:], start=1):
        if isinstance(block, blocks.PageBreak):
            assert not keeps[index - 1]


@given(st.lists(BLOCKS, max_size=30))
def test_the_last_signature_and_what_follows_it_are_one_closing(items: list[blocks.Block]) -> None:
    items_tuple = tuple(items)
    units = pagination.plan(items_tuple)
    parts: list[tuple[int, int]] = []
    start = 0
    for index, block in enumerate(items + [blocks.PageBreak()]):
        if isinstance(block, blocks.PageBreak):
            parts.append((start, index))
            start = index + 1
    for begin, end in parts:
        signatures = [index for index in range(begin, end) if isinstance(items[index], blocks.Paragraph)
                      and items[index].style == "signature"]  # type: ignore[union-attr]
        if not signatures:
            continue
        closing = [unit for unit in units if unit.kind == pagination.CLOSING and begin <= unit.start < end]
        assert len(closing) == 1
        assert closing[0].start <= signatures[-1] < closing[0].end == end


def test_headings_introducing_lines_and_marked_paragraphs_keep_with_what_follows() -> None:
    items = (blocks.Heading(2, TEXT), blocks.Paragraph(INTRO), blocks.Spacer(4), blocks.Quote(TEXT),
             blocks.Paragraph(INTRO), blocks.Paragraph(TEXT), blocks.Paragraph(TEXT, keep_with_next=True),
             blocks.Paragraph(TEXT))
    assert pagination.keeps_with_next(items) == (True, True, True, False, False, False, True, False)


def test_a_part_without_a_signature_keeps_its_closing_rule_and_fine_print_with_the_block_before() -> None:
    items = (blocks.Paragraph(TEXT), blocks.Table((), ((TEXT,),), (1.0,)), blocks.Rule(), blocks.Paragraph(TEXT, style="fine"))
    assert pagination.plan(items)[-1] == pagination.Unit(1, 4, pagination.CLOSING)
    signed = (blocks.Paragraph(TEXT), blocks.Paragraph(TEXT), blocks.Spacer(20), blocks.Paragraph(TEXT, style="signature"),
              blocks.Paragraph(TEXT, style="small"), blocks.Rule(), blocks.Paragraph(TEXT, style="fine"))
    assert pagination.plan(signed)[-1] == pagination.Unit(1, 7, pagination.CLOSING)
