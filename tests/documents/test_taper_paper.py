"""The taper on paper never disagrees with `docgen taper --csv`: the calendar (its grid, its table
of steps, its .ics file), the pharmacy sheet and the taper request show the same dates, doses and
make-ups, line by line. The calendar's return log goes back in through `docgen import`."""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path

import icalendar
import pytest
from conftest import ROOT, TODAY, folded, pdf_pages
from taper_paper import calendar_days, csv_rows, display, table_rows
from typer.testing import CliRunner

from docgen.case.loading import load_case
from docgen.cli import app
from docgen.documents import document_kind
from docgen.markup.blocks import Table, plain
from docgen.options import Options
from docgen.pipeline import build_document, generate

SAMPLES = ROOT / "samples"
PLANNED = [SAMPLES / "taper-with-therapist.yaml", SAMPLES / "bind-labelled-fnd.yaml"]
OPTIONS = Options(today=TODAY)
runner = CliRunner()


def _document(case_file: Path, name: str, options: Options = OPTIONS):  # type: ignore[no-untyped-def]
    return build_document(load_case(case_file), document_kind(name), options)


def _dose_line(row: dict[str, str]) -> str:
    return "STOP: 0 mg" if row["mg_per_day"] == "0" else f"{row['mg_per_day']} mg"


@pytest.mark.parametrize("large", [False, True], ids=["regular", "large-print"])
@pytest.mark.parametrize("case_file", PLANNED, ids=lambda path: path.stem)
def test_the_calendar_grid_has_every_step_of_the_csv_on_its_day(case_file: Path, large: bool) -> None:
    rows = csv_rows(case_file)
    days = calendar_days(_document(case_file, "calendar", Options(today=TODAY, large_print=large)))
    new_days = sorted(day for day, lines in days.items() if "NEW DOSE" in lines)
    assert new_days == [date.fromisoformat(row["date"]) for row in rows]  # line by line, in order
    for row in rows:
        day = date.fromisoformat(row["date"])
        lines = days[day]
        assert lines[0] == "NEW DOSE" and lines[1] == _dose_line(row)
        if row["makeup"]:
            made = lines[2:lines.index("☐ ___/10")]
            assert " + ".join(made) == row["makeup"]
    # every day between two steps has the earlier step's dose, and each check-in is a week on
    starts = [date.fromisoformat(row["date"]) for row in rows]
    ends = starts[1:] + [max(days) + timedelta(days=1)]
    for row, start, end in zip(rows, starts, ends):
        for offset in range((end - start).days):
            day = start + timedelta(days=offset)
            shown = days[day][1] if day == start else days[day][0]
            stopped_since = row["mg_per_day"] == "0" and day > start
            assert shown == ("stopped" if stopped_since else _dose_line(row)), day
        if start + timedelta(days=7) < end:
            assert "CHECK IN" in days[start + timedelta(days=7)]


@pytest.mark.parametrize("case_file", PLANNED, ids=lambda path: path.stem)
def test_every_table_of_steps_is_the_csv_line_by_line(case_file: Path) -> None:
    rows = csv_rows(case_file)
    expected = [[row["step"], display(row["date"]), row["mg_per_day"]] for row in rows]
    calendar = table_rows(_document(case_file, "calendar"), "Step", "From", "Dose a day", "Made of")
    assert [[cells[0], cells[1], cells[2].removesuffix(" (stop)").removesuffix(" mg")] for cells in calendar] == expected
    assert [cells[3] for cells in calendar] == [row["makeup"] or "none" for row in rows]
    pharmacy = table_rows(_document(case_file, "pharmacy"), "Step", "From", "Until", "mg a day", "Sig")
    assert [[cells[0], cells[1], cells[3]] for cells in pharmacy] == expected
    for cells, row in zip(pharmacy, rows):
        assert row["makeup"] in cells[4] if row["makeup"] else cells[4] == "Stop: no more doses."
    request = table_rows(_document(case_file, "taper-request"), "Step", "From", "mg/day", "Change", "Made of")
    assert [[cells[0], cells[1], cells[2].removesuffix(" (stop)")] for cells in request] == expected[:len(request)]
    assert [cells[4] for cells in request] == [row["makeup"] or "—" for row in rows[:len(request)]]
    assert len(request) == 6


@pytest.mark.parametrize("case_file", PLANNED, ids=lambda path: path.stem)
def test_the_ics_file_has_an_event_for_each_step_and_each_check_in(case_file: Path) -> None:
    rows = csv_rows(case_file)
    data = generate(load_case(case_file), "calendar", "ics", OPTIONS)
    parsed = icalendar.Calendar.from_ical(data)
    events = [component for component in parsed.walk("VEVENT")]
    doses = [event for event in events if "check in" not in str(event["SUMMARY"])]
    assert [event["DTSTART"].dt for event in doses] == [date.fromisoformat(row["date"]) for row in rows]
    for event, row in zip(doses, rows):
        summary, description = str(event["SUMMARY"]), str(event["DESCRIPTION"])
        assert summary.endswith("stop (0 mg a day)") if row["mg_per_day"] == "0" else \
            summary.endswith(f"new dose, {row['mg_per_day']} mg a day")
        if row["makeup"]:
            assert f"made of {row['makeup']}" in description
        assert event["DTEND"].dt == event["DTSTART"].dt + timedelta(days=1)
    checks = [event["DTSTART"].dt for event in events if "check in" in str(event["SUMMARY"])]
    assert checks == [date.fromisoformat(row["date"]) + timedelta(days=7) for row in rows]
    uids = [str(event["UID"]) for event in events]
    assert len(set(uids)) == len(uids) and all(uid.endswith("@docgen") for uid in uids)
    assert {event["DTSTAMP"].dt.isoformat() for event in events} == {"2026-11-22T00:00:00+00:00"}
    assert load_case(case_file).patient.name.encode() not in data  # the name stays out of a synced calendar
    assert generate(load_case(case_file), "calendar", "ics", OPTIONS) == data
    # the same step keeps its uid whatever the generation date
    later = icalendar.Calendar.from_ical(generate(load_case(case_file), "calendar", "ics", Options(today=date(2027, 3, 1))))
    assert [str(event["UID"]) for event in later.walk("VEVENT")] == uids


@pytest.mark.parametrize("case_file", PLANNED, ids=lambda path: path.stem)
def test_the_pdf_and_docx_say_what_the_blocks_say(case_file: Path) -> None:
    case = load_case(case_file)
    rows = csv_rows(case_file)
    pages = [folded(page) for page in pdf_pages(generate(case, "calendar", "pdf", OPTIONS))]
    assert sum(page.count("NEW DOSE") for page in pages) == len(rows) + 1  # and once in the key
    grids = [page for page in pages if " Sun Mon Tue Wed Thu Fri Sat " in f" {page} "]
    assert grids and all("Slow or pause if" in page for page in grids)  # the plan's rule on every page
    months = {(day.year, day.month) for day in calendar_days(build_document(case, document_kind("calendar"), OPTIONS))}
    assert len(grids) == len(months)  # one month a page: none runs over


# -- the return log goes back in ------------------------------------------------------------------------


def _log_headers(name: str) -> list[str]:
    document = _document(PLANNED[0], "calendar")
    headings = [index for index, block in enumerate(document.blocks) if plain(getattr(block, "spans", ())) == name]
    table = next(block for block in document.blocks[headings[0]:] if isinstance(block, Table))
    assert all(not any(plain(cell) for cell in row) for row in table.rows)  # blank, to be filled in
    return [plain(cell) for cell in table.header]


def test_the_return_logs_are_read_back_by_docgen_import(tmp_path: Path) -> None:
    case = tmp_path / "case.yaml"
    shutil.copy(PLANNED[0], case)
    doses = _log_headers("Return log: doses")
    assert doses == ["Date", "Medication", "Dose (mg a day)", "Notes"]
    (tmp_path / "doses.csv").write_text(
        ",".join(doses) + "\n" + "18 Jan 2027,diazepam,10.5,held half a step\n2027-01-25,diazepam,10,\n",
        encoding="utf-8")
    result = runner.invoke(app, ["import", "doses", str(tmp_path / "doses.csv"), "--into", str(case), "--force"])
    assert result.exit_code == 0, result.output
    symptoms = _log_headers("Return log: symptoms")
    assert symptoms == ["Date", "Symptom", "Severity (0-10)", "Notes"]
    (tmp_path / "symptoms.csv").write_text(
        ",".join(symptoms) + "\n" + "2027-01-18,tinnitus,6,louder after the step\n"
        "19 Jan 2027,withdrawal symptoms overall,4,the day's score from the calendar\n", encoding="utf-8")
    result = runner.invoke(app, ["import", "symptoms", str(tmp_path / "symptoms.csv"), "--into", str(case), "--force"])
    assert result.exit_code == 0, result.output
    loaded = load_case(case)
    diazepam = next(medication for medication in loaded.medications if medication.drug == "diazepam")
    added = [(dose.date.isoformat(), dose.mg_per_day, dose.note) for dose in diazepam.doses[-2:]]
    assert added == [("2027-01-18", 10.5, "held half a step"), ("2027-01-25", 10, None)]
    tinnitus = next(symptom for symptom in loaded.symptoms if symptom.name == "tinnitus")
    assert [(point.date.isoformat(), point.severity) for point in tinnitus.course] == [("2027-01-18", 6)]
    overall = next(symptom for symptom in loaded.symptoms if symptom.name == "withdrawal symptoms overall")
    assert overall.onset.isoformat() == "2027-01-19"


# -- the packet ----------------------------------------------------------------------------------------------


def test_a_packet_of_a_planned_taper_holds_all_three_in_every_format(tmp_path: Path) -> None:
    result = runner.invoke(app, ["packet", str(PLANNED[0]), "--out", str(tmp_path / "packet"), "--date", "2026-11-22"])
    assert result.exit_code == 0, result.output
    names = sorted(path.name for path in (tmp_path / "packet").iterdir())
    for expected in ("calendar.pdf", "calendar.docx", "calendar.ics", "pharmacy.pdf", "pharmacy.docx",
                     "taper-request.pdf", "taper-request.docx"):
        assert expected in names
    sums = (tmp_path / "packet" / "SHA256SUMS").read_text(encoding="utf-8")
    assert "  calendar.ics\n" in sums
