"""The document pipeline, stage by stage:

    case -> context (computed facts) -> template (all wording) -> blocks -> PDF | DOCX

``generate`` is the one entry point; ``write_document`` and ``write_packet`` add the safe file
write. The documents themselves are listed once, in ``docgen.documents.DOCUMENTS``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path

from docgen.case.model import Case
from docgen.documents import DOCUMENTS, DocumentKind, cover, document_kind
from docgen.documents.timeline import KIND as TIMELINE
from docgen.documents.timeline import Measure, fit
from docgen.errors import MissingDataError
from docgen.markup import blocks
from docgen.markup.templating import render_markup
from docgen.options import CALENDAR_FORMAT, Options
from docgen.output import (
    check_folder_replaceable,
    check_writable,
    format_of,
    reproducible_environment,
    write_file,
    write_folder,
)

CHECKSUMS = "SHA256SUMS"


def build_document(case: Case, kind: DocumentKind, options: Options, level: int = 0,
                   measure: Measure | None = None) -> blocks.Document:
    """Context -> template -> blocks."""
    problem = kind.missing(case)
    if problem is not None:
        raise MissingDataError(problem)
    context = kind.build_context(case, options, level, measure)
    markup = render_markup(kind.template, context, options.templates)
    return blocks.parse_document(markup, context.get("figures", {}), kind.template)


def letter_document(case: Case, kind: DocumentKind, options: Options) -> blocks.Document:
    """The document as printed. One with a page limit and its enclosure
    (``DocumentKind.most_pages``) is condensed a level at a time until its PDF keeps to the
    limit; where no level does, it is printed in full (condensing that saves no page only loses
    detail). Large print keeps everything: it takes the pages it needs."""
    document = build_document(case, kind, options)
    if kind.most_pages is None or not (kind.enclosure and options.enclosure) or options.large_print:
        return document
    from docgen.render.pdf import page_count, render_pdf

    limit = kind.most_pages

    def fits(candidate: blocks.Document) -> bool:
        return page_count(render_pdf(candidate)) <= limit

    pages = page_count(render_pdf(document))
    if pages <= limit or pages > limit + 1:  # the levels condense the reason by less than a page
        return document
    most = build_document(case, kind, options, kind.brief_levels)
    if not fits(most):  # levels condense monotonically: if the last does not fit, none does
        return document
    for level in range(1, kind.brief_levels):
        condensed = build_document(case, kind, options, level)
        if fits(condensed):
            return condensed
    return most


def render(document: blocks.Document, output_format: str, options: Options,
           enclosure: blocks.Document | None = None, *, cover: blocks.Document | None = None,
           appendix: blocks.Document | None = None) -> bytes:
    """Blocks -> bytes in one format (with an enclosure on the pages after the document, a cover
    sheet before it and an appendix after all, in both formats)."""
    if output_format == "pdf":
        from docgen.render.pdf import render_pdf

        return render_pdf(document, enclosure, cover=cover, appendix=appendix)
    from docgen.render.docx import render_docx

    if cover is not None:
        document = replace(document, blocks=cover.blocks + (blocks.PageBreak(),) + document.blocks)
    created = datetime(options.today.year, options.today.month, options.today.day, tzinfo=timezone.utc)
    return render_docx(document, created, enclosure=enclosure, appendix=appendix)


#: The last few fitted one-page documents, so a packet fits its timeline once for the PDF, the
#: DOCX and every enclosure. Keyed by the case object's identity (the entry keeps the case alive,
#: so the identity cannot be reused while cached) and the options.
_FITTED: dict[tuple[int, str, Options], tuple[Case, blocks.Document, bytes]] = {}
_FITTED_SIZE = 8


def fitted_document(case: Case, kind: DocumentKind, options: Options) -> tuple[blocks.Document, bytes]:
    """The least condensed version of a one-page document whose PDF fits on one page."""
    key = (id(case), kind.name, options)
    cached = _FITTED.get(key)
    if cached is not None and cached[0] is case:
        return cached[1], cached[2]
    from docgen.render.measure import PdfMeasure

    measure = PdfMeasure()
    if options.large_print:  # the fullest page in large type, over as many pages as it takes
        document = build_document(case, kind, options, 0, measure)
        pdf = measure.render(document)
    else:
        # estimates leave out the chart's check for cut labels (it draws the chart); the page
        # printed has it
        document, pdf = fit(lambda level: build_document(case, kind, options, level, None), measure,
                            lambda level: build_document(case, kind, options, level, measure))
    if len(_FITTED) >= _FITTED_SIZE:
        _FITTED.pop(next(iter(_FITTED)))
    _FITTED[key] = (case, document, pdf)
    return document, pdf


def generate(case: Case, name: str, output_format: str, options: Options) -> bytes:
    """One document of a case, in one format, as bytes: the same bytes for the same case and
    options, whatever the environment (see ``reproducible_environment``)."""
    with reproducible_environment():
        return _generate(case, name, output_format, options)


def _generate(case: Case, name: str, output_format: str, options: Options) -> bytes:
    kind = document_kind(name)
    if output_format == CALENDAR_FORMAT:
        return calendar_file(case, kind, options)
    if options.cover:
        return _with_cover(case, kind, output_format, options)
    if kind.one_page:
        document, pdf = fitted_document(case, kind, options)
        return pdf if output_format == "pdf" else render(document, output_format, options)
    document, enclosure, appendix = _parts(case, kind, output_format, options)
    return render(document, output_format, options, enclosure, appendix=appendix)


def _parts(case: Case, kind: DocumentKind, output_format: str,
           options: Options) -> tuple[blocks.Document, blocks.Document | None, blocks.Document | None]:
    """The document, and its enclosure and appendix where it has them."""
    document = letter_document(case, kind, options)
    enclosure = appendix = None
    if kind.enclosure and options.enclosure:
        enclosure = fitted_document(case, TIMELINE, options)[0]
    if kind.appendix is not None and options.reply_form:
        extra = document_kind(kind.appendix)
        if extra.missing(case) is None:
            appendix = build_document(case, extra, options)
    return document, enclosure, appendix


def build_cover(case: Case, name: str, options: Options, pages: int, alone: bool) -> blocks.Document:
    """The fax cover sheet for the document ``name`` whose PDF has ``pages`` pages."""
    problem = cover.missing(case, name)
    if problem is not None:
        raise MissingDataError(problem)
    context = cover.build_context(case, options, name, pages, alone)
    return blocks.parse_document(render_markup(cover.TEMPLATE, context, options.templates), {}, cover.TEMPLATE)


def _with_cover(case: Case, kind: DocumentKind, output_format: str, options: Options) -> bytes:
    problem = cover.missing(case, kind.name)
    if problem is not None:
        raise MissingDataError(problem)
    plain = replace(options, cover=False)
    from docgen.render.pdf import page_count

    pages = page_count(_generate(case, kind.name, "pdf", plain))
    sheet = build_cover(case, kind.name, options, pages, alone=False)
    document, enclosure, appendix = _parts(case, kind, output_format, plain)
    return render(document, output_format, options, enclosure, cover=sheet, appendix=appendix)


def generate_cover(case: Case, name: str, output_format: str, options: Options) -> bytes:
    """The fax cover sheet alone for the document ``name``, counting the pages of its PDF."""
    problem = cover.missing(case, name)
    if problem is not None:
        raise MissingDataError(problem)
    with reproducible_environment():
        plain = replace(options, cover=False)
        from docgen.render.pdf import page_count

        pages = page_count(_generate(case, name, "pdf", plain))
        return render(build_cover(case, name, plain, pages, alone=True), output_format, plain)


def calendar_file(case: Case, kind: DocumentKind, options: Options) -> bytes:
    """A document's dated events as an iCalendar file: context -> events template -> events -> .ics."""
    from docgen.markup.events import parse_events
    from docgen.render.ics import render_ics

    if kind.events_template is None:
        raise MissingDataError(f"{kind.name}: the {kind.label} has no dated events to write as .ics")
    problem = kind.missing(case)
    if problem is not None:
        raise MissingDataError(problem)
    context = kind.build_context(case, options)
    markup = render_markup(kind.events_template, context, options.templates)
    return render_ics(parse_events(markup, kind.events_template), options.today)


def document_text(case: Case, name: str, options: Options) -> str:
    """The document as it will be laid out, as text: page furniture, then one block a line (the
    goldens in the tests; a review of wording without opening a PDF)."""
    kind = document_kind(name)
    document = fitted_document(case, kind, options)[0] if kind.one_page else letter_document(case, kind, options)
    furniture = document.furniture
    page = document.page_size + (", landscape" if document.landscape else "") + \
        (f", nothing below {document.minimum_size:g} pt" if document.minimum_size != blocks.Document.minimum_size else "")
    head = [f"title: {document.title}", f"header: {furniture.header_left} | {furniture.header_right}",
            f"footer: {furniture.footer_left}", f"size: {document.size:g} pt, {page}", ""]
    return "\n".join(head) + document.text() + "\n"


def write_document(case: Case, name: str, target: Path, options: Options, force: bool = False) -> Path:
    """Generate one document into ``target`` (format from its extension), atomically."""
    output_format = format_of(target, document_kind(name).formats)
    check_writable(target, force)
    return write_file(generate(case, name, output_format, options), target, force, options.file_mode)


def write_cover(case: Case, name: str, target: Path, options: Options, force: bool = False) -> Path:
    """Write the fax cover sheet for the document ``name`` into ``target``, atomically."""
    output_format = format_of(target)
    check_writable(target, force)
    return write_file(generate_cover(case, name, output_format, options), target, force, options.file_mode)


def available_documents(case: Case, options: Options | None = None) -> list[str]:
    """The documents this case has data for (and that apply on the options' date), in order."""
    return [kind.name for kind in DOCUMENTS if kind.missing(case) is None
            and (kind.applies is None or options is None or kind.applies(case, options))]


def packet_targets(case: Case, folder: Path, options: Options | None = None) -> list[Path]:
    """The documents a packet of this case consists of, in order (SHA256SUMS is written beside them)."""
    return [folder / f"{name}.{extension}" for name in available_documents(case, options)
            for extension in document_kind(name).formats]


#: Every name a file in a packet folder can have, whatever the case.
PACKET_FILES = frozenset([f"{kind.name}.{extension}" for kind in DOCUMENTS for extension in kind.formats] + [CHECKSUMS])


def is_packet_file(name: str) -> bool:
    """Whether a file called ``name`` can be part of a packet (so replacing a packet may remove it)."""
    return name in PACKET_FILES


@dataclass(frozen=True)
class PacketFile:
    path: str
    sha256: str
    bytes: int


def write_packet(case: Case, folder: Path, options: Options, force: bool = False) -> list[PacketFile]:
    """Every document the case has data for, in both formats, as the whole content of ``folder``,
    with a SHA256SUMS file (the format `sha256sum -c` checks) listing exactly those documents.

    A packet folder holds one packet: it is written beside the folder and swapped in whole, so a
    failure leaves the old packet or none. An existing packet is replaced only with ``force``, and
    a folder holding anything but packet files never is."""
    targets = packet_targets(case, folder, options)
    check_folder_replaceable(folder, force, is_packet_file)
    # every document is generated before any is written: a failure leaves no partial packet
    with reproducible_environment():
        outputs = {target.name: generate(case, target.stem, format_of(target, document_kind(target.stem).formats), options)
                   for target in targets}
    written = [PacketFile(str(folder / name), hashlib.sha256(data).hexdigest(), len(data)) for name, data in outputs.items()]
    sums = "".join(f"{item.sha256}  {Path(item.path).name}\n" for item in written)
    write_folder({**outputs, CHECKSUMS: sums.encode("utf-8")}, folder, owned=is_packet_file, force=force,
                 mode=options.file_mode)
    return written
