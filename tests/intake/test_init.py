"""`docgen init`: the interview driven by scripted answers (wrong ones included), the file it
writes, resuming an existing file without losing entries or comments, and the command itself."""

from __future__ import annotations

import io
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import ROOT, input_app
from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from typer.testing import CliRunner

from docgen.case.dates import PartialDate
from docgen.case.loading import load_case, parse_case
from docgen.case.model import Dose, Event
from docgen.errors import OutputError
from docgen.intake._yaml_comments import append_entry
from docgen.intake.case_document import CaseDocument
from docgen.intake.errors import InterviewStopped
from docgen.intake.interview import Interview, _suggest_id, init_target

CASE = ROOT / "samples" / "bind-labelled-fnd.yaml"

# From nothing to a full case file. Comments mark the wrong answers, each of which is re-asked.
NEW_CASE_ANSWERS = [
    "",  # name: required, asked again
    "Jordan A. Rivera",
    "14/08/71",  # two-digit year
    "14 Aug 1971",
    "MRN-0042117",
    "12 Elm Street", "Springfield, IL 62704", "",
    "", "jordan@example.org",
    "1",  # prepared by: the patient
    "maybe",  # not yes or no
    "yes", "Lena Chen, MD",
    "9",  # no role 9
    "1", "Psychiatry", "Lakeside Behavioral Health", "400 Lake Road, Suite 2", "Springfield, IL 62701", "",
    "yes", "Sam Okafor, LCSW", "therapist", "", "Open Door Counseling", "",  # ids made from the names
    "no",
    "Klonopin", "panic disorder", "1", "pharmacy printout",
    "June 2019",  # wrong order is fine: entries are kept in date order
    "4",
    "2014-03", "0.5 mg twice daily",
    "10/1/2023",  # ambiguous: both readings offered
    "1",  # 10 Jan 2023
    "1/2 tab",  # tablets of unknown strength
    "3",
    "2023-01-10",  # this date already has a dose
    "", "no",  # no taper plan
    "yes",
    "baclofen", "", "", "", "2020-11", "60", "2023-12-08", "0", "", "no", "no",
    "yes", "tremor, both hands", "motor", "2023-01-22", "7", "2023-06-01",
    "12",  # severity out of range
    "4",
    "2022-12-01",  # before the onset
    "", "", "worse for about two weeks after each reduction", "", "yes",
    "sound sensitivity", "2", "2023-02", "", "", "", "", "", "no",
    "yes", "2024-02-10", "diagnosis", "Functional neurological disorder recorded", "F44.4 in the consultation note", "",
    "Visit summary from the patient portal", "no",
    "yes", "2024-06-03", "", "1", "negative", "", "tremor entrainment", "2", "tremor did not entrain to 3 Hz tapping",
    "Sonoo abductor test", "negative", "", "", "", "no",
    "yes", "Riverside Neurology Associates", "Privacy Officer", "9 River Plaza", "Springfield, IL 62702", "",
    "Neurology consultation note", "2024-02-10", "", "Assessment: functional neurological disorder (F44.4).", "", "no",
    "Illinois",  # not a two-letter code
    "IL",
    "yes", "dr-chen", "dr-chen",  # the same person twice
    "okafor", "Release of information signed 2026-10-02",
    "Please let me know if panic symptoms return between our visits.", "",
    "no", "yes",
]


def _scripted(answers: list[str]) -> tuple[Callable[[str], str], list[str]]:
    transcript: list[str] = []
    remaining = iter(answers)

    def ask(prompt: str) -> str:
        answer = next(remaining)
        transcript.append(f"{prompt} {answer}")
        return answer

    return ask, transcript


def test_the_interview_writes_a_valid_case_from_nothing(tmp_path: Path) -> None:
    ask, transcript = _scripted(NEW_CASE_ANSWERS)
    interview = Interview(ask, transcript.append)
    assert interview.run() is True
    target = interview.document.write(tmp_path / "case.yaml")
    case = load_case(target)

    assert case.patient.name == "Jordan A. Rivera"
    assert case.patient.date_of_birth == PartialDate(1971, 8, 14)
    assert case.patient.address == ["12 Elm Street", "Springfield, IL 62704"]
    assert case.prepared_by is not None and (case.prepared_by.name, case.prepared_by.role) == ("Jordan A. Rivera", "patient")
    assert [(c.id, c.name, c.role) for c in case.clinicians] == [("dr-chen", "Lena Chen, MD", "prescriber"),
                                                                 ("okafor", "Sam Okafor, LCSW", "therapist")]
    clonazepam, baclofen = case.medications
    assert (clonazepam.drug, clonazepam.brand, clonazepam.indication, clonazepam.prescriber) == ("clonazepam", "Klonopin", "panic disorder", "dr-chen")
    assert [(d.date.isoformat(), d.mg_per_day, d.note, d.source) for d in clonazepam.doses] == [
        ("2019-06", 4.0, None, "pharmacy printout"),
        ("2014-03", 1.0, "0.5 mg twice daily", "pharmacy printout"),
        ("2023-01-10", 3.0, None, "pharmacy printout"),
    ]
    assert [(d.date.isoformat(), d.mg_per_day) for d in baclofen.doses] == [("2020-11", 60.0), ("2023-12-08", 0.0)]
    tremor, sound = case.symptoms
    assert (tremor.category, tremor.onset.isoformat(), tremor.note) == ("motor", "2023-01-22", "worse for about two weeks after each reduction")
    assert [(p.date.isoformat(), p.severity) for p in tremor.course] == [("2023-01-22", 7), ("2023-06-01", 4)]
    assert (sound.name, sound.category, sound.onset.isoformat(), sound.course) == ("sound sensitivity", "sensory", "2023-02", [])
    [event] = case.events
    assert (event.kind, event.title, event.detail, event.source) == (
        "diagnosis", "Functional neurological disorder recorded", "F44.4 in the consultation note", "Visit summary from the patient portal")
    [exam] = case.fnd_exams
    assert [(f.sign, f.result, f.note) for f in exam.findings] == [
        ("hoover", "negative", None),
        ("tremor_entrainment", "negative", "tremor did not entrain to 3 Hz tapping"),
        ("Sonoo abductor test", "negative", None),
    ]
    assert case.amendment is not None and case.amendment.state == "IL"
    assert case.amendment.to.organization == "Riverside Neurology Associates"
    assert case.amendment.items[0].current_text == "Assessment: functional neurological disorder (F44.4)."
    assert case.therapist_letter is not None
    assert (case.therapist_letter.from_, case.therapist_letter.to) == ("dr-chen", "okafor")

    refusals = [line for line in transcript if line.startswith("  Not accepted:") or line.startswith("  An answer")]
    assert refusals == [
        "  An answer is needed here.",
        "  Not accepted: '14/08/71' has a two-digit year; write the year in full (1971 or 2071). Please try again.",
        "  Not accepted: 'maybe' is not yes or no. Please try again.",
        "  Not accepted: '9' is not one of the choices; type a number from 1 to 5. Please try again.",
        "  Not accepted: '1/2 tab' is in tablets, and the tablet strength is not known; give it (--tablet-mg, or "
        "'1/2 tab of 1 mg') or write the dose in mg. Please try again.",
        "  Not accepted: 10 Jan 2023 already has a dose; a day has one total daily dose.",
        "  Not accepted: '12' is outside 0 to 10; severities are whole numbers from 0 (none) to 10 (worst). Please try again.",
        "  Not accepted: 1 Dec 2022 is before 22 Jan 2023; expected a date on or after it. Please try again.",
        "  Not accepted: 'Illinois' is not a two-letter state code, e.g. IL or WA. Please try again.",
        "  Not accepted: the letter goes from one person to another. Please try again.",
    ]
    assert "  Klonopin is a brand of clonazepam: recorded as clonazepam (brand Klonopin)." in transcript
    assert "  documents it has data for: timeline, amendment request, reply form, therapist letter, taper request" in transcript
    from docgen.intake.interview import ADD_NOT_REPLACE

    assert f"  {ADD_NOT_REPLACE}" in transcript  # why the request adds to the record
    assert transcript[-1] == "Save it to case.yaml? (yes/no): yes"


def test_the_written_file_is_commented_and_reads_like_the_contract(tmp_path: Path) -> None:
    ask, transcript = _scripted(NEW_CASE_ANSWERS)
    interview = Interview(ask, transcript.append)
    interview.run()
    text = interview.document.to_text()
    assert text.startswith("# docgen case file: one patient's history (check it with `docgen validate FILE`).\n")
    assert "# Each dose is the total mg per day from its date until the next entry; 0 means stopped.\nmedications:\n" in text
    assert '  address: ["12 Elm Street", "Springfield, IL 62704"]\n' in text
    assert '      - {date: 2014-03, mg_per_day: 1.0, note: "0.5 mg twice daily", source: "pharmacy printout"}\n' in text
    assert "therapist_letter:\n  from: dr-chen\n  to: okafor\n" in text


def test_saying_no_at_the_end_saves_nothing() -> None:
    ask, transcript = _scripted(NEW_CASE_ANSWERS[:-1] + ["no"])
    assert Interview(ask, transcript.append).run() is False
    assert transcript[-1] == "Nothing was saved."


def test_running_out_of_answers_stops_the_interview() -> None:
    ask, transcript = _scripted(["Jordan A. Rivera"])
    with pytest.raises(InterviewStopped, match="the interview stopped before the end"):
        Interview(ask, transcript.append).run()


# -- resuming -------------------------------------------------------------------------------------

RESUME_ANSWERS = [
    "yes", "Priya Patel, MD", "neurologist", "Neurology", "Riverside Neurology Associates", "",
    "no",
    "yes", "Klonopin", "Prairie View progress note 2026-01-12", "2026-01-12", "0.625", "2025-09-08", "0.5", "",  # the second is there already
    "yes", "gabapentin", "sleep", "4", "", "2026-02", "300 mg three times a day", "", "no", "no",
    "yes", "tremor, both hands", "2026-03-01", "2", "", "no",
    "yes", "2026-01-12", "visit", "Taper step agreed", "", "1", "", "no",
    "no",
    "yes", "yes",
]


def _is_subsequence(lines: list[str], within: list[str]) -> bool:
    remaining = iter(within)
    return all(any(line == other for other in remaining) for line in lines)


def test_resuming_keeps_every_entry_and_comment_and_adds_the_new_ones(tmp_path: Path) -> None:
    case = tmp_path / "case.yaml"
    shutil.copy(CASE, case)
    before = load_case(case)
    ask, transcript = _scripted(RESUME_ANSWERS)
    interview = Interview(ask, transcript.append, CaseDocument.load(case), str(case))
    assert interview.run() is True
    interview.document.write(case, force=True)
    after = load_case(case)

    original_lines = CASE.read_text(encoding="utf-8").splitlines()
    new_lines = case.read_text(encoding="utf-8").splitlines()
    assert _is_subsequence(original_lines, new_lines)  # every line kept, in the same order
    assert len(new_lines) > len(original_lines)
    assert after.patient == before.patient and after.amendment == before.amendment
    assert after.clinicians[:-1] == before.clinicians
    assert (after.clinicians[-1].id, after.clinicians[-1].role) == ("dr-patel", "neurologist")
    clonazepam = after.medications[0]
    assert [d for d in clonazepam.doses if d not in before.medications[0].doses] == [
        Dose(date=PartialDate(2026, 1, 12), mg_per_day=0.625, source="Prairie View progress note 2026-01-12")]
    assert after.medications[1] == before.medications[1]
    gabapentin = after.medications[2]
    assert (gabapentin.drug, gabapentin.indication, gabapentin.prescriber) == ("gabapentin", "sleep", "dr-osei")
    assert [(d.date.isoformat(), d.mg_per_day) for d in gabapentin.doses] == [("2026-02", 900.0)]
    tremor = after.symptoms[0]
    assert tremor.course[:-1] == before.symptoms[0].course
    assert (tremor.course[-1].date.isoformat(), tremor.course[-1].severity) == ("2026-03-01", 2)
    assert [e for e in after.events if e not in before.events][0].title == "Taper step agreed"
    assert "  Not added: already in the case (clonazepam 2025-09-08: 0.75 mg/day)." not in transcript
    assert any(line.startswith("  Not added: the case already has 0.75 mg/day of clonazepam on 2025-09-08") for line in transcript)
    assert transcript[0] == f"Adding to {case}. Nothing already in it is changed; new entries are added."


def test_a_heading_comment_stays_above_its_section_when_entries_are_appended() -> None:
    text = (
        "version: 1\npatient:\n  name: A\nmedications:\n  - drug: clonazepam\n    doses:\n"
        "      - {date: 2020-01, mg_per_day: 1.0}   # first\n\n# The symptoms, newest last\nsymptoms:\n"
        "  - name: tremor\n    onset: 2021-01\n    note: mild   # eol\n  # inside the list\n\nevents: []   # none yet\n"
    )
    assert parse_case(text).patient.name == "A"  # valid to start with
    document = CaseDocument(YAML().load(io.StringIO(text)), "case.yaml")
    document.add_dose("clonazepam", Dose(date=PartialDate(2021, 6), mg_per_day=0.5))
    append_entry(document.data["symptoms"], CommentedMap([("name", "insomnia"), ("onset", "2021-02")]))
    document.add_event(Event(date=PartialDate(2021, 3), title="Visit"))
    assert document.to_text() == (
        "version: 1\npatient:\n  name: A\nmedications:\n  - drug: clonazepam\n    doses:\n"
        "      - {date: 2020-01, mg_per_day: 1.0}   # first\n      - {date: 2021-06, mg_per_day: 0.5}\n\n"
        "# The symptoms, newest last\nsymptoms:\n  - name: tremor\n    onset: 2021-01\n    note: mild   # eol\n"
        "  - name: insomnia\n    onset: 2021-02\n  # inside the list\n\nevents:      # none yet\n"
        "  - date: 2021-03\n    kind: other\n    title: Visit\n"
    )
    document.check()


def test_a_json_case_file_is_added_to_as_json(tmp_path: Path) -> None:
    source = tmp_path / "case.json"
    source.write_text(json.dumps({"version": 1, "patient": {"name": "A"},
                                  "medications": [{"drug": "diazepam", "doses": [{"date": "2020-01-02", "mg_per_day": 10}]}]}),
                      encoding="utf-8")
    document = CaseDocument.load(source)
    document.add_dose("Valium", Dose(date=PartialDate(2020, 2, 1), mg_per_day=5.0))
    written = document.write(tmp_path / "out.json")
    data = json.loads(written.read_text(encoding="utf-8"))
    assert data["medications"][0]["doses"] == [{"date": "2020-01-02", "mg_per_day": 10}, {"date": "2020-02-01", "mg_per_day": 5.0}]
    assert len(load_case(written).medications[0].doses) == 2


# -- helpers --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "taken", "expected"), [
    ("Lena Chen, MD", set(), "dr-chen"),
    ("Dr. Priya Patel", set(), "dr-patel"),
    ("Sam Okafor, LCSW", set(), "okafor"),
    ("Lena Chen, MD", {"dr-chen"}, "dr-chen-2"),
    ("Anaïs Żeleński-Ibáñez, MD", set(), "dr-ibáñez"),
])
def test_suggested_clinician_ids(name: str, taken: set[str], expected: str) -> None:
    assert _suggest_id(name, taken) == expected


def test_where_init_saves(tmp_path: Path) -> None:
    existing = tmp_path / "case.yaml"
    existing.write_text("x", encoding="utf-8")
    assert init_target(tmp_path / "new.yaml", None) == (tmp_path / "new.yaml", False)
    assert init_target(None, existing) == (existing, True)  # --from writes back, once confirmed
    assert init_target(existing, None, force=True) == (existing, True)
    with pytest.raises(OutputError, match="already exists; not replaced"):
        init_target(existing, None)
    with pytest.raises(OutputError, match="already exists; not replaced"):
        init_target(existing, tmp_path / "other.yaml")


# -- the command ----------------------------------------------------------------------------------


runner = CliRunner()


def test_init_command_from_nothing(tmp_path: Path) -> None:
    output = tmp_path / "case.yaml"
    result = runner.invoke(input_app(), ["init", "-o", str(output)], input="\n".join(NEW_CASE_ANSWERS) + "\n")
    assert result.exit_code == 0, result.output
    assert result.stdout.rstrip().endswith(f"wrote {output}")
    assert "'10/1/2023' could be either; which did you mean (1 10 Jan 2023; 2 1 Oct 2023):" in result.stdout
    assert load_case(output).patient.name == "Jordan A. Rivera"
    assert oct(output.stat().st_mode & 0o777) == "0o600"


def test_init_command_refuses_an_existing_file_before_asking(tmp_path: Path) -> None:
    output = tmp_path / "case.yaml"
    output.write_text("keep me", encoding="utf-8")
    result = runner.invoke(input_app(), ["init", "-o", str(output)], input="Jordan\n")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.strip() == f"{output}: already exists; not replaced (use --force to replace it)"
    assert output.read_text(encoding="utf-8") == "keep me"


def test_init_command_stopped_early_writes_nothing(tmp_path: Path) -> None:
    output = tmp_path / "case.yaml"
    result = runner.invoke(input_app(), ["init", "-o", str(output)], input="Jordan A. Rivera\n")
    assert result.exit_code == 1
    draft = tmp_path / ".case.yaml.interview-draft.json"
    assert result.stderr.strip() == (f"the interview stopped before the end; nothing was written to {output}. Your "
                                     f"answers so far are kept in {draft}: run the same docgen init again to pick up "
                                     "where you left off")
    assert not output.exists()
    assert json.loads(draft.read_text(encoding="utf-8")) == ["Jordan A. Rivera"]
    assert oct(draft.stat().st_mode & 0o777) == "0o600"


def test_init_command_from_an_existing_file_writes_back_to_it(tmp_path: Path) -> None:
    case = tmp_path / "case.yaml"
    shutil.copy(CASE, case)
    result = runner.invoke(input_app(), ["init", "--from", str(case)], input="\n".join(RESUME_ANSWERS) + "\n")
    assert result.exit_code == 0, result.output
    assert result.stdout.rstrip().endswith(f"wrote {case}")
    assert [clinician.id for clinician in load_case(case).clinicians][-1] == "dr-patel"
    assert _is_subsequence(CASE.read_text(encoding="utf-8").splitlines(), case.read_text(encoding="utf-8").splitlines())


def test_init_command_from_an_invalid_file_says_why(tmp_path: Path) -> None:
    case = tmp_path / "case.yaml"
    case.write_text("version: 2\n", encoding="utf-8")
    result = runner.invoke(input_app(), ["init", "--from", str(case)])
    assert result.exit_code == 1
    assert f"{case}: version (line 1): expected 1 (the only case-file version so far)" in result.stderr


# -- what the writer writes reads back as written ------------------------------------------------

_NOTES = st.text(alphabet=st.characters(exclude_categories=["Cs"]), min_size=1, max_size=40).filter(lambda text: text.strip() != "")


_SMALL_CASE = "version: 1\npatient: {name: A}\nmedications:\n  - drug: diazepam\n    doses: [{date: 2020-01, mg_per_day: 5}]\n"


@settings(max_examples=80, deadline=None)
@given(st.floats(min_value=0, max_value=1e300, allow_nan=False, allow_infinity=False), _NOTES, _NOTES)
def test_any_dose_and_note_added_reads_back_exactly(mg: float, note: str, drug: str) -> None:
    document = CaseDocument(YAML().load(_SMALL_CASE), "case.yaml")
    dose = Dose(date=PartialDate(2031, 1, 2), mg_per_day=mg, note=note, source="imported from x.csv row 2")
    document.add_dose(drug, dose)
    case = document.check()
    found = [entry for medication in case.medications for entry in medication.doses if entry.date == dose.date]
    assert found == [dose]


@pytest.mark.parametrize("text", ["no", "Yes", "off", "~", "null", "1.5", "0042", "1_000", "12:30", "2024-01-02", ".inf",
                                  "0x1F", "1e3", "=", "<<", "a: b", "- x", "#x", "x # y", "Zoë & <Łukasiewicz> ≥ 1 µg"])
def test_text_that_yaml_would_read_as_something_else_is_quoted(text: str) -> None:
    document = CaseDocument(YAML().load(_SMALL_CASE), "case.yaml")
    document.add_event(Event(date=PartialDate(2031, 1, 2), title=text, detail=text, source=text))
    [event] = document.check().events
    assert (event.title, event.detail, event.source) == (text, text, text)


def test_no_or_none_to_an_optional_question_records_nothing() -> None:
    answers = ["Jordan A. Rivera", "", "none", "", "n/a", "no", "", "no",
               "diazepam", "no", "-", "2020-01", "5", "", "no", "no", "no", "no", "no", "no", "no", "yes"]
    ask, transcript = _scripted(answers)
    interview = Interview(ask, transcript.append)
    assert interview.run() is True
    case = interview.document.check()
    assert (case.patient.mrn, case.patient.phone, case.patient.email) == (None, None, None)
    assert (case.medications[0].indication, case.medications[0].doses[0].source) == (None, None)
