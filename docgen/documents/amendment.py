"""The HIPAA amendment request (45 CFR 164.526): a US block letter from the patient, or from
their personal representative, to the covered entity that holds the record.

The context holds the parties, each item (with a proposed addition where the case gives no
wording), the facts of the reason (``docgen.facts.evidence``) and the response dates
(``docgen.facts.deadlines``). The follow-up and the statement of disagreement reuse ``letter_context``
and ``missing_amendment``; all wording is in the templates.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from docgen.case.dates import display_day
from docgen.case.model import Amendment, Case
from docgen.documents import timeline
from docgen.documents.kind import DocumentKind
from docgen.facts import evidence, history
from docgen.facts.deadlines import COMPLAINT_WITHIN_DAYS, EXTENSION_DAYS, Deadlines
from docgen.options import Options

if TYPE_CHECKING:
    from docgen.documents.timeline.fitting import Measure
from docgen.facts.equivalence import looks_like_benzodiazepine

TEMPLATE = "amendment.xml.j2"
TITLE = "Request to amend health information (45 CFR 164.526)"

#: Letters are set a little larger than the timeline (DESIGN.md: body 10-11 pt).
LETTER_SIZE = 10.0

#: States whose added right a letter may name (REFERENCE.md section 1); no other is claimed.
_STATES = {"wa": "WA", "washington": "WA", "ca": "CA", "california": "CA"}

#: Every covered entity designates a privacy official (45 CFR 164.530(a)(1)): the default addressee.
DEFAULT_ATTENTION = "Privacy Officer"
_GROUP_WORDS = {"management", "department", "services", "office", "unit", "team"}

_PREPARER_ROLES = {"advocate": "advocate", "family": "family member", "clinician": "clinician"}

#: The last request date whose deadlines (receipt, 60 days, a 30-day extension) the calendar holds.
_LATEST_REQUEST = date(9999, 6, 30)


def missing(case: Case) -> str | None:
    return missing_amendment(case, "amendment", "the amendment request")


def missing_amendment(case: Case, document: str, label: str) -> str | None:
    """What every amendment document needs: the section, a full request date, wording to propose."""
    amendment = case.amendment
    if amendment is None:
        return f"{document}: this case file has no amendment section; {label} needs one (see `docgen schema`)"
    if amendment.date is not None and not amendment.date.is_exact:
        return (f"{document}: amendment.date is {amendment.date.isoformat()}; the date of a request must be a full "
                "date (YYYY-MM-DD), since the 60 days of 45 CFR 164.526(b)(2) are counted from it")
    if amendment.date is not None and amendment.date.earliest > _LATEST_REQUEST:
        return (f"{document}: amendment.date is {amendment.date.isoformat()}; the deadlines counted from it would "
                "fall after the year 9999; expected the date the request is sent")
    has_benzodiazepine = any(looks_like_benzodiazepine(medication.drug) for medication in case.medications)
    for index, item in enumerate(amendment.items):
        if item.requested_text is None and not has_benzodiazepine:
            return (f"{document}: amendment.items[{index}].requested_text is not given, and the case has no "
                    "benzodiazepine to propose an amendment from; write the amendment you ask for in requested_text")
    return None


def request_date(amendment: Amendment, options: Options) -> date:
    """The request's date: as given, else today (``missing_amendment`` refuses partial dates)."""
    return amendment.date.earliest if amendment.date is not None else options.today


def state_rule(state: str | None) -> str | None:
    """"WA" or "CA" when the case names one of them, else None: nothing is claimed for others."""
    if state is None:
        return None
    return _STATES.get(state.strip().casefold())


def salutation(attention: str) -> str:
    """"Privacy Officer", but "Health Information Management team" for an office or department."""
    words = attention.split()
    if words and words[-1].casefold() in _GROUP_WORDS:
        return f"{attention} team"
    return attention


def letter_context(case: Case, options: Options, title: str, letter_date: date) -> dict[str, Any]:
    """What every amendment letter shares: the parties, the items, the reason's facts."""
    amendment = case.amendment
    assert amendment is not None, "missing_amendment() is checked first"
    patient = case.patient
    representative = amendment.representative
    signer = representative.name if representative is not None else patient.name
    prepared = case.prepared_by
    preparer = None
    if prepared is not None and prepared.role != "patient" and prepared.name.strip() not in (signer.strip(), patient.name.strip()):
        preparer = {"name": prepared.name, "role": _PREPARER_ROLES.get(prepared.role or "")}

    attention = amendment.to.attention or DEFAULT_ATTENTION
    sources = history.Sources()
    items = []
    author_ids = []
    for number, item in enumerate(amendment.items, start=1):
        author = case.clinician(item.author)
        author_ids.append(item.author)
        items.append({
            "number": number,
            "record": item.record,
            "date": item.date.display() if item.date else None,
            "author": author.name if author else None,
            "marker": history.marker(sources.cite(item.source)),
            "current_text": item.current_text,
            "requested_text": item.requested_text,
        })
    facts = evidence.facts(case, options.table, sources, author_ids)
    proposed = any(item.requested_text is None for item in amendment.items)
    requested_texts = [item.requested_text for item in amendment.items]
    return {
        "title": title,
        "size": LETTER_SIZE,
        "page": options.page,
        "patient": patient,
        "date_of_birth": patient.date_of_birth.display() if patient.date_of_birth else None,
        "generated": display_day(options.today),
        "letter_date": display_day(letter_date),
        "recipient": amendment.to,
        "attention": attention,
        "salutation": salutation(attention),
        "representative": representative,
        "signer": signer,
        "preparer": preparer,
        "sent_by": amendment.sent_by,
        "state": state_rule(amendment.state),
        "notify": amendment.notify,
        "items": items,
        "facts": facts,
        "sources": facts["sources"],
        "mentions_bind": proposed or evidence.mentions_bind(requested_texts),
        "enclosure": options.enclosure,
        "enclosure_title": timeline.TITLE,
        "extension_days": EXTENSION_DAYS,
        "complaint_days": COMPLAINT_WITHIN_DAYS,
    }


def build_context(case: Case, options: Options, level: int = 0, measure: Measure | None = None) -> dict[str, Any]:
    """Everything the request says, computed from the case."""
    amendment = case.amendment
    assert amendment is not None, "missing() is checked first"
    sent = request_date(amendment, options)
    deadlines = Deadlines.of(sent, options.receipt_days)
    context = letter_context(case, options, TITLE, sent)
    context["deadlines"] = {
        "receipt_days": deadlines.receipt_days,
        "receipt": display_day(deadlines.receipt),
        "decision": display_day(deadlines.decision),
        "latest": display_day(deadlines.latest),
    }
    return context


KIND = DocumentKind(
    name="amendment",
    label="amendment request",
    title=TITLE,
    template=TEMPLATE,
    build_context=build_context,
    missing=missing,
    asked_by="amendment",
    enclosure=True,
    appendix="reply-form",
)
