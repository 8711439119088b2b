"""The intermediate block model between the templates and the renderers.

Templates write a small XML vocabulary; ``parse_document`` turns it into these frozen blocks;
the PDF and DOCX renderers consume the blocks without knowing where they came from.

Node types (the XML element that makes each one in brackets):

- ``Document`` (``<document title= size= page= orientation= minimum= leading=>``): page furniture plus the
  blocks; orientation portrait (the default) or landscape; ``minimum``, the smallest size of any
  text on it (a large-print copy sets every text at 14 pt or more);
  ``leading``, line spacing as a multiple of the type size.
- ``Heading`` (``<h1>``, ``<h2>``, ``<h3>``): a heading with inline text.
- ``Paragraph`` (``<p style=>``): inline text; styles: body, small, fine, compact (the size of
  table text), title, subtitle,
  address, right, signature.
- ``Quote`` (``<quote continued=>``): record text reproduced exactly, set apart; ``continued`` is
  the label at the top of the part of a long quote that a page break carries over (default
  "(continued)").
- ``ListBlock`` (``<ul>``/``<ol>`` with ``<li>``): bulleted or numbered items.
- ``Table`` (``<table widths= style= lines=>`` with ``<tr>``, ``<th>``, ``<td>``): a header row, rows;
  styles: grid, plain, and calendar (every cell ruled, for a month grid); ``lines`` makes every
  body row at least that many lines of the table's text tall (room to write), and such rows are
  never split across pages.
- ``Figure`` (``<figure ref= height=>``): a chart from the context's figures, height in inches.
- ``Columns`` (``<columns widths=>`` with two or more ``<column>``, each holding blocks): block
  lists side by side, each as wide as its share of ``widths`` (equal shares by default); in a
  PDF a table of borderless cells, in a DOCX a borderless table, so both keep one row of them.
- ``Spacer`` (``<spacer height=>``), ``PageBreak`` (``<pagebreak/>``), ``Rule`` (``<rule/>``).

Inline text is a tuple of ``Span`` (``<b>``, ``<i>`` and ``<br/>`` inside any text).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field

from docgen.case.model import _excerpt
from docgen.errors import TemplateError


@dataclass(frozen=True)
class Span:
    text: str
    bold: bool = False
    italic: bool = False


Inline = tuple[Span, ...]

LINE_BREAK = "\n"


@dataclass(frozen=True)
class Heading:
    level: int
    spans: Inline


@dataclass(frozen=True)
class Paragraph:
    spans: Inline
    style: str = "body"
    keep_with_next: bool = False


#: The label over the part of a quote carried over to the next page, unless a template sets one.
CONTINUED = "(continued)"


@dataclass(frozen=True)
class Quote:
    spans: Inline
    continued: str = CONTINUED


@dataclass(frozen=True)
class ListBlock:
    items: tuple[Inline, ...]
    ordered: bool = False
    style: str = "body"


@dataclass(frozen=True)
class Table:
    header: tuple[Inline, ...]
    rows: tuple[tuple[Inline, ...], ...]
    widths: tuple[float, ...]
    style: str = "grid"
    #: Each body row is at least this many lines tall (0: as tall as its text).
    lines: int = 0


@dataclass(frozen=True)
class Figure:
    figure: object
    height: float
    name: str = ""


@dataclass(frozen=True)
class Spacer:
    height: float


@dataclass(frozen=True)
class PageBreak:
    pass


@dataclass(frozen=True)
class Rule:
    pass


@dataclass(frozen=True)
class Columns:
    """Block lists side by side; ``widths`` are the columns' shares of the width (summing to 1)."""

    columns: tuple[tuple[Block, ...], ...]
    widths: tuple[float, ...]


Block = Heading | Paragraph | Quote | ListBlock | Table | Figure | Spacer | PageBreak | Rule | Columns


@dataclass(frozen=True)
class Furniture:
    """What every page carries: running header (left, right) and footer note."""

    header_left: str = ""
    header_right: str = ""
    footer_left: str = ""


@dataclass(frozen=True)
class Document:
    title: str
    blocks: tuple[Block, ...]
    furniture: Furniture = field(default_factory=Furniture)
    size: float = 10.0
    page_size: str = "letter"
    landscape: bool = False
    #: No text is set smaller than this (points).
    minimum_size: float = 7.0
    #: Line spacing as a multiple of the type size (a dense one-page document sets less).
    leading: float = 1.2

    def text(self) -> str:
        """All text of the document, one block a line (for goldens and tests)."""
        return "\n".join(describe(block) for block in self.blocks)


# -- parsing the templates' XML ------------------------------------------------------------------

_SPACE = re.compile(r"[ \t\n\r\f\v]+")  # not \s: a no-break space the user typed stays one


def parse_document(markup: str, figures: Mapping[str, object], template: str = "") -> Document:
    """Turn a template's XML output into a Document."""
    try:
        root = ElementTree.fromstring(markup)
    except ElementTree.ParseError as error:
        line, _column = error.position
        raise TemplateError(f"{template or 'template'}: its output is not well-formed near output line {line}: {error.msg}") from None
    if root.tag != "document":
        raise TemplateError(f"{template}: the output must be one <document> element")
    try:
        return _document(root, figures, template)
    except (ValueError, ZeroDivisionError) as error:  # a number attribute that is not one
        raise TemplateError(f"{template}: {_excerpt(str(error), 120)}") from None


def _document(root: ElementTree.Element, figures: Mapping[str, object], template: str) -> Document:
    furniture = Furniture()
    blocks: list[Block] = []
    for element in root:
        if element.tag == "furniture":
            furniture = Furniture(
                header_left=_fold(element.get("left", "")),
                header_right=_fold(element.get("right", "")),
                footer_left=_fold(element.get("footer", "")),
            )
            continue
        blocks.append(_block(element, figures, template))
    return Document(
        title=_fold(root.get("title", "")),
        blocks=tuple(blocks),
        furniture=furniture,
        size=_number(root, "size", "10", 7.0, 24.0),
        page_size=_choice(root, "page", "letter", PAGE_SIZES),
        landscape=_choice(root, "orientation", "portrait", ORIENTATIONS) == "landscape",
        minimum_size=_number(root, "minimum", "7", 7.0, 24.0),
        leading=_number(root, "leading", "1.2", 1.0, 2.0),
    )


#: The values the attributes that name a style or a size may take (what the renderers know).
PAGE_SIZES = ("letter", "a4")
ORIENTATIONS = ("portrait", "landscape")
PARAGRAPH_STYLES = ("body", "small", "fine", "compact", "title", "subtitle", "address", "right", "signature")
LIST_STYLES = ("body", "small", "compact")
TABLE_STYLES = ("grid", "plain", "calendar")
_INLINE = ("b", "i", "br")


def _choice(element: ElementTree.Element, name: str, default: str, allowed: tuple[str, ...]) -> str:
    value = element.get(name, default)
    if value not in allowed:
        raise ValueError(f"<{element.tag} {name}='{_excerpt(value, 30)}'> is not known; expected one of {', '.join(allowed)}")
    return value


def _number(element: ElementTree.Element, name: str, default: str, low: float, high: float) -> float:
    """A number attribute, checked to be within [low, high]."""
    value = float(element.get(name, default))
    if not low <= value <= high:
        raise ValueError(f"<{element.tag} {name}=...> is {value:g}; expected a number from {low:g} to {high:g}")
    return value


def _block(element: ElementTree.Element, figures: Mapping[str, object], template: str) -> Block:
    builder = _BUILDERS.get(element.tag)
    if builder is None:
        raise TemplateError(f"{template}: <{element.tag}> is not a block element; expected one of {', '.join(sorted(_BUILDERS))}")
    return builder(element, figures, template)


def _heading(element: ElementTree.Element, _figures: Mapping[str, object], _template: str) -> Block:
    return Heading(int(element.tag[1]), _spans(element))


def _paragraph(element: ElementTree.Element, _figures: Mapping[str, object], _template: str) -> Block:
    return Paragraph(_spans(element), _choice(element, "style", "body", PARAGRAPH_STYLES), element.get("keep") == "next")


def _quote(element: ElementTree.Element, _figures: Mapping[str, object], _template: str) -> Block:
    return Quote(_spans(element), _fold(element.get("continued", CONTINUED)))


def _list(element: ElementTree.Element, _figures: Mapping[str, object], _template: str) -> Block:
    stray = [child.tag for child in element if child.tag != "li"]
    loose = [text for text in [element.text] + [child.tail for child in element] if text and text.strip()]
    if stray or loose:
        what = f"<{stray[0]}>" if stray else f"the text '{_excerpt(loose[0].strip(), 30)}'"
        raise ValueError(f"<{element.tag}> holds {what} outside its <li> items; a list holds only <li> items")
    items = tuple(_spans(item) for item in element)
    return ListBlock(items, ordered=element.tag == "ol", style=_choice(element, "style", "body", LIST_STYLES))


def _table(element: ElementTree.Element, _figures: Mapping[str, object], template: str) -> Block:
    header: tuple[Inline, ...] = ()
    rows: list[tuple[Inline, ...]] = []
    for row in element:
        cells = tuple(_spans(cell) for cell in row)
        if row.tag == "tr" and all(cell.tag == "th" for cell in row) and not rows and not header:
            header = cells
        else:
            rows.append(cells)
    columns = max([len(header)] + [len(row) for row in rows] or [1])
    widths_text = element.get("widths")
    widths = tuple(float(part) for part in widths_text.split(",")) if widths_text else (1.0,) * columns
    if len(widths) != columns:
        raise TemplateError(f"{template}: a table declares {len(widths)} column widths but has {columns} columns")
    if not all(0 < width < float("inf") for width in widths):
        raise TemplateError(f"{template}: a table's column widths must be positive numbers")
    total = sum(widths)
    return Table(header, tuple(rows), tuple(width / total for width in widths), _choice(element, "style", "grid", TABLE_STYLES),
                 int(_number(element, "lines", "0", 0, 40)))


def _figure(element: ElementTree.Element, figures: Mapping[str, object], template: str) -> Block:
    name = element.get("ref", "")
    if name not in figures:
        raise TemplateError(f"{template}: <figure ref='{name}'> names no figure of this document")
    return Figure(figures[name], _number(element, "height", "3", 0.5, 8.0), name)


def _columns(element: ElementTree.Element, figures: Mapping[str, object], template: str) -> Block:
    stray = [child.tag for child in element if child.tag != "column"]
    loose = [text for text in [element.text] + [child.tail for child in element] if text and text.strip()]
    if stray or loose:
        what = f"<{stray[0]}>" if stray else f"the text '{_excerpt(loose[0].strip(), 30)}'"
        raise ValueError(f"<columns> holds {what} outside its <column> elements; it holds only <column> elements")
    columns = []
    for column in element:
        loose = [text for text in [column.text] + [child.tail for child in column] if text and text.strip()]
        if loose:
            raise ValueError(f"<column> holds the text '{_excerpt(loose[0].strip(), 30)}' outside a block; put it in a <p>")
        inner = tuple(_block(child, figures, template) for child in column)
        if any(isinstance(block, (PageBreak, Columns)) for block in inner):
            raise ValueError("a <column> holds no <pagebreak/> and no <columns> of its own")
        columns.append(inner)
    if len(columns) < 2:
        raise ValueError(f"<columns> holds {len(columns)} <column>; expected two or more")
    widths_text = element.get("widths")
    widths = tuple(float(part) for part in widths_text.split(",")) if widths_text else (1.0,) * len(columns)
    if len(widths) != len(columns):
        raise ValueError(f"<columns> declares {len(widths)} widths but holds {len(columns)} <column>")
    if not all(0 < width < float("inf") for width in widths):
        raise ValueError("the widths of <columns> must be positive numbers")
    total = sum(widths)
    return Columns(tuple(columns), tuple(width / total for width in widths))


def _spacer(element: ElementTree.Element, _figures: Mapping[str, object], _template: str) -> Block:
    return Spacer(_number(element, "height", "6", 0.0, 400.0))


def _page_break(_element: ElementTree.Element, _figures: Mapping[str, object], _template: str) -> Block:
    return PageBreak()


def _rule(_element: ElementTree.Element, _figures: Mapping[str, object], _template: str) -> Block:
    return Rule()


_BUILDERS: dict[str, Callable[[ElementTree.Element, Mapping[str, object], str], Block]] = {
    "h1": _heading,
    "h2": _heading,
    "h3": _heading,
    "p": _paragraph,
    "quote": _quote,
    "ul": _list,
    "ol": _list,
    "table": _table,
    "columns": _columns,
    "figure": _figure,
    "spacer": _spacer,
    "pagebreak": _page_break,
    "rule": _rule,
}


def _spans(element: ElementTree.Element) -> Inline:
    """Inline text with emphasis; white space folds as in HTML, <br/> breaks the line."""
    spans: list[Span] = []

    def walk(node: ElementTree.Element, bold: bool, italic: bool) -> None:
        if node.text:
            spans.append(Span(node.text, bold, italic))
        for child in node:
            if child.tag not in _INLINE:
                raise ValueError(f"<{child.tag}> is not an inline element; inside text, expected one of "
                                 f"{', '.join(f'<{tag}>' for tag in _INLINE)}")
            if child.tag == "br":
                spans.append(Span(LINE_BREAK, bold, italic))
            else:
                walk(child, bold or child.tag == "b", italic or child.tag == "i")
            if child.tail:
                spans.append(Span(child.tail, bold, italic))

    walk(element, False, False)
    return _normalise(spans)


def _normalise(spans: list[Span]) -> Inline:
    """Fold white space across spans, trim the ends, merge neighbours of the same style."""
    folded: list[Span] = []
    previous_space = True
    for span in spans:
        if span.text == LINE_BREAK:
            if folded and folded[-1].text.endswith(" ") and folded[-1].text != LINE_BREAK:
                folded[-1] = Span(folded[-1].text.rstrip(" "), folded[-1].bold, folded[-1].italic)
            folded.append(span)
            previous_space = True
            continue
        text = _SPACE.sub(" ", span.text)
        if previous_space:
            text = text.lstrip(" ")
        if not text:
            continue
        previous_space = text.endswith(" ")
        if folded and folded[-1].text != LINE_BREAK and (folded[-1].bold, folded[-1].italic) == (span.bold, span.italic):
            folded[-1] = Span(folded[-1].text + text, span.bold, span.italic)
        else:
            folded.append(Span(text, span.bold, span.italic))
    while folded and folded[-1].text != LINE_BREAK and folded[-1].text.endswith(" "):
        last = folded[-1]
        stripped = last.text.rstrip(" ")
        if stripped:
            folded[-1] = Span(stripped, last.bold, last.italic)
            break
        folded.pop()
    while folded and folded[-1].text == LINE_BREAK:
        folded.pop()
    return tuple(folded)


def _fold(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


# -- text, for goldens and tests -------------------------------------------------------------


def plain(spans: Inline) -> str:
    return "".join(span.text for span in spans)


def describe(block: Block) -> str:
    """One readable line (or a few) per block."""
    if isinstance(block, Heading):
        return f"{'#' * block.level} {plain(block.spans)}"
    if isinstance(block, Paragraph):
        return f"[{block.style}] {plain(block.spans)}"
    if isinstance(block, Quote):
        return f"> {plain(block.spans)}"
    if isinstance(block, ListBlock):
        marker = "1." if block.ordered else "-"
        return "\n".join(f"{marker} {plain(item)}" for item in block.items)
    if isinstance(block, Table):
        def cell_text(cell: Inline) -> str:  # a calendar's week on one line: its cells' lines joined by " / "
            return plain(cell).replace(LINE_BREAK, " / ") if block.style == "calendar" else plain(cell)

        lines = [" | ".join(cell_text(cell) for cell in block.header)] if block.header else []
        lines += [" | ".join(cell_text(cell) for cell in row) for row in block.rows]
        return "\n".join(f"|{line}|" for line in lines)
    if isinstance(block, Figure):
        return f"[figure {block.name}]"
    if isinstance(block, Columns):
        parts = []
        for number, column in enumerate(block.columns, start=1):
            parts.append(f"[column {number} of {len(block.columns)}]")
            parts += [text for text in (describe(inner) for inner in column) if text]
        return "\n".join(parts)
    if isinstance(block, PageBreak):
        return "[page break]"
    if isinstance(block, Rule):
        return "[rule]"
    return ""


def iter_text(document: Document) -> Iterator[str]:
    """Every piece of visible text, block by block."""
    for block in document.blocks:
        text = describe(block)
        if text:
            yield text
