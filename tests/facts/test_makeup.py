"""The make-up of a daily dose: tablets of the plan's strengths (halves only of a strength the
plan's smallest step halves), or mL of the liquid."""

from __future__ import annotations

import itertools
from datetime import date
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from docgen.case.model import Taper
from docgen.facts.makeup import (
    CANNOT,
    LIQUID,
    NOT_GIVEN,
    STOPPED,
    TABLETS,
    current_makeup,
    dose_makeup,
    liquid_makeup,
    splittable_strengths,
    step_makeup,
    tablet_makeup,
)
from docgen.facts.taper import TaperStep

DIAZEPAM = (10, 5, 2)

# Worked by hand: dose, strengths, smallest step, the make-up, the strengths it halves.
# Fewest tablets first (a half counts as one), then fewest halves, then larger strengths.
CASES: list[tuple[float, tuple[float, ...], float | None, str, tuple[float, ...]]] = [
    (13, DIAZEPAM, 1, "1 × 10 mg + 1½ × 2 mg", (2,)),  # 3 pieces; 5 + 4 × 2 would be 5
    (12, DIAZEPAM, 1, "1 × 10 mg + 1 × 2 mg", ()),
    (11, DIAZEPAM, 1, "1 × 10 mg + ½ × 2 mg", (2,)),  # the only two-piece make-up
    (10, DIAZEPAM, 1, "1 × 10 mg", ()),  # not 2 × 5 mg: fewer tablets
    (9, DIAZEPAM, 1, "1 × 5 mg + 2 × 2 mg", ()),  # 3 tablets, none split
    (8, DIAZEPAM, 1, "1 × 5 mg + 1½ × 2 mg", (2,)),  # 3 pieces against 4 × 2 mg
    (7, DIAZEPAM, 1, "1 × 5 mg + 1 × 2 mg", ()),
    (6, DIAZEPAM, 1, "1 × 5 mg + ½ × 2 mg", (2,)),  # 2 pieces against 3 × 2 mg
    (4, DIAZEPAM, 1, "2 × 2 mg", ()),
    (3, DIAZEPAM, 1, "1½ × 2 mg", (2,)),
    (1, DIAZEPAM, 1, "½ × 2 mg", (2,)),
    (20, DIAZEPAM, 1, "2 × 10 mg", ()),
    (17, DIAZEPAM, 1, "1 × 10 mg + 1 × 5 mg + 1 × 2 mg", ()),
    (2.5, DIAZEPAM, 1, "", ()),  # not a whole number of mg: the 1 mg step cannot make it
    (3, DIAZEPAM, None, "", ()),  # no halves without a smallest step: 3 mg cannot be made
    (3, DIAZEPAM, 2.5, "", ()),  # a 2.5 mg step halves the 5 mg tablet only
    (7.5, DIAZEPAM, 2.5, "1½ × 5 mg", (5,)),
    (0.75, (0.5, 0.125), 0.0625, "1 × 0.5 mg + 2 × 0.125 mg", ()),
    (0.6875, (0.5, 0.125), 0.0625, "1 × 0.5 mg + 1½ × 0.125 mg", (0.125,)),
    (0.5625, (0.5, 0.125), 0.0625, "1 × 0.5 mg + ½ × 0.125 mg", (0.125,)),
    (0.3, (0.5, 0.125), 0.0625, "", ()),  # 0.3 is no multiple of 0.0625
    (1.5, (1, 0.5), 0.25, "1 × 1 mg + 1 × 0.5 mg", ()),  # a whole 0.5 mg rather than half of 1 mg
    (0.25, (1, 0.5), 0.25, "½ × 0.5 mg", (0.5,)),  # quarters of 1 mg never
    (1, (2, 1), 1, "1 × 1 mg", ()),  # half of 2 mg allowed, a whole 1 mg preferred
    (0.1, (0.1,), 0.05, "1 × 0.1 mg", ()),  # 0.1 exactly, not the nearest binary fraction
    (0.3, (0.1,), None, "3 × 0.1 mg", ()),
    (2, (2, 2.0), None, "1 × 2 mg", ()),  # a strength given twice counts once
]


@pytest.mark.parametrize(("dose", "strengths", "step", "text", "halved"), CASES,
                         ids=[f"{case[0]}mg-{'-'.join(map(str, case[1]))}-step{case[2]}" for case in CASES])
def test_a_dose_is_made_of_the_fewest_tablets(dose: float, strengths: tuple[float, ...], step: float | None,
                                              text: str, halved: tuple[float, ...]) -> None:
    makeup = tablet_makeup(dose, strengths, splittable_strengths(strengths, step))
    assert makeup.text() == text
    assert makeup.split_strengths == halved
    if text:
        assert makeup.status == TABLETS
        assert makeup.total_mg() == Fraction(str(dose))
    else:
        assert makeup.status == CANNOT
        assert makeup.pieces == ()


@pytest.mark.parametrize(("strengths", "step", "expected"), [
    ((10, 5, 2), 1, (2,)),
    ((10, 5, 2), 2.5, (5,)),
    ((10, 5, 2), 5, (10,)),
    ((10, 5, 2), 0.5, ()),  # quarters of 2 mg: never
    ((10, 5, 2), None, ()),
    ((0.5, 0.125), 0.0625, (0.125,)),
    ((0.5, 0.25), 0.125, (0.25,)),
    ((2, 1), 1, (2,)),
])
def test_only_the_strength_the_smallest_step_halves_may_be_split(strengths: tuple[float, ...], step: float | None,
                                                                 expected: tuple[float, ...]) -> None:
    assert splittable_strengths(strengths, step) == expected


def test_what_cannot_be_said_in_figures_says_why() -> None:
    assert tablet_makeup(0, DIAZEPAM).status == STOPPED
    assert tablet_makeup(5, []).status == NOT_GIVEN
    assert tablet_makeup(5, []).text() == ""
    assert liquid_makeup(0.8, 0.8, 1).text() == "0.8 mL of 1 mg/mL"
    assert liquid_makeup(0.8, 0.8, 1).status == LIQUID
    assert liquid_makeup(0.45, 4.5, 0.1).text() == "4.5 mL of 0.1 mg/mL"
    assert liquid_makeup(0.8, None, None).status == NOT_GIVEN
    assert liquid_makeup(0, 0, 1).status == STOPPED


def _taper(**fields: object) -> Taper:
    return Taper.model_validate({"start": "2026-11-16", "percent": 10, "every_days": 28, **fields})


def _step(mg: float, form: str = "tablet", ml: float | None = None) -> TaperStep:
    return TaperStep(1, date(2026, 11, 16), mg, -1.0, 7.7, form, ml, "reduction" if mg else "stop", 0, ())


def test_a_step_is_made_of_its_own_form() -> None:
    plan = _taper(smallest_step_mg=1, tablets_mg=[10, 5, 2], liquid_below_mg=2, liquid_mg_per_ml=1)
    assert step_makeup(plan, _step(11)).text() == "1 × 10 mg + ½ × 2 mg"
    assert step_makeup(plan, _step(1.8, "liquid", 1.8)).text() == "1.8 mL of 1 mg/mL"
    assert step_makeup(plan, _step(0, "liquid", 0)).status == STOPPED
    # the dose before the first step: tablets, or the liquid below liquid_below_mg
    assert current_makeup(plan, 13).text() == "1 × 10 mg + 1½ × 2 mg"
    assert current_makeup(plan, 1.5).text() == "1.5 mL of 1 mg/mL"
    assert current_makeup(_taper(smallest_step_mg=1), 13).status == NOT_GIVEN


# -- the property: a make-up always adds up to the dose, or says it cannot ----------------------------

STRENGTHS = st.lists(st.sampled_from([0.0625, 0.1, 0.125, 0.25, 0.5, 1, 2, 2.5, 5, 10, 0.3, 7]), min_size=1, max_size=4)


@st.composite
def _made_doses(draw: st.DrawFn) -> tuple[float, list[float], tuple[float, ...], int]:
    """Strengths, the ones that may be halved, and a dose built of at most six of those pieces."""
    strengths = draw(STRENGTHS)
    splittable = splittable_strengths(strengths, draw(st.sampled_from([None, *[value / 2 for value in strengths]])))
    pieces = [Fraction(str(strength)) for strength in strengths]
    pieces += [Fraction(str(strength)) / 2 for strength in splittable]
    chosen = draw(st.lists(st.sampled_from(pieces), min_size=1, max_size=6))
    return float(sum(chosen)), strengths, splittable, len(chosen)


@settings(max_examples=300, deadline=None)
@given(_made_doses())
def test_a_makeup_adds_up_to_the_dose_with_the_fewest_tablets(made: tuple[float, list[float], tuple[float, ...], int]) -> None:
    dose, strengths, splittable, pieces = made
    makeup = tablet_makeup(dose, strengths, splittable)
    assert makeup.status == TABLETS
    assert makeup.total_mg() == Fraction(repr(dose))
    assert set(makeup.split_strengths) <= set(splittable)  # only a strength the plan halves is split
    assert all(piece.halves > 0 for piece in makeup.pieces)
    assert makeup.text() == " + ".join(piece.text() for piece in makeup.pieces)
    assert _cost(makeup) == _fewest(dose, strengths, splittable, pieces)  # the fewest tablets, then halves


@settings(max_examples=200, deadline=None)
@given(st.floats(min_value=0, allow_nan=False, allow_infinity=False), STRENGTHS)
def test_any_dose_at_all_is_made_up_exactly_or_not_at_all(dose: float, strengths: list[float]) -> None:
    splittable = splittable_strengths(strengths, min(strengths) / 2)
    makeup = tablet_makeup(dose, strengths, splittable)
    if makeup.status == TABLETS:
        assert makeup.total_mg() == Fraction(repr(dose))
        assert set(makeup.split_strengths) <= set(splittable)
    else:
        assert makeup.status in (STOPPED, CANNOT)
        assert makeup.pieces == () and makeup.text() == ""


def test_a_dose_beyond_the_search_is_not_made_up() -> None:
    assert dose_makeup(1e300, liquid=False, ml_per_day=None, tablets_mg=[10], smallest_step_mg=None,
                       liquid_mg_per_ml=None).status == CANNOT


def _cost(makeup: object) -> tuple[int, int]:
    pieces = makeup.pieces  # type: ignore[attr-defined]
    return (sum(piece.halves // 2 + piece.halves % 2 for piece in pieces), sum(piece.halves % 2 for piece in pieces))


def _fewest(dose: float, strengths: list[float], splittable: tuple[float, ...], most: int) -> tuple[int, int]:
    """The smallest (tablets, halves) of any make-up of at most ``most`` pieces, by trying them all."""
    target = Fraction(repr(dose))
    pieces = [(Fraction(str(strength)), 0) for strength in set(strengths)]
    pieces += [(Fraction(str(strength)) / 2, 1) for strength in set(splittable)]
    found = [(count, sum(half for _size, half in chosen))
             for count in range(1, most + 1)
             for chosen in itertools.combinations_with_replacement(pieces, count)
             if sum(size for size, _half in chosen) == target]
    return min(found)
