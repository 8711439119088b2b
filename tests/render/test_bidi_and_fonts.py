"""Text in any script on the page: right-to-left runs in drawing order, and each character in a
font that has it (docgen.render.bidi, docgen.render.fonts)."""

from __future__ import annotations

import re
import zlib

import pytest

from docgen.render import fonts
from docgen.render.bidi import has_right_to_left, shaped, visual


@pytest.mark.parametrize(("typed", "drawn"), [
    ("plain text", "plain text"),
    ("abc שלום def", "abc םולש def"),
    ("שלום כהן", "ןהכ םולש"),  # the first word typed is drawn rightmost
    ("שלום 123", "123 םולש"),  # numbers keep their digits' order
    ("(שלום)", "(םולש)"),  # brackets between a left-to-right start and end stay in place
    ("\u05e9\u05b8\u05dc", "\u05dc\u05e9\u05b8"),  # a mark stays after its letter
    ("محمد عبد الله", "هللا دبع دمحم"),
    ("عدد ١٢٣", "١٢٣ ددع"),
])
def test_visual_order(typed: str, drawn: str) -> None:
    assert visual(typed) == drawn
    assert sorted(visual(typed)) == sorted(typed)  # nothing added or lost


def test_right_to_left_detection() -> None:
    assert has_right_to_left("a ש") and has_right_to_left("ع")
    assert not has_right_to_left("Zoë 李 ١٢٣")  # Arabic-Indic digits alone are not right-to-left letters


def test_runs_pick_a_font_with_the_glyph() -> None:
    assert fonts.runs("Zoë", fonts.REGULAR) == [("Zoë", fonts.REGULAR)]
    assert fonts.runs("Lee 李小龍 김", fonts.BOLD) == [("Lee ", fonts.BOLD), ("李小龍 김", fonts.FALLBACK)]
    assert fonts.runs("عبد", fonts.ITALIC) == [("عبد", fonts.REGULAR)]  # the oblique face has no Arabic
    assert fonts.runs("ก", fonts.REGULAR) == [("ก", fonts.REGULAR)]  # in no font: an empty box, kept as text
    assert fonts.runs("e\u0301", fonts.REGULAR) == [("e\u0301", fonts.REGULAR)]
    assert fonts.runs("", fonts.REGULAR) == []


def test_every_character_keeps_its_code_in_the_text_layer() -> None:
    import io

    import pypdfium2
    from reportlab.pdfgen.canvas import Canvas

    fonts.register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, invariant=1)
    canvas.setFont(fonts.REGULAR, 12)
    canvas.drawString(50, 700, "A ก 😀 𝔄 Z")  # Thai and a math letter have no glyph; the emoji is beyond U+FFFF
    canvas.save()
    document = pypdfium2.PdfDocument(buffer.getvalue())
    assert document[0].get_textpage().get_text_range().strip() == "A ก 😀 𝔄 Z"
    document.close()


def test_a_soft_hyphen_is_not_printed() -> None:
    assert fonts.printable("co\u00adordinate") == "coordinate"


@pytest.mark.parametrize(("typed", "joined"), [
    ("محمد", "\ufee3\ufea4\ufee4\ufeaa"),  # initial, medial, medial, final
    ("عبد الله", "\ufecb\ufe92\ufeaa \ufe8d\ufedf\ufee0\ufeea"),  # no Allah ligature: the name as typed
    ("لا", "\ufefb"),  # lam-alef, the one ligature the script requires
    ("شَدّة", "\ufeb7\u064e\ufeaa\u0651\ufe93"),  # the marks (harakat) are kept
    ("שלום, Zoë", "שלום, Zoë"),  # other scripts are left alone
])
def test_arabic_letters_are_joined_and_read_back_as_typed(typed: str, joined: str) -> None:
    import unicodedata

    assert shaped(typed, lambda text: True) == joined
    assert unicodedata.normalize("NFKC", joined) == unicodedata.normalize("NFKC", typed)
    assert fonts.drawable(typed) == joined  # DejaVu Sans has every one of these forms


def test_arabic_stays_as_typed_where_the_font_lacks_a_joined_form() -> None:
    assert shaped("محمد", lambda text: False) == "محمد"


def test_an_arabic_name_is_drawn_joined_in_the_pdf_and_typed_in_the_docx() -> None:
    import io
    import zipfile
    from datetime import date

    from conftest import pdf_pages

    from docgen.case.loading import validate_case
    from docgen.options import Options
    from docgen.pipeline import generate
    case = validate_case({"version": 1, "patient": {"name": "فاطمة الزهراء"},
                          "medications": [{"drug": "clonazepam", "doses": [{"date": "2014-03", "mg_per_day": 1.0}]}]})
    options = Options(today=date(2026, 11, 22))
    pdf = generate(case, "timeline", "pdf", options)
    assert {"فاطمة", "الزهراء"} <= set(pdf_pages(pdf)[0].split())  # PDFium reads joined forms back as typed
    starts = [match.end() for match in re.finditer(rb"stream\r?\n", pdf)]
    streams = [zlib.decompressobj().decompress(pdf[start:]) if pdf[start:start + 1] == b"x" else pdf[start:start + 20000]
               for start in starts]
    to_unicode = b"".join(stream for stream in streams if b"beginbfchar" in stream)
    for form in ("FED3", "FE8E", "FEC3", "FEE4", "FE94"):  # the glyphs drawn: فاطمة in its joined forms
        assert f"<{form}>".encode() in to_unicode, form
    document = zipfile.ZipFile(io.BytesIO(generate(case, "timeline", "docx", options))).read("word/document.xml")
    assert "فاطمة الزهراء".encode() in document  # Word and LibreOffice shape it themselves
