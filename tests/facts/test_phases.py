"""Taper phases: a run of reductions read as one stretch, hand-checked."""

from __future__ import annotations

from datetime import date

import pytest
from cases import case_of, daily_taper, medication

from docgen.facts.equivalence import EquivalenceTable
from docgen.facts.exposure import exposure_of
from docgen.facts.phases import TaperPhase, taper_phases


def phases_of(*medications: dict[str, object]) -> list[TaperPhase]:
    return taper_phases(exposure_of(case_of(*medications), EquivalenceTable.ASHTON))


def test_a_daily_micro_taper_is_one_phase_described_by_its_ends() -> None:
    # a liquid taper, one entry a day from 1 Mar: 2 mg/day down to 1 mg/day on 8 Jun, printed to four decimals
    doses = [("2024-01-01", 2.0)] + daily_taper(date(2025, 3, 1), 100, 2.0, 1.0)
    (phase,) = phases_of(medication("clonazepam", doses))
    assert phase.steps == 99  # one step a day, 2 Mar to 8 Jun
    assert phase.small_steps
    # 50% over the 14 weeks from 2 Mar to 8 Jun: 50 / 14 ≈ 3.6% a week
    assert phase.describe() == "clonazepam 2 → 1 mg/day from 2 Mar to 8 Jun 2025 (−50%, about 3.6% a week)"


@pytest.mark.parametrize(
    ("doses", "expected"),
    [
        # three large cuts in four weeks: one phase, not of small steps
        ([("2018-11-14", 2), ("2024-03-04", 1.5), ("2024-03-18", 1), ("2024-04-01", 0.5)],
         ["clonazepam 2 → 0.5 mg/day from 4 Mar to 1 Apr 2024 (−75%, about 19% a week; 3 steps)"]),
        # an increase between two runs: two phases
        ([("2020-01-01", 2), ("2024-03-04", 1.5), ("2024-03-18", 1), ("2024-05-13", 1.5), ("2025-02-10", 1.25),
          ("2025-03-10", 1)],
         ["clonazepam 2 → 1 mg/day from 4 to 18 Mar 2024 (−50%, about 25% a week; 2 steps)",
          "clonazepam 1.5 → 1 mg/day from 10 Feb to 10 Mar 2025 (−33%, about 8.3% a week; 2 steps)"]),
        # a single reduction is not a phase; nor are two more than a year apart
        ([("2020-01-01", 2), ("2022-01-01", 1), ("2023-06-01", 0.5)], []),
        # a run to 0, known to the month
        ([("2018", 3), ("2021-01", 2.5), ("2021-05", 2), ("2021-10", 1.5), ("2022-04", 1), ("2022-10", 0.5), ("2023-03", 0.25),
          ("2023-08", 0)],
         ["clonazepam 3 → 0 mg/day from Jan 2021 to Aug 2023 (−100%, about 0.7% a week; 7 steps)"]),
    ],
)
def test_runs_of_reductions(doses: list[tuple[str, float]], expected: list[str]) -> None:
    assert [phase.describe_in_full() for phase in phases_of(medication("clonazepam", doses))] == expected


def test_long_pauses_are_holds() -> None:
    doses = [("2025-03-24", 40), ("2025-05-05", 37), ("2025-06-02", 34), ("2025-06-30", 32), ("2025-07-28", 30),
             ("2025-10-20", 28), ("2025-11-17", 26), ("2025-12-15", 24)]
    (phase,) = phases_of(medication("diazepam", doses))
    # 40% over the 32 weeks from 5 May to 15 Dec: 1.25% a week
    assert phase.describe_in_full() == ("diazepam 40 → 24 mg/day from 5 May to 15 Dec 2025 (−40%, about 1.2% a week; "
                                        "7 steps; held 12 weeks at 30 mg/day)")


def test_the_steps_of_a_switch_are_not_a_phase() -> None:
    alprazolam = [("2019-09-10", 4), ("2025-03-03", 3), ("2025-03-10", 2), ("2025-03-17", 1), ("2025-03-24", 0)]
    diazepam = [("2025-03-03", 10), ("2025-03-10", 20), ("2025-03-17", 30), ("2025-03-24", 40)]
    assert phases_of(medication("alprazolam", alprazolam), medication("diazepam", diazepam)) == []


def test_a_non_benzodiazepine_has_no_phases() -> None:
    assert phases_of(medication("gabapentin", [("2021-01", 900), ("2021-12", 600), ("2022-02", 300), ("2022-03", 0)])) == []
