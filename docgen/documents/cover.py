"""The fax cover sheet: to whom, their fax number and the sender's, how many pages follow, and
a confidentiality notice; nothing clinical. It goes before one document (``--cover``) or on its
own (`docgen cover`), and counts the pages of that document's PDF.

It is not in the registry: it belongs to the document it covers. Each letter names its
recipient: the request letters, ``amendment.to`` or ``access_request.to``; the therapist letter,
the therapist. The timeline goes with a letter, the reply form comes back with the entity's own
details, and a complaint is filed through the HHS portal, by e-mail or by mail, so none of them
has a cover of its own.
"""

from __future__ import annotations

from typing import Any

from docgen.case.dates import display_day
from docgen.case.model import Case
from docgen.documents.amendment import DEFAULT_ATTENTION, LETTER_SIZE
from docgen.facts.requests import SECTIONS, request_of
from docgen.options import Options

TEMPLATE = "cover.xml.j2"
TITLE = "Fax cover sheet"

#: What the cover calls each document it can go with: plain words, nothing clinical.
SUBJECTS = {
    "amendment": ("amendment", "Request to amend health information"),
    "amendment-follow-up": ("amendment", "Follow-up to a request to amend health information"),
    "disagreement": ("amendment", "Statement of disagreement"),
    "access": ("access", "Request for copies of health records"),
    "access-follow-up": ("access", "Follow-up to a request for copies of health records"),
    "letter": (None, "Letter about a shared patient"),
}

_NO_COVER = {
    "timeline": "the timeline goes with a letter; put the cover on the letter (`--cover`)",
    "reply-form": "the reply form is returned by the entity; it goes with the amendment request",
    "complaint": "a complaint goes to the HHS Office for Civil Rights through its portal, by e-mail or by mail",
    "access-complaint": "a complaint goes to the HHS Office for Civil Rights through its portal, by e-mail or by mail",
}


def missing(case: Case, name: str) -> str | None:
    """None when the document ``name`` has a recipient with a fax number; else why not."""
    if name in _NO_COVER:
        return f"cover: {name} has no fax cover sheet: {_NO_COVER[name]}"
    if name not in SUBJECTS:
        return f"cover: '{name}' is not a document docgen writes a cover for; expected one of: {', '.join(SUBJECTS)}"
    request_name = SUBJECTS[name][0]
    if request_name is None:
        letter = case.therapist_letter
        therapist = case.clinician(letter.to) if letter is not None else None
        if therapist is None:
            return "cover: the letter needs therapist_letter with a known `to` clinician"
        if not therapist.fax:
            return (f"cover: the therapist ({therapist.id}) has no fax number; a fax cover sheet needs the number it "
                    f"is sent to (clinicians[...].fax for {therapist.id})")
        return None
    request = request_of(case, request_name)  # type: ignore[arg-type]
    section = SECTIONS[request_name]  # type: ignore[index]
    if request is None:
        return f"cover: this case file has no {section} section"
    if not request.to.fax:
        return f"cover: {section}.to.fax is not given; a fax cover sheet needs the number it is sent to"
    return None


def build_context(case: Case, options: Options, name: str, pages: int, alone: bool) -> dict[str, Any]:
    """The cover for ``name``, whose PDF has ``pages`` pages (``alone``: the cover is sent as a
    file of its own, so the pages follow it rather than being in the same file)."""
    request_name, subject = SUBJECTS[name]
    patient = case.patient
    if request_name is None:
        letter = case.therapist_letter
        assert letter is not None
        therapist, prescriber = case.clinician(letter.to), case.clinician(letter.from_)
        assert therapist is not None and prescriber is not None
        recipient = {"name": therapist.name, "organization": therapist.organization, "fax": therapist.fax,
                     "phone": therapist.phone}
        sender = {"name": prescriber.name, "organization": prescriber.organization, "fax": prescriber.fax,
                  "phone": prescriber.phone, "email": prescriber.email}
    else:
        request = request_of(case, request_name)  # type: ignore[arg-type]
        assert request is not None
        representative = request.representative
        recipient = {"name": request.to.attention or DEFAULT_ATTENTION, "organization": request.to.organization,
                     "fax": request.to.fax, "phone": None}
        sender = {"name": representative.name if representative is not None else patient.name,
                  "organization": None, "fax": patient.fax, "phone": patient.phone, "email": patient.email}
    return {
        "title": TITLE,
        "size": LETTER_SIZE,
        "page": options.page,
        "patient": patient,
        "date_of_birth": patient.date_of_birth.display() if patient.date_of_birth else None,
        "generated": display_day(options.today),
        "date": display_day(options.today),
        "subject": subject,
        "recipient": recipient,
        "sender": sender,
        "following": pages,
        "total": pages + 1,
        "alone": alone,
    }
