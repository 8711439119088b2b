"""The request for copies of the records: under 45 CFR 164.524 to a US covered entity, or under
Article 15 of the GDPR (UK GDPR) to a controller in the EU, the EEA or the UK.

The US letter rests on 164.524 as published in the eCFR: (b)(2) 30 days after receipt, one
extension of at most 30 days with a written statement of the reasons and the date, given within
the 30 days (REFERENCE.md section 1); (c)(2)(i)-(ii) the form and format asked for where readily
producible; (c)(3)(ii) a copy sent directly to a person the individual designates, on a written,
signed request that names the person and where to send it; (c)(4) a reasonable, cost-based fee
limited to labor for copying, supplies and postage; (d)(2) what a denial contains. Since Ciox
Health, LLC v. Azar (D.D.C. 23 Jan 2020) the fee limit is not enforced for copies sent to a third
party, and the third-party directive holds for electronic copies of records kept electronically:
the letter claims the fee limit only for a copy sent to the patient. The rule does not make access
depend on a reason (HHS guidance on the right of access), so the letter gives none.

The GDPR letter names the right of access (Art. 15) and states only what REFERENCE.md section 7
gives: one month from receipt, extended by two further months with notice within the first
(Art. 12(3)); what happens if the controller does not act (12(4)); free of charge (12(5)); identity
(12(6)); the data protection officer (37-38). A form, format or third party is asked for, not
claimed as a right.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from docgen.case.dates import add_days, display_day
from docgen.case.model import Case
from docgen.documents.correspondence import missing_request, party_context, request_date, rules_of
from docgen.documents.kind import DocumentKind
from docgen.options import Options

if TYPE_CHECKING:
    from docgen.documents.timeline.fitting import Measure

TEMPLATE = "access.xml.j2"
TITLE = "Request for copies of health records"


def missing(case: Case) -> str | None:
    return missing_request(case, "access", "access")


def build_context(case: Case, options: Options, level: int = 0, measure: Measure | None = None) -> dict[str, Any]:
    """Everything the request says, computed from the case."""
    request = case.access_request
    assert request is not None, "missing() is checked first"
    sent = request_date(request, options)
    limits = rules_of("access", request)
    receipt = add_days(sent, options.receipt_days)
    context = party_context(case, options, "access", TITLE, sent)
    context.update({
        "records": request.records,
        "format": request.format,
        "deliver_to": request.deliver_to,
        "deadlines": {
            "receipt_days": options.receipt_days,
            "receipt": display_day(receipt),
            "due": display_day(limits.due(receipt)),
            "latest": display_day(limits.latest(receipt)),
        },
    })
    return context


KIND = DocumentKind(
    name="access",
    label="request for copies of records",
    title=TITLE,
    template=TEMPLATE,
    build_context=build_context,
    missing=missing,
    asked_by="access_request",
)
