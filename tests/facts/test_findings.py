"""The FND findings, per exam and never pooled; the signs told apart by whether they test a
presentation the patient has (REFERENCE.md section 5, the catalog's type column)."""

from __future__ import annotations

from typing import Any

import pytest
from cases import case_of, medication, symptom

from docgen.facts.findings import probes_presentation, summarize_findings

CLONAZEPAM = medication("clonazepam", [("2020", 1)])


@pytest.mark.parametrize(
    ("sign", "symptoms", "expected"),
    [
        ("hoover", [("weakness, right arm and leg", "motor")], True),
        ("hoover", [("weakness, right arm", "motor")], False),  # a leg sign, and only the arm is weak
        ("hoover", [("weakness", "motor")], True),  # no limb named: every weakness sign
        ("drift_without_pronation", [("weakness, right arm and leg", "motor")], True),
        ("hoover", [("tremor, both hands", "motor")], False),
        ("tremor_entrainment", [("tremor, both hands", "motor")], True),
        ("co_contraction", [("tremor, both hands", "motor")], True),  # "weakness, tremor": either
        ("distractibility", [("dragging gait", "motor")], True),
        ("midline_sensory_split", [("tingling and numbness, hands and feet", "sensory")], True),
        ("midline_sensory_split", [("sensitivity to sound", "sensory")], False),  # not a loss of sensation
        ("tubular_visual_field", [("blurred vision", "sensory")], True),
        ("ictal_eye_closure", [("panic attacks", "mood")], False),
        ("ictal_eye_closure", [("non-epileptic seizures", "other")], True),
        ("Sonoo abductor test", [("weakness, right leg", "motor")], False),  # free text: its type is not known
    ],
)
def test_a_sign_tests_a_presentation_the_patient_has(sign: str, symptoms: list[tuple[str, str]], expected: bool) -> None:
    case = case_of(CLONAZEPAM, symptoms=[symptom("2024-01", name, category=category) for name, category in symptoms])
    assert probes_presentation(sign, case.symptoms) is expected


def _exam(day: str, *findings: tuple[str, str]) -> dict[str, Any]:
    return {"date": day, "findings": [{"sign": sign, "result": result} for sign, result in findings]}


def test_the_summary_never_pools_the_exams() -> None:
    case = case_of(CLONAZEPAM, symptoms=[symptom("2024-04", "weakness, right arm and leg", category="motor")], fnd_exams=[
        _exam("2024-09-17", ("hoover", "negative"), ("give_way_weakness", "positive"), ("tremor_entrainment", "inconclusive")),
        _exam("2025-04-08", ("hoover", "negative"), ("give_way_weakness", "negative"), ("tremor_entrainment", "negative"),
              ("Sonoo abductor test", "negative")),
    ])
    summary = summarize_findings(case)
    # not present, and never found present: with the dates of every exam that tested it
    assert [(record.sign, [day.isoformat() for day in record.dates("negative")]) for record in summary.absent] == [
        ("Hoover's sign", ["2024-09-17", "2025-04-08"])]
    # present in one exam and not in the other: both results kept, never listed as "not present"
    (present,) = summary.present
    assert present.sign == "Give-way (collapsing) weakness"
    assert present.results == tuple((day, result) for day, result in present.results)
    assert [(day.isoformat(), result) for day, result in present.results] == [("2024-09-17", "positive"),
                                                                              ("2025-04-08", "negative")]
    # tremor signs for a patient without a tremor, and a free-text sign: told apart from the headline
    assert [record.sign for record in summary.absent_elsewhere] == ["Tremor entrainment", "Sonoo abductor test"]
    assert summary.unresolved == ()
    assert [len(exam.findings) for exam in summary.exams] == [3, 4]
