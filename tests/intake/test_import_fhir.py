"""Records the patient already has: the synthetic FHIR R4 export in samples/fhir/, read as a Bundle,
as a folder of resources and as NDJSON, proposed as a new case or merged into a sample case."""

from __future__ import annotations

import copy
import json
import socket
from pathlib import Path
from typing import Any

import pytest
import typer
from conftest import ROOT
from typer.testing import CliRunner

from docgen.case.loading import load_case
from docgen.intake.case_document import CaseDocument
from docgen.intake.errors import ImportFileError
from docgen.intake.fhir_import import import_fhir_export

EXPORT = ROOT / "samples" / "fhir" / "export.json"
CASE = ROOT / "samples" / "bind-labelled-fnd.yaml"
BUNDLE: dict[str, Any] = json.loads(EXPORT.read_text(encoding="utf-8"))
runner = CliRunner()


def _app() -> typer.Typer:
    from docgen.cli.intake import import_app, init_command

    app = typer.Typer()
    app.command("init")(init_command)
    app.add_typer(import_app, name="import")
    return app


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Health data never leaves the machine: any attempt to open a connection fails the test."""
    def refuse(*_arguments: object, **_keywords: object) -> None:
        raise AssertionError("a network connection was attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def _doses(document: CaseDocument) -> dict[str, list[tuple[str, float, str | None, str | None]]]:
    return {medication.drug: [(dose.date.isoformat(), dose.mg_per_day, dose.note, dose.source) for dose in medication.doses]
            for medication in document.check().medications}


def _events(document: CaseDocument) -> list[tuple[str, str, str, str | None, str | None]]:
    return [(event.date.isoformat(), event.kind, event.title, event.detail, event.source) for event in document.check().events]


EXPECTED_DOSES = {
    "clonazepam": [
        ("2018-11-14", 2.0, "prescribed: clonazepam 0.5 MG Oral Tablet, Take 2 tablets (1 mg) by mouth twice daily",
         "FHIR MedicationRequest/rx-clonazepam-2018 (export.json)"),
        ("2024-04-15", 0.25, "prescribed: clonazepam 0.5 MG Oral Tablet, Take 1/2 tablet (0.25 mg) by mouth at bedtime",
         "FHIR MedicationRequest/rx-clonazepam-2024-04-15 (export.json)"),
        ("2025-10-06", 0.75, "dispensed: clonazepam 0.125 MG Disintegrating Oral Tablet, Dissolve 2 tablets on the tongue three times daily",
         "FHIR MedicationDispense/disp-clonazepam-odt-2025-10-06 (export.json)"),
    ],
    "baclofen": [
        ("2024-07-01", 30.0, "reported: Baclofen 10 MG Oral Tablet, 10 mg three times daily, until 2025-01-06",
         "FHIR MedicationStatement/stmt-baclofen (export.json)"),
    ],
}
EXPECTED_EVENTS = [
    ("2015-10", "diagnosis", "Panic disorder (F41.0)", "ICD-10-CM F41.0; active", "FHIR Condition/cond-panic (export.json)"),
    ("2024-05-02", "test", "Vitamin B12 and folate, serum", "B12 412 pg/mL; folate within the reference range.",
     "FHIR DiagnosticReport/dr-b12 (export.json)"),
    ("2024-06-20", "test", "MRI brain and cervical spine without contrast", "No structural abnormality.",
     "FHIR DiagnosticReport/dr-mri (export.json)"),
    ("2024-07-10", "test", "Tilt table test", "normal; no postural tachycardia", "FHIR Procedure/proc-tilt (export.json)"),
    ("2024-09-17", "diagnosis", "Conversion disorder with motor symptom or deficit (F44.4)", "ICD-10-CM F44.4; active, confirmed",
     "FHIR Condition/cond-fnd (export.json)"),
]
EXPECTED_SKIPS = [
    "MedicationRequest/rx-propranolol: propranolol 10 MG Oral Tablet: taken as needed, so it has no fixed daily dose "
    "(the instruction reads \"Take 1 tablet by mouth up to three times daily as needed for palpitations\")",
    "MedicationRequest/rx-sertraline: sertraline 50 MG Oral Tablet: no frequency stated, so the daily dose is not known "
    "(the instruction reads \"Take 50 mg by mouth\"); add it by hand",
    "MedicationRequest/rx-gabapentin-cancelled: status cancelled",
    "Condition/cond-mistake: marked entered-in-error",
]


def test_the_sample_export_becomes_a_new_case_entry_by_entry() -> None:
    report = import_fhir_export(EXPORT)
    case = report.document.check()
    assert case.patient.name == "Theresa M. Kowalczyk"
    assert case.patient.date_of_birth is not None and case.patient.date_of_birth.isoformat() == "1968-04-02"
    assert case.patient.mrn == "HPN-00318854"  # the Patient's identifier
    assert _doses(report.document) == EXPECTED_DOSES
    assert case.medications[0].indication == "panic disorder"
    assert _events(report.document) == EXPECTED_EVENTS
    assert report.skipped == EXPECTED_SKIPS
    assert report.notes == [
        "17 resources read from export.json",
        "not imported (docgen takes medications, conditions, reports and procedures): Encounter 1, Observation 1",
    ]


def test_the_sample_export_merged_into_a_case_skips_what_is_there() -> None:
    document = CaseDocument.load(CASE)
    before_doses = _doses(document)
    before_events = _events(document)
    report = import_fhir_export(EXPORT, document)
    after_doses = _doses(document)
    assert [dose for dose in after_doses["clonazepam"] if dose not in before_doses["clonazepam"]] == EXPECTED_DOSES["clonazepam"][1:]
    assert after_doses["baclofen"] == before_doses["baclofen"]
    assert [event for event in _events(document) if event not in before_events] == [
        event for event in EXPECTED_EVENTS if "dr-mri" not in str(event[4])
    ]
    assert report.skipped == [
        "MedicationRequest/rx-clonazepam-2018: already in the case (clonazepam 2018-11-14: 2 mg/day)",
        "MedicationStatement/stmt-baclofen: already in the case (baclofen 2024-07-01: 30 mg/day)",
        *EXPECTED_SKIPS[:3],
        EXPECTED_SKIPS[3],
        "DiagnosticReport/dr-mri: already in the case (2024-06-20: MRI brain and cervical spine without contrast)",
    ]
    assert not any("the export is for" in note for note in report.notes)  # the same patient


def test_a_folder_of_resources_like_an_apple_health_export(tmp_path: Path) -> None:
    folder = tmp_path / "clinical-records"
    folder.mkdir()
    for number, entry in enumerate(BUNDLE["entry"]):
        resource = entry["resource"]
        (folder / f"{resource['resourceType']}-{number}.json").write_text(json.dumps(resource), encoding="utf-8")
    (folder / "notes.txt").write_text("not a resource", encoding="utf-8")
    report = import_fhir_export(folder)
    doses = _doses(report.document)
    assert [dose[:2] for dose in doses["clonazepam"]] == [dose[:2] for dose in EXPECTED_DOSES["clonazepam"]]
    assert doses["clonazepam"][0][3] == "FHIR MedicationRequest/rx-clonazepam-2018 (MedicationRequest-2.json)"
    assert [event[:3] for event in _events(report.document)] == [event[:3] for event in EXPECTED_EVENTS]


def test_ndjson_and_broken_records_are_reported_one_by_one(tmp_path: Path) -> None:
    resources = [entry["resource"] for entry in BUNDLE["entry"]]
    broken = {"resourceType": "MedicationRequest", "id": "rx-broken", "status": "active"}  # no intent, no subject
    lines = [json.dumps(resource) for resource in resources] + [json.dumps(broken), "{not json"]
    export = tmp_path / "export.ndjson"
    export.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = import_fhir_export(export)
    assert [dose[:2] for dose in _doses(report.document)["clonazepam"]] == [dose[:2] for dose in EXPECTED_DOSES["clonazepam"]]
    assert "file export.ndjson line 19: not valid JSON (line 1: Expecting property name enclosed in double quotes); not read" in report.skipped
    assert any(line.startswith("MedicationRequest/rx-broken: not valid FHIR R4 (") for line in report.skipped)


def _bundle_with(*resources: dict[str, Any]) -> dict[str, Any]:
    patient = copy.deepcopy(BUNDLE["entry"][0])
    return {"resourceType": "Bundle", "type": "collection",
            "entry": [patient] + [{"resource": resource} for resource in resources]}


def _request(identifier: str, dosage: dict[str, Any], **extra: Any) -> dict[str, Any]:
    resource = {"resourceType": "MedicationRequest", "id": identifier, "status": "active", "intent": "order",
                "subject": {"reference": "Patient/pt-kowalczyk"}, "authoredOn": "2030-01-02",
                "medicationCodeableConcept": {"text": "lorazepam 1 MG Oral Tablet"}, "dosageInstruction": [dosage]}
    resource.update(extra)
    return resource


def _daily(quantity: dict[str, Any], timing: dict[str, Any] | None = None) -> dict[str, Any]:
    dosage: dict[str, Any] = {"doseAndRate": [{"doseQuantity": quantity}]}
    if timing is not None:
        dosage["timing"] = timing
    return dosage


_BID = {"repeat": {"frequency": 2, "period": 1, "periodUnit": "d"}}


@pytest.mark.parametrize(("dosage", "outcome"), [
    (_daily({"value": 1, "code": "mg"}, _BID), "lorazepam 2030-01-02: 2 mg/day"),
    (_daily({"value": 500, "code": "ug"}, {"repeat": {"frequency": 1, "period": 8, "periodUnit": "h"}}), "lorazepam 2030-01-02: 1.5 mg/day"),
    (_daily({"value": 0.5, "unit": "tablet", "code": "{tbl}"}, {"code": {"coding": [{"code": "QID"}]}}), "lorazepam 2030-01-02: 2 mg/day"),
    (_daily({"value": 1, "code": "mg"}, {"repeat": {"when": ["MORN", "HS"]}}), "lorazepam 2030-01-02: 2 mg/day"),
    (_daily({"value": 1, "code": "mg"}, {"repeat": {"frequency": 1, "frequencyMax": 3, "period": 1, "periodUnit": "d"}}),
     "no frequency stated, so the daily dose is not known; add it by hand"),
    (_daily({"value": 1, "code": "mg"}, {"repeat": {"frequency": 1, "period": 1, "periodUnit": "mo"}}),
     "no frequency stated, so the daily dose is not known; add it by hand"),
    (_daily({"value": 5, "code": "mL"}, _BID), "the dose is in 'mL', not mg or tablets; add it by hand in mg"),
    ({"doseAndRate": [{"doseRange": {"low": {"value": 1, "code": "mg"}, "high": {"value": 2, "code": "mg"}}}], "timing": _BID},
     "a dose range; add the dose by hand"),
    ({"text": "Take as directed", "timing": _BID}, "no structured dose (doseQuantity) (the instruction reads \"Take as directed\"); add the dose by hand"),
])
def test_a_daily_dose_is_computed_only_from_what_is_stated(tmp_path: Path, dosage: dict[str, Any], outcome: str) -> None:
    export = tmp_path / "bundle.json"
    export.write_text(json.dumps(_bundle_with(_request("rx-1", dosage))), encoding="utf-8")
    report = import_fhir_export(export)
    lines = report.added + report.skipped
    assert any(line.endswith(outcome + " (MedicationRequest/rx-1)") or line.endswith(outcome) for line in lines), lines


def test_a_contained_medication_gives_the_name_and_tablet_strength(tmp_path: Path) -> None:
    request = _request("rx-2", _daily({"value": 2, "code": "{tbl}"}, _BID))
    del request["medicationCodeableConcept"]
    request["medicationReference"] = {"reference": "#med"}
    request["contained"] = [{"resourceType": "Medication", "id": "med", "code": {"coding": [{"display": "Ativan 0.5 MG Oral Tablet"}]}}]
    export = tmp_path / "bundle.json"
    export.write_text(json.dumps(_bundle_with(request)), encoding="utf-8")
    report = import_fhir_export(export)
    assert report.added[1:] == ["new medication lorazepam (brand Ativan)", "lorazepam 2030-01-02: 2 mg/day (MedicationRequest/rx-2)"]


def test_records_of_another_person_are_flagged(tmp_path: Path) -> None:
    bundle = _bundle_with(_request("rx-3", _daily({"value": 1, "code": "mg"}, _BID)))
    bundle["entry"][0]["resource"]["name"] = [{"text": "Somebody Else"}]
    export = tmp_path / "bundle.json"
    export.write_text(json.dumps(bundle), encoding="utf-8")
    report = import_fhir_export(export, CaseDocument.load(CASE))
    assert "the export is for 'Somebody Else', this case for 'Theresa M. Kowalczyk': check that these are the right person's records" in report.notes


def test_an_export_with_no_patient_cannot_start_a_case(tmp_path: Path) -> None:
    bundle = _bundle_with(_request("rx-4", _daily({"value": 1, "code": "mg"}, _BID)))
    del bundle["entry"][0]
    export = tmp_path / "bundle.json"
    export.write_text(json.dumps(bundle), encoding="utf-8")
    with pytest.raises(ImportFileError) as caught:
        import_fhir_export(export)
    assert str(caught.value) == (f"{export}: the export names no patient, so it cannot start a case file; "
                                 "add its records to one with --into CASE")


def test_a_result_that_would_not_validate_is_not_written(tmp_path: Path) -> None:
    bundle = _bundle_with(_request("rx-5", {"asNeededBoolean": True, **_daily({"value": 1, "code": "mg"}, _BID)}))
    export = tmp_path / "bundle.json"
    export.write_text(json.dumps(bundle), encoding="utf-8")
    output = tmp_path / "case.yaml"
    result = runner.invoke(_app(), ["import", "fhir", str(export), "-o", str(output)])
    assert result.exit_code == 1
    assert "skipped: MedicationRequest/rx-5: lorazepam 1 MG Oral Tablet: taken as needed, so it has no fixed daily dose" in result.stdout
    assert result.stderr.strip() == ("nothing was written: the result would not be a valid case file:\n"
                                     f"{output}: medications: is required but missing")
    assert not output.exists()


@pytest.mark.parametrize(("content", "message"), [
    (None, "{path}: no such file or folder; expected a FHIR export (.json) or a folder of them"),
    ("{oops", "{path}: not valid JSON (line 1: Expecting property name enclosed in double quotes); not read"),
    ('{"hello": 1}', "{path}: not a FHIR resource (no resourceType); not read"),
])
def test_files_that_are_not_fhir_say_so(tmp_path: Path, content: str | None, message: str) -> None:
    path = tmp_path / "export.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(ImportFileError) as caught:
        import_fhir_export(path)
    assert str(caught.value) == message.format(path=path)


# -- the command ------------------------------------------------------------------------------------


def test_import_fhir_writes_a_new_case_file(tmp_path: Path) -> None:
    output = tmp_path / "records.yaml"
    result = runner.invoke(_app(), ["import", "fhir", str(EXPORT), "-o", str(output)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[:3] == [
        "note: 17 resources read from export.json",
        "note: not imported (docgen takes medications, conditions, reports and procedures): Encounter 1, Observation 1",
        "added: patient Theresa M. Kowalczyk, born 2 Apr 1968, record number HPN-00318854",
    ]
    assert lines[-2:] == ["export.json: 12 entries added, 4 skipped", f"wrote {output}"]
    case = load_case(output)
    assert [event.title for event in case.events][-1] == "Conversion disorder with motor symptom or deficit (F44.4)"
    assert output.read_text(encoding="utf-8").startswith("# docgen case file")


def test_import_fhir_into_a_case_never_replaces_it_without_force(tmp_path: Path) -> None:
    case = tmp_path / "case.yaml"
    case.write_bytes(CASE.read_bytes())
    result = runner.invoke(_app(), ["import", "fhir", str(EXPORT), "--into", str(case)])
    assert result.exit_code == 1
    assert "added: diagnosis 2024-09-17: Conversion disorder with motor symptom or deficit (F44.4) (Condition/cond-fnd)" in result.stdout
    assert case.read_bytes() == CASE.read_bytes()
    forced = runner.invoke(_app(), ["import", "fhir", str(EXPORT), "--into", str(case), "--force"])
    assert forced.exit_code == 0, forced.output
    assert "Conversion disorder with motor symptom or deficit (F44.4)" in [event.title for event in load_case(case).events]


def test_import_fhir_to_an_existing_output_needs_force(tmp_path: Path) -> None:
    output = tmp_path / "records.yaml"
    output.write_text("keep me", encoding="utf-8")
    result = runner.invoke(_app(), ["import", "fhir", str(EXPORT), "-o", str(output)])
    assert result.exit_code == 1
    assert output.read_text(encoding="utf-8") == "keep me"
