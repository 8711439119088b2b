"""Dates as people type them: "June 2019", "2019-06", "2014", "14 Aug 1971", "3/5/2024".

Every reading keeps the precision given (a month stays a month) and nothing is guessed: a date
such as 3/5/2024, which is 3 May to some readers and 5 March to others, is refused unless the
caller says which order its dates use. Two-digit years are refused for the same reason.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from enum import Enum

from docgen.case.dates import PartialDate
from docgen.case.model import _excerpt
from docgen.intake.errors import AmbiguousDateError, EntryError

#: Examples for prompts and messages.
DATE_EXAMPLES = "2024-03-05, 5 Mar 2024, March 2024, 2024-03 or 2024"

_MONTH_NAMES = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)
_MONTHS: dict[str, int] = {}
for _number, _name in enumerate(_MONTH_NAMES, start=1):
    _MONTHS[_name] = _number
    _MONTHS[_name[:3]] = _number
_MONTHS["sept"] = 9

_YEAR_FIRST = re.compile(
    r"^(\d{4})(?:[-/.](\d{1,2})(?:[-/.](\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?)?)?$"
)
_NUMERIC = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{2}|\d{4})(?:[T ]\d{1,2}:\d{2}(?::\d{2})?)?$")
_MONTH_YEAR = re.compile(r"^(\d{1,2})[-/.](\d{4})$")
_ORDINAL = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)$")


class DateOrder(str, Enum):
    """How to read an all-number date whose first two parts could both be a month."""

    UNAMBIGUOUS = "unambiguous"  # refuse 3/5/2024; read 13/5/2024 and 5/13/2024
    DAY_FIRST = "day-first"  # 3/5/2024 is 3 May 2024
    MONTH_FIRST = "month-first"  # 3/5/2024 is 5 March 2024


#: Words for a day relative to today, read only when the caller gives today's date.
_RELATIVE_DAYS = {"today": 0, "yesterday": -1}


#: "around March 2015", "about 2015", "circa 2015", "c. 2015", "approx. June 2019", "~2015-03".
_APPROXIMATE = re.compile(r"(?:~|(?:around|about|roughly|approximately|approx\.?|circa|ca\.|c\.)(?=\s))\s*",
                          re.IGNORECASE)


def parse_date_text(text: str | PartialDate, order: DateOrder = DateOrder.UNAMBIGUOUS, *,
                    today: date | None = None) -> PartialDate:
    """Read a date typed by a person; raise EntryError (AmbiguousDateError) saying why not.

    With ``today``, "today" and "yesterday" are read as those days (an interview knows the day it
    is answered; a spreadsheet row does not, so the importers do not pass it).
    """
    if isinstance(text, PartialDate):
        return text
    cleaned = " ".join(text.strip().split())
    if not cleaned:
        raise EntryError(f"no date given; expected a date such as {DATE_EXAMPLES}")
    if today is not None and cleaned.casefold() in _RELATIVE_DAYS:
        return PartialDate.of(today + timedelta(days=_RELATIVE_DAYS[cleaned.casefold()]))
    rough = _APPROXIMATE.match(cleaned)
    if rough:
        found = parse_date_text(cleaned[rough.end():], order, today=today)
        return PartialDate(found.year, found.month, found.day, approximate=True)
    try:
        return _parse(cleaned, order)
    except EntryError:
        raise
    except ValueError as error:  # PartialDate's own checks: "Feb 2023 has no day 30"
        raise EntryError(f"'{_excerpt(cleaned)}': {error}") from None


def _parse(text: str, order: DateOrder) -> PartialDate:
    match = _YEAR_FIRST.match(text)
    if match:
        year, month, day = match.groups()
        return PartialDate(int(year), int(month) if month else None, int(day) if day else None)
    match = _NUMERIC.match(text)
    if match:
        first, second, year = (int(part) for part in match.groups())
        if len(match.group(3)) == 2:
            raise EntryError(f"'{_excerpt(text)}' has a two-digit year; write the year in full (19{match.group(3)} or 20{match.group(3)})")
        return _day_and_month(text, first, second, year, order)
    match = _MONTH_YEAR.match(text)
    if match:
        return PartialDate(int(match.group(2)), int(match.group(1)))
    return _parse_words(text)


def _day_and_month(text: str, first: int, second: int, year: int, order: DateOrder) -> PartialDate:
    if order is DateOrder.DAY_FIRST:
        return PartialDate(year, second, first)
    if order is DateOrder.MONTH_FIRST:
        return PartialDate(year, first, second)
    if first > 12 and second > 12:
        raise EntryError(f"'{_excerpt(text)}' has no month (neither {first} nor {second} is 1 to 12)")
    if first == second or first > 12:
        return PartialDate(year, second, first)
    if second > 12:
        return PartialDate(year, first, second)
    as_day_first = PartialDate(year, second, first)
    as_month_first = PartialDate(year, first, second)
    raise AmbiguousDateError(
        f"'{_excerpt(text)}' could be {as_day_first.display()} or {as_month_first.display()}; "
        f"write it as {as_day_first.isoformat()} or {as_day_first.display()}",
        (as_day_first, as_month_first),
    )


def _parse_words(text: str) -> PartialDate:
    tokens = [token for token in re.split(r"[\s,/-]+", text.lower().replace(".", " ")) if token and token != "of"]
    day: int | None = None
    month: int | None = None
    year: int | None = None
    for token in tokens:
        ordinal = _ORDINAL.match(token)
        if token in _MONTHS and month is None:
            month = _MONTHS[token]
        elif re.fullmatch(r"\d{4}", token) and year is None:
            year = int(token)
        elif (ordinal or re.fullmatch(r"\d{1,2}", token)) and day is None and year is None:
            day = int(ordinal.group(1) if ordinal else token)
        elif re.fullmatch(r"\d{1,2}", token) and day is None and year is not None and month is not None:
            day = int(token)  # "2024 March 5"
        else:
            raise EntryError(_not_a_date(text))
    if year is None:
        raise EntryError(f"'{_excerpt(text)}' has no year; expected a date such as {DATE_EXAMPLES}")
    if month is None and day is not None:
        raise EntryError(_not_a_date(text))
    return PartialDate(year, month, day)


def _not_a_date(text: str) -> str:
    return f"'{_excerpt(text)}' is not a date docgen can read; expected a date such as {DATE_EXAMPLES}"
