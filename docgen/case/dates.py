"""Partial dates: a day, a month or a year, kept at the precision the patient gave.

``2024-02-10`` is a day, ``2019-06`` a month, ``2014`` a year. A partial date covers a period
(``earliest`` .. ``latest``); it is shown as given ("10 Feb 2024", "Jun 2019", "2014") and never
made more precise than it was.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import IntEnum
from typing import Any

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_PATTERN = re.compile(r"^(~ ?)?([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?$")

#: What a valid partial date looks like, for messages and the JSON Schema.
EXPECTED = ("a date as YYYY-MM-DD, YYYY-MM or YYYY (for example 2024-02-10, 2019-06 or 2014), "
            "with ~ before it where it is approximate (~2015-03)")


class Precision(IntEnum):
    """How much of a date is known; higher is finer."""

    YEAR = 1
    MONTH = 2
    DAY = 3


@dataclass(frozen=True, order=False)
class PartialDate:
    """A calendar date known to the year, the month or the day."""

    year: int
    month: int | None = None
    day: int | None = None
    #: Known only roughly ("around March 2015"): written ``~2015-03``, shown "~ Mar 2015".
    approximate: bool = False

    def __post_init__(self) -> None:
        if not 1 <= self.year <= 9999:
            raise ValueError("the year is out of range (1 to 9999)")
        if self.month is None and self.day is not None:
            raise ValueError("a day needs a month")
        if self.month is not None and not 1 <= self.month <= 12:
            raise ValueError(f"month {self.month} does not exist")
        if self.day is not None and self.month is not None:
            last = calendar.monthrange(self.year, self.month)[1]
            if not 1 <= self.day <= last:
                raise ValueError(f"{_MONTHS[self.month - 1]} {self.year} has no day {self.day}")

    # -- construction -------------------------------------------------------------------------

    @classmethod
    def parse(cls, value: object) -> PartialDate:
        """Read a date from YAML/JSON: a ``date``, a year as a whole number, or ISO text."""
        if isinstance(value, PartialDate):
            return value
        if isinstance(value, datetime):
            return cls(value.year, value.month, value.day)
        if isinstance(value, date):
            return cls(value.year, value.month, value.day)
        if isinstance(value, int) and not isinstance(value, bool):
            return cls(value)
        if isinstance(value, str):
            match = _PATTERN.match(value.strip())
            if match:
                mark, year, month, day = match.groups()
                return cls(int(year), int(month) if month else None, int(day) if day else None, approximate=bool(mark))
        raise ValueError(f"expected {EXPECTED}")

    @classmethod
    def of(cls, day: date) -> PartialDate:
        """A day-precision date."""
        return cls(day.year, day.month, day.day)

    # -- what it covers -----------------------------------------------------------------------

    @property
    def precision(self) -> Precision:
        if self.day is not None:
            return Precision.DAY
        if self.month is not None:
            return Precision.MONTH
        return Precision.YEAR

    @property
    def earliest(self) -> date:
        """The first day of the period."""
        return date(self.year, self.month or 1, self.day or 1)

    @property
    def latest(self) -> date:
        """The last day of the period."""
        if self.day is not None and self.month is not None:
            return date(self.year, self.month, self.day)
        if self.month is not None:
            return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])
        return date(self.year, 12, 31)

    @property
    def is_exact(self) -> bool:
        return self.precision is Precision.DAY

    def sort_key(self) -> tuple[date, date]:
        return (self.earliest, self.latest)

    def __lt__(self, other: PartialDate) -> bool:
        return self.sort_key() < other.sort_key()

    def __le__(self, other: PartialDate) -> bool:
        return self.sort_key() <= other.sort_key()

    def __gt__(self, other: PartialDate) -> bool:
        return self.sort_key() > other.sort_key()

    def __ge__(self, other: PartialDate) -> bool:
        return self.sort_key() >= other.sort_key()

    # -- text ---------------------------------------------------------------------------------

    def isoformat(self) -> str:
        """As written in a case file: "2024-02-10", "2019-06", "2014", "~2015-03"."""
        mark = "~" if self.approximate else ""
        if self.month is None:
            return f"{mark}{self.year:04d}"
        if self.day is None:
            return f"{mark}{self.year:04d}-{self.month:02d}"
        return f"{mark}{self.year:04d}-{self.month:02d}-{self.day:02d}"

    def display(self) -> str:
        """Unambiguous to a US and a European reader: "3 Jun 2024", "Jun 2024", "2014", and
        "~ Mar 2015" for an approximate date."""
        mark = "~ " if self.approximate else ""
        if self.month is None:
            return f"{mark}{self.year}"
        if self.day is None:
            return f"{mark}{_MONTHS[self.month - 1]} {self.year}"
        return f"{mark}{self.day} {_MONTHS[self.month - 1]} {self.year}"

    def __str__(self) -> str:
        return self.isoformat()

    # -- pydantic -----------------------------------------------------------------------------

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> Any:
        from pydantic_core import PydanticCustomError, core_schema

        def validate(value: object) -> PartialDate:
            try:
                return cls.parse(value)
            except ValueError as error:
                raise PydanticCustomError("partial_date", "{reason}", {"reason": str(error)}) from None

        return core_schema.no_info_plain_validator_function(
            validate,
            serialization=core_schema.plain_serializer_function_ser_schema(
                lambda value: value.isoformat(), when_used="json"
            ),
        )

    @classmethod
    def __get_pydantic_json_schema__(cls, schema: Any, handler: Any) -> dict[str, Any]:
        return {
            "anyOf": [
                {"type": "string", "pattern": _PATTERN.pattern, "examples": ["2024-02-10", "2019-06"]},
                {"type": "integer", "minimum": 1, "maximum": 9999, "description": "a year"},
            ],
            "description": "A date as YYYY-MM-DD, or YYYY-MM / YYYY where only that much is known; "
                           "~ before it where it is approximate (~2015-03).",
        }


def display_day(day: date) -> str:
    """A full date as "3 Jun 2024"."""
    return PartialDate.of(day).display()


def describe_interval(earlier: PartialDate, later: PartialDate) -> str:
    """How long after ``earlier`` ``later`` came, at the coarser of the two precisions.

    Returns phrases such as "12 days after", "on the same day as", "in the same month as",
    "about 2 months after", "in the same year as", "about 3 years after".
    """
    precision = min(earlier.precision, later.precision)
    if precision is Precision.DAY:
        days = (later.earliest - earlier.earliest).days
        if days == 0:
            return "on the same day as"
        if days == 1:
            return "1 day after"
        if days == -1:
            return "1 day before"
        if days < 0:
            return f"{-days} days before"
        if days <= 60:
            return f"{days} days after"
        months = round(days / 30.4375)
        if months < 24:
            return f"about {months} months after"
        return f"about {round(days / 365.25)} years after"
    if precision is Precision.MONTH:
        months = (later.year - earlier.year) * 12 + (later.earliest.month - earlier.earliest.month)
        if months == 0:
            return "in the same month as"
        if months < 0:
            return "before"
        return "about 1 month after" if months == 1 else f"about {months} months after"
    years = later.year - earlier.year
    if years == 0:
        return "in the same year as"
    if years < 0:
        return "before"
    return "about 1 year after" if years == 1 else f"about {years} years after"


def describe_duration(start: PartialDate, end: PartialDate) -> str:
    """A span at the coarser precision: "4 months", "about 9 years", "12 days"."""
    precision = min(start.precision, end.precision)
    if precision is Precision.DAY:
        days = (end.earliest - start.earliest).days
        if days < 62:
            return "1 day" if days == 1 else f"{days} days"
        months = round(days / 30.4375)
        if months < 24:
            return f"{months} months"
        return _years_text(_calendar_years(start.earliest, end.earliest))
    if precision is Precision.MONTH:
        months = (end.year - start.year) * 12 + (end.earliest.month - start.earliest.month)
        if months < 24:
            return "under 1 month" if months < 1 else ("1 month" if months == 1 else f"{months} months")
        return _years_text(months / 12)
    years = end.year - start.year
    return "under 1 year" if years < 1 else ("about 1 year" if years == 1 else f"about {years} years")


def add_days(day: date, days: int) -> date:
    """``day`` plus ``days``, held at the first or last day there is (1 Jan 1, 31 Dec 9999)."""
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return date.max if days > 0 else date.min


def _calendar_years(start: date, end: date) -> float:
    """Whole calendar years between two days, plus the fraction of the year after."""
    years = end.year - start.year - ((end.month, end.day) < (start.month, start.day))
    anniversary = _anniversary(start, start.year + years)
    following = _anniversary(start, start.year + years + 1)
    return years + (end - anniversary).days / max((following - anniversary).days, 1)


def _anniversary(day: date, year: int) -> date:
    if not date.min.year <= year <= date.max.year:  # a span reaching the ends of the calendar
        return date.max if year > date.max.year else date.min
    try:
        return day.replace(year=year)
    except ValueError:  # 29 Feb in a common year
        return date(year, 3, 1)


def _years_text(years: float) -> str:
    whole = int(years)
    fraction = years - whole
    if fraction < 0.4:
        return f"{whole} years" if fraction < 0.05 else f"over {whole} years"
    if fraction < 0.6:
        return f"{whole}½ years"
    return f"almost {whole + 1} years"
