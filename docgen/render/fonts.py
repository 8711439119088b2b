"""The one embedded type family, registered with reportlab once per process."""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

REGULAR = "DocgenSans"
BOLD = "DocgenSans-Bold"
ITALIC = "DocgenSans-Oblique"
BOLD_ITALIC = "DocgenSans-BoldOblique"

_FILES = {
    REGULAR: "DejaVuSans.ttf",
    BOLD: "DejaVuSans-Bold.ttf",
    ITALIC: "DejaVuSans-Oblique.ttf",
    BOLD_ITALIC: "DejaVuSans-BoldOblique.ttf",
}

#: The family name a DOCX asks the reader's word processor for.
DOCX_FAMILY = "DejaVu Sans"


def font_path(name: str) -> Path:
    """The file of one of the embedded faces."""
    return Path(str(resources.files("docgen") / "fonts" / _FILES[name]))


@cache
def register_fonts() -> str:
    """Register the family with reportlab (embedded, subset) and return its regular face name."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    for name in _FILES:
        pdfmetrics.registerFont(TTFont(name, str(font_path(name))))
    addMapping(REGULAR, 0, 0, REGULAR)
    addMapping(REGULAR, 1, 0, BOLD)
    addMapping(REGULAR, 0, 1, ITALIC)
    addMapping(REGULAR, 1, 1, BOLD_ITALIC)
    return REGULAR
