"""Property-based fuzzing of the loader and every generator (strategies in tests/strategies.py).

- Any valid case file, as YAML or JSON, renders every document it has data for in both formats
  without an exception, and every piece of user text a document shows comes out of the PDF and
  the DOCX exactly (after white space folding); the timeline may shorten text, with a visible
  "…", only when the page says so.
- Any broken case file gives the error format (file: field (line N): what is expected), exit
  code 1, no traceback, no output and no case text beyond a short excerpt.

The number of examples is small in CI (``DOCGEN_FUZZ_EXAMPLES``, 25 by default: about 40 seconds);
a long run sets it higher: ``DOCGEN_FUZZ_EXAMPLES=1000 python -m pytest tests/test_fuzz.py``.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import tempfile
import unicodedata
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

from conftest import docx_text, folded, pdf_pages, run_main
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import case_dicts, dump, mutations, raw_breakages

from docgen import pipeline
from docgen.case.loading import parse_case
from docgen.case.model import Case
from docgen.facts.equivalence import EquivalenceTable
from docgen.markup import blocks
from docgen.markup.templating import clean_text
from docgen.options import Options
from docgen.render.bidi import has_right_to_left
from docgen.render import docx_fonts
from docgen.render.chart import _drawn

EXAMPLES = int(os.environ.get("DOCGEN_FUZZ_EXAMPLES", "25"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, print_blob=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much])

SHORTENED_NOTE = "was shortened to fit this page"
_SPACE = re.compile(r"\s+")


# -- reading text back ---------------------------------------------------------------------------


def _expected(text: str) -> str:
    """What a document prints for user text: control characters dropped, white space folded."""
    return folded(clean_text(text))


def _comparable(text: str) -> str:
    """Text as PDF extraction gives it back: white space folded, invisible characters dropped,
    and in compatibility normal form (NFKC): extractors
    expand ligatures (ﬁ as fi) and compose or decompose marks and some letters (Thai sara am),
    which changes no character a reader sees."""
    text = "".join(character for character in folded(text) if not _invisible(character))
    return unicodedata.normalize("NFKC", text)


def _invisible(character: str) -> bool:
    """Format characters (soft hyphen, zero-width space and joiner, direction marks), variation
    selectors and noncharacters (U+FDD0-FDEF, U+xFFFE/F): nothing a reader sees; extractors drop them."""
    code = ord(character)
    return (unicodedata.category(character) == "Cf" or 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF
            or 0xFDD0 <= code <= 0xFDEF or code & 0xFFFE == 0xFFFE)


def _compact(text: str) -> str:
    """Text with no white space: a PDF line may break anywhere inside a long word."""
    return _SPACE.sub("", _comparable(text))


def _letter_runs(text: str) -> list[str]:
    """Runs of right-to-left letters and runs of left-to-right letters (without combining marks):
    the units any PDF extractor gives back in typed order. On a line that holds right-to-
    left text an extractor guesses the order of the runs, and the place of the digits, spaces and
    punctuation between them, from their positions, so only these runs are compared in order."""
    runs: list[str] = []
    current, direction = "", ""
    for character in _comparable(text):
        kind = unicodedata.bidirectional(character)
        side = "R" if kind in ("R", "AL") else "L" if kind == "L" else ""
        if ord(character) > 0xFFFF or unicodedata.category(character) == "Co":
            side = ""  # poppler may move these within a right-to-left line; the character count checks them
        if _is_mark(character) or kind == "NSM":
            continue  # a mark on a right-to-left letter is drawn after it, so extractors (reversing
            # the run) give it back before it; the character count checks marks
        if side and side == direction:
            current += character
            continue
        if current:
            runs.append(current)
        current, direction = (character, side) if side else ("", "")
    if current:
        runs.append(current)
    return runs


def _pieces(document: blocks.Document) -> list[str]:
    """Each piece of text of the document's blocks, as the template made it."""
    pieces: list[str] = []
    for block in document.blocks:
        if isinstance(block, (blocks.Heading, blocks.Paragraph, blocks.Quote)):
            pieces += _lines(block.spans)
        elif isinstance(block, blocks.ListBlock):
            for item in block.items:
                pieces += _lines(item)
        elif isinstance(block, blocks.Table):
            for row in ((block.header,) if block.header else ()) + block.rows:
                for cell in row:
                    pieces += _lines(cell)
    return [piece for piece in pieces if piece.strip()]


def _lines(spans: blocks.Inline) -> list[str]:
    return "".join(" " if span.text == blocks.LINE_BREAK else span.text for span in spans).split("\n")


#: The band of each page that holds the running header and footer, in points from the top and
#: the bottom edge (docgen.render.pdf._draw_furniture); the body lies between.
_HEADER_BAND, _FOOTER_BAND = 50.0, 42.0


def _body_text(pdf: bytes) -> str:
    """The body text of every page as PDFium reads it, without the running header and footer
    (which otherwise come between the two halves of a paragraph that continues on the next page)."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    parts = []
    try:
        for page in document:
            width, height = page.get_size()
            textpage = page.get_textpage()
            text = textpage.get_text_bounded(left=0, bottom=_FOOTER_BAND, right=width, top=height - _HEADER_BAND)
            # PDFium marks a hyphen ending a line as a possible hyphenation (\x02); docgen never
            # hyphenates, so each one is a hyphen the user typed
            parts.append(text.replace("\x02", "-").replace("\ufffe", "-"))
            textpage.close()
            page.close()
    finally:
        document.close()
    return " ".join(parts)


def _is_mark(character: str) -> bool:
    return unicodedata.category(character) in ("Mn", "Mc", "Me")


def _letters_only(text: str) -> str:
    """The letters of ``text`` (left-to-right or right-to-left, without marks): what the letter
    runs are compared with. An extractor may put a list number or other neutral characters of
    one line between the two halves of a word broken over lines; the character count checks those."""
    return "".join(character for character in text
                   if unicodedata.bidirectional(character) in ("L", "R", "AL") and not _is_mark(character))


def _poppler_text(pdf: bytes) -> str | None:
    """The PDF's text as poppler's pdftotext reads it, or None where poppler is not installed.

    On a line holding right-to-left text PDFium's extraction is lossy: it reverses UTF-16 code
    units (a character beyond U+FFFF loses its pair) and gives compatibility forms (¾ as 3/4).
    poppler gives every character back, so right-to-left documents are read with it."""
    import shutil
    import subprocess

    if shutil.which("pdftotext") is None:
        return None
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    width, height = document[0].get_size()
    document.close()
    band = ["-x", "0", "-y", str(int(_HEADER_BAND)), "-W", str(int(width)), "-H", str(int(height - _HEADER_BAND - _FOOTER_BAND))]
    completed = subprocess.run(["pdftotext", "-enc", "UTF-8", *band, "-", "-"], input=pdf, capture_output=True, check=True)
    return re.sub("[\u202a-\u202e]", "", completed.stdout.decode("utf-8"))  # its direction marks


def _without_continued(text: str) -> str:
    """The text without the label over the second part of a quote split across pages (a line of
    its own, which otherwise comes between the two halves of the quote's text)."""
    return re.sub(rf"(?m)^[ \t\r\f]*{re.escape(blocks.CONTINUED)}[ \t\r]*$", "", text)


def check_renders_faithfully(document: blocks.Document, pdf: bytes, docx: bytes, rtl: bool) -> None:
    """Every piece of text of the blocks is in the PDF's and the DOCX's extracted text."""
    pdf_compact = _compact(_without_continued(_body_text(pdf)))
    docx_folded = folded(docx_text(docx))
    poppler = _without_continued(_poppler_text(pdf)) if rtl else None
    # each extractor has its own blind spot: PDFium on right-to-left lines, poppler on the reading
    # order of table cells that wrap; a run of letters is found if either reads it in order
    pdfium_letters = _letters_only(pdf_compact)
    if poppler is not None:
        pdf_compact = _compact(poppler)
    pdf_characters = Counter(pdf_compact)
    pdf_letters = _letters_only(pdf_compact)
    for piece in _pieces(document):
        assert folded(piece) in docx_folded, f"DOCX lost {piece!r}"
        if rtl and poppler is None:  # PDFium only: compare what it reads faithfully (see _poppler_text)
            piece = "".join(character for character in piece if ord(character) <= 0xFFFF)
        if rtl:  # a hyphen ending a line may be taken for a hyphenation and removed, so it is not counted
            lost = Counter(_compact(piece).replace("-", "")) - pdf_characters
            assert not lost, f"PDF lost the characters {sorted(lost)!r} of {piece!r}"
            missing = [run for run in _letter_runs(piece)
                       if _SPACE.sub("", run) not in pdf_letters and _SPACE.sub("", run) not in pdfium_letters]
            assert not missing, f"PDF lost {missing!r} of {piece!r}"
        else:
            assert _compact(piece) in pdf_compact, f"PDF lost {piece!r}"


def _shortened_forms(text: str) -> list[str]:
    """How the timeline prints ``text`` when it shortens it (docgen.documents.timeline)."""
    from docgen.documents.timeline import LEVELS

    flat = " ".join(text.split())
    return [_expected(flat[: fit.text_limit - 1].rstrip() + "…") for fit in LEVELS if len(flat) > fit.text_limit]


def check_shown(text: str, shown: str, what: str, may_shorten: bool = False, counted: str | None = None) -> None:
    """``text`` appears in full in ``shown`` (the document's text); on the one-page timeline it
    may be shortened (and the page then says so) or counted in a "+N more" note."""
    expected = _expected(text)
    if expected in shown:
        return
    if may_shorten and any(form in shown for form in _shortened_forms(text)):
        assert SHORTENED_NOTE in shown, f"{what} shortened without the note: {text!r}"
        return
    if counted is not None and counted in shown:
        return
    raise AssertionError(f"{what} is missing: {text!r}")


# -- generating ----------------------------------------------------------------------------------


def _render(case: Case, name: str, options: Options) -> tuple[blocks.Document, bytes, bytes]:
    kind = pipeline.document_kind(name)
    if kind.one_page:
        document, pdf = pipeline.fitted_document(case, kind, options)
    else:
        document = pipeline.build_document(case, kind, options)
        pdf = pipeline.generate(case, name, "pdf", options)
    return document, pdf, pipeline.generate(case, name, "docx", options)


def _user_texts(data: dict[str, Any]) -> list[str]:
    """Every string in the case data (for the check that none leaks into metadata)."""
    found: list[str] = []

    def walk(value: object) -> None:
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(data)
    return found


OPTIONS = st.builds(
    Options,
    today=st.dates(min_value=date(1900, 1, 1), max_value=date(2199, 12, 31)),  # what --date accepts
    table=st.sampled_from(list(EquivalenceTable)),
    page=st.sampled_from(["letter", "a4"]),
    receipt_days=st.integers(0, 60),
    enclosure=st.booleans(),
)


@FUZZ
@given(case_dicts(), st.sampled_from(["yaml", "json"]), OPTIONS, st.data())
def test_any_valid_case_renders_every_document_faithfully(data: dict[str, Any], kind: str, options: Options,
                                                          draw: st.DataObject) -> None:
    case = parse_case(dump(data, kind).encode("utf-8"), f"case.{kind}", as_json=kind == "json")
    rtl = any(has_right_to_left(text) for text in _user_texts(data))
    names = pipeline.available_documents(case, options)
    assert names[0] == "timeline"
    patient = case.patient.name
    for name in names:
        document, pdf, docx = _render(case, name, options)
        shown = folded(document.text())
        check_renders_faithfully(document, pdf, docx, rtl)
        check_shown(patient, shown, "the patient's name", may_shorten=name == "timeline")
        if name == "timeline":
            assert len(pdf_pages(pdf)) == 1
            for medication in case.medications:
                label = f"{medication.drug} ({medication.brand})" if medication.brand else medication.drug
                check_shown(label, shown, "a drug", may_shorten=True, counted="more medication")
            for symptom in case.symptoms:
                check_shown(symptom.name, shown, "a symptom", may_shorten=True, counted="more symptom")
        if name in ("amendment", "disagreement"):
            assert case.amendment is not None
            for item in case.amendment.items:
                if item.current_text is not None and item.current_text.strip():
                    check_shown(item.current_text, shown, "the quoted current text")
                if item.requested_text is not None and item.requested_text.strip():
                    check_shown(item.requested_text, shown, "the requested text")
        if name == "letter":
            assert case.therapist_letter is not None
            for request in case.therapist_letter.requests:
                if request.strip():
                    check_shown(request, shown, "a request")
        check_metadata(pdf, docx, document.title)
    # the same case and date give the same bytes, computed afresh (no cache)
    again = draw.draw(st.sampled_from(names), label="document checked for determinism")
    output_format = draw.draw(st.sampled_from(["pdf", "docx"]), label="format")
    first = pipeline.generate(case, again, output_format, options)
    pipeline._FITTED.clear()
    _drawn.cache_clear()
    docx_fonts._subset.cache_clear()
    rebuilt = parse_case(dump(data, kind).encode("utf-8"), f"case.{kind}", as_json=kind == "json")
    assert pipeline.generate(rebuilt, again, output_format, options) == first


def check_metadata(pdf: bytes, docx: bytes, title: str) -> None:
    """The PDF Info and the DOCX properties hold the title and fixed values, nothing else."""
    import docx as python_docx
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    try:
        info = document.get_metadata_dict(skip_empty=True)
    finally:
        document.close()
    # soft hyphens are not printed (fonts.printable); PDFium reads a line separator as a space
    assert folded(info.get("Title", "")) == folded(title.replace("\u00ad", ""))
    assert set(info) <= {"Title", "Creator", "Producer", "CreationDate", "ModDate"}, info
    assert info.get("Creator") == "docgen" and info.get("Producer") == "docgen (reportlab)"
    properties = python_docx.Document(io.BytesIO(docx)).core_properties
    assert properties.title == (title if len(title) <= 255 else title[:254].rstrip() + "…")
    assert (properties.author, properties.last_modified_by, properties.comments, properties.keywords,
            properties.subject, properties.category) == ("", "", "", "", "", "")


# -- broken case files ---------------------------------------------------------------------------

SENTINEL = "SENTINEL-case-text-that-must-not-leak"


def check_error_output(code: int, out: str, err: str, file: Path, folder: Path) -> list[str]:
    """Exit 1; every line "FILE: field (line N): message", short, without a traceback."""
    assert code == 1, (code, out, err)
    assert "Traceback" not in err + out and "internal error" not in err, err
    lines = err.strip().splitlines()
    assert lines, "no message"
    for line in lines:
        assert line.startswith(f"{file}: "), line
        assert len(line) - len(str(file)) <= 400, f"a message too long: {line[:200]}…"
    assert SENTINEL not in err
    assert sorted(os.listdir(folder)) == [file.name], "an output or a temporary file was left"
    return lines


@FUZZ
@given(case_dicts(), st.sampled_from(["yaml", "json"]), st.data())
def test_any_invalid_case_names_its_field(data: dict[str, Any], kind: str, draw: st.DataObject) -> None:
    data["patient"]["address"] = [SENTINEL]
    mutation = draw.draw(mutations(data), label="mutation")
    mutation.apply(data)
    with tempfile.TemporaryDirectory() as directory:
        folder = Path(directory)
        file = folder / f"case.{kind}"
        file.write_text(dump(data, kind), encoding="utf-8")
        code, out, err = run_main("timeline", str(file), "-o", str(folder / "timeline.pdf"))
        lines = check_error_output(code, out, err, file, folder)
    line_number = r" \(line \d+\)" if kind == "yaml" else r"( \(line \d+\))?"  # JSON: where PyYAML can read it
    pattern = re.compile(rf"^{re.escape(str(file))}: {re.escape(mutation.path)}{line_number}: .+$")
    assert any(pattern.match(line) for line in lines), (mutation.what, lines)


@FUZZ
@given(raw_breakages())
def test_any_unreadable_file_is_one_located_message(breakage: tuple[bytes, str]) -> None:
    content, suffix = breakage
    with tempfile.TemporaryDirectory() as directory:
        folder = Path(directory)
        file = folder / f"case{suffix}"
        file.write_bytes(content)
        code, out, err = run_main("timeline", str(file), "-o", str(folder / "timeline.pdf"))
        check_error_output(code, out, err, file, folder)


# -- the whole command ---------------------------------------------------------------------------


@settings(FUZZ, max_examples=max(3, EXAMPLES // 5))
@given(case_dicts(), st.sampled_from(["yaml", "json"]))
def test_any_valid_case_packet_through_the_command(data: dict[str, Any], kind: str) -> None:
    with tempfile.TemporaryDirectory() as directory:
        folder = Path(directory)
        file = folder / f"case.{kind}"
        file.write_text(dump(data, kind), encoding="utf-8")
        out = folder / "out" / "packet"
        code, stdout, err = run_main("packet", str(file), "--out", str(out), "--date", "2026-11-22")
        # a document the case asks for (it has the section) and cannot have is a failure, said
        # with its reason; everything it could make is still written
        assert code == (1 if err else 0), err
        assert all(line.startswith(("not made: ", "the case asks for ")) for line in err.splitlines()), err
        names = sorted(os.listdir(out))
        assert "SHA256SUMS" in names and "timeline.pdf" in names and "timeline.docx" in names
        assert not [name for name in names if name.startswith(".")], names
        for line in (out / "SHA256SUMS").read_text(encoding="utf-8").splitlines():
            digest, name = line.split("  ")
            assert hashlib.sha256((out / name).read_bytes()).hexdigest() == digest
        for name in names:
            assert (out / name).stat().st_mode & 0o777 == 0o600
