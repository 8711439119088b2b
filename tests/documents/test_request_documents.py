"""The documents that follow a request: the request for copies and its follow-up, the complaint,
the reply form and the fax cover sheet, in PDF and DOCX, under US and GDPR rules, and the clear
refusals when a case lacks what they need."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, TODAY, docx_text, folded, pdf_pages

from docgen.case.loading import load_case
from docgen.case.model import Case
from docgen.errors import MissingDataError
from docgen.options import Options
from docgen.pipeline import available_documents, generate, generate_cover

OPTIONS = Options(today=TODAY)
FULL = ROOT / "samples" / "bind-labelled-fnd.yaml"
DENIED = ROOT / "samples" / "denied-amendment.yaml"


def both(case: Case, name: str, options: Options = OPTIONS) -> tuple[str, str]:
    """The document's text as a reader sees it in the PDF and in the DOCX."""
    return (folded(" ".join(pdf_pages(generate(case, name, "pdf", options)))),
            folded(docx_text(generate(case, name, "docx", options))))


def _with(case: Case, section: str, **changes: Any) -> Case:
    data = case.model_dump(mode="json", by_alias=True, exclude_none=True)
    for key, value in changes.items():
        target = data[section]
        *path, last = key.split("__")
        for part in path:
            target = target[part]
        target[last] = value
    return Case.model_validate(data)


@pytest.fixture(scope="module")
def full() -> Case:
    return load_case(FULL)


@pytest.fixture(scope="module")
def denied() -> Case:
    return load_case(DENIED)


def _gdpr(case: Case) -> Case:
    """The full sample's requests addressed to a clinic in Dublin."""
    address = ["Merrion Square 4", "Dublin 2", "Ireland"]
    changed = _with(case, "access_request", to__address=address, to__attention=None)
    return _with(changed, "amendment", to__address=address)


# -- the request for copies -----------------------------------------------------------------------


def test_access_request_under_164_524(full: Case) -> None:
    for text in both(full, "access"):
        assert "Re: Request for copies of protected health information under 45 CFR 164.524 — Theresa M. Kowalczyk" in text
        for record in ("Neurology consultation notes and follow-up notes, 2024-2025", "Problem list, as it stands and its "
                       "change history", "Nerve conduction study and EMG report, 6 August 2024"):
            assert record in text
        assert "Please provide the copy as: electronic copy (PDF) by secure e-mail." in text
        assert "I direct you to send the copy directly to: Lakeshore Movement Disorders Clinic 75 Harbor Street" in text
        assert "as 45 CFR 164.524(c)(3)(ii) requires" in text
        assert ("Assuming this request reaches you within 5 days, by 19 Sep 2026, the copy is due by 19 Oct 2026" in text
                and "at the latest 18 Nov 2026" in text)
        assert "The right of access does not depend on a reason, so none is given." in text
        # after Ciox v. Azar the fee limit is not claimed for a copy sent to a third party
        assert "164.524(c)(4)" not in text and "Please tell me of any fee before you prepare the copy." in text


def test_access_request_to_the_patient_claims_the_fee_limit(full: Case) -> None:
    data = full.model_dump(mode="json", by_alias=True, exclude_none=True)
    del data["access_request"]["deliver_to"]
    pdf, docx = both(Case.model_validate(data), "access")
    for text in (pdf, docx):
        assert ("Any fee may only be a reasonable, cost-based fee for the labor of copying, the supplies for the copy "
                "and postage when it is mailed (164.524(c)(4))") in text
        assert "Where to send the copy" not in text


def test_access_request_under_the_gdpr_cites_only_its_articles(full: Case) -> None:
    for text in both(_gdpr(full), "access"):
        assert "Re: Request for access to personal data under Article 15 of the GDPR" in text
        assert "Dear Data Protection Officer:" in text
        assert "at the latest within one month of receipt (Article 12(3))" in text
        assert "by 19 Sep 2026, that is by 19 Oct 2026" in text and "at the latest 19 Dec 2026" in text
        assert "Free of charge (Article 12(5))" in text
        assert "complain to a supervisory authority and seek a judicial remedy (Article 12(4))" in text
        for us_only in ("CFR", "HHS", "Health and Human Services", "HIPAA", "covered entit", "180 days", "30 days"):
            assert us_only not in text
        assert "Please send the copy directly to: Lakeshore" in text  # asked for, not claimed as a right


def test_access_follow_up_from_the_log(full: Case) -> None:
    assert "access-follow-up" in available_documents(full, OPTIONS)
    assert "access-follow-up" not in available_documents(full, replace(OPTIONS, today=date(2026, 11, 13)))
    for text in both(full, "access-follow-up"):
        assert "Re: Follow-up to the request of 14 Sep 2026 for copies of protected health information" in text
        assert ("It reached you on 14 Sep 2026. 45 CFR 164.524(b)(2) gives you 30 days from receipt to act: until "
                "14 Oct 2026. You told me that you needed more time, until 13 Nov 2026. That date has passed, 9 days "
                "ago, and I have not received the copies or a written denial.") in text
        assert "within 180 days of when the complainant knew or should have known" in text


def test_access_follow_up_under_the_gdpr(full: Case) -> None:
    for text in both(_gdpr(full), "access-follow-up"):
        assert "Article 12(3) of the GDPR gives you one month from receipt to answer: until 14 Oct 2026." in text
        assert "the data protection supervisory authority of Ireland (Article 77)" in text  # the patient is in the US
        assert "CFR" not in text and "180 days" not in text


def test_a_request_to_a_country_without_rules_is_refused_naming_the_field(full: Case) -> None:
    abroad = _with(full, "access_request", to__address=["100 King Street West", "Toronto ON", "Canada"])
    for name in ("access", "access-follow-up", "access-complaint"):
        with pytest.raises(MissingDataError) as raised:
            generate(abroad, name, "pdf", OPTIONS)
        assert str(raised.value).startswith(f"{name}: the last line of access_request.to.address names Canada "
                                            "(Canada); docgen states the rules of the United States")
    swiss = _with(full, "access_request", to__country="CH")
    with pytest.raises(MissingDataError, match=r"^access: access_request\.to\.country is CH \(Switzerland\)"):
        generate(swiss, "access", "pdf", OPTIONS)


def test_a_case_without_an_access_request_is_told_so(denied: Case) -> None:
    with pytest.raises(MissingDataError, match=r"^access: this case file has no access_request section"):
        generate(denied, "access", "pdf", OPTIONS)


# -- the complaint --------------------------------------------------------------------------------


def test_complaint_after_a_denial(denied: Case) -> None:
    for text in both(denied, "complaint"):
        assert "U.S. Department of Health and Human Services Office for Civil Rights" in text
        assert ("I file this complaint with the Secretary of Health and Human Services under 45 CFR 160.306, as "
                "personal representative of Harold E. Lindgren") in text
        assert "did not comply with 45 CFR 164.526" in text and ": it denied the request on a basis that I believe the rule does not support (set out below)." in text
        assert "8 Sep 2026 Request sent certified mail; reference 9589 0710 5270 0712 3456 78" in text
        assert "29 Sep 2026 Decision received mail; denial letter dated 25 Sep 2026" in text
        assert ("The diagnosis reflects the attending physician's clinical judgment at the time of the admission; the "
                "record is accurate and complete.") in text
        assert "as 45 CFR 160.306(b)(3) requires: by 28 Mar 2027" in text
        assert "prohibited (45 CFR 160.316; 164.530(g)(1))" in text
        assert "through its online complaint portal, by e-mail or by mail" in text


def test_complaint_after_silence_about_the_request_for_copies(full: Case) -> None:
    for text in both(full, "access-complaint"):
        assert "did not comply with 45 CFR 164.524" in text
        assert "it has not acted on the request within the time the rule allows" in text
        assert ("It reached the entity on 14 Sep 2026. 164.524(b)(2) required it to act no later than 30 days after "
                "receipt, by 14 Oct 2026, or after one extension of at most 30 days, by 13 Nov 2026. That date has "
                "passed and I have received no decision and no copies.") in text
        assert "by 12 May 2027" in text


def test_a_late_complaint_asks_for_the_time_limit_to_be_waived(denied: Case) -> None:
    late = replace(OPTIONS, today=date(2027, 4, 1))
    for text in both(denied, "complaint", late):
        assert "More than 180 days have passed since 29 Sep 2026; I ask the Secretary to waive the time limit" in text


def test_complaint_under_the_gdpr_goes_to_the_supervisory_authority(denied: Case) -> None:
    madrid = _with(denied, "amendment", to__address=["Calle de Alcalá 1", "28014 Madrid", "España"])
    for text in both(madrid, "complaint"):
        assert "The data protection supervisory authority of Spain" in text
        assert "I lodge this complaint under Article 77 of the GDPR" in text
        assert "it refused the request" in text
        for us_only in ("CFR", "HHS", "Health and Human Services", "180 days", "covered entity"):
            assert us_only not in text
    london = _with(denied, "amendment", to__address=["1 Westminster Bridge Road", "London", "UK"])
    pdf, _docx = both(london, "complaint")
    assert "The Information Commissioner’s Office (ICO)" in pdf and "Article 77 of the UK GDPR" in pdf


def test_a_complaint_is_refused_before_there_is_anything_to_complain_of(full: Case) -> None:
    with pytest.raises(MissingDataError) as raised:
        generate(full, "complaint", "pdf", OPTIONS)
    assert str(raised.value) == ("complaint: a complaint fits a request that was refused or not answered in time, and "
                                 "on 22 Nov 2026 it is sent; its deadline is 22 Jan 2027 (see `docgen status`)")
    assert "complaint" not in available_documents(full, OPTIONS)
    assert "complaint" in available_documents(full, replace(OPTIONS, today=date(2027, 1, 23)))


def test_a_complaint_needs_to_know_when_the_request_was_sent(full: Case) -> None:
    data = full.model_dump(mode="json", by_alias=True, exclude_none=True)
    del data["amendment"]["date"]
    with pytest.raises(MissingDataError, match=r"complaint: amendment\.date is not set and amendment\.log has no sent "):
        generate(Case.model_validate(data), "complaint", "pdf", OPTIONS)


# -- the reply form -------------------------------------------------------------------------------


def test_reply_form_has_a_page_per_item_with_boxes_grounds_and_the_addendum(full: Case) -> None:
    pages = [folded(page) for page in pdf_pages(generate(full, "reply-form", "pdf", OPTIONS))]
    assert len(pages) == 2
    amendment = full.amendment
    assert amendment is not None
    for number, page in enumerate(pages, start=1):
        assert f"Reply to a request to amend health information: item {number} of 2" in page
        assert "Reply form, 45 CFR 164.526" in page and "Theresa M. Kowalczyk · born 2 Apr 1968" in page
        for box in ("☐ Accepted.", "☐ Accepted in part.", "☐ Denied", "☐ (i) was not created by us",
                    "☐ (ii) is not part of the designated record set",
                    "☐ (iii) would not be available for inspection under 45 CFR 164.524",
                    "☐ (iv) is accurate and complete"):
            assert box in page
        assert "Name and title:" in page and "Signature:" in page
        assert "Return to Theresa M. Kowalczyk: 2217 Linden Avenue, Westbrook, IL 62703" in page
    assert folded(str(amendment.items[0].requested_text)) in pages[0]
    # no requested text for the problem list: the proposed addendum, built from the case
    assert "Addendum at the patient’s request." in pages[1]
    docx = folded(docx_text(generate(full, "reply-form", "docx", OPTIONS)))
    assert docx.count("☐ (iv) is accurate and complete") == 2


def test_reply_form_under_the_gdpr(full: Case) -> None:
    for text in both(_gdpr(full), "reply-form"):
        assert "Reply to a request to amend personal data" in text
        assert "☐ Completed. The supplementary statement below is added to the record (Article 16)." in text
        assert "☐ Not acted on." in text and "(Article 19)" in text
        assert "164.526" not in text


def test_the_amendment_request_carries_the_reply_form_after_its_enclosure(denied: Case) -> None:
    pages = [folded(page) for page in pdf_pages(generate(denied, "amendment", "pdf", OPTIONS))]
    assert pages[-2].startswith("Medication and symptom timeline")
    assert pages[-1].startswith("Reply to a request to amend health information")
    assert f"Page {len(pages)} of {len(pages)}" in pages[-1]
    without = pdf_pages(generate(denied, "amendment", "pdf", replace(OPTIONS, reply_form=False)))
    assert len(without) == len(pages) - 1
    docx = folded(docx_text(generate(denied, "amendment", "docx", OPTIONS)))  # the DOCX carries both, in order
    letter_end = docx.index("Enclosure: Medication and symptom timeline (1 page)")
    assert letter_end < docx.index("Medication and symptom timeline", letter_end + 60) < docx.index("Reply to a request to amend")
    alone = folded(docx_text(generate(denied, "amendment", "docx", replace(OPTIONS, reply_form=False, enclosure=False))))
    assert "Reply to a request to amend" not in alone and "Medication and symptom timeline" not in alone


# -- the fax cover sheet --------------------------------------------------------------------------


def test_cover_alone_counts_the_pages_of_its_document(full: Case) -> None:
    pages = len(pdf_pages(generate(full, "access", "pdf", OPTIONS)))
    for output_format in ("pdf", "docx"):
        data = generate_cover(full, "access", output_format, OPTIONS)
        text = folded(" ".join(pdf_pages(data))) if output_format == "pdf" else folded(docx_text(data))
        assert "Fax cover sheet" in text
        assert "To Health Information Management, Halvorsen & Park Neurology Fax +1 217 555 0191" in text
        assert "From Theresa M. Kowalczyk Phone +1 217 555 0187" in text
        assert f"Pages {pages + 1}: this cover sheet and {pages} pages sent with it" in text
        assert "Re Request for copies of health records: Theresa M. Kowalczyk, born 2 Apr 1968" in text
        assert "Confidential." in text and "destroy every page" in text
    assert len(pdf_pages(generate_cover(full, "access", "pdf", OPTIONS))) == 1


def test_cover_first_in_the_letter_s_file(full: Case, denied: Case) -> None:
    plain = pdf_pages(generate(denied, "amendment", "pdf", OPTIONS))
    covered = [folded(page) for page in pdf_pages(generate(denied, "amendment", "pdf", replace(OPTIONS, cover=True)))]
    assert len(covered) == len(plain) + 1
    assert f"Pages {len(covered)}: this cover sheet and {len(plain)} pages that follow" in covered[0]
    assert "Fax cover sheet" in covered[0] and f"Page 1 of {len(covered)}" in covered[0]
    assert "Amendment request, 45 CFR 164.526" in covered[1] and f"Page 2 of {len(covered)}" in covered[1]
    assert "Reply form, 45 CFR 164.526" in covered[-1]
    assert "From Karin Lindgren-Mayer" in covered[0] and "Fax +1 253 555 0199" in covered[0]
    docx = folded(docx_text(generate(full, "access", "docx", replace(OPTIONS, cover=True))))
    assert docx.index("this cover sheet and") < docx.index("Re: Request for copies of protected health information")


def test_the_cover_says_nothing_clinical(denied: Case) -> None:
    text = folded(" ".join(pdf_pages(generate_cover(denied, "amendment", "pdf", OPTIONS))))
    for clinical in ("temazepam", "F13", "Sedative", "discharge", "use disorder", "insomnia"):
        assert clinical not in text


@pytest.mark.parametrize(("name", "message"), [
    ("amendment", "cover: amendment.to.fax is not given; a fax cover sheet needs the number it is sent to"),
    ("timeline", "cover: timeline has no fax cover sheet: the timeline goes with a letter"),
    ("complaint", "cover: complaint has no fax cover sheet: a complaint goes to the HHS Office for Civil Rights"),
    ("letter", "cover: the therapist (hendricks) has no fax number"),
])
def test_a_cover_without_a_number_to_send_to_is_refused(full: Case, name: str, message: str) -> None:
    with pytest.raises(MissingDataError) as raised:
        generate_cover(full, name, "pdf", OPTIONS)
    assert str(raised.value).startswith(message)
    with pytest.raises(MissingDataError):
        generate(full, name, "pdf", replace(OPTIONS, cover=True))


def test_the_same_case_and_date_give_the_same_bytes(denied: Case) -> None:
    for output_format in ("pdf", "docx"):
        first = generate(denied, "complaint", output_format, replace(OPTIONS, cover=False))
        assert generate(denied, "complaint", output_format, OPTIONS) == first
        covered = generate(denied, "amendment", output_format, replace(OPTIONS, cover=True))
        assert generate(denied, "amendment", output_format, replace(OPTIONS, cover=True)) == covered


def test_cli_writes_each_document(tmp_path: Path) -> None:
    from conftest import run_main

    for arguments in (["access", str(FULL)], ["access", str(FULL), "--follow-up"], ["access", str(FULL), "--cover"],
                      ["complaint", str(DENIED)], ["complaint", str(FULL), "--request", "access"],
                      ["reply-form", str(DENIED)], ["cover", str(DENIED), "--for", "amendment"],
                      ["amendment", str(DENIED), "--cover", "--no-reply-form"]):
        for extension in ("pdf", "docx"):
            target = tmp_path / f"{'-'.join(word.strip('-') for word in arguments if '/' not in word)}.{extension}"
            code, out, err = run_main(*arguments, "-o", str(target), "--date", "2026-11-22")
            assert (code, out, err) == (0, f"wrote {target}\n", ""), arguments
    code, _out, err = run_main("complaint", str(FULL), "-o", str(tmp_path / "x.pdf"), "--date", "2026-11-22")
    assert code == 1 and err.startswith("complaint: a complaint fits a request that was refused")
    code, _out, err = run_main("cover", str(FULL), "--for", "nothing", "-o", str(tmp_path / "y.pdf"))
    assert code == 1 and err.startswith("'nothing' is not a document docgen writes")
