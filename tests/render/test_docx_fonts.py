"""Every DOCX carries the faces its text is set in, embedded as Word embeds fonts (ECMA-376
Part 1, §17.8.1), so a word processor without DejaVu Sans lays it out as docgen did
(docgen.render.docx_fonts). The package is read back here as a word processor reads it: the
font table, its relationships, the content types, then each part de-obfuscated with its key."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ElementTree
import zipfile
from collections.abc import Callable
from functools import cache
from pathlib import Path

import docx as python_docx
import pytest
from conftest import SAMPLES, TODAY
from docx.text.paragraph import Paragraph
from docx.text.run import Run
from fontTools.ttLib import TTFont

from docgen.case.loading import load_case
from docgen.markup import blocks
from docgen.options import Options
from docgen.pipeline import available_documents, generate
from docgen.render import docx_fonts, fonts
from docgen.render.docx import render_docx

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
RELATIONSHIP_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
FONT_RELATIONSHIP = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/font"
OBFUSCATED_FONT = "application/vnd.openxmlformats-officedocument.obfuscatedFont"
GUID = re.compile(r"\{[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}\}")

#: Where a reader looks for each face: (the family a run names, the font table's embed element).
SLOT = {
    fonts.REGULAR: ("DejaVu Sans", "embedRegular"),
    fonts.BOLD: ("DejaVu Sans", "embedBold"),
    fonts.ITALIC: ("DejaVu Sans", "embedItalic"),
    fonts.BOLD_ITALIC: ("DejaVu Sans", "embedBoldItalic"),
    fonts.FALLBACK: ("Droid Sans Fallback", "embedRegular"),
}
#: An embedded family's name: the installed family's and a tag from the document's subsets.
TAGGED = re.compile(r"(DejaVu Sans|Droid Sans Fallback) ([0-9A-F]{8})")
#: The style (name ID 2) of the face each embed element must hold.
STYLE = {"embedRegular": {"Book", "Regular"}, "embedBold": {"Bold"}, "embedItalic": {"Oblique"},
         "embedBoldItalic": {"Bold Oblique"}}


def deobfuscate(data: bytes, key: str) -> bytes:
    """§17.8.1: the key's bytes from its last hex pair to its first, XORed over bytes 0-15 and 16-31."""
    mask = bytes.fromhex(key.strip("{}").replace("-", ""))[::-1] * 2
    return bytes(byte ^ mask_byte for byte, mask_byte in zip(data[:32], mask)) + data[32:]


def embedded_fonts(data: bytes) -> dict[tuple[str, str], TTFont]:
    """(family, embed element) -> the font the package holds there, de-obfuscated; an
    AssertionError for anything a word processor would not find or could not read."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    names = set(archive.namelist())
    types = ElementTree.fromstring(archive.read("[Content_Types].xml"))
    content_types = {item.get("Extension"): item.get("ContentType") for item in types if item.tag.endswith("Default")}
    content_types.update({item.get("PartName"): item.get("ContentType") for item in types if item.tag.endswith("Override")})
    settings = ElementTree.fromstring(archive.read("word/settings.xml"))
    assert settings.find(f"{W}embedTrueTypeFonts") is not None, "the settings do not keep fonts embedded"
    assert settings.find(f"{W}saveSubsetFonts") is not None, "the settings do not keep fonts subset"
    assert "word/_rels/fontTable.xml.rels" in names, "the font table relates no part"
    relationships = {item.get("Id"): item for item in ElementTree.fromstring(archive.read("word/_rels/fontTable.xml.rels"))}
    found: dict[tuple[str, str], TTFont] = {}
    parts: list[str] = []
    for font in ElementTree.fromstring(archive.read("word/fontTable.xml")).iter(f"{W}font"):
        family = font.get(f"{W}name", "")
        for element in font:
            slot = element.tag.removeprefix(W)
            if not slot.startswith("embed"):
                continue
            relationship = relationships[element.get(RELATIONSHIP_ID)]
            assert relationship.get("Type") == FONT_RELATIONSHIP
            part = "word/" + relationship.get("Target", "")
            assert re.fullmatch(r"word/fonts/font[0-9]+\.odttf", part), part
            assert content_types.get("/" + part, content_types.get("odttf")) == OBFUSCATED_FONT, part
            key = element.get(f"{W}fontKey", "")
            assert GUID.fullmatch(key), key
            assert element.get(f"{W}subsetted") == "1"
            stored = archive.read(part)
            assert stored[:4] != b"\x00\x01\x00\x00", f"{part} is not obfuscated"
            try:
                program = TTFont(io.BytesIO(deobfuscate(stored, key)))
                program.ensureDecompiled()
            except Exception as error:  # anything fontTools cannot read, a word processor cannot use
                raise AssertionError(f"{part} with key {key} is not a font: {error}") from error
            assert program["name"].getDebugName(1) == family, (part, family)
            assert program["name"].getDebugName(2) in STYLE[slot], (part, slot)
            tagged = TAGGED.fullmatch(family)
            assert tagged is not None, family  # the document's own name for its subsets
            alternative = font.find(f"{W}altName")
            assert alternative is not None and alternative.get(f"{W}val") == tagged.group(1)
            found[(tagged.group(1), slot)] = program
            parts.append(part)
    assert found, "no font is embedded"
    assert sorted(parts) == sorted(name for name in names if name.startswith("word/fonts/")), "a font part is unlisted"
    assert len(set(parts)) == len(parts)
    return found


def style_value(run: Run, paragraph: Paragraph, attribute: str) -> bool:
    """A run's bold or italic: its own, else its paragraph style's or that of a style it is based on."""
    value = getattr(run.font, attribute)
    style = paragraph.style
    while value is None and style is not None:
        value = getattr(style.font, attribute)
        style = style.base_style
    return bool(value)


def characters_by_slot(data: bytes) -> dict[tuple[str, str], set[str]]:
    """What each slot sets: every run's characters, in the face its bold and italic select,
    each character in the face the PDF sets it in (``fonts.runs``) where that face has it; and
    in the footer's face every digit, for its page numbers."""
    document = python_docx.Document(io.BytesIO(data))
    paragraphs = [(paragraph, False) for paragraph in document.paragraphs]
    tables = list(document.tables)
    while tables:  # the tables of the body and those inside their cells (a <columns> block's)
        table = tables.pop()
        cells = [cell for row in table.rows for cell in row.cells]
        paragraphs += [(paragraph, False) for cell in cells for paragraph in cell.paragraphs]
        tables += [inner for cell in cells for inner in cell.tables]
    for section in document.sections:
        paragraphs += [(paragraph, False) for paragraph in section.header.paragraphs]
        paragraphs += [(paragraph, True) for paragraph in section.footer.paragraphs]
    found: dict[tuple[str, str], set[str]] = {}
    for paragraph, in_footer in paragraphs:
        for run in paragraph.runs:
            face = fonts.face(style_value(run, paragraph, "bold"), style_value(run, paragraph, "italic"))
            text = run.text.replace("\t", "").replace("\n", "")
            if in_footer and text == "1":  # a page number field's result
                text += "0123456789"
            for part, name in fonts.runs(text, face):
                found.setdefault(SLOT[name], set()).update(character for character in part if fonts.covers(name, character))
    return {slot: characters for slot, characters in found.items() if characters}


def cmap_characters(program: TTFont) -> set[str]:
    return {chr(code) for code in program.getBestCmap()}


@cache
def sample_documents(sample: Path) -> list[tuple[str, bytes]]:
    case = load_case(sample)
    options = Options(today=TODAY)
    return [(name, generate(case, name, "docx", options)) for name in available_documents(case, options)]


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda path: path.stem)
def test_every_docx_embeds_each_face_it_sets_subset_to_its_text(sample: Path) -> None:
    for name, data in sample_documents(sample):
        embedded = embedded_fonts(data)
        expected = characters_by_slot(data)
        assert set(embedded) == set(expected), name
        for slot, characters in expected.items():
            held = cmap_characters(embedded[slot])
            assert characters <= held, (name, slot, sorted(characters - held))
            assert held <= characters, (name, slot, "more than the text", sorted(held - characters))
        assert all(len(zipfile.ZipFile(io.BytesIO(data)).read(f"word/fonts/font{number}.odttf")) < 40_000
                   for number in range(1, len(embedded) + 1)), name


def test_every_face_and_the_fallback_are_embedded_where_text_needs_them() -> None:
    spans = (blocks.Span("Zoë Łukasiewicz "), blocks.Span("李小龍 김민준 ", bold=True),
             blocks.Span("oblique ", italic=True), blocks.Span("both", bold=True, italic=True), blocks.Span(" عبد الله"))
    document = blocks.Document("Faces", (blocks.Heading(1, (blocks.Span("Heading"),)), blocks.Paragraph(spans)))
    data = render_docx(document)
    embedded = embedded_fonts(data)
    assert sorted(embedded) == sorted(SLOT.values())
    for slot, characters in characters_by_slot(data).items():
        assert characters <= cmap_characters(embedded[slot]), slot
    assert set("李小龍김민준") <= cmap_characters(embedded[SLOT[fonts.FALLBACK]])
    assert set("عبدالله") <= cmap_characters(embedded[SLOT[fonts.REGULAR]])
    assert "H" in cmap_characters(embedded[SLOT[fonts.BOLD]])  # headings are bold through their style


def test_the_same_document_gives_the_same_package() -> None:
    name, first = sample_documents(SAMPLES[0])[0]
    docx_fonts._subset.cache_clear()  # the fonts subset afresh
    assert generate(load_case(SAMPLES[0]), name, "docx", Options(today=TODAY)) == first
    archive = zipfile.ZipFile(io.BytesIO(first))
    assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    table = archive.read("word/fontTable.xml").decode()
    keys = re.findall(r'w:fontKey="(\{[^"]+\})"', table)
    assert len(set(keys)) == len(keys) >= 2  # one key a font, derived from its bytes


def test_obfuscation_follows_the_specification() -> None:
    key = "{001B70DC-AA60-4AD5-90EC-18A0948E1EAE}"  # the example of §17.8.1
    reversed_key = bytes.fromhex("AE1E8E94A018EC90D54A60AADC701B00")
    assert docx_fonts.obfuscate(bytes(40), key) == reversed_key * 2 + bytes(8)
    program = docx_fonts.subset_font(fonts.REGULAR, "Az")
    assert docx_fonts.obfuscate(docx_fonts.obfuscate(program, key), key) == program
    assert deobfuscate(docx_fonts.obfuscate(program, key), key) == program
    assert GUID.fullmatch(docx_fonts.font_key(program))
    assert docx_fonts.font_key(program) != docx_fonts.font_key(docx_fonts.subset_font(fonts.REGULAR, "Ay"))


def test_the_check_fails_on_a_docx_without_embedded_fonts(monkeypatch: pytest.MonkeyPatch) -> None:
    from docgen.render import docx as docx_renderer

    document = blocks.Document("Plain", (blocks.Paragraph((blocks.Span("text"),)),))
    embedding = render_docx(document)
    assert set(embedded_fonts(embedding)) == {SLOT[fonts.REGULAR]}
    monkeypatch.setattr(docx_renderer, "embed_fonts", lambda docx: None)
    with pytest.raises(AssertionError, match="settings"):
        embedded_fonts(render_docx(document))
    plain = io.BytesIO()
    python_docx.Document().save(plain)
    with pytest.raises(AssertionError):
        embedded_fonts(plain.getvalue())
    with pytest.raises(AssertionError, match="not a font"):
        embedded_fonts(with_part(embedding, "word/fontTable.xml",  # a key other than the part's
                                 lambda xml: re.sub(rb'-[0-9A-F]{12}\}"', b'-000000000000}"', xml)))


def with_part(data: bytes, name: str, change: Callable[[bytes], bytes]) -> bytes:
    """The package ``data`` with part ``name`` changed."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            target.writestr(info, change(content) if info.filename == name else content)
    return buffer.getvalue()


def _families_named(data: bytes) -> set[str]:
    """Every family a run, a style, a header or a footer of the package names."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    named: set[str] = set()
    for name in archive.namelist():
        if name.startswith("word/") and name.endswith(".xml") and name != "word/fontTable.xml":
            for element in ElementTree.fromstring(archive.read(name)).iter(f"{W}rFonts"):
                named.update(value for key, value in element.attrib.items()
                             if key.removeprefix(W) in ("ascii", "hAnsi", "cs", "eastAsia"))
    return named


def _docx_of(text: str) -> bytes:
    markup = f'<document title="Test"><p>{text}</p><p><b>{text}</b></p></document>'
    return render_docx(blocks.parse_document(markup, {}, "test.xml.j2"))


def test_each_document_names_its_subsets_by_a_family_of_its_own() -> None:
    # LibreOffice, converting several files in one run, keeps the first file's embedded subset
    # for every later file that names the same family: each document's subsets have their own name
    first, second = _docx_of("Carvajal"), _docx_of("Harold E. Lindgren 山")
    tags = []
    for data in (first, second):
        named = _families_named(data) - {"Courier", "Symbol"}  # (the template's unused list styles)
        embedded = {TAGGED.fullmatch(name) for name in named}
        assert None not in embedded, named  # every run names an embedded family, none the bare one
        assert {match.group(1) for match in embedded if match} == {"DejaVu Sans", "Droid Sans Fallback"}
        tags.append({match.group(2) for match in embedded if match})
        assert len(tags[-1]) == 1
    assert tags[0] != tags[1]
    assert _docx_of("Carvajal") == first  # the name comes from the subsets: the same input, the same bytes


def test_a_renamed_font_keeps_its_glyphs_and_styles() -> None:
    data = docx_fonts.subset_font(fonts.BOLD, "Abc")
    renamed = TTFont(io.BytesIO(docx_fonts.renamed_font(data, "DejaVu Sans", "DejaVu Sans 0123ABCD")))
    names = renamed["name"]
    assert names.getDebugName(1) == "DejaVu Sans 0123ABCD" and names.getDebugName(2) == "Bold"
    assert names.getDebugName(4) == "DejaVu Sans 0123ABCD Bold"
    assert names.getDebugName(6) == "DejaVuSans0123ABCD-Bold"
    assert set(renamed.getBestCmap().values()) == set(TTFont(io.BytesIO(data)).getBestCmap().values())
