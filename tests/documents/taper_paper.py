"""Reading the taper documents back: the CSV of `docgen taper --csv`, the days of the calendar's
month grids, and the rows of a document's tables, as a person would read them off the page."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from pathlib import Path

from typer.testing import CliRunner

from docgen.cli import app
from docgen.markup.blocks import Document, Heading, Table, plain

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]


def csv_rows(case_file: Path) -> list[dict[str, str]]:
    """`docgen taper CASE --csv`, row by row."""
    result = CliRunner().invoke(app, ["taper", str(case_file), "--csv"])
    assert result.exit_code == 0, result.output
    return list(csv.DictReader(io.StringIO(result.stdout)))


def cell_lines(cell: tuple[object, ...]) -> list[str]:
    """A cell's lines, with no-break spaces read as spaces."""
    return [line.replace("\u00a0", " ") for line in plain(cell).split("\n")]  # type: ignore[arg-type]


def calendar_days(document: Document) -> dict[date, list[str]]:
    """Every day of every month grid: its date (the page's month and the cell's day number) and
    the lines of its cell after the day number."""
    days: dict[date, list[str]] = {}
    month: tuple[int, int] | None = None
    for block in document.blocks:
        if isinstance(block, Heading):
            found = re.match(r"(\w+) (\d{4})", plain(block.spans))
            month = (int(found.group(2)), MONTHS.index(found.group(1)) + 1) if found and found.group(1) in MONTHS else None
        elif isinstance(block, Table) and block.style == "calendar" and month is not None:
            for row in block.rows:
                for cell in row:
                    lines = cell_lines(cell)
                    if lines[0]:
                        day = date(month[0], month[1], int(lines[0]))
                        assert day not in days, f"{day} is on two pages"
                        days[day] = lines[1:]
    return days


def table_rows(document: Document, *header: str) -> list[list[str]]:
    """The rows of every table whose header begins with ``header``, in order."""
    rows = []
    for block in document.blocks:
        if isinstance(block, Table) and tuple(plain(cell) for cell in block.header[:len(header)]) == header:
            rows += [[" ".join(cell_lines(cell)) for cell in row] for row in block.rows]
    return rows


def display(iso: str) -> str:
    """"2026-11-16" as the documents print it: "16 Nov 2026"."""
    day = date.fromisoformat(iso)
    return f"{day.day} {MONTHS[day.month - 1][:3]} {day.year}"
