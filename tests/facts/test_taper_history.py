"""The patient's own taper history, as the taper request reads it."""

from __future__ import annotations

from conftest import ROOT

from docgen.case.loading import load_case
from docgen.facts.equivalence import EquivalenceTable
from docgen.facts.taper_history import taper_history

SAMPLES = ROOT / "samples"


def test_the_changes_of_each_benzodiazepine_with_their_size_and_interval() -> None:
    found = taper_history(load_case(SAMPLES / "bind-labelled-fnd.yaml"), EquivalenceTable.ASHTON)
    (clonazepam,) = [course for course in found.courses if course.drug == "clonazepam"]
    assert clonazepam.index == 0 and clonazepam.current_mg == 0.75
    changes = [(change.date.isoformat(), change.kind, round(change.percent or 0, 1), change.days_since_previous)
               for change in clonazepam.changes]
    assert changes[2:6] == [("2024-03-04", "reduction", 25.0, 1937), ("2024-03-18", "reduction", 33.3, 14),
                            ("2024-04-01", "reduction", 50.0, 14), ("2024-05-13", "increase", 0, 42)]
    assert [change.date.isoformat() for change in clonazepam.changes if change.beyond_guideline] == \
        ["2024-03-18", "2024-04-01"]  # 25% is within the bound; more is not
    assert all(course.drug != "baclofen" for course in found.courses)


def test_a_switch_to_another_benzodiazepine_is_not_a_cut() -> None:
    found = taper_history(load_case(SAMPLES / "taper-with-therapist.yaml"), EquivalenceTable.ASHTON)
    alprazolam = next(course for course in found.courses if course.drug == "alprazolam")
    crossover = [change for change in alprazolam.changes if change.date.isoformat().startswith("2025-03")]
    assert [change.switched_to for change in crossover] == ["diazepam"] * 4
    assert not any(change.beyond_guideline for change in crossover)
    assert crossover[-1].kind == "stop" and crossover[-1].percent is None  # from its smallest dose


def test_symptom_onsets_and_the_runs_of_reductions_they_follow() -> None:
    found = taper_history(load_case(SAMPLES / "bind-labelled-fnd.yaml"), EquivalenceTable.ASHTON)
    assert [onset.symptom for onset in found.onsets][:3] == ["sensitivity to sound", "insomnia", "tremor, both hands"]
    assert found.onsets[2].timing.startswith("4 days after clonazepam 1.5 → 1 mg/day")
    (run,) = found.runs
    assert run.what.startswith("reductions of clonazepam from 2 to 0.5 mg/day")
    assert len(run.symptoms) == 8
