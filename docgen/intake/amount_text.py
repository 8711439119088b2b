"""Doses and severities as people write them in logs and diaries.

A dose becomes the total daily dose in mg: "0.5 mg", "0.5", "1/2 tab" or "half a tablet" (of a
given tablet strength), "1 1/2 tabs", "0.5 mg twice a day", "1 mg + 0.5 mg". Anything that
would need a guess (a liquid with no strength, "as needed", a tablet of unknown strength, a
decimal comma) is refused with the reason, never approximated. Messages quote at most 40
characters of what was written.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from docgen.case.model import _excerpt
from docgen.intake.errors import EntryError

#: The most digits one number in a dose or severity may have ("0.000125" has 7).
MAX_DIGITS = 15
#: The largest total daily dose read, in mg (100 g): more is a slip of the pen or of the unit.
MAX_DAILY_MG = 100_000

#: Examples for prompts and messages.
DOSE_EXAMPLES = '"0.5 mg", "1", "1/2 tab", "half a tablet", "1 1/2 tabs", "0.5 mg twice a day"'

Unit = Literal["mg", "tablet"]

_UNICODE_FRACTIONS = {"½": " 1/2", "¼": " 1/4", "¾": " 3/4", "⅓": " 1/3", "⅔": " 2/3", "⅛": " 1/8"}
_WORD_AMOUNTS: tuple[tuple[str, str], ...] = (
    (r"\b(?:one|1) and (?:a|one) half\b", "1 1/2"),
    (r"\btwo and (?:a|one) half\b", "2 1/2"),
    (r"\b(\d+) and (?:a|one) half\b", r"\1 1/2"),
    (r"\b(\d+) and (\d+/\d+)\b", r"\1 \2"),
    (r"\bthree quarters?\b", "3/4"),
    (r"\b(?:a |one )?half\b", "1/2"),
    (r"\b(?:a |one )?quarter\b", "1/4"),
    (r"\bone\b", "1"),
    (r"\btwo\b", "2"),
    (r"\bthree\b", "3"),
    (r"\bfour\b", "4"),
)
_PER_DAY = r"\s*(?:a|per|/|each|every)?\s*(?:day|daily|d)\b"
_FREQUENCIES: tuple[tuple[str, int], ...] = (
    (r"\b(?:twice|2\s*x|two times|2 times)" + _PER_DAY, 2),
    (r"\b(?:three times|3\s*x|3 times)" + _PER_DAY, 3),
    (r"\b(?:four times|4\s*x|4 times)" + _PER_DAY, 4),
    (r"\b(?:once|1\s*x|one time|1 time)" + _PER_DAY, 1),
    (r"\b(?:bid|b\.i\.d\.?|bd|morning and (?:night|evening)|am and pm)\b", 2),
    (r"\b(?:tid|t\.i\.d\.?|tds)\b", 3),
    (r"\b(?:qid|q\.i\.d\.?|qds)\b", 4),
    (r"(?:^|\s)x\s?([1-6])\b", 0),  # "x2": the count is read from the match
    (r"\b(?:qd|od|daily|a day|per day|each day|every day|at night|at bedtime|nightly|qhs|"
     r"in the morning|every morning|each morning|mane|nocte|once)\b|/\s*(?:day|d)\b", 1),
)
_HOURLY = re.compile(r"\b(?:every\s+(\d+)\s*(?:hours|hour|hrs|hr|h)|q(\d+)h)\b")
_NOT_DAILY = re.compile(r"\b(?:prn|as needed|when needed|as required|if needed)\b")
_NOT_EVERY_DAY = re.compile(r"\b(?:every other day|alternate days|qod|weekly|a week|per week|every week)\b")
_STRENGTH = re.compile(r"\bof\s+(?:a\s+|an\s+|one\s+)?(\d+(?:\.\d+)?|\.\d+)\s*(mg|mcg|µg|ug)\b(?:\s*(?:tablets?|tabs?|pills?))?")
_AMOUNT = re.compile(
    r"^(?:(?P<whole>\d+)(?:\s+|-)(?P<numerator>\d+)/(?P<denominator>\d+)"
    r"|(?P<fraction_numerator>\d+)\s*/\s*(?P<fraction_denominator>\d+)"
    r"|(?P<decimal>\d+(?:\.\d+)?|\.\d+))"
    r"\s*(?:(?:of\s+)?(?:a|an|one)\s+)?"
    r"(?P<unit>mg|milligrams?|mcg|µg|ug|micrograms?|g|grams?|tablets?|tabs?|pills?|capsules?|caps?"
    r"|ml|millilit(?:re|er)s?|drops?)?\.?$"
)


@dataclass(frozen=True)
class DoseReading:
    """A dose read from text: the total daily mg, and the text as written when it was not plain mg."""

    mg_per_day: float
    note: str | None = None


def parse_dose_text(text: str, tablet_mg: float | None = None, default_unit: Unit = "mg") -> DoseReading:
    """Read a dose; ``tablet_mg`` is the strength of one tablet, for doses written in tablets.

    ``default_unit`` is what a bare number means ("mg", or "tablet" for a column of tablet counts).
    Raises EntryError with the reason when the text cannot be read without a guess.
    """
    original = " ".join(text.strip().split())
    if not original:
        raise EntryError(f"no dose given; expected a dose such as {DOSE_EXAMPLES}")
    shown = _excerpt(original)
    _check_digits(original, shown)
    if tablet_mg is not None and not (math.isfinite(tablet_mg) and tablet_mg > 0):
        raise EntryError(f"the tablet strength must be a number of mg above 0, not {tablet_mg}")
    lowered = original.lower()
    for symbol, replacement in _UNICODE_FRACTIONS.items():
        lowered = lowered.replace(symbol, replacement)
    lowered = lowered.replace("μ", "µ")
    if re.search(r"\d,\d", lowered):
        raise EntryError(f"'{shown}' has a decimal comma; write it with a point (0.5, not 0,5)")
    if lowered in {"none", "stopped", "stop", "off", "nil"}:
        return DoseReading(0.0, original)
    if _NOT_DAILY.search(lowered):
        raise EntryError(f"'{shown}' is taken as needed: it has no fixed daily dose; give the total taken that day in mg")
    if _NOT_EVERY_DAY.search(lowered):
        raise EntryError(f"'{shown}' is not taken every day; the case records a total dose per day, so enter it by hand with a note")
    total = Fraction(0)
    used_tablets = False
    has_strength = False
    for part in lowered.split("+"):
        amount, tablets, strength = _parse_part(part.strip(), shown, tablet_mg, default_unit)
        total += amount
        used_tablets |= tablets
        has_strength |= strength
    if total > MAX_DAILY_MG:
        raise EntryError(f"'{shown}' is more than {MAX_DAILY_MG:,} mg a day; check the number and its unit")
    mg_per_day = float(round(total, 6))
    plain = not used_tablets and re.fullmatch(r"(\d+(\.\d+)?|\.\d+)\s*(mg)?(\s*(/\s*day|a day|per day|daily))?", lowered)
    if plain:
        return DoseReading(mg_per_day)
    if used_tablets and not has_strength and tablet_mg is not None:
        if default_unit == "tablet" and re.fullmatch(r"[\d./ ]+", lowered):
            return DoseReading(mg_per_day, f"{original} × {_format(tablet_mg)} mg tablet")
        return DoseReading(mg_per_day, f"{original} ({_format(tablet_mg)} mg tablets)")
    return DoseReading(mg_per_day, original)


def _parse_part(part: str, original: str, tablet_mg: float | None, default_unit: Unit) -> tuple[Fraction, bool, bool]:
    """One summand: (mg per day, whether it was in tablets, whether it named its own strength)."""
    if not part:
        raise EntryError(f"'{original}' has an empty part around '+'")
    times, part = _take_frequency(part, original)
    strength_mg: Fraction | None = Fraction(str(tablet_mg)) if tablet_mg is not None else None
    named_strength = False
    match = _STRENGTH.search(part)
    if match:
        strength_mg = Fraction(match.group(1)) * (Fraction(1, 1000) if match.group(2) != "mg" else 1)
        named_strength = True
        part = (part[: match.start()] + part[match.end():]).strip()
    for pattern, replacement in _WORD_AMOUNTS:
        part = re.sub(pattern, replacement, part)
    part = " ".join(part.split())
    match = _AMOUNT.match(part)
    if not match:
        raise EntryError(f"'{original}' is not a dose docgen can read; expected a dose such as {DOSE_EXAMPLES}")
    if match.group("whole") is not None:
        amount = Fraction(int(match.group("whole"))) + _fraction(match.group("numerator"), match.group("denominator"), original)
    elif match.group("fraction_numerator") is not None:
        amount = _fraction(match.group("fraction_numerator"), match.group("fraction_denominator"), original)
    else:
        amount = Fraction(match.group("decimal"))
    unit = match.group("unit") or ""
    is_fraction = match.group("decimal") is None
    if not unit:
        if default_unit == "tablet" or named_strength:
            unit = "tablet"
        elif is_fraction:
            raise EntryError(f"'{original}' has no unit; write '{_excerpt(part, 20)} tab' (with --tablet-mg) or the dose in mg")
        else:
            unit = "mg"
    if unit.startswith(("ml", "millilit", "drop")):
        raise EntryError(f"'{original}' is a liquid measure; docgen cannot know the liquid's strength, so give the dose in mg")
    if unit in {"mg"} or unit.startswith("milligram"):
        return amount * times, False, named_strength
    if unit in {"mcg", "µg", "ug"} or unit.startswith("microgram"):
        return amount / 1000 * times, False, named_strength
    if unit == "g" or unit.startswith("gram"):
        return amount * 1000 * times, False, named_strength
    if strength_mg is None:
        raise EntryError(f"'{original}' is in tablets, and the tablet strength is not known; "
                         "give it (--tablet-mg, or '1/2 tab of 1 mg') or write the dose in mg")
    return amount * strength_mg * times, True, named_strength


def _take_frequency(part: str, original: str) -> tuple[int, str]:
    hourly = _HOURLY.search(part)
    if hourly:
        hours = int(hourly.group(1) or hourly.group(2))
        if hours == 0 or 24 % hours:
            raise EntryError(f"'{original}': every {hours} hours is not a whole number of doses a day; give the daily total in mg")
        return 24 // hours, (part[: hourly.start()] + part[hourly.end():]).strip()
    for pattern, times in _FREQUENCIES:
        match = re.search(pattern, part)
        if match:
            count = int(match.group(1)) if times == 0 else times
            rest = (part[: match.start()] + " " + part[match.end():]).strip()
            for other, _times in _FREQUENCIES:
                if re.search(other, rest):
                    raise EntryError(f"'{original}' gives two frequencies; write one, or the daily total in mg")
            return count, rest
    return 1, part


def _check_digits(text: str, shown: str) -> None:
    longest = max((len(number) for number in re.findall(r"\d+", text)), default=0)
    if longest > MAX_DIGITS:
        raise EntryError(f"'{shown}' has a number of {longest:,} digits; a dose or severity has at most {MAX_DIGITS}")


def _fraction(numerator: str, denominator: str, original: str) -> Fraction:
    if int(denominator) == 0:
        raise EntryError(f"'{original}' divides by zero")
    return Fraction(int(numerator), int(denominator))


def _format(value: float) -> str:
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return text or "0"


def parse_severity_text(text: str) -> int:
    """A severity from 0 (none) to 10 (worst): "7", "7/10", "7 out of 10"."""
    cleaned = " ".join(text.strip().lower().split())
    if not cleaned:
        raise EntryError("no severity given; expected a whole number from 0 (none) to 10 (worst)")
    shown = _excerpt(text)
    _check_digits(cleaned, shown)
    match = re.fullmatch(r"(\d+(?:\.\d+)?)(?:\s*(?:/|out of|of)\s*10)?", cleaned)
    if not match:
        raise EntryError(f"'{shown}' is not a severity; expected a whole number from 0 (none) to 10 (worst), e.g. 7 or 7/10")
    value = Fraction(match.group(1))
    if value.denominator != 1:
        raise EntryError(f"'{shown}' is not a whole number; severities are whole numbers from 0 to 10")
    if not 0 <= value <= 10:
        raise EntryError(f"'{shown}' is outside 0 to 10; severities are whole numbers from 0 (none) to 10 (worst)")
    return int(value)
