"""Dose logs and symptom diaries from spreadsheets, merged into a case file.

Each readable row becomes an entry whose ``source`` names the file and row; each row that
cannot be read without a guess (an ambiguous date, a dose in tablets of unknown strength, two
different doses for one day) is skipped and reported with its row number and the reason, and
the rest of the file is read. Only a file that cannot be read at all stops the import.
"""

from __future__ import annotations

import math
import re
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TypeVar, cast, get_args

from pydantic import ValidationError

from docgen.case.dates import PartialDate
from docgen.case.model import CoursePoint, Dose, Symptom, SymptomCategory, _excerpt
from docgen.intake.amount_text import parse_dose_text, parse_severity_text
from docgen.intake.case_document import CaseDocument, drug_key
from docgen.intake.date_text import DateOrder, parse_date_text
from docgen.intake.errors import AmbiguousDateError, EntryError, ImportFileError
from docgen.intake.import_report import ImportReport
from docgen.intake.spreadsheet import Row, Table, parse_mappings, read_table

#: The headers each field answers to (compared without case or punctuation; the first word of a
#: longer header counts too, so "Dose (mg)" is the dose and "Date taken" the date).
DOSE_COLUMNS: dict[str, tuple[str, ...]] = {
    "date": ("date", "day", "when", "taken on"),
    "drug": ("drug", "medication", "med", "meds", "medicine", "drug name", "medication name"),
    "dose": ("dose", "mg", "amount", "daily dose", "total", "mg per day", "mg day", "dosage"),
    "tablets": ("tablets", "tablet", "tabs", "tab", "pills"),
    "note": ("note", "notes", "comment", "comments", "remarks"),
}
SYMPTOM_COLUMNS: dict[str, tuple[str, ...]] = {
    "date": ("date", "day", "when"),
    "symptom": ("symptom", "symptoms", "name"),
    "severity": ("severity", "score", "rating", "level", "intensity"),
    "category": ("category", "type", "kind"),
    "note": ("note", "notes", "comment", "comments", "remarks"),
}
_CATEGORIES: tuple[str, ...] = get_args(SymptomCategory)
#: What reading one row can raise; each is reported as that row's reason for being skipped.
_ROW_ERRORS = (EntryError, ValueError, ArithmeticError)


@dataclass(frozen=True)
class DoseLogOptions:
    """How to read a dose log; the CLI fills these from its options."""

    drug: str | None = None  # the drug of rows that name none
    tablet_mg: float | None = None  # the strength of one tablet, for doses in tablets
    order: DateOrder = DateOrder.UNAMBIGUOUS
    mappings: Sequence[str] = ()  # "column=field"


@dataclass(frozen=True)
class SymptomDiaryOptions:
    """How to read a symptom diary."""

    symptom: str | None = None  # the symptom of rows that name none
    order: DateOrder = DateOrder.UNAMBIGUOUS
    mappings: Sequence[str] = ()


def import_dose_log(source: Path, document: CaseDocument, options: DoseLogOptions = DoseLogOptions()) -> ImportReport:
    """Add a dose log's rows to ``document`` as dose entries; report what was added and skipped."""
    if options.tablet_mg is not None and not (math.isfinite(options.tablet_mg) and options.tablet_mg > 0):
        raise ImportFileError(f"--tablet-mg: the strength of one tablet must be above 0 mg, not {options.tablet_mg:g}")
    table = read_table(source, DOSE_COLUMNS, parse_mappings(options.mappings, tuple(DOSE_COLUMNS)))
    _require(table, "date", "the date of each dose")
    if "dose" not in table.columns and "tablets" not in table.columns:
        _require(table, "dose", "the dose")
    if "drug" not in table.columns and not options.drug:
        raise ImportFileError(f"{source}: no column names the drug; name it with --drug, e.g. --drug clonazepam")
    if "tablets" in table.columns and "dose" not in table.columns and options.tablet_mg is None:
        raise ImportFileError(f"{source}: the doses are in tablets; give one tablet's strength with --tablet-mg, e.g. --tablet-mg 0.5")
    report = _report(table, document)
    readings: list[_DoseRow] = []
    for row in table.rows:
        try:
            readings.append(_read_dose_row(row, table.name, options))
        except _ROW_ERRORS as error:
            report.skipped.append(_row_problem(row, error))
    for reading in _without_conflicts(readings, report):
        row, drug, dose = reading.row, reading.drug, reading.dose
        try:
            created = document.add_dose(drug, dose)
        except _ROW_ERRORS as error:
            report.skipped.append(_row_problem(row, error))
            continue
        medication = document.find_medication(drug)
        name = str(medication["drug"]) if medication is not None else drug
        if created:
            brand = medication.get("brand") if medication is not None else None
            report.added.append(f"new medication {name}" + (f" (brand {brand})" if brand else ""))
        note = f" ({dose.note})" if dose.note else ""
        report.added.append(f"{name} {dose.date.isoformat()}: {_mg(dose.mg_per_day)} mg/day{note} (row {row.number})")
    report.skipped.sort(key=_row_order)
    return report


@dataclass(frozen=True)
class _DoseRow:
    row: Row
    drug: str
    dose: Dose

    @property
    def key(self) -> Hashable:
        return (drug_key(self.drug), self.dose.date)

    @property
    def value(self) -> object:
        return self.dose.mg_per_day


def _read_dose_row(row: Row, file_name: str, options: DoseLogOptions) -> _DoseRow:
    when = _date(row, options.order)
    drug = row.text("drug") or options.drug
    if not drug:
        raise EntryError("no drug named (fill in the drug column, or use --drug)")
    text, unit = row.text("dose"), "mg"
    if not text and row.text("tablets"):
        text, unit = row.text("tablets"), "tablet"
    if not text:
        raise EntryError("no dose given")
    reading = parse_dose_text(text, options.tablet_mg, "tablet" if unit == "tablet" else "mg")
    note = "; ".join(part for part in (reading.note, row.text("note")) if part) or None
    dose = Dose(date=when, mg_per_day=reading.mg_per_day, note=note, source=f"imported from {file_name} row {row.number}")
    return _DoseRow(row, " ".join(drug.split()), dose)


def import_symptom_diary(
    source: Path, document: CaseDocument, options: SymptomDiaryOptions = SymptomDiaryOptions()
) -> ImportReport:
    """Add a diary's rows to ``document``: a symptom's first row is its onset, later rows with a
    severity become its course. Symptoms already in the case keep their onset."""
    table = read_table(source, SYMPTOM_COLUMNS, parse_mappings(options.mappings, tuple(SYMPTOM_COLUMNS)))
    _require(table, "date", "the date of each entry")
    if "symptom" not in table.columns and not options.symptom:
        raise ImportFileError(f"{source}: no column names the symptom; name it with --symptom, e.g. --symptom tremor")
    report = _report(table, document)
    readings: list[_SymptomRow] = []
    for row in table.rows:
        try:
            readings.append(_read_symptom_row(row, table.name, options))
        except _ROW_ERRORS as error:
            report.skipped.append(_row_problem(row, error))
    readings.sort(key=lambda reading: reading.date.sort_key())
    symptoms: dict[str, list[_SymptomRow]] = {}
    for reading in _without_conflicts(readings, report):
        symptoms.setdefault(_name_key(reading.name), []).append(reading)
    for group in symptoms.values():
        try:
            _merge_symptom(group, table.name, document, report)
        except _ROW_ERRORS as error:
            report.skipped.append(_row_problem(group[0].row, error))
    report.skipped.sort(key=_row_order)
    return report


@dataclass(frozen=True)
class _SymptomRow:
    row: Row
    name: str
    date: PartialDate
    point: CoursePoint | None
    category: str | None
    note: str | None

    @property
    def key(self) -> Hashable:
        return (_name_key(self.name), self.date)

    @property
    def value(self) -> object:
        return self.point.severity if self.point is not None else None


def _read_symptom_row(row: Row, file_name: str, options: SymptomDiaryOptions) -> _SymptomRow:
    when = _date(row, options.order)
    name = row.text("symptom") or options.symptom
    if not name:
        raise EntryError("no symptom named (fill in the symptom column, or use --symptom)")
    category = row.text("category").lower().replace(" ", "_") or None
    if category is not None and category not in _CATEGORIES:
        raise EntryError(f"the category '{_excerpt(row.text('category'))}' is not one of {', '.join(_CATEGORIES)}")
    note = row.text("note") or None
    point = None
    if row.text("severity"):
        severity = parse_severity_text(row.text("severity"))
        point = CoursePoint(date=when, severity=severity, note=note, source=f"imported from {file_name} row {row.number}")
    return _SymptomRow(row, " ".join(name.split()), when, point, category, note)


def _merge_symptom(group: list[_SymptomRow], file_name: str, document: CaseDocument, report: ImportReport) -> None:
    first = group[0]
    onset_row: Row | None = None
    if document.find_symptom(first.name) is None:
        category = next((reading.category for reading in group if reading.category is not None), None)
        document.add_symptom(Symptom(
            name=first.name, category=cast(SymptomCategory, category or "other"), onset=first.date,
            note=first.note if first.point is None else None,
            source=f"imported from {file_name} row {first.row.number}",
        ))
        hint = "" if category else "; category other: change it by hand if another fits"
        report.added.append(f"new symptom '{first.name}', onset {first.date.isoformat()} (row {first.row.number}{hint})")
        onset_row = first.row
    for reading in group:
        if reading.point is None:
            if reading.row is not onset_row:
                report.skipped.append(f"row {reading.row.number}: no severity; a symptom's course needs one (0 to 10)")
            continue
        try:
            document.add_course_point(first.name, reading.point)
        except _ROW_ERRORS as error:
            report.skipped.append(_row_problem(reading.row, error))
            continue
        report.added.append(f"'{first.name}' {reading.date.isoformat()}: severity {reading.point.severity}/10 (row {reading.row.number})")


# -- shared --------------------------------------------------------------------------------------


def _require(table: Table, field: str, what: str) -> None:
    if field not in table.columns:
        names = (*table.columns.values(), *table.ignored)
        headers = ", ".join(f"'{_excerpt(name, 30)}'" for name in names[:20]) or "none"
        headers += f" and {len(names) - 20} more" if len(names) > 20 else ""
        raise ImportFileError(f"{table.name}: no column holds {what}; the header row has {headers} "
                              f"(name the column with --map 'COLUMN={field}')")


def _report(table: Table, document: CaseDocument) -> ImportReport:
    report = ImportReport(table.name, document, notes=list(table.notes))
    used = ", ".join(f"{field} <- '{_excerpt(header, 30)}'" for field, header in table.columns.items())
    report.notes.append(f"{len(table.rows)} rows read from {table.name} ({used})")
    for header in table.ignored:
        report.notes.append(f"column '{_excerpt(header, 30)}' not used (read it with --map '{_excerpt(header, 30)}=FIELD')")
    if table.blank_rows:
        report.notes.append(f"{table.blank_rows} blank row{'s' if table.blank_rows != 1 else ''} passed over")
    return report


def _date(row: Row, order: DateOrder) -> PartialDate:
    value = row.value("date")
    if value == "":
        raise EntryError("no date given")
    return parse_date_text(value, order)


def _row_problem(row: Row, error: Exception) -> str:
    if isinstance(error, AmbiguousDateError):
        return f"row {row.number}: {error} (or say how the file writes dates: --day-first or --month-first)"
    if isinstance(error, EntryError):
        return f"row {row.number}: {error}"
    if isinstance(error, ValidationError):  # its own text quotes the value: name the field only
        first = error.errors(include_url=False)[0]
        field = ".".join(str(part) for part in first["loc"]) or "the entry"
        return f"row {row.number}: not a valid entry ({field}: {first['msg']})"
    return f"row {row.number}: a value in this row cannot be read"


class _Keyed(Protocol):
    @property
    def row(self) -> Row: ...

    @property
    def key(self) -> Hashable: ...

    @property
    def value(self) -> object: ...


_Reading = TypeVar("_Reading", bound=_Keyed)


def _without_conflicts(readings: list[_Reading], report: ImportReport) -> list[_Reading]:
    """Rows that give one day's value twice: the same value is kept once; different values are
    all skipped (a day holds one total daily dose, one severity), never chosen between."""
    groups: dict[Hashable, list[_Reading]] = {}
    for reading in readings:
        groups.setdefault(reading.key, []).append(reading)
    kept: list[_Reading] = []
    for reading in readings:
        group = groups[reading.key]
        if len({other.value for other in group}) == 1:
            if reading is group[0]:
                kept.append(reading)
            else:
                report.skipped.append(f"row {reading.row.number}: the same as row {group[0].row.number}")
        else:
            rows = ", ".join(str(other.row.number) for other in group)
            report.skipped.append(f"row {reading.row.number}: rows {rows} give different values for the same day; "
                                  "none of them is used (correct the file, then import it again)")
    return kept


def _row_order(line: str) -> int:
    match = re.match(r"row (\d+):", line)
    return int(match.group(1)) if match else 0


def _name_key(name: str) -> str:
    return " ".join(name.split()).casefold()


def _mg(value: float) -> str:
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return text or "0"
