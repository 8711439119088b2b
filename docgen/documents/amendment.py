"""The amendment request: under 45 CFR 164.526, a US block letter to the covered entity that holds
the record; under GDPR (or UK GDPR) Art. 16, a request to the controller to complete the record with
a supplementary statement, answered within one month (Art. 12(3)). It comes from the patient, or
from their personal representative on the patient's behalf; a recipient in a country whose rules
docgen does not state is refused (``docgen.facts.jurisdiction``).

The context holds the parties (``docgen.documents.correspondence``), each item (with a proposed
addition where the case gives no wording), the facts of the reason (``docgen.facts.evidence``) and
the response dates. The follow-up and the statement of disagreement reuse ``letter_context`` and
``missing_amendment``; all wording is in the templates.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from docgen.case.dates import display_day
from docgen.case.model import Amendment, Case
from docgen.documents import timeline
from docgen.documents.correspondence import (
    DEFAULT_ATTENTION,
    LETTER_SIZE,
    party_context,
    rules_of,
    salutation,
)
from docgen.documents.kind import DocumentKind
from docgen.facts import evidence, history
from docgen.facts.deadlines import COMPLAINT_WITHIN_DAYS, EXTENSION_DAYS, Deadlines
from docgen.facts.equivalence import looks_like_benzodiazepine
from docgen.facts.jurisdiction import unsupported
from docgen.facts.sources import cited_sources
from docgen.options import Options

if TYPE_CHECKING:
    from docgen.documents.timeline.fitting import Measure

__all__ = ["DEFAULT_ATTENTION", "LETTER_SIZE", "KIND", "TITLE", "build_context", "letter_context", "missing",
           "missing_amendment", "request_date", "salutation", "state_rule", "title_of"]

TEMPLATE = "amendment.xml.j2"
TITLE = "Request to amend health information (45 CFR 164.526)"
GDPR_TITLES = {"gdpr": "Request to complete personal data with a supplementary statement (GDPR Art. 16)",
               "uk-gdpr": "Request to complete personal data with a supplementary statement (UK GDPR Art. 16)"}

#: States whose added right a letter may name (REFERENCE.md section 1); no other is claimed.
_STATES = {"wa": "WA", "washington": "WA", "ca": "CA", "california": "CA"}

#: The last request date whose deadlines (receipt, 60 days, a 30-day extension) the calendar holds.
_LATEST_REQUEST = date(9999, 6, 30)


def missing(case: Case) -> str | None:
    return missing_amendment(case, "amendment", "the amendment request")


def missing_amendment(case: Case, document: str, label: str) -> str | None:
    """What every amendment document needs: the section, a recipient whose rules docgen states, a
    full request date and wording to propose."""
    amendment = case.amendment
    if amendment is None:
        return f"{document}: this case file has no amendment section; {label} needs one (see `docgen schema`)"
    problem = unsupported(amendment.to, "amendment.to", document)
    if problem is not None:
        return problem
    if amendment.date is not None and not amendment.date.is_exact:
        return (f"{document}: amendment.date is {amendment.date.isoformat()}; the date of a request must be a full "
                "date (YYYY-MM-DD), since its time limits are counted from it")
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


def title_of(case: Case, us_title: str, gdpr_titles: dict[str, str]) -> str:
    """The document's title under the rules of the request's recipient."""
    amendment = case.amendment
    assert amendment is not None, "missing_amendment() is checked first"
    regime = rules_of("amendment", amendment).regime
    return us_title if regime == "us" else gdpr_titles[regime]


def letter_context(case: Case, options: Options, title: str, letter_date: date) -> dict[str, Any]:
    """What every amendment letter shares: the parties and the law (``party_context``), the items
    and the reason's facts."""
    amendment = case.amendment
    assert amendment is not None, "missing_amendment() is checked first"
    context = party_context(case, options, "amendment", title, letter_date)
    sources = cited_sources(case)  # numbered as on the enclosed timeline
    items = []
    author_ids = []
    for number, item in enumerate(amendment.items, start=1):
        author = case.clinician(item.author)
        author_ids.append(item.author)
        items.append({
            "number": number,
            "record": item.record,
            "date": item.date.display() if item.date else None,
            "exact": item.date.is_exact if item.date else False,
            "author": author.name if author else None,
            "author_organization": author.organization if author else None,
            "marker": history.marker(sources.cite(item.source)),
            "current_text": item.current_text,
            "requested_text": item.requested_text,
            "reason": item.reason,
            "evidence": item.evidence,
        })
    facts = evidence.facts(case, options.table, sources, author_ids)
    proposed = any(item.requested_text is None for item in amendment.items)
    requested_texts = [item.requested_text for item in amendment.items]
    us = context["regime"] == "us"
    context.update({
        "us": us,
        "state": state_rule(amendment.state) if us else None,
        "notify": amendment.notify,
        "items": items,
        "facts": facts,
        "sources": facts["sources"],
        "mentions_bind": proposed or evidence.mentions_bind(requested_texts),
        "proposed": proposed,
        "brief": 0,
        "enclosure": options.enclosure,
        "enclosure_title": timeline.TITLE,
        "extension_days": EXTENSION_DAYS,
        "complaint_days": COMPLAINT_WITHIN_DAYS if us else None,
    })
    return context


def build_context(case: Case, options: Options, level: int = 0, measure: Measure | None = None) -> dict[str, Any]:
    """Everything the request says, computed from the case."""
    amendment = case.amendment
    assert amendment is not None, "missing() is checked first"
    sent = request_date(amendment, options)
    context = letter_context(case, options, title_of(case, TITLE, GDPR_TITLES), sent)
    context["brief"] = level
    if context["us"]:
        deadlines = Deadlines.of(sent, options.receipt_days)
        receipt, decision, latest = deadlines.receipt, deadlines.decision, deadlines.latest
    else:
        limits = rules_of("amendment", amendment)
        receipt = Deadlines.of(sent, options.receipt_days).receipt
        decision, latest = limits.due(receipt), limits.latest(receipt)
    context["deadlines"] = {
        "receipt_days": options.receipt_days,
        "receipt": display_day(receipt),
        "decision": display_day(decision),
        "latest": display_day(latest),
    }
    return context


KIND = DocumentKind(
    name="amendment",
    label="amendment request",
    title=TITLE,
    title_for=lambda case: title_of(case, TITLE, GDPR_TITLES),
    template=TEMPLATE,
    build_context=build_context,
    missing=missing,
    asked_by="amendment",
    enclosure=True,
    most_pages=2,
    brief_levels=4,
    appendix="reply-form",
)
