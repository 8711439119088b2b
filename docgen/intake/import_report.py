"""What an import did, for the person to review before trusting it: every entry added, every row
or record skipped with the reason, and notes on what was not used."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from docgen.errors import OutputError
from docgen.intake.case_document import CaseDocument
from docgen.output import write_file


@dataclass
class ImportReport:
    """The result of one import: the case with the entries added, and what happened to each."""

    source: str
    document: CaseDocument
    added: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """The report as lines of text: notes, then each entry added, then each one skipped."""
        lines = [f"note: {note}" for note in self.notes]
        lines += [f"added: {entry}" for entry in self.added]
        lines += [f"skipped: {entry}" for entry in self.skipped]
        lines.append(f"{self.source}: {_count(len(self.added), 'entry')} added, {_count(len(self.skipped), 'skipped', plain=True)}")
        return lines


def _count(number: int, noun: str, plain: bool = False) -> str:
    if plain:
        return f"{number} {noun}"
    if number == 1:
        return f"1 {noun}"
    return f"{number} {noun[:-1]}ies" if noun.endswith("y") else f"{number} {noun}s"


def save_report(report: ImportReport, target: Path, force: bool = False) -> Path:
    """Write the merged case to ``target`` once it validates; an existing file only with ``force``.

    Raises InvalidResultError (nothing written) when the result would not be a valid case file,
    and OutputError when ``target`` exists and ``force`` is not given.
    """
    text = report.document.checked_text(str(target), target.suffix.lower() == ".json")
    if target.exists() and not force:
        raise OutputError(f"{target}: not changed; it exists already. Add --force to write these entries into it, "
                          "or -o NEW_FILE.yaml to write the result to a new file")
    return write_file(text.encode("utf-8"), target, force)
