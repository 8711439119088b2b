"""The documents docgen writes: one module (or package) per document, and the one registry of
document kinds that the packet, the command line, `validate` and the batch all read.

Adding a document is one entry in ``DOCUMENTS``, one module that defines its ``KIND`` (a template
name, a context builder and what it needs of a case), one template in templates/, and its tests.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from docgen.documents import (
    access,
    access_follow_up,
    amendment,
    amendment_follow_up,
    complaint,
    disagreement,
    letter,
    reply_form,
    pharmacy,
    taper_calendar,
    taper_request,
    timeline,
)
from docgen.documents.kind import DocumentKind
from docgen.errors import DocgenError

if TYPE_CHECKING:
    from docgen.case.model import Case
    from docgen.options import Options

#: Every document docgen writes, in packet order.
DOCUMENTS: tuple[DocumentKind, ...] = (
    timeline.KIND,
    amendment.KIND,
    reply_form.KIND,
    amendment_follow_up.KIND,
    disagreement.KIND,
    access.KIND,
    access_follow_up.KIND,
    complaint.KIND,
    complaint.ACCESS_KIND,
    letter.KIND,
    taper_request.KIND,
    taper_calendar.KIND,
    pharmacy.KIND,
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


def describe_available(case: Case, options: Options | None = None) -> str:
    """The documents a case has data for, in a line for a person: "documents it has data for:
    timeline, amendment request, therapist letter"."""
    labels = [kind.label for kind in DOCUMENTS if kind.missing(case) is None
              and (kind.applies is None or options is None or kind.applies(case, options))]
    return f"documents it has data for: {', '.join(labels)}"


__all__ = ["DOCUMENTS", "DocumentKind", "UnknownDocumentError", "describe_available", "document_kind"]
