"""Files made to break the importers: each problem in a row or record is a located skip and the
rest is imported; each file that cannot be read is one located message and exit code 1; work
and memory stay bounded; nothing printed carries a raw control character or more of the case
than the excerpt in question."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from conftest import ROOT, input_app
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner, Result

from docgen.case.dates import PartialDate
from docgen.case.loading import load_case
from docgen.intake.case_document import CaseDocument
from docgen.intake.fhir_import import import_fhir_export
from docgen.intake.spreadsheet import MAX_CELL_CHARACTERS, MAX_COLUMNS, MAX_ROWS, MAX_UNPACKED_BYTES

CASE = ROOT / "samples" / "bind-labelled-fnd.yaml"
EXPORT = ROOT / "samples" / "fhir" / "export.json"
SAMPLE_BUNDLE: dict[str, Any] = json.loads(EXPORT.read_text(encoding="utf-8"))
runner = CliRunner()
_RAW_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f]")  # all but the line break between lines


def _doses(file: Path, *options: str) -> Result:
    return runner.invoke(input_app(), ["import", "doses", str(file), "--into", str(CASE), "-o",
                                       str(file.parent / "out.yaml"), "--force", *options])


def _fhir(source: Path) -> Result:
    return runner.invoke(input_app(), ["import", "fhir", str(source), "-o", str(source.parent / "out.yaml"), "--force"])


def _assert_clean(result: Result) -> None:
    """No traceback, no internal error, no raw control character in anything printed."""
    printed = result.stdout + result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in printed and "internal error" not in printed
    assert not _RAW_CONTROL.search(printed), printed


def _skips(result: Result) -> list[str]:
    return [line for line in result.stdout.splitlines() if line.startswith("skipped: ")]


# -- building hostile files -----------------------------------------------------------------------


def _xlsx(path: Path, rows: list[list[Any]], number_format: str | None = None) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    if number_format:
        for cell in sheet["A"][1:]:
            cell.number_format = number_format
    workbook.save(path)
    return path


def _patch(path: Path, member: str, change: Callable[[bytes], bytes], target: Path | None = None) -> Path:
    """Rewrite one part of a zip (an .xlsx), as a program that wrote it could have."""
    target = target or path
    parts = {}
    with zipfile.ZipFile(path) as archive:
        infos = archive.infolist()
        for info in infos:
            parts[info.filename] = archive.read(info.filename)
    parts[member] = change(parts[member])
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in infos:
            archive.writestr(info.filename, parts[info.filename])
    return target


_SHEET = "xl/worksheets/sheet1.xml"
_DOSE_ROWS = [["date", "drug", "dose"], ["2031-01-01", "clonazepam", "1"], ["2031-01-02", "clonazepam", "2"],
              ["2031-01-03", "clonazepam", "3"]]


def _dose_sheet(tmp_path: Path, name: str = "log.xlsx") -> Path:
    return _xlsx(tmp_path / name, [list(row) for row in _DOSE_ROWS])


def _replace_value(old: bytes, new: bytes) -> Callable[[bytes], bytes]:
    def change(xml: bytes) -> bytes:
        assert old in xml
        return xml.replace(old, new, 1)
    return change


def _before_root(prolog: bytes) -> Callable[[bytes], bytes]:
    return lambda xml: xml.replace(b"<worksheet", prolog + b"<worksheet", 1)


_XXE = b'<!DOCTYPE worksheet [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'
_LAUGHS = b'<!DOCTYPE worksheet [<!ENTITY a0 "lol">' + b"".join(
    b'<!ENTITY a%d "%s">' % (level, b"&a%d;" % (level - 1) * 10) for level in range(1, 10)) + b"]>"


# -- 1. a located message or skip, never an internal error ----------------------------------------------


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_400_digit_dose_skips_its_row_and_the_rest_is_imported(tmp_path: Path, kind: str) -> None:
    rows = [list(row) for row in _DOSE_ROWS]
    rows[2][2] = "9" * 400
    if kind == "csv":
        file = tmp_path / "log.csv"
        file.write_text("\n".join(",".join(row) for row in rows) + "\n", encoding="utf-8")
    else:
        file = _xlsx(tmp_path / "log.xlsx", rows)
    result = _doses(file)
    _assert_clean(result)
    assert result.exit_code == 0
    assert _skips(result) == [f"skipped: row 3: '{'9' * 39}…' has a number of 400 digits; a dose or severity has at most 15"]
    assert "9" * 40 not in result.stdout
    assert [dose.date.isoformat() for dose in _added_doses(tmp_path)] == ["2031-01-01", "2031-01-03"]


def _added_doses(folder: Path) -> list[Any]:
    case = load_case(folder / "out.yaml")
    return [dose for dose in case.medications[0].doses if dose.date.year == 2031]


def _numeric_dose(digits: str) -> Callable[[bytes], bytes]:
    return _replace_value(b'<c r="C3" t="inlineStr"><is><t>2</t></is></c>', b'<c r="C3"><v>' + digits.encode() + b"</v></c>")


@pytest.mark.parametrize(("change", "skip"), [
    (_numeric_dose("9" * 400), "skipped: row 3: '" + "9" * 39 + "…' has a number of 400 digits; a dose or severity has at most 15"),
    (_numeric_dose("1e400"), "skipped: row 3: 'inf' is not a dose docgen can read; expected a dose such as \"0.5 mg\", "
                             "\"1\", \"1/2 tab\", \"half a tablet\", \"1 1/2 tabs\", \"0.5 mg twice a day\""),
    (_replace_value(b'<c r="C3" t="inlineStr"><is><t>2</t></is></c>', b'<c r="C3" t="s"><v>99999</v></c>'),
     "skipped: row 3: a cell of this row cannot be read (the file may be damaged)"),
    (_replace_value(b'<c r="C3" t="inlineStr"><is><t>2</t></is></c>', b'<c r="C3" t="b"><v>yes</v></c>'),
     "skipped: row 3: a cell of this row cannot be read (the file may be damaged)"),
])
def test_a_damaged_cell_skips_its_row(tmp_path: Path, change: Callable[[bytes], bytes], skip: str) -> None:
    file = _patch(_dose_sheet(tmp_path), _SHEET, change)
    result = _doses(file)
    _assert_clean(result)
    assert result.exit_code == 0
    assert _skips(result) == [skip]
    assert [dose.date.isoformat() for dose in _added_doses(tmp_path)] == ["2031-01-01", "2031-01-03"]


def _chart_first(path: Path) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Log"
    for row in _DOSE_ROWS:
        sheet.append(row)
    from openpyxl.chart import BarChart, Reference

    chart_sheet = workbook.create_chartsheet("Chart")
    chart = BarChart()
    chart.add_data(Reference(sheet, min_col=3, min_row=1, max_row=4))
    chart_sheet.add_chart(chart)
    workbook.active = 1
    workbook.save(path)
    return path


def test_a_workbook_that_opens_on_a_chart_reads_its_first_sheet_of_cells(tmp_path: Path) -> None:
    result = _doses(_chart_first(tmp_path / "log.xlsx"))
    _assert_clean(result)
    assert result.exit_code == 0
    assert "note: the sheet that opens first, 'Chart', is a chart; read the sheet 'Log'" in result.stdout.splitlines()
    assert len(_added_doses(tmp_path)) == 3


def _only_a_chart(path: Path) -> Path:
    workbook = openpyxl.Workbook()
    from openpyxl.chart import BarChart

    chart_sheet = workbook.create_chartsheet("Chart")
    chart_sheet.add_chart(BarChart())
    workbook.remove(workbook["Sheet"])
    workbook.save(path)
    return path


def _not_a_zip(path: Path) -> Path:
    path.write_bytes(b"date,drug,dose\n2031-01-01,clonazepam,1\n")
    return path


def _broken_zip(path: Path) -> Path:
    data = _dose_sheet(path.parent, "whole.xlsx").read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def _corrupted_zip(path: Path) -> Path:
    data = bytearray(_dose_sheet(path.parent, "whole.xlsx").read_bytes())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo(_SHEET)
    start = info.header_offset + 30 + len(info.filename) + len(info.extra) + 5
    data[start:start + 20] = bytes(20)  # the deflated sheet no longer matches its checksum
    path.write_bytes(bytes(data))
    return path


def _zip_of_something_else(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "not a workbook")
    return path


def _password_protected(path: Path) -> Path:
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    return path


def _with_prolog(prolog: bytes) -> Callable[[Path], Path]:
    return lambda path: _patch(_dose_sheet(path.parent, "whole.xlsx"), _SHEET, _before_root(prolog), path)


def _utf16_with_doctype(path: Path) -> Path:
    def change(xml: bytes) -> bytes:
        text = xml.decode("utf-8").replace("<worksheet", '<!DOCTYPE worksheet [<!ENTITY x "y">]><worksheet', 1)
        return ("\ufeff" + text).encode("utf-16-le")
    return _patch(_dose_sheet(path.parent, "whole.xlsx"), _SHEET, change, path)


def _bad_xml(path: Path) -> Path:
    return _patch(_dose_sheet(path.parent, "whole.xlsx"), _SHEET, _replace_value(b"</sheetData>", b"</sheetDat>"), path)


def _rows_out_of_order(path: Path) -> Path:
    return _patch(_dose_sheet(path.parent, "whole.xlsx"), _SHEET, _replace_value(b'<row r="3">', b'<row r="2">'), path)


@pytest.mark.parametrize(("build", "message"), [
    (_not_a_zip, "not a readable .xlsx file (not a zip archive, as .xlsx files are, or a damaged one)"),
    (_broken_zip, "not a readable .xlsx file (not a zip archive, as .xlsx files are, or a damaged one)"),
    (_corrupted_zip, "not a readable .xlsx file (not a zip archive, as .xlsx files are, or a damaged one)"),
    (_zip_of_something_else, "not a readable .xlsx file (its parts are damaged or not a workbook's)"),
    (_password_protected, "not a readable .xlsx file (it is an old .xls workbook, or one saved with a password); "
                          "save it as .xlsx without a password"),
    (_with_prolog(_XXE), "the part 'xl/worksheets/sheet1.xml' declares a document type (<!DOCTYPE>), which spreadsheets "
                         "never do; not read (its entities could name files to read or expand without end)"),
    (_with_prolog(_LAUGHS), "the part 'xl/worksheets/sheet1.xml' declares a document type (<!DOCTYPE>), which spreadsheets "
                            "never do; not read (its entities could name files to read or expand without end)"),
    (_utf16_with_doctype, "the part 'xl/worksheets/sheet1.xml' declares a document type (<!DOCTYPE>), which spreadsheets "
                          "never do; not read (its entities could name files to read or expand without end)"),
    (_only_a_chart, "the workbook has no sheet of cells (only charts); expected a sheet with a header row"),
    (_bad_xml, "not a readable .xlsx file (the sheet's XML is damaged after row 4)"),
    (_rows_out_of_order, "not a readable .xlsx file (the row after row 2 has no valid row number)"),
])
def test_an_xlsx_file_that_cannot_be_read_is_one_located_message(tmp_path: Path, build: Callable[[Path], Path],
                                                                  message: str) -> None:
    file = build(tmp_path / "log.xlsx")
    result = _doses(file)
    _assert_clean(result)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == f"{file}: {message}\n"
    assert not (tmp_path / "out.yaml").exists()


def test_openpyxl_reads_xml_through_defusedxml() -> None:
    from openpyxl.xml import DEFUSEDXML

    assert DEFUSEDXML is True


def _medication_request(identifier: str, **changes: Any) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "MedicationRequest", "id": identifier, "status": "active", "intent": "order",
        "subject": {"reference": "Patient/pt-1"}, "authoredOn": "2031-05-01",
        "medicationCodeableConcept": {"text": "lorazepam 1 MG Oral Tablet"},
        "dosageInstruction": [{"timing": {"repeat": {"frequency": 1, "period": 1, "periodUnit": "d"}},
                               "doseAndRate": [{"doseQuantity": {"value": 1, "unit": "mg"}}]}],
    }
    dosage = resource["dosageInstruction"][0]
    if "value" in changes:
        dosage["doseAndRate"][0]["doseQuantity"]["value"] = changes["value"]
    if "period" in changes:
        dosage["timing"]["repeat"]["period"] = changes["period"]
    if "frequency" in changes:
        dosage["timing"]["repeat"]["frequency"] = changes["frequency"]
    if "depth" in changes:
        extension: dict[str, Any] = {"url": "http://example.org/x", "valueString": "x"}
        for _ in range(changes["depth"]):
            extension = {"url": "http://example.org/x", "extension": [extension]}
        resource["extension"] = [extension]
    return resource


def _bundle_with(*resources: dict[str, Any]) -> dict[str, Any]:
    bundle = json.loads(json.dumps(SAMPLE_BUNDLE))
    bundle["entry"] += [{"resource": resource} for resource in resources]
    return bundle


@pytest.mark.parametrize(("record", "skip"), [
    (_medication_request("rx-big", value=1e23),
     "skipped: MedicationRequest/rx-big: lorazepam 1 MG Oral Tablet: the dose value is outside 0 to 100,000; add the dose by hand"),
    (_medication_request("rx-negative", value=-1),
     "skipped: MedicationRequest/rx-negative: lorazepam 1 MG Oral Tablet: the dose value is outside 0 to 100,000; add the dose by hand"),
    (_medication_request("rx-period", period=0),
     "skipped: MedicationRequest/rx-period: lorazepam 1 MG Oral Tablet: the timing gives 1 doses every 0 d, which is no "
     "number of doses a day; add the dose by hand"),
    (_medication_request("rx-tiny-period", period=1e-300),
     "skipped: MedicationRequest/rx-tiny-period: lorazepam 1 MG Oral Tablet: more than 100,000 mg a day; add the dose by "
     "hand if it is right"),
    (_medication_request("rx-deep", depth=400), "skipped: MedicationRequest/rx-deep: nested more than 64 levels deep; not read"),
    (_medication_request("a" * 500), f"skipped: MedicationRequest/{'a' * 39}…: not valid FHIR R4 (id: String should have at "
                                     "most 255 characters)"),
    ({"resourceType": {"nested": "type"}, "id": "odd"},
     "skipped: record odd (export.json): its resourceType is not the name of a FHIR resource type; not read"),
    ({"resourceType": "Condition", "id": "c-\ud800", "code": {"text": "x"}, "recordedDate": "2031-01-01"},
     "skipped: Condition/c-\\ud800: holds text that is not valid Unicode (a lone surrogate such as \\ud800); not read"),
])
def test_a_bad_fhir_record_is_skipped_and_the_rest_is_imported(tmp_path: Path, record: dict[str, Any], skip: str) -> None:
    source = tmp_path / "export.json"
    source.write_text(json.dumps(_bundle_with(record)), encoding="utf-8")
    result = _fhir(source)
    _assert_clean(result)
    assert result.exit_code == 0
    assert skip in _skips(result)
    assert "export.json: 12 entries added, 5 skipped" in result.stdout.splitlines()


def test_a_record_nested_as_deep_as_the_limit_is_read(tmp_path: Path) -> None:
    source = tmp_path / "export.json"
    source.write_text(json.dumps(_bundle_with(_medication_request("rx-deep", depth=30))), encoding="utf-8")
    result = _fhir(source)
    _assert_clean(result)
    assert "added: lorazepam 2031-05-01: 1 mg/day (MedicationRequest/rx-deep)" in result.stdout.splitlines()


@pytest.mark.parametrize(("content", "message"), [
    ({"resourceType": "Bundle", "entry": 5}, "the Bundle's entry is not a list; not read"),
    ({"resourceType": "Bundle", "entry": {"resource": {}}}, "the Bundle's entry is not a list; not read"),
    ("[" * 100_000 + "]" * 100_000, "not valid JSON (nested too deeply); not read"),
    ([1, 2, 3], "not a FHIR resource (no resourceType); not read"),
])
def test_a_fhir_file_that_cannot_be_read_is_one_located_message(tmp_path: Path, content: object, message: str) -> None:
    source = tmp_path / "export.json"
    source.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
    result = _fhir(source)
    _assert_clean(result)
    assert result.exit_code == 1
    assert result.stderr == f"{source}: {message}\n"


def test_an_entry_that_is_not_a_list_skips_that_file_of_a_folder(tmp_path: Path) -> None:
    folder = tmp_path / "records"
    folder.mkdir()
    shutil.copy(EXPORT, folder / "export.json")
    (folder / "broken.json").write_text(json.dumps({"resourceType": "Bundle", "entry": 5}), encoding="utf-8")
    result = _fhir(folder)
    _assert_clean(result)
    assert result.exit_code == 0
    assert "skipped: file broken.json: the Bundle's entry is not a list; not read" in _skips(result)


# -- 2. bounded work ---------------------------------------------------------------------------------------


def _claims_every_cell(path: Path) -> Path:
    change = lambda xml: re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:XFD1048576"/>', xml)  # noqa: E731
    return _patch(_dose_sheet(path.parent, "whole.xlsx"), _SHEET, change, path)


def _far_empty_rows(path: Path) -> Path:
    rows = b"".join(b'<row r="%d" ht="20" customHeight="1"/>' % number for number in (10, 500_000, 1_048_576))
    return _patch(_dose_sheet(path.parent, "whole.xlsx"), _SHEET, _replace_value(b"</sheetData>", rows + b"</sheetData>"), path)


def _far_styled_cell(path: Path) -> Path:
    cell = b'<c r="XFD2" s="0"/>'
    return _patch(_dose_sheet(path.parent, "whole.xlsx"), _SHEET, _replace_value(b'<c r="C2" t="inlineStr"><is><t>1</t></is></c>',
                                                                                   b'<c r="C2" t="inlineStr"><is><t>1</t></is></c>' + cell), path)


@pytest.mark.parametrize("build", [_claims_every_cell, _far_empty_rows, _far_styled_cell])
def test_what_a_sheet_claims_about_its_size_costs_nothing(tmp_path: Path, build: Callable[[Path], Path]) -> None:
    result = _doses(build(tmp_path / "log.xlsx"))
    _assert_clean(result)
    assert result.exit_code == 0
    assert len(_added_doses(tmp_path)) == 3


def _zeros_part(size: int) -> Callable[[Path], Path]:
    def build(path: Path) -> Path:
        _dose_sheet(path.parent, "whole.xlsx")
        shutil.copy(path.parent / "whole.xlsx", path)
        with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
            with archive.open("xl/media/zeros.xml", "w", force_zip64=True) as part:
                chunk = bytes(1024 * 1024)
                for _ in range(size // len(chunk)):
                    part.write(chunk)
        return path
    return build


def _inline_string(length: int) -> Callable[[Path], Path]:
    def build(path: Path) -> Path:
        text = b"x" * length
        change = _replace_value(b"<t>clonazepam</t>", b"<t>" + text + b"</t>")
        return _patch(_dose_sheet(path.parent, "whole.xlsx"), _SHEET, change, path)
    return build


def _row_past_the_limit(path: Path) -> Path:
    row = b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>x</t></is></c></row>' % (MAX_ROWS + 1, MAX_ROWS + 1)
    return _patch(_dose_sheet(path.parent, "whole.xlsx"), _SHEET, _replace_value(b"</sheetData>", row + b"</sheetData>"), path)


def _column_past_the_limit(path: Path) -> Path:
    from openpyxl.utils import get_column_letter

    cell = f'<c r="{get_column_letter(MAX_COLUMNS + 1)}2" t="inlineStr"><is><t>x</t></is></c>'.encode()
    change = _replace_value(b'<c r="C2" t="inlineStr"><is><t>1</t></is></c>', b'<c r="C2" t="inlineStr"><is><t>1</t></is></c>' + cell)
    return _patch(_dose_sheet(path.parent, "whole.xlsx"), _SHEET, change, path)


@pytest.mark.parametrize(("build", "message"), [
    (_zeros_part(MAX_UNPACKED_BYTES + 1024 * 1024),
     "unpacked, the workbook's parts come to {size}; an .xlsx file is read only up to 52,428,800 bytes unpacked"),
    (_zeros_part(8 * 1024 * 1024), "the part 'xl/media/zeros.xml' is packed {ratio} to 1; a spreadsheet's parts are packed at "
                                   "most 100 to 1, so it is not read"),
    (_inline_string(MAX_CELL_CHARACTERS + 1), "row 2 has a cell of 32,768 characters; a cell is read only up to 32,767 characters"),
    (_inline_string(MAX_UNPACKED_BYTES), "unpacked, the workbook's parts come to {size}; an .xlsx file is read only up to "
                                         "52,428,800 bytes unpacked"),
    (_row_past_the_limit, "row 100,001 holds values; a spreadsheet is read only up to row 100,000"),
    (_column_past_the_limit, "row 2 has a value in column 201; a spreadsheet is read only up to column 200"),
])
def test_an_xlsx_file_past_a_limit_is_refused_with_the_limit(tmp_path: Path, build: Callable[[Path], Path], message: str) -> None:
    file = build(tmp_path / "log.xlsx")
    result = _doses(file)
    _assert_clean(result)
    assert result.exit_code == 1
    pattern = re.escape(f"{file}: {message}").replace(re.escape("{size}"), r"[\d,]+ bytes").replace(re.escape("{ratio}"), r"[\d,]+")
    assert re.fullmatch(pattern + "\n", result.stderr), result.stderr


@pytest.mark.parametrize(("text", "message"), [
    ("date,drug,dose\n" + "2031-01-01,clonazepam,1\n" * MAX_ROWS, "row 100,001 holds values; a spreadsheet is read only up to row 100,000"),
    ("date,drug,dose\n" + "x," * MAX_COLUMNS + "x\n", "row 2 has a value in column 201; a spreadsheet is read only up to column 200"),
    ("date,drug,dose\n2031-01-01,clonazepam,1," + "n" * (MAX_CELL_CHARACTERS + 1) + "\n",
     "row 2 has a cell of 32,768 characters; a cell is read only up to 32,767 characters"),
    ("date,drug,dose\n2031-01-01,clonazepam,\"" + "n" * 200_000 + "\"\n",
     "line 2 has a cell of more than 32,767 characters; a cell is read only up to 32,767 characters"),
])
def test_a_csv_file_past_a_limit_is_refused_with_the_limit(tmp_path: Path, text: str, message: str) -> None:
    file = tmp_path / "log.csv"
    file.write_text(text, encoding="utf-8")
    result = _doses(file)
    _assert_clean(result)
    assert result.exit_code == 1
    assert result.stderr == f"{file}: {message}\n"
    assert "n" * 41 not in result.stderr


def test_blank_lines_past_the_last_row_are_passed_over(tmp_path: Path) -> None:
    file = tmp_path / "log.csv"
    file.write_text("date,drug,dose\n2031-01-01,clonazepam,1\n" + ",,\n" * (MAX_ROWS + 5), encoding="utf-8")
    result = _doses(file)
    _assert_clean(result)
    assert result.exit_code == 0


def _fhir_bundle(records: int) -> dict[str, Any]:
    """An export of ``records`` resources: prescriptions, diagnoses and reports, a few a day."""
    entries: list[dict[str, Any]] = [{"resource": {"resourceType": "Patient", "id": "pt", "name": [{"text": "Ada Example"}]}}]
    drugs = ["clonazepam 0.5 MG Oral Tablet", "sertraline 50 MG Oral Tablet", "propranolol 10 MG Oral Tablet"]
    for number in range(records - 1):
        day = date.fromordinal(date(1990, 1, 1).toordinal() + number // 5).isoformat()
        if number % 5 < 3:
            resource = _medication_request(f"rx-{number}")
            resource["authoredOn"] = day
            resource["medicationCodeableConcept"] = {"text": drugs[(number // 5 + number % 5) % 3]}
        elif number % 5 == 3:
            resource = {"resourceType": "Condition", "id": f"c-{number}", "subject": {"reference": "Patient/pt"},
                        "recordedDate": day, "code": {"text": f"Finding {number}"}}
        else:
            resource = {"resourceType": "DiagnosticReport", "id": f"d-{number}", "status": "final", "effectiveDateTime": day,
                        "code": {"text": f"EEG {number}"}}
        entries.append({"resource": resource})
    return {"resourceType": "Bundle", "type": "collection", "entry": entries}


def test_fhir_import_work_grows_in_proportion_to_the_records(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = 0
    parse = PartialDate.parse.__func__  # type: ignore[attr-defined]

    def counted(cls: type[PartialDate], value: object) -> PartialDate:
        nonlocal calls
        calls += 1
        return parse(cls, value)  # type: ignore[no-any-return]

    monkeypatch.setattr(PartialDate, "parse", classmethod(counted))
    counts = []
    for records in (300, 1200):
        source = tmp_path / f"export-{records}.json"
        source.write_text(json.dumps(_fhir_bundle(records)), encoding="utf-8")
        calls = 0
        report = import_fhir_export(source)
        assert len(report.added) >= records - 1
        counts.append(calls)
    assert counts[1] < 5 * counts[0], counts  # four times the records: about four times the dates read, not sixteen


# -- 3. dates a spreadsheet cannot hold ----------------------------------------------------------------


def _date_cell(value: bytes, kind: bytes = b"") -> Callable[[bytes], bytes]:
    def change(xml: bytes) -> bytes:
        cell = re.search(rb'<c r="A3"[^>]*>.*?</c>', xml)
        assert cell is not None
        style = re.search(rb's="(\d+)"', cell.group()) or re.search(rb'<c r="A2" s="(\d+)"', xml)
        assert style is not None
        return xml.replace(cell.group(), b'<c r="A3" s="' + style.group(1) + b'"' + kind + b"><v>" + value + b"</v></c>")
    return change


@pytest.mark.parametrize(("value", "kind", "skip"), [
    (b"-5", b"", "the date cell holds the day number -5, before the first day a spreadsheet can hold (1900-01-01)"),
    (b"0", b"", "the date cell holds a time of day and no date"),
    (b"0.5", b"", "the date cell holds a time of day and no date"),
    (b"-0.5", b"", "the date cell holds the day number -0.5, before the first day a spreadsheet can hold (1900-01-01)"),
    (b"99999999", b"", "the date cell holds the day number 1e+08, after the year 9999"),
    (b"1" + b"0" * 400, b"", "the date cell holds a day number that is not a date"),
    (b"1850-03-01", b' t="d"', "the date cell holds a day in 1850, before 1900, the first year a spreadsheet can hold"),
])
def test_a_date_cell_before_1900_or_past_9999_skips_its_row(tmp_path: Path, value: bytes, kind: bytes, skip: str) -> None:
    rows: list[list[Any]] = [list(row) for row in _DOSE_ROWS]
    for row, day in zip(rows[1:], (1, 2, 3)):
        row[0] = date(2031, 1, day)
    file = _patch(_xlsx(tmp_path / "log.xlsx", rows, "yyyy-mm-dd"), _SHEET, _date_cell(value, kind))
    result = _doses(file)
    _assert_clean(result)
    assert result.exit_code == 0
    assert _skips(result) == [f"skipped: row 3: {skip}"]
    assert [dose.date.isoformat() for dose in _added_doses(tmp_path)] == ["2031-01-01", "2031-01-03"]


def test_the_first_day_of_1900_is_read(tmp_path: Path) -> None:
    rows: list[list[Any]] = [list(row) for row in _DOSE_ROWS]
    for row in rows[1:]:
        row[0] = date(2031, 1, 1)
    rows[1][0], rows[3][0] = date(1900, 1, 1), date(1900, 1, 3)
    file = _patch(_xlsx(tmp_path / "log.xlsx", rows, "yyyy-mm-dd"), _SHEET, _date_cell(b"2"))
    result = _doses(file)
    _assert_clean(result)
    assert "added: clonazepam 1900-01-01: 1 mg/day (row 2)" in result.stdout.splitlines()
    assert "added: clonazepam 1900-01-02: 2 mg/day (row 3)" in result.stdout.splitlines()


# -- 4. a folder of records: nothing outside it -----------------------------------------------------------


def test_links_out_of_a_fhir_folder_are_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "other.json").write_text(json.dumps(_bundle_with(_medication_request("rx-outside"))), encoding="utf-8")
    folder = tmp_path / "records"
    folder.mkdir()
    shutil.copy(EXPORT, folder / "export.json")
    (folder / "notes").mkdir()
    (folder / "notes" / "inside.json").write_text(json.dumps(_medication_request("rx-inside")), encoding="utf-8")
    os.symlink(outside / "other.json", folder / "out-link.json")
    os.symlink(outside, folder / "folder-link")
    os.symlink(folder / "notes" / "inside.json", folder / "in-link.json")
    os.symlink(folder / "loop-b.json", folder / "loop-a.json")
    os.symlink(folder / "loop-a.json", folder / "loop-b.json")
    result = _fhir(folder)
    _assert_clean(result)
    assert result.exit_code == 0
    assert _skips(result)[:4] == ["skipped: file folder-link: a link to a folder; not followed",
                                  "skipped: file loop-a.json: a link that leads to no file; not read",
                                  "skipped: file loop-b.json: a link that leads to no file; not read",
                                  "skipped: file out-link.json: a link to a file outside the folder; not read"]
    assert "rx-outside" not in result.stdout
    assert "added: lorazepam 2031-05-01: 1 mg/day (MedicationRequest/rx-inside)" in result.stdout.splitlines()


# -- 5. control characters in what is printed -----------------------------------------------------------------


@pytest.mark.parametrize(("drug", "shown"), [
    ("clonazepam\x1b[2J", "clonazepam\\x1b[2J"),
    ("clonazepam\a\x00", "clonazepam\\x07\\x00"),
    ("clonazepam\x9b31m", "clonazepam\\x9b31m"),
    ("clonazepam\nadded: forged", "clonazepam\\x0aadded: forged"),
    ("clonazepam\u202e", "clonazepam\u202e"),  # bidi marks are kept: right-to-left names need them
])
def test_control_characters_from_a_spreadsheet_are_escaped_in_the_report(tmp_path: Path, drug: str, shown: str) -> None:
    file = tmp_path / "log.csv"
    with file.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerows([["date", "drug", "dose", "note"], ["2031-01-01", drug, "1 tab", drug], ["2031-01-02", "clonazepam", "1", drug]])
    result = _doses(file)
    _assert_clean(result)
    assert f"skipped: row 2: '1 tab' is in tablets, and the tablet strength is not known; give it (--tablet-mg, " \
           "or '1/2 tab of 1 mg') or write the dose in mg" in result.stdout.splitlines()
    assert f"added: clonazepam 2031-01-02: 1 mg/day ({shown}) (row 3)" in result.stdout.splitlines()


def test_control_characters_in_a_file_level_message_are_escaped(tmp_path: Path) -> None:
    file = tmp_path / "log.csv"
    file.write_text("when\x1b[2J,drug,dose\n2031-01-01,clonazepam,1\n", encoding="utf-8")
    result = _doses(file, "--map", "Day=date")
    _assert_clean(result)
    assert result.exit_code == 1
    assert "'when\\x1b[2J'" in result.stderr


def test_control_characters_from_a_fhir_export_are_escaped(tmp_path: Path) -> None:
    record = _medication_request("rx-escape")
    record["medicationCodeableConcept"] = {"text": "lorazepam\x1b]0;title\x07 1 MG Oral Tablet"}
    record["dosageInstruction"][0]["text"] = "as needed\x1b[5m"
    record["dosageInstruction"][0]["asNeededBoolean"] = True
    source = tmp_path / "export.json"
    source.write_text(json.dumps(_bundle_with(record)), encoding="utf-8")
    result = _fhir(source)
    _assert_clean(result)
    assert ("skipped: MedicationRequest/rx-escape: lorazepam\\x1b]0;title\\x07 1 MG Oral Tablet: taken as needed, so it has "
            "no fixed daily dose (the instruction reads \"as needed\\x1b[5m\")") in _skips(result)


def test_the_interview_echoes_control_characters_as_escapes(tmp_path: Path) -> None:
    from test_init import NEW_CASE_ANSWERS

    answers = list(NEW_CASE_ANSWERS)
    assert answers[2] == "14/08/71"
    answers[2] = "\x1b]0;owned\x07 14/08/71"
    output = tmp_path / "case.yaml"
    result = runner.invoke(input_app(), ["init", "-o", str(output)], input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.output
    assert "'\\x1b]0;owned\\x07 14/08/71' is not a date docgen can read" in result.stdout
    assert result.stdout.count(answers[2]) == 1  # the test runner's echo of what was typed, as a terminal shows it
    result.stdout_bytes = result.stdout_bytes.replace(answers[2].encode(), b"")
    _assert_clean(result)


# -- 6. formulas stay text -------------------------------------------------------------------------------------


def test_a_formula_in_a_csv_cell_is_text(tmp_path: Path) -> None:
    file = tmp_path / "log.csv"
    file.write_text('date,drug,dose,note\n2031-01-01,clonazepam,1,"=HYPERLINK(""http://example.org"",""x"")"\n'
                    "2031-01-02,=1+1,1,\n2031-01-03,clonazepam,1,@SUM(A1)\n2031-01-04,clonazepam,+1,-2\n", encoding="utf-8")
    result = _doses(file)
    _assert_clean(result)
    doses = {dose.date.isoformat(): dose for dose in _added_doses(tmp_path)}
    assert doses["2031-01-01"].note == '=HYPERLINK("http://example.org","x")'
    assert doses["2031-01-03"].note == "@SUM(A1)"
    assert _skips(result) == ["skipped: row 5: '+1' has an empty part around '+'"]
    assert load_case(tmp_path / "out.yaml").medications[-1].drug == "=1+1"


def test_a_formula_in_an_xlsx_cell_counts_by_its_saved_value_and_is_never_evaluated(tmp_path: Path) -> None:
    file = _dose_sheet(tmp_path)
    change = _replace_value(b'<c r="B2" t="inlineStr"><is><t>clonazepam</t></is></c>',
                            b'<c r="B2" t="str"><f>HYPERLINK("http://example.org","x")</f><v>clonazepam</v></c>')
    _patch(file, _SHEET, change)
    _patch(file, _SHEET, _replace_value(b'<c r="B3" t="inlineStr"><is><t>clonazepam</t></is></c>',
                                        b'<c r="B3"><f>1+1</f></c>'))
    _patch(file, _SHEET, _replace_value(b'<c r="B4" t="inlineStr"><is><t>clonazepam</t></is></c>',
                                        b'<c r="B4" t="inlineStr"><is><t>=cmd|\' /C calc\'!A0</t></is></c>'))
    result = _doses(file)
    _assert_clean(result)
    assert "skipped: row 3: no drug named (fill in the drug column, or use --drug)" in _skips(result)
    case = load_case(tmp_path / "out.yaml")
    assert [dose.date.isoformat() for dose in _added_doses(tmp_path)] == ["2031-01-01"]
    assert case.medications[-1].drug == "=cmd|' /C calc'!A0"


# -- the property: any rows at all -----------------------------------------------------------------------------

_TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)
_NUMBERS = st.integers(min_value=1, max_value=500).flatmap(lambda digits: st.text("0123456789", min_size=digits, max_size=digits))
_DATES = st.one_of(
    st.dates(min_value=date(1, 1, 1)).map(date.isoformat),
    st.sampled_from(["-5", "0", "1e400", "2024-02-30", "31/12/1899", "9999-12-31", "0000-00-00", "3/5/2024", "June",
                     "2024-13", "1/1/99999", "９/９/２０２４", "٢٠٢٤"]),
    _TEXT,
)
_DOSE_TEXT = st.one_of(_NUMBERS, _NUMBERS.map(lambda digits: f"{digits[:3]}.{digits} mg"), _TEXT,
                       st.sampled_from(["1/0 tab", "½ tab", "1 + ", "every 0 hours", "x9", "1e23", "-1", "NaN", "inf"]))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(_DATES, st.one_of(_TEXT, st.just("clonazepam")), _DOSE_TEXT, _TEXT), min_size=1, max_size=6))
def test_any_csv_rows_are_imported_or_skipped_with_a_reason(rows: list[tuple[str, str, str, str]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        file = Path(folder) / "log.csv"
        with file.open("w", encoding="utf-8", newline="") as stream:
            csv.writer(stream).writerows([["date", "drug", "dose", "note"], *rows])
        result = _doses(file)
        _assert_clean(result)
        assert result.exit_code == 0, result.output
        lines = result.stdout.splitlines()
        reported = {int(number) for line in lines for number in re.findall(r"^(?:added|skipped): .*?\(?row (\d+)\)?", line)}
        written = len([row for row in csv.reader(io.StringIO(file.read_text(encoding="utf-8")))])
        blank = {number for number, row in enumerate(csv.reader(io.StringIO(file.read_text(encoding="utf-8"))), start=1)
                 if not any(cell.strip() for cell in row)}
        assert reported | blank >= set(range(2, written + 1)), result.stdout
        for line in lines:
            if line.startswith("skipped: row"):
                assert len(line) < 400, line
