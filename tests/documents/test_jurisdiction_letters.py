"""The letters about a request under each jurisdiction: HIPAA for a US covered entity, GDPR Art. 16
(and 12, 19, 77) for a controller in the EU or EEA, the UK GDPR and the ICO in the UK, and a refusal
naming the field for anywhere else; the sender who signs, the notify section, dates in running
text, and the statement of disagreement answering each ground of a denial. Every assertion reads
the text of the generated PDF and DOCX."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from conftest import ROOT, TODAY, docx_text, folded, pdf_pages, run_main
from hypothesis import given
from hypothesis import strategies as st

from docgen.case.dates import display_day
from docgen.case.loading import load_case
from docgen.case.model import Case, Response
from docgen.errors import MissingDataError
from docgen.facts.denial import grounds_of, read_grounds
from docgen.facts.formatting import dates_in_text
from docgen.options import Options
from docgen.documents import document_kind
from docgen.pipeline import available_documents, build_document, document_text, generate

FULL = ROOT / "samples" / "bind-labelled-fnd.yaml"
DENIED = ROOT / "samples" / "denied-amendment.yaml"
LISBON = ROOT / "samples" / "gdpr-lisbon.yaml"
OPTIONS = Options(today=TODAY)
#: After every deadline of the full sample's requests: the follow-ups and complaints fit.
LATER = Options(today=date(2027, 4, 1))

#: What a document written under the GDPR never says (REFERENCE.md section 7).
US_ONLY = ("HIPAA", "HHS", "Health and Human Services", "Office for Civil Rights", "CFR", "60 days", "180 days",
           "covered entit", "statement of disagreement", "designated record set", "protected health information")
US_NUMBERS = re.compile(r"\b(911|988)\b")

#: One town in each country, its post code line and the country as its own language names it.
PLACES = {
    "PL": (["ul. Marszałkowska 84/92", "00-514 Warszawa", "Polska"], "+48 22 000 41 20"),
    "DK": (["Nørre Allé 14", "2200 København N", "Danmark"], "+45 35 00 41 20"),
    "IE": (["4 Merrion Square", "Dublin 2, D02 XY00", "Ireland"], "+353 1 000 4120"),
    "PT": (["Avenida da Liberdade 110", "1250-146 Lisboa", "Portugal"], "+351 21 000 4120"),
    "GB": (["12 Harley Street", "London W1G 9PG", "United Kingdom"], "+44 20 0000 4120"),
    "CA": (["250 University Avenue", "Toronto, ON M5H 3E5", "Canada"], "+1 416 000 4120"),
    "JP": (["1-1 Marunouchi, Chiyoda-ku", "Tokyo 100-0005", "Japan"], "+81 3 0000 4120"),
}


def _everyone_in(country: str, *, by_code: bool = True, **amendment: Any) -> Case:
    """The full sample with every party (patient, clinicians, recipients, notify) in one country,
    given as a code (``by_code``) or only named on the last address line; a personal
    representative signs."""
    address, phone = PLACES[country]
    data = load_case(FULL).model_dump(mode="json", by_alias=True, exclude_none=True)

    def move(party: dict[str, Any]) -> None:
        party["address"] = [f"{party.get('organization') or party.get('name')} building", *address]
        if "phone" in party:
            party["phone"] = phone
        if "fax" in party:
            party["fax"] = phone
        if by_code:
            party["country"] = country

    move(data["patient"])
    for clinician in data["clinicians"]:
        move(clinician)
    for section in ("amendment", "access_request"):
        move(data[section]["to"])
        data[section]["to"].pop("attention", None)
        data[section].pop("state", None)
    for person in data["amendment"]["notify"]:
        move(person)
    move(data["access_request"]["deliver_to"])
    data["amendment"]["representative"] = {
        "name": "Zofia Nowak-Ó Briain", "authority": "power of attorney dated 2023-02-14",
        "address": ["Rua & Travessa <B> 7", *address[1:]], "email": "zofia@example.org"}
    data["access_request"]["representative"] = data["amendment"]["representative"]
    data["amendment"].update(amendment)
    return Case.model_validate(data)


def both(case: Case, name: str, options: Options = OPTIONS) -> tuple[str, str]:
    """The document's text as a reader sees it in the PDF and in the DOCX."""
    return (folded(" ".join(pdf_pages(generate(case, name, "pdf", options)))),
            folded(docx_text(generate(case, name, "docx", options))))


def assert_no_us_law(text: str) -> None:
    for words in US_ONLY:
        assert words not in text, words
    assert not US_NUMBERS.search(text)


# -- EU and EEA: GDPR ------------------------------------------------------------------------------


@pytest.mark.parametrize("country", ["PL", "DK", "IE", "PT"])
def test_request_under_gdpr_article_16(country: str) -> None:
    case = _everyone_in(country)
    for text in both(case, "amendment"):
        assert_no_us_law(text)
        assert "Re: Request to complete personal data with a supplementary statement under Article 16 of the GDPR" in text
        assert "Dear Data Protection Officer:" in text  # Art. 37-38: the DPO where none is named
        assert "by adding a supplementary statement to each entry below. The clinician’s entry stays as written." in text
        assert "Supplementary statement requested: keep the entry as written and add this statement to it (Article 16)" in text
        # request dated 18 Nov 2026, received 23 Nov: one month, then two further months (Art. 12(3))
        assert ("Answer without undue delay and at the latest within one month of receipt (Article 12(3)). Assuming this "
                "request reaches you within 5 days, by 23 Nov 2026, that is by 23 Dec 2026.") in text
        assert "extend this by two further months, telling me within the first month, with the reasons: at the latest 23 Feb 2027" in text
        assert "(Article 19)" in text and "(Article 12(4))" in text and "Free of charge (Article 12(5))" in text
        assert "Please tell these recipients of the completed record" in text
        assert "cc:" not in text and "RCW" not in text


@pytest.mark.parametrize("country", ["PL", "DK", "IE", "PT"])
def test_follow_up_complaint_and_copies_under_gdpr(country: str) -> None:
    case = _everyone_in(country)
    follow_up = both(case, "amendment-follow-up", LATER)
    for text in follow_up:
        assert_no_us_law(text)
        assert "Re: Follow-up to the request of 18 Nov 2026 to complete personal data under Article 16 of the GDPR" in text
        assert ("The time to answer has passed. I assume that my request reached you within 5 days, by 23 Nov 2026. "
                "Article 12(3) required you to answer without undue delay and at the latest one month after receipt, "
                "by 23 Dec 2026, 99 days ago.") in text
        assert "I may complain to the data protection supervisory authority of" in text
    for name in ("complaint", "access", "access-follow-up", "access-complaint", "reply-form"):
        for text in both(case, name, LATER):
            assert_no_us_law(text)
    for text in both(case, "complaint", LATER):
        assert "Re: Complaint about Halvorsen & Park Neurology: a request to complete personal data" in text
        assert "I lodge this complaint under Article 77 of the GDPR" in text




def test_a_complaint_abroad_calls_mail_with_proof_of_delivery_registered_mail() -> None:
    case = load_case(ROOT / "samples" / "gdpr-lisbon.yaml")
    assert any(entry.method == "certified mail" for entry in case.amendment.log)  # type: ignore[union-attr]
    for text in both(case, "complaint"):
        assert "Request sent registered mail; reference RR 0012 3456 7 PT" in text
        assert "certified mail" not in text


@pytest.mark.parametrize("country", ["PL", "DK", "IE", "PT"])
def test_no_statement_of_disagreement_under_gdpr(country: str) -> None:
    case = _everyone_in(country, response={"received_on": "2026-12-10", "decision": "denied",
                                           "basis": "The record is accurate."})
    with pytest.raises(MissingDataError) as raised:
        generate(case, "disagreement", "pdf", OPTIONS)
    message = str(raised.value)
    assert message.startswith(f"disagreement: amendment.to is in ")
    assert f"(country: {country})" in message
    assert "the GDPR, which has no statement-of-disagreement procedure" in message
    assert "complaint to the supervisory authority" in message
    assert "disagreement" not in available_documents(case, OPTIONS)


def test_the_country_named_on_the_address_line_is_enough() -> None:
    case = _everyone_in("DK", by_code=False)
    for text in both(case, "amendment"):
        assert "Article 16 of the GDPR" in text
        assert_no_us_law(text)
    code, out, _err = _validate(case)
    assert code == 0
    assert "amendment request under: GDPR: amendment.to is in Denmark, from its address line 'Danmark'" in out


# -- the United Kingdom -----------------------------------------------------------------------------


def test_united_kingdom_uk_gdpr_and_the_ico() -> None:
    case = _everyone_in("GB")
    for text in both(case, "amendment"):
        assert_no_us_law(text)
        assert "under Article 16 of the UK GDPR" in text
    for text in both(case, "amendment-follow-up", LATER):
        assert_no_us_law(text)
        assert "I may complain to the Information Commissioner’s Office (ICO) (Article 77)" in text
    for text in both(case, "complaint", LATER):
        assert_no_us_law(text)
        assert "The Information Commissioner’s Office (ICO)" in text
        assert "in the United Kingdom, the Information Commissioner’s Office" in text
    with pytest.raises(MissingDataError, match="the UK GDPR, which has no statement-of-disagreement procedure"):
        generate(_everyone_in("GB", response={"decision": "denied"}), "disagreement", "pdf", OPTIONS)


# -- elsewhere: refused, naming the field -----------------------------------------------------------


@pytest.mark.parametrize(("country", "by_code", "where"), [
    ("CA", True, "amendment.to.country is CA (Canada)"),
    ("JP", True, "amendment.to.country is JP (Japan)"),
    ("JP", False, "the last line of amendment.to.address names Japan (Japan)"),
])
@pytest.mark.parametrize("name", ["amendment", "amendment-follow-up", "disagreement", "reply-form", "complaint"])
def test_elsewhere_the_documents_are_refused(country: str, by_code: bool, where: str, name: str) -> None:
    case = _everyone_in(country, by_code=by_code, response={"decision": "denied"})
    with pytest.raises(MissingDataError) as raised:
        generate(case, name, "pdf", LATER)
    message = str(raised.value)
    assert message.startswith(f"{name}: {where}")
    assert "docgen states the rules of the United States (HIPAA), the EU and EEA (GDPR) and the United Kingdom (UK GDPR) only" in message
    assert "set amendment.to.country if the country is wrong" in message


def test_elsewhere_the_command_exits_1_with_the_message(tmp_path: Any) -> None:
    case = _everyone_in("CA")
    path = tmp_path / "toronto.json"
    path.write_text(case.model_dump_json(by_alias=True, exclude_none=True), encoding="utf-8")
    code, _out, err = run_main("amendment", str(path), "-o", str(tmp_path / "x.pdf"))
    assert code == 1
    assert "amendment: amendment.to.country is CA (Canada)" in err
    assert not (tmp_path / "x.pdf").exists()
    code, out, _err = run_main("validate", str(path))
    assert code == 0
    assert ("amendment request under: none docgen states: amendment.to is in Canada (country: CA); its documents "
            "are refused") in out


# -- validate: the jurisdiction and why --------------------------------------------------------------


def _validate(case: Case) -> tuple[int, str, str]:
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "case.json"
        path.write_text(case.model_dump_json(by_alias=True, exclude_none=True), encoding="utf-8")
        return run_main("validate", str(path))


def test_validate_names_the_jurisdiction_and_why() -> None:
    code, out, _err = run_main("validate", str(LISBON))
    assert code == 0
    assert "  amendment request under: GDPR: amendment.to is in Portugal (country: PT)\n" in out
    assert "  request for copies under: GDPR: access_request.to is in Portugal (country: PT)\n" in out
    code, out, _err = run_main("validate", str(FULL))
    assert "  amendment request under: United States (HIPAA): no country given for amendment.to (the default)\n" in out
    code, out, _err = _validate(_everyone_in("GB"))
    assert "  amendment request under: UK GDPR: amendment.to is in United Kingdom (country: GB)\n" in out


# -- the sender is whoever signs --------------------------------------------------------------------


def test_the_representative_is_the_sender_and_the_patient_is_in_the_re_line() -> None:
    case = _everyone_in("PT")
    sender = ("Zofia Nowak-Ó Briain on behalf of Theresa M. Kowalczyk power of attorney dated 14 Feb 2023 "
              "Rua & Travessa <B> 7 1250-146 Lisboa Portugal zofia@example.org")
    for name, options in (("amendment", OPTIONS), ("amendment-follow-up", LATER), ("access", OPTIONS),
                          ("access-follow-up", LATER), ("complaint", LATER)):
        for text in both(case, name, options):
            assert sender in text, name
            assert text.index(sender) < text.index("Re: ")
            assert re.search(r"Re: [^.]*— Theresa M\. Kowalczyk, born 2 Apr 1968", text), name
            assert "Patient: Theresa M. Kowalczyk · Date of birth: 2 Apr 1968 Record number: HPN-00318854" in text
            assert ("Zofia Nowak-Ó Briain On behalf of Theresa M. Kowalczyk (power of attorney dated 14 Feb 2023)"
                    in text), name
            assert "2023-02-14" not in text


def test_a_representative_without_an_address_writes_from_the_patients() -> None:
    for text in both(load_case(DENIED), "amendment"):
        assert ("Karin Lindgren-Mayer on behalf of Harold E. Lindgren durable health care power of attorney dated "
                "14 Feb 2023 3902 North Vassault Street") in text


def test_the_patient_is_the_sender_without_a_representative() -> None:
    for text in both(load_case(LISBON), "amendment"):
        assert text.index("Inês Carvalho Sousa Rua de São Bento 214, 3.º Esq. 1200-821 Lisboa Portugal") < text.index("Re: ")
        assert "on behalf of" not in text


# -- dates in running text ----------------------------------------------------------------------------


@given(st.dates(min_value=date(1000, 1, 1)), st.text(alphabet="abc ,.;()&<", max_size=12))
def test_iso_dates_in_text_follow_the_date_rule(day: date, around: str) -> None:
    assert dates_in_text(f"{around} dated {day.isoformat()} {around}") == f"{around} dated {display_day(day)} {around}"
    assert dates_in_text(f"({day.isoformat()}).") == f"({display_day(day)})."


@given(st.text(alphabet=st.characters(blacklist_categories=("Nd",)), max_size=40))
def test_text_without_digits_is_unchanged(text: str) -> None:
    assert dates_in_text(text) == text


@pytest.mark.parametrize(("text", "shown"), [
    ("power of attorney dated 2023-02-14", "power of attorney dated 14 Feb 2023"),
    ("guardian since 2019-06", "guardian since Jun 2019"),
    ("notes 2023-2025", "notes 2023-2025"),
    ("code F13-20 and 2023-13-01 and 2023-02-30", "code F13-20 and 2023-13-01 and 2023-02-30"),
])
def test_only_real_dates_are_rewritten(text: str, shown: str) -> None:
    assert dates_in_text(text) == shown


# -- the statement of disagreement answers each ground --------------------------------------------------


@pytest.mark.parametrize(("basis", "grounds"), [
    ("The record is accurate and complete.", ("accurate_and_complete",)),
    ("The diagnosis reflects the attending physician's clinical judgment.", ("accurate_and_complete",)),
    ("This note was created by another provider.", ("not_created",)),
    ("The information is not part of the designated record set.", ("not_in_record_set",)),
    ("These are psychotherapy notes.", ("not_available",)),
    ("We did not create this entry, and it is accurate.", ("not_created", "accurate_and_complete")),
    ("Your request is denied.", ()),
])
def test_the_grounds_read_from_the_basis(basis: str, grounds: tuple[str, ...]) -> None:
    assert read_grounds(basis) == grounds


def test_grounds_given_in_the_case_take_precedence() -> None:
    response = Response(decision="denied", basis="The record is accurate.", grounds=["not_in_record_set"])
    assert grounds_of(response) == ("not_in_record_set",)


def _denied_full(**response: Any) -> Case:
    data = load_case(FULL).model_dump(mode="json", by_alias=True, exclude_none=True)
    data["amendment"]["response"] = {"received_on": "2026-12-20", "decision": "denied", **response}
    data["amendment"]["items"][0]["reason"] = "The note leaves out that the tremor began after the 2024-03-12 reduction"
    data["amendment"]["items"][0]["evidence"] = ["Pharmacy fill history 2014-2024"]
    return Case.model_validate(data)


def test_an_accurate_and_complete_denial_is_answered_item_by_item() -> None:
    case = _denied_full(basis="The record is accurate and complete.")
    for text in both(case, "disagreement"):
        assert ("As I read it, your basis rests on the ground of 164.526(a)(2) named below. That the information is "
                "accurate and complete (164.526(a)(2)(iv))") in text
        # item 1: the patient's own reason, its date as documents show dates, and its evidence
        assert ("1. Neurology consultation note, 17 Sep 2024. The note leaves out that the tremor began after the "
                "12 Mar 2024 reduction. Evidence: Pharmacy fill history 2014-2024.") in text
        # item 2 gives no reason: what the proposed addendum adds, from the case
        assert ("2. Problem list, 17 Sep 2024. The entry does not record the medication history, when the symptoms "
                "began, the tests and the rule-in signs that were tested, set out below") in text
        assert text.index("2. Problem list, 17 Sep 2024. The entry") < text.index("The facts From my records")
        assert "RCW" not in text and "Health and Safety Code" not in text  # no state rule is claimed


@pytest.mark.parametrize(("grounds", "heading", "answer"), [
    (["not_created"], "That you did not create the information (164.526(a)(2)(i))",
     "The entry was written by Anaïs Żeleński-Ibáñez, MD of Halvorsen & Park Neurology: it was created by you."),
    (["not_in_record_set"], "That the information is not part of the designated record set (164.526(a)(2)(ii))",
     "The Neurology consultation note of 17 Sep 2024 and Problem list of 17 Sep 2024 are part of the medical record "
     "you keep about me."),
    (["not_available"], "That the information would not be available for inspection (164.526(a)(2)(iii))",
     "Medication monitoring, diagnosis, treatment plan, symptoms and progress are expressly not psychotherapy notes "
     "(45 CFR 164.501)."),
])
def test_each_ground_is_answered(grounds: list[str], heading: str, answer: str) -> None:
    case = _denied_full(basis="Denied.", grounds=grounds)
    for text in both(case, "disagreement"):
        assert f"Your basis rests on the ground of 164.526(a)(2) named below. {heading}" in text
        assert answer in text


def test_a_basis_naming_no_ground_is_still_answered_item_by_item() -> None:
    case = _denied_full(basis="Your request is denied.")
    for text in both(case, "disagreement"):
        assert "Your basis does not say which of the grounds of 164.526(a)(2) it rests on." in text
        assert "1. Neurology consultation note, 17 Sep 2024. The note leaves out" in text


# -- the Lisbon sample: every document it has data for ------------------------------------------------


def test_the_lisbon_sample_makes_every_document_without_us_law() -> None:
    case = load_case(LISBON)
    names = available_documents(case, OPTIONS)
    assert names == ["timeline", "amendment", "reply-form", "amendment-follow-up", "access", "access-follow-up",
                     "complaint", "access-complaint"]
    for name in names:
        for text in both(case, name):
            assert_no_us_law(text)
    pdf, docx = both(case, "amendment")
    for text in (pdf, docx):
        assert "Impressão: perturbação neurológica funcional (F44.4)." in text
        assert "USF Estrela (family doctor), Rua Saraiva de Carvalho 8, 1250-243 Lisboa, Portugal" in text


def test_the_reply_form_goes_back_to_the_sender() -> None:
    for text in both(_everyone_in("PT"), "reply-form"):
        assert ("Return to Zofia Nowak-Ó Briain (for Theresa M. Kowalczyk): Rua & Travessa <B> 7, 1250-146 Lisboa, "
                "Portugal · zofia@example.org") in text
    for text in both(load_case(DENIED), "reply-form"):
        assert "Return to Karin Lindgren-Mayer (for Harold E. Lindgren): 3902 North Vassault Street" in text


def _titles(case: Case, name: str) -> tuple[str, str, str]:
    """The document's title as the block text, the PDF's metadata and the DOCX's core properties give it."""
    import io

    import docx
    import pypdfium2

    document = build_document(case, document_kind(name), OPTIONS)
    pdf = pypdfium2.PdfDocument(generate(case, name, "pdf", OPTIONS))
    try:
        pdf_title = str(pdf.get_metadata_value("Title"))
    finally:
        pdf.close()
    return document.title, pdf_title, docx.Document(io.BytesIO(generate(case, name, "docx", OPTIONS))).core_properties.title


@pytest.mark.parametrize(("case", "title", "header"), [
    (lambda: load_case(LISBON), "Reply form: request to amend personal data (GDPR Art. 16): Inês Carvalho Sousa",
     "Reply form, GDPR Art. 16"),
    (lambda: _everyone_in("GB"), "Reply form: request to amend personal data (UK GDPR Art. 16)", "Reply form, UK GDPR Art. 16"),
    (lambda: load_case(DENIED), "Reply form: request to amend health information: Harold E. Lindgren", "Reply form, 45 CFR 164.526"),
], ids=["gdpr", "uk-gdpr", "us"])
def test_the_reply_forms_title_and_header_name_the_rules_it_is_under(case: Any, title: str, header: str) -> None:
    case = case()
    for found in _titles(case, "reply-form"):
        assert found.startswith(title), found
    text = document_text(case, "reply-form", OPTIONS)
    (header_line,) = [line for line in text.splitlines() if line.startswith("header: ")]
    assert header_line.endswith(f"| {header}")
    if "GDPR" in title:
        assert "health information" not in "\n".join(_titles(case, "reply-form")) + header_line


def test_a_gdpr_extension_moves_the_follow_ups_date_at_most_two_months() -> None:
    log = [{"date": "2026-11-18", "action": "sent"}, {"date": "2026-11-20", "action": "received"},
           {"date": "2026-12-15", "action": "extension", "note": "new date 2027-03-31"}]
    case = _everyone_in("IE", log=log)
    for text in both(case, "amendment-follow-up", Options(today=date(2027, 2, 1))):
        assert_no_us_law(text)
        assert ("You told me that you needed more time, in a notice I received on 15 Dec 2026, until 31 Mar 2027. "
                "Article 12(3) allows an extension by at most two further months, told within the first month. My "
                "request reached you on 20 Nov 2026. The first month ended on 20 Dec 2026, so the latest date for "
                "your answer was 20 Feb 2027, not 31 Mar 2027.") in text
        assert "I look forward to your answer by then." in text
