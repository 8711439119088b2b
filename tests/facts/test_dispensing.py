"""What a pharmacy dispenses for each fill of a projected taper, worked by hand."""

from __future__ import annotations

from datetime import date

import pytest
from conftest import ROOT

from docgen.case.loading import load_case, parse_case
from docgen.facts.dispensing import dispensing
from docgen.facts.taper_plan import planned_tapers

THERAPIST = ROOT / "samples" / "taper-with-therapist.yaml"


def test_the_fills_of_the_sample_every_28_days() -> None:
    found = dispensing(planned_tapers(load_case(THERAPIST))[0], 28)
    fills = found.fills
    assert fills[0].start == date(2026, 11, 16) and fills[0].end == date(2026, 12, 13)
    # 12 mg a day (1 × 10 mg + 1 × 2 mg) for 28 days
    assert dict(fills[0].tablets) == {10.0: 28, 5.0: 0, 2.0: 28}
    # 11 mg a day (1 × 10 mg + ½ × 2 mg): 28 halves, 14 whole 2 mg tablets
    assert dict(fills[1].tablets) == {10.0: 28, 5.0: 0, 2.0: 14}
    # 8 mg a day (1 × 5 mg + 1½ × 2 mg): 42 two-milligram tablets
    assert dict(fills[4].tablets) == {10.0: 0, 5.0: 28, 2.0: 42}
    # the liquid from 1 May 2028: 1.8 mL a day for 28 days, and no tablets
    liquid = next(fill for fill in fills if fill.liquid_ml is not None)
    assert (liquid.start, liquid.liquid_ml, dict(liquid.tablets)[2.0]) == (date(2028, 5, 1), pytest.approx(50.4), 0)
    # the last fill ends the day before the stop, 7 Jan 2030
    assert fills[-1].end == date(2030, 1, 6)
    assert sum(fill.days for fill in fills) == (date(2030, 1, 7) - date(2026, 11, 16)).days
    totals = dict(found.total_tablets)
    assert totals == {strength: sum(dict(fill.tablets)[strength] for fill in fills) for strength in totals}
    assert found.total_liquid_ml == pytest.approx(sum(fill.liquid_ml or 0 for fill in fills))
    assert all(fill.unmade_days == 0 for fill in fills)


def test_a_fill_across_two_steps_counts_each_dose_for_its_days() -> None:
    found = dispensing(planned_tapers(load_case(THERAPIST))[0], 30)
    first, second = found.fills[:2]
    assert [(dose.mg_per_day, dose.days) for dose in first.doses] == [(12, 28), (11, 2)]
    # 28 × (10 + 2) and 2 × (10 + ½ × 2): 30 ten-milligram tablets, 28 + 1 two-milligram tablets
    assert dict(first.tablets) == {10.0: 30, 5.0: 0, 2.0: 29}
    assert second.start == date(2026, 12, 16)


def test_half_tablets_are_rounded_up_to_whole_tablets() -> None:
    case = parse_case(b"version: 1\npatient: {name: A}\nmedications:\n  - drug: diazepam\n"
                      b"    doses: [{date: 2026-01-01, mg_per_day: 3}]\n"
                      b"    taper: {start: 2026-02-01, percent: 34, every_days: 3, smallest_step_mg: 1, tablets_mg: [2]}\n",
                      "case.yaml")
    found = dispensing(planned_tapers(case)[0], 3)
    # 2 mg for 3 days, then 1 mg (½ × 2 mg) for 3 days: 3 halves make 2 whole tablets
    assert [dict(fill.tablets)[2.0] for fill in found.fills] == [3, 2]
    assert found.fills[-1].end == date(2026, 2, 6)


def test_a_dose_the_tablets_cannot_make_is_counted_apart() -> None:
    case = parse_case(b"version: 1\npatient: {name: A}\nmedications:\n  - drug: diazepam\n"
                      b"    doses: [{date: 2026-01-01, mg_per_day: 10}]\n"
                      b"    taper: {start: 2026-02-01, percent: 10, every_days: 28, smallest_step_mg: 1, tablets_mg: [5]}\n",
                      "case.yaml")
    first = dispensing(planned_tapers(case)[0], 28).fills[0]  # 9 mg a day: not from 5 mg tablets
    assert (first.unmade_days, dict(first.tablets)) == (28, {5.0: 0})


def test_fill_days_must_be_positive() -> None:
    with pytest.raises(ValueError):
        dispensing(planned_tapers(load_case(THERAPIST))[0], 0)
