"""One person's case in the app, in memory: the case file being edited (comments kept), what the
pages could not read, an import waiting to be accepted, and the previews of its documents.

Nothing is written to disk but by ``save`` (to the case file the app was opened with).
"""

from __future__ import annotations

import copy
import secrets
import threading
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from docgen.case.loading import parse_case
from docgen.case.model import Case
from docgen.errors import CaseFileError, Located
from docgen.intake.case_document import CaseDocument
from docgen.intake.import_report import ImportReport
from docgen.options import Options
from docgen.web.forms import Problem, Reading
from docgen.web.preview import PreviewCache
from docgen.web.sections import Section


@dataclass(frozen=True)
class Check:
    """The case as it stands: the Case when it is valid, and every problem otherwise."""

    revision: int
    case: Case | None
    problems: tuple[Located, ...]


@dataclass
class PendingImport:
    kind: str
    report: ImportReport


class Session:
    """The state of one browser session."""

    def __init__(self, document: CaseDocument, target: Path | None) -> None:
        self.document = document
        self.target = target
        self.csrf = secrets.token_urlsafe(32)
        self.lock = threading.RLock()
        self.revision = 0
        self.saved_revision: int | None = 0 if target is not None else None
        self.problems: dict[str, Problem] = {}
        self.understood: dict[str, str] = {}
        self.blank_rows: dict[str, int] = {}
        self.pending: PendingImport | None = None
        self.notice: str | None = None
        self.just_posted: str | None = None  # the page whose form was sent last, to focus its problems
        self.previews = PreviewCache()
        self._check: Check | None = None
        self._last_valid: Check | None = None

    # -- the case ----------------------------------------------------------------------------------

    def options(self) -> Options:
        return Options(today=date.today())

    def check(self) -> Check:
        """Validate the case file as it would be written (cached until the next change)."""
        if self._check is None or self._check.revision != self.revision:
            try:
                case = parse_case(self.document.to_text(), self.document.name)
                self._check = Check(self.revision, case, ())
                self._last_valid = self._check
            except CaseFileError as error:
                self._check = Check(self.revision, None, error.problems)
        return self._check

    def preview_case(self) -> Check | None:
        """The case to preview: the current one when valid, else the last valid one (or None)."""
        check = self.check()
        return check if check.case is not None else self._last_valid

    def errors(self) -> dict[str, str]:
        """Every problem by field path: what the pages could not read, then docgen's own checks."""
        errors = {path: problem.message for path, problem in self.problems.items()}
        for problem in self.check().problems:
            errors.setdefault(problem.field, _sentence(problem.message))
        return errors

    def picks(self) -> dict[str, tuple[tuple[str, str], ...]]:
        return {path: problem.choices for path, problem in self.problems.items() if problem.choices}

    def changed(self) -> None:
        self.revision += 1

    @property
    def unsaved(self) -> bool:
        return self.saved_revision is not None and self.saved_revision != self.revision

    # -- a page posted -----------------------------------------------------------------------------

    def posted(self, section: Section, reading: Reading) -> None:
        """Take in what reading ``section``'s form found (the values are already in the document)."""
        for store in (self.problems, self.understood, self.blank_rows):
            for path in [path for path in store if _top(path) in section.keys]:
                del store[path]
        self.problems.update(reading.problems)
        self.understood.update(reading.understood)
        if reading.added is not None:
            self.blank_rows[reading.added] = 1
        self.changed()

    # -- importing ---------------------------------------------------------------------------------

    def working_copy(self) -> CaseDocument:
        """A copy of the case file for an import to add to, until the person accepts it."""
        return CaseDocument(copy.deepcopy(self.document.data), self.document.name)

    def is_empty(self) -> bool:
        return all(key == "version" for key in self.document.data)

    def accept_import(self) -> PendingImport | None:
        pending, self.pending = self.pending, None
        if pending is not None:
            self.document = CaseDocument(pending.report.document.data, self.document.name)
            self.changed()
        return pending

    # -- saving ------------------------------------------------------------------------------------

    def save(self) -> Path:
        """Write the case file the app was opened with, atomically, comments kept; raises
        InvalidResultError (nothing written) while the case has problems."""
        assert self.target is not None
        written = self.document.write(self.target, force=True)
        self.saved_revision = self.revision
        return written


def _top(path: str) -> str:
    return path.split(".", 1)[0].split("[", 1)[0]


def _sentence(message: str) -> str:
    message = message.strip()
    return (message[:1].upper() + message[1:]).rstrip(".") + "."
