"""The embedded type family and its fallback, registered with reportlab once per process.

DejaVu Sans (regular, bold, oblique, bold oblique) sets the documents. Characters it lacks are
set in Droid Sans Fallback (CJK ideographs, kana, Hangul): ``runs`` splits text into runs of one
font each, which the PDF renderer and the chart draw. A character in neither font is drawn as
the font's empty box but keeps its code in the PDF's text layer, so copying, searching and text
extraction still give back what was typed.
"""

from __future__ import annotations

import unicodedata
from functools import cache
from importlib import resources
from pathlib import Path

REGULAR = "DocgenSans"
BOLD = "DocgenSans-Bold"
ITALIC = "DocgenSans-Oblique"
BOLD_ITALIC = "DocgenSans-BoldOblique"
FALLBACK = "DocgenFallback"

_FILES = {
    REGULAR: "DejaVuSans.ttf",
    BOLD: "DejaVuSans-Bold.ttf",
    ITALIC: "DejaVuSans-Oblique.ttf",
    BOLD_ITALIC: "DejaVuSans-BoldOblique.ttf",
    FALLBACK: "DroidSansFallback.ttf",
}

#: The family names a DOCX asks the reader's word processor for (Latin and other scripts; East
#: Asian scripts, which Word and LibreOffice set in the w:eastAsia font).
DOCX_FAMILY = "DejaVu Sans"
DOCX_EAST_ASIAN_FAMILY = "Droid Sans Fallback"

#: The characters each registered font has a glyph for.
_COVERAGE: dict[str, frozenset[int]] = {}


def font_path(name: str) -> Path:
    """The file of one of the embedded faces."""
    return Path(str(resources.files("docgen") / "fonts" / _FILES[name]))


class _AnyCharacter(dict[int, int]):
    """A font's character-to-glyph map that answers for every character: those without a glyph
    get glyph 0 (the empty box) instead of reportlab's code 0, which would drop them from the
    text layer."""

    def __contains__(self, code: object) -> bool:
        return isinstance(code, int)

    def __missing__(self, code: int) -> int:
        return 0


def _to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    """reportlab's ToUnicode CMap, with characters beyond U+FFFF written as UTF-16 surrogate
    pairs as the PDF specification requires (reportlab writes five hex digits, which readers
    take as a different character)."""

    def utf16(code: int) -> str:
        return chr(code).encode("utf-16-be", "surrogatepass").hex().upper()

    lines = [
        "/CIDInit /ProcSet findresource begin",
        "12 dict begin",
        "begincmap",
        "/CIDSystemInfo",
        f"<< /Registry ({fontname})",
        f"/Ordering ({fontname})",
        "/Supplement 0",
        ">> def",
        f"/CMapName /{fontname} def",
        "/CMapType 2 def",
        "1 begincodespacerange",
        f"<00> <{len(subset) - 1:02X}>",
        "endcodespacerange",
        f"{len(subset)} beginbfchar",
        *(f"<{index:02X}> <{utf16(code)}>" for index, code in enumerate(subset)),
        "endbfchar",
        "endcmap",
        "CMapName currentdict /CMap defineresource pop",
        "end",
        "end",
    ]
    return "\n".join(lines)


def _load(name: str) -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    font = TTFont(name, str(font_path(name)))
    _COVERAGE[name] = frozenset(font.face.charToGlyph)
    font.face.charToGlyph = _AnyCharacter(font.face.charToGlyph)
    pdfmetrics.registerFont(font)


@cache
def register_fonts() -> str:
    """Register the family with reportlab (embedded, subset) and return its regular face name."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import ttfonts

    ttfonts.makeToUnicodeCMap = _to_unicode_cmap
    _load(REGULAR)  # the other faces when first asked for (``ensure``): each takes a while to read
    addMapping(REGULAR, 0, 0, REGULAR)
    addMapping(REGULAR, 1, 0, BOLD)
    addMapping(REGULAR, 0, 1, ITALIC)
    addMapping(REGULAR, 1, 1, BOLD_ITALIC)
    return REGULAR


def ensure(name: str) -> str:
    """Register face ``name`` with reportlab if it is not yet; return the name. Every place that
    hands reportlab a face calls this first (``runs``, ``covers``, the paragraph styles)."""
    register_fonts()
    if name == FALLBACK:
        _fallback()
    elif name not in _COVERAGE:
        _load(name)
    return name


@cache
def _fallback() -> frozenset[int]:
    """The fallback font, loaded the first time a text needs it (its file is large)."""
    register_fonts()
    _load(FALLBACK)
    return _COVERAGE[FALLBACK]


def face(bold: bool, italic: bool) -> str:
    """The family's face for a style."""
    return {(False, False): REGULAR, (True, False): BOLD, (False, True): ITALIC, (True, True): BOLD_ITALIC}[(bold, italic)]


def covers(font: str, text: str) -> bool:
    """Whether ``font`` has a glyph for every character of ``text``."""
    coverage = _coverage(font)
    return all(ord(character) in coverage for character in text)


#: Printable ASCII and the white space docgen sets: every face of the family has them.
_ASCII = frozenset(range(0x20, 0x7F))


def runs(text: str, font: str) -> list[tuple[str, str]]:
    """``text`` as (text, font) runs: each character in ``font`` if it has the glyph, else in
    the regular face, else in the fallback; in ``font`` (an empty box) when none has it. A
    combining mark or joiner stays in the font of the letter before it, where that font has it."""
    register_fonts()
    main = _coverage(font)
    if (text.isascii() and _ASCII <= main) or all(ord(character) in main for character in text):
        return [(text, font)] if text else []
    chain = [font] + ([REGULAR] if font != REGULAR else []) + [FALLBACK]
    result: list[tuple[str, str]] = []
    for character in text:
        code = ord(character)
        current = result[-1][1] if result else None
        attached = unicodedata.combining(character) or unicodedata.category(character) in ("Mn", "Me", "Cf")
        if current is not None and (attached or character == " ") and code in _coverage(current):
            chosen = current
        else:
            chosen = next((name for name in chain if code in _coverage(name)), font)
        if result and result[-1][1] == chosen:
            result[-1] = (result[-1][0] + character, chosen)
        else:
            result.append((character, chosen))
    return result


def drawable(text: str) -> str:
    """``text`` as the PDF draws it: printable, with Arabic-script letters joined where the
    family has the joined forms (``bidi.shaped``)."""
    from docgen.render.bidi import shaped

    return shaped(printable(text), _covered_by_regular)


def _covered_by_regular(text: str) -> bool:
    return covers(REGULAR, text)


def printable(text: str) -> str:
    """``text`` as the PDF sets it: without soft hyphens. A soft hyphen is an invisible hint the
    PDF text layer does not keep; reportlab would draw it as a hyphen in a single line and, in a
    paragraph, stops breaking an over-long word that holds one (it then runs off the page)."""
    return text.replace("\u00ad", "")


def _coverage(font: str) -> frozenset[int]:
    return _COVERAGE[ensure(font)]


def string_width(text: str, font: str, size: float) -> float:
    """The width of ``text`` set in ``font`` with fallback runs, in points."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    return sum(float(stringWidth(part, name, size)) for part, name in runs(text, font))
