"""Blocks -> PDF with reportlab platypus: embedded fonts, running header, "Page X of Y".

Output is deterministic (reportlab's invariant mode): the same document gives the same bytes.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import IO, Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    ListFlowable,
    ListItem,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.flowables import HRFlowable

from docgen.markup import blocks
from docgen.render import fonts, pagination
from docgen.render.pdf_pagination import KeepClosing, KeepWithNext
from docgen.render.bidi import has_right_to_left, visual, visual_order
from docgen.render.styles import StyleSheet

_PAGES = re.compile(rb"/Type /Pages\s*/Count (\d+)|/Count (\d+)\s*/Kids")


def page_count(pdf: bytes) -> int:
    """How many pages a PDF written by this module has."""
    match = _PAGES.search(pdf)
    if match is None:
        raise ValueError("not a PDF written by docgen")
    return int(match.group(1) or match.group(2))


def write_pdf(document: blocks.Document, target: str | Path | IO[bytes] | None = None) -> bytes | None:
    """Render ``document``; write it to ``target`` (a path or binary file) or return the bytes."""
    data = render_pdf(document)
    if target is None:
        return data
    if isinstance(target, (str, Path)):
        Path(target).write_bytes(data)
    else:
        target.write(data)
    return None


#: SimpleDocTemplate's frame pads its content by 6 pt on each side.
_FRAME_PADDING = 6.0


def fits_one_page(document: blocks.Document, heights: dict[tuple[Any, ...], float] | None = None) -> bool:
    """Whether the document's blocks fit on one page, measured without drawing them.

    Sums each flowable's wrapped height and its spacing in the page frame; a quick test for
    choosing how far to condense, confirmed by rendering the chosen version. ``heights`` keeps
    the paragraphs' heights between calls for versions of one document.
    """
    fonts.register_fonts()
    sheet = StyleSheet(body=document.size, page=document.page_size, landscape=document.landscape,
                       minimum=document.minimum_size, leading_ratio=document.leading)
    width = sheet.frame_width - 2 * _FRAME_PADDING
    available = sheet.page_size[1] - sheet.top_margin - sheet.bottom_margin - 2 * _FRAME_PADDING
    used = 0.0
    after: float | None = None  # the space after the flowable above (None at the top of the page)
    canvas = Canvas(io.BytesIO(), pagesize=sheet.page_size)
    for block in document.blocks:
        # a figure is as tall as it says: measured without drawing it
        flowables = _figure_space(block, sheet) if isinstance(block, blocks.Figure) else _flowables(block, sheet)
        for flowable in flowables:
            if isinstance(flowable, (PageBreak, CondPageBreak)):
                continue
            height = _wrapped_height(flowable, canvas, width, available, heights)
            # as reportlab's frame does: no space before at the top, and the space before a
            # flowable takes in the space after the one above it
            before = 0.0 if after is None else max(flowable.getSpaceBefore() - after, 0.0)
            used += before + height
            if used > available + 0.01:
                return False
            after = flowable.getSpaceAfter()
            used += after
    return True


def _wrapped_height(flowable: Flowable, canvas: Canvas, width: float, available: float,
                    heights: dict[tuple[Any, ...], float] | None) -> float:
    """A flowable's height at this width; a paragraph's taken from ``heights`` where it was
    measured before (a one-page document is measured at several levels of condensing, most of its
    paragraphs the same at each)."""
    if heights is None or type(flowable) is not _Paragraph:
        return float(flowable.wrapOn(canvas, width, available)[1])
    style = flowable.style
    key = (flowable.text, style.name, style.fontName, style.fontSize, style.leading, style.leftIndent,
           style.firstLineIndent, style.rightIndent, width)
    height = heights.get(key)
    if height is None:
        height = heights[key] = float(flowable.wrapOn(canvas, width, available)[1])
    return height


def render_pdf(document: blocks.Document, enclosure: blocks.Document | None = None, *,
               cover: blocks.Document | None = None, appendix: blocks.Document | None = None) -> bytes:
    """The document, and optionally an enclosure on the pages after it, numbered across both.

    A ``cover`` (a fax cover sheet) comes first and an ``appendix`` (a reply form) last, each
    from a new page and under its own running header and footer; the enclosure carries the
    document's. Pages are numbered across all of them."""
    fonts.register_fonts()
    sheet = StyleSheet(body=document.size, page=document.page_size, landscape=document.landscape,
                       minimum=document.minimum_size, leading_ratio=document.leading)
    buffer = io.BytesIO()
    template = SimpleDocTemplate(
        buffer,
        pagesize=sheet.page_size,
        leftMargin=sheet.margin,
        rightMargin=sheet.margin,
        topMargin=sheet.top_margin,
        bottomMargin=sheet.bottom_margin,
        title=fonts.printable(document.title),  # a soft hyphen is undefined in PDFDocEncoding
        author="",
        subject="",
        creator="docgen",
        producer="docgen (reportlab)",
        keywords="",
        invariant=1,
        lang="en-US",
        initialFontName=fonts.REGULAR,
    )
    flowables: list[Flowable] = []
    if cover is not None:
        flowables += [_FurnitureChange(cover.furniture), *_part(cover, document.page_size, document.landscape), PageBreak(),
                      _FurnitureChange(document.furniture)]
    flowables += _laid_out(document.blocks, sheet)
    if enclosure is not None:
        flowables.append(PageBreak())
        flowables += _part(enclosure, document.page_size, document.landscape)
    if appendix is not None:
        flowables += [PageBreak(), _FurnitureChange(appendix.furniture), *_part(appendix, document.page_size, document.landscape)]
    template.build(flowables, canvasmaker=_numbered_canvas(document.furniture, sheet))
    return buffer.getvalue()


def _part(part: blocks.Document, page: str, landscape: bool = False) -> list[Flowable]:
    """A document's flowables, set in its own body size on the main document's paper."""
    part_sheet = StyleSheet(body=part.size, page=page, landscape=landscape, minimum=part.minimum_size,
                            leading_ratio=part.leading)
    return _laid_out(part.blocks, part_sheet)


class _FurnitureChange(Flowable):  # type: ignore[misc]
    """Takes up no room; from the page it is drawn on, the running header and footer are these."""

    def __init__(self, furniture: blocks.Furniture) -> None:
        super().__init__()
        self.furniture = furniture
        self.width = self.height = 0

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.canv._docgen_furniture = self.furniture


# -- page furniture ------------------------------------------------------------------------------


def _numbered_canvas(furniture: blocks.Furniture, sheet: StyleSheet) -> Callable[..., Canvas]:
    """A canvas that holds its pages until the end, to print "Page X of Y" on each."""

    class NumberedCanvas(Canvas):  # type: ignore[misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._saved_pages: list[dict[str, Any]] = []
            self._docgen_furniture = furniture

        def showPage(self) -> None:  # noqa: N802 (reportlab's name)
            self._saved_pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._saved_pages)
            for state in self._saved_pages:
                self.__dict__.update(state)
                _draw_furniture(self, self._docgen_furniture, sheet, self._pageNumber, total)
                super().showPage()
            super().save()

    return NumberedCanvas


def _draw_furniture(canvas: Canvas, furniture: blocks.Furniture, sheet: StyleSheet, number: int, total: int) -> None:
    width, height = sheet.page_size
    size = sheet.size("furniture")
    left, right = sheet.margin, width - sheet.margin
    top = height - sheet.top_margin + 0.28 * 72
    canvas.saveState()
    canvas.setFillGray(sheet.muted_gray)
    page = f"Page {number} of {total}"
    header_right = fit_text(furniture.header_right, fonts.REGULAR, size, (right - left) / 2)
    room = right - left - fonts.string_width(header_right, fonts.REGULAR, size) - 12
    _draw_text(canvas, left, top, fit_text(furniture.header_left, fonts.REGULAR, size, room), size)
    _draw_text(canvas, right, top, header_right, size, anchor="end")
    canvas.setStrokeGray(sheet.rule_gray)
    canvas.setLineWidth(sheet.rule_width)
    canvas.line(left, top - 4, right, top - 4)
    bottom = sheet.bottom_margin - 0.38 * 72
    canvas.line(left, bottom + size + 3, right, bottom + size + 3)
    room = right - left - fonts.string_width(page, fonts.REGULAR, size) - 12
    _draw_text(canvas, left, bottom, fit_text(furniture.footer_left, fonts.REGULAR, size, room), size)
    _draw_text(canvas, right, bottom, page, size, anchor="end")
    canvas.restoreState()


def fit_text(text: str, font: str, size: float, width: float) -> str:
    """``text``, cut with a visible "…" if needed so that it is at most ``width`` wide."""
    if fonts.string_width(text, font, size) <= width:
        return text
    low, high = 0, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if fonts.string_width(text[:middle].rstrip() + "\u2026", font, size) <= width:
            low = middle
        else:
            high = middle - 1
    return text[:low].rstrip() + "\u2026" if low else ""


def _draw_text(canvas: Canvas, x: float, y: float, text: str, size: float, font: str = fonts.REGULAR,
               anchor: str = "start") -> None:
    """One line of text in drawing order, each run in a font that has its glyphs."""
    if not text:
        return
    shown = fonts.runs(visual(fonts.drawable(text)), font)
    width = sum(fonts.string_width(part, name, size) for part, name in shown)
    x -= {"start": 0.0, "middle": width / 2, "end": width}[anchor]
    for part, name in shown:
        canvas.setFont(name, size)
        canvas.drawString(x, y, part)
        x += fonts.string_width(part, name, size)


# -- blocks --------------------------------------------------------------------------------------


def _markup(spans: blocks.Inline, bold: bool = False) -> str:
    """Inline spans as reportlab paragraph markup, every character of user text escaped.

    ``bold`` says whether the paragraph style is bold. Characters the span's face lacks are
    set in a font that has them (``fonts.runs``), named explicitly so that it holds inside
    bold or italic text.
    """
    parts: list[str] = []
    for span in spans:
        if span.text == blocks.LINE_BREAK:
            parts.append("<br/>")
            continue
        face = fonts.face(bold or span.bold, span.italic)
        for text, font in fonts.runs(fonts.drawable(span.text), face):
            if font != face:
                parts.append(f'<font face="{font}">{escape(text)}</font>')
                continue
            text = escape(text)
            if span.bold:
                text = f"<b>{text}</b>"
            if span.italic:
                text = f"<i>{text}</i>"
            parts.append(text)
    return "".join(parts)


class _Paragraph(Paragraph):  # type: ignore[misc]
    """A paragraph whose lines are drawn in visual order where they hold right-to-left text.

    Lines are broken in logical order (as typed); only drawing reorders them, so splitting a
    paragraph across pages never sees reordered text. Its markup is parsed once per process for
    each style (``_fragments``): fitting a one-page document lays the same text out several times.
    """

    blPara: Any  # noqa: N815 (reportlab's name)

    def __init__(self, text: str | None, style: ParagraphStyle, *arguments: Any, **options: Any) -> None:
        if isinstance(text, str) and not arguments and not options:
            key = (text, style.fontName, style.fontSize, str(style.textColor), getattr(style, "textTransform", None))
            options["frags"] = [fragment.clone() for fragment in _fragments(key, style)]
        super().__init__(text, style, *arguments, **options)  # also reportlab's own calls, when it splits one

    def drawPara(self, debug: int = 0) -> None:  # noqa: N802 (reportlab's name)
        logical = self.blPara
        if not _any_right_to_left(logical):
            super().drawPara(debug)
            return
        self.blPara = _visual_lines(logical)
        try:
            super().drawPara(debug)
        finally:
            self.blPara = logical


_FRAGMENTS: dict[tuple[Any, ...], tuple[Any, ...]] = {}
_FRAGMENTS_SIZE = 4096


def _fragments(key: tuple[Any, ...], style: ParagraphStyle) -> tuple[Any, ...]:
    """reportlab's parse of the markup ``key[0]`` in ``style``, kept by ``key``: the markup and
    every property of the style that the parse copies into its fragments."""
    cached = _FRAGMENTS.get(key)
    if cached is not None:
        return cached
    from reportlab.platypus.paragraph import cleanBlockQuotedText, textTransformFrags
    from reportlab.platypus.paraparser import ParaParser

    parser = ParaParser()
    parser.caseSensitive = 1
    _style, fragments, _bullet = parser.parse(cleanBlockQuotedText(key[0]), style)
    if fragments is None:
        raise ValueError(f"paragraph markup could not be parsed: {parser.errors[0]}")
    textTransformFrags(fragments, style)
    if len(_FRAGMENTS) >= _FRAGMENTS_SIZE:
        _FRAGMENTS.clear()
    _FRAGMENTS[key] = result = tuple(fragments)
    return result


def _any_right_to_left(lines: Any) -> bool:
    if lines.kind == 0:
        return any(has_right_to_left(word) for _extra, words in lines.lines for word in words)
    return any(has_right_to_left(getattr(frag, "text", "")) for line in lines.lines for frag in line.words)


def _visual_lines(lines: Any) -> Any:
    """A copy of reportlab's broken lines with each line's text in drawing order."""
    from reportlab.platypus.paragraph import ParaLines

    if lines.kind == 0:
        reordered = [(extra, visual(" ".join(words)).split(" ")) for extra, words in lines.lines]
        return ParaLines(kind=0, lines=reordered, **{key: value for key, value in lines.__dict__.items()
                                                     if key not in ("kind", "lines")})
    new_lines = []
    for line in lines.lines:
        frags = line.words
        if not all(isinstance(getattr(frag, "text", None), str) and not getattr(frag, "cbDefn", None)
                   for frag in frags):
            new_lines.append(line)
            continue
        owners = [index for index, frag in enumerate(frags) for _ in frag.text]
        text = "".join(frag.text for frag in frags)
        words: list[tuple[int, list[str]]] = []
        for position in visual_order(text):
            owner = owners[position]
            if words and words[-1][0] == owner:
                words[-1][1].append(text[position])
            else:
                words.append((owner, [text[position]]))
        copy = ParaLines(**line.__dict__)
        copy.words = [frags[owner].clone(text="".join(characters)) for owner, characters in words]
        new_lines.append(copy)
    return ParaLines(kind=1, lines=new_lines, **{key: value for key, value in lines.__dict__.items()
                                                 if key not in ("kind", "lines")})


def _style(sheet: StyleSheet, role: str, **overrides: Any) -> ParagraphStyle:
    values: dict[str, Any] = dict(
        fontName=fonts.BOLD if sheet.is_bold(role) else fonts.REGULAR,
        fontSize=sheet.size(role),
        leading=sheet.leading(role),
        spaceBefore=sheet.space_before(role),
        spaceAfter=sheet.space_after(role),
        alignment=TA_RIGHT if role == "right" else TA_LEFT,
        textColor=colors.black,
        allowWidows=0,  # a paragraph split across pages leaves at least two lines on each
        allowOrphans=0,
    )
    if role in {"small", "fine"}:
        values["textColor"] = colors.Color(0.15, 0.15, 0.15)
    values.update(overrides)
    fonts.ensure(values["fontName"])
    return ParagraphStyle(role, **values)


def _paragraph(spans: blocks.Inline, sheet: StyleSheet, role: str, **overrides: Any) -> Paragraph:
    style = _style(sheet, role, **overrides)
    return _Paragraph(_markup(spans, style.fontName in (fonts.BOLD, fonts.BOLD_ITALIC)), style)


def _flowables(block: blocks.Block, sheet: StyleSheet) -> list[Flowable]:
    return _RENDERERS[type(block)](block, sheet)


def _laid_out(items: tuple[blocks.Block, ...], sheet: StyleSheet) -> list[Flowable]:
    """The blocks' flowables, grouped where ``pagination.plan`` says a page may not break."""
    out: list[Flowable] = []
    lead: list[Flowable] = []
    for unit in pagination.plan(items):
        if unit.kind == pagination.CLOSING:
            made = _closing(items[unit.start:unit.end], sheet)
        else:
            made = _flowables(items[unit.start], sheet)
        if not made:
            continue
        if lead and unit.kind == pagination.KEEP and not isinstance(made[0], (PageBreak, CondPageBreak)):
            lead += made
            continue
        if lead:
            if isinstance(made[0], (PageBreak, CondPageBreak)):
                out += lead
            else:
                made = [KeepWithNext(lead, made[0]), *made[1:]]
            lead = []
        if unit.kind == pagination.KEEP:
            lead = made
        else:
            out += made
    return out + lead


def _closing(items: tuple[blocks.Block, ...], sheet: StyleSheet) -> list[Flowable]:
    """The block before a signature and the closing after it, as one ``KeepClosing``."""
    first = _flowables(items[0], sheet)
    rest = [flowable for block in items[1:] for flowable in _flowables(block, sheet)]
    cut = len(first)
    while cut > 1 and isinstance(first[cut - 1], Spacer):
        cut -= 1
    if not first:
        return rest
    return [*first[:cut - 1], KeepClosing(first[cut - 1], first[cut:] + rest)]


def _heading(block: Any, sheet: StyleSheet) -> list[Flowable]:
    role = f"h{block.level}"
    paragraph = _paragraph(block.spans, sheet, role)  # kept with what follows by _laid_out
    if block.level == 1:
        return [CondPageBreak(1.2 * 72), paragraph]
    return [paragraph]


#: reportlab lays a paragraph out again from its start at every page it is split over, so a very
#: long paragraph costs the square of its length; it is set as consecutive pieces of at most this
#: many lines (split at its own line breaks) or characters (split after a sentence, or a word).
_PIECE_LINES = 40
_PIECE_CHARACTERS = 12000


def _pieces(spans: blocks.Inline) -> list[blocks.Inline]:
    """The spans in pieces that read as one paragraph: each piece ends at a line break, or after
    a sentence or a word of a run longer than a page can hold."""
    pieces: list[list[blocks.Span]] = [[]]
    lines = characters = 0
    for span in spans:
        if span.text == blocks.LINE_BREAK:
            lines += 1
            if lines >= _PIECE_LINES:
                pieces.append([])
                lines = characters = 0
                continue
            pieces[-1].append(span)
            continue
        text = span.text
        while characters + len(text) > _PIECE_CHARACTERS:
            room = _PIECE_CHARACTERS - characters
            cut = max(text.rfind(". ", 0, room) + 1, 0) or text.rfind(" ", 0, room)
            if cut <= 0:
                cut = room if room > 0 else len(text)
            pieces[-1].append(blocks.Span(text[:cut].rstrip(" "), span.bold, span.italic))
            pieces.append([])
            lines = characters = 0
            text = text[cut:].lstrip(" ")
        if text:
            pieces[-1].append(blocks.Span(text, span.bold, span.italic))
            characters += len(text)
    return [tuple(piece) for piece in pieces if piece]


def _paragraph_block(block: Any, sheet: StyleSheet) -> list[Flowable]:
    pieces = _pieces(block.spans) or [block.spans]
    if len(pieces) == 1:
        return [_paragraph(block.spans, sheet, block.style)]
    last = len(pieces) - 1
    return [_paragraph(piece, sheet, block.style,
                       **({} if index == 0 else {"spaceBefore": 0}),
                       **({} if index == last else {"spaceAfter": 0}))
            for index, piece in enumerate(pieces)]


class _QuoteParagraph(_Paragraph):
    """Quoted record text: indented, with a rule down its left side. A paragraph (not a table
    cell), so a long quote splits across pages line by line, and each part keeps its rule."""

    rule_x: float = 0.0
    rule_width: float = 0.0

    def draw(self) -> None:
        super().draw()
        canvas = self.canv
        canvas.saveState()
        canvas.setStrokeColor(colors.Color(0.35, 0.35, 0.35))
        canvas.setLineWidth(self.rule_width)
        canvas.line(self.rule_x, -self.style.spaceAfter, self.rule_x, self.height + self.style.spaceBefore)
        canvas.restoreState()

    #: The label set over the part that a page break carries over ("" for none), and its style.
    continued: str = ""
    continued_style: ParagraphStyle | None = None

    def split(self, width: float, height: float) -> list[Any]:
        parts: list[Any] = super().split(width, height)
        for part in parts:
            part.rule_x, part.rule_width = self.rule_x, self.rule_width
            part.continued, part.continued_style = self.continued, self.continued_style
        if len(parts) < 2 or not self.continued or self.continued_style is None:
            return parts
        label = _QuoteParagraph(_markup((blocks.Span(self.continued, italic=True),)), self.continued_style)
        label.rule_x, label.rule_width = self.rule_x, self.rule_width
        return [parts[0], KeepWithNext([label], parts[1]), *parts[2:]]


#: Where a quote's text starts, and its rule, from the left of the text frame (points).
_QUOTE_INDENT = 24.0
_QUOTE_RULE = 15.0


def _quote(block: Any, sheet: StyleSheet) -> list[Flowable]:
    """Set apart by a rule at its left; a long quote is a column of pieces that read as one."""
    pieces = _pieces(block.spans) or [block.spans]
    flowables: list[Flowable] = []
    last = len(pieces) - 1
    for index, piece in enumerate(pieces):
        style = _style(sheet, "body", leftIndent=_QUOTE_INDENT, spaceBefore=2 if index == 0 else 0,
                       spaceAfter=3 if index == last else 0)
        paragraph = _QuoteParagraph(_markup(piece), style)
        paragraph.rule_x, paragraph.rule_width = _QUOTE_RULE, sheet.quote_rule_width
        paragraph.continued = block.continued
        paragraph.continued_style = _style(sheet, "small", leftIndent=_QUOTE_INDENT, spaceBefore=0, spaceAfter=1)
        flowables.append(paragraph)
    return [*flowables, Spacer(1, sheet.space_after("body"))]


def _list(block: Any, sheet: StyleSheet) -> list[Flowable]:
    style = _style(sheet, block.style, spaceAfter=sheet.body * 0.25)
    items = [ListItem(_Paragraph(_markup(item), style)) for item in block.items]
    flowable = ListFlowable(
        items,
        bulletType="1" if block.ordered else "bullet",
        bulletFormat="%s." if block.ordered else None,
        start="1" if block.ordered else "•",
        bulletFontName=fonts.REGULAR,
        bulletFontSize=style.fontSize,
        leftIndent=14 if block.ordered else 12,
        bulletDedent="auto",
    )
    return [flowable, Spacer(1, sheet.space_after(block.style) * 0.5)]


def _table(block: Any, sheet: StyleSheet) -> list[Flowable]:
    if block.style == "calendar":
        return _calendar_table(block, sheet)
    plain = block.style == "plain"
    size_role = "table" if not plain else "body"
    body = _style(sheet, size_role, spaceBefore=0, spaceAfter=0)
    head = _style(sheet, size_role, spaceBefore=0, spaceAfter=0, fontName=fonts.BOLD)
    rows: list[list[Paragraph]] = []
    if block.header:
        rows.append([_Paragraph(_markup(cell, True), head) for cell in block.header])
    rows.extend([_Paragraph(_markup(cell), body) for cell in row] for row in block.rows)
    if not rows:
        return []
    width = sheet.frame_width
    table = Table(rows, colWidths=[fraction * width for fraction in block.widths], repeatRows=1 if block.header else 0,
                  splitInRow=1)
    commands: list[tuple[Any, ...]] = [
        ("FONTNAME", (0, 0), (-1, -1), fonts.REGULAR),  # reportlab's default is an unembedded Helvetica
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3 if not plain else 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        # dense documents (a leading below the style sheet's usual) pad their cells less too
        ("TOPPADDING", (0, 0), (-1, -1), 1.5 if sheet.leading_ratio >= 1.2 else 1.0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2 if sheet.leading_ratio >= 1.2 else 1.4),
    ]
    if not plain:
        gray = colors.Color(sheet.rule_gray, sheet.rule_gray, sheet.rule_gray)
        commands += [
            ("LINEBELOW", (0, 0), (-1, -1), sheet.rule_width * 0.6, colors.Color(0.7, 0.7, 0.7)),
            ("LINEABOVE", (0, 0), (-1, 0), sheet.rule_width * 1.6, colors.black),
            ("LINEBELOW", (0, -1), (-1, -1), sheet.rule_width * 1.6, colors.black),
        ]
        if block.header:
            fill = colors.Color(sheet.header_fill_gray, sheet.header_fill_gray, sheet.header_fill_gray)
            commands += [("BACKGROUND", (0, 0), (-1, 0), fill), ("LINEBELOW", (0, 0), (-1, 0), sheet.rule_width, gray)]
    table.setStyle(TableStyle(commands))
    table.hAlign = "LEFT"
    return [table, Spacer(1, sheet.body * 0.6)]


#: The padding inside a calendar cell (points).
_CALENDAR_PADDING = 3.0


def _calendar_table(block: Any, sheet: StyleSheet) -> list[Flowable]:
    """A grid with every cell ruled in black (no gray), text at body size, and body rows at
    least ``block.lines`` lines tall; a row never splits across pages, and the header repeats."""
    body = _style(sheet, "body", spaceBefore=0, spaceAfter=0)
    head = _style(sheet, "body", spaceBefore=0, spaceAfter=0, fontName=fonts.BOLD)
    rows: list[list[Paragraph]] = []
    if block.header:
        rows.append([_Paragraph(_markup(cell, True), head) for cell in block.header])
    rows.extend([_Paragraph(_markup(cell), body) for cell in row] for row in block.rows)
    if not rows:
        return []
    widths = [fraction * sheet.frame_width for fraction in block.widths]
    minimum = block.lines * body.leading + 2 * _CALENDAR_PADDING
    heights: list[float | None] = [None] if block.header else []
    canvas = Canvas(io.BytesIO(), pagesize=sheet.page_size)
    for row in rows[1 if block.header else 0:]:
        tallest = max((cell.wrapOn(canvas, width - 2 * _CALENDAR_PADDING, 10_000)[1] for cell, width in zip(row, widths)),
                      default=0.0)
        heights.append(max(minimum, tallest + 2 * _CALENDAR_PADDING))
    table = Table(rows, colWidths=widths, rowHeights=heights, repeatRows=1 if block.header else 0)
    black = colors.black
    commands: list[tuple[Any, ...]] = [
        ("FONTNAME", (0, 0), (-1, -1), fonts.REGULAR),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), _CALENDAR_PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), _CALENDAR_PADDING),
        ("TOPPADDING", (0, 0), (-1, -1), _CALENDAR_PADDING),
        ("BOTTOMPADDING", (0, 0), (-1, -1), _CALENDAR_PADDING),
        ("GRID", (0, 0), (-1, -1), sheet.calendar_rule_width, black),
        ("BOX", (0, 0), (-1, -1), sheet.calendar_rule_width * 1.6, black),
    ]
    if block.header:  # no gray fill: a fax dithers it; a heavy rule under the header instead
        commands.append(("LINEBELOW", (0, 0), (-1, 0), sheet.calendar_rule_width * 2.4, black))
    table.setStyle(TableStyle(commands))
    table.hAlign = "LEFT"
    return [table, Spacer(1, sheet.body * 0.4)]


def _figure(block: Any, sheet: StyleSheet) -> list[Flowable]:
    from docgen.render.chart import ChartStyle, draw_timeline_chart

    drawing = draw_timeline_chart(block.figure, sheet.frame_width, block.height * 72,
                                  ChartStyle.for_text(sheet.size("table")))
    return [drawing, Spacer(1, sheet.body * 0.4)]


def _figure_space(block: Any, sheet: StyleSheet) -> list[Flowable]:
    """The room ``_figure`` takes, without drawing the figure."""
    return [Spacer(1, block.height * 72), Spacer(1, sheet.body * 0.4)]


#: The space between two columns of ``<columns>`` (points).
COLUMN_GAP = 10.0


def _columns(block: Any, sheet: StyleSheet) -> list[Flowable]:
    """Block lists side by side: one row of borderless cells, each holding its blocks' flowables
    set in the cell's width; the last flowable's spacing below is the row's."""
    width = sheet.frame_width
    gaps = COLUMN_GAP * (len(block.columns) - 1)
    widths = [fraction * (width - gaps) for fraction in block.widths]
    cells: list[list[Flowable]] = []
    for column, column_width in zip(block.columns, widths, strict=True):
        column_sheet = replace(sheet, column_width=column_width)
        flowables = [flowable for inner in column for flowable in _flowables(inner, column_sheet)]
        while flowables and isinstance(flowables[-1], Spacer):  # the row's spacing below is one
            flowables.pop()
        cells.append(flowables)
    columns = [column_width + (COLUMN_GAP if number < len(widths) - 1 else 0.0)
               for number, column_width in enumerate(widths)]
    table = Table([cells], colWidths=columns, splitInRow=1)  # a column taller than a page goes on over the next
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), fonts.REGULAR),  # reportlab's default is an unembedded Helvetica
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-2, -1), COLUMN_GAP),
        ("RIGHTPADDING", (-1, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
    ]))
    table.hAlign = "LEFT"
    return [table, Spacer(1, sheet.body * 0.6)]


def _spacer(block: Any, sheet: StyleSheet) -> list[Flowable]:
    return [Spacer(1, block.height)]


def _page_break(block: Any, sheet: StyleSheet) -> list[Flowable]:
    return [PageBreak()]


def _rule(block: Any, sheet: StyleSheet) -> list[Flowable]:
    return [HRFlowable(width="100%", thickness=sheet.rule_width, color=colors.Color(0.45, 0.45, 0.45),
                       spaceBefore=2, spaceAfter=sheet.body * 0.5)]


_RENDERERS: dict[type, Callable[[Any, StyleSheet], list[Flowable]]] = {
    blocks.Heading: _heading,
    blocks.Paragraph: _paragraph_block,
    blocks.Quote: _quote,
    blocks.ListBlock: _list,
    blocks.Table: _table,
    blocks.Figure: _figure,
    blocks.Spacer: _spacer,
    blocks.PageBreak: _page_break,
    blocks.Rule: _rule,
    blocks.Columns: _columns,
}
