"""The document pipeline, stage by stage:

    case -> context (computed facts) -> template (all wording) -> blocks -> PDF | DOCX

``generate`` is the one entry point the CLI uses; ``write_document`` adds the safe file write.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from docgen import blocks
from docgen.errors import DocgenError, MissingDataError
from docgen.model import Case
from docgen.options import Options
from docgen.output import check_writable, format_of, write_file
from docgen.templating import render_markup


@dataclass(frozen=True)
class DocumentKind:
    """One kind of document: its name, template, context builder, and what it needs."""

    name: str
    title: str
    template: str
    build_context: Callable[[Case, Options, int], dict[str, Any]]
    #: Returns None when the case has what the document needs, else what is missing.
    missing: Callable[[Case], str | None]
    #: How many condensing levels the document has (the timeline fits itself to one page).
    levels: int = 1
    one_page: bool = False
    #: A PDF of this document carries the one-page timeline as its enclosure (unless turned off).
    enclosure: bool = False
    #: Whether a packet includes it, given the case has its data (e.g. a reminder once overdue).
    applies: Callable[[Case, Options], bool] | None = None


class NotImplementedDocument(DocgenError):
    """A document the CLI names but this version does not generate yet."""


def _timeline_kind() -> DocumentKind:
    from docgen.documents import timeline

    return DocumentKind(
        name="timeline",
        title=timeline.TITLE,
        template=timeline.TEMPLATE,
        build_context=timeline.build_context,
        missing=lambda case: None,
        levels=len(timeline.LEVELS),
        one_page=True,
    )


def _module_kind(module_name: str, name: str, enclosure: bool = False) -> Callable[[], DocumentKind]:
    """A document whose module in docgen.documents exposes TITLE, TEMPLATE, build_context, missing."""

    def factory() -> DocumentKind:
        import importlib

        module = importlib.import_module(f"docgen.documents.{module_name}")
        return DocumentKind(
            name=name,
            title=module.TITLE,
            template=module.TEMPLATE,
            build_context=module.build_context,
            missing=module.missing,
            enclosure=enclosure,
            applies=getattr(module, "applies", None),
        )

    return factory


def _available_kinds() -> dict[str, Callable[[], DocumentKind]]:
    """The documents this version builds (a module per document under docgen/documents)."""
    from importlib.util import find_spec

    kinds: dict[str, Callable[[], DocumentKind]] = {"timeline": _timeline_kind}
    for name, module_name, enclosure in _MODULE_DOCUMENTS:
        if find_spec(f"docgen.documents.{module_name}") is not None:
            kinds[name] = _module_kind(module_name, name, enclosure)
    return kinds


#: Documents with a module of their own: (name, module, carries the timeline as enclosure).
_MODULE_DOCUMENTS = (
    ("amendment", "amendment", True),
    ("amendment-follow-up", "amendment_follow_up", True),
    ("disagreement", "disagreement", True),
    ("letter", "letter", False),
)

_KINDS: dict[str, Callable[[], DocumentKind]] = _available_kinds()

#: Every document docgen knows, in packet order; those not built yet say so when asked for.
DOCUMENT_NAMES = ("timeline", "amendment", "amendment-follow-up", "disagreement", "letter")


def document_kind(name: str) -> DocumentKind:
    factory = _KINDS.get(name)
    if factory is None:
        label = {"amendment": "the HIPAA amendment request", "letter": "the prescriber-to-therapist letter"}.get(name, name)
        raise NotImplementedDocument(f"{label} is not implemented yet in this version of docgen")
    return factory()


def build_document(case: Case, kind: DocumentKind, options: Options, level: int = 0) -> blocks.Document:
    """Context -> template -> blocks."""
    problem = kind.missing(case)
    if problem is not None:
        raise MissingDataError(problem)
    context = kind.build_context(case, options, level)
    figures: Mapping[str, object] = context.get("figures", {})
    markup = render_markup(kind.template, context, options.templates)
    return blocks.parse_document(markup, figures, kind.template)


def render(document: blocks.Document, output_format: str, options: Options) -> bytes:
    """Blocks -> bytes in one format."""
    if output_format == "pdf":
        from docgen.render.pdf import render_pdf

        return render_pdf(document)
    from docgen.render.docx import render_docx

    created = datetime(options.today.year, options.today.month, options.today.day, tzinfo=timezone.utc)
    return render_docx(document, created)


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
    document, pdf = _fit(case, kind, options)
    if len(_FITTED) >= _FITTED_SIZE:
        _FITTED.pop(next(iter(_FITTED)))
    _FITTED[key] = (case, document, pdf)
    return document, pdf


def _fit(case: Case, kind: DocumentKind, options: Options) -> tuple[blocks.Document, bytes]:
    """Levels condense monotonically: the full version is measured first (most histories fit as
    they are), then a binary search on the same quick measurement finds the first level that fits;
    rendering confirms it (stepping further if the measurement was short). If none fits, the
    most condensed level is used."""
    from docgen.render.pdf import fits_one_page, page_count, render_pdf

    documents: dict[int, blocks.Document] = {}

    def document_at(level: int) -> blocks.Document:
        if level not in documents:
            documents[level] = build_document(case, kind, options, level)
        return documents[level]

    low, high = 0, kind.levels - 1
    if kind.one_page and fits_one_page(document_at(0)):
        high = 0  # most histories fit as they are: one measurement
    elif kind.one_page:
        low = 1
        while low < high:
            middle = (low + high) // 2
            if fits_one_page(document_at(middle)):
                high = middle
            else:
                low = middle + 1
    level = low
    pdf = render_pdf(document_at(level))
    while kind.one_page and page_count(pdf) > 1 and level + 1 < kind.levels:
        level += 1
        pdf = render_pdf(document_at(level))
    return document_at(level), pdf


def generate(case: Case, name: str, output_format: str, options: Options) -> bytes:
    """One document of a case, in one format, as bytes."""
    kind = document_kind(name)
    if kind.one_page:
        document, pdf = fitted_document(case, kind, options)
        return pdf if output_format == "pdf" else render(document, output_format, options)
    document = build_document(case, kind, options)
    if output_format == "pdf" and kind.enclosure and options.enclosure:
        from docgen.render.pdf import render_pdf

        enclosure, _pdf = fitted_document(case, _timeline_kind(), options)
        return render_pdf(document, enclosure)
    return render(document, output_format, options)


def write_document(case: Case, name: str, target: Path, options: Options, force: bool = False) -> Path:
    """Generate one document into ``target`` (format from its extension), atomically."""
    output_format = format_of(target)
    check_writable(target, force)
    return write_file(generate(case, name, output_format, options), target, force, options.file_mode)


def available_documents(case: Case, options: Options | None = None) -> list[str]:
    """The documents this case has data for (and that apply on the options' date)."""
    names = []
    for name in DOCUMENT_NAMES:
        if name not in _KINDS:
            continue
        kind = document_kind(name)
        if kind.missing(case) is not None:
            continue
        if kind.applies is not None and options is not None and not kind.applies(case, options):
            continue
        names.append(name)
    return names


def packet_targets(case: Case, folder: Path, options: Options | None = None) -> list[Path]:
    """The files a packet of this case consists of, in order."""
    return [folder / f"{name}.{extension}" for name in available_documents(case, options) for extension in ("pdf", "docx")]


@dataclass(frozen=True)
class PacketFile:
    path: str
    sha256: str
    bytes: int


CHECKSUMS = "SHA256SUMS"


def write_packet(case: Case, folder: Path, options: Options, force: bool = False) -> list[PacketFile]:
    """Every document the case has data for, in both formats, into ``folder``, plus a SHA256SUMS
    file (the format `sha256sum -c` checks) so a copy can be shown to be unaltered."""
    import hashlib

    targets = packet_targets(case, folder, options)
    for target in targets + [folder / CHECKSUMS]:
        check_writable(target, force)
    # every document is generated before any is written: a failure leaves no partial packet
    outputs = [(target, generate(case, target.stem, format_of(target), options)) for target in targets]
    written = []
    for target, data in outputs:
        write_file(data, target, force, options.file_mode)
        written.append(PacketFile(str(target), hashlib.sha256(data).hexdigest(), len(data)))
    sums = "".join(f"{item.sha256}  {Path(item.path).name}\n" for item in written)
    write_file(sums.encode("utf-8"), folder / CHECKSUMS, force, options.file_mode)
    return written
