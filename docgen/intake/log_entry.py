"""Adding what happened to a request to its log, in the case file itself: comments, quoting and
order kept, the result checked against the contract and written whole or not at all."""

from __future__ import annotations

import stat
from dataclasses import dataclass
from pathlib import Path

from docgen.case.dates import PartialDate
from docgen.case.model import Decision, LogAction, LogEntry, SendMethod
from docgen.facts.jurisdiction import RequestName
from docgen.facts.request_log import iter_problems
from docgen.facts.requests import SECTIONS
from docgen.intake.case_document import CaseDocument
from docgen.intake.errors import EntryError
from docgen.output import write_file


@dataclass(frozen=True)
class LoggedEntry:
    """What was added, and what the log now looks odd about (its ``validate`` warnings)."""

    path: Path
    section: str
    entry: LogEntry
    decision: Decision | None
    warnings: tuple[tuple[str, str], ...]


def add_log_entry(path: Path, *, request: RequestName, action: LogAction, day: PartialDate,
                  method: SendMethod | None = None, reference: str | None = None, note: str | None = None,
                  decision: Decision | None = None) -> LoggedEntry:
    """Append an entry to the log of ``request`` in the case file at ``path`` and write the file
    back atomically, keeping its permissions; with ``decision`` (for a ``decision`` entry), record
    it in the request's ``response`` too."""
    section = SECTIONS[request]
    document = CaseDocument.load(path)
    entry = LogEntry(date=day, action=action, method=method, reference=reference, note=note)
    try:
        document.add_log_entry(section, entry)
        if decision is not None:
            document.set_decision(section, decision, day)
    except EntryError as error:
        raise EntryError(f"{path}: {error}; nothing was written") from None
    as_json = path.suffix.lower() == ".json"
    case = document.check(str(path), as_json)  # the same text as written next
    text = document.to_text(as_json)
    write_file(text.encode("utf-8"), path, force=True, mode=stat.S_IMODE(path.stat().st_mode))
    warnings = tuple((field, message) for field, message in iter_problems(case) if field.startswith(section))
    return LoggedEntry(path, section, entry, decision, warnings)
