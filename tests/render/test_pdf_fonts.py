"""Every font a generated PDF uses is embedded, so a fax machine, a printer or a records system
shows the same letters docgen laid out (no base-14 font left to the reader's substitute)."""

from __future__ import annotations

import io

import pytest
from conftest import SAMPLES, TODAY
from pypdf import PdfReader
from pypdf.generic import DictionaryObject, IndirectObject

from docgen.case.loading import load_case
from docgen.options import Options
from docgen.pipeline import available_documents, generate


def iter_fonts(data: bytes) -> list[tuple[str, bool]]:
    """(base font name, embedded) for every font dictionary the PDF's pages and forms use."""
    reader = PdfReader(io.BytesIO(data))
    found: dict[int, tuple[str, bool]] = {}

    def resolve(value: object) -> object:
        return value.get_object() if isinstance(value, IndirectObject) else value

    def embedded(font: DictionaryObject) -> bool:
        if font.get("/Subtype") == "/Type0":
            return all(embedded(resolve(child)) for child in resolve(font["/DescendantFonts"]))  # type: ignore[arg-type]
        descriptor = resolve(font.get("/FontDescriptor"))
        return isinstance(descriptor, DictionaryObject) and any(
            key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))

    def walk(resources: object, seen: set[int]) -> None:
        resources = resolve(resources)
        if not isinstance(resources, DictionaryObject) or id(resources) in seen:
            return
        seen.add(id(resources))
        for reference in (resolve(resources.get("/Font")) or {}).values():  # type: ignore[union-attr]
            font = resolve(reference)
            assert isinstance(font, DictionaryObject)
            found[id(font)] = (str(font.get("/BaseFont")), embedded(font))
        for reference in (resolve(resources.get("/XObject")) or {}).values():  # type: ignore[union-attr]
            walk(resolve(reference).get("/Resources"), seen)  # type: ignore[union-attr]

    for page in reader.pages:
        walk(page.get("/Resources"), set())
    return sorted(found.values())


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda path: path.stem)
def test_every_font_of_every_document_is_embedded(sample):
    case = load_case(sample)
    options = Options(today=TODAY)
    for name in available_documents(case, options):
        fonts = iter_fonts(generate(case, name, "pdf", options))
        assert fonts, name
        assert [font for font, embedded in fonts if not embedded] == [], name
        assert all("DejaVu" in font or "Droid" in font for font, _ in fonts), (name, fonts)


def test_the_check_sees_an_unembedded_font():
    from reportlab.pdfgen.canvas import Canvas

    buffer = io.BytesIO()
    canvas = Canvas(buffer)
    canvas.setFont("Helvetica", 12)
    canvas.drawString(72, 72, "base-14")
    canvas.save()
    assert iter_fonts(buffer.getvalue()) == [("/Helvetica", False)]
