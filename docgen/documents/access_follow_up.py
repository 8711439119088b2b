"""The follow-up to a request for copies that has not been answered (45 CFR 164.524(b)(2), or GDPR
Art. 12(3)): a reminder with the dates the log gives, written before or after the deadline.

It fits while no decision has come; a packet includes it once the deadline has passed
(``docgen.facts.requests``: received + 30 days, or the extended date within 30 more; one month,
or up to three, under the GDPR).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from docgen.case.model import Case
from docgen.documents.correspondence import (
    log_rows,
    missing_request,
    party_context,
    request_status,
    status_context,
)
from docgen.documents.kind import DocumentKind
from docgen.facts.requests import ANSWERS
from docgen.options import Options

if TYPE_CHECKING:
    from docgen.documents.timeline.fitting import Measure

TEMPLATE = "access_follow_up.xml.j2"
TITLE = "Follow-up: request for copies of health records"


def missing(case: Case) -> str | None:
    problem = missing_request(case, "access", "access-follow-up", sent=True)
    if problem is not None:
        return problem
    request = case.access_request
    assert request is not None
    response = request.response
    if response is not None and response.decision in ANSWERS:
        return (f"access-follow-up: access_request.response.decision is '{response.decision}': the entity has "
                "answered, so a reminder does not fit"
                + ("; for a refusal, write the complaint (`docgen complaint CASE --request access`)"
                   if response.decision != "accepted" else ""))
    if any(entry.action == "decision" for entry in request.log):
        return "access-follow-up: access_request.log records a decision, so a reminder does not fit"
    return None


def applies(case: Case, options: Options) -> bool:
    """A packet includes the reminder only once the deadline has passed."""
    return missing(case) is None and request_status(case, "access", options).stage == "overdue"


def build_context(case: Case, options: Options, level: int = 0, measure: Measure | None = None) -> dict[str, Any]:
    """The reminder: the request, its dates from the log, and where things stand today."""
    request = case.access_request
    assert request is not None, "missing() is checked first"
    state = request_status(case, "access", options)
    context = party_context(case, options, "access", TITLE, options.today)
    context.update({
        "records": request.records,
        "dates": status_context(state),
        "log": log_rows(request.log, context["regime"] == "us"),
        "days_overdue": -(state.days_left or 0),
    })
    return context


KIND = DocumentKind(
    name="access-follow-up",
    label="access follow-up",
    title=TITLE,
    template=TEMPLATE,
    build_context=build_context,
    missing=missing,
    applies=applies,
)
