"""The complaint after a request was refused or went unanswered: to the Secretary of Health and
Human Services through the HHS Office for Civil Rights (45 CFR 160.306) for a US covered entity,
or to a supervisory authority (GDPR Art. 77; the Information Commissioner's Office in the UK).

160.306 as REFERENCE.md section 1 states it: anyone may file, in writing, naming the entity and
describing the acts or omissions, within 180 days of when the complainant knew or should have
known (the Secretary may waive this for good cause); OCR takes complaints through its online
portal, by e-mail or by mail; retaliation is prohibited (160.316, 164.530(g)(1)). Under the GDPR
there is no 180-day rule (REFERENCE.md section 7).

Two documents: ``complaint`` about the amendment request and ``access-complaint`` about the
request for copies. Each fits once the request was refused (in whole or in part) or its deadline
passed with no answer, on the options' date (``docgen.facts.requests``).
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

from docgen.case.dates import display_day
from docgen.case.model import Case
from docgen.documents.correspondence import (
    log_rows,
    missing_request,
    party_context,
    request_status,
    status_context,
)
from docgen.documents.kind import DocumentKind
from docgen.errors import MissingDataError
from docgen.facts.jurisdiction import RequestName
from docgen.facts.requests import REFUSALS, SECTIONS, RequestStatus, request_of
from docgen.options import Options

if TYPE_CHECKING:
    from docgen.documents.timeline.fitting import Measure

TEMPLATE = "complaint.xml.j2"
TITLE = "Complaint to the Secretary of Health and Human Services (45 CFR 160.306)"
GDPR_TITLE = "Complaint to a supervisory authority (GDPR Art. 77)"

_NAMES: dict[RequestName, str] = {"amendment": "complaint", "access": "access-complaint"}


def missing_complaint(case: Case, name: RequestName) -> str | None:
    return missing_request(case, name, _NAMES[name], sent=True)


def grounds(state: RequestStatus) -> str | None:
    """"refused" or "overdue" when a complaint fits the request's state, else None."""
    if state.stage == "answered":
        return "refused" if state.decision in REFUSALS else None
    return "overdue" if state.stage == "overdue" else None


def applies_to(case: Case, options: Options, name: RequestName) -> bool:
    """A packet includes the complaint once the request was refused or is overdue."""
    return missing_complaint(case, name) is None and grounds(request_status(case, name, options)) is not None


def build_complaint(case: Case, options: Options, name: RequestName) -> dict[str, Any]:
    """Everything the complaint says: the entity, what was asked and when, what happened."""
    request = request_of(case, name)
    assert request is not None, "missing() is checked first"
    state = request_status(case, name, options)
    why = grounds(state)
    if why is None:
        due = f"; its deadline is {display_day(state.due)}" if state.due is not None and state.stage != "answered" else ""
        decision = (f"it was answered ({state.decision})" if state.stage == "answered" and state.decision
                    else f"it is {state.stage}")
        raise MissingDataError(
            f"{_NAMES[name]}: a complaint fits a request that was refused or not answered in time, and on "
            f"{display_day(options.today)} {decision}{due} (see `docgen status`)")
    context = party_context(case, options, name, TITLE if state.regime == "us" else GDPR_TITLE, options.today)
    response = request.response
    items: list[dict[str, Any]] = []
    if case.amendment is not None and name == "amendment":
        for item in case.amendment.items:
            author = case.clinician(item.author)
            items.append({"record": item.record, "date": item.date.display() if item.date else None,
                          "author": author.name if author else None})
    context.update({
        "request": name,
        "section": SECTIONS[name],
        "grounds": why,
        "items": items,
        "records": list(case.access_request.records) if name == "access" and case.access_request else [],
        "dates": status_context(state),
        "log": log_rows(request.log, context["regime"] == "us"),
        "basis": response.basis if response is not None else None,
        "partly": state.decision == "partly_accepted",
        "late_complaint": state.complaint_by is not None and options.today > state.complaint_by,
    })
    return context


def _missing_amendment_complaint(case: Case) -> str | None:
    return missing_complaint(case, "amendment")


def _missing_access_complaint(case: Case) -> str | None:
    return missing_complaint(case, "access")


def build_context(case: Case, options: Options, level: int = 0, measure: Measure | None = None) -> dict[str, Any]:
    """The complaint about the amendment request."""
    return build_complaint(case, options, "amendment")


def build_access_context(case: Case, options: Options, level: int = 0,
                         measure: Measure | None = None) -> dict[str, Any]:
    """The complaint about the request for copies."""
    return build_complaint(case, options, "access")


KIND = DocumentKind(
    name="complaint",
    label="complaint about the amendment request",
    title=TITLE,
    template=TEMPLATE,
    build_context=build_context,
    missing=_missing_amendment_complaint,
    applies=partial(applies_to, name="amendment"),
)

ACCESS_KIND = DocumentKind(
    name="access-complaint",
    label="complaint about the request for copies",
    title=TITLE,
    template=TEMPLATE,
    build_context=build_access_context,
    missing=_missing_access_complaint,
    applies=partial(applies_to, name="access"),
)
