"""The make-up of a daily dose: which tablets, or how many mL of the liquid, make it. Pure, no I/O.

A dose is made of the tablet strengths a taper plan has on hand (``taper.tablets_mg``) or, once the
projection has moved to the liquid, of mL of it (``taper.liquid_mg_per_ml``):
"2 × 5 mg + 1 × 2 mg", "1 × 10 mg + ½ × 2 mg", "0.8 mL of 1 mg/mL".

**When a tablet is split.** The case file does not say whether a strength is scored, so docgen
splits as little as it can and never guesses beyond the plan:

1. A strength may be halved only when the plan itself measures in halves of it: when the plan's
   ``smallest_step_mg`` is exactly half of that strength (a 1 mg step with 2 mg tablets). No
   other strength is ever split, and nothing is split into quarters.
2. The make-up is the one with the fewest tablets to take (a half counts as one); of those, the
   one with the fewest halves (whole tablets where they do as well), and then the one with the
   larger strengths.
3. Every make-up that uses a half says so (``Makeup.split_strengths``), so that each document can
   ask the pharmacist whether that strength is scored: docgen cannot know.

A dose no combination makes exactly is reported as such (``CANNOT``), never rounded: the
projection has already rounded each dose to what the plan can measure.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from math import gcd

from docgen.case.model import Taper
from docgen.facts.formatting import format_mg
from docgen.facts.taper import LIQUID as LIQUID_FORM
from docgen.facts.taper import TaperStep

TABLETS = "tablets"
LIQUID = "liquid"
#: The dose is 0: nothing to take.
STOPPED = "stopped"
#: The plan names no tablet strengths (or, for a liquid, no strength in mg/mL).
NOT_GIVEN = "not given"
#: No combination of the strengths makes the dose exactly.
CANNOT = "cannot"

#: The search counts in the largest unit that divides every piece; beyond this many units a dose
#: is not searched (no real tablet dose comes near: 100 mg in 0.5 mg halves is 200 units).
MAX_UNITS = 20_000

_MULTIPLY = "\u00d7"
_HALF = "\u00bd"


@dataclass(frozen=True)
class Piece:
    """Tablets of one strength: ``halves`` counts half tablets, so 3 is one and a half."""

    strength_mg: float
    halves: int

    @property
    def count_text(self) -> str:
        """"1", "2", "½", "1½"."""
        whole, half = divmod(self.halves, 2)
        if not half:
            return str(whole)
        return f"{whole}{_HALF}" if whole else _HALF

    @property
    def tablets(self) -> Fraction:
        return Fraction(self.halves, 2)

    @property
    def split(self) -> bool:
        return self.halves % 2 == 1

    def text(self) -> str:
        """"2 × 5 mg", "½ × 2 mg"."""
        return f"{self.count_text} {_MULTIPLY} {format_mg(self.strength_mg)} mg"


@dataclass(frozen=True)
class Makeup:
    """What one day's dose is made of."""

    mg_per_day: float
    status: str
    pieces: tuple[Piece, ...] = ()
    ml_per_day: float | None = None
    liquid_mg_per_ml: float | None = None
    #: The strengths the dose could be made of (for saying why it cannot).
    strengths: tuple[float, ...] = ()

    @property
    def split_strengths(self) -> tuple[float, ...]:
        """The strengths this make-up halves, largest first."""
        return tuple(piece.strength_mg for piece in self.pieces if piece.split)

    @property
    def piece_texts(self) -> tuple[str, ...]:
        """Each strength's part: ("2 × 5 mg", "1 × 2 mg")."""
        return tuple(piece.text() for piece in self.pieces)

    def text(self) -> str:
        """"2 × 5 mg + 1 × 2 mg", "0.8 mL of 1 mg/mL"; empty when there is nothing to say in
        figures (stopped, strengths not given, cannot be made), which ``status`` tells apart."""
        if self.status == TABLETS:
            return " + ".join(self.piece_texts)
        if self.status == LIQUID and self.ml_per_day is not None and self.liquid_mg_per_ml is not None:
            return f"{format_mg(self.ml_per_day)} mL of {format_mg(self.liquid_mg_per_ml)} mg/mL"
        return ""

    def total_mg(self) -> Fraction:
        """What the make-up adds up to, exactly (the dose itself for a liquid or a stop)."""
        if self.status == TABLETS:
            return sum((_exact(piece.strength_mg) * piece.halves / 2 for piece in self.pieces), Fraction(0))
        if self.status == LIQUID and self.ml_per_day is not None and self.liquid_mg_per_ml is not None:
            return _exact(self.ml_per_day) * _exact(self.liquid_mg_per_ml)
        return Fraction(0) if self.status == STOPPED else _exact(self.mg_per_day)


def splittable_strengths(strengths: Sequence[float], smallest_step_mg: float | None) -> tuple[float, ...]:
    """The strengths that may be halved: those of which the plan's smallest step is exactly half."""
    if smallest_step_mg is None:
        return ()
    step = _exact(smallest_step_mg)
    return tuple(strength for strength in _distinct(strengths) if _exact(strength) == 2 * step)


def tablet_makeup(mg_per_day: float, strengths: Sequence[float], splittable: Sequence[float] = ()) -> Makeup:
    """The dose as tablets of ``strengths``, halving only the ``splittable`` ones (rules above)."""
    available = _distinct(strengths)
    if mg_per_day == 0:
        return Makeup(mg_per_day, STOPPED, strengths=available)
    if not available:
        return Makeup(mg_per_day, NOT_GIVEN)
    halves = {_exact(strength) for strength in splittable}
    # (size in mg, strength, is a half), largest first: the search keeps the first of equal make-ups
    sizes = [(_exact(strength), strength, False) for strength in available]
    sizes += [(_exact(strength) / 2, strength, True) for strength in available if _exact(strength) in halves]
    sizes.sort(key=lambda size: (-size[0], size[2]))
    found = _search(_exact(mg_per_day), sizes)
    if found is None:
        return Makeup(mg_per_day, CANNOT, strengths=available)
    counts: dict[float, int] = {}
    for index in found:
        _size, strength, half = sizes[index]
        counts[strength] = counts.get(strength, 0) + (1 if half else 2)
    pieces = tuple(Piece(strength, counts[strength]) for strength in available if strength in counts)
    return Makeup(mg_per_day, TABLETS, pieces, strengths=available)


def liquid_makeup(mg_per_day: float, ml_per_day: float | None, mg_per_ml: float | None) -> Makeup:
    """The dose as mL of the liquid (as the projection computed them)."""
    if mg_per_day == 0:
        return Makeup(mg_per_day, STOPPED, liquid_mg_per_ml=mg_per_ml)
    if ml_per_day is None or mg_per_ml is None:
        return Makeup(mg_per_day, NOT_GIVEN, liquid_mg_per_ml=mg_per_ml)
    return Makeup(mg_per_day, LIQUID, ml_per_day=ml_per_day, liquid_mg_per_ml=mg_per_ml)


def dose_makeup(mg_per_day: float, *, liquid: bool, ml_per_day: float | None, tablets_mg: Sequence[float],
                smallest_step_mg: float | None, liquid_mg_per_ml: float | None) -> Makeup:
    """The make-up of one dose of a plan: mL of the liquid when the dose is liquid, else tablets."""
    if liquid:
        return liquid_makeup(mg_per_day, ml_per_day, liquid_mg_per_ml)
    return tablet_makeup(mg_per_day, tablets_mg, splittable_strengths(tablets_mg, smallest_step_mg))


def step_makeup(plan: Taper, step: TaperStep) -> Makeup:
    """The make-up of one projected step of ``plan`` (its dose, in the step's form)."""
    return dose_makeup(step.mg_per_day, liquid=step.form == LIQUID_FORM, ml_per_day=step.ml_per_day,
                       tablets_mg=plan.tablets_mg, smallest_step_mg=_optional(plan.smallest_step_mg),
                       liquid_mg_per_ml=_optional(plan.liquid_mg_per_ml))


def current_makeup(plan: Taper, mg_per_day: float) -> Makeup:
    """The make-up of the dose taken before the plan's first step: liquid when it is below the
    plan's ``liquid_below_mg`` and the liquid's strength is given (the projection's own rule for
    moving to the liquid), else tablets."""
    strength = _optional(plan.liquid_mg_per_ml)
    liquid = plan.liquid_below_mg is not None and strength is not None and mg_per_day < plan.liquid_below_mg
    ml = float(Decimal(repr(float(mg_per_day))) / Decimal(repr(strength))) if liquid and strength else None
    return dose_makeup(mg_per_day, liquid=liquid, ml_per_day=ml, tablets_mg=plan.tablets_mg,
                       smallest_step_mg=_optional(plan.smallest_step_mg), liquid_mg_per_ml=strength)


def _optional(value: float | None) -> float | None:
    return None if value is None else float(value)


def _search(dose: Fraction, sizes: Sequence[tuple[Fraction, float, bool]]) -> list[int] | None:
    """The pieces (indices into ``sizes``) that sum to ``dose`` with the fewest pieces, then the
    fewest halves; None when none do. A dynamic programme over multiples of the largest unit that
    divides every size (exact: the sizes and the dose are fractions)."""
    if dose < 0:
        return None
    unit = _common_unit([size for size, _strength, _half in sizes])
    if (dose / unit).denominator != 1:
        return None
    total = int(dose / unit)
    if total > MAX_UNITS:
        return None
    steps = [int(size / unit) for size, _strength, _half in sizes]
    costs = [(1, 1 if half else 0) for _size, _strength, half in sizes]
    worst = (total + 1, total + 1)
    best: list[tuple[int, int]] = [(0, 0)] + [worst] * total
    choice = [-1] * (total + 1)
    for amount in range(1, total + 1):
        for index, step in enumerate(steps):
            if step > amount or best[amount - step] == worst:
                continue
            before = best[amount - step]
            cost = (before[0] + costs[index][0], before[1] + costs[index][1])
            if cost < best[amount]:
                best[amount], choice[amount] = cost, index
    if best[total] == worst:
        return None
    chosen = []
    amount = total
    while amount:
        index = choice[amount]
        chosen.append(index)
        amount -= steps[index]
    return chosen


def _common_unit(sizes: Sequence[Fraction]) -> Fraction:
    """The largest fraction that divides every size."""
    denominator = 1
    for size in sizes:
        denominator = denominator * size.denominator // gcd(denominator, size.denominator)
    numerator = 0
    for size in sizes:
        numerator = gcd(numerator, int(size * denominator))
    return Fraction(numerator, denominator)


def _distinct(strengths: Sequence[float]) -> tuple[float, ...]:
    """The strengths once each, largest first."""
    seen: dict[Fraction, float] = {}
    for strength in strengths:
        if strength > 0:
            seen.setdefault(_exact(strength), float(strength))
    return tuple(seen[key] for key in sorted(seen, reverse=True))


def _exact(value: float) -> Fraction:
    """The decimal a person typed, exactly: 0.1 is 1/10, not the nearest binary fraction."""
    return Fraction(Decimal(repr(float(value))))
