"""The errors docgen raises. The CLI turns each into one clear message and exit code 1."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


class DocgenError(Exception):
    """Something the user can fix; the message says what."""


@dataclass(frozen=True)
class Located:
    """One problem in a file: the field path, the line if known, and what is wrong."""

    field: str
    line: int | None
    message: str

    def format(self, file: str) -> str:
        where = f" (line {self.line})" if self.line is not None else ""
        field = self.field or "(the whole file)"
        return f"{file}: {field}{where}: {self.message}"


class CaseFileError(DocgenError):
    """A case file that cannot be read or does not follow the contract."""

    def __init__(self, file: str, problems: Sequence[Located]) -> None:
        self.file = file
        self.problems = tuple(problems)
        super().__init__("\n".join(problem.format(file) for problem in self.problems))


class MissingDataError(DocgenError):
    """A document needs a part of the case file that is absent or incomplete."""


class OutputError(DocgenError):
    """An output file could not be written (exists already, unwritable, unknown format)."""


class TemplateError(DocgenError):
    """A template could not be rendered; the message names the template file and line."""
