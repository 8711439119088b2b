"""An .xlsx workbook's sheet as rows of cells, read within limits.

A workbook is a zip of XML parts, and a hostile one can be small on disk and huge once read:
a part that unpacks to gigabytes, a declared size that claims every cell of the sheet, an XML
entity that expands without end or names a file to fetch. So, before any part is parsed, the
archive's listed sizes are checked (the zip reader stops at the listed size, so they bind), and
a part that declares a document type is refused. The sheet is then read row by row as stored,
whatever its ``<dimension>`` claims, and stops at the first row or column past the limits.

Cells are read as stored values: a formula counts by the result the file saved with it, never
by its text, and nothing is evaluated.
"""

from __future__ import annotations

import math
import re
import warnings
import zipfile
import zlib
from datetime import date, datetime
from pathlib import Path
from typing import Any

from docgen.case.dates import PartialDate
from docgen.case.model import _excerpt
from docgen.intake.errors import ImportFileError
from docgen.intake.spreadsheet import (
    MAX_CELL_CHARACTERS,
    MAX_COLUMNS,
    MAX_PACKING_RATIO,
    MAX_ROWS,
    MAX_UNPACKED_BYTES,
    Cell,
    Unreadable,
)

_CHUNK = 1024 * 1024
_DECLARATIONS = tuple(word.encode(encoding) for word in ("<!DOCTYPE", "<!ENTITY")
                      for encoding in ("utf-8", "utf-16-le", "utf-16-be"))
_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and .xlsx files saved with a password
_FORMAT_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, OSError, RuntimeError,
                  NotImplementedError, ValueError)


def read_xlsx(path: Path) -> tuple[list[list[Cell]], list[str]]:
    """The rows of the workbook's active sheet (its first worksheet if that one is a chart), and notes."""
    _check_archive(path)
    import openpyxl  # type: ignore[import-untyped]

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl warns about styles and extensions it skips
        try:
            workbook = openpyxl.load_workbook(path, read_only=True, data_only=True, keep_links=False)
        except Exception:  # openpyxl's errors on a damaged part are of many kinds and may quote it
            raise ImportFileError(f"{path}: not a readable .xlsx file (its parts are damaged or not a workbook's)") from None
        try:
            sheet, notes = _worksheet(path, workbook)
            return _read_rows(path, workbook, sheet), notes
        finally:
            workbook.close()


# -- the archive ---------------------------------------------------------------------------------


def _check_archive(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            total = sum(member.file_size for member in members)
            if total > MAX_UNPACKED_BYTES:
                raise ImportFileError(f"{path}: unpacked, the workbook's parts come to {total:,} bytes; "
                                      f"an .xlsx file is read only up to {MAX_UNPACKED_BYTES:,} bytes unpacked")
            for member in members:
                ratio = member.file_size / max(member.compress_size, 1)
                if member.file_size > _CHUNK and ratio > MAX_PACKING_RATIO:
                    raise ImportFileError(f"{path}: the part '{_excerpt(member.filename)}' is packed {ratio:,.0f} to 1; "
                                          f"a spreadsheet's parts are packed at most {MAX_PACKING_RATIO} to 1, so it is not read")
            for member in members:
                if _declares_entities(archive, member):
                    raise ImportFileError(f"{path}: the part '{_excerpt(member.filename)}' declares a document type "
                                          "(<!DOCTYPE>), which spreadsheets never do; not read (its entities could "
                                          "name files to read or expand without end)")
    except _FORMAT_ERRORS:
        raise ImportFileError(f"{path}: {_not_a_zip(path)}") from None


def _declares_entities(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> bool:
    """Whether an XML part holds a DOCTYPE or ENTITY declaration, in any of the encodings XML allows."""
    if member.is_dir() or not member.filename.lower().endswith((".xml", ".rels", ".vml")):
        return False
    overlap = max(len(word) for word in _DECLARATIONS) - 1
    tail = b""
    with archive.open(member) as part:
        while chunk := part.read(_CHUNK):
            window = tail + chunk
            if any(word in window for word in _DECLARATIONS):
                return True
            tail = window[-overlap:]
    return False


def _not_a_zip(path: Path) -> str:
    try:
        with path.open("rb") as file:
            start = file.read(len(_OLE_SIGNATURE))
    except OSError:
        start = b""
    if start == _OLE_SIGNATURE:
        return "not a readable .xlsx file (it is an old .xls workbook, or one saved with a password); save it as .xlsx without a password"
    return "not a readable .xlsx file (not a zip archive, as .xlsx files are, or a damaged one)"


# -- the sheet -------------------------------------------------------------------------------------


def _worksheet(path: Path, workbook: Any) -> tuple[Any, list[str]]:
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet  # type: ignore[import-untyped]

    sheet = workbook.active
    if isinstance(sheet, ReadOnlyWorksheet):
        return sheet, []
    worksheets = [each for each in workbook.worksheets if isinstance(each, ReadOnlyWorksheet)]
    if not worksheets:
        raise ImportFileError(f"{path}: the workbook has no sheet of cells (only charts); expected a sheet with a header row")
    shown = _excerpt(str(getattr(sheet, "title", "")), 30)
    return worksheets[0], [f"the sheet that opens first, '{shown}', is a chart; read the sheet '{_excerpt(worksheets[0].title, 30)}'"]


def _read_rows(path: Path, workbook: Any, sheet: Any) -> list[list[Cell]]:
    """Each row as stored, read with openpyxl's row parser; rows missing from the file are blank."""
    from openpyxl.worksheet._reader import ROW_TAG, WorkSheetParser  # type: ignore[import-untyped]
    from openpyxl.xml.functions import iterparse  # type: ignore[import-untyped]

    grid: list[list[Cell]] = []
    previous = 0
    try:
        with workbook._archive.open(sheet._worksheet_path) as source:
            # numbers are kept as numbers (no date formats): which are dates is decided below
            parser = WorkSheetParser(source, sheet._shared_strings, data_only=True, epoch=workbook.epoch,
                                     date_formats=set(), timedelta_formats=set())
            for _event, element in iterparse(source):
                if element.tag != ROW_TAG:
                    continue
                number = _row_number(path, element.get("r"), previous)
                try:
                    _number, cells = parser.parse_row(element)
                    row = _row_cells(path, number, cells, workbook)
                except ImportFileError:
                    raise
                except Exception:  # one damaged cell: the row is skipped, the rest is read
                    row = [Unreadable("a cell of this row cannot be read (the file may be damaged)", whole_row=True)] * MAX_COLUMNS
                element.clear()
                previous = number
                if number > MAX_ROWS:
                    if row:
                        raise ImportFileError(f"{path}: row {number:,} holds values; a spreadsheet is read "
                                              f"only up to row {MAX_ROWS:,}")
                    continue  # a formatted but empty row far down the sheet
                grid.extend([] for _ in range(number - 1 - len(grid)))
                grid.append(row)
    except ImportFileError:
        raise
    except Exception:  # the XML itself (a syntax error, a forbidden entity) or the zip under it
        where = f" after row {previous}" if previous else ""
        raise ImportFileError(f"{path}: not a readable .xlsx file (the sheet's XML is damaged{where})") from None
    return grid


def _row_number(path: Path, text: str | None, previous: int) -> int:
    """A row's number as the file gives it (``r="7"``, rarely ``"7.0"``), or the next one."""
    if text is None:
        return previous + 1
    match = re.fullmatch(r"\s*([0-9]{1,7})(?:\.0*)?\s*", text)
    if match is None or int(match.group(1)) <= previous:
        raise ImportFileError(f"{path}: not a readable .xlsx file (the row after row {previous} has no valid row number)")
    return int(match.group(1))


def _row_cells(path: Path, number: int, cells: list[dict[str, Any]], workbook: Any) -> list[Cell]:
    values: dict[int, Cell] = {}
    for cell in cells:
        value = _cell_value(cell, workbook)
        if value == "":
            continue
        column = int(cell["column"])
        if column > MAX_COLUMNS:
            raise ImportFileError(f"{path}: row {number} has a value in column {column:,}; "
                                  f"a spreadsheet is read only up to column {MAX_COLUMNS}")
        if isinstance(value, str) and len(value) > MAX_CELL_CHARACTERS:
            raise ImportFileError(f"{path}: row {number} has a cell of {len(value):,} characters; "
                                  f"a cell is read only up to {MAX_CELL_CHARACTERS:,} characters")
        values[column] = value
    row: list[Cell] = [""] * max(values, default=0)
    for column, value in values.items():
        row[column - 1] = value
    return row


def _cell_value(cell: dict[str, Any], workbook: Any) -> Cell:
    value = cell["value"]
    style = cell["style_id"] or 0
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (int, float)) and style in workbook._date_formats and style not in workbook._timedelta_formats:
        return _serial_date(value, workbook, style)
    if isinstance(value, datetime | date):  # a date stored as ISO text (t="d")
        if value.year < 1900:
            return Unreadable(f"holds a day in {value.year}, before 1900, the first year a spreadsheet can hold")
        return _shown_date(value, _number_format(workbook, style))
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _serial_date(serial: float, workbook: Any, style: int) -> Cell:
    """A date cell's day count, checked: spreadsheets count days from 1900 (or 1904)."""
    from openpyxl.utils.datetime import MAC_EPOCH, from_excel  # type: ignore[import-untyped]

    first = 0 if workbook.epoch == MAC_EPOCH else 1
    try:
        serial = float(serial)
    except OverflowError:
        serial = math.inf
    if not math.isfinite(serial):
        return Unreadable("holds a day number that is not a date")
    if 0 <= serial < 1:  # openpyxl reads these as a time of day, in either date system
        return Unreadable("holds a time of day and no date")
    if serial < first:
        start = "1904-01-01" if first == 0 else "1900-01-01"
        return Unreadable(f"holds the day number {_excerpt(f'{serial:g}', 20)}, before the first "
                          f"day a spreadsheet can hold ({start})")
    try:
        value = from_excel(serial, workbook.epoch)
    except (OverflowError, ValueError):
        return Unreadable(f"holds the day number {_excerpt(f'{serial:g}', 20)}, after the year 9999")
    return _shown_date(value, _number_format(workbook, style))


def _number_format(workbook: Any, style: int) -> str:
    from openpyxl.styles.numbers import BUILTIN_FORMATS, BUILTIN_FORMATS_MAX_SIZE  # type: ignore[import-untyped]

    try:
        identifier = workbook._cell_styles[style].numFmtId
        if identifier < BUILTIN_FORMATS_MAX_SIZE:
            return str(BUILTIN_FORMATS.get(identifier, "General"))
        return str(workbook._number_formats[identifier - BUILTIN_FORMATS_MAX_SIZE])
    except (IndexError, KeyError, TypeError):
        return "General"


def _shown_date(value: date, number_format: str) -> PartialDate:
    """A date as precise as the sheet shows it: a cell formatted "Mar 2024" stays a month."""
    shown = re.sub(r'"[^"]*"|\[[^]]*\]', "", number_format.lower())
    if "d" in shown or not shown.strip() or shown == "general":
        return PartialDate(value.year, value.month, value.day)
    if "m" in shown:
        return PartialDate(value.year, value.month)
    return PartialDate(value.year)
