"""What the letters about a request share: the parties (the sender is whoever signs: the patient,
or a personal representative on the patient's behalf), the rules that govern the request, its
dates from the log (``docgen.facts.requests``), and the refusal of a document for a request that
is missing, undated or addressed somewhere whose rules docgen does not state. The wording is in
the templates; this module only computes. Every letter about a request, the amendment request and
its follow-ups included, takes its parties from ``party_context``."""

from __future__ import annotations

from datetime import date
from typing import Any

from docgen.case.dates import display_day
from docgen.case.model import Case, LogEntry, Patient, Representative
from docgen.facts.formatting import dates_in_text
from docgen.facts.jurisdiction import RequestName, Rules, country_name, locate, supervisory_authority, unsupported
from docgen.facts.requests import SECTIONS, Request, RequestStatus, request_of, request_rules, status
from docgen.options import Options

#: Letters are set a little larger than the timeline (DESIGN.md: body 10-11 pt).
LETTER_SIZE = 10.0

#: Every covered entity designates a privacy official (45 CFR 164.530(a)(1)): the default addressee.
DEFAULT_ATTENTION = "Privacy Officer"
#: Art. 37-38 GDPR: a request goes to the controller's data protection officer where it has one.
GDPR_ATTENTION = "Data Protection Officer"
_GROUP_WORDS = {"management", "department", "services", "office", "unit", "team"}

_PREPARER_ROLES = {"advocate": "advocate", "family": "family member", "clinician": "clinician"}
_LAWS = {"us": "HIPAA", "gdpr": "the GDPR", "uk-gdpr": "the UK GDPR"}
_SHORT_LAWS = {"us": "HIPAA", "gdpr": "GDPR", "uk-gdpr": "UK GDPR"}
_WHAT = {"amendment": "the request to amend health information", "access": "the request for copies of records"}
#: The last request date whose deadlines (receipt, extension, complaint) the calendar holds.
LATEST_REQUEST = date(9999, 1, 31)


def salutation(attention: str) -> str:
    """"Privacy Officer", but "Health Information Management team" for an office or department."""
    words = attention.split()
    if words and words[-1].casefold() in _GROUP_WORDS:
        return f"{attention} team"
    return attention


def sender(patient: Patient, representative: Representative | None) -> dict[str, Any]:
    """Who the letter is from: the person who signs it. A personal representative writes on the
    patient's behalf, with their authority (its dates as documents show dates), and their own
    address where the case gives one, else the patient's (where replies go)."""
    if representative is None:
        return {"name": patient.name, "on_behalf_of": None, "authority": None, "address": patient.address,
                "phone": patient.phone, "email": patient.email, "fax": patient.fax}
    own = bool(representative.address or representative.phone or representative.email)
    contact = representative if own else patient
    return {
        "name": representative.name,
        "on_behalf_of": patient.name,
        "authority": dates_in_text(representative.authority) if representative.authority else None,
        "address": contact.address,
        "phone": contact.phone,
        "email": contact.email,
        "fax": None if own else patient.fax,
    }


def missing_request(case: Case, name: RequestName, document: str, *, sent: bool = False) -> str | None:
    """What every document about a request needs: its section, a full date where one is given (and
    with ``sent``, a date or a ``sent`` log entry), and a recipient whose rules docgen states."""
    section = SECTIONS[name]
    request = request_of(case, name)
    if request is None:
        return (f"{document}: this case file has no {section} section; {_WHAT[name]} needs one "
                "(see `docgen schema`)")
    if request.date is not None and not request.date.is_exact:
        return (f"{document}: {section}.date is {request.date.isoformat()}; the date of a request must be a full date "
                "(YYYY-MM-DD), since its time limits are counted from it")
    for day in [request.date, *(entry.date for entry in request.log)]:
        if day is not None and day.latest > LATEST_REQUEST:
            return (f"{document}: {section} has the date {day.isoformat()}; the deadlines counted from it would fall "
                    "after the year 9999")
    problem = unsupported(request.to, f"{section}.to", document)
    if problem is not None:
        return problem
    if sent and request.date is None and not any(entry.action == "sent" for entry in request.log):
        return (f"{document}: {section}.date is not set and {section}.log has no sent entry; this needs the date the "
                f"request was sent (`docgen log CASE sent --date YYYY-MM-DD`)")
    return None


def request_date(request: Request, options: Options) -> date:
    """The request's date: as given, else today."""
    return request.date.earliest if request.date is not None else options.today


def rules_of(name: RequestName, request: Request) -> Rules:
    limits = request_rules(name, request)
    assert limits is not None, "missing_request() refuses a recipient without known rules"
    return limits


def party_context(case: Case, options: Options, name: RequestName, title: str, letter_date: date) -> dict[str, Any]:
    """The parties of a letter about a request, and the law it is written under."""
    request = request_of(case, name)
    assert request is not None, "missing_request() is checked first"
    limits = rules_of(name, request)
    patient = case.patient
    representative = request.representative
    signed_by = sender(patient, representative)
    prepared = case.prepared_by
    preparer = None
    if prepared is not None and prepared.role != "patient" and prepared.name.strip() not in (
            signed_by["name"].strip(), patient.name.strip()):
        preparer = {"name": prepared.name, "role": _PREPARER_ROLES.get(prepared.role or "")}
    attention = request.to.attention or (DEFAULT_ATTENTION if limits.regime == "us" else GDPR_ATTENTION)
    return {
        "title": title,
        "size": LETTER_SIZE,
        "page": options.page,
        "patient": patient,
        "date_of_birth": patient.date_of_birth.display() if patient.date_of_birth else None,
        "generated": display_day(options.today),
        "letter_date": display_day(letter_date),
        "recipient": request.to,
        "recipient_country": country_name(locate(request.to).country),
        "abroad": locate(request.to).country != locate(patient).country,
        "attention": attention,
        "salutation": salutation(attention),
        "representative": representative,
        "sender": signed_by,
        "signer": signed_by["name"],
        "preparer": preparer,
        "sent_by": dates_in_text(request.sent_by) if request.sent_by else None,
        "regime": limits.regime,
        "law": _LAWS[limits.regime],
        "law_short": _SHORT_LAWS[limits.regime],
        "answer_period": limits.answer.words(),
        "extension_period": limits.extension.words(),
        "complaint_days": limits.complaint_days,
        "authority": supervisory_authority(limits.regime, patient, request.to),
    }


def status_context(state: RequestStatus) -> dict[str, Any]:
    """A request's dates, as the letters print them."""
    def day(value: date | None) -> str | None:
        return display_day(value) if value is not None else None

    return {
        "stage": state.stage,
        "sent": day(state.sent),
        "received": day(state.received),
        "receipt_assumed": state.receipt_assumed,
        "first_due": day(state.first_due),
        "due": day(state.due),
        "latest": day(state.latest),
        "extended": state.extended,
        "late_extension": state.late_extension,
        "capped": state.capped,
        "decision": state.decision,
        "decided": day(state.decided),
        "late_answer": state.late_answer,
        "complaint_by": day(state.complaint_by),
        "days_left": state.days_left,
        "overdue": state.stage == "overdue",
    }


def request_status(case: Case, name: RequestName, options: Options) -> RequestStatus:
    return status(case, name, options.today, options.receipt_days)


_ACTIONS = {"sent": "Request sent", "received": "Request received", "call": "Call", "extension": "Extension",
            "decision": "Decision received", "note": "Note"}


#: The log's methods as a letter names them outside the United States, where mail with proof of
#: delivery is registered, not certified, mail.
_METHODS_ABROAD = {"certified mail": "registered mail"}


def log_rows(log: list[LogEntry], us: bool = True) -> list[dict[str, str | None]]:
    """The log, one row per entry in date order: the date, what happened and its details (the
    method as the letter's country names it)."""
    rows = []
    for entry in sorted(log, key=lambda entry: entry.date.sort_key()):
        method = entry.method if us or entry.method is None else _METHODS_ABROAD.get(entry.method, entry.method)
        details = [part for part in (method, f"reference {entry.reference}" if entry.reference else None,
                                     dates_in_text(entry.note) if entry.note else None) if part]
        rows.append({"date": entry.date.display(), "action": _ACTIONS[entry.action],
                     "details": "; ".join(details) if details else None})
    return rows
