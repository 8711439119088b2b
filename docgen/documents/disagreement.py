"""The statement of disagreement with a denial of an amendment (45 CFR 164.526(d)(2)).

It fits when ``amendment.response.decision`` is ``denied`` or ``partly_accepted`` and the request
went to a US covered entity: it names the denial and quotes its basis exactly, answers each ground
of 164.526(a)(2) the denial rests on (``docgen.facts.denial``) point by point, with each item's own
reason and evidence from the case, supports them with the same facts as the request, and asks that
the statement, the request and the denial be appended or linked to the record and go with every
later disclosure ((d)(4)-(5)), and for a copy of any rebuttal ((d)(3)). The GDPR has no such
procedure (REFERENCE.md section 7): for a controller in the EU, the EEA or the UK it is refused,
and the complaint to the supervisory authority is the document to write.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from docgen.case.model import Case
from docgen.documents.amendment import letter_context, missing_amendment
from docgen.documents.correspondence import rules_of
from docgen.documents.kind import DocumentKind
from docgen.facts.denial import PARAGRAPHS, grounds_of
from docgen.facts.formatting import dates_in_text
from docgen.facts.jurisdiction import where
from docgen.options import Options

if TYPE_CHECKING:
    from docgen.documents.timeline.fitting import Measure

TEMPLATE = "disagreement.xml.j2"
TITLE = "Statement of disagreement (45 CFR 164.526(d)(2))"

#: The decisions a statement of disagreement answers.
DENIALS = ("denied", "partly_accepted")


def missing(case: Case) -> str | None:
    problem = missing_amendment(case, "disagreement", "the statement of disagreement")
    if problem is not None:
        return problem
    amendment = case.amendment
    assert amendment is not None
    regime = rules_of("amendment", amendment).regime
    if regime != "us":
        law = "the GDPR" if regime == "gdpr" else "the UK GDPR"
        return (f"disagreement: {where(amendment.to, 'amendment.to')}, so the request is under {law}, which has "
                "no statement-of-disagreement procedure (that is 45 CFR 164.526(d), US law); "
                "for a refusal, write the complaint to the supervisory authority instead (`docgen complaint CASE`)")
    response = amendment.response
    decision = response.decision if response is not None else None
    if decision not in DENIALS:
        found = "there is no amendment.response" if response is None else (
            "it is not set" if decision is None else f"it is '{decision}'")
        return ("disagreement: amendment.response.decision must be 'denied' or 'partly_accepted' for a statement "
                f"of disagreement (45 CFR 164.526(d)(2)), and {found}")
    return None


def build_context(case: Case, options: Options, level: int = 0, measure: Measure | None = None) -> dict[str, Any]:
    """The statement: the denial named, its basis quoted, the facts that answer it."""
    amendment = case.amendment
    assert amendment is not None and amendment.response is not None, "missing() is checked first"
    response = amendment.response
    context = letter_context(case, options, TITLE, options.today)
    grounds = grounds_of(response)
    addressed = amendment.to.organization.strip().casefold()
    for item in context["items"]:
        organization = item["author_organization"]
        item["created_here"] = None if not organization else organization.strip().casefold() == addressed
        item["reason"] = dates_in_text(item["reason"]) if item["reason"] else None
    context.update({
        "grounds": [{"ground": ground, "paragraph": PARAGRAPHS[ground]} for ground in grounds],
        "grounds_read": bool(grounds) and not response.grounds,
        "sent": amendment.date.display() if amendment.date else None,
        "partly": response.decision == "partly_accepted",
        "received_on": response.received_on.display() if response.received_on else None,
        "basis": response.basis,
    })
    return context


KIND = DocumentKind(
    name="disagreement",
    label="statement of disagreement",
    title=TITLE,
    template=TEMPLATE,
    build_context=build_context,
    missing=missing,
    enclosure=True,
)
