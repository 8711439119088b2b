"""How dates, doses and percentages read in every document (no template engine needed)."""

from __future__ import annotations

from datetime import date

from docgen.case.dates import PartialDate


def format_date(value: PartialDate | date | None, missing: str = "date not given") -> str:
    """"3 Jun 2024", "Jun 2024", "2014"."""
    if value is None:
        return missing
    if isinstance(value, PartialDate):
        return value.display()
    return PartialDate.of(value).display()


def format_mg(value: float) -> str:
    """A dose in mg without trailing zeros: 2.5, 0.0625, 10 (and 1.2e+15 past a billion)."""
    if abs(value) >= 1e9:  # a typo's 1e308 would print as 309 digits
        return f"{value:.3g}"
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return text if text not in ("", "-0") else "0"


def format_dose(value: float) -> str:
    return f"{format_mg(value)} mg/day"


def format_percent(value: float) -> str:
    return f"{value:.0f}%" if abs(value - round(value)) < 0.05 or value >= 10 else f"{value:.1f}%"
