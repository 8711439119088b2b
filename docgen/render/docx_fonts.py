"""The type family a DOCX names, embedded in it as Word embeds fonts (ECMA-376 Part 1, §17.8.1).

A word processor without DejaVu Sans would set the text in another font and the one-page
timeline would reflow; so every face the document's text is set in (DejaVu Sans regular, bold,
oblique and bold oblique as used, and Droid Sans Fallback for the characters the PDF sets in
it, see ``fonts.runs``) travels with the document: cut down to the glyphs of that document's
text, obfuscated with a font key derived from its bytes (the same document gives the same
package), stored as ``word/fonts/fontN.odttf``, related from and listed in the font table.
The settings ask the word processor to keep the fonts embedded, as subsets, when it saves.
"""

from __future__ import annotations

import hashlib
import io
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import TYPE_CHECKING, cast

from docx.opc.constants import RELATIONSHIP_TYPE
from docx.opc.packuri import PackURI
from docx.opc.part import Part, XmlPart
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

from docgen.render import fonts

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument
    from docx.oxml.xmlchemy import BaseOxmlElement as _Element

OBFUSCATED_FONT = "application/vnd.openxmlformats-officedocument.obfuscatedFont"
FONT_RELATIONSHIP = RELATIONSHIP_TYPE.FONT


@dataclass(frozen=True)
class Slot:
    """Where a face goes in the font table: the family a run names and the embed element."""

    family: str
    element: str


#: The faces in the order their parts are numbered.
SLOTS: dict[str, Slot] = {
    fonts.REGULAR: Slot(fonts.DOCX_FAMILY, "embedRegular"),
    fonts.BOLD: Slot(fonts.DOCX_FAMILY, "embedBold"),
    fonts.ITALIC: Slot(fonts.DOCX_FAMILY, "embedItalic"),
    fonts.BOLD_ITALIC: Slot(fonts.DOCX_FAMILY, "embedBoldItalic"),
    fonts.FALLBACK: Slot(fonts.DOCX_EAST_ASIAN_FAMILY, "embedRegular"),
}


def embed_fonts(docx: DocxDocument) -> None:
    """Embed every face ``docx``'s text is set in, subset to the characters it sets in it."""
    used = used_characters(docx)
    if not used:
        return
    font_table = _editable_font_table(docx)
    table = font_table.element
    subsets = {name: subset_font(name, used[name]) for name in SLOTS if name in used}
    families = document_families(subsets)
    _rename_families(docx, families)
    for number, name in enumerate(subsets, start=1):
        slot = SLOTS[name]
        data = renamed_font(subsets[name], slot.family, families[slot.family])
        key = font_key(data)
        part = Part(PackURI(f"/word/fonts/font{number}.odttf"), OBFUSCATED_FONT, obfuscate(data, key),
                    docx.part.package)
        relationship = font_table.relate_to(part, FONT_RELATIONSHIP)
        _font_entry(table, families[slot.family], name, slot.family).append(parse_xml(
            f'<w:{slot.element} {nsdecls("w", "r")} r:id="{relationship}" w:fontKey="{key}" w:subsetted="1"/>'))
    _ask_to_keep_embedding(docx)


# -- which characters each face sets -------------------------------------------------------------


def used_characters(docx: DocxDocument) -> dict[str, frozenset[str]]:
    """For each face (``fonts.REGULAR`` ... ``fonts.FALLBACK``) the characters of the body,
    headers and footers set in it: the face a run's bold and italic select (its paragraph
    style's, its character style's, its own), each character in the face the PDF sets it in
    (``fonts.runs``). Characters of right-to-left and other complex scripts are also counted in
    the face ``w:bCs``/``w:iCs`` select, which Word uses for them; East Asian characters also in
    the fallback face, which runs name as their ``w:eastAsia`` font. A field's result (page
    numbers) may be any digit."""
    styles = _Styles(docx.styles.element)
    found: dict[str, set[str]] = {}

    def add(text: str, face: str) -> None:
        for part, name in fonts.runs(text, face):
            found.setdefault(name, set()).update(part)

    for story in _stories(docx):
        for paragraph in story.iter(qn("w:p")):
            style = _paragraph_style(paragraph) or styles.default_paragraph
            for run in paragraph.iter(qn("w:r")):
                text = _run_text(run)
                if not text:
                    continue
                toggles = styles.run_toggles(style, run)
                latin = fonts.face(toggles.get("b", False), toggles.get("i", False))
                add(text, latin)
                complex_script = "".join(character for character in text if _in(character, _COMPLEX_SCRIPT))
                cs_face = fonts.face(toggles.get("bCs", False), toggles.get("iCs", False))
                if complex_script and cs_face != latin:
                    add(complex_script, cs_face)
                east_asian = [character for character in text if _in(character, _EAST_ASIAN)]
                if east_asian:
                    found.setdefault(fonts.FALLBACK, set()).update(
                        character for character in east_asian if fonts.covers(fonts.FALLBACK, character))
    return {name: frozenset(characters) for name, characters in found.items() if characters}


#: Complex scripts (Word sets them with the w:cs font and w:bCs, w:iCs): Hebrew to N'Ko and
#: Arabic supplements, Indic scripts to Tibetan and Myanmar, Khmer, Hebrew and Arabic
#: presentation forms.
_COMPLEX_SCRIPT = ((0x0590, 0x08FF), (0x0900, 0x109F), (0x1780, 0x17FF), (0xFB1D, 0xFDFF), (0xFE70, 0xFEFF))

#: East Asian scripts (Word and LibreOffice set them with the w:eastAsia font): Hangul jamo,
#: CJK radicals to Yi, Hangul syllables, compatibility ideographs and forms, full-width forms,
#: the supplementary ideographic planes.
_EAST_ASIAN = ((0x1100, 0x11FF), (0x2E80, 0xA4CF), (0xA960, 0xA97F), (0xAC00, 0xD7FF), (0xF900, 0xFAFF),
               (0xFE30, 0xFE4F), (0xFF00, 0xFFEF), (0x20000, 0x3FFFF))


def _in(character: str, ranges: tuple[tuple[int, int], ...]) -> bool:
    code = ord(character)
    return any(low <= code <= high for low, high in ranges)


_DIGITS = "0123456789"


def _run_text(run: _Element) -> str:
    """The characters a run draws: its text, the digits a field may show, and the hyphen a
    soft hyphen becomes at a line end."""
    text = "".join(child.text or "" for child in run if child.tag == qn("w:t"))
    if any(child.tag == qn("w:instrText") for child in run):
        text += _DIGITS
    if "\u00ad" in text:
        text += "-"
    return text


def _stories(docx: DocxDocument) -> Iterator[_Element]:
    """The root elements of the main document and of its headers and footers."""
    yield docx.element
    for relationship in docx.part.rels.values():
        if relationship.reltype in (RELATIONSHIP_TYPE.HEADER, RELATIONSHIP_TYPE.FOOTER) and not relationship.is_external:
            part = relationship.target_part
            if isinstance(part, XmlPart):
                yield part.element


def _paragraph_style(paragraph: _Element) -> str | None:
    style = paragraph.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
    return None if style is None else style.get(qn("w:val"))


_TOGGLES = ("b", "i", "bCs", "iCs")
_OFF = ("0", "false", "off")


def _toggles(properties: _Element | None) -> dict[str, bool]:
    """The bold and italic toggles a run properties element sets."""
    if properties is None:
        return {}
    found = {}
    for name in _TOGGLES:
        element = properties.find(qn(f"w:{name}"))
        if element is not None:
            found[name] = element.get(qn("w:val"), "1").lower() not in _OFF
    return found


class _Styles:
    """The bold and italic toggles of the styles part, through each style's ``w:basedOn``."""

    def __init__(self, element: _Element) -> None:
        self._styles = {style.get(qn("w:styleId"), ""): style for style in element.iter(qn("w:style"))}
        defaults = element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
        self._defaults = _toggles(defaults)
        self.default_paragraph = next((identifier for identifier, style in self._styles.items()
                                       if style.get(qn("w:type")) == "paragraph"
                                       and style.get(qn("w:default"), "0").lower() not in _OFF), "")
        self._cache: dict[str, dict[str, bool]] = {}

    def toggles(self, identifier: str) -> dict[str, bool]:
        """The toggles style ``identifier`` sets or inherits (later levels win)."""
        if identifier not in self._cache:
            chain: list[_Element] = []
            current = self._styles.get(identifier)
            while current is not None and current not in chain:
                chain.append(current)
                based_on = current.find(qn("w:basedOn"))
                current = None if based_on is None else self._styles.get(based_on.get(qn("w:val"), ""))
            merged: dict[str, bool] = {}
            for style in reversed(chain):
                merged.update(_toggles(style.find(qn("w:rPr"))))
            self._cache[identifier] = merged
        return self._cache[identifier]

    def run_toggles(self, paragraph_style: str, run: _Element) -> dict[str, bool]:
        properties = run.find(qn("w:rPr"))
        character_style = None if properties is None else properties.find(qn("w:rStyle"))
        merged = dict(self._defaults)
        merged.update(self.toggles(paragraph_style))
        if character_style is not None:
            merged.update(self.toggles(character_style.get(qn("w:val"), "")))
        merged.update(_toggles(properties))
        return merged


# -- the font programs ---------------------------------------------------------------------------


def subset_font(name: str, characters: Iterable[str]) -> bytes:
    """Face ``name`` cut down to ``characters`` (and the glyphs its layout features reach from
    them, and the empty box), without hinting: what a word processor needs to lay the text out
    and draw it. The same characters give the same bytes (no timestamp is updated)."""
    return _subset(name, frozenset(characters))


@lru_cache(maxsize=64)
def _subset(name: str, characters: frozenset[str]) -> bytes:
    """``subset_font``, kept for a document rendered again in the same process."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options()
    options.hinting = False  # the instructions double a face's size; layout uses the outlines' metrics
    options.drop_tables = [*options.drop_tables, "FFTM"]  # FontForge's build times
    options.notdef_outline = True
    font = TTFont(io.BytesIO(_font_file(name)), recalcTimestamp=False, lazy=True)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(ord(character) for character in characters))
    subsetter.subset(font)
    buffer = io.BytesIO()
    font.save(buffer)
    return buffer.getvalue()


@cache
def _font_file(name: str) -> bytes:
    return fonts.font_path(name).read_bytes()


# -- a family name of the document's own -------------------------------------------------------


def document_families(subsets: dict[str, bytes]) -> dict[str, str]:
    """The family names the document's embedded subsets go by: each installed family's name and
    a tag from the subsets' bytes ("DejaVu Sans 3F9A20C1").

    A word processor that registers embedded fonts by family name for the whole process
    (LibreOffice converting several files in one run) would otherwise set a later document in
    the first one's subset, which lacks its characters; the same subsets give the same names,
    so identical input still gives identical bytes."""
    tag = hashlib.sha256(b"".join(subsets[name] for name in sorted(subsets))).hexdigest()[:8].upper()
    return {family: f"{family} {tag}" for family in {slot.family for slot in SLOTS.values()}}


def renamed_font(data: bytes, family: str, new_family: str) -> bytes:
    """The font ``data`` with ``family`` replaced by ``new_family`` in its name table (family,
    full, unique, typographic family and PostScript names)."""
    from fontTools.ttLib import TTFont

    font = TTFont(io.BytesIO(data), recalcTimestamp=False)
    for record in font["name"].names:
        if record.nameID not in (1, 3, 4, 6, 16, 18, 21):
            continue
        text = record.toUnicode()
        if record.nameID == 6:
            text = text.replace(family.replace(" ", ""), new_family.replace(" ", ""))
        else:
            text = text.replace(family, new_family)
        record.string = text
    buffer = io.BytesIO()
    font.save(buffer)
    return buffer.getvalue()


_FONT_ATTRIBUTES = tuple(qn(f"w:{name}") for name in ("ascii", "hAnsi", "cs", "eastAsia"))


def _rename_families(docx: DocxDocument, families: dict[str, str]) -> None:
    """Every run, style, header and footer that names a family of ``families`` names its new name."""
    for part in docx.part.package.iter_parts():
        if not isinstance(part, XmlPart):
            continue
        for element in part.element.iter(qn("w:rFonts")):
            for attribute in _FONT_ATTRIBUTES:
                value = element.get(attribute)
                if value in families:
                    element.set(attribute, families[value])


def font_key(data: bytes) -> str:
    """A GUID for obfuscating ``data``, in braces as ``w:fontKey`` holds it: the first 16 bytes
    of the font program's SHA-256 digest, so the same font gives the same key."""
    return "{" + str(uuid.UUID(bytes=hashlib.sha256(data).digest()[:16])).upper() + "}"


def obfuscate(data: bytes, key: str) -> bytes:
    """``data`` with its first 32 bytes XORed with the key's 16 bytes, taken from the last pair
    of hex digits of the GUID to the first (§17.8.1), twice. Its own inverse."""
    mask = bytes.fromhex(key.strip("{}").replace("-", ""))[::-1]
    if len(mask) != 16:
        raise ValueError(f"not a GUID: {key!r}")
    return bytes(byte ^ mask[index % 16] for index, byte in enumerate(data[:32])) + data[32:]


# -- the font table and the settings --------------------------------------------------------------


def _editable_font_table(docx: DocxDocument) -> XmlPart:
    """The font table as an XML part (python-docx keeps it as bytes), in place of the template's."""
    part = docx.part.part_related_by(RELATIONSHIP_TYPE.FONT_TABLE)
    if isinstance(part, XmlPart):
        return part
    replacement = XmlPart(part.partname, part.content_type, parse_xml(part.blob), docx.part.package)
    rels = docx.part.rels
    identifier = next(rId for rId, relationship in rels.items() if relationship.reltype == RELATIONSHIP_TYPE.FONT_TABLE)
    del rels[identifier]
    rels.add_relationship(RELATIONSHIP_TYPE.FONT_TABLE, replacement, identifier)
    return replacement


def _font_entry(table: _Element, family: str, name: str, alternative: str) -> _Element:
    """The font table's ``w:font`` for ``family``, added (described from face ``name``, with the
    installed family ``alternative`` to use in its place) if absent."""
    for existing in table.iter(qn("w:font")):
        if existing.get(qn("w:name")) == family:
            return cast("_Element", existing)
    entry = parse_xml(f'<w:font {nsdecls("w")} w:name="{family}"><w:altName w:val="{alternative}"/>'
                      f'{_description(name)}</w:font>')
    table.append(entry)
    return entry


@cache
def _description(name: str) -> str:
    """The ``w:panose1``, ``w:charset``, ``w:family``, ``w:pitch`` and ``w:sig`` Word writes for
    a font (what a reader without it matches a substitute by), from the face's OS/2 table."""
    from fontTools.ttLib import TTFont

    font = TTFont(io.BytesIO(_font_file(name)), lazy=True)
    os2 = font["OS/2"]
    panose = os2.panose
    digits = (panose.bFamilyType, panose.bSerifStyle, panose.bWeight, panose.bProportion, panose.bContrast,
              panose.bStrokeVariation, panose.bArmStyle, panose.bLetterForm, panose.bMidline, panose.bXHeight)
    family = "swiss" if panose.bFamilyType == 2 and panose.bSerifStyle >= 11 else "auto"
    pitch = "fixed" if font["post"].isFixedPitch else "variable"
    return (f'<w:panose1 w:val="{"".join(f"{digit:02X}" for digit in digits)}"/><w:charset w:val="00"/>'
            f'<w:family w:val="{family}"/><w:pitch w:val="{pitch}"/>'
            f'<w:sig w:usb0="{os2.ulUnicodeRange1:08X}" w:usb1="{os2.ulUnicodeRange2:08X}"'
            f' w:usb2="{os2.ulUnicodeRange3:08X}" w:usb3="{os2.ulUnicodeRange4:08X}"'
            f' w:csb0="{os2.ulCodePageRange1:08X}" w:csb1="{os2.ulCodePageRange2:08X}"/>')


#: The settings that come before ``w:embedTrueTypeFonts`` (CT_Settings' sequence).
_BEFORE_EMBEDDING = tuple(qn(f"w:{name}") for name in (
    "writeProtection", "view", "zoom", "removePersonalInformation", "removeDateAndTime",
    "doNotDisplayPageBoundaries", "displayBackgroundShape", "printPostScriptOverText",
    "printFractionalCharacterWidth", "printFormsData"))


def _ask_to_keep_embedding(docx: DocxDocument) -> None:
    """``w:embedTrueTypeFonts`` and ``w:saveSubsetFonts`` in the settings, in schema order."""
    settings = docx.settings.element
    for name in ("embedTrueTypeFonts", "saveSubsetFonts"):
        existing = settings.find(qn(f"w:{name}"))
        if existing is not None:
            settings.remove(existing)
    position = sum(1 for child in settings if child.tag in _BEFORE_EMBEDDING)
    settings.insert(position, parse_xml(f'<w:embedTrueTypeFonts {nsdecls("w")}/>'))
    settings.insert(position + 1, parse_xml(f'<w:saveSubsetFonts {nsdecls("w")}/>'))


__all__ = ["FONT_RELATIONSHIP", "OBFUSCATED_FONT", "SLOTS", "Slot", "document_families", "embed_fonts", "font_key",
           "obfuscate", "renamed_font", "subset_font", "used_characters"]
