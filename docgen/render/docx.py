"""Blocks -> DOCX with python-docx, from the same blocks and style sheet as the PDF.

Every face the text is set in is embedded, subset (``docx_fonts``), so a reader without DejaVu
Sans sees the layout docgen made. Output is deterministic: core properties are fixed from the
document's date, font keys derive from the fonts' bytes and every zip entry carries the same
timestamp, so the same document gives the same bytes.
"""

from __future__ import annotations

import io
import struct
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, Any

from docx import Document as new_document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Pt, RGBColor
from docx.text.paragraph import Paragraph as DocxParagraph

from docgen.markup import blocks
from docgen.render import fonts, pagination
from docgen.render.docx_fonts import embed_fonts
from docgen.render.styles import StyleSheet

_BLACK = RGBColor(0, 0, 0)
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def write_docx(document: blocks.Document, target: str | Path | IO[bytes] | None = None,
               created: datetime | None = None) -> bytes | None:
    """Render ``document``; write it to ``target`` (a path or binary file) or return the bytes."""
    data = render_docx(document, created)
    if target is None:
        return data
    if isinstance(target, (str, Path)):
        Path(target).write_bytes(data)
    else:
        target.write(data)
    return None


def render_docx(document: blocks.Document, created: datetime | None = None, *,
                enclosure: blocks.Document | None = None, appendix: blocks.Document | None = None) -> bytes:
    """The document, and optionally an enclosure and an appendix after it, each from a new page.

    The enclosure (the one-page timeline) is a section of its own under the document's running
    header and footer; the appendix (the reply form) one under its own. Pages are numbered
    across all of them, as in the PDF."""
    sheet = _sheet(document)
    docx = new_document()
    _set_up(docx, document, sheet, created or datetime(2000, 1, 1, tzinfo=timezone.utc))
    _add_blocks(docx, document.blocks, sheet)
    _no_table_first(docx)
    if enclosure is not None:
        docx.add_section(WD_SECTION.NEW_PAGE)
        _add_blocks(docx, enclosure.blocks, _sheet(enclosure, document))
    if appendix is not None:
        section = docx.add_section(WD_SECTION.NEW_PAGE)
        _set_furniture(section, appendix.furniture, sheet)
        _add_blocks(docx, appendix.blocks, _sheet(appendix, document))
    embed_fonts(docx)
    return _package(docx)


def _no_table_first(docx: DocxDocument) -> None:
    """An empty paragraph of 1 pt type before a table that begins the document (a letterhead
    set in columns): LibreOffice does not keep a heading with the next paragraph on a page
    after one that begins with a table."""
    body = docx.element.body
    first = next((child for child in body if child.tag in (qn("w:p"), qn("w:tbl"))), None)
    if first is None or first.tag != qn("w:tbl"):
        return
    paragraph = DocxParagraph(OxmlElement("w:p"), docx._body)
    first.addprevious(paragraph._p)
    _as_gap(paragraph, 0.0)


def _sheet(part: blocks.Document, paper: blocks.Document | None = None) -> StyleSheet:
    """A part's style sheet: its own sizes, on the paper of ``paper`` (the main document)."""
    paper = paper or part
    return StyleSheet(body=part.size, page=paper.page_size, landscape=paper.landscape,
                      minimum=part.minimum_size, leading_ratio=part.leading)


def _add_blocks(docx: DocxDocument, items: tuple[blocks.Block, ...], sheet: StyleSheet) -> None:
    """The blocks in order, with Word's keep-with-next and keep-lines-together where
    ``pagination.plan`` says a page may not break."""
    body = docx.element.body
    for unit in pagination.plan(items):
        made: list[list[Any]] = []
        for block in items[unit.start:unit.end]:
            before = len(body) - 1  # the last child is the section's properties
            _RENDERERS[type(block)](docx, block, sheet)
            made.append([element for element in list(body)[before:len(body) - 1]])
        if unit.kind == pagination.KEEP:
            _keep(made[0], everything=True)
        elif unit.kind == pagination.CLOSING:
            first, *rest = made
            _keep(first, everything=False)
            for elements in rest:
                _keep(elements, everything=True)
            closing = [element for elements in rest for element in elements]
            if closing:  # the very last paragraph needs no keep-with-next
                last = closing[-1]
                if last.tag == qn("w:p"):
                    DocxParagraph(last, docx._body).paragraph_format.keep_with_next = False


def _keep(elements: list[Any], *, everything: bool) -> None:
    """Keep the paragraphs of ``elements`` (every one, or only the last, for the block before a
    closing) with what follows, each on one page; a table's rows are kept through their
    paragraphs, as Word does."""
    paragraphs = [paragraph for element in elements for paragraph in (
        [element] if element.tag == qn("w:p") else element.iter(qn("w:p")))]
    if not everything and paragraphs:
        paragraphs = paragraphs[-1:]
    for paragraph in paragraphs:
        properties = paragraph.get_or_add_pPr()
        properties.keepNext_val = True
        properties.keepLines_val = True


#: The extended properties: docgen as the application, nothing else (python-docx's template
#: names "Microsoft Macintosh Word" and a Normal.dotm template, neither of which is true).
_APP_XML = (
    "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
    "<Application>docgen</Application><DocSecurity>0</DocSecurity></Properties>"
).encode("utf-8")


def _package(docx: DocxDocument) -> bytes:
    """The saved package with only docgen's metadata and a fixed time on every entry.

    The template's preview picture of a blank page is left out (it is not this document), its
    extended properties are replaced by docgen's, and python-docx's zip is then given one fixed
    modification time in place: the bytes depend on the content alone, compressed once."""
    from docx.opc.constants import CONTENT_TYPE, RELATIONSHIP_TYPE
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part

    package = docx.part.package
    for key, relationship in list(package.rels.items()):
        if relationship.reltype in (RELATIONSHIP_TYPE.THUMBNAIL, RELATIONSHIP_TYPE.EXTENDED_PROPERTIES):
            del package.rels[key]
    package.relate_to(Part(PackURI("/docProps/app.xml"), CONTENT_TYPE.OFC_EXTENDED_PROPERTIES, _APP_XML, package),
                      RELATIONSHIP_TYPE.EXTENDED_PROPERTIES)
    buffer = io.BytesIO()
    docx.save(buffer)
    return _fixed_times(buffer.getvalue())


#: 1980-01-01 00:00:00, the earliest time a zip entry holds, as MS-DOS time and date fields.
_DOS_TIME_AND_DATE = struct.pack("<HH", 0, (0 << 9) | (1 << 5) | 1)


def _fixed_times(data: bytes) -> bytes:
    """``data`` (a zip file) with every entry's time set to ``_DOS_TIME_AND_DATE``, in both the
    local and the central directory headers (the zip format's fixed-layout fields)."""
    out = bytearray(data)
    end = out.rfind(b"PK\x05\x06")
    count, = struct.unpack_from("<H", out, end + 10)
    offset, = struct.unpack_from("<I", out, end + 16)
    for _ in range(count):
        if out[offset:offset + 4] != b"PK\x01\x02":
            raise ValueError("unexpected zip layout")
        out[offset + 12:offset + 16] = _DOS_TIME_AND_DATE
        name, extra, comment = struct.unpack_from("<HHH", out, offset + 28)
        local, = struct.unpack_from("<I", out, offset + 42)
        if out[local:local + 4] != b"PK\x03\x04":
            raise ValueError("unexpected zip layout")
        out[local + 10:local + 14] = _DOS_TIME_AND_DATE
        offset += 46 + name + extra + comment
    return bytes(out)


# -- document set-up ---------------------------------------------------------------------------


def _set_font(element_font: Any, size: float | None = None, bold: bool | None = None) -> None:
    element_font.name = fonts.DOCX_FAMILY
    element_font.color.rgb = _BLACK
    if size is not None:
        element_font.size = Pt(size)
    if bold is not None:
        element_font.bold = bold
    r_fonts = element_font.element.rPr.find(qn("w:rFonts")) if element_font.element.rPr is not None else None
    if r_fonts is not None:
        for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            r_fonts.attrib.pop(qn(attribute), None)
        for attribute in ("w:ascii", "w:hAnsi", "w:cs"):
            r_fonts.set(qn(attribute), fonts.DOCX_FAMILY)
        # CJK ideographs, kana and Hangul: Word and LibreOffice set them in the East Asian font
        r_fonts.set(qn("w:eastAsia"), fonts.DOCX_EAST_ASIAN_FAMILY)


def _set_up(docx: DocxDocument, document: blocks.Document, sheet: StyleSheet, created: datetime) -> None:
    section = docx.sections[0]
    width, height = sheet.page_size
    section.page_width, section.page_height = Pt(width), Pt(height)
    if document.landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
    section.left_margin = section.right_margin = Pt(sheet.margin)
    section.top_margin, section.bottom_margin = Pt(sheet.top_margin), Pt(sheet.bottom_margin)
    section.header_distance = Pt(sheet.top_margin - 0.38 * 72)
    section.footer_distance = Pt(0.3 * 72)

    styles = docx.styles
    normal = styles["Normal"]
    _set_font(normal.font, sheet.size("body"))
    normal.paragraph_format.space_after = Pt(sheet.space_after("body"))
    normal.paragraph_format.line_spacing = round(sheet.leading_ratio / _DEJAVU_LINE, 3)
    normal.paragraph_format.widow_control = True  # no line of a paragraph alone at a page's foot or head
    for level in (1, 2, 3):
        style = styles[f"Heading {level}"]
        _set_font(style.font, sheet.size(f"h{level}"), bold=True)
        style.font.italic = False
        style.paragraph_format.space_before = Pt(sheet.space_before(f"h{level}"))
        style.paragraph_format.space_after = Pt(sheet.space_after(f"h{level}"))
        style.paragraph_format.keep_with_next = True
    title = styles["Title"]
    _set_font(title.font, sheet.size("title"), bold=True)
    title.paragraph_format.space_after = Pt(sheet.space_after("title"))
    title_borders = title.element.pPr.find(qn("w:pBdr")) if title.element.pPr is not None else None
    if title_borders is not None:
        title.element.pPr.remove(title_borders)

    properties = docx.core_properties
    properties.title = _core_title(document.title)
    properties.author = ""
    properties.last_modified_by = ""
    properties.comments = ""
    properties.keywords = ""
    properties.subject = ""
    properties.category = ""
    properties.revision = 1
    properties.created = created
    properties.modified = created
    properties.last_printed = created

    _set_furniture(section, document.furniture, sheet)


#: A line of DejaVu Sans at single spacing, in ems: Word's "single" is the font's own line.
_DEJAVU_LINE = 1.164


def _set_furniture(section: Any, furniture: blocks.Furniture, sheet: StyleSheet) -> None:
    """The running header and footer of ``section`` (its own, not the previous section's)."""
    section.header.is_linked_to_previous = False
    section.footer.is_linked_to_previous = False
    frame = Pt(sheet.frame_width)
    header = section.header.paragraphs[0]
    header._p.style = None  # Normal: the built-in Header style's centre tab would catch the tab
    header.paragraph_format.space_after = Pt(0)
    header.paragraph_format.tab_stops.add_tab_stop(frame, WD_TAB_ALIGNMENT.RIGHT)
    _furniture_run(header, furniture.header_left, sheet)
    if furniture.header_right:
        _furniture_run(header, "\t" + furniture.header_right, sheet)
    footer = section.footer.paragraphs[0]
    footer._p.style = None
    footer.paragraph_format.space_after = Pt(0)
    footer.paragraph_format.tab_stops.add_tab_stop(frame, WD_TAB_ALIGNMENT.RIGHT)
    _furniture_run(footer, furniture.footer_left + "\tPage ", sheet)
    _field(footer, "PAGE", sheet)
    _furniture_run(footer, " of ", sheet)
    _field(footer, "NUMPAGES", sheet)


def _core_title(title: str) -> str:
    """The title property, cut with a "…" at the 255 characters a DOCX core property may hold."""
    return title if len(title) <= _CORE_LIMIT else title[: _CORE_LIMIT - 1].rstrip() + "\u2026"


_CORE_LIMIT = 255


def _furniture_run(paragraph: DocxParagraph, text: str, sheet: StyleSheet) -> None:
    run = paragraph.add_run(text)
    run.font.size = Pt(sheet.size("furniture"))
    run.font.color.rgb = _FURNITURE_GRAY


_FURNITURE_GRAY = RGBColor(0x4D, 0x4D, 0x4D)


def _field(paragraph: DocxParagraph, instruction: str, sheet: StyleSheet) -> None:
    """A PAGE or NUMPAGES field, filled in by the word processor."""
    for kind, text in (("begin", None), ("instr", instruction), ("separate", None), ("text", "1"), ("end", None)):
        run = paragraph.add_run()
        run.font.size = Pt(sheet.size("furniture"))
        run.font.color.rgb = _FURNITURE_GRAY
        if kind == "instr":
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = f" {text} "
            run._r.append(element)
        elif kind == "text":
            run.text = text or ""
        else:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
            run._r.append(element)


# -- blocks ------------------------------------------------------------------------------------


def _add_spans(paragraph: DocxParagraph, spans: blocks.Inline) -> None:
    """The spans as runs; the size and spacing come from the paragraph's style."""
    for span in spans:
        if span.text == blocks.LINE_BREAK:
            paragraph.add_run().add_break(WD_BREAK.LINE)
            continue
        run = paragraph.add_run(span.text)
        if span.bold:
            run.bold = True
        if span.italic:
            run.italic = True


def _role_style(docx: DocxDocument, sheet: StyleSheet, role: str, *, bold: bool = False,
                space_after: float | None = None) -> str:
    """The id of a paragraph style for text of ``role`` (its size and spacing), added to the
    document the first time it is used: a size set once on a style instead of on every run."""
    half_points = round(sheet.size(role) * 2)
    # a part set at a line spacing of its own (the enclosed timeline) has styles of its own
    leading = "" if sheet.leading_ratio == StyleSheet.leading_ratio else f"L{round(sheet.leading_ratio * 100)}"
    style_id = "Docgen" + role.title() + ("Bold" if bold else "") + str(half_points) + leading
    styles = docx.styles.element
    if styles.get_by_id(style_id) is None:
        twips = round((sheet.space_after(role) if space_after is None else space_after) * 20)
        line = round(240 * sheet.leading_ratio / _DEJAVU_LINE)
        styles.append(parse_xml(
            f'<w:style {nsdecls("w")} w:type="paragraph" w:customStyle="1" w:styleId="{style_id}">'
            f'<w:name w:val="Docgen {role}{" bold" if bold else ""} {half_points / 2:g} pt{" " + leading if leading else ""}"/>'
            '<w:basedOn w:val="Normal"/><w:qFormat/>'
            f'<w:pPr><w:spacing w:after="{twips}" w:line="{line}" w:lineRule="auto"/></w:pPr>'
            f'<w:rPr>{"<w:b/><w:bCs/>" if bold else ""}<w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/></w:rPr>'
            "</w:style>"
        ))
    return style_id


def _is_main(docx: DocxDocument, sheet: StyleSheet) -> bool:
    """Whether ``sheet`` is the main document's (whose sizes Word's built-in styles carry)."""
    size = docx.styles["Normal"].font.size
    return size is not None and abs(size.pt - sheet.size("body")) < 0.01


def _heading(docx: DocxDocument, block: Any, sheet: StyleSheet) -> None:
    if not _is_main(docx, sheet):
        _part_heading(docx, block, sheet)
        return
    paragraph = docx.add_paragraph()
    paragraph._p.style = f"Heading{block.level}"  # by id: python-docx's lookup by name scans every style
    _add_spans(paragraph, block.spans)


def _part_heading(docx: DocxDocument, block: Any, sheet: StyleSheet) -> None:
    """A heading of an enclosure or appendix, in that part's own size (Word's heading styles
    carry the main document's)."""
    role = f"h{block.level}"
    paragraph = docx.add_paragraph()
    paragraph._p.style = _role_style(docx, sheet, role, bold=True)
    paragraph.paragraph_format.space_before = Pt(sheet.space_before(role))
    _add_spans(paragraph, block.spans)


def _paragraph(docx: DocxDocument, block: Any, sheet: StyleSheet) -> None:
    paragraph = docx.add_paragraph()
    role = block.style
    if role == "title" and _is_main(docx, sheet):
        paragraph._p.style = "Title"
    elif role == "title":
        paragraph._p.style = _role_style(docx, sheet, role, bold=True)
    else:
        paragraph._p.style = _role_style(docx, sheet, role)
        if role == "right":
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _add_spans(paragraph, block.spans)
    if block.keep_with_next:
        paragraph.paragraph_format.keep_with_next = True


def _quote(docx: DocxDocument, block: Any, sheet: StyleSheet) -> None:
    paragraph = docx.add_paragraph()
    paragraph.paragraph_format.left_indent = Pt(24)
    paragraph.paragraph_format.space_after = Pt(sheet.space_after("body"))
    borders = OxmlElement("w:pBdr")
    left = OxmlElement("w:left")
    for key, value in (("w:val", "single"), ("w:sz", "12"), ("w:space", "8"), ("w:color", "595959")):
        left.set(qn(key), value)
    borders.append(left)
    paragraph._p.get_or_add_pPr().append(borders)
    _add_spans(paragraph, block.spans)


def _list(docx: DocxDocument, block: Any, sheet: StyleSheet) -> None:
    style_id = _role_style(docx, sheet, block.style, space_after=sheet.body * 0.25)
    for number, item in enumerate(block.items, start=1):
        paragraph = docx.add_paragraph()
        paragraph._p.style = style_id
        paragraph.paragraph_format.left_indent = Pt(18)
        paragraph.paragraph_format.first_line_indent = Pt(-14)
        paragraph.paragraph_format.tab_stops.add_tab_stop(Pt(18))
        paragraph.add_run(f"{number}.\t" if block.ordered else "•\t")
        _add_spans(paragraph, item)


def _table(docx: DocxDocument, block: Any, sheet: StyleSheet) -> None:
    rows = ([block.header] if block.header else []) + list(block.rows)
    if not rows:
        return
    plain = block.style == "plain"
    calendar = block.style == "calendar"
    role = "body" if plain or calendar else "table"
    cell_style, header_style = (_role_style(docx, sheet, role, bold=bold, space_after=0.0) for bold in (False, True))
    columns = len(block.widths)
    table = docx.add_table(rows=len(rows), cols=columns)
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    table.autofit = False
    if calendar:
        _calendar_borders(table, sheet)
    elif not plain:
        _table_borders(table)
    widths = [Pt(fraction * sheet.frame_width) for fraction in block.widths]
    for column, width in zip(table.columns, widths):
        column.width = width  # the grid, which LibreOffice and Word read first
    for row_index, (row, cells) in enumerate(zip(table.rows, rows)):
        is_header = row_index == 0 and bool(block.header)
        if is_header:
            row_properties = row._tr.get_or_add_trPr()
            repeat = OxmlElement("w:tblHeader")
            repeat.set(qn("w:val"), "true")
            row_properties.append(repeat)
        elif calendar:
            _fixed_row(row, block.lines * sheet.leading("body") + 2 * _CALENDAR_PADDING)
        for column, cell in enumerate(row.cells):
            cell.width = widths[column]
            spans = cells[column] if column < len(cells) else ()
            paragraph = cell.paragraphs[0]
            paragraph._p.style = header_style if is_header else cell_style
            _add_spans(paragraph, spans)
            if is_header and calendar:
                _heavy_bottom(cell, sheet)
            elif is_header:
                _shade(cell, sheet.header_fill_gray)
    _gap(docx, sheet.body * 0.6)  # as the PDF spaces a table from what follows


def _gap(container: Any, points: float) -> None:
    """An empty paragraph about ``points`` tall: its mark set in 1 pt type at single spacing,
    the rest as space after. (An empty paragraph takes the height of its mark's type, and
    LibreOffice misjudges pages that hold empty paragraphs of an exact line height.)"""
    _as_gap(container.add_paragraph(), points)


def _as_gap(paragraph: DocxParagraph, points: float) -> None:
    """Make an empty paragraph about ``points`` tall (at least its 1 pt mark's line)."""
    _tiny_mark(paragraph)
    paragraph.paragraph_format.line_spacing = 1.0
    paragraph.paragraph_format.space_after = Pt(max(0.0, points - _GAP_LINE))


#: The height of an empty paragraph whose mark is set in 1 pt type (DejaVu Sans lines are 1.164 em).
_GAP_LINE = 1.2


def _tiny_mark(paragraph: DocxParagraph) -> None:
    """Set a paragraph's mark (what an empty paragraph is as tall as) in 1 pt type."""
    properties = paragraph._p.get_or_add_pPr()
    mark = properties.find(qn("w:rPr"))
    if mark is None:
        mark = OxmlElement("w:rPr")
        properties.append(mark)
    for tag in ("w:sz", "w:szCs"):
        size = OxmlElement(tag)
        size.set(qn("w:val"), "2")
        mark.append(size)


def _table_borders(table: Any) -> None:
    properties = table._tbl.tblPr
    margins = OxmlElement("w:tblCellMar")
    for edge, width in (("top", "14"), ("left", "57"), ("bottom", "14"), ("right", "57")):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:w"), width)
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    properties.append(margins)
    borders = OxmlElement("w:tblBorders")
    for edge, size, color in (("top", "12", "000000"), ("bottom", "12", "000000"), ("insideH", "4", "B3B3B3")):
        element = OxmlElement(f"w:{edge}")
        for key, value in (("w:val", "single"), ("w:sz", size), ("w:space", "0"), ("w:color", color)):
            element.set(qn(key), value)
        borders.append(element)
    properties.append(borders)


#: The padding inside a calendar cell (points), as in the PDF.
_CALENDAR_PADDING = 3.0


def _calendar_borders(table: Any, sheet: StyleSheet) -> None:
    """Every cell ruled in black (a month grid, read through a fax)."""
    properties = table._tbl.tblPr
    margins = OxmlElement("w:tblCellMar")
    for edge in ("top", "left", "bottom", "right"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:w"), str(round(_CALENDAR_PADDING * 20)))
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    borders = OxmlElement("w:tblBorders")
    inner, outer = (str(max(2, round(width * 8))) for width in (sheet.calendar_rule_width, sheet.calendar_rule_width * 1.6))
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        size = inner if edge.startswith("inside") else outer
        for key, value in (("w:val", "single"), ("w:sz", size), ("w:space", "0"), ("w:color", "000000")):
            element.set(qn(key), value)
        borders.append(element)
    _insert_before(properties, borders, ("w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook"))
    _insert_before(properties, margins, ("w:tblLook",))


def _insert_before(parent: Any, element: Any, later: tuple[str, ...]) -> None:
    """Add ``element`` to ``parent`` before its first child named in ``later`` (the schema's order)."""
    for child in parent:
        if child.tag in {qn(name) for name in later}:
            child.addprevious(element)
            return
    parent.append(element)


def _heavy_bottom(cell: Any, sheet: StyleSheet) -> None:
    """A heavy black rule under a calendar's header cell (no gray: a fax dithers it)."""
    borders = OxmlElement("w:tcBorders")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", str(round(sheet.calendar_rule_width * 2.4 * 8))), ("w:space", "0"),
                       ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    properties = cell._tc.get_or_add_tcPr()
    _insert_before(properties, borders, ("w:shd", "w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign",
                                         "w:hideMark"))


def _fixed_row(row: Any, height: float) -> None:
    """A row at least ``height`` points tall that never splits across pages."""
    properties = row._tr.get_or_add_trPr()
    keep = OxmlElement("w:cantSplit")
    keep.set(qn("w:val"), "true")
    properties.append(keep)
    tall = OxmlElement("w:trHeight")
    tall.set(qn("w:val"), str(round(height * 20)))
    tall.set(qn("w:hRule"), "atLeast")
    properties.append(tall)


def _shade(cell: Any, gray: float) -> None:
    level = f"{round(gray * 255):02X}"
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), level * 3)
    cell._tc.get_or_add_tcPr().append(shading)


def _figure(docx: DocxDocument, block: Any, sheet: StyleSheet) -> None:
    from docgen.render.chart import ChartStyle, chart_png, draw_timeline_chart

    drawing = draw_timeline_chart(block.figure, sheet.frame_width, block.height * 72,
                                  ChartStyle.for_text(sheet.size("table")))
    docx.add_picture(io.BytesIO(chart_png(drawing)), width=Pt(sheet.frame_width))
    picture = docx.paragraphs[-1].paragraph_format
    picture.space_after = Pt(sheet.body * 0.4)
    picture.line_spacing = 1.0  # a proportional spacing below single would clip the picture's top


def _spacer(docx: DocxDocument, block: Any, sheet: StyleSheet) -> None:
    """Vertical space: more space after the paragraph before it, where the block before it is a
    paragraph, else an empty paragraph of exactly that height. (LibreOffice lays out a page that
    holds empty exact-height paragraphs as if more fitted on it than does, and then leaves a
    heading kept with the next paragraph at the page's foot.)"""
    previous = _last_paragraph(docx)
    if previous is not None:
        previous.paragraph_format.space_after = Pt(_space_after(previous) + block.height)
        return
    _gap(docx, block.height)


def _last_paragraph(container: Any) -> DocxParagraph | None:
    """The last block of a document body or a table cell, if it is a paragraph."""
    if isinstance(container, _Cell):
        if container._fresh:
            return None
        element, parent = container._cell._tc, container._cell
    else:
        element, parent = container.element.body, container._body
    children = [child for child in element if child.tag in (qn("w:p"), qn("w:tbl"))]
    if not children or children[-1].tag != qn("w:p"):
        return None
    return DocxParagraph(children[-1], parent)


def _space_after(paragraph: DocxParagraph) -> float:
    """The space after a paragraph in points: its own, else its style's (through the styles it
    is based on)."""
    value = paragraph.paragraph_format.space_after
    style = paragraph.style
    while value is None and style is not None:
        value = style.paragraph_format.space_after
        style = style.base_style
    return 0.0 if value is None else float(value.pt)


def _page_break(docx: DocxDocument, block: Any, sheet: StyleSheet) -> None:
    docx.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _rule(docx: DocxDocument, block: Any, sheet: StyleSheet) -> None:
    paragraph = docx.add_paragraph()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "4"), ("w:space", "1"), ("w:color", "737373")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().append(borders)
    paragraph.paragraph_format.space_after = Pt(sheet.body * 0.5)


class _Cell:
    """A table cell that the block renderers fill as they fill the document body: paragraphs,
    tables and pictures go into the cell, styles and settings stay the document's."""

    def __init__(self, document: DocxDocument, cell: Any) -> None:
        self._document = document
        self._cell = cell
        self._fresh = True  # a new cell holds one empty paragraph, used by the first block

    @property
    def styles(self) -> Any:
        return self._document.styles

    @property
    def paragraphs(self) -> list[DocxParagraph]:
        return list(self._cell.paragraphs)

    def add_paragraph(self) -> DocxParagraph:
        paragraph: DocxParagraph
        if self._fresh:
            self._fresh = False
            paragraph = self._cell.paragraphs[0]
        else:
            paragraph = self._cell.add_paragraph()
        return paragraph

    def add_table(self, rows: int, cols: int) -> Any:
        table = self._cell.add_table(rows, cols)
        if self._fresh:  # the cell's empty first paragraph would stand above the table
            self._fresh = False
            self._cell._tc.remove(self._cell.paragraphs[0]._p)
        return table

    def finish(self) -> None:
        """A cell ends with a paragraph (Word's rule): one of a point's height, in place of the
        empty ones that space the blocks apart at the foot of the column."""
        cell = self._cell._tc
        while len(cell) > 1 and cell[-1].tag == qn("w:p") and not "".join(cell[-1].itertext()).strip():
            cell.remove(cell[-1])
        last = DocxParagraph(OxmlElement("w:p"), self._cell)
        cell.append(last._p)
        _as_gap(last, 0.0)

    def add_picture(self, image: IO[bytes], width: Any = None) -> None:
        self.add_paragraph().add_run().add_picture(image, width=width)


def _columns(docx: DocxDocument, block: Any, sheet: StyleSheet) -> None:
    """Block lists side by side: one row of a borderless table, a cell per column."""
    from dataclasses import replace

    gap = 10.0
    width = sheet.frame_width
    widths = [fraction * (width - gap * (len(block.columns) - 1)) for fraction in block.widths]
    table = docx.add_table(rows=1, cols=len(block.columns))
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    table.autofit = False
    properties = table._tbl.tblPr
    margins = OxmlElement("w:tblCellMar")
    for edge, twips in (("top", 0), ("left", 0), ("bottom", 0), ("right", round(gap * 20))):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:w"), str(twips))
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    properties.append(margins)
    cell_widths = [Pt(column_width + (gap if number < len(widths) - 1 else 0.0))
                   for number, column_width in enumerate(widths)]
    for column, cell_width in zip(table.columns, cell_widths, strict=True):
        column.width = cell_width
    for cell, cell_width, column, column_width in zip(table.rows[0].cells, cell_widths, block.columns, widths, strict=True):
        cell.width = cell_width
        container: Any = _Cell(docx, cell)
        column_sheet = replace(sheet, column_width=column_width)
        for inner in column:
            _RENDERERS[type(inner)](container, inner, column_sheet)
        container.finish()
    _gap(docx, sheet.body * 0.4)


_RENDERERS: dict[type, Callable[[DocxDocument, Any, StyleSheet], None]] = {
    blocks.Heading: _heading,
    blocks.Paragraph: _paragraph,
    blocks.Quote: _quote,
    blocks.ListBlock: _list,
    blocks.Table: _table,
    blocks.Figure: _figure,
    blocks.Spacer: _spacer,
    blocks.PageBreak: _page_break,
    blocks.Rule: _rule,
    blocks.Columns: _columns,
}

__all__ = ["write_docx", "render_docx"]
