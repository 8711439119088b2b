"""Spreadsheets in: a CSV (comma, semicolon or tab) or an .xlsx sheet, as numbered rows of fields.

The first non-blank row names the columns, in any order; headers are matched to fields through
synonyms ("Dose (mg)" is the dose, "When" is the date), and ``--map column=field`` names any
other. Row numbers are those a spreadsheet program shows (the header is usually row 1), so a
report can point at a row. Blank rows are passed over.

A spreadsheet over any of the limits below is refused as a whole, with the limit, rather than
read in part. Cells are text: one that begins with "=" or "+" is the text as typed (a formula in
an .xlsx counts by the value the file saved for it); nothing is evaluated.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from docgen.case.dates import PartialDate
from docgen.case.model import _excerpt
from docgen.intake.errors import EntryError, ImportFileError

#: The size of a spreadsheet file on disk.
MAX_BYTES = 20 * 1024 * 1024
#: An .xlsx file's parts once unpacked, all together.
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
#: How far one part of an .xlsx file over 1 MiB may be packed (unpacked size / packed size).
MAX_PACKING_RATIO = 100
#: The last row read (the header counts), and the last column.
MAX_ROWS = 100_000
MAX_COLUMNS = 200
#: The characters in one cell: Excel's own limit.
MAX_CELL_CHARACTERS = 32_767


@dataclass(frozen=True)
class Unreadable:
    """A cell whose value cannot be taken as it is stored (a date before 1900, a damaged cell)."""

    reason: str  # follows "the date cell ": "holds a time of day and no date"
    whole_row: bool = False  # the reason is about the row: "a cell of this row cannot be read"


#: A cell: text as typed, a date an .xlsx file stored as a date, or one that cannot be read.
Cell = str | PartialDate | Unreadable

_CSV_SUFFIXES = (".csv", ".tsv", ".txt")
_XLSX_SUFFIXES = (".xlsx", ".xlsm")


@dataclass(frozen=True)
class Row:
    """One non-blank row: its number as a spreadsheet shows it, and its cells by field."""

    number: int
    cells: Mapping[str, Cell]

    def value(self, field: str) -> str | PartialDate:
        """The field's cell ("" when empty); raises EntryError for a cell that cannot be read."""
        value = self.cells.get(field, "")
        if isinstance(value, Unreadable):
            raise EntryError(value.reason if value.whole_row else f"the {field} cell {value.reason}")
        return value

    def text(self, field: str) -> str:
        value = self.value(field)
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
    header = [_header_text(cell) for cell in grid[header_index]]
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
            written = [name for name in header if name.strip()]
            listed = ", ".join(f"'{_excerpt(name, 30)}'" for name in written[:20]) + (" and more" if len(written) > 20 else "")
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
            names = " and ".join(f"'{_excerpt(header[index], 30)}'" for index in indexes)
            raise ImportFileError(f"{path}: {names} could both be the {field} column; say which with "
                                  f"--map '{_excerpt(header[indexes[0]], 30)}={field}'")
    return {indexes[0]: field for field, indexes in found.items()}


def _normalise(text: str) -> str:
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text.lower()).split())


def _blank(cell: Cell) -> bool:
    return isinstance(cell, str) and not cell.strip()


def _header_text(cell: Cell) -> str:
    if isinstance(cell, PartialDate):
        return cell.isoformat()
    return cell if isinstance(cell, str) else ""


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
        from docgen.intake.workbook import read_xlsx  # openpyxl is imported only for .xlsx files

        return read_xlsx(path)
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
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return _within_limits(path, reader), notes
    except csv.Error as error:
        if "field limit" in str(error):
            raise ImportFileError(f"{path}: line {reader.line_num} has a cell of more than {MAX_CELL_CHARACTERS:,} "
                                  f"characters; a cell is read only up to {MAX_CELL_CHARACTERS:,} characters") from None
        raise ImportFileError(f"{path}: not a readable CSV file (line {reader.line_num}: {error})") from None


def _within_limits(path: Path, rows: Iterable[list[str]]) -> list[list[Cell]]:
    """The rows of a CSV file, refused at the first row, column or cell past the limits."""
    grid: list[list[Cell]] = []
    for number, row in enumerate(rows, start=1):
        while row and not row[-1].strip():
            row.pop()
        if not row:
            if number <= MAX_ROWS:
                grid.append([])
            continue
        if number > MAX_ROWS:
            raise ImportFileError(f"{path}: row {number:,} holds values; a spreadsheet is read only up to row {MAX_ROWS:,}")
        if len(row) > MAX_COLUMNS:
            raise ImportFileError(f"{path}: row {number} has a value in column {len(row):,}; "
                                  f"a spreadsheet is read only up to column {MAX_COLUMNS}")
        longest = max(len(cell) for cell in row)
        if longest > MAX_CELL_CHARACTERS:
            raise ImportFileError(f"{path}: row {number} has a cell of {longest:,} characters; "
                                  f"a cell is read only up to {MAX_CELL_CHARACTERS:,} characters")
        grid.append(list(row))
    return grid
