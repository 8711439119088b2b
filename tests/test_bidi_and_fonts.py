"""Text in any script on the page: right-to-left runs in drawing order, and each character in a
font that has it (docgen.render.bidi, docgen.render.fonts)."""

from __future__ import annotations

import pytest

from docgen.render import fonts
from docgen.render.bidi import has_right_to_left, visual


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
    import pypdfium2
    from reportlab.pdfgen.canvas import Canvas
    import io

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
