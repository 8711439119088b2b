"""Shared helpers: read back what a person would see in a generated PDF or DOCX."""

from __future__ import annotations

import io
import re
import sys
from datetime import date
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "samples").glob("*.yaml"))
TODAY = date(2026, 11, 22)

sys.path.insert(0, str(Path(__file__).resolve().parent))


def pdf_pages(data: bytes) -> list[str]:
    """The text of each page, as extracted by PDFium."""
    import pypdfium2

    document = pypdfium2.PdfDocument(data)
    try:
        pages = []
        for page in document:
            textpage = page.get_textpage()
            pages.append(textpage.get_text_range())
            textpage.close()
            page.close()
        return pages
    finally:
        document.close()


def docx_text(data: bytes) -> str:
    """Paragraphs, table cells, headers and footers of a DOCX, in order."""
    import docx

    document = docx.Document(io.BytesIO(data))
    parts: list[str] = []
    for section in document.sections:
        parts += [paragraph.text for paragraph in section.header.paragraphs]
    body = document.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            parts.append(_run_text(child))
        elif tag == "tbl":
            for row in child.iter():
                if row.tag.endswith("}tc"):
                    parts.append(_run_text(row))
    for section in document.sections:
        parts += [paragraph.text for paragraph in section.footer.paragraphs]
    return "\n".join(parts)


def _run_text(element: object) -> str:
    """Text of runs, with tabs and line breaks as spaces (as a reader sees them)."""
    pieces = []
    for node in element.iter():  # type: ignore[attr-defined]
        name = node.tag.rsplit("}", 1)[-1]
        if name == "t":
            pieces.append(node.text or "")
        elif name in ("tab", "br"):
            pieces.append(" ")
    return "".join(pieces)


def folded(text: str) -> str:
    """White space folded, and PDF line-break hyphenation artefacts removed."""
    text = text.replace("\r", " ").replace("\x02", "").replace("\ufffe", "")
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="session")
def today() -> date:
    return TODAY
