"""The pages through their forms, as a browser without JavaScript sends them: fields labelled with
their example and help, docgen's messages next to the field, dates and doses read as people write
them, imports reviewed before they are taken, saving that keeps comments, and the downloads."""

from __future__ import annotations

import hashlib
import io
import re
import shutil
import zipfile
from datetime import date
from pathlib import Path

import pytest
from conftest import ROOT
from web_client import make_client

from docgen.case.loading import load_case, parse_case

SAMPLE = ROOT / "samples" / "bind-labelled-fnd.yaml"
FIRST_DOSE = {"medications[0]._row": "new", "medications[0].drug": "clonazepam",
              "medications[0].doses[0]._row": "new", "medications[0].doses[0].date": "2014-03",
              "medications[0].doses[0].mg_per_day": "1"}


def _field(html: str, field_id: str) -> str:
    match = re.search(rf'<(?:input|select|textarea) id="{field_id}"[^>]*>', html)
    assert match is not None, field_id
    return match.group(0)


def _error(html: str, field_id: str) -> str:
    match = re.search(rf'<p class="error" id="{field_id}-error"[^>]*>(.*?)</p>', html, re.DOTALL)
    assert match is not None
    return re.sub(r"<[^>]+>", "", match.group(1))


def test_every_section_has_its_page_with_labelled_fields() -> None:
    with make_client(SAMPLE) as client:
        for slug in ("patient", "care-team", "medications", "symptoms", "events", "fnd-exams", "amendment", "letter"):
            html = client.get(f"/s/{slug}").text
            inputs = re.findall(r'<(?:input|select|textarea) id="([^"]+)"', html)
            assert inputs, slug
            for field_id in inputs:
                assert f'<label for="{field_id}">' in html, (slug, field_id)


def test_a_field_shows_its_example_and_help() -> None:
    with make_client() as client:
        html = client.get("/s/medications").text
    tag = _field(html, "f-medications-0-doses-0-mg_per_day")
    assert 'aria-describedby="f-medications-0-doses-0-mg_per_day-hint"' in tag
    assert "For example: 1, 0.5 mg twice a day, 1/2 tab of 1 mg, 0 if stopped." in html


def test_a_wrong_date_is_explained_at_its_field_and_put_right() -> None:
    with make_client() as client:
        client.post_page("patient", {"patient.name": "Jordan A. Rivera", "patient.date_of_birth": "31/02/1971"})
        html = client.get("/s/patient").text
        tag = _field(html, "f-patient-date_of_birth")
        assert 'aria-invalid="true"' in tag and "f-patient-date_of_birth-error" in tag
        assert 'value="31/02/1971"' in tag  # what was typed stays, to be corrected
        assert "Feb 1971 has no day 31" in _error(html, "f-patient-date_of_birth")
        assert 'href="#f-patient-date_of_birth"' in html  # the summary links to the field
        client.post_page("patient", {"patient.name": "Jordan A. Rivera", "patient.date_of_birth": "14 Aug 1971"})
        html = client.get("/s/patient").text
        assert 'aria-invalid' not in _field(html, "f-patient-date_of_birth")
        assert 'value="1971-08-14"' in _field(html, "f-patient-date_of_birth")


def test_an_ambiguous_date_offers_both_readings() -> None:
    with make_client() as client:
        client.post_page("patient", {"patient.name": "Jordan", "patient.date_of_birth": "03/04/2022"})
        html = client.get("/s/patient").text
        assert "could be 3 Apr 2022 or 4 Mar 2022" in _error(html, "f-patient-date_of_birth")
        assert 'value="pick:patient.date_of_birth=2022-04-03">I meant 3 April 2022' in html
        assert 'value="pick:patient.date_of_birth=2022-03-04">I meant 4 March 2022' in html
        client.post_page("patient", {"patient.name": "Jordan", "patient.date_of_birth": "03/04/2022"},
                         action="pick:patient.date_of_birth=2022-03-04")
        assert 'value="2022-03-04"' in _field(client.get("/s/patient").text, "f-patient-date_of_birth")


def test_today_and_partial_dates_are_accepted() -> None:
    with make_client() as client:
        client.post_page("patient", {"patient.name": "Jordan", "patient.date_of_birth": "June 1971"})
        client.post_page("medications", {**FIRST_DOSE, "medications[0].doses[0].date": "today"})
        text = client.get("/download/case.yaml").text
    assert "date_of_birth: 1971-06" in text
    assert f"date: {date.today().isoformat()}" in text


def test_a_dose_as_people_write_it_is_worked_out_and_shown() -> None:
    with make_client() as client:
        client.post_page("patient", {"patient.name": "Jordan"})
        client.post_page("medications", {**FIRST_DOSE, "medications[0].drug": "Klonopin",
                                         "medications[0].doses[0].mg_per_day": "1 mg twice a day"})
        html = client.get("/s/medications").text
        case = parse_case(client.get("/download/case.yaml").text)
    assert "Understood as: 1 mg twice a day → 2 mg/day" in html
    assert "Klonopin is a brand of clonazepam" in html
    medication = case.medications[0]
    assert (medication.drug, medication.brand, medication.doses[0].mg_per_day, medication.doses[0].note) == \
        ("clonazepam", "Klonopin", 2.0, "1 mg twice a day")


def test_docgen_s_own_messages_go_next_to_their_fields() -> None:
    with make_client() as client:
        client.post_page("patient", {"patient.name": "Jordan"})
        client.post_page("medications", FIRST_DOSE)
        client.post_page("symptoms", {"symptoms[0]._row": "new", "symptoms[0].name": "tremor",
                                      "symptoms[0].onset": "2023-05", "symptoms[0].resolved": "2023-01",
                                      "symptoms[0].course[0]._row": "new", "symptoms[0].course[0].date": "2023-06",
                                      "symptoms[0].course[0].severity": "12"})
        html = client.get("/s/symptoms").text
        assert "before the onset" in _error(html, "f-symptoms-0-resolved")
        assert _error(html, "f-symptoms-0-course-0-severity")
        overview = client.get("/").text
    assert "2 problems" in overview


def test_people_are_chosen_by_name_and_their_id_made_from_it() -> None:
    with make_client() as client:
        client.post_page("patient", {"patient.name": "Jordan"})
        client.post_page("care-team", {"clinicians[0]._row": "new", "clinicians[0].name": "Lena Chen, MD",
                                       "clinicians[0].role": "prescriber",
                                       "clinicians[1]._row": "new", "clinicians[1].name": "Sam Okafor, LCSW",
                                       "clinicians[1].role": "therapist"})
        html = client.get("/s/letter").text
        assert '<option value="dr-chen" >Lena Chen, MD</option>' in html.replace("selected", "")
        client.post_page("medications", {**FIRST_DOSE, "medications[0].prescriber": "dr-chen"})
        client.post_page("letter", {"therapist_letter.from": "dr-chen", "therapist_letter.to": "okafor"})
        case = parse_case(client.get("/download/case.yaml").text)
    assert [clinician.id for clinician in case.clinicians] == ["dr-chen", "okafor"]
    assert case.therapist_letter is not None and case.therapist_letter.to == "okafor"


def test_entries_are_added_and_removed_with_buttons() -> None:
    with make_client() as client:
        client.post_page("patient", {"patient.name": "Jordan"})
        client.post_page("medications", FIRST_DOSE, action="add:medications[0].doses")
        html = client.get("/s/medications").text
        assert 'name="medications[0].doses[1]._row" value="new"' in html
        client.post_page("medications", {**FIRST_DOSE, "medications[0]._row": "existing",
                                         "medications[0].doses[0]._row": "existing",
                                         "medications[0].doses[1]._row": "new",
                                         "medications[0].doses[1].date": "2019-06",
                                         "medications[0].doses[1].mg_per_day": "4"})
        assert len(parse_case(client.get("/download/case.yaml").text).medications[0].doses) == 2
        client.post_page("medications", {**FIRST_DOSE, "medications[0]._row": "existing",
                                         "medications[0].doses[0]._row": "existing",
                                         "medications[0].doses[1]._row": "existing",
                                         "medications[0].doses[1].date": "2019-06",
                                         "medications[0].doses[1].mg_per_day": "4"},
                         action="remove:medications[0].doses[0]")
        doses = parse_case(client.get("/download/case.yaml").text).medications[0].doses
    assert [dose.date.isoformat() for dose in doses] == ["2019-06"]


def test_a_taper_plan_with_tablets_and_a_rule() -> None:
    with make_client() as client:
        client.post_page("patient", {"patient.name": "Jordan"})
        client.post_page("medications", {**FIRST_DOSE, "medications[0].taper.start": "2026-12-01",
                                         "medications[0].taper.percent": "10", "medications[0].taper.every_days": "28",
                                         "medications[0].taper.tablets_mg": "2, 0.5 mg",
                                         "medications[0].taper.slow_or_pause_if": "symptoms make daily life hard",
                                         "medications[0].taper.holds[0]._row": "new",
                                         "medications[0].taper.holds[0].at_mg_per_day": "0.5",
                                         "medications[0].taper.holds[0].days": "28"})
        taper = parse_case(client.get("/download/case.yaml").text).medications[0].taper
    assert taper is not None
    assert (taper.percent, taper.every_days, taper.tablets_mg, taper.holds[0].days) == (10, 28, [2, 0.5], 28)
    assert taper.smallest_step_mg == 0.5  # follows from the tablets
    assert taper.slow_or_pause_if == "symptoms make daily life hard"


def test_quote_marks_typed_around_a_record_s_text_are_left_out() -> None:
    with make_client(SAMPLE) as client:
        fields = {"amendment.items[0]._row": "existing", "amendment.items[0].record": "Neurology note",
                  "amendment.items[0].current_text": "\u201cAssessment: FND (F44.4).\u201d"}
        client.post_page("amendment", fields)
        case = parse_case(client.get("/download/case.yaml").text)
    assert case.amendment is not None and case.amendment.items[0].current_text == "Assessment: FND (F44.4)."


def test_the_autosave_answer_names_fields_as_the_page_does() -> None:
    with make_client() as client:
        client.post_page("patient", {"patient.name": "Jordan"})
        response = client.post_page("medications", {**FIRST_DOSE, "medications[0].doses[0].date": "3/4/2020",
                                                    "medications[0].doses[1]._row": "gone"},
                                    action="autosave", headers={"accept": "application/json"})
        answer = response.json()  # type: ignore[attr-defined]
    assert "f-medications-0-doses-0-date" in answer["errors"]
    assert answer["picks"]["f-medications-0-doses-0-date"][0] == ["2020-04-03", "3 April 2020"]
    assert answer["rows"] == ["medications[0]", "medications[0].doses[0]"]
    assert "1 problem on this page" in answer["status"]


def test_an_empty_case_has_no_preview_and_no_downloads_yet() -> None:
    with make_client() as client:
        assert "The preview appears once" in client.get("/s/patient").text
        assert client.get("/download/packet.zip").status_code == 409
        assert client.get("/download/timeline.pdf").status_code == 409
        assert client.get("/preview/timeline/1.png").status_code == 404


def test_previews_and_downloads_of_a_full_case() -> None:
    with make_client(SAMPLE) as client:
        html = client.get("/preview").text
        images = re.findall(r'src="(/preview/[^"?]+)\?v=\d+"', html)
        assert "/preview/timeline/1.png" in images and "/preview/letter/1.png" in images
        image = client.get("/preview/timeline/1.png")
        assert image.headers["content-type"] == "image/png" and image.content.startswith(b"\x89PNG")
        assert client.get("/preview/timeline/2.png").status_code == 404
        pdf = client.get("/download/timeline.pdf")
        assert pdf.content.startswith(b"%PDF") and 'filename="timeline.pdf"' in pdf.headers["content-disposition"]
        assert client.get("/download/letter.docx").content.startswith(b"PK")
        packet = zipfile.ZipFile(io.BytesIO(client.get("/download/packet.zip").content))
        names = packet.namelist()
        assert "docgen-packet/timeline.pdf" in names and "docgen-packet/letter.docx" in names
        sums = packet.read("docgen-packet/SHA256SUMS").decode()
        for line in sums.splitlines():
            digest, name = line.split("  ")
            assert hashlib.sha256(packet.read(f"docgen-packet/{name}")).hexdigest() == digest
        assert len(sums.splitlines()) == len(names) - 1
        assert parse_case(client.get("/download/case.yaml").content).patient.name == "Theresa M. Kowalczyk"


def test_a_gdpr_case_previews_its_amendment_documents_by_the_gdprs_titles() -> None:
    with make_client(ROOT / "samples" / "gdpr-lisbon.yaml") as client:
        html = client.get("/preview").text
        assert "Download the reply form: request to amend personal data (GDPR Art. 16) (PDF)" in html
        assert "request to amend health information" not in html


def test_a_preview_keeps_the_last_good_version_while_a_page_has_problems() -> None:
    with make_client(SAMPLE) as client:
        client.post_page("patient", {"patient.name": "Theresa M. Kowalczyk", "patient.date_of_birth": "1968-02-31"})
        html = client.get("/s/patient").text
    assert "last version without problems" in html and "/preview/timeline/1.png?v=0" in html


def test_import_a_dose_log_shows_the_report_then_takes_it_when_accepted() -> None:
    with make_client() as client:
        client.post_page("patient", {"patient.name": "Jordan"})
        csrf = client.csrf("/import")
        data = (ROOT / "samples" / "dose-log.csv").read_bytes()
        report = client.post("/import", data={"csrf": csrf, "kind": "doses", "tablet_mg": "0.5"},
                             files={"file": ("dose-log.csv", data, "text/csv")}).text
        assert "To be added" in report and "row 9: &#39;4/8/2024&#39; could be" in report
        assert "Nothing has changed yet" in report
        assert "medications" not in client.get("/download/case.yaml").text
        added = len(re.findall(r"<li>clonazepam 20", report))
        accepted = client.post("/import/accept", data={"csrf": csrf}).text  # the redirect to the overview
        case = parse_case(client.get("/download/case.yaml").text)
        assert case.medications[0].drug == "clonazepam" and len(case.medications[0].doses) == added > 3
        assert re.search(r"Imported \d+ entries from dose-log.csv", accepted)


def test_an_import_can_be_turned_down() -> None:
    with make_client(SAMPLE) as client:
        before = client.get("/download/case.yaml").text
        csrf = client.csrf("/import")
        client.post("/import", data={"csrf": csrf, "kind": "symptoms"},
                    files={"file": ("symptom-diary.csv", (ROOT / "samples" / "symptom-diary.csv").read_bytes())})
        client.post("/import/discard", data={"csrf": csrf})
        assert client.get("/download/case.yaml").text == before


def test_a_fhir_export_starts_a_case_from_its_patient() -> None:
    with make_client() as client:
        csrf = client.csrf("/import")
        export = (ROOT / "samples" / "fhir" / "export.json").read_bytes()
        report = client.post("/import", data={"csrf": csrf, "kind": "fhir"},
                             files={"file": ("export.json", export, "application/json")}).text
        assert "added: patient" not in report and "patient Theresa M. Kowalczyk" in report
        client.post("/import/accept", data={"csrf": csrf})
        assert parse_case(client.get("/download/case.yaml").text).patient.name == "Theresa M. Kowalczyk"


def test_an_unreadable_upload_is_explained() -> None:
    with make_client() as client:
        csrf = client.csrf("/import")
        html = client.post("/import", data={"csrf": csrf, "kind": "doses"},
                           files={"file": ("notes.csv", b"just,some\nwords,here\n")}).text
        assert "Not imported" in html
        assert client.post("/import", data={"csrf": csrf, "kind": "doses"},
                           files={"file": ("photo.png", b"\x89PNG")}).status_code == 400


def test_save_writes_the_case_file_keeping_its_comments(tmp_path: Path) -> None:
    case_file = tmp_path / "case.yaml"
    shutil.copy(SAMPLE, case_file)
    original = case_file.read_text(encoding="utf-8")
    comments = [line for line in original.splitlines() if line.lstrip().startswith("#")]
    with make_client(case_file) as client:
        html = client.get("/s/patient").text
        assert f'title="{case_file}">Save to case.yaml</button>' in html
        fields = {key: value for key, value in re.findall(r'name="(patient\.[^"]+)" value="([^"]*)"', html)}
        client.post_page("patient", {**fields, "patient.phone": "+1 217 555 0199"})
        assert case_file.read_text(encoding="utf-8") == original  # not written before Save
        client.post("/save", data={"csrf": client.csrf(), "next": "/s/patient"})
    saved = case_file.read_text(encoding="utf-8")
    assert "+1 217 555 0199" in saved
    assert all(comment in saved for comment in comments)
    assert load_case(case_file).patient.phone == "+1 217 555 0199"
    changed = [line for line in saved.splitlines() if line not in original.splitlines()]
    assert len(changed) == 1


def test_save_refuses_a_case_with_problems_and_leaves_the_file(tmp_path: Path) -> None:
    case_file = tmp_path / "case.yaml"
    shutil.copy(SAMPLE, case_file)
    original = case_file.read_bytes()
    with make_client(case_file) as client:
        client.post_page("patient", {"patient.name": "", "patient.date_of_birth": "1968-04-02"}, action="save-file")
        html = client.get("/s/patient").text
    assert case_file.read_bytes() == original
    assert "Not saved" in html or "problem" in html


def test_without_a_case_file_there_is_nothing_to_save_to(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with make_client() as client:
        client.post_page("patient", {"patient.name": "Jordan"})
        client.post_page("medications", FIRST_DOSE)
        assert "Download the case file" in client.get("/").text
        assert client.post("/save", data={"csrf": client.csrf()}).status_code == 404
        client.get("/download/packet.zip")
    assert list(tmp_path.iterdir()) == []
