"""Dose logs and symptom diaries in: the date and dose readers, the spreadsheet reader, the merge
into a case file (entry by entry, with sources), and the `docgen import doses|symptoms` commands."""

from __future__ import annotations

import math
import shutil
from datetime import date, datetime
from fractions import Fraction
from pathlib import Path

import pytest
from conftest import ROOT, input_app
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from docgen.case.dates import PartialDate
from docgen.case.loading import load_case
from docgen.intake.amount_text import parse_dose_text, parse_severity_text
from docgen.intake.case_document import CaseDocument
from docgen.intake.date_text import DateOrder, parse_date_text
from docgen.intake.errors import AmbiguousDateError, EntryError, ImportFileError
from docgen.intake.log_import import (
    DoseLogOptions,
    SymptomDiaryOptions,
    import_dose_log,
    import_symptom_diary,
)

SAMPLES = ROOT / "samples"
CASE = SAMPLES / "bind-labelled-fnd.yaml"
DOSE_LOG = SAMPLES / "dose-log.csv"
DIARY = SAMPLES / "symptom-diary.csv"
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]


# -- reading dates ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    ("2024-03-05", "2024-03-05"),
    ("2024-3-5", "2024-03-05"),
    ("2024/03/05", "2024-03-05"),
    ("2024-03-05 00:00:00", "2024-03-05"),
    ("2024-03-05T10:00:00Z", "2024-03-05"),
    ("2024-03", "2024-03"),
    ("03/2024", "2024-03"),
    ("2024", "2024"),
    ("5 Mar 2024", "2024-03-05"),
    ("5-Mar-2024", "2024-03-05"),
    ("March 5, 2024", "2024-03-05"),
    ("14th of August 1971", "1971-08-14"),
    ("14 Aug 1971", "1971-08-14"),
    ("June 2019", "2019-06"),
    ("Mar. 2024", "2024-03"),
    ("Sept 2020", "2020-09"),
    ("13/5/2024", "2024-05-13"),
    ("5/13/2024", "2024-05-13"),
    ("5/5/2024", "2024-05-05"),
])
def test_dates_people_type(text: str, expected: str) -> None:
    assert parse_date_text(text).isoformat() == expected


@pytest.mark.parametrize(("text", "message"), [
    ("3/5/2024", "'3/5/2024' could be 3 May 2024 or 5 Mar 2024; write it as 2024-05-03 or 3 May 2024"),
    ("3/5/24", "'3/5/24' has a two-digit year; write the year in full (1924 or 2024)"),
    ("Feb 30 2023", "'Feb 30 2023': Feb 2023 has no day 30"),
    ("Mar 5", "'Mar 5' has no year; expected a date such as 2024-03-05, 5 Mar 2024, March 2024, 2024-03 or 2024"),
    ("mid April", "'mid April' is not a date docgen can read; expected a date such as 2024-03-05, 5 Mar 2024, March 2024, 2024-03 or 2024"),
    ("13/14/2024", "'13/14/2024' has no month (neither 13 nor 14 is 1 to 12)"),
    ("", "no date given; expected a date such as 2024-03-05, 5 Mar 2024, March 2024, 2024-03 or 2024"),
])
def test_dates_that_would_need_a_guess_are_refused(text: str, message: str) -> None:
    with pytest.raises(EntryError) as caught:
        parse_date_text(text)
    assert str(caught.value) == message


def test_an_ambiguous_date_reads_with_a_stated_order() -> None:
    with pytest.raises(AmbiguousDateError):
        parse_date_text("3/5/2024")
    assert parse_date_text("3/5/2024", DateOrder.DAY_FIRST) == PartialDate(2024, 5, 3)
    assert parse_date_text("3/5/2024", DateOrder.MONTH_FIRST) == PartialDate(2024, 3, 5)
    with pytest.raises(EntryError, match="month 13 does not exist"):
        parse_date_text("5/13/2024", DateOrder.DAY_FIRST)  # a stated order is followed, not second-guessed


_DAYS = st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31))


@given(_DAYS, st.sampled_from(["iso", "day month", "day mon", "month day", "ordinal", "year first words"]))
def test_any_day_in_a_supported_style_reads_back_as_itself(day: date, style: str) -> None:
    month = MONTHS[day.month - 1]
    text = {
        "iso": day.isoformat(),
        "day month": f"{day.day} {month} {day.year}",
        "day mon": f"{day.day} {month[:3]} {day.year}",
        "month day": f"{month} {day.day}, {day.year}",
        "ordinal": f"{day.day}{'th' if 4 <= day.day <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(day.day % 10, 'th')} of {month} {day.year}",
        "year first words": f"{day.year} {month} {day.day}",
    }[style]
    assert parse_date_text(text) == PartialDate.of(day)


@given(_DAYS, st.sampled_from(["iso", "name", "short name", "numeric"]))
def test_any_month_reads_back_as_that_month(day: date, style: str) -> None:
    month = MONTHS[day.month - 1]
    text = {"iso": f"{day.year}-{day.month:02d}", "name": f"{month} {day.year}", "short name": f"{month[:3]} {day.year}",
            "numeric": f"{day.month:02d}/{day.year}"}[style]
    assert parse_date_text(text) == PartialDate(day.year, day.month)


@given(_DAYS)
def test_all_number_dates_read_back_in_the_stated_order_and_unambiguous_ones_without(day: date) -> None:
    day_first = f"{day.day}/{day.month}/{day.year}"
    month_first = f"{day.month}.{day.day}.{day.year}"
    assert parse_date_text(day_first, DateOrder.DAY_FIRST) == PartialDate.of(day)
    assert parse_date_text(month_first, DateOrder.MONTH_FIRST) == PartialDate.of(day)
    if day.day > 12 or day.day == day.month:
        assert parse_date_text(day_first) == PartialDate.of(day)
        assert parse_date_text(month_first) == PartialDate.of(day)
    else:
        with pytest.raises(AmbiguousDateError):
            parse_date_text(day_first)


@given(st.integers(min_value=1, max_value=9999))
def test_any_year_reads_back_as_that_year(year: int) -> None:
    assert parse_date_text(f"{year:04d}") == PartialDate(year)


# -- reading doses ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "tablet_mg", "mg", "note"), [
    ("0.5 mg", None, 0.5, None),
    ("0.5", None, 0.5, None),
    (".5mg", None, 0.5, None),
    ("0.5 mg/day", None, 0.5, None),
    ("1/2 tab", 1.0, 0.5, "1/2 tab (1 mg tablets)"),
    ("half a tablet", 0.5, 0.25, "half a tablet (0.5 mg tablets)"),
    ("1 1/2 tabs", 0.5, 0.75, "1 1/2 tabs (0.5 mg tablets)"),
    ("1½ tabs", 1.0, 1.5, "1½ tabs (1 mg tablets)"),
    ("one and a half tablets", 2.0, 3.0, "one and a half tablets (2 mg tablets)"),
    ("three quarters of a tab", 1.0, 0.75, "three quarters of a tab (1 mg tablets)"),
    ("1/2 tab of 1 mg", None, 0.5, "1/2 tab of 1 mg"),
    ("half of a 0.5 mg tablet", None, 0.25, "half of a 0.5 mg tablet"),
    ("0.5 mg twice a day", None, 1.0, "0.5 mg twice a day"),
    ("1/2 tab bid", 1.0, 1.0, "1/2 tab bid (1 mg tablets)"),
    ("10 mg three times a day", None, 30.0, "10 mg three times a day"),
    ("1 mg q8h", None, 3.0, "1 mg q8h"),
    ("0.5 mg every 12 hours", None, 1.0, "0.5 mg every 12 hours"),
    ("1 tab x2", 0.5, 1.0, "1 tab x2 (0.5 mg tablets)"),
    ("1 mg + 0.5 mg", None, 1.5, "1 mg + 0.5 mg"),
    ("500 mcg", None, 0.5, "500 mcg"),
    ("0", None, 0.0, None),
    ("stopped", None, 0.0, "stopped"),
])
def test_doses_people_write(text: str, tablet_mg: float | None, mg: float, note: str | None) -> None:
    reading = parse_dose_text(text, tablet_mg)
    assert (reading.mg_per_day, reading.note) == (mg, note)


@pytest.mark.parametrize(("text", "reason"), [
    ("1/2 tab", "'1/2 tab' is in tablets, and the tablet strength is not known; give it (--tablet-mg, or '1/2 tab of 1 mg') or write the dose in mg"),
    ("1/2", "'1/2' has no unit; write '1/2 tab' (with --tablet-mg) or the dose in mg"),
    ("0,5 mg", "'0,5 mg' has a decimal comma; write it with a point (0.5, not 0,5)"),
    ("5 ml", "'5 ml' is a liquid measure; docgen cannot know the liquid's strength, so give the dose in mg"),
    ("as needed", "'as needed' is taken as needed: it has no fixed daily dose; give the total taken that day in mg"),
    ("1 mg every other day", "'1 mg every other day' is not taken every day; the case records a total dose per day, so enter it by hand with a note"),
    ("1 mg twice a day daily", "'1 mg twice a day daily' gives two frequencies; write one, or the daily total in mg"),
    ("1 mg every 5 hours", "'1 mg every 5 hours': every 5 hours is not a whole number of doses a day; give the daily total in mg"),
    ("lots", "'lots' is not a dose docgen can read; expected a dose such as \"0.5 mg\", \"1\", \"1/2 tab\", \"half a tablet\", \"1 1/2 tabs\", \"0.5 mg twice a day\""),
    ("", "no dose given; expected a dose such as \"0.5 mg\", \"1\", \"1/2 tab\", \"half a tablet\", \"1 1/2 tabs\", \"0.5 mg twice a day\""),
])
def test_doses_that_would_need_a_guess_are_refused(text: str, reason: str) -> None:
    with pytest.raises(EntryError) as caught:
        parse_dose_text(text)
    assert str(caught.value) == reason


def test_a_column_of_tablet_counts() -> None:
    reading = parse_dose_text("2", tablet_mg=0.5, default_unit="tablet")
    assert (reading.mg_per_day, reading.note) == (1.0, "2 × 0.5 mg tablet")


_STRENGTHS = st.sampled_from([0.125, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 0.0625, 25.0])


@given(st.integers(min_value=1, max_value=12), st.integers(min_value=1, max_value=8), _STRENGTHS,
       st.sampled_from(["tab", "tabs", "tablet", "tablets", "pill"]))
def test_a_fraction_of_a_tablet_is_that_fraction_of_its_strength(numerator: int, denominator: int, strength: float, unit: str) -> None:
    reading = parse_dose_text(f"{numerator}/{denominator} {unit}", tablet_mg=strength)
    assert math.isclose(reading.mg_per_day, numerator / denominator * strength, abs_tol=1e-6)


@given(st.integers(min_value=0, max_value=6), st.integers(min_value=1, max_value=3), st.integers(min_value=2, max_value=4), _STRENGTHS)
def test_whole_and_fraction_of_tablets(whole: int, numerator: int, denominator: int, strength: float) -> None:
    reading = parse_dose_text(f"{whole} {numerator}/{denominator} tabs", tablet_mg=strength)
    assert math.isclose(reading.mg_per_day, (whole + numerator / denominator) * strength, abs_tol=1e-6)


@given(st.decimals(min_value=0, max_value=3000, places=4, allow_nan=False, allow_infinity=False),
       st.sampled_from([("", 1), (" mg", 1), ("mg", 1), (" mg twice a day", 2), (" mg three times daily", 3), (" mg bid", 2)]))
def test_milligrams_read_back_exactly(amount: object, suffix: tuple[str, int]) -> None:
    text = f"{amount}{suffix[0]}"
    expected = float(round(Fraction(str(amount)) * suffix[1], 6))
    assert parse_dose_text(text).mg_per_day == expected


@pytest.mark.parametrize(("text", "expected"), [("7", 7), ("7/10", 7), ("7 out of 10", 7), ("0", 0), ("10/10", 10)])
def test_severities(text: str, expected: int) -> None:
    assert parse_severity_text(text) == expected


@pytest.mark.parametrize("text", ["7.5", "11", "-1", "bad", ""])
def test_severities_outside_the_scale_are_refused(text: str) -> None:
    with pytest.raises(EntryError):
        parse_severity_text(text)


# -- the sample dose log, merged into a sample case -------------------------------------------------


def _dose_entries(document: CaseDocument, drug: str) -> list[tuple[str, float, str | None, str | None]]:
    case = document.check()
    medication = next(item for item in case.medications if item.drug == drug)
    return [(dose.date.isoformat(), dose.mg_per_day, dose.note, dose.source) for dose in medication.doses]


def test_the_sample_dose_log_is_merged_entry_by_entry() -> None:
    document = CaseDocument.load(CASE)
    before = _dose_entries(document, "clonazepam")
    report = import_dose_log(DOSE_LOG, document, DoseLogOptions(tablet_mg=0.5))
    after = _dose_entries(document, "clonazepam")
    added = [entry for entry in after if entry not in before]
    assert added == [
        ("2024-03-01", 2.0, "4 tabs (0.5 mg tablets); 1 mg twice daily, before the taper", "imported from dose-log.csv row 2"),
        ("2024-03-11", 1.5, "3 tabs (0.5 mg tablets)", "imported from dose-log.csv row 5"),
        ("2024-03-25", 0.75, "1 1/2 tabs (0.5 mg tablets); cut early, on my own", "imported from dose-log.csv row 7"),
        ("2024-04-15", 0.25, "half a tablet (0.5 mg tablets); could not sleep at all", "imported from dose-log.csv row 11"),
        ("2024-05-27", 1.0, None, "imported from dose-log.csv row 15"),
        ("2024-06-10", 1.0, "two tablets (0.5 mg tablets)", "imported from dose-log.csv row 17"),
    ]
    assert [entry for entry in after if entry in before] == before  # nothing there was changed or lost
    assert [date_ for date_, *_rest in after] == sorted(date_ for date_, *_rest in after)  # in date order
    assert _dose_entries(document, "baclofen") == _dose_entries(CaseDocument.load(CASE), "baclofen")
    assert report.skipped == [
        "row 3: already in the case (clonazepam 2024-03-04: 1.5 mg/day)",
        "row 6: already in the case (clonazepam 2024-03-18: 1 mg/day)",
        "row 9: '4/8/2024' could be 4 Aug 2024 or 8 Apr 2024; write it as 2024-08-04 or 4 Aug 2024 "
        "(or say how the file writes dates: --day-first or --month-first)",
        "row 10: already in the case (clonazepam 2024-04-01: 0.5 mg/day)",
        "row 12: 'mid April' is not a date docgen can read; expected a date such as 2024-03-05, 5 Mar 2024, March 2024, 2024-03 or 2024",
        "row 13: 'as needed' is taken as needed: it has no fixed daily dose; give the total taken that day in mg",
        "row 14: already in the case (clonazepam 2024-05-13: 1 mg/day)",
        "row 16: already in the case (baclofen 2024-06-03: 15 mg/day)",
    ]
    assert report.notes == [
        "14 rows read from dose-log.csv (date <- 'Date', drug <- 'Medication', dose <- 'Dose', note <- 'Notes')",
        "3 blank rows passed over",
    ]
    assert report.lines()[-1] == "dose-log.csv: 6 entries added, 8 skipped"


def test_importing_the_same_log_twice_adds_nothing_the_second_time() -> None:
    document = CaseDocument.load(CASE)
    import_dose_log(DOSE_LOG, document, DoseLogOptions(tablet_mg=0.5))
    again = import_dose_log(DOSE_LOG, document, DoseLogOptions(tablet_mg=0.5))
    assert again.added == []


def test_a_stated_date_order_reads_the_ambiguous_row() -> None:
    document = CaseDocument.load(CASE)
    report = import_dose_log(DOSE_LOG, document, DoseLogOptions(tablet_mg=0.5, order=DateOrder.MONTH_FIRST))
    assert "clonazepam 2024-04-08: 0.5 mg/day (1 tab (0.5 mg tablets)) (row 9)" in report.added


def test_a_dose_that_contradicts_the_case_is_refused_not_replaced(tmp_path: Path) -> None:
    log = tmp_path / "log.csv"
    log.write_text("date,dose\n2024-03-04,2 mg\n", encoding="utf-8")
    document = CaseDocument.load(CASE)
    report = import_dose_log(log, document, DoseLogOptions(drug="Klonopin"))
    assert report.skipped == ["row 2: the case already has 1.5 mg/day of clonazepam on 2024-03-04, not 2; "
                              "not replaced (a day has one total daily dose)"]
    assert ("2024-03-04", 1.5) in [(d, mg) for d, mg, *_ in _dose_entries(document, "clonazepam")]


def test_two_different_doses_for_one_day_are_both_skipped(tmp_path: Path) -> None:
    log = tmp_path / "log.csv"
    log.write_text("when;med;amount\n2030-01-02;diazepam;5 mg\n2030-01-02;Valium;2 mg\n2030-01-03;diazepam;5\n2030-01-03;diazepam;5 mg\n",
                   encoding="utf-8")
    document = CaseDocument.load(CASE)
    report = import_dose_log(log, document)
    assert report.added == ["new medication diazepam", "diazepam 2030-01-03: 5 mg/day (row 4)"]
    assert report.skipped == [
        "row 2: rows 2, 3 give different values for the same day; none of them is used (correct the file, then import it again)",
        "row 3: rows 2, 3 give different values for the same day; none of them is used (correct the file, then import it again)",
        "row 5: the same as row 4",
    ]


def test_a_new_brand_name_is_recorded_under_its_generic_name(tmp_path: Path) -> None:
    log = tmp_path / "log.csv"
    log.write_text("Day,Drug,Dose (mg),Comment\n2030-02,Ativan,1\n", encoding="utf-8")
    document = CaseDocument.load(CASE)
    report = import_dose_log(log, document)
    assert report.added == ["new medication lorazepam (brand Ativan)", "lorazepam 2030-02: 1 mg/day (row 2)"]


# -- the sample symptom diary -----------------------------------------------------------------------


def test_the_sample_symptom_diary_is_merged_entry_by_entry() -> None:
    document = CaseDocument.load(CASE)
    original = {symptom.name: symptom for symptom in CaseDocument.load(CASE).check().symptoms}
    report = import_symptom_diary(DIARY, document)
    symptoms = {symptom.name: symptom for symptom in document.check().symptoms}

    def new_points(name: str) -> list[tuple[str, int, str | None, str | None]]:
        old = original[name].course if name in original else []
        return [(p.date.isoformat(), p.severity, p.note, p.source) for p in symptoms[name].course if p not in old]

    assert new_points("tremor, both hands") == [
        ("2024-03-29", 6, "worse after the second cut", "imported from symptom-diary.csv row 3"),
        ("2024-04-05", 7, "could not hold a cup steady", "imported from symptom-diary.csv row 4"),
    ]
    assert new_points("insomnia") == [("2024-03-16", 9, None, "imported from symptom-diary.csv row 7")]
    ringing = symptoms["ringing in the ears"]
    assert (ringing.category, ringing.onset.isoformat(), ringing.source) == ("sensory", "2024-04", "imported from symptom-diary.csv row 9")
    assert new_points("ringing in the ears") == [
        ("2024-04", 4, "started after the third cut", "imported from symptom-diary.csv row 9"),
        ("2024-05-02", 6, None, "imported from symptom-diary.csv row 10"),
        ("2024-05-16", 5, None, "imported from symptom-diary.csv row 12"),
    ]
    assert new_points("weakness, right arm and leg") == []
    assert symptoms["weakness, right arm and leg"].onset == original["weakness, right arm and leg"].onset
    assert "dizziness" not in symptoms
    assert report.skipped == [
        "row 2: already in the case ('tremor, both hands' 2024-03-22: 5/10)",
        "row 6: already in the case ('insomnia' 2024-03-09: 8/10)",
        "row 8: no severity; a symptom's course needs one (0 to 10)",
        "row 11: '12' is outside 0 to 10; severities are whole numbers from 0 (none) to 10 (worst)",
        "row 13: 2024-03-01 is before the recorded onset of 'weakness, right arm and leg' (2024-04); "
        "if it began earlier, change its onset by hand",
        "row 14: rows 14, 15 give different values for the same day; none of them is used (correct the file, then import it again)",
        "row 15: rows 14, 15 give different values for the same day; none of them is used (correct the file, then import it again)",
        "row 16: the category 'vestibular' is not one of motor, sensory, cognitive, autonomic, sleep, mood, pain, other",
    ]


def test_a_new_symptom_without_a_severity_is_its_onset_only(tmp_path: Path) -> None:
    diary = tmp_path / "diary.csv"
    diary.write_text("date,severity,notes\nJune 2030,,began after the move\n2030-07-01,3,\n", encoding="utf-8")
    document = CaseDocument.load(CASE)
    report = import_symptom_diary(diary, document, SymptomDiaryOptions(symptom="headache"))
    headache = next(symptom for symptom in document.check().symptoms if symptom.name == "headache")
    assert (headache.onset.isoformat(), headache.category, headache.note) == ("2030-06", "other", "began after the move")
    assert [(p.date.isoformat(), p.severity) for p in headache.course] == [("2030-07-01", 3)]
    assert report.added[0] == "new symptom 'headache', onset 2030-06 (row 2; category other: change it by hand if another fits)"


# -- the spreadsheet reader -------------------------------------------------------------------------


def test_an_xlsx_sheet_keeps_the_precision_its_date_format_shows(tmp_path: Path) -> None:
    import openpyxl  # type: ignore[import-untyped]

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Taken", "Medicine", "Amount"])
    sheet.append([datetime(2030, 3, 5), "clonazepam", 0.5])
    sheet.append([datetime(2030, 4, 1), "clonazepam", "1/2 tab"])
    sheet.append([None, None, None])
    sheet.append(["2030-05-01", "clonazepam", 0.25])
    sheet["A2"].number_format = "yyyy-mm-dd"
    sheet["A3"].number_format = "mmm yyyy"
    path = tmp_path / "log.xlsx"
    workbook.save(path)
    document = CaseDocument.load(CASE)
    report = import_dose_log(path, document, DoseLogOptions(tablet_mg=1.0, mappings=("Taken=date",)))
    assert report.added == [
        "clonazepam 2030-03-05: 0.5 mg/day (row 2)",
        "clonazepam 2030-04: 0.5 mg/day (1/2 tab (1 mg tablets)) (row 3)",
        "clonazepam 2030-05-01: 0.25 mg/day (row 5)",
    ]
    assert report.notes[1] == "1 blank row passed over"


@pytest.mark.parametrize(("content", "options", "message"), [
    ("when,how much\n", DoseLogOptions(drug="x"),
     "log.csv: no column holds the dose; the header row has 'when', 'how much' (name the column with --map 'COLUMN=dose')"),
    ("date,dose\n", DoseLogOptions(),
     "{path}: no column names the drug; name it with --drug, e.g. --drug clonazepam"),
    ("date,tabs,drug\n", DoseLogOptions(),
     "{path}: the doses are in tablets; give one tablet's strength with --tablet-mg, e.g. --tablet-mg 0.5"),
    ("Date,Day,Dose,Drug\n", DoseLogOptions(),
     "{path}: 'Date' and 'Day' could both be the date column; say which with --map 'Date=date'"),
    ("date,dose,drug\n", DoseLogOptions(mappings=("Taken=date",)),
     "{path}: --map names the column 'taken', which the header row does not have; its columns are 'date', 'dose', 'drug'"),
    ("date,dose,drug\n", DoseLogOptions(mappings=("date=when",)),
     "--map 'date=when': 'when' is not a field here; expected one of: date, drug, dose, tablets, note"),
    ("\n\n", DoseLogOptions(), "{path}: the file has no rows"),
])
def test_files_that_cannot_be_read_say_why(tmp_path: Path, content: str, options: DoseLogOptions, message: str) -> None:
    path = tmp_path / "log.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ImportFileError) as caught:
        import_dose_log(path, CaseDocument.load(CASE), options)
    assert str(caught.value) == message.format(path=path)


def test_a_windows_1252_file_is_read_and_noted(tmp_path: Path) -> None:
    path = tmp_path / "log.csv"
    path.write_bytes("date,dose,note\n2030-01-05,0.5 mg,café\n".encode("cp1252"))
    report = import_dose_log(path, CaseDocument.load(CASE), DoseLogOptions(drug="clonazepam"))
    assert report.notes[0] == "log.csv is not UTF-8 text; read it as Windows-1252 (check accented letters)"
    assert report.added == ["clonazepam 2030-01-05: 0.5 mg/day (café) (row 2)"]


# -- the commands -----------------------------------------------------------------------------------


runner = CliRunner()


def test_import_doses_previews_and_leaves_the_case_unchanged_without_force(tmp_path: Path) -> None:
    case = tmp_path / "case.yaml"
    shutil.copy(CASE, case)
    before = case.read_bytes()
    result = runner.invoke(input_app(), ["import", "doses", str(DOSE_LOG), "--into", str(case), "--tablet-mg", "0.5"])
    assert result.exit_code == 1
    assert "added: clonazepam 2024-03-11: 1.5 mg/day (3 tabs (0.5 mg tablets)) (row 5)" in result.stdout
    assert "skipped: row 12: 'mid April' is not a date docgen can read" in result.stdout
    assert result.stdout.rstrip().endswith("dose-log.csv: 6 entries added, 8 skipped")
    assert result.stderr.strip() == (f"{case}: not changed; it exists already. Add --force to write these entries into it, "
                                     "or -o NEW_FILE.yaml to write the result to a new file")
    assert case.read_bytes() == before
    assert sorted(path.name for path in tmp_path.iterdir()) == ["case.yaml"]


def test_import_doses_writes_a_new_file_with_o_and_keeps_the_comments(tmp_path: Path) -> None:
    case = tmp_path / "case.yaml"
    shutil.copy(CASE, case)
    output = tmp_path / "merged.yaml"
    result = runner.invoke(input_app(), ["import", "doses", str(DOSE_LOG), "--into", str(case), "--tablet-mg", "0.5", "-o", str(output)])
    assert result.exit_code == 0, result.output
    assert result.stdout.rstrip().endswith(f"wrote {output}")
    merged = load_case(output)
    assert len(merged.medications[0].doses) == len(load_case(CASE).medications[0].doses) + 6
    text = output.read_text(encoding="utf-8")
    for line in CASE.read_text(encoding="utf-8").splitlines():
        assert line in text  # every original line, comments included, is still there
    assert '      - {date: 2024-03-11, mg_per_day: 1.5, note: "3 tabs (0.5 mg tablets)", source: "imported from dose-log.csv row 5"}' in text
    assert case.read_bytes() == CASE.read_bytes()


def test_import_doses_into_the_case_itself_with_force(tmp_path: Path) -> None:
    case = tmp_path / "case.yaml"
    shutil.copy(CASE, case)
    result = runner.invoke(input_app(), ["import", "doses", str(DOSE_LOG), "--into", str(case), "--tablet-mg", "0.5", "--force"])
    assert result.exit_code == 0, result.output
    assert len(load_case(case).medications[0].doses) == len(load_case(CASE).medications[0].doses) + 6
    again = runner.invoke(input_app(), ["import", "doses", str(DOSE_LOG), "--into", str(case), "--tablet-mg", "0.5", "--force"])
    assert again.exit_code == 0
    assert again.stdout.rstrip().endswith(f"nothing new to add; {case} not written")


def test_import_symptoms_command(tmp_path: Path) -> None:
    output = tmp_path / "with-diary.yaml"
    result = runner.invoke(input_app(), ["import", "symptoms", str(DIARY), "--into", str(CASE), "-o", str(output)])
    assert result.exit_code == 0, result.output
    assert "added: new symptom 'ringing in the ears', onset 2024-04 (row 9)" in result.stdout
    assert "ringing in the ears" in [symptom.name for symptom in load_case(output).symptoms]


def test_an_invalid_case_to_merge_into_is_reported_and_nothing_is_written(tmp_path: Path) -> None:
    case = tmp_path / "case.yaml"
    case.write_text("version: 1\npatient: {name: A}\nmedications: []\n", encoding="utf-8")
    result = runner.invoke(input_app(), ["import", "doses", str(DOSE_LOG), "--into", str(case), "--tablet-mg", "0.5", "-o", str(tmp_path / "out.yaml")])
    assert result.exit_code == 1
    assert result.stderr.strip() == f"{case}: medications (line 3): expected at least one entry"
    assert not (tmp_path / "out.yaml").exists()


def test_day_first_and_month_first_together_is_a_usage_error() -> None:
    result = runner.invoke(input_app(), ["import", "doses", str(DOSE_LOG), "--into", str(CASE), "--day-first", "--month-first"])
    assert result.exit_code == 2
    assert result.stderr.strip() == "--day-first and --month-first: choose one"


def test_the_import_commands_have_help() -> None:
    for command in ("doses", "symptoms", "fhir"):
        result = runner.invoke(input_app(), ["import", command, "--help"])
        assert result.exit_code == 0
        assert "Example: docgen import " + command in " ".join(result.stdout.split())


def test_a_tablet_strength_of_zero_is_refused_before_reading() -> None:
    with pytest.raises(ImportFileError) as caught:
        import_dose_log(DOSE_LOG, CaseDocument.load(CASE), DoseLogOptions(tablet_mg=0.0))
    assert str(caught.value) == "--tablet-mg: the strength of one tablet must be above 0 mg, not 0"


def test_a_dose_log_can_start_a_new_case_file(tmp_path: Path) -> None:
    from docgen.case.loading import load_case

    target = tmp_path / "new.yaml"
    result = CliRunner().invoke(input_app(), ["import", "doses", str(ROOT / "samples" / "dose-log.csv"),
                                              "--tablet-mg", "0.5", "-o", str(target)], input="\n  \nDana Q. Example\n")
    assert result.exit_code == 0, result.output
    assert f"No --into case file: a new one, {target}, is started." in result.output
    assert result.output.count("A name is needed") == 2
    case = load_case(target)
    assert case.patient.name == "Dana Q. Example"
    assert [medication.drug for medication in case.medications] == ["clonazepam", "baclofen"]


def test_a_diary_alone_cannot_make_a_case_file_and_says_why(tmp_path: Path) -> None:
    target = tmp_path / "new.yaml"
    result = CliRunner().invoke(input_app(), ["import", "symptoms", str(ROOT / "samples" / "symptom-diary.csv"),
                                              "-o", str(target)], input="Dana Q. Example\n")
    assert result.exit_code == 1
    assert "medications" in result.output and not target.exists()
