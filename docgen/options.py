"""What a user can choose about generation, with every default defined once, here."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from docgen.pharmacology.equivalence import EquivalenceTable

PAGE_SIZES = ("letter", "a4")
FORMATS = ("pdf", "docx")


@dataclass(frozen=True)
class Options:
    """Generation options; the CLI fills these from its flags."""

    today: date = field(default_factory=date.today)
    table: EquivalenceTable = EquivalenceTable.ASHTON
    page: str = "letter"
    templates: str | None = None
    #: Days assumed between sending a request and its receipt, for the expected response date.
    receipt_days: int = 5
    #: Whether an amendment PDF carries the timeline as its enclosure.
    enclosure: bool = True
