"""The follow-up to an amendment request that has not been answered: a reminder letter, under
45 CFR 164.526 or, to a controller in the EU, the EEA or the UK, under GDPR Art. 12(3) and 16.

It fits while no decision has come (``amendment.response`` absent, or no decision recorded), or
when the entity gave notice of an extension (``decision: extended``, or an extension in the log).
The dates are those of ``docgen.facts.requests``: sent and received as the log records them
(receipt otherwise assumed ``receipt_days`` after ``amendment.date``), then 60 days
(164.526(b)(2)); an extension moves it to the entity's new date, never more than 30 days later.
Under the GDPR: one month after receipt, extended by at most two further months (Art. 12(3)).
Written before the deadline, the letter asks for confirmation of receipt and states when the
decision is due; after it, it says the deadline has passed.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from docgen.case.dates import display_day
from docgen.case.model import Case
from docgen.documents.amendment import letter_context, missing_amendment, request_date, title_of
from docgen.documents.correspondence import rules_of
from docgen.documents.kind import DocumentKind
from docgen.facts.deadlines import days_between
from docgen.facts.requests import RequestStatus, extension_date, first, status
from docgen.options import Options

if TYPE_CHECKING:
    from docgen.documents.timeline.fitting import Measure

TEMPLATE = "amendment_follow_up.xml.j2"
TITLE = "Follow-up: request to amend health information (45 CFR 164.526)"
GDPR_TITLES = {"gdpr": "Follow-up: request to complete personal data (GDPR Art. 16)",
               "uk-gdpr": "Follow-up: request to complete personal data (UK GDPR Art. 16)"}

#: Decisions that answer the request: a reminder for an unanswered request does not fit them.
ANSWERED = ("accepted", "partly_accepted", "denied")


def missing(case: Case) -> str | None:
    problem = missing_amendment(case, "amendment-follow-up", "the follow-up to the request")
    if problem is not None:
        return problem
    amendment = case.amendment
    assert amendment is not None
    if amendment.date is None and first(amendment.log, "sent") is None:
        limits = ("the 60 days of 45 CFR 164.526(b)(2)" if rules_of("amendment", amendment).regime == "us"
                  else "the month of GDPR Art. 12(3)")
        return ("amendment-follow-up: amendment.date is not set and amendment.log has no sent entry; the follow-up "
                f"needs the date the request was sent, to count {limits}")
    response = amendment.response
    if response is not None and response.decision in ANSWERED:
        us = rules_of("amendment", amendment).regime == "us"
        refusal = ("for a denial, write the statement of disagreement (`docgen amendment --disagreement`)" if us
                   else "for a refusal, write the complaint to the supervisory authority (`docgen complaint`)")
        follow = refusal if response.decision in ("denied", "partly_accepted") else "nothing is left to remind them of"
        return (f"amendment-follow-up: amendment.response.decision is '{response.decision}': the entity has "
                f"answered, so a reminder for an unanswered request does not fit; {follow}")
    return None


def _status(case: Case, options: Options) -> RequestStatus:
    """The request's dates: from the log where it records them (``docgen.facts.requests``),
    receipt otherwise assumed ``receipt_days`` after sending."""
    amendment = case.amendment
    assert amendment is not None, "missing() is checked first"
    sent = first(amendment.log, "sent")
    day = sent.date.earliest if sent is not None else request_date(amendment, options)
    # counted as sent on its date even when that is after today (a reminder written ahead)
    return status(case, "amendment", max(options.today, day), options.receipt_days,
                  limits=rules_of("amendment", amendment))


def due_date(case: Case, options: Options) -> date:
    """When the decision is due: 60 days after receipt, or the (capped) extension."""
    due = _status(case, options).due
    assert due is not None, "a sent request has a due date"
    return due


def applies(case: Case, options: Options) -> bool:
    """A packet includes the reminder only once the decision is overdue."""
    return missing(case) is None and options.today > due_date(case, options)


def build_context(case: Case, options: Options, level: int = 0, measure: Measure | None = None) -> dict[str, Any]:
    """The reminder: the original request, the deadline it set, and where things stand today."""
    amendment = case.amendment
    assert amendment is not None, "missing() is checked first"
    state = _status(case, options)
    assert state.sent is not None and state.received is not None and state.due is not None
    assert state.first_due is not None and state.latest is not None
    response = amendment.response
    extension = None
    if state.extended and not state.late_extension:
        given = extension_date(amendment)
        notice = first(amendment.log, "extension")
        received_on = notice.date if notice is not None else response.received_on if response is not None else None
        extension = {
            "received_on": received_on.display() if received_on else None,
            "given": given.display() if given else None,
            "capped": state.capped,
        }
    today = options.today
    due = state.due
    context = letter_context(case, options, title_of(case, TITLE, GDPR_TITLES), today)
    context.update({
        "sent": display_day(state.sent),
        "deadlines": {
            "receipt_days": options.receipt_days,
            "receipt": display_day(state.received),
            "decision": display_day(state.first_due),
            "latest": display_day(state.latest),
        },
        "receipt_logged": not state.receipt_assumed,
        "due": display_day(due),
        "overdue": today > due,
        "days_overdue": days_between(due, today),
        "days_left": days_between(today, due),
        "extension": extension,
    })
    return context


KIND = DocumentKind(
    name="amendment-follow-up",
    label="amendment follow-up",
    title=TITLE,
    title_for=lambda case: title_of(case, TITLE, GDPR_TITLES),
    template=TEMPLATE,
    build_context=build_context,
    missing=missing,
    enclosure=True,
    applies=applies,
)
