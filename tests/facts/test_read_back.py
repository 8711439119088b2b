"""The plain-language read-back the interview shows before saving."""

from __future__ import annotations

from conftest import SAMPLES

from docgen.case.loading import load_case, parse_case
from docgen.facts.read_back import read_back


def test_a_small_case_is_read_back_in_sentences() -> None:
    case = parse_case(b"""version: 1
patient: {name: Ann Lee, date_of_birth: 1970-05-10}
clinicians: [{id: chen, name: "Lena Chen, MD", role: prescriber, organization: Lakeside}]
medications:
  - drug: clonazepam
    indication: panic disorder
    doses: [{date: 2014-03, mg_per_day: 1}, {date: 2023-01-10, mg_per_day: 0.5}, {date: 2023-06, mg_per_day: 0}]
symptoms: [{name: tremor, category: motor, onset: 2023-01-22, course: [{date: 2023-02-01, severity: 7}]}]
events: [{date: 2024-02-10, kind: diagnosis, title: FND recorded}]
fnd_exams: [{date: 2024-06-03, examiner: chen, findings: [{sign: hoover, result: negative}]}]
""", "case.yaml")
    assert read_back(case) == [
        "Ann Lee, born 10 May 1970.",
        "Lena Chen, MD, prescriber at Lakeside.",
        "clonazepam (indication: panic disorder): 1 mg/day from Mar 2014; 0.5 mg/day from 10 Jan 2023; stopped in Jun 2023.",
        "tremor (motor), from 22 Jan 2023, ongoing; at worst 7/10.",
        "10 Feb 2024: FND recorded (diagnosis).",
        "FND exam on 3 Jun 2024 by Lena Chen, MD: Hoover's sign not present.",
    ]


def test_every_sample_reads_back_without_counts_and_names_its_patient() -> None:
    for sample in SAMPLES:
        case = load_case(sample)
        lines = read_back(case)
        assert lines[0].startswith(case.patient.name)
        assert not any("dose entries" in line or line.startswith("symptoms: ") for line in lines)
