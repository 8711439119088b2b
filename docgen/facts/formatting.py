"""How dates, doses and percentages read in every document (no template engine needed)."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from docgen.case.dates import PartialDate

#: Figures in running text about dose changes keep this many decimals as recorded ...
RECORDED_DECIMALS = 3
#: ... and are rounded to this many significant digits beyond that ("≈ 1.65").
ROUNDED_DIGITS = 3


def format_date(value: PartialDate | date | None, missing: str = "date not given") -> str:
    """"3 Jun 2024", "Jun 2024", "2014"."""
    if value is None:
        return missing
    if isinstance(value, PartialDate):
        return value.display()
    return PartialDate.of(value).display()


def format_mg(value: float) -> str:
    """A dose in mg as recorded, without trailing zeros: 2.5, 0.0625, 0.03125, 0.00004, 10.

    A dose above 0 never reads as 0. Past a billion and below a millionth (typos: 1e308 would
    print as 309 digits) it reads as 1.2e+15 or 1e-07. Twelve significant digits at most, so a
    computed 0.1 + 0.2 reads 0.3.
    """
    if value == 0:
        return "0"
    if not 1e-6 <= abs(value) < 1e9:
        return f"{value:.3g}"
    text = f"{Decimal(f'{value:.12g}'):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def format_mg_figure(value: float) -> str:
    """A dose in a sentence about a change: as recorded up to three decimals, rounded beyond that.

    2.5 -> "2.5", 0.125 -> "0.125", 0.0625 -> "0.0625" (rounding changes nothing), 1.6492 ->
    "≈ 1.65", 0.03125 -> "≈ 0.0312". Never "0" for a dose above 0.
    """
    text = format_mg(value)
    decimals = len(text.partition(".")[2]) if "e" not in text else 0
    if decimals <= RECORDED_DECIMALS:
        return text
    rounded = float(f"{value:.{ROUNDED_DIGITS}g}")
    return text if rounded == value else f"≈ {format_mg(rounded)}"


def format_dose(value: float) -> str:
    return f"{format_mg(value)} mg/day"


def format_percent(value: float) -> str:
    return f"{value:.0f}%" if abs(value - round(value)) < 0.05 or value >= 10 else f"{value:.1f}%"


def format_signed_percent(value: float) -> str:
    """A change in percent with its sign: "−17%", "+300%" (a true minus sign), "0%"."""
    text = format_percent(abs(value))
    if text in ("0%", "0.0%"):
        return "0%"
    return f"−{text}" if value < 0 else f"+{text}"


def on_date(value: PartialDate, year: int | None = None) -> str:
    """"on 1 Apr 2024", but "in Oct 2021" or "in 2014" for a date known to the month or year;
    "on 1 Apr" when the sentence has already said the year (``year``)."""
    text = value.display()
    if year is not None and value.year == year and value.month is not None:
        text = text.rsplit(" ", 1)[0]
    return f"{'on' if value.is_exact else 'in'} {text}"


def format_date_range(first: PartialDate, last: PartialDate, joiner: str = "to") -> str:
    """"3 to 24 Mar 2025", "4 Mar to 1 Apr 2024", "6 Nov 2023 to 26 Aug 2024", "Jan 2021 to Aug 2023"
    (or "3 and 24 Mar 2025" with ``joiner="and"``)."""
    if first == last:
        return first.display()
    if first.is_exact and last.is_exact and first.year == last.year:
        if first.month == last.month:
            return f"{first.day} {joiner} {last.display()}"
        return f"{first.display().rsplit(' ', 1)[0]} {joiner} {last.display()}"
    if first.day is None and last.day is None and first.month and last.month and first.year == last.year:
        return f"{first.display().split()[0]} {joiner} {last.display()}"
    return f"{first.display()} {joiner} {last.display()}"


_ISO_DATE_IN_TEXT = re.compile(r"(?<![\w-])(\d{4})-(\d{2})(?:-(\d{2}))?(?![\w-])")


def dates_in_text(text: str) -> str:
    """Free text with its ISO dates read as every document shows dates: "power of attorney dated
    2023-02-14" reads "power of attorney dated 14 Feb 2023", "since 2019-06" reads "since Jun
    2019". Anything that is not a real date ("2023-2025", "2023-13-01", "F13-20") stays as typed.

    For running text written by the user (a representative's authority, a log note); text quoted
    from a record or written to be pasted into one is reproduced exactly and never passes here.
    """
    def display(match: re.Match[str]) -> str:
        try:
            return PartialDate.parse(match.group(0)).display()
        except ValueError:
            return match.group(0)

    return _ISO_DATE_IN_TEXT.sub(display, text)
