"""docgen: patient advocacy paperwork from one case file.

    >>> import docgen
    >>> case = docgen.load_case("samples/bind-labelled-fnd.yaml")
    >>> pdf = docgen.generate(case, "timeline", "pdf", docgen.Options())
    >>> docgen.write_packet(case, Path("packet"), docgen.Options())

The stages, in order, are packages: ``case`` (the contract), ``facts`` (what it means),
``documents`` (one module per document, and their registry), ``markup`` (templates to blocks),
``render`` (blocks to PDF and DOCX); ``intake`` gets data in and ``cli`` is the command line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

#: The public API: name -> module it comes from (imported when first used, so `import docgen`
#: stays quick).
_PUBLIC = {
    "Case": "docgen.case.model",
    "load_case": "docgen.case.loading",
    "parse_case": "docgen.case.loading",
    "Options": "docgen.options",
    "DOCUMENTS": "docgen.documents",
    "DocumentKind": "docgen.documents",
    "generate": "docgen.pipeline",
    "available_documents": "docgen.pipeline",
    "write_document": "docgen.pipeline",
    "write_packet": "docgen.pipeline",
    "DocgenError": "docgen.errors",
    "CaseFileError": "docgen.errors",
    "MissingDataError": "docgen.errors",
    "OutputError": "docgen.errors",
}

__all__ = [
    "Case",
    "CaseFileError",
    "DOCUMENTS",
    "DocgenError",
    "DocumentKind",
    "MissingDataError",
    "Options",
    "OutputError",
    "available_documents",
    "generate",
    "load_case",
    "parse_case",
    "write_document",
    "write_packet",
]

if TYPE_CHECKING:
    from docgen.case.loading import load_case, parse_case
    from docgen.case.model import Case
    from docgen.documents import DOCUMENTS, DocumentKind
    from docgen.errors import CaseFileError, DocgenError, MissingDataError, OutputError
    from docgen.options import Options
    from docgen.pipeline import (
        available_documents,
        generate,
        write_document,
        write_packet,
    )


def __getattr__(name: str) -> Any:
    if name not in _PUBLIC:
        raise AttributeError(f"module 'docgen' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(_PUBLIC[name]), name)
