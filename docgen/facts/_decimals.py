"""Doses as the decimals a person typed, and how they read in the taper and guideline messages."""

from __future__ import annotations

from decimal import Decimal


def decimal_of(value: float) -> Decimal:
    """The decimal a person typed: 0.1 is 0.1, not the nearest binary fraction."""
    return Decimal(repr(float(value)))


def format_number(value: Decimal) -> str:
    """Trailing zeros trimmed: 2.250 -> "2.25", 10 -> "10"."""
    return f"{value.normalize():f}"


def format_dose(value: Decimal | float) -> str:
    """A dose with at least one decimal, as doses are usually written: 3 -> "3.0"."""
    text = format_number(value if isinstance(value, Decimal) else decimal_of(value))
    return text if "." in text else f"{text}.0"
