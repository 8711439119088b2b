"""Each document's pages as images, for the preview: the PDF docgen would write, drawn by PDFium.

Rendering is kept per version of the case, so an unchanged case is never drawn twice, and a
changed one costs one document's PDF and the pages looked at.
"""

from __future__ import annotations

import io
import threading
from collections import OrderedDict
from typing import TypeVar

from docgen.case.model import Case
from docgen.options import Options

#: Pixels per PDF point: a Letter page is 765 pixels wide, sharp on a phone and on a laptop.
SCALE = 1.25
_KEEP = 24

#: reportlab and PDFium are not made to be used from several threads at once.
RENDER_LOCK = threading.Lock()


class PreviewCache:
    """PDFs and page images of one session's case, by the case's version."""

    def __init__(self) -> None:
        self._pdfs: OrderedDict[tuple[int, str], bytes] = OrderedDict()
        self._pages: OrderedDict[tuple[int, str, int], bytes] = OrderedDict()
        self._counts: dict[tuple[int, str], int] = {}

    def pdf(self, revision: int, case: Case, name: str, options: Options) -> bytes:
        key = (revision, name)
        cached = self._pdfs.get(key)
        if cached is None:
            from docgen.pipeline import generate

            with RENDER_LOCK:
                cached = generate(case, name, "pdf", options)
            _remember(self._pdfs, key, cached)
        return cached

    def page_count(self, revision: int, case: Case, name: str, options: Options) -> int:
        key = (revision, name)
        if key not in self._counts:
            import pypdfium2

            data = self.pdf(revision, case, name, options)
            with RENDER_LOCK:
                document = pypdfium2.PdfDocument(data)
                try:
                    self._counts[key] = len(document)
                finally:
                    document.close()
        return self._counts[key]

    def page_png(self, revision: int, case: Case, name: str, number: int, options: Options) -> bytes | None:
        """Page ``number`` (from 1) as a PNG, or None when the document has no such page."""
        key = (revision, name, number)
        cached = self._pages.get(key)
        if cached is None:
            data = self.pdf(revision, case, name, options)
            rendered = render_page(data, number)
            if rendered is None:
                return None
            cached = rendered
            _remember(self._pages, key, cached)
        return cached


def render_page(pdf: bytes, number: int, scale: float = SCALE) -> bytes | None:
    """One page of a PDF as PNG bytes (None when there is no such page)."""
    import pypdfium2

    with RENDER_LOCK:
        document = pypdfium2.PdfDocument(pdf)
        try:
            if not 1 <= number <= len(document):
                return None
            page = document[number - 1]
            try:
                bitmap = page.render(scale=scale)
                image = bitmap.to_pil()
            finally:
                page.close()
        finally:
            document.close()
    stream = io.BytesIO()
    image.save(stream, format="PNG", compress_level=1)
    return stream.getvalue()


_Key = TypeVar("_Key")


def _remember(store: OrderedDict[_Key, bytes], key: _Key, value: bytes) -> None:
    store[key] = value
    while len(store) > _KEEP:
        store.popitem(last=False)
