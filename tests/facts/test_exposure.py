"""Exposure: each change classified, switches found with the change in total load, the rates of a
reduction and the guideline's bound, hand-checked."""

from __future__ import annotations

from datetime import date

import pytest
from cases import case_of, medication

from docgen.facts.equivalence import EquivalenceTable
from docgen.facts.exposure import Exposure, exposure_of

ASHTON = EquivalenceTable.ASHTON


def kinds(exposure: Exposure) -> list[tuple[str, str, str]]:
    return [(change.drug, change.date.isoformat(), change.kind) for change in exposure.changes]


# -- the kinds of change -------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("doses", "note", "expected"),
    [
        # start, increase, reduction, stop
        ([("2020-01-01", 1), ("2021-01-01", 2), ("2022-01-01", 1.5), ("2022-06-01", 0)], None,
         ["start", "increase", "reduction", "stop"]),
        # an increase six weeks after a cut is a reinstatement ...
        ([("2020", 2), ("2024-04-01", 0.5), ("2024-05-13", 1)], None, ["start", "reduction", "reinstatement"]),
        # ... and so is a restart soon after a stop
        ([("2020", 2), ("2024-04-01", 0), ("2024-04-20", 0.5)], None, ["start", "stop", "reinstatement"]),
        # ... but not an increase a year later, nor a restart years after the stop
        ([("2020", 2), ("2023-04-01", 0.5), ("2024-05-13", 1)], None, ["start", "reduction", "increase"]),
        ([("2010", 2), ("2012-04-01", 0), ("2020-01-01", 0.5)], None, ["start", "stop", "start"]),
        # an increase the note calls a reinstatement is one, however long after the cut
        ([("2020", 2), ("2023-04-01", 0.5), ("2024-05-13", 1)], "partial reinstatement after the ER visit",
         ["start", "reduction", "reinstatement"]),
    ],
)
def test_the_kind_of_each_change(doses: list[tuple[str, float]], note: str | None, expected: list[str]) -> None:
    data = medication("clonazepam", doses)
    if note is not None:
        data["doses"][-1]["note"] = note
    assert [kind for _drug, _day, kind in kinds(exposure_of(case_of(data), ASHTON))] == expected


def test_an_entry_that_restates_the_dose_is_a_hold_and_changes_nothing() -> None:
    exposure = exposure_of(case_of(medication("diazepam", [("2025-01-01", 30), ("2025-03-01", 30), ("2025-05-01", 28)])), ASHTON)
    assert [change.kind for change in exposure.changes] == ["start", "reduction"]
    assert [(hold.date.isoformat(), hold.after_mg) for hold in exposure.holds] == [("2025-03-01", 30)]


@pytest.mark.parametrize(
    ("doses", "size", "two_weeks", "four_weeks"),
    [
        # 2 -> 1.5 (4 Mar) -> 1 (18 Mar): the second cut is 33% of the dose, 50% over the 4 weeks ending with it;
        # 4 Mar is 14 days before, outside the 2 weeks that end on 18 Mar
        ([("2018-11-14", 2), ("2024-03-04", 1.5), ("2024-03-18", 1)], -33.3, 33.3, 50.0),
        # a month-precision date in the stretch: the rate is not known
        ([("2018-11", 2), ("2024-03", 1.5), ("2024-03-18", 1)], -33.3, None, None),
    ],
)
def test_a_reduction_has_its_size_and_its_rate(doses: list[tuple[str, float]], size: float, two_weeks: float | None,
                                               four_weeks: float | None) -> None:
    last = exposure_of(case_of(medication("clonazepam", doses)), ASHTON).changes[-1]
    assert last.percent == pytest.approx(size, abs=0.05)
    assert (last.within_2_weeks is None) == (two_weeks is None) and (last.within_4_weeks is None) == (four_weeks is None)
    if two_weeks is not None and four_weeks is not None:
        assert last.within_2_weeks == pytest.approx(two_weeks, abs=0.05)
        assert last.within_4_weeks == pytest.approx(four_weeks, abs=0.05)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (0, "clonazepam started at 0.5 mg/day"),
        (1, "clonazepam 0.5 → 2 mg/day (+300%)"),
        (2, "clonazepam 2 → 1.5 mg/day (−25%)"),
        (3, "clonazepam reinstated, 1.5 → ≈ 1.65 mg/day"),
        (4, "clonazepam ≈ 1.65 → ≈ 1.6 mg/day (−3%)"),
        (5, "clonazepam stopped (from ≈ 1.6 mg/day)"),
    ],
)
def test_how_a_change_reads(change: int, expected: str) -> None:
    doses = [("2015-10", 0.5), ("2018-11-14", 2), ("2024-03-04", 1.5), ("2024-03-20", 1.6492), ("2024-06-01", 1.5997),
             ("2024-09-01", 0)]
    assert exposure_of(case_of(medication("clonazepam", doses)), ASHTON).changes[change].describe() == expected


# -- switches ------------------------------------------------------------------------------------

ALPRAZOLAM = [("2019-09-10", 4), ("2025-03-03", 3), ("2025-03-10", 2), ("2025-03-17", 1), ("2025-03-24", 0)]
DIAZEPAM = [("2025-03-03", 10), ("2025-03-10", 20), ("2025-03-17", 30), ("2025-03-24", 40), ("2025-05-05", 37)]


@pytest.mark.parametrize(
    ("medications", "table", "expected"),
    [
        # an Ashton crossover one dose a week: one switch; by Ashton (alprazolam 0.5 ≈ diazepam 10) it halved the load
        ([medication("alprazolam", ALPRAZOLAM), medication("diazepam", DIAZEPAM)], ASHTON,
         "the switch from alprazolam 4 mg/day to diazepam 40 mg/day (3 to 24 Mar 2025; total 80 → 40 mg/day "
         "diazepam-eq., −50%)"),
        # by VA/DoD 2021 (alprazolam 1 ≈ diazepam 10) the same crossover left the load where it was
        ([medication("alprazolam", ALPRAZOLAM), medication("diazepam", DIAZEPAM)], EquivalenceTable.VA_DOD,
         "the switch from alprazolam 4 mg/day to diazepam 40 mg/day (3 to 24 Mar 2025; total unchanged at 40 mg/day "
         "diazepam-eq.)"),
        # on one day, and with a rise a week before the fall
        ([medication("lorazepam", [("2020", 2), ("2024-06-01", 0)]), medication("diazepam", [("2024-06-01", 20)])], ASHTON,
         "the switch from lorazepam 2 mg/day to diazepam 20 mg/day (on 1 Jun 2024; total unchanged at 20 mg/day diazepam-eq.)"),
        ([medication("lorazepam", [("2020", 2), ("2024-06-08", 1)]), medication("diazepam", [("2024-06-01", 10)])], ASHTON,
         "the switch from lorazepam 2 → 1 mg/day to diazepam 10 mg/day (1 to 8 Jun 2024; total unchanged at 20 mg/day "
         "diazepam-eq.)"),
        # a drug in no table: the switch is still one, without a total
        ([medication("alprazolam", [("2020", 2), ("2024-06-01", 0)]), medication("etizolam", [("2024-06-01", 1)])], ASHTON,
         "the switch from alprazolam 2 mg/day to etizolam 1 mg/day (on 1 Jun 2024)"),
    ],
)
def test_a_fall_with_a_rise_of_another_benzodiazepine_is_a_switch(medications: list[dict[str, object]],
                                                                  table: EquivalenceTable, expected: str) -> None:
    exposure = exposure_of(case_of(*medications), table)
    assert [switch.describe() for switch in exposure.switches] == [expected]
    assert all(change.kind == "switch" for change in exposure.switches[0].changes)


@pytest.mark.parametrize(
    "medications",
    [
        # two drugs started together, one of them cut a week later: not a switch
        [medication("etizolam", [("2020-01-01", 1)]), medication("clonazepam", [("2020-01-01", 4), ("2020-01-08", 2)])],
        # the rise more than four weeks from the fall
        [medication("lorazepam", [("2020", 2), ("2024-06-01", 1)]), medication("diazepam", [("2024-07-15", 10)])],
        # a non-benzodiazepine started as the benzodiazepine is cut
        [medication("clonazepam", [("2020", 2), ("2024-06-01", 1)]), medication("gabapentin", [("2024-06-01", 300)])],
    ],
)
def test_not_a_switch(medications: list[dict[str, object]]) -> None:
    exposure = exposure_of(case_of(*medications), ASHTON)
    assert exposure.switches == ()
    assert "switch" not in [change.kind for change in exposure.changes]


def test_the_total_in_diazepam_equivalent_mg() -> None:
    exposure = exposure_of(case_of(medication("alprazolam", ALPRAZOLAM), medication("diazepam", DIAZEPAM),
                                   medication("baclofen", [("2025-01-01", 30)])), ASHTON)
    assert [exposure.total_mg(date(2025, 3, day)) for day in (2, 3, 10, 17, 24)] == [80, 70, 60, 50, 40]
    with_etizolam = exposure_of(case_of(medication("etizolam", [("2025-01-01", 1)])), ASHTON)
    assert with_etizolam.total_mg(date(2025, 3, 1)) is None  # in no table: never converted


# -- the guideline's bound -----------------------------------------------------------------------

def test_breaches_of_a_drug_where_its_dates_are_full_dates() -> None:
    # the early history is known only to the month; the cuts of 2024 to the day
    doses = [("2015-10", 0.5), ("2018-11-14", 2), ("2024-03-04", 1.5), ("2024-03-18", 1), ("2024-04-01", 0.5)]
    exposure = exposure_of(case_of(medication("clonazepam", doses)), ASHTON)
    assert [found.breach.text for found in exposure.breaches] == [
        "1.5 → 1.0 mg/day on 18 Mar 2024 is a 33% reduction in one step, beyond the 2025 guideline's general bound of "
        "25% within two weeks",
        "1.0 → 0.5 mg/day on 1 Apr 2024 is a 50% reduction in one step, beyond the 2025 guideline's general bound of "
        "25% within two weeks",
    ]
    assert [change.beyond_guideline for change in exposure.changes] == [False, False, False, True, True]


def test_a_switch_is_checked_on_the_total_not_on_each_drug() -> None:
    exposure = exposure_of(case_of(medication("alprazolam", ALPRAZOLAM), medication("diazepam", DIAZEPAM)), ASHTON)
    assert [(found.medication, found.switch, found.breach.before_mg, found.breach.after_mg) for found in exposure.breaches] == [
        (None, 0, 70, 50), (None, 0, 60, 40)]
    # by VA/DoD 2021 the total did not fall, and alprazolam's own 50% cut is explained by the switch
    assert exposure_of(case_of(medication("alprazolam", ALPRAZOLAM), medication("diazepam", DIAZEPAM)),
                       EquivalenceTable.VA_DOD).breaches == ()


def test_a_switch_without_a_total_is_checked_on_each_drug() -> None:
    exposure = exposure_of(case_of(medication("alprazolam", [("2020-01-01", 2), ("2024-06-01", 0.5)]),
                                   medication("etizolam", [("2024-06-01", 1)])), ASHTON)
    assert [(found.medication, round(found.breach.percent)) for found in exposure.breaches] == [(0, 75)]
