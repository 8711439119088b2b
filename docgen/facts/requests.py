"""Where a request stands: the amendment request (45 CFR 164.526, or GDPR Art. 16) and the
request for copies (45 CFR 164.524, or GDPR Art. 15), each read from its section of the case file
and its ``log``, on a given day.

The dates:

- **sent**: the log's first ``sent`` entry; else the request's ``date`` (as the follow-up letter
  takes it), once that day has come. Neither: the request is still a draft.
- **received**: the log's first ``received`` entry (proof of receipt: the clock runs from here);
  else assumed ``receipt_days`` after sending, and said to be assumed.
- **due**: the rule's time from receipt (``docgen.facts.jurisdiction.Rules``). An extension (a
  log ``extension`` entry, or ``response.decision: extended``) moves it to the date the entity
  gave (``response.extended_to``, or a date written in the extension entry's note, "new date
  2027-02-23"), never past the rule's limit, and to that limit when it gave none. An extension
  given after the first period had ended does not move it.
- **answered**: ``response.decision`` accepted, partly accepted or denied, on the log's first
  ``decision`` entry, else ``response.received_on``.
- **complaint by** (US only): 180 days after the denial reached the patient, or after the last
  day the entity had, when it did not answer (45 CFR 160.306(b)(3): within 180 days of when the
  complainant knew or should have known; counted from that last day itself, a day early rather
  than late).

The stage is one of drafted, sent, received, extended, answered and overdue, and each state has
its next steps: the document that fits it (by its registry name) or the log entry to record.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Literal

from docgen.case.dates import PartialDate, add_days
from docgen.case.model import AccessRequest, Amendment, Case, Decision, LogAction, LogEntry
from docgen.facts.jurisdiction import Regime, RequestName, Rules, locate, regime_of, rules

Stage = Literal["drafted", "sent", "received", "extended", "answered", "overdue"]
STAGES: tuple[Stage, ...] = ("drafted", "sent", "received", "extended", "answered", "overdue")

#: Decisions that answer a request (an extension does not).
ANSWERS: tuple[Decision, ...] = ("accepted", "partly_accepted", "denied")
#: Decisions that refuse at least part of it.
REFUSALS: tuple[Decision, ...] = ("partly_accepted", "denied")

#: Each request's section of the case file, and the documents that follow it.
SECTIONS: dict[RequestName, str] = {"amendment": "amendment", "access": "access_request"}
DOCUMENTS: dict[RequestName, dict[str, str]] = {
    "amendment": {"request": "amendment", "follow-up": "amendment-follow-up", "complaint": "complaint",
                  "disagreement": "disagreement"},
    "access": {"request": "access", "follow-up": "access-follow-up", "complaint": "access-complaint"},
}

_ISO_DAY = re.compile(r"\b(\d{4}-\d{2}-\d{2})\b")

Request = Amendment | AccessRequest


@dataclass(frozen=True)
class Step:
    """One thing to do next: write a document, or record what happened in the log."""

    #: What to do, in a few words ("Send the follow-up").
    action: str
    #: The registry name of the document that does it, if one does.
    document: str | None = None
    #: The log entry to record, if that is the step.
    log: LogAction | None = None
    #: The first day it makes sense (the day after a deadline).
    on: date | None = None
    #: The last day it can be done (a complaint's time limit).
    by: date | None = None


@dataclass(frozen=True)
class RequestStatus:
    """Everything a request's dates and log say on ``today``."""

    request: RequestName
    #: The case file's section ("amendment", "access_request").
    section: str
    recipient: str
    regime: Regime | None
    stage: Stage
    today: date
    sent: date | None = None
    #: Whether ``sent`` is the request's own date rather than a logged ``sent`` entry.
    sent_from_date: bool = False
    received: date | None = None
    #: Whether ``received`` is assumed (no ``received`` entry in the log).
    receipt_assumed: bool = False
    #: The end of the first period (60 days, 30 days, one month).
    first_due: date | None = None
    #: When the answer is due now (after a valid extension: the extended date).
    due: date | None = None
    #: The rule's limit with the one extension.
    latest: date | None = None
    extended: bool = False
    #: An extension came after the first period had ended, so it did not move the deadline.
    late_extension: bool = False
    #: The entity's new date was past the rule's limit, so the limit holds.
    capped: bool = False
    decision: Decision | None = None
    decided: date | None = None
    #: The answer came after its deadline.
    late_answer: bool = False
    #: The last day for a complaint to the Secretary of HHS (US only).
    complaint_by: date | None = None
    steps: tuple[Step, ...] = ()

    @property
    def days_left(self) -> int | None:
        """Days from today to the deadline (negative once it has passed); None once answered."""
        if self.due is None or self.stage == "answered":
            return None
        return (self.due - self.today).days


def iter_requests(case: Case) -> Iterator[tuple[RequestName, Request]]:
    """The requests a case holds, amendment first."""
    if case.amendment is not None:
        yield "amendment", case.amendment
    if case.access_request is not None:
        yield "access", case.access_request


def request_of(case: Case, name: RequestName) -> Request | None:
    return case.amendment if name == "amendment" else case.access_request


def request_rules(request_name: RequestName, request: Request) -> Rules | None:
    """The time limits that govern a request: those of the recipient's country, or None."""
    regime = regime_of(locate(request.to).country)
    return rules(regime, request_name) if regime is not None else None


def first(log: list[LogEntry], action: LogAction) -> LogEntry | None:
    """The log's first entry of a kind, by date (the log's own order among equal dates)."""
    entries = [entry for entry in log if entry.action == action]
    return min(entries, key=lambda entry: entry.date.sort_key()) if entries else None


def extension_date(request: Request) -> PartialDate | None:
    """The new date the entity gave with its extension, if the case records one."""
    if request.response is not None and request.response.extended_to is not None:
        return request.response.extended_to
    entry = first(request.log, "extension")
    if entry is not None and entry.note:
        match = _ISO_DAY.search(entry.note)
        if match:
            try:
                return PartialDate.parse(match.group(1))
            except ValueError:
                return None
    return None


def status(case: Case, name: RequestName, today: date, receipt_days: int = 5, *,
           limits: Rules | None = None) -> RequestStatus:
    """Where the request ``name`` of ``case`` stands on ``today``, under the rules of the
    recipient's country (or ``limits``, for a letter written under a rule of its own)."""
    request = request_of(case, name)
    assert request is not None, "iter_requests() gives the requests a case has"
    section = SECTIONS[name]
    limits = limits or request_rules(name, request)
    base = RequestStatus(request=name, section=section, recipient=request.to.organization,
                         regime=limits.regime if limits else None, stage="drafted", today=today)
    sent_entry = first(request.log, "sent")
    sent: date | None = sent_entry.date.earliest if sent_entry is not None else None
    sent_from_date = False
    if sent is None and request.date is not None and request.date.is_exact and request.date.earliest <= today:
        sent, sent_from_date = request.date.earliest, True
    if sent is None or limits is None:
        return _with_steps(base, name)

    received_entry = first(request.log, "received")
    received = received_entry.date.earliest if received_entry is not None else add_days(sent, receipt_days)
    first_due, latest = limits.due(received), limits.latest(received)
    due = first_due

    response = request.response
    extension_entry = first(request.log, "extension")
    extended = extension_entry is not None or (response is not None and response.decision == "extended")
    late_extension = capped = False
    if extended:
        notice = (extension_entry.date if extension_entry is not None else
                  response.received_on if response is not None else None)
        if notice is not None and notice.earliest > first_due:
            late_extension = True
        else:
            given = extension_date(request)
            if given is None:
                due = latest
            elif given.latest > latest:
                due, capped = latest, True
            else:
                due = max(given.latest, first_due)

    decision_entry = first(request.log, "decision")
    decision = response.decision if response is not None and response.decision in ANSWERS else None
    decided: date | None = None
    if decision_entry is not None:
        decided = decision_entry.date.earliest
    elif decision is not None and response is not None and response.received_on is not None:
        decided = response.received_on.earliest
    answered = decision is not None or decision_entry is not None

    stage: Stage
    if answered:
        stage = "answered"
    elif today > due:
        stage = "overdue"
    elif extended and not late_extension:
        stage = "extended"
    elif received_entry is not None:
        stage = "received"
    else:
        stage = "sent"

    complaint_by = None
    if decision in REFUSALS and decided is not None:
        complaint_by = limits.complaint_by(decided)
    elif stage == "overdue":
        complaint_by = limits.complaint_by(due)

    result = RequestStatus(
        request=name, section=section, recipient=request.to.organization, regime=limits.regime, stage=stage,
        today=today, sent=sent, sent_from_date=sent_from_date, received=received,
        receipt_assumed=received_entry is None, first_due=first_due, due=due, latest=latest, extended=extended,
        late_extension=late_extension, capped=capped, decision=decision, decided=decided,
        late_answer=decided is not None and decided > due, complaint_by=complaint_by,
    )
    return _with_steps(result, name)


def statuses(case: Case, today: date, receipt_days: int = 5) -> list[RequestStatus]:
    """Where each request of a case stands."""
    return [status(case, name, today, receipt_days) for name, _request in iter_requests(case)]


def _with_steps(state: RequestStatus, name: RequestName) -> RequestStatus:
    from dataclasses import replace

    return replace(state, steps=tuple(_steps(state, name)))


def _steps(state: RequestStatus, name: RequestName) -> Iterator[Step]:
    documents = DOCUMENTS[name]
    us = state.regime == "us"
    if state.regime is None:
        return
    if state.stage == "drafted":
        yield Step("Write the request and send it", document=documents["request"])
        yield Step("Record the day it was sent", log="sent")
        return
    if state.sent_from_date:
        yield Step("Record the day it was sent and how (the request's date is taken until then)", log="sent")
    if state.stage in ("sent", "received", "extended"):
        if state.receipt_assumed:
            yield Step("Record the day it was received, once confirmed (the clock runs from receipt)", log="received")
        follow_up_on = add_days(state.due, 1) if state.due is not None else None
        yield Step("If no answer has come by then, send the follow-up", document=documents["follow-up"],
                   on=follow_up_on)
        return
    if state.stage == "overdue":
        yield Step("Send the follow-up: the deadline has passed", document=documents["follow-up"])
        yield Step("Complain to the Secretary of HHS" if us else "Complain to the supervisory authority",
                   document=documents["complaint"], by=state.complaint_by)
        return
    # answered
    if state.decision is None:
        yield Step(f"Record the decision in {state.section}.response (accepted, partly_accepted or denied)")
        return
    if state.decision in REFUSALS:
        if name == "amendment" and us:
            yield Step("Send a statement of disagreement", document=documents["disagreement"])
        yield Step("Complain to the Secretary of HHS" if us else "Complain to the supervisory authority",
                   document=documents["complaint"], by=state.complaint_by)
        return
    what = "the amendment was appended or linked" if name == "amendment" else "the copies arrived complete"
    yield Step(f"Nothing is due: check that {what}")
