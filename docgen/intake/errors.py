"""The errors raised while getting a patient's history in: by the interview and the importers.

All are DocgenError subclasses, so the CLI reports each as one message and exit code 1.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from docgen.errors import DocgenError

if TYPE_CHECKING:
    from docgen.case.dates import PartialDate


class EntryError(DocgenError, ValueError):
    """One value a person typed (an answer, a spreadsheet cell) that cannot be read; says why."""


class AmbiguousDateError(EntryError):
    """A date such as 3/5/2024 that reads as two different days; never guessed. ``readings`` holds
    both (day first, then month first), so a front end can offer them as a choice."""

    def __init__(self, message: str, readings: tuple[PartialDate, PartialDate] | None = None) -> None:
        super().__init__(message)
        self.readings = readings


class ImportFileError(DocgenError):
    """A file to import that cannot be read at all (missing, not a table, no header row...)."""


class InvalidResultError(DocgenError):
    """The case file a change would produce does not validate; nothing was written."""


class InterviewStopped(DocgenError):
    """The interview ended before its last question (end of input); nothing was written."""
