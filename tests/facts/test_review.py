"""What `docgen validate` says about the exposure: the taper phases and switches, the reductions
beyond the guideline's bound, and the symptoms whose relation to the dose changes is ambiguous."""

from __future__ import annotations

from conftest import ROOT
from typer.testing import CliRunner

from docgen.case.loading import load_case
from docgen.cli import app
from docgen.facts.equivalence import EquivalenceTable
from docgen.facts.review import iter_warnings, summarize

FULL = ROOT / "samples" / "bind-labelled-fnd.yaml"
CROSSOVER = ROOT / "samples" / "taper-with-therapist.yaml"
BOUND = "beyond the 2025 guideline's general bound of 25% within two weeks"


def test_the_summary_lists_the_taper_phases_and_switches() -> None:
    assert "taper phase: clonazepam 2 → 0.5 mg/day from 4 Mar to 1 Apr 2024 (−75%, about 19% a week; 3 steps)" in (
        summarize(load_case(FULL)))
    lines = summarize(load_case(CROSSOVER))
    assert ("taper phase: diazepam 40 → 13 mg/day from 5 May 2025 to 19 Oct 2026 (−68%, about 0.9% a week; 16 steps; "
            "held 12 weeks at 30 mg/day and 12 weeks at 17 mg/day)") in lines
    assert "switch: alprazolam 4 mg/day to diazepam 40 mg/day, 3 to 24 Mar 2025" in lines


def test_the_warnings_name_each_reduction_beyond_the_bound_and_each_ambiguous_onset() -> None:
    warnings = [(warning.field, warning.message) for warning in iter_warnings(load_case(FULL))]
    # the first cuts are known only to the month; the fast taper of 2024 to the day
    assert ("medications[0].doses", f"clonazepam: 1.0 → 0.5 mg/day on 1 Apr 2024 is a 50% reduction in one step, {BOUND}") in (
        warnings)
    assert ("symptoms[3].onset", "the onset Mar 2024 of 'sensitivity to sound': 2 benzodiazepine changes fall in the "
            "onset's period (clonazepam on 4 Mar 2024, clonazepam on 18 Mar 2024); which of them came before the onset "
            "is not recorded, and a full onset date would settle it") in warnings


def test_a_switch_is_checked_on_the_total_by_the_chosen_table() -> None:
    case = load_case(CROSSOVER)
    ashton = [warning.message for warning in iter_warnings(case, EquivalenceTable.ASHTON)]
    assert ashton == [
        "the total during the switch from alprazolam to diazepam (diazepam-equivalent, Ashton): 70.0 → 50.0 mg/day "
        f"between 10 Mar 2025 and 17 Mar 2025 is a 29% reduction within 14 days, {BOUND}",
        "the total during the switch from alprazolam to diazepam (diazepam-equivalent, Ashton): 60.0 → 40.0 mg/day "
        f"between 17 Mar 2025 and 24 Mar 2025 is a 33% reduction within 14 days, {BOUND}",
    ]
    assert list(iter_warnings(case, EquivalenceTable.VA_DOD)) == []


def test_validate_prints_them() -> None:
    result = CliRunner().invoke(app, ["validate", str(CROSSOVER)])
    assert result.exit_code == 0
    assert "  switch: alprazolam 4 mg/day to diazepam 40 mg/day, 3 to 24 Mar 2025" in result.stdout
    assert "medications[1].doses: warning: the total during the switch from alprazolam to diazepam" in result.stderr
    assert "2 warnings (the file is still valid)" in result.stderr
