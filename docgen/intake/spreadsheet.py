"""Spreadsheets in: a CSV (comma, semicolon or tab) or an .xlsx sheet, as numbered rows of fields.

The first non-blank row names the columns, in any order; headers are matched to fields through
synonyms ("Dose (mg)" is the dose, "When" is the date), and ``--map column=field`` names any
other. Row numbers are those a spreadsheet program shows (the header is usually row 1), so a
report can point at a row. Blank rows are passed over.
"""

from __future__ import annotations

import csv
import io
import re
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from docgen.case.dates import PartialDate
from docgen.intake.errors import ImportFileError

#: A cell: text as typed, or a date an .xlsx file stored as a date.
Cell = str | PartialDate

MAX_BYTES = 20 * 1024 * 1024

_CSV_SUFFIXES = (".csv", ".tsv", ".txt")
_XLSX_SUFFIXES = (".xlsx", ".xlsm")


@dataclass(frozen=True)
class Row:
    """One non-blank row: its number as a spreadsheet shows it, and its cells by field."""

    number: int
    cells: Mapping[str, Cell]

    def text(self, field: str) -> str:
        value = self.cells.get(field, "")
        return value.isoformat() if isinstance(value, PartialDate) else value


@dataclass(frozen=True)
class Table:
    name: str
    columns: Mapping[str, str]  # field -> the column header as written
    ignored: tuple[str, ...]  # headers of the columns no field uses
    rows: tuple[Row, ...]
    blank_rows: int
    notes: tuple[str, ...] = ()


def parse_mappings(items: Sequence[str], fields: Sequence[str]) -> dict[str, str]:
    """``["Taken=dose"]`` -> ``{"taken": "dose"}`` (headers compared without case or punctuation)."""
    mapping: dict[str, str] = {}
    for item in items:
        column, separator, field = item.rpartition("=")
        field = field.strip().lower()
        if not separator or not column.strip():
            raise ImportFileError(f"--map '{item}': expected COLUMN=FIELD, e.g. --map 'Taken=dose'")
        if field not in fields:
            raise ImportFileError(f"--map '{item}': '{field}' is not a field here; expected one of: {', '.join(fields)}")
        mapping[_normalise(column)] = field
    return mapping


def read_table(path: Path, synonyms: Mapping[str, Sequence[str]], mapping: Mapping[str, str] | None = None) -> Table:
    """Read a spreadsheet's rows; ``synonyms`` lists the headers each field answers to."""
    grid, notes = _read_grid(path)
    mapping = mapping or {}
    header_index = next((index for index, row in enumerate(grid) if any(_blank(cell) is False for cell in row)), None)
    if header_index is None:
        raise ImportFileError(f"{path}: the file has no rows")
    header = [cell if isinstance(cell, str) else cell.isoformat() for cell in grid[header_index]]
    columns = _match_columns(path, header, synonyms, mapping)
    rows: list[Row] = []
    blank = 0
    for index in range(header_index + 1, len(grid)):
        values = grid[index]
        if all(_blank(cell) for cell in values):
            blank += 1
            continue
        cells: dict[str, Cell] = {}
        for column, field in columns.items():
            if column < len(values) and not _blank(values[column]):
                cell = values[column]
                cells[field] = cell.strip() if isinstance(cell, str) else cell
        rows.append(Row(index + 1, cells))
    used = {field: header[column].strip() for column, field in columns.items()}
    ignored = tuple(header[column].strip() for column in range(len(header)) if column not in columns and header[column].strip())
    return Table(path.name, used, ignored, tuple(rows), blank, tuple(notes))


def _match_columns(
    path: Path, header: Sequence[str], synonyms: Mapping[str, Sequence[str]], mapping: Mapping[str, str]
) -> dict[int, str]:
    known = {_normalise(column) for column in header}
    for mapped in mapping:
        if mapped not in known:
            listed = ", ".join(f"'{name.strip()}'" for name in header if name.strip())
            raise ImportFileError(f"{path}: --map names the column '{mapped}', which the header row does not have; its columns are {listed}")
    lookup = {_normalise(word): field for field, words in synonyms.items() for word in words}
    explicit = set(mapping.values())
    found: dict[str, list[int]] = {}
    for column, name in enumerate(header):
        normal = _normalise(name)
        if not normal:
            continue
        field = mapping.get(normal)
        if field is None:
            field = lookup.get(normal) or lookup.get(normal.split(" ")[0])
            if field is None or field in explicit:
                continue
        found.setdefault(field, []).append(column)
    for field, indexes in found.items():
        if len(indexes) > 1:
            names = " and ".join(f"'{header[index].strip()}'" for index in indexes)
            raise ImportFileError(f"{path}: {names} could both be the {field} column; say which with "
                                  f"--map '{header[indexes[0]].strip()}={field}'")
    return {indexes[0]: field for field, indexes in found.items()}


def _normalise(text: str) -> str:
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text.lower()).split())


def _blank(cell: Cell) -> bool:
    return isinstance(cell, str) and not cell.strip()


def _read_grid(path: Path) -> tuple[list[list[Cell]], list[str]]:
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise ImportFileError(f"{path}: no such file") from None
    except OSError as error:
        raise ImportFileError(f"{path}: cannot be read ({error.strerror or 'input/output error'})") from None
    if path.is_dir():
        raise ImportFileError(f"{path}: is a folder; expected a .csv or .xlsx file")
    if size > MAX_BYTES:
        raise ImportFileError(f"{path}: the file is {size:,} bytes; spreadsheets are limited to {MAX_BYTES:,} bytes")
    suffix = path.suffix.lower()
    if suffix in _XLSX_SUFFIXES:
        return _read_xlsx(path), []
    if suffix in (".xls", ".ods", ".numbers"):
        raise ImportFileError(f"{path}: docgen reads .csv and .xlsx; save the sheet as one of those")
    if suffix not in _CSV_SUFFIXES:
        raise ImportFileError(f"{path}: expected a .csv or .xlsx file")
    return _read_csv(path)


def _read_csv(path: Path) -> tuple[list[list[Cell]], list[str]]:
    raw = path.read_bytes()
    notes: list[str] = []
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
        notes.append(f"{path.name} is not UTF-8 text; read it as Windows-1252 (check accented letters)")
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max(",;\t", key=first_line.count)
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as error:
        raise ImportFileError(f"{path}: not a readable CSV file ({error})") from None
    return [list(row) for row in rows], notes


def _read_xlsx(path: Path) -> list[list[Cell]]:
    import zipfile

    import openpyxl  # type: ignore[import-untyped]

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles and extensions it skips
            workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise ImportFileError(f"{path}: not a readable .xlsx file ({error})") from None
    try:
        sheet = workbook.active
        grid: list[list[Cell]] = []
        for row in sheet.iter_rows():
            grid.append([_xlsx_cell(cell) for cell in row])
        return grid
    finally:
        workbook.close()


def _xlsx_cell(cell: object) -> Cell:
    value = getattr(cell, "value", None)
    if value is None:
        return ""
    if isinstance(value, (datetime, date)):
        # a date cell shows what the sheet's format shows: "Mar 2024" stays a month
        number_format = str(getattr(cell, "number_format", "")).lower()
        shown = re.sub(r'"[^"]*"|\[[^]]*\]', "", number_format)
        if "d" in shown or not shown.strip() or shown == "general":
            return PartialDate(value.year, value.month, value.day)
        if "m" in shown:
            return PartialDate(value.year, value.month)
        return PartialDate(value.year)
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
