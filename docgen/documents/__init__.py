"""The documents docgen writes: one module (or package) per document, and the one registry of
document kinds that the packet, the command line, `validate` and the batch all read.

Adding a document is one entry in ``DOCUMENTS``, one module that defines its ``KIND`` (a template
name, a context builder and what it needs of a case), one template in templates/, and its tests.
"""

from __future__ import annotations

from docgen.documents import (
    amendment,
    amendment_follow_up,
    disagreement,
    letter,
    timeline,
)
from docgen.documents.kind import DocumentKind
from docgen.errors import DocgenError

#: Every document docgen writes, in packet order.
DOCUMENTS: tuple[DocumentKind, ...] = (
    timeline.KIND,
    amendment.KIND,
    amendment_follow_up.KIND,
    disagreement.KIND,
    letter.KIND,
)

_BY_NAME = {kind.name: kind for kind in DOCUMENTS}


class UnknownDocumentError(DocgenError):
    """A document name docgen does not know."""


def document_kind(name: str) -> DocumentKind:
    """The kind called ``name``."""
    try:
        return _BY_NAME[name]
    except KeyError:
        raise UnknownDocumentError(f"'{name}' is not a document docgen writes; expected one of: "
                                   f"{', '.join(_BY_NAME)}") from None


__all__ = ["DOCUMENTS", "DocumentKind", "UnknownDocumentError", "document_kind"]
