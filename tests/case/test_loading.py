"""Loading case files (CASEFILE.md): YAML/JSON -> Case, with `FILE: field.path (line N): message`."""

from __future__ import annotations

import json
import math
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from docgen.case.dates import PartialDate
from docgen.case.loading import MAX_BYTES, MAX_DEPTH, MAX_NODES, load_case, parse_case
from docgen.case.model import Case
from docgen.errors import CaseFileError, DocgenError

MINIMAL = """\
version: 1
patient:
  name: Ann
medications:
  - drug: clonazepam
    doses:
      - {date: 2014-03, mg_per_day: 1.0}
"""

SYMPTOM = """\
symptoms:
  - name: tremor
    onset: 2023-01-22
    course:
      - {date: 2023-01-22, severity: SEVERITY}
"""

CASEFILE_EXAMPLE = """\
version: 1

patient:
  name: Jordan A. Rivera
  date_of_birth: 1971-08-14
  mrn: "MRN-0042117"                 # optional: the record number on the chart
  address: ["12 Elm Street", "Springfield, IL 62704"]
  phone: "+1 217 555 0142"           # optional
  email: jordan@example.org          # optional

prepared_by:                          # optional; who compiled the timeline
  name: Jordan A. Rivera
  role: patient                       # patient | advocate | clinician | family

clinicians:
  - id: dr-chen
    name: Lena Chen, MD
    role: prescriber                  # prescriber | therapist | neurologist | primary_care | other
    specialty: Psychiatry             # optional
    organization: Lakeside Behavioral Health
    address: ["400 Lake Road, Suite 2", "Springfield, IL 62701"]
    phone: "+1 217 555 0100"          # optional, as are fax and email
  - id: okafor
    name: Sam Okafor, LCSW
    role: therapist
    organization: Open Door Counseling
    address: ["88 Main Street", "Springfield, IL 62701"]
  - id: dr-patel
    name: Priya Patel, MD
    role: neurologist
    organization: Riverside Neurology Associates

medications:
  - drug: clonazepam                  # generic name
    brand: Klonopin                   # optional
    indication: panic disorder        # optional
    prescriber: dr-chen               # optional clinician id
    doses:
      - {date: 2014-03, mg_per_day: 1.0, note: "0.5 mg twice daily"}
      - {date: 2019-06, mg_per_day: 4.0}
      - {date: 2023-01-10, mg_per_day: 3.0, note: "25% reduction", source: "Rx history, Lakeside pharmacy"}
      - {date: 2023-03-07, mg_per_day: 2.5}
    taper:                            # optional: the prescriber's plan from here on
      start: 2026-12-01
      percent: 10                     # of the current dose, at each step
      every_days: 28
      holds: [{at_mg_per_day: 1.25, days: 28}]   # optional pauses
      smallest_step_mg: 0.125         # what the formulation can measure
      liquid_below_mg: 0.5            # optional: switch to a liquid below this
      liquid_mg_per_ml: 0.1           # optional: the liquid's strength, for mL per dose
      stop_below_mg: 0.125            # last dose before stopping
  - drug: baclofen                    # not a benzodiazepine: shown in mg, never converted
    doses:
      - {date: 2020-11, mg_per_day: 60}
      - {date: 2023-10-26, mg_per_day: 55}
      - {date: 2023-12-08, mg_per_day: 0}

symptoms:
  - name: tremor, both hands
    category: motor                   # motor | sensory | cognitive | autonomic | sleep | mood | pain | other
    onset: 2023-01-22
    course:                           # optional: severity 0-10 over time
      - {date: 2023-01-22, severity: 7}
      - {date: 2023-06-01, severity: 4, note: window}
    resolved: null                    # a date, or null while ongoing
    note: worse for about two weeks after each reduction
  - name: sound sensitivity
    category: sensory
    onset: 2023-02

events:                               # visits, diagnoses, tests, hospital stays
  - date: 2024-01-20
    kind: test                        # visit | diagnosis | test | hospitalization | other
    title: MRI brain without contrast
    detail: no structural abnormality
  - date: 2024-02-10
    kind: diagnosis
    title: Functional neurological disorder recorded
    clinician: dr-patel
    detail: "F44.4 in the neurology consultation note"
    source: "Visit summary from the patient portal"

fnd_exams:                            # FND rule-in signs tested
  - date: 2024-06-03
    examiner: dr-patel
    findings:
      - {sign: hoover, result: negative}
      - {sign: tremor_entrainment, result: negative, note: "tremor did not entrain to 3 Hz tapping"}
      - {sign: drift_without_pronation, result: not_tested}
      # result: positive (sign present) | negative (tested, not present) | inconclusive | not_tested
      # sign: a key from the built-in catalog, or any other name as free text

amendment:                            # the 45 CFR 164.526 request
  to:
    organization: Riverside Neurology Associates
    attention: Privacy Officer        # or Health Information Management
    address: ["9 River Plaza", "Springfield, IL 62702"]
  date: 2026-11-22                    # optional: the request's date; today if absent
  sent_by: certified mail, return receipt   # optional: how it goes, for proof of receipt
  representative:                     # optional: a personal representative signs instead
    name: Maria Rivera
    authority: health care power of attorney dated 2025-03-01
  state: IL                           # optional: US state, where state law adds rights
  items:
    - record: Neurology consultation note
      date: 2024-02-10
      author: dr-patel
      current_text: "Assessment: functional neurological disorder (F44.4)."
      requested_text: >-              # optional: a default is proposed from the case
        Add: presentation consistent with benzodiazepine-induced neurological
        dysfunction (BIND), temporally associated with clonazepam dose reductions.
  notify:                             # optional: who should be sent the amendment
    - name: Springfield Family Medicine
      address: ["1 Center Street", "Springfield, IL 62701"]
  response:                           # optional: what came back, for the follow-ups
    received_on: 2027-01-15           # the entity's answer; null while none has come
    decision: denied                  # accepted | partly_accepted | denied | extended
    basis: "The record is accurate and complete."   # the denial's stated reason

therapist_letter:                     # the prescriber-to-therapist letter
  from: dr-chen
  to: okafor
  date: 2026-11-22                    # optional; today if absent
  authorization: "Release of information signed 2026-10-02"   # optional
  requests:                           # optional extra points, plain sentences
    - Please let me know if panic symptoms return between our visits.
"""


def _write(directory: Path, text: str | bytes, name: str = "case.yaml") -> Path:
    path = directory / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def _error(path: Path) -> CaseFileError:
    with pytest.raises(CaseFileError) as raised:
        load_case(path)
    error = raised.value
    # One message line per problem, each in the documented form, and no Python internals.
    text = str(error)
    assert text.splitlines() == [problem.format(str(path)) for problem in error.problems]
    assert error.file == str(path)
    assert "Traceback" not in text and 'File "' not in text
    assert error.__cause__ is None
    assert error.__context__ is None or error.__suppress_context__
    assert isinstance(error, DocgenError)
    return error


def _line(error: CaseFileError, field: str, line: int | None) -> str:
    """The one message line for ``field`` at ``line``, without the `FILE: field (line N): ` part."""
    where = f" (line {line})" if line is not None else ""
    prefix = f"{error.file}: {field}{where}: "
    found = [text for text in str(error).splitlines() if text.startswith(prefix)]
    assert len(found) == 1, f"expected one line starting {prefix!r} in:\n{error}"
    return found[0].removeprefix(prefix)


# -- valid files ---------------------------------------------------------------------------------


def test_minimal_case_loads(tmp_path: Path) -> None:
    case = load_case(_write(tmp_path, MINIMAL))
    assert isinstance(case, Case)
    assert case.version == 1
    assert case.patient.name == "Ann"
    assert [m.drug for m in case.medications] == ["clonazepam"]
    dose = case.medications[0].doses[0]
    assert (dose.date.isoformat(), dose.date.display(), dose.mg_per_day) == ("2014-03", "Mar 2014", 1.0)
    assert case.clinicians == [] and case.symptoms == [] and case.amendment is None


def test_minimal_case_loads_from_json(tmp_path: Path) -> None:
    data = {
        "version": 1,
        "patient": {"name": "Ann"},
        "medications": [{"drug": "clonazepam", "doses": [{"date": "2014-03", "mg_per_day": 1.0}]}],
    }
    from_json = load_case(_write(tmp_path, json.dumps(data, indent=2), "case.json"))
    from_yaml = load_case(_write(tmp_path, MINIMAL))
    assert from_json == from_yaml


def test_minimal_case_loads_from_text_and_bytes() -> None:
    assert parse_case(MINIMAL) == parse_case(MINIMAL.encode("utf-8")) == parse_case("\ufeff" + MINIMAL)


def test_casefile_example_loads(tmp_path: Path) -> None:
    case = load_case(_write(tmp_path, CASEFILE_EXAMPLE))
    assert case.patient.name == "Jordan A. Rivera"
    assert case.patient.date_of_birth is not None and case.patient.date_of_birth.display() == "14 Aug 1971"
    assert case.patient.mrn == "MRN-0042117"
    assert [c.id for c in case.clinicians] == ["dr-chen", "okafor", "dr-patel"]
    clonazepam, baclofen = case.medications
    # The precision given is kept: a month stays a month.
    assert clonazepam.doses[0].date.display() == "Mar 2014"
    assert [d.date.isoformat() for d in clonazepam.doses] == ["2014-03", "2019-06", "2023-01-10", "2023-03-07"]
    assert [d.mg_per_day for d in clonazepam.doses] == [1.0, 4.0, 3.0, 2.5]
    assert clonazepam.doses[2].source == "Rx history, Lakeside pharmacy"
    assert clonazepam.taper is not None and clonazepam.taper.holds[0].at_mg_per_day == 1.25
    assert [d.mg_per_day for d in baclofen.doses] == [60, 55, 0]
    tremor, sound = case.symptoms
    assert tremor.resolved is None and [p.severity for p in tremor.course] == [7, 4]
    assert sound.onset.display() == "Feb 2023"
    assert [e.kind for e in case.events] == ["test", "diagnosis"]
    assert [f.result for f in case.fnd_exams[0].findings] == ["negative", "negative", "not_tested"]
    assert case.amendment is not None and case.amendment.response is not None
    assert case.amendment.response.decision == "denied"
    assert case.amendment.items[0].requested_text is not None
    assert case.amendment.items[0].requested_text.startswith("Add: presentation consistent with")
    assert case.therapist_letter is not None
    assert (case.therapist_letter.from_, case.therapist_letter.to) == ("dr-chen", "okafor")


def test_casefile_example_loads_as_json(tmp_path: Path) -> None:
    from_yaml = load_case(_write(tmp_path, CASEFILE_EXAMPLE))
    as_json = json.dumps(from_yaml.model_dump(mode="json", by_alias=True, exclude_none=True), indent=2)
    assert load_case(_write(tmp_path, as_json, "case.json")) == from_yaml


@pytest.mark.parametrize(
    "text",
    [
        "Zoë Łukasiewicz-Núñez",
        "O'Brien & <Sons>",
        '"quoted" name',
        "≥ 5 µg",
        "null",
        "yes",
        "~",
        "2014",
        "- dash",
        "a: b",
        "#hash",
        "&anchor",
        "*alias",
        " leading and trailing ",
        "李小龍",
        "🙂 emoji",
    ],
)
def test_names_come_back_exactly_as_typed(tmp_path: Path, text: str) -> None:
    data = _minimal_dict(text)
    as_yaml = _write(tmp_path, yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    as_json = _write(tmp_path, json.dumps(data, ensure_ascii=False), "case.json")
    for path in (as_yaml, as_json):
        case = load_case(path)
        assert case.patient.name == text
        assert case.medications[0].drug == text


def _minimal_dict(name: str) -> dict[str, Any]:
    return {
        "version": 1,
        "patient": {"name": name},
        "medications": [{"drug": name, "doses": [{"date": "2014-03", "mg_per_day": 1.0}]}],
    }


@pytest.mark.parametrize(
    ("onset", "resolved"),
    [("2023-05", "2023-05-01"), ("2023-05-31", "2023-05"), ("2023", "2023-01-01"), ("2023-05-01", "2023-05-01")],
)
def test_resolved_in_the_onset_period_is_accepted(tmp_path: Path, onset: str, resolved: str) -> None:
    text = MINIMAL + f"symptoms:\n  - name: tremor\n    onset: {onset}\n    resolved: {resolved}\n"
    case = load_case(_write(tmp_path, text))
    assert case.symptoms[0].resolved is not None
    assert case.symptoms[0].resolved.isoformat() == resolved


# -- one problem: `FILE: field.path (line N): message` ----------------------------------------------

BAD: list[tuple[str, str, str, int, str]] = [
    # id, case file, field path, line, the message (or its key phrase)
    ("version 2", MINIMAL.replace("version: 1", "version: 2"),
     "version", 1, "expected 1 (the only case-file version so far)"),
    ("version as text", MINIMAL.replace("version: 1", "version: one"),
     "version", 1, "expected 1 (the only case-file version so far)"),
    ("missing patient name", MINIMAL.replace("name: Ann", "mrn: 'MRN-1'"),
     "patient.name", 2, "is required but missing"),
    ("blank patient name", MINIMAL.replace("name: Ann", 'name: "  "'),
     "patient.name", 3, "must not be empty"),
    ("patient name a number", MINIMAL.replace("name: Ann", "name: 5"),
     "patient.name", 3, "expected text, not a number (put it in quotes"),
    ("patient a list", MINIMAL.replace("patient:\n  name: Ann", "patient: [Ann]"),
     "patient", 2, "expected a mapping of fields, not a list"),
    ("missing medications", MINIMAL.split("medications:")[0],
     "medications", 1, "is required but missing"),
    ("no medications", MINIMAL.split("medications:")[0] + "medications: []\n",
     "medications", 4, "expected at least one entry"),
    ("blank drug", MINIMAL.replace("drug: clonazepam", "drug: ''"),
     "medications[0].drug", 5, "must not be empty"),
    ("no doses", MINIMAL.replace("doses:\n      - {date: 2014-03, mg_per_day: 1.0}", "doses: []"),
     "medications[0].doses", 6, "expected at least one entry"),
    ("doses missing", MINIMAL.replace("    doses:\n      - {date: 2014-03, mg_per_day: 1.0}\n", ""),
     "medications[0].doses", 5, "is required but missing"),
    ("negative dose", MINIMAL.replace("mg_per_day: 1.0", "mg_per_day: -1"),
     "medications[0].doses[0].mg_per_day", 7, "expected a number at least 0, not -1"),
    ("nan dose", MINIMAL.replace("mg_per_day: 1.0", "mg_per_day: .nan"),
     "medications[0].doses[0].mg_per_day", 7, "must be a finite number"),
    ("infinite dose", MINIMAL.replace("mg_per_day: 1.0", "mg_per_day: .inf"),
     "medications[0].doses[0].mg_per_day", 7, "must be a finite number"),
    ("dose as text", MINIMAL.replace("mg_per_day: 1.0", "mg_per_day: one"),
     "medications[0].doses[0].mg_per_day", 7, "expected a number, not the text 'one'"),
    ("dose yes/no", MINIMAL.replace("mg_per_day: 1.0", "mg_per_day: yes"),
     "medications[0].doses[0].mg_per_day", 7, "expected a number, not the text 'yes'"),
    ("severity 11", MINIMAL + SYMPTOM.replace("SEVERITY", "11"),
     "symptoms[0].course[0].severity", 12, "expected a number at most 10, not 11"),
    ("severity -1", MINIMAL + SYMPTOM.replace("SEVERITY", "-1"),
     "symptoms[0].course[0].severity", 12, "expected a number at least 0, not -1"),
    ("severity 7.5", MINIMAL + SYMPTOM.replace("SEVERITY", "7.5"),
     "symptoms[0].course[0].severity", 12, "expected a whole number, not the number 7.5"),
    ("29 Feb 2023", MINIMAL.replace("2014-03", "2023-02-29"),
     "medications[0].doses[0].date", 7,
     "Feb 2023 has no day 29; expected a real date as YYYY-MM-DD, YYYY-MM or YYYY"),
    ("month 13", MINIMAL + SYMPTOM.replace("onset: 2023-01-22", "onset: 2019-13"),
     "symptoms[0].onset", 10, "month 13 does not exist; expected a real date"),
    ("US date", MINIMAL.replace("2014-03", "06/03/2024"),
     "medications[0].doses[0].date", 7, "expected a date as YYYY-MM-DD, YYYY-MM or YYYY"),
    ("unknown category", MINIMAL + "symptoms:\n  - name: tremor\n    category: motr\n    onset: 2023\n",
     "symptoms[0].category", 10,
     "'motr' is not allowed; expected one of: motor, sensory, cognitive, autonomic, sleep, mood, pain, other"),
    ("unknown event kind", MINIMAL + "events:\n  - date: 2024\n    kind: surgery\n    title: x\n",
     "events[0].kind", 10, "'surgery' is not allowed; expected one of: visit, diagnosis, test"),
    ("typo in a dose field", MINIMAL.replace("mg_per_day", "mg_per_dya"),
     "medications[0].doses[0].mg_per_dya", 7,
     "is not a field here (did you mean 'mg_per_day'?); expected one of: date, mg_per_day, note, source"),
    ("typo in a section", MINIMAL.replace("medications:", "medication:"),
     "medication", 4, "is not a field here (did you mean 'medications'?)"),
    ("resolved before onset",
     MINIMAL + "symptoms:\n  - name: tremor\n    onset: 2023-05\n    resolved: 2023-04-30\n",
     "symptoms[0].resolved", 11, "2023-04-30 is before the onset 2023-05; expected a date on or after the onset"),
    ("duplicate clinician id",
     MINIMAL + "clinicians:\n  - {id: dr-chen, name: A}\n  - {id: dr-chen, name: B}\n",
     "clinicians[1].id", 10, "the id 'dr-chen' is used twice; ids must be unique"),
    ("duplicate key", MINIMAL.replace("name: Ann", "name: Ann\n  name: Bob"),
     "patient.name", 4, "appears twice; keep one"),
    ("duplicate section", MINIMAL + "patient:\n  name: Bob\n",
     "patient", 8, "appears twice; keep one"),
    ("unquoted number as text", MINIMAL.replace("name: Ann", "name: Ann\n  mrn: 42117"),
     "patient.mrn", 4, "(put it in quotes"),
    ("address not a list", MINIMAL.replace("name: Ann", "name: Ann\n  address: 12 Elm Street"),
     "patient.address", 4, "expected a list, not the text '12 Elm Street'"),
    ("bad indentation", MINIMAL.replace("  name: Ann", "  name: Ann\n   mrn: x"),
     "(the whole file)", 4, "not valid YAML: mapping values are not allowed"),
    ("unclosed quote", MINIMAL.replace("name: Ann", "name: 'Ann"),
     "(the whole file)", 8, "not valid YAML: found unexpected end of stream"),
    ("two documents", MINIMAL + "---\n" + MINIMAL,
     "(the whole file)", 8, "holds more than one YAML document"),
    ("a list", "- version: 1\n- patient: Ann\n",
     "(the whole file)", 1, "expected a mapping of sections (version, patient, medications, ...)"),
    ("a number", "42\n",
     "(the whole file)", 1, "expected a mapping of sections (version, patient, medications, ...)"),
]


@pytest.mark.parametrize(("text", "field", "line", "message"), [row[1:] for row in BAD], ids=[row[0] for row in BAD])
def test_one_problem_is_located(tmp_path: Path, text: str, field: str, line: int, message: str) -> None:
    error = _error(_write(tmp_path, text))
    assert message in _line(error, field, line)


def test_typo_also_reports_the_missing_field(tmp_path: Path) -> None:
    error = _error(_write(tmp_path, MINIMAL.replace("mg_per_day", "mg_per_dya")))
    assert [problem.field for problem in error.problems] == [
        "medications[0].doses[0].mg_per_day",
        "medications[0].doses[0].mg_per_dya",
    ]


BAD_JSON: list[tuple[str, str, str, int, str]] = [
    ("missing comma", '{\n  "version": 1,\n  "patient": {"name": "Ann"}\n  "medications": []\n}\n',
     "(the whole file)", 4, "not valid JSON: Expecting ',' delimiter"),
    ("unclosed", '{\n  "version": 1,\n  "patient": {"name": "Ann"},\n  "medications": [\n',
     "(the whole file)", 5, "not valid JSON: Expecting value"),
    ("trailing comma", '{\n  "version": 1,\n}\n',
     "(the whole file)", 3, "not valid JSON: Expecting property name enclosed in double quotes"),
    ("version 2", json.dumps(_minimal_dict("Ann") | {"version": 2}, indent=2),
     "version", 2, "expected 1 (the only case-file version so far)"),
    ("negative dose", json.dumps(_minimal_dict("Ann"), indent=2).replace('"mg_per_day": 1.0', '"mg_per_day": -1'),
     "medications[0].doses[0].mg_per_day", 12, "expected a number at least 0, not -1"),
    ("a list", "[1, 2]",
     "(the whole file)", 1, "expected a mapping of sections (version, patient, medications, ...)"),
]


@pytest.mark.parametrize(
    ("text", "field", "line", "message"), [row[1:] for row in BAD_JSON], ids=[row[0] for row in BAD_JSON]
)
def test_one_json_problem_is_located(tmp_path: Path, text: str, field: str, line: int, message: str) -> None:
    error = _error(_write(tmp_path, text, "case.json"))
    assert message in _line(error, field, line)


def test_json_duplicate_key_is_refused(tmp_path: Path) -> None:
    error = _error(_write(tmp_path, '{"version": 1, "version": 1}', "case.json"))
    assert "appears twice" in str(error)


def test_json_duplicate_nested_key_names_its_path(tmp_path: Path) -> None:
    text = '{\n  "version": 1,\n  "patient": {\n    "name": "Ann",\n    "name": "Bob"\n  }\n}\n'
    error = _error(_write(tmp_path, text, "case.json"))
    assert "appears twice" in _line(error, "patient.name", 5)


# -- references to clinicians --------------------------------------------------------------------

REFERENCES = """\
version: 1
patient:
  name: Ann
clinicians:
  - {{id: dr-chen, name: Lena Chen}}
  - {{id: okafor, name: Sam Okafor}}
medications:
  - drug: clonazepam
    prescriber: {prescriber}
    doses:
      - {{date: 2014-03, mg_per_day: 1.0}}
events:
  - date: 2024-02-10
    title: FND recorded
    clinician: {clinician}
fnd_exams:
  - date: 2024-06-03
    examiner: {examiner}
amendment:
  to:
    organization: Riverside Neurology Associates
  items:
    - record: Neurology consultation note
      author: {author}
therapist_letter:
  from: {sender}
  to: {recipient}
"""
VALID_REFERENCES = {
    "prescriber": "dr-chen",
    "clinician": "dr-chen",
    "examiner": "dr-chen",
    "author": "dr-chen",
    "sender": "dr-chen",
    "recipient": "okafor",
}
UNKNOWN = "'dr-chn' is not a clinician id; expected one of the ids under clinicians (dr-chen, okafor)"


def test_every_reference_defined_loads(tmp_path: Path) -> None:
    case = load_case(_write(tmp_path, REFERENCES.format(**VALID_REFERENCES)))
    assert case.clinician(case.medications[0].prescriber) == case.clinicians[0]
    assert case.clinician("dr-chn") is None and case.clinician(None) is None


@pytest.mark.parametrize(
    ("key", "field", "line"),
    [
        ("prescriber", "medications[0].prescriber", 9),
        ("clinician", "events[0].clinician", 15),
        ("examiner", "fnd_exams[0].examiner", 18),
        ("author", "amendment.items[0].author", 24),
        ("sender", "therapist_letter.from", 26),
        ("recipient", "therapist_letter.to", 27),
    ],
)
def test_undefined_clinician_is_named(tmp_path: Path, key: str, field: str, line: int) -> None:
    error = _error(_write(tmp_path, REFERENCES.format(**(VALID_REFERENCES | {key: "dr-chn"}))))
    assert len(error.problems) == 1
    assert _line(error, field, line) == UNKNOWN


def test_undefined_clinician_without_any_clinicians(tmp_path: Path) -> None:
    error = _error(_write(tmp_path, MINIMAL.replace("    doses:", "    prescriber: dr-chen\n    doses:")))
    assert _line(error, "medications[0].prescriber", 6) == (
        "'dr-chen' is not a clinician id; expected one of the ids under clinicians (none are defined)"
    )


def test_undefined_clinician_lists_a_few_ids_each_shortened(tmp_path: Path) -> None:
    """The ids are listed to help, but a message stays one short line whatever they hold."""
    ids = [f"clinician-{n}-" + "x" * 60 for n in range(7)] + ["two\u2028lines"]
    clinicians = "".join(f"  - {{id: {json.dumps(each)}, name: N}}\n" for each in ids)
    text = MINIMAL.replace("    doses:", "    prescriber: dr-chen\n    doses:") + "clinicians:\n" + clinicians
    message = _line(_error(_write(tmp_path, text)), "medications[0].prescriber", 6)
    assert message.startswith("'dr-chen' is not a clinician id; expected one of the ids under clinicians (clinician-0-")
    assert message.endswith(" and 3 more)") and "x" * 30 not in message and len(message) < 250


# -- the whole file ------------------------------------------------------------------------------


def test_empty_file(tmp_path: Path) -> None:
    for text in ("", "\n\n", "# only a comment\n"):
        error = _error(_write(tmp_path, text))
        assert str(error) == (
            f"{tmp_path / 'case.yaml'}: (the whole file): the file is empty; expected a case file (see `docgen schema`)"
        )


def test_not_utf8(tmp_path: Path) -> None:
    path = _write(tmp_path, "version: 1\npatient:\n  name: Zoë\n".encode("latin-1"))
    error = _error(path)
    # "version: 1\n" (11) + "patient:\n" (9) + "  name: Zo" (10): the ë is byte 30.
    assert str(error) == f"{path}: (the whole file): is not UTF-8 text (byte 30); save it as UTF-8"


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.yaml"
    error = _error(path)
    assert str(error) == f"{path}: (the whole file): no such file; expected the path of a YAML or JSON case file"


def test_folder(tmp_path: Path) -> None:
    error = _error(tmp_path)
    assert str(error) == f"{tmp_path}: (the whole file): this is a folder; expected a YAML or JSON case file"


def test_file_over_the_size_limit(tmp_path: Path) -> None:
    assert MAX_BYTES == 5 * 1024 * 1024
    body = MINIMAL + "#" * (MAX_BYTES + 1 - len(MINIMAL) - 1) + "\n"
    path = _write(tmp_path, body)
    assert path.stat().st_size == MAX_BYTES + 1
    error = _error(path)
    assert str(error) == (
        f"{path}: (the whole file): the file is 5,242,881 bytes; case files are limited to 5,242,880 bytes"
    )


def test_file_at_the_size_limit_is_read(tmp_path: Path) -> None:
    body = MINIMAL + "#" * (MAX_BYTES - len(MINIMAL) - 1) + "\n"
    path = _write(tmp_path, body)
    assert path.stat().st_size == MAX_BYTES
    assert load_case(path).patient.name == "Ann"


BILLION_LAUGHS = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def test_alias_bomb_is_refused_quickly(tmp_path: Path) -> None:
    path = _write(tmp_path, BILLION_LAUGHS)
    started = time.perf_counter()
    error = _error(path)
    assert time.perf_counter() - started < 2.0
    assert MAX_NODES == 500_000
    assert str(error) == (
        f"{path}: (the whole file): expands to more than 500,000 values (anchors and aliases included); refused"
    )


def test_a_few_aliases_are_fine(tmp_path: Path) -> None:
    text = MINIMAL.replace("- {date: 2014-03, mg_per_day: 1.0}", "- &dose {date: 2014-03, mg_per_day: 1.0}")
    text += "  - drug: lorazepam\n    doses:\n      - *dose\n"
    case = load_case(_write(tmp_path, text))
    assert case.medications[1].doses == case.medications[0].doses


def test_nesting_100_levels_deep_as_mappings(tmp_path: Path) -> None:
    text = MINIMAL + "".join("  " * level + f"k{level}:\n" for level in range(100)) + "  " * 100 + "end\n"
    error = _error(_write(tmp_path, text))
    assert MAX_DEPTH == 40
    field = ".".join(f"k{level}" for level in range(MAX_DEPTH + 1))
    assert _line(error, field, 8 + MAX_DEPTH + 1) == "nested too deeply; case files nest at most 40 levels"


@pytest.mark.parametrize("name", ["case.yaml", "case.json"])
def test_nesting_100_levels_deep_as_lists(tmp_path: Path, name: str) -> None:
    data = _minimal_dict("Ann")
    text = json.dumps(data)[:-1] + ', "deep": ' + "[" * 100 + "]" * 100 + "}"
    error = _error(_write(tmp_path, text, name))
    field = "deep" + "[0]" * MAX_DEPTH
    assert _line(error, field, 1) == "nested too deeply; case files nest at most 40 levels"


@pytest.mark.parametrize("nesting", ["[" * 1_000_000, "- " * 1_000_000 + "a"], ids=["flow", "block"])
def test_a_million_levels_deep_is_refused_not_a_crash(tmp_path: Path, nesting: str) -> None:
    """In a separate process: a parser that recursed in C would crash it outright."""
    path = _write(tmp_path, "version: 1\nx:\n  " + nesting + "\n")
    completed = subprocess.run([sys.executable, "-m", "docgen.cli", "validate", str(path)],
                               capture_output=True, text=True, timeout=60)
    assert completed.returncode == 1, completed
    message = completed.stderr.strip()
    # located where docgen's own limit speaks first (block nesting), the whole file where the
    # parser's does (flow nesting in PyYAML 6.0.4 and later): docgen's message either way
    assert message.startswith((f"{path}: (the whole file): ", f"{path}: x[0][0]")), message
    assert message.endswith(": nested too deeply; case files nest at most 40 levels"), message
    assert len(message.splitlines()) == 1


# -- every problem at once, and short messages ---------------------------------------------------


def test_three_problems_give_three_lines(tmp_path: Path) -> None:
    text = (
        MINIMAL.replace("version: 1", "version: 2")
        .replace("name: Ann", "name: ''")
        .replace("mg_per_day: 1.0", "mg_per_day: -1")
    )
    path = _write(tmp_path, text)
    error = _error(path)
    assert str(error).splitlines() == [
        f"{path}: version (line 1): expected 1 (the only case-file version so far)",
        f"{path}: patient.name (line 3): must not be empty",
        f"{path}: medications[0].doses[0].mg_per_day (line 7): expected a number at least 0, not -1",
    ]


def test_reference_problems_are_reported_together(tmp_path: Path) -> None:
    text = REFERENCES.format(**(VALID_REFERENCES | {"prescriber": "x", "examiner": "y", "recipient": "z"}))
    text = text.replace("{id: okafor, name: Sam Okafor}", "{id: dr-chen, name: Sam Okafor}")
    error = _error(_write(tmp_path, text))
    assert [(p.field, p.line) for p in error.problems] == [
        ("clinicians[1].id", 6),
        ("medications[0].prescriber", 9),
        ("fnd_exams[0].examiner", 18),
        ("therapist_letter.to", 27),
    ]


def test_duplicate_keys_are_reported_together(tmp_path: Path) -> None:
    text = MINIMAL.replace("name: Ann", "name: Ann\n  name: Bob").replace(
        "mg_per_day: 1.0}", "mg_per_day: 1.0, mg_per_day: 2.0}"
    )
    error = _error(_write(tmp_path, text))
    assert [(p.field, p.line) for p in error.problems] == [
        ("patient.name", 4),
        ("medications[0].doses[0].mg_per_day", 8),
    ]


def test_type_and_reference_problems_are_reported_together(tmp_path: Path) -> None:
    text = MINIMAL.replace("mg_per_day: 1.0", "mg_per_day: -1").replace(
        "    doses:", "    prescriber: nobody\n    doses:"
    )
    text += "symptoms:\n  - name: tremor\n    onset: 2023-05\n    resolved: 2023-04\n"
    error = _error(_write(tmp_path, text))
    assert [p.field for p in error.problems] == [
        "medications[0].prescriber",
        "medications[0].doses[0].mg_per_day",
        "symptoms[0].resolved",
    ]


LONG = "x" * 5000


@pytest.mark.parametrize(
    ("text", "field"),
    [
        (MINIMAL + f"symptoms:\n  - name: tremor\n    category: {LONG}\n    onset: 2023\n", "symptoms[0].category"),
        (MINIMAL.replace("mg_per_day: 1.0", f"mg_per_day: {LONG}"), "medications[0].doses[0].mg_per_day"),
        (MINIMAL.replace("    doses:", f"    prescriber: {LONG}\n    doses:"), "medications[0].prescriber"),
        (MINIMAL.replace("2014-03", LONG), "medications[0].doses[0].date"),
        (MINIMAL.replace("name: Ann", f"name: Ann\n  address: {LONG}"), "patient.address"),
        (MINIMAL + f"clinicians:\n  - {{id: {LONG}, name: A}}\n  - {{id: {LONG}, name: B}}\n", "clinicians[1].id"),
    ],
    ids=["category", "dose", "prescriber", "date", "address", "duplicate id"],
)
def test_long_text_is_only_excerpted(tmp_path: Path, text: str, field: str) -> None:
    error = _error(_write(tmp_path, text))
    message = _line(error, field, _line_number(error, field))
    assert len(message) < 300
    assert "x" * 50 not in str(error)


def _line_number(error: CaseFileError, field: str) -> int | None:
    lines = [p.line for p in error.problems if p.field == field]
    assert len(lines) == 1, str(error)
    return lines[0]


def test_long_year_is_only_excerpted(tmp_path: Path) -> None:
    error = _error(_write(tmp_path, MINIMAL.replace("2014-03", "9" * 4000)))
    assert "9" * 50 not in str(error)


@pytest.mark.parametrize("name", ["case.yaml", "case.json"])
def test_huge_integer_is_a_case_file_error(tmp_path: Path, name: str) -> None:
    text = json.dumps(_minimal_dict("Ann")).replace('"mg_per_day": 1.0', '"mg_per_day": ' + "9" * 5000)
    error = _error(_write(tmp_path, text, name))
    assert "medications[0].doses[0].mg_per_day" in str(error)


def test_a_number_with_leading_zeros_in_a_text_field_is_kept_as_typed(tmp_path: Path) -> None:
    """YAML 1.1 readers take 0042117 as the octal number 17487; docgen keeps it as typed."""
    case = load_case(_write(tmp_path, MINIMAL.replace("name: Ann", "name: Ann\n  mrn: 0042117")))
    assert case.patient.mrn == "0042117"


@pytest.mark.parametrize("value", ["true", "1.0"])
def test_version_must_be_the_number_1(tmp_path: Path, value: str) -> None:
    error = _error(_write(tmp_path, MINIMAL.replace("version: 1", f"version: {value}")))
    assert _line(error, "version", 1) == "expected 1 (the only case-file version so far)"


@pytest.mark.parametrize(
    ("text", "field", "line"),
    [
        (MINIMAL.replace("mg_per_day: 1.0", "mg_per_day: {mg: 1}"), "medications[0].doses[0].mg_per_day", 7),
        (
            MINIMAL + "    taper: {start: 2026-12-01, percent: {of: 10}, every_days: 28}\n",
            "medications[0].taper.percent",
            8,
        ),
    ],
    ids=["mg_per_day", "taper.percent"],
)
def test_mapping_for_a_number_names_the_field(tmp_path: Path, text: str, field: str, line: int) -> None:
    error = _error(_write(tmp_path, text))
    assert [(p.field, p.line) for p in error.problems] == [(field, line)]
    assert _line(error, field, line) == "expected a number, not a mapping"


# -- properties: any valid case loads as written; any wrong type is named ------------------------

NAME_CHARACTERS = st.characters(blacklist_categories=("Cs", "Cc"))
names = st.text(NAME_CHARACTERS, min_size=1, max_size=30).filter(lambda text: text.strip() != "")


@st.composite
def partial_dates(draw: st.DrawFn) -> tuple[str | int, str]:
    """A date as it is written in a case file, and its isoformat."""
    day = draw(st.dates())
    precision = draw(st.sampled_from(["year", "month", "day"]))
    if precision == "year":
        as_number: bool = draw(st.booleans())
        return (day.year if as_number else f"{day.year:04d}"), f"{day.year:04d}"
    if precision == "month":
        return f"{day.year:04d}-{day.month:02d}", f"{day.year:04d}-{day.month:02d}"
    return day.isoformat(), day.isoformat()


CATEGORIES = ["motor", "sensory", "cognitive", "autonomic", "sleep", "mood", "pain", "other"]
doses = st.one_of(
    st.floats(min_value=0, allow_nan=False, allow_infinity=False),
    st.integers(min_value=0, max_value=10**6),
)


@st.composite
def cases(draw: st.DrawFn) -> dict[str, Any]:
    case: dict[str, Any] = {"version": 1, "patient": {"name": draw(names)}}
    if draw(st.booleans()):
        case["patient"]["date_of_birth"] = draw(partial_dates())[0]
    if draw(st.booleans()):
        case["patient"]["mrn"] = draw(st.text(NAME_CHARACTERS, max_size=12))
    ids = draw(st.lists(names, max_size=3, unique=True))
    if draw(st.booleans()) or ids:
        case["clinicians"] = [{"id": id_, "name": draw(names)} for id_ in ids]
    references = st.sampled_from(ids) if ids else st.nothing()
    case["medications"] = []
    for _ in range(draw(st.integers(1, 3))):
        medication: dict[str, Any] = {
            "drug": draw(names),
            "doses": [
                {"date": draw(partial_dates())[0], "mg_per_day": draw(doses)}
                for _ in range(draw(st.integers(1, 4)))
            ],
        }
        if draw(st.booleans()) and ids:
            medication["prescriber"] = draw(references)
        case["medications"].append(medication)
    if draw(st.booleans()):
        case["symptoms"] = []
        for _ in range(draw(st.integers(0, 3))):
            first, second = draw(partial_dates())[0], draw(partial_dates())[0]
            onset, resolved = sorted([first, second], key=_sort_key)
            symptom: dict[str, Any] = {
                "name": draw(names),
                "category": draw(st.sampled_from(CATEGORIES)),
                "onset": onset,
                "course": [
                    {"date": draw(partial_dates())[0], "severity": draw(st.integers(0, 10))}
                    for _ in range(draw(st.integers(0, 3)))
                ],
            }
            if draw(st.booleans()):
                symptom["resolved"] = resolved
            case["symptoms"].append(symptom)
    if draw(st.booleans()):
        case["events"] = []
        for _ in range(draw(st.integers(0, 3))):
            event: dict[str, Any] = {
                "date": draw(partial_dates())[0],
                "kind": draw(st.sampled_from(["visit", "diagnosis", "test", "hospitalization", "other"])),
                "title": draw(names),
            }
            if draw(st.booleans()) and ids:
                event["clinician"] = draw(references)
            case["events"].append(event)
    if draw(st.booleans()):
        role = draw(st.sampled_from(["patient", "advocate", "clinician", "family"]))
        case["prepared_by"] = {"name": draw(names), "role": role}
    return case


def _sort_key(written: str | int) -> tuple[Any, ...]:
    return PartialDate.parse(written).sort_key()


def _iso(written: str | int) -> str:
    return f"{written:04d}" if isinstance(written, int) else written


def _dump(data: object, kind: str) -> str:
    if kind == "yaml":
        return str(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    return json.dumps(data, ensure_ascii=False, indent=2)


@settings(max_examples=100, deadline=None)
@given(cases(), st.sampled_from(["yaml", "json"]))
def test_any_valid_case_loads_as_written(data: dict[str, Any], kind: str) -> None:
    with tempfile.TemporaryDirectory() as directory:
        case = load_case(_write(Path(directory), _dump(data, kind), f"case.{kind}"))
    assert case.patient.name == data["patient"]["name"]
    if "date_of_birth" in data["patient"]:
        assert case.patient.date_of_birth is not None
        assert case.patient.date_of_birth.isoformat() == _iso(data["patient"]["date_of_birth"])
    assert case.patient.mrn == data["patient"].get("mrn")
    assert [c.id for c in case.clinicians] == [c["id"] for c in data.get("clinicians", [])]
    assert [c.name for c in case.clinicians] == [c["name"] for c in data.get("clinicians", [])]
    assert len(case.medications) == len(data["medications"])
    for medication, written in zip(case.medications, data["medications"], strict=True):
        assert medication.drug == written["drug"]
        assert medication.prescriber == written.get("prescriber")
        assert [d.mg_per_day for d in medication.doses] == [d["mg_per_day"] for d in written["doses"]]
        assert [d.date.isoformat() for d in medication.doses] == [_iso(d["date"]) for d in written["doses"]]
        assert all(math.isfinite(d.mg_per_day) and d.mg_per_day >= 0 for d in medication.doses)
    for symptom, written in zip(case.symptoms, data.get("symptoms", []), strict=True):
        assert symptom.name == written["name"]
        assert symptom.category == written["category"]
        assert symptom.onset.isoformat() == _iso(written["onset"])
        resolved = symptom.resolved.isoformat() if symptom.resolved is not None else None
        assert resolved == (_iso(written["resolved"]) if "resolved" in written else None)
        assert [(p.date.isoformat(), p.severity) for p in symptom.course] == [
            (_iso(p["date"]), p["severity"]) for p in written["course"]
        ]
    for event, written in zip(case.events, data.get("events", []), strict=True):
        assert (event.title, event.kind, event.date.isoformat(), event.clinician) == (
            written["title"], written["kind"], _iso(written["date"]), written.get("clinician")
        )
    if "prepared_by" in data:
        assert case.prepared_by is not None and case.prepared_by.name == data["prepared_by"]["name"]
    else:
        assert case.prepared_by is None


def _required_fields(data: dict[str, Any]) -> list[tuple[tuple[str | int, ...], str]]:
    """Every required field in ``data``: its path and what kind of value it holds."""
    fields: list[tuple[tuple[str | int, ...], str]] = [
        (("version",), "version"),
        (("patient",), "mapping"),
        (("patient", "name"), "text"),
        (("medications",), "list"),
    ]
    for i, clinician in enumerate(data.get("clinicians", [])):
        fields += [(("clinicians", i, "id"), "text"), (("clinicians", i, "name"), "text")]
    for i, medication in enumerate(data["medications"]):
        fields += [(("medications", i, "drug"), "text"), (("medications", i, "doses"), "list")]
        for j, _ in enumerate(medication["doses"]):
            dose = ("medications", i, "doses", j)
            fields += [((*dose, "date"), "date"), ((*dose, "mg_per_day"), "number")]
    for i, symptom in enumerate(data.get("symptoms", [])):
        fields += [(("symptoms", i, "name"), "text"), (("symptoms", i, "onset"), "date")]
        for j, _ in enumerate(symptom["course"]):
            point = ("symptoms", i, "course", j)
            fields += [((*point, "date"), "date"), ((*point, "severity"), "whole")]
    for i, _ in enumerate(data.get("events", [])):
        fields += [(("events", i, "date"), "date"), (("events", i, "title"), "text")]
    return fields


WRONG: dict[str, st.SearchStrategy[object]] = {
    "version": st.sampled_from(["one", [1], {"v": 1}, None, 2]),
    "mapping": st.sampled_from(["text", 5, [1, 2], None]),
    "list": st.sampled_from(["text", 5, {"a": 1}, None]),
    "text": st.sampled_from([5, 2.5, [1], {"a": "b"}, None, True]),
    "date": st.sampled_from([True, 2.5, [2020], {"year": 2020}, None, "soon"]),
    "number": st.sampled_from(["lots", [1], {"mg": 1}, None, True]),
    "whole": st.sampled_from(["high", 2.5, [1], None, True]),
}


def _format(path: tuple[str | int, ...]) -> str:
    """("medications", 0, "drug") -> "medications[0].drug", as the messages write a path."""
    return "".join(
        f"[{part}]" if isinstance(part, int) else ("." if index else "") + part for index, part in enumerate(path)
    )


@settings(max_examples=100, deadline=None)
@given(cases(), st.sampled_from(["yaml", "json"]), st.data())
def test_any_wrong_type_names_its_field(data: dict[str, Any], kind: str, draw: st.DataObject) -> None:
    path, what = draw.draw(st.sampled_from(_required_fields(data)), label="field")
    wrong = draw.draw(WRONG[what], label="wrong value")
    parent: Any = data
    for part in path[:-1]:
        parent = parent[part]
    parent[path[-1]] = wrong
    with tempfile.TemporaryDirectory() as directory:
        file = _write(Path(directory), _dump(data, kind), f"case.{kind}")
        with pytest.raises(CaseFileError) as raised:
            load_case(file)
    field = _format(path)
    pattern = re.compile(rf"^{re.escape(str(file))}: {re.escape(field)}( \(line \d+\))?: .+$")
    assert any(pattern.match(line) for line in str(raised.value).splitlines()), str(raised.value)
    if kind == "yaml":
        assert f"{file}: {field} (line " in str(raised.value)
