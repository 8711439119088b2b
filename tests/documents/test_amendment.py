"""The HIPAA amendment request (45 CFR 164.526), its follow-up and the statement of disagreement:
what a reader sees in the PDF and the DOCX, the dates they compute, the clear refusals, and the CLI."""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, TODAY, docx_text, folded, pdf_pages
from typer.testing import CliRunner

from docgen.case.dates import PartialDate
from docgen.case.loading import load_case, validate_case
from docgen.case.model import Case
from docgen.cli import app
from docgen.errors import MissingDataError
from docgen.facts.deadlines import Deadlines
from docgen.options import Options
from docgen.pipeline import generate

OPTIONS = Options(today=TODAY)
FULL = ROOT / "samples" / "bind-labelled-fnd.yaml"
DENIED = ROOT / "samples" / "denied-amendment.yaml"
SIGNATURE_LINE = "______________________________"
ICD_CODE = re.compile(r"\b[A-TV-Z][0-9][0-9AB](?:\.[0-9A-Z]{1,4})?\b")


@dataclass(frozen=True)
class Rendered:
    """One document of one case, as a reader sees it."""

    case: Case
    pages: list[str]
    pdf: str  # all pages, furniture removed, white space folded
    docx: str

    @property
    def letter_pages(self) -> list[str]:
        """The pages before the enclosure and the reply form (all of them when there are none)."""
        for index, page in enumerate(self.pages):
            if page.lstrip().startswith(("Medication and symptom timeline", "Reply to a request to amend")):
                return self.pages[:index]
        return self.pages

    @property
    def reply_pages(self) -> list[str]:
        """The reply form's pages after the enclosure."""
        return [page for page in self.pages if page.lstrip().startswith("Reply to a request to amend")]

    @property
    def letter(self) -> str:
        return _without_furniture(self.letter_pages, self.case)

    def both(self) -> tuple[str, str]:
        return self.pdf, self.docx


def _without_furniture(pages: list[str], case: Case) -> str:
    """The body text of the pages, without the running header and footer of each."""
    header = re.escape(case.patient.name) + r" · born [^\n]*"
    footer = r"Generated \d{1,2} \w{3} \d{4} with docgen\s*Page \d+ of \d+"
    bodies = [re.sub(footer, " ", re.sub(header, " ", page)) for page in pages]
    return folded(" ".join(bodies))


def render(case: Case, name: str, options: Options = OPTIONS) -> Rendered:
    pages = pdf_pages(generate(case, name, "pdf", options))
    return Rendered(case, pages, _without_furniture(pages, case), folded(docx_text(generate(case, name, "docx", options))))


@pytest.fixture(scope="module")
def full() -> Rendered:
    return render(load_case(FULL), "amendment")


@pytest.fixture(scope="module")
def denied() -> Rendered:
    return render(load_case(DENIED), "amendment")


@pytest.fixture(scope="module", params=["full", "denied"])
def request_letter(request: pytest.FixtureRequest) -> Rendered:
    return request.getfixturevalue(request.param)  # type: ignore[no-any-return]


# -- small cases ------------------------------------------------------------------------------------

CLONAZEPAM = [
    {"date": "2015-10", "mg_per_day": 0.5, "source": "patient-reported"},
    {"date": "2018-11-14", "mg_per_day": 2.0},
    {"date": "2024-03-04", "mg_per_day": 1.5, "source": "Rx history"},
    {"date": "2024-03-18", "mg_per_day": 1.0},
    {"date": "2024-04-01", "mg_per_day": 0.5},
]


def small_case(**amendment: Any) -> Case:
    """A clonazepam taper, two symptoms, one test, one FND exam, and an amendment section."""
    data: dict[str, Any] = {
        "version": 1,
        "patient": {"name": "Zoë Łukasiewicz-Núñez", "date_of_birth": "1970-05-19", "address": ["1 Oak Lane", "Olympia, WA 98501"]},
        "clinicians": [{"id": "neuro", "name": "Priya Patel, MD", "role": "neurologist", "organization": "River & Lake Neurology"}],
        "medications": [{"drug": "clonazepam", "doses": CLONAZEPAM}],
        "symptoms": [
            {"name": "tremor <both hands>", "category": "motor", "onset": "2024-03-22"},
            {"name": "insomnia", "category": "sleep", "onset": "2024-03-09", "source": "diary"},
        ],
        "events": [{"date": "2024-06-20", "kind": "test", "title": "MRI brain", "detail": "no structural abnormality"}],
        "fnd_exams": [{"date": "2024-09-17", "examiner": "neuro", "findings": [
            {"sign": "hoover", "result": "negative"},
            {"sign": "give_way_weakness", "result": "positive"},
        ]}],
        "amendment": {
            "to": {"organization": "River & Lake Neurology", "address": ["9 River Plaza", "Olympia, WA 98501"]},
            "date": "2026-11-22",
            "items": [{"record": "Neurology consultation note", "date": "2024-09-17", "author": "neuro",
                       "current_text": "Assessment: functional neurological disorder (F44.4)."}],
            **amendment,
        },
    }
    return validate_case(data)


def text_of(case: Case, name: str = "amendment", options: Options = OPTIONS) -> str:
    return render(case, name, options).letter


# -- the request: every element, in both formats ----------------------------------------------------------

def test_full_sample_sender_date_and_recipient(full: Rendered) -> None:
    for text in full.both():
        # the recipient at the left, the sender and the date beside it
        assert ("Halvorsen & Park Neurology Attention: Privacy Officer 1900 Wabash Court, 3rd Floor Carrollton Heights, IL 62708 "
                "Theresa M. Kowalczyk 2217 Linden Avenue Westbrook, IL 62703 +1 217 555 0187 theresa.kowalczyk@example.org "
                "18 Nov 2026 Re: Request") in text
        assert ("Re: Request to amend protected health information under 45 CFR 164.526 — Theresa M. Kowalczyk, "
                "born 2 Apr 1968 Dear Privacy Officer:") in text


def test_denied_sample_sender_date_and_recipient(denied: Rendered) -> None:
    for text in denied.both():
        # the sender is whoever signs: the personal representative, on the patient's behalf
        sender = ("Karin Lindgren-Mayer on behalf of Harold E. Lindgren durable health care power of attorney dated "
                  "14 Feb 2023 3902 North Vassault Street Tacoma, WA 98407 +1 253 555 0176 8 Sep 2026")
        assert sender in text and text.index(sender) < text.index("Re: Request to amend")
        assert ("Puget Sound Memorial Hospital Attention: Health Information Management 1500 South Cedar Street Tacoma, WA 98405 "
                "Fax +1 253 555 0199 Karin Lindgren-Mayer") in text
        assert "Re: Request to amend protected health information under 45 CFR 164.526 — Harold E. Lindgren, born 17 Feb 1946" in text
        assert "Dear Health Information Management team:" in text


def test_sent_by_and_the_request_to_confirm_receipt(request_letter: Rendered) -> None:
    for text in request_letter.both():
        assert "I am sending it by certified mail, return receipt requested." in text
        assert "Please confirm in writing the date you received it: the 60 days within which you must act run from that date (164.526(b)(2))." in text
        assert "which applies to covered entities" in text  # the rule binds covered entities; nothing more is promised


def test_identification(request_letter: Rendered) -> None:
    patient = request_letter.case.patient
    assert patient.date_of_birth is not None
    for text in request_letter.both():
        assert f"Patient: {patient.name} · Date of birth: {patient.date_of_birth.display()} Record number: {patient.mrn}" in text


def test_each_item_names_its_record_date_and_author(request_letter: Rendered) -> None:
    case = request_letter.case
    assert case.amendment is not None
    for number, item in enumerate(case.amendment.items, start=1):
        author = case.clinician(item.author)
        assert item.date is not None and author is not None
        for text in request_letter.both():
            assert f"{number}. {item.record}, {item.date.display()}, {author.name}" in text


def test_current_text_is_quoted_exactly(request_letter: Rendered) -> None:
    case = request_letter.case
    assert case.amendment is not None
    for item in case.amendment.items:
        assert item.current_text is not None
        for text in request_letter.both():
            assert f"Current text, quoted exactly: {folded(item.current_text)}" in text


def test_requested_text_as_given(request_letter: Rendered) -> None:
    case = request_letter.case
    assert case.amendment is not None
    given = case.amendment.items[0].requested_text
    assert given is not None
    for text in request_letter.both():
        assert f"Requested amendment: {folded(given)}" in text


def test_the_default_requested_text_of_the_full_sample(full: Rendered) -> None:
    for text in full.both():
        assert ("Requested amendment: keep the entry as written and append or link this addition to it (164.526(c)(1)): "
                "Addendum at the patient’s request. The patient’s symptoms began during or after reductions of clonazepam "
                "from 2 to 0.5 mg/day between 4 Mar and 1 Apr 2024 (onsets Mar 2024 to May 2024: sensitivity to sound; "
                "insomnia; tremor, both hands;") in text
        assert ("As a proposed clinical framing, not an established diagnosis and with no diagnosis code, this presentation "
                "may be described as benzodiazepine-induced neurological dysfunction (BIND; Ritvo et al., PLoS ONE "
                "2023;18(6):e0285584).") in text
        # every finding of each exam the addendum cites, the one found present included, never pooled
        assert ("Rule-in signs for functional neurological disorder (FND), examined on 17 Sep 2024: give-way (collapsing) "
                "weakness (right arm; examined 5 weeks after the lowest clonazepam dose) present; Hoover's sign and drift "
                "without pronation not present; tremor entrainment inconclusive. Examined on 8 Apr 2025 by Miriam "
                "Adebayo-Sloan, MD: Hoover's sign,") in text
        assert "distractibility and Sonoo abductor test not present." in text
        addendum = text[text.index("Addendum at the patient’s request."): text.index("Sonoo abductor test not present.")]
        assert not ICD_CODE.search(addendum), "BIND must never carry a diagnosis code"
        # the BIND definition goes with every mention
        assert "BIND (benzodiazepine-induced neurological dysfunction) is a proposed umbrella term" in text
        assert "It has no ICD-10-CM or DSM code" in text


def test_no_code_is_ever_given_for_bind(request_letter: Rendered) -> None:
    for text in request_letter.both():
        for code in ("T42.4", "F13.9", "G25.1", "R20.2"):
            assert code not in text


def test_bind_definition_only_where_bind_is_mentioned(denied: Rendered) -> None:
    docx_letter = denied.docx.split(" Medication and symptom timeline Harold")[0]  # before the enclosure
    for text in (denied.letter, docx_letter):  # (the enclosed timeline defines BIND on its own page)
        assert "BIND" not in text
        assert "Prepared with docgen from the patient's case file. Not medical or legal advice." in text


def test_the_reason_of_the_full_sample(full: Rendered) -> None:
    for text in full.both():
        assert "I believe the entries above are incomplete without the facts below, from my records (sources in brackets)" in text
        assert ("clonazepam (Klonopin): started Oct 2015 at 0.5 mg/day [1]; highest dose 2 mg/day from "
                "14 Nov 2018 [2]; reduced to 1.5 mg/day on 4 Mar 2024, 1 mg/day on 18 Mar 2024 and 0.5 mg/day on 1 Apr 2024 "
                "(75% in 28 days) [3]; increased to 1 mg/day on 13 May 2024 [4]; reduced to 0.875 mg/day on 10 Feb 2025 and "
                "0.75 mg/day on 8 Sep 2025 (25% in 210 days) [5]; current dose 0.75 mg/day.") in text
        assert "Symptom Onset Dose changes before the onset" in text
        assert "tremor, both hands [7] 22 Mar 2024 4 days after clonazepam 1.5 → 1 mg/day (−33%)" in text
        assert "insomnia [7] 9 Mar 2024 5 days after clonazepam 2 → 1.5 mg/day (−25%)" in text
        # an onset known to the month: every change in it; the reinstatement in May is not what preceded it alone
        assert ("sensitivity to sound Mar 2024 in the same month as clonazepam 2 → 1.5 mg/day on 4 Mar (−25%) and "
                "1.5 → 1 mg/day on 18 Mar (−33%)") in text
        assert ("muscle pain, neck and shoulders May 2024 about 1 month after clonazepam 1 → 0.5 mg/day on 1 Apr 2024 "
                "(−50%); in the same month as clonazepam reinstated, 0.5 → 1 mg/day on 13 May") in text
        assert "MRI brain and cervical spine without contrast, 20 Jun 2024: no structural abnormality [12]" in text
        assert "Routine EEG, 21 Aug 2024: normal awake and drowsy recording" in text
        assert ("17 Sep 2024, Anaïs Żeleński-Ibáñez, MD [9]: present: give-way (collapsing) weakness (right arm; examined 5 "
                "weeks after the lowest clonazepam dose); not present: Hoover's sign, drift without pronation; inconclusive: "
                "tremor entrainment") in text
        assert "not tested: tubular visual field." in text
        assert "[12] Radiology report, Westbrook Memorial Hospital, 2024-06-20" in text
        assert "[10] Lakeshore consultation letter 2025-04-08, p. 2;" in text


def test_the_reason_of_the_denied_sample(denied: Rendered) -> None:
    for text in denied.both():
        assert ("temazepam (Restoril): started 2012 at 15 mg/day [1]; highest dose 30 mg/day from Jun 2014 [2]; "
                "reduced to 22.5 mg/day on 6 Nov 2023, 15 mg/day on 8 Jan 2024 and 7.5 mg/day on 1 Apr 2024, and stopped on "
                "26 Aug 2024 [3, 4].") in text
        assert "confusion, evenings [5] 12 Jan 2024 4 days after temazepam 22.5 → 15 mg/day (−33%)" in text
        # temazepam was prescribed for insomnia: its changes are not given as preceding it
        assert "insomnia 8 Nov 2023 2 days after temazepam 30 → 22.5 mg/day (−25%); temazepam was prescribed for it" in text
        assert "Tests" not in text.split("What I ask of you")[0].split("Reason")[-1]  # the case records none


def test_the_numbered_requests(full: Rendered) -> None:
    pdf, docx = full.both()
    for text in (pdf, docx):
        assert "Act within 60 days of receipt (164.526(b)(2))" in text
        assert "You may extend this once, by at most 30 days, only with a written statement within the 60 days of the reasons" in text
        assert "identify the records affected and append or link the amendment (164.526(c)(1)); tell me;" in text
        assert "(164.526(c)(2)–(3))" in text and "including business associates" in text
        assert ("make reasonable efforts to send it within a reasonable time to the persons named below under “Please "
                "send the amendment to”, who received the information and need the amendment,") in text
        assert "send me a timely written denial in plain language (164.526(d)(1)) giving its basis" in text
        assert "the right to submit a written statement of disagreement, and how" in text
        assert "that without one I may ask that this request and the denial go with any future disclosure" in text
        assert "(164.530(d)) or to the Secretary of Health and Human Services (45 CFR 160.306)" in text
        assert "within 180 days of when the complainant knew or should have known of the act or omission (160.306(b)(3))" in text
        assert ("Include this request and any denial with future disclosures of the information in dispute (164.526(d)(5)), "
                "as I ask now (164.526(d)(1)(iii)).") in text
    assert re.search(r"1\.? Act within 60 days.*2\.? If you accept.*3\.? If you deny it.*4\.? Include this request", pdf)


def test_the_expected_response_dates(request_letter: Rendered) -> None:
    expected = {
        "Theresa M. Kowalczyk": ("23 Nov 2026", "22 Jan 2027", "21 Feb 2027"),
        "Harold E. Lindgren": ("13 Sep 2026", "12 Nov 2026", "12 Dec 2026"),
    }[request_letter.case.patient.name]
    receipt, decision, latest = expected
    for text in request_letter.both():
        assert f"Assuming this request reaches you within 5 days, by {receipt}, your decision is due by {decision}." in text
        assert f"at the latest {latest}." in text


def test_state_sentence_only_for_washington_or_california(full: Rendered, denied: Rendered) -> None:
    for text in full.both():  # Illinois: nothing is claimed
        assert "RCW" not in text and "Health and Safety Code" not in text and "160.203" not in text
    for text in denied.both():
        assert ("Under Washington law (RCW 70.02.100–.110), I also ask for your decision within 10 days of receiving this "
                "request, or within 21 days if you give notice of a delay") in text


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        ("CA", "Under California Health and Safety Code section 123111, I may also give you a written addendum of up to 250 words"),
        ("california", "Health and Safety Code section 123111"),
        ("Washington", "RCW 70.02.100–.110"),
        ("TX", None),
        ("NY", None),
        (None, None),
    ],
)
def test_state_sentence_for_each_state(state: str | None, expected: str | None) -> None:
    text = text_of(small_case(state=state))
    if expected is None:
        assert "RCW" not in text and "Health and Safety Code" not in text and "state law" not in text
    else:
        assert expected in text


def test_signer_is_the_patient_and_the_advocate_only_the_preparer(full: Rendered) -> None:
    for text in full.both():
        assert f"Sincerely, {SIGNATURE_LINE} Theresa M. Kowalczyk Prepared with the assistance of Ruth Abernathy (advocate)." in text
        assert "Personal representative" not in text
    assert full.letter.count("Ruth Abernathy") == 1


def test_signer_is_the_personal_representative(denied: Rendered) -> None:
    for text in denied.both():
        assert ("I am the personal representative of Harold E. Lindgren (durable health care power of attorney dated "
                "14 Feb 2023) under 45 CFR 164.502(g). On the patient’s behalf, I ask you to amend") in text
        assert (f"Sincerely, {SIGNATURE_LINE} Karin Lindgren-Mayer Personal representative of Harold E. Lindgren "
                "(durable health care power of attorney dated 14 Feb 2023)") in text
        assert "2023-02-14" not in text  # the authority's date follows the date rule
        assert "Prepared with the assistance" not in text  # the preparer signs herself
        assert "proof of my identity and of my authority as personal representative" in text


def test_notify_is_its_own_section_never_a_cc(full: Rendered, denied: Rendered) -> None:
    for text in full.both():
        assert ("Please send the amendment to I have identified these persons as having received the information and "
                "needing the amendment, and agree that you send it to them (164.526(c)(2)–(3)): Westbrook Family "
                "Health, 1 Center Street, Westbrook, IL 62703 Prairie View Psychiatric Associates, 410 Commerce Drive, "
                "Suite 200, Westbrook, IL 62703 I can provide proof") in text
        assert "cc:" not in text
        assert text.count("Westbrook Family Health, 1 Center Street") == 1  # listed once, in its section
    for text in denied.both():
        assert ("Please send the amendment to The patient has identified these persons as having received the "
                "information and needing the amendment, and agrees that you send it to them (164.526(c)(2)–(3)): "
                "Narrows Primary Care, 6220 Sixth Avenue, Tacoma, WA 98406") in text
        assert "cc:" not in text
        assert f"{SIGNATURE_LINE} Karin Lindgren-Mayer" in text
        assert "(1 page) Enclosure" not in text and "Enclosure: Medication and symptom timeline (1 page)" in text


def test_pages_numbered_across_the_letter_and_its_enclosure(request_letter: Rendered) -> None:
    pages = request_letter.pages
    total = len(pages)
    letter_pages = len(request_letter.letter_pages)
    replies = len(request_letter.reply_pages)
    assert replies == len(request_letter.case.amendment.items)  # one page per item, after the enclosure
    assert letter_pages == total - 1 - replies
    assert letter_pages <= 3
    name = request_letter.case.patient.name
    for number, page in enumerate(pages, start=1):
        text = folded(page)
        assert f"Page {number} of {total}" in text
        assert f"{name} · born" in text
    enclosure = folded(pages[letter_pages])
    assert f"Page {letter_pages + 1} of {total}" in enclosure
    assert "Medication and symptom timeline" in enclosure and "Symptom onset and dose changes" in enclosure
    assert f"Page {total} of {total}" in folded(pages[-1]) and "Reply form, 45 CFR 164.526" in folded(pages[-1])


def test_denied_sample_letter_fits_two_pages(denied: Rendered) -> None:
    assert len(denied.letter_pages) == 2


def test_no_enclosure() -> None:
    case = load_case(FULL)
    with_enclosure = pdf_pages(generate(case, "amendment", "pdf", OPTIONS))
    options = Options(today=TODAY, enclosure=False)
    rendered = render(case, "amendment", options)
    assert len(rendered.pages) == len(with_enclosure) - 1
    assert "Symptom onset and dose changes" not in folded(rendered.pages[-1])
    assert f"Page {len(rendered.pages)} of {len(rendered.pages)}" in folded(rendered.pages[-1])
    for text in rendered.both():
        assert "Enclosure" not in text and "enclosed timeline" not in text
        assert "Please send the amendment to" in text and "cc:" not in text


def test_user_text_comes_out_exactly() -> None:
    case = small_case(
        to={"organization": "Smith & Sons <Neuro>", "attention": "Privacy Officer", "address": ["1 A ≥ B Street"]},
        items=[{"record": "Note <A&B>", "current_text": "Dx: \"FND\" & <tremor> ≥ 2 µg", "requested_text": "Add: ≥ & <"}],
    )
    rendered = render(case, "amendment")
    for text in rendered.both():
        assert "Smith & Sons <Neuro>" in text and "1 A ≥ B Street" in text
        assert "1. Note <A&B>" in text
        assert "Current text, quoted exactly: Dx: \"FND\" & <tremor> ≥ 2 µg" in text
        assert "Requested amendment: Add: ≥ & <" in text
        assert "Zoë Łukasiewicz-Núñez" in text


def test_output_is_deterministic() -> None:
    case = small_case()
    for output_format in ("pdf", "docx"):
        assert generate(case, "amendment", output_format, OPTIONS) == generate(case, "amendment", output_format, OPTIONS)


# -- the default requested text, from a small case ---------------------------------------------------------

def test_default_requested_text_from_the_case() -> None:
    text = text_of(small_case())
    assert ("keep the entry as written and append or link this addition to it (164.526(c)(1)): Addendum at the patient’s "
            "request. The patient’s symptoms began during reductions of clonazepam from 2 to 0.5 mg/day between 4 Mar "
            "and 1 Apr 2024 (onsets 9 Mar 2024 to 22 Mar 2024: insomnia; tremor <both hands>).") in text
    assert "(BIND; Ritvo et al., PLoS ONE 2023;18(6):e0285584)" in text
    assert "not an established diagnosis and with no diagnosis code" in text
    # the addendum lists the exam's every finding: the sign found present is not left out
    assert ("Rule-in signs for functional neurological disorder (FND), examined on 17 Sep 2024: give-way (collapsing) "
            "weakness present; Hoover's sign not present.") in text
    assert "present: give-way (collapsing) weakness" in text  # ... and the reason says what was found


DIAZEPAM_FROM_4_MAR = [{"drug": "diazepam", "doses": [{"date": "2024-03-04", "mg_per_day": 20}]}]


@pytest.mark.parametrize(
    ("doses", "onset", "phrase", "others"),
    [
        # one reduction: "on or after", at the change's own precision
        ([{"date": "2020-01", "mg_per_day": 2}, {"date": "2024-03", "mg_per_day": 1}], "2024-04-02",
         "began after a reduction of clonazepam from 2 to 1 mg/day in Mar 2024", []),
        ([{"date": "2020", "mg_per_day": 2}, {"date": "2024-03-04", "mg_per_day": 1}], "2024-03",
         "began on or after a reduction of clonazepam from 2 to 1 mg/day on 4 Mar 2024", []),
        # stopping in one step
        ([{"date": "2020", "mg_per_day": 2}, {"date": "2024-03-04", "mg_per_day": 0}], "2024-03-10",
         "began after stopping clonazepam (from 2 mg/day) on 4 Mar 2024", []),
        # a run ending in a stop, with a partial date
        ([{"date": "2020", "mg_per_day": 2}, {"date": "2024-01", "mg_per_day": 1}, {"date": "2024-03-04", "mg_per_day": 0}],
         "2024-05", "began after reductions of clonazepam from 2 to 0 mg/day (stopped) between Jan 2024 and 4 Mar 2024", []),
        # a switch, told by what it did to the total (Ashton: clonazepam 2 mg ≈ diazepam 40 mg)
        ([{"date": "2020", "mg_per_day": 2}, {"date": "2024-03-04", "mg_per_day": 0}], "2024-03-10",
         "began after the switch from clonazepam to diazepam on 4 Mar 2024, which lowered the total from 40 to 20 mg/day "
         "diazepam-equivalent (Ashton)", DIAZEPAM_FROM_4_MAR),
    ],
)
def test_temporal_link_phrases(doses: list[dict[str, Any]], onset: str, phrase: str, others: list[dict[str, Any]]) -> None:
    case = small_case()
    data = case.model_dump(mode="json", by_alias=True, exclude_none=True)
    data["medications"] = [{"drug": "clonazepam", "doses": doses}, *others]
    data["symptoms"] = [{"name": "tremor", "onset": onset}]
    assert phrase in text_of(validate_case(data))


def test_no_link_when_the_symptom_came_long_after() -> None:
    data = small_case().model_dump(mode="json", by_alias=True, exclude_none=True)
    data["symptoms"] = [{"name": "tremor", "onset": "2025-06-01"}]
    text = text_of(validate_case(data))
    assert "The patient’s symptoms began" not in text
    assert "Addendum at the patient’s request. As a proposed clinical framing" in text
    assert "tremor 1 Jun 2025 about 14 months after clonazepam 1 → 0.5 mg/day (−50%)" in text


def test_requested_text_is_required_without_a_benzodiazepine() -> None:
    data = small_case().model_dump(mode="json", by_alias=True, exclude_none=True)
    data["medications"] = [{"drug": "baclofen", "doses": [{"date": "2020", "mg_per_day": 30}]}]
    with pytest.raises(MissingDataError, match=r"amendment\.items\[0\]\.requested_text is not given"):
        generate(validate_case(data), "amendment", "pdf", OPTIONS)
    data["amendment"]["items"][0]["requested_text"] = "Add: the tremor began on baclofen."
    text = text_of(validate_case(data))
    assert "Requested amendment: Add: the tremor began on baclofen." in text
    assert "BIND" not in text


# -- the medication history ---------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("doses", "expected"),
    [
        # partial dates: "in", never a day that was not given
        ([{"date": "2012", "mg_per_day": 15}, {"date": "2014-06", "mg_per_day": 30}, {"date": "2023-11", "mg_per_day": 22.5},
          {"date": "2024", "mg_per_day": 0}],
         "clonazepam: started 2012 at 15 mg/day; highest dose 30 mg/day from Jun 2014; reduced to 22.5 mg/day in Nov 2023, "
         "and stopped in 2024."),
        # stopped, then restarted
        ([{"date": "2020-01-06", "mg_per_day": 1}, {"date": "2021-02-01", "mg_per_day": 0}, {"date": "2021-02-15", "mg_per_day": 0.5},
          {"date": "2021-03-01", "mg_per_day": 0.75}],
         "clonazepam: started 6 Jan 2020 at 1 mg/day (the highest dose); stopped on 1 Feb 2021; restarted at 0.5 mg/day on "
         "15 Feb 2021, then increased to 0.75 mg/day by 1 Mar 2021; current dose 0.75 mg/day."),
        # a long taper is summarised, its size given where the dates are exact
        ([{"date": "2020-01-01", "mg_per_day": 2}] + [{"date": f"2021-{month:02d}-01", "mg_per_day": 2 - 0.25 * month} for month in range(1, 7)],
         "clonazepam: started 1 Jan 2020 at 2 mg/day (the highest dose); reduced from 2 to 0.5 mg/day in 6 steps between "
         "1 Jan 2021 and 1 Jun 2021 (75% in 151 days); current dose 0.5 mg/day."),
    ],
)
def test_medication_history(doses: list[dict[str, Any]], expected: str) -> None:
    data = small_case().model_dump(mode="json", by_alias=True, exclude_none=True)
    data["medications"] = [{"drug": "clonazepam", "doses": doses},
                           {"drug": "baclofen", "doses": [{"date": "2021", "mg_per_day": 30}]}]
    text = text_of(validate_case(data))
    assert expected in text
    assert "baclofen" not in text.split("When the symptoms began")[0]  # only benzodiazepines are summarised


# -- partial dates, shown at their precision -----------------------------------------------------------------

@pytest.mark.parametrize(("given", "shown"), [("2024-09-17", "17 Sep 2024"), ("2024-09", "Sep 2024"), ("2024", "2024")])
def test_record_dates_at_their_precision(given: str, shown: str) -> None:
    case = small_case(items=[{"record": "Problem list", "date": given, "author": "neuro", "current_text": "F44.4"}])
    assert f"1. Problem list, {shown}, Priya Patel, MD" in text_of(case)


def test_item_without_date_author_or_text() -> None:
    text = text_of(small_case(items=[{"record": "Problem list", "requested_text": "Add: see the taper."}]))
    assert "1. Problem list Current text" not in text
    assert "The text of this entry is not quoted here; the record, date and author above identify it." in text


# -- computed dates -------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("sent", "receipt_days", "receipt", "decision", "latest"),
    [
        (date(2026, 11, 22), 5, date(2026, 11, 27), date(2027, 1, 26), date(2027, 2, 25)),  # the brief's example
        (date(2026, 9, 8), 5, date(2026, 9, 13), date(2026, 11, 12), date(2026, 12, 12)),  # the denied sample
        (date(2026, 8, 28), 5, date(2026, 9, 2), date(2026, 11, 1), date(2026, 12, 1)),  # month boundaries
        (date(2026, 12, 29), 5, date(2027, 1, 3), date(2027, 3, 4), date(2027, 4, 3)),  # year boundary, Feb 2027 has 28 days
        (date(2027, 1, 25), 5, date(2027, 1, 30), date(2027, 3, 31), date(2027, 4, 30)),  # common year
        (date(2028, 1, 25), 5, date(2028, 1, 30), date(2028, 3, 30), date(2028, 4, 29)),  # leap year: 29 Feb 2028 counts
        (date(2024, 2, 25), 10, date(2024, 3, 6), date(2024, 5, 5), date(2024, 6, 4)),  # receipt across 29 Feb 2024
        (date(2024, 2, 29), 0, date(2024, 2, 29), date(2024, 4, 29), date(2024, 5, 29)),  # sent on a leap day, no delay
        (date(2026, 12, 31), 1, date(2027, 1, 1), date(2027, 3, 2), date(2027, 4, 1)),
    ],
)
def test_deadlines(sent: date, receipt_days: int, receipt: date, decision: date, latest: date) -> None:
    deadlines = Deadlines.of(sent, receipt_days)
    assert (deadlines.receipt, deadlines.decision, deadlines.latest) == (receipt, decision, latest)


@pytest.mark.parametrize(
    ("sent", "receipt_days", "expected"),
    [
        ("2026-11-22", 5, ("within 5 days, by 27 Nov 2026", "due by 26 Jan 2027", "at the latest 25 Feb 2027")),
        ("2026-12-29", 5, ("within 5 days, by 3 Jan 2027", "due by 4 Mar 2027", "at the latest 3 Apr 2027")),
        ("2028-01-25", 5, ("within 5 days, by 30 Jan 2028", "due by 30 Mar 2028", "at the latest 29 Apr 2028")),
        ("2024-02-29", 1, ("within 1 day, by 1 Mar 2024", "due by 30 Apr 2024", "at the latest 30 May 2024")),
    ],
)
def test_dates_in_the_letter(sent: str, receipt_days: int, expected: tuple[str, str, str]) -> None:
    text = text_of(small_case(date=sent), options=Options(today=TODAY, receipt_days=receipt_days))
    for phrase in expected:
        assert phrase in text


def test_request_dated_today_when_the_case_gives_no_date() -> None:
    text = text_of(small_case(date=None), options=Options(today=date(2026, 11, 22)))
    assert "Olympia, WA 98501 22 Nov 2026 Re: Request" in text and text.index("River & Lake Neurology") < text.index("22 Nov 2026")
    assert "by 27 Nov 2026, your decision is due by 26 Jan 2027" in text


def test_a_partial_request_date_is_refused() -> None:
    with pytest.raises(MissingDataError, match=r"amendment\.date is 2026-11; the date of a request must be a full date"):
        generate(small_case(date="2026-11"), "amendment", "pdf", OPTIONS)


@pytest.mark.parametrize(
    ("extended_to", "due", "capped"),
    [
        (None, date(2027, 2, 25), False),
        (PartialDate(2027, 2, 10), date(2027, 2, 10), False),
        (PartialDate(2027, 3, 30), date(2027, 2, 25), True),  # more than 30 days: the rule's limit holds
        (PartialDate(2027, 2), date(2027, 2, 25), True),  # a month: its last day is past the limit
        (PartialDate(2027, 1, 10), date(2027, 1, 26), False),  # an "extension" to before the deadline changes nothing
    ],
)
def test_extension_never_past_thirty_days(extended_to: PartialDate | None, due: date, capped: bool) -> None:
    extension = Deadlines.of(date(2026, 11, 22), 5).extended(extended_to)
    assert (extension.due, extension.capped) == (due, capped)


# -- the follow-up ------------------------------------------------------------------------------------------

def test_follow_up_after_the_deadline() -> None:
    rendered = render(load_case(FULL), "amendment-follow-up", Options(today=date(2027, 2, 10)))
    for text in rendered.both():
        assert "Halvorsen & Park Neurology Attention: Privacy Officer" in text and "theresa.kowalczyk@example.org 10 Feb 2027 Re: Follow-up" in text
        assert ("Re: Follow-up to the request of 18 Nov 2026 to amend protected health information under 45 CFR 164.526 — "
                "Theresa M. Kowalczyk, born 2 Apr 1968") in text
        assert "On 18 Nov 2026 I sent you, by certified mail, return receipt requested, a written request to amend" in text
        assert "Neurology consultation note, 17 Sep 2024, Anaïs Żeleński-Ibáñez, MD" in text
        assert "Problem list, 17 Sep 2024, Anaïs Żeleński-Ibáñez, MD" in text
        assert ("The deadline has passed. Assuming my request reached you within 5 days, by 23 Nov 2026, the 60 days within "
                "which 164.526(b)(2) requires you to act ended on 22 Jan 2027, 19 days ago. I have received neither a "
                "decision nor a written notice of extension.") in text
        assert "Confirm in writing the date you received my request" in text
        assert "Send me your written decision without further delay, or, if you gave me a written notice of extension within the 60 days, a copy of it." in text
        assert "I may complain to you (164.530(d)) or to the Secretary of Health and Human Services (45 CFR 160.306)" in text
        assert "within 180 days" in text
        assert f"Sincerely, {SIGNATURE_LINE} Theresa M. Kowalczyk Prepared with the assistance of Ruth Abernathy (advocate)." in text
        assert "Enclosure: Medication and symptom timeline (1 page)" in text
    assert len(rendered.pages) == 2
    assert "Page 2 of 2" in folded(rendered.pages[-1]) and "Symptom onset and dose changes" in folded(rendered.pages[-1])


def test_follow_up_before_the_deadline_asks_for_confirmation() -> None:
    text = text_of(load_case(FULL), "amendment-follow-up", Options(today=date(2026, 12, 1)))
    assert "requires you to act by 22 Jan 2027 (52 days from today), or by 21 Feb 2027 at the latest" in text
    assert "The deadline has passed" not in text
    assert "Send me your written decision by 22 Jan 2027" in text
    assert "If no decision comes by then, I may complain" in text


def test_follow_up_counts_the_day_of_the_deadline_as_in_time() -> None:
    on_time = text_of(small_case(), "amendment-follow-up", Options(today=date(2027, 1, 26)))
    late = text_of(small_case(), "amendment-follow-up", Options(today=date(2027, 1, 27)))
    assert "The deadline has passed" not in on_time and "(0 days from today)" in on_time
    assert "ended on 26 Jan 2027, 1 day ago" in late


@pytest.mark.parametrize(
    ("response", "today", "expected"),
    [
        ({"decision": "extended", "received_on": "2027-01-10", "extended_to": "2027-03-30"}, date(2027, 3, 1),
         ["You gave notice of an extension, which I received on 10 Jan 2027, to 30 Mar 2027.",
          "so the latest date for your decision was 25 Feb 2027, not 30 Mar 2027.", "That date passed 4 days ago"]),
        ({"decision": "extended", "extended_to": "2027-02-10"}, date(2027, 2, 1),
         ["You gave notice of an extension, to 10 Feb 2027.", "your decision was due by 10 Feb 2027.",
          "Send me your written decision by 10 Feb 2027."]),
        ({"decision": "extended"}, date(2027, 3, 1),
         ["and your decision was due by 25 Feb 2027.", "That date passed 4 days ago"]),
        ({"received_on": None}, date(2027, 2, 1), ["ended on 26 Jan 2027, 6 days ago"]),
    ],
)
def test_follow_up_with_a_response(response: dict[str, Any], today: date, expected: list[str]) -> None:
    text = text_of(small_case(response=response), "amendment-follow-up", Options(today=today))
    for phrase in expected:
        assert phrase in text
    if response.get("decision") == "extended":
        assert "a copy of it" not in text


@pytest.mark.parametrize("decision", ["accepted", "partly_accepted", "denied"])
def test_follow_up_refused_once_answered(decision: str) -> None:
    case = small_case(response={"received_on": "2027-01-10", "decision": decision})
    with pytest.raises(MissingDataError, match=rf"amendment\.response\.decision is '{decision}': the entity has answered"):
        generate(case, "amendment-follow-up", "pdf", OPTIONS)


def test_follow_up_refused_for_the_denied_sample_and_without_a_request_date() -> None:
    with pytest.raises(MissingDataError, match="--disagreement"):
        generate(load_case(DENIED), "amendment-follow-up", "pdf", OPTIONS)
    with pytest.raises(MissingDataError, match=r"amendment\.date is not set"):
        generate(small_case(date=None), "amendment-follow-up", "pdf", OPTIONS)


# -- the statement of disagreement ------------------------------------------------------------------

def test_statement_of_disagreement() -> None:
    rendered = render(load_case(DENIED), "disagreement")
    for text in rendered.both():
        assert "Re: Statement of disagreement under 45 CFR 164.526(d)(2) — Harold E. Lindgren, born 17 Feb 1946" in text
        assert "On 8 Sep 2026 I asked you to amend" in text
        assert ("Your denial reached me on 29 Sep 2026. It gives this basis, quoted exactly: The diagnosis reflects the "
                "attending physician's clinical judgment at the time of the admission; the record is accurate and complete.") in text
        assert "I disagree, and submit this statement of disagreement under 45 CFR 164.526(d)(2) on the patient’s behalf." in text
        assert "Current text, quoted exactly: Diagnoses: 1. Fall. 2. Hyponatremia. 3. Sedative use disorder, moderate (F13.20)." in text
        assert "does not delete or rewrite the clinician’s words or judgment" in text
        assert "and stopped on 26 Aug 2024 [3, 4]." in text
        assert "insomnia 8 Nov 2023 2 days after temazepam 30 → 22.5 mg/day (−25%); temazepam was prescribed for it" in text
        assert "confusion, evenings [5] 12 Jan 2024 4 days after temazepam 22.5 → 15 mg/day (−33%)" in text
        assert "together with my request and your denial, identifying the information in dispute (164.526(d)(4))" in text
        assert "with every future disclosure of the information in dispute (164.526(d)(5))" in text
        assert "If you write a rebuttal, send me a copy (164.526(d)(3))." in text
        assert f"{SIGNATURE_LINE} Karin Lindgren-Mayer Personal representative of Harold E. Lindgren" in text
    assert len(rendered.letter_pages) <= 2
    assert "Page 3 of 3" in folded(rendered.pages[-1])


def test_statement_for_a_partial_denial_without_a_basis() -> None:
    case = small_case(response={"received_on": "2027-01-15", "decision": "partly_accepted"})
    text = text_of(case, "disagreement")
    assert "Your response, which accepted the request only in part, reached me on 15 Jan 2027. It gives no basis." in text
    assert "A denial must state its basis (164.526(d)(1)(i))" in text
    assert "I disagree with the part you denied" in text
    assert ("Rule-in signs for functional neurological disorder (FND), examined on 17 Sep 2024: give-way (collapsing) "
            "weakness present; Hoover's sign not present.") in text


@pytest.mark.parametrize(
    ("response", "found"),
    [(None, "there is no amendment.response"), ({"received_on": None}, "it is not set"),
     ({"decision": "accepted"}, "it is 'accepted'"), ({"decision": "extended"}, "it is 'extended'")],
)
def test_statement_refused_without_a_denial(response: dict[str, Any] | None, found: str) -> None:
    case = small_case(response=response) if response is not None else small_case()
    with pytest.raises(MissingDataError) as raised:
        generate(case, "disagreement", "pdf", OPTIONS)
    message = str(raised.value)
    assert "amendment.response.decision must be 'denied' or 'partly_accepted'" in message
    assert found in message


# -- clear errors --------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["amendment", "amendment-follow-up", "disagreement"])
def test_a_case_without_amendment_is_refused(name: str) -> None:
    case = validate_case({"version": 1, "patient": {"name": "A"}, "medications": [{"drug": "clonazepam", "doses": [{"date": "2020", "mg_per_day": 1}]}]})
    with pytest.raises(MissingDataError) as raised:
        generate(case, name, "pdf", OPTIONS)
    assert str(raised.value).startswith(f"{name}: this case file has no amendment section;")
    assert "see `docgen schema`" in str(raised.value)


# -- the command line ------------------------------------------------------------------------------------

runner = CliRunner()


def _main(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "docgen.cli", *arguments], capture_output=True, text=True, check=False, cwd=ROOT)


def test_cli_amendment_writes_the_request(tmp_path: Path) -> None:
    output = tmp_path / "out.pdf"
    result = runner.invoke(app, ["amendment", str(FULL), "-o", str(output), "--date", "2026-11-22"])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"wrote {output}"
    pages = pdf_pages(output.read_bytes())
    assert "Re: Request to amend protected health information under 45 CFR 164.526" in folded(pages[0])
    assert "Medication and symptom timeline" in folded(pages[-3])
    assert "Reply to a request to amend health information: item 2 of 2" in folded(pages[-1])


def test_cli_options_reach_the_letter(tmp_path: Path) -> None:
    output = tmp_path / "out.docx"
    result = runner.invoke(app, ["amendment", str(FULL), "-o", str(output), "--receipt-days", "10", "--no-enclosure"])
    assert result.exit_code == 0, result.output
    text = folded(docx_text(output.read_bytes()))
    assert "within 10 days, by 28 Nov 2026, your decision is due by 27 Jan 2027" in text
    assert "Enclosure" not in text


def test_cli_follow_up_and_disagreement(tmp_path: Path) -> None:
    follow_up = tmp_path / "follow-up.pdf"
    result = runner.invoke(app, ["amendment", str(FULL), "--follow-up", "-o", str(follow_up), "--date", "2027-02-10"])
    assert result.exit_code == 0, result.output
    assert "The deadline has passed." in folded(pdf_pages(follow_up.read_bytes())[0])
    statement = tmp_path / "statement.docx"
    result = runner.invoke(app, ["amendment", str(DENIED), "--disagreement", "-o", str(statement)])
    assert result.exit_code == 0, result.output
    assert "Statement of disagreement under 45 CFR 164.526(d)(2)" in folded(docx_text(statement.read_bytes()))


def test_cli_follow_up_refused_after_a_denial(tmp_path: Path) -> None:
    output = tmp_path / "out.pdf"
    result = _main("amendment", str(DENIED), "--follow-up", "-o", str(output))
    assert result.returncode == 1
    assert result.stderr.startswith("amendment-follow-up: amendment.response.decision is 'denied': the entity has answered")
    assert "Traceback" not in result.stderr
    assert not output.exists()


def test_cli_statement_without_a_denial_and_case_without_amendment(tmp_path: Path) -> None:
    output = tmp_path / "out.pdf"
    result = _main("amendment", str(FULL), "--disagreement", "-o", str(output))
    assert result.returncode == 1
    assert "disagreement: amendment.response.decision must be 'denied' or 'partly_accepted'" in result.stderr
    assert not output.exists()

    plain = ROOT / "samples" / "patient-kept-log.yaml"
    for arguments in ([], ["--follow-up"], ["--disagreement"]):
        result = _main("amendment", str(plain), *arguments, "-o", str(output))
        assert result.returncode == 1
        assert "this case file has no amendment section" in result.stderr
        assert "Traceback" not in result.stderr
        assert not output.exists()
    assert list(tmp_path.iterdir()) == []
