"""What a user can choose about generation, with every default defined once, here."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from docgen.facts.equivalence import EquivalenceTable

PAGE_SIZES = ("letter", "a4")
FORMATS = ("pdf", "docx")
#: Output files hold health information: readable by their owner only by default; --shared makes
#: them readable by everyone on the computer (still writable by the owner only).
PRIVATE_MODE = 0o600
SHARED_MODE = 0o644


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
    #: Whether an amendment request's PDF carries the entity's reply form after the enclosure.
    reply_form: bool = True
    #: Whether a letter starts with a fax cover sheet.
    cover: bool = False
    #: The permissions of the files written (PRIVATE_MODE or SHARED_MODE).
    file_mode: int = PRIVATE_MODE
    #: Large print: body text at 14 pt or more, over as many pages as it takes (the page says so).
    large_print: bool = False
