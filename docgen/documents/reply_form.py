"""The reply form for the entity that holds the record: one page per item of the amendment
request, with tick boxes for the decision (accepted, accepted in part, or denied on one of the
grounds of 45 CFR 164.526(a)(2)), the date, name, signature and where to return it, and the
addendum ready to paste into the record. Under the GDPR the choices are those of Art. 16 and
12(4) instead (REFERENCE.md section 7).

The amendment request's PDF carries the form after its enclosure; a packet has it on its own too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from docgen.case.model import Case
from docgen.documents.amendment import letter_context, missing_amendment, request_date, title_of
from docgen.documents.correspondence import missing_request, party_context
from docgen.documents.kind import DocumentKind
from docgen.options import Options

if TYPE_CHECKING:
    from docgen.documents.timeline.fitting import Measure

TEMPLATE = "reply_form.xml.j2"
TITLE = "Reply form: request to amend health information"
#: Under the GDPR (UK GDPR) the request is about personal data, as the form's heading says.
GDPR_TITLES = {"gdpr": "Reply form: request to amend personal data (GDPR Art. 16)",
               "uk-gdpr": "Reply form: request to amend personal data (UK GDPR Art. 16)"}


def missing(case: Case) -> str | None:
    return missing_amendment(case, "reply-form", "the reply form") or missing_request(case, "amendment", "reply-form")


def build_context(case: Case, options: Options, level: int = 0, measure: Measure | None = None) -> dict[str, Any]:
    """The form: each item with its record, its addendum and the decision boxes."""
    amendment = case.amendment
    assert amendment is not None, "missing() is checked first"
    sent = request_date(amendment, options)
    title = title_of(case, TITLE, GDPR_TITLES)
    context = letter_context(case, options, title, sent)
    parties = party_context(case, options, "amendment", title, sent)
    context.update({key: parties[key] for key in ("regime", "law", "law_short", "authority")})
    context["request_date"] = context["letter_date"]
    return context


KIND = DocumentKind(
    name="reply-form",
    label="reply form",
    title=TITLE,
    title_for=lambda case: title_of(case, TITLE, GDPR_TITLES),
    template=TEMPLATE,
    build_context=build_context,
    missing=missing,
)
