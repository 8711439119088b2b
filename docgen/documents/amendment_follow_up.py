"""The follow-up to an amendment request that has not been answered: a reminder letter.

It fits while no decision has come (``amendment.response`` absent, or no decision recorded), or
when the entity gave notice of an extension (``decision: extended``). The deadline is computed as
for the request: receipt assumed ``receipt_days`` after ``amendment.date``, then 60 days
(164.526(b)(2)); an extension moves it to the entity's new date, never more than 30 days later.
Written before the deadline, the letter asks for confirmation of receipt and states when the
decision is due; after it, it says the deadline has passed.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from docgen.case.dates import display_day
from docgen.case.model import Case
from docgen.documents.amendment import letter_context, missing_amendment, request_date
from docgen.documents.kind import DocumentKind
from docgen.facts.deadlines import Deadlines, days_between
from docgen.options import Options

if TYPE_CHECKING:
    from docgen.documents.timeline.fitting import Measure

TEMPLATE = "amendment_follow_up.xml.j2"
TITLE = "Follow-up: request to amend health information (45 CFR 164.526)"

#: Decisions that answer the request: a reminder for an unanswered request does not fit them.
ANSWERED = ("accepted", "partly_accepted", "denied")


def missing(case: Case) -> str | None:
    problem = missing_amendment(case, "amendment-follow-up", "the follow-up to the request")
    if problem is not None:
        return problem
    amendment = case.amendment
    assert amendment is not None
    if amendment.date is None:
        return ("amendment-follow-up: amendment.date is not set; the follow-up needs the date the request "
                "was sent, to count the 60 days of 45 CFR 164.526(b)(2)")
    response = amendment.response
    if response is not None and response.decision in ANSWERED:
        follow = ("for a denial, write the statement of disagreement (`docgen amendment --disagreement`)"
                  if response.decision in ("denied", "partly_accepted") else "nothing is left to remind them of")
        return (f"amendment-follow-up: amendment.response.decision is '{response.decision}': the entity has "
                f"answered, so a reminder for an unanswered request does not fit; {follow}")
    return None


def due_date(case: Case, options: Options) -> date:
    """When the decision is due: 60 days after the assumed receipt, or the (capped) extension."""
    amendment = case.amendment
    assert amendment is not None and amendment.date is not None, "missing() is checked first"
    deadlines = Deadlines.of(request_date(amendment, options), options.receipt_days)
    response = amendment.response
    if response is not None and response.decision == "extended":
        return deadlines.extended(response.extended_to).due
    return deadlines.decision


def applies(case: Case, options: Options) -> bool:
    """A packet includes the reminder only once the decision is overdue."""
    return missing(case) is None and options.today > due_date(case, options)


def build_context(case: Case, options: Options, level: int = 0, measure: Measure | None = None) -> dict[str, Any]:
    """The reminder: the original request, the deadline it set, and where things stand today."""
    amendment = case.amendment
    assert amendment is not None and amendment.date is not None, "missing() is checked first"
    sent = request_date(amendment, options)
    deadlines = Deadlines.of(sent, options.receipt_days)
    response = amendment.response
    extended = response is not None and response.decision == "extended"
    due = deadlines.decision
    extension = None
    if extended and response is not None:
        moved = deadlines.extended(response.extended_to)
        due = moved.due
        extension = {
            "received_on": response.received_on.display() if response.received_on else None,
            "given": moved.given.display() if moved.given else None,
            "capped": moved.capped,
        }
    today = options.today
    context = letter_context(case, options, TITLE, today)
    context.update({
        "sent": display_day(sent),
        "deadlines": {
            "receipt_days": deadlines.receipt_days,
            "receipt": display_day(deadlines.receipt),
            "decision": display_day(deadlines.decision),
            "latest": display_day(deadlines.latest),
        },
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
    template=TEMPLATE,
    build_context=build_context,
    missing=missing,
    enclosure=True,
    applies=applies,
)
