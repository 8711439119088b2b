"""`docgen init` finishes the job: the taper plan, "today", both readings of an ambiguous date,
what it understood of a dose, "back", and an interrupted interview picked up from its draft."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from conftest import input_app
from typer.testing import CliRunner

from docgen.case.dates import PartialDate
from docgen.case.loading import load_case
from docgen.intake.interview import Interview, draft_path

TODAY = date.today()

ANSWERS = [
    "Jordan A. Rivera", "14 Aug 1971",
    "back",  # at the record number: undoes the date of birth, which is asked again
    "15 Aug 1971", "", "", "", "",
    "",  # who is filling this in: skipped
    "no",  # no care team
    "clonazepam", "", "",
    "03/04/2022", "2",  # ambiguous: the second reading, 4 Mar 2022
    "1 mg twice a day",
    "today", "1.5",
    "",
    "yes",  # a taper plan
    "2026-12-01", "10", "4 weeks", "2, 0.5 mg", "",  # the smallest step follows from the tablets
    "", "yes", "1", "28", "no", "0.25", "long-term use; falls risk", "today",
    "withdrawal symptoms make daily life hard",
    "no",  # another medication
    "no", "no", "no", "no",  # symptoms, events, FND exams, amendment
    "no", "yes",
]


def _scripted(answers: list[str]) -> tuple[object, list[str]]:
    transcript: list[str] = []
    remaining = iter(answers)

    def ask(prompt: str) -> str:
        answer = next(remaining)
        transcript.append(f"{prompt} {answer}")
        return answer

    return ask, transcript


def test_taper_today_an_ambiguous_date_and_back() -> None:
    ask, transcript = _scripted(ANSWERS)
    interview = Interview(ask, transcript.append)  # type: ignore[arg-type]
    assert interview.run() is True
    case = interview.document.check()

    assert case.patient.date_of_birth == PartialDate(1971, 8, 15)
    assert "  (back: that answer is undone; here is the question before it again)" in transcript
    assert sum(1 for line in transcript if line.startswith("Date of birth")) == 2

    [medication] = case.medications
    assert [(dose.date, dose.mg_per_day, dose.note) for dose in medication.doses] == [
        (PartialDate(2022, 3, 4), 2.0, "1 mg twice a day"), (PartialDate.of(TODAY), 1.5, None)]
    assert "'03/04/2022' could be either; which did you mean (1 3 Apr 2022; 2 4 Mar 2022): 2" in "\n".join(transcript)
    assert "  1 mg twice a day → 2 mg/day" in transcript

    taper = medication.taper
    assert taper is not None
    assert (taper.start, taper.percent, taper.every_days) == (PartialDate(2026, 12, 1), 10, 28)
    assert (taper.tablets_mg, taper.smallest_step_mg, taper.liquid_below_mg) == ([2, 0.5], 0.5, None)
    assert [(hold.at_mg_per_day, hold.days) for hold in taper.holds] == [(1, 28)]
    assert (taper.stop_below_mg, taper.reason, taper.agreed_on) == (0.25, "long-term use; falls risk", PartialDate.of(TODAY))
    assert taper.slow_or_pause_if == "withdrawal symptoms make daily life hard"
    assert "  Taper plan: from 1 Dec 2026, 10% of the current dose every 28 days, in steps of 0.5 mg, 1 planned pause." in transcript


def test_back_at_the_first_question_says_so() -> None:
    ask, transcript = _scripted(["back", *ANSWERS])
    assert Interview(ask, transcript.append).run() is True  # type: ignore[arg-type]
    assert "  This is the first question; there is nothing to go back to." in transcript


def test_quote_marks_around_a_record_s_text_are_not_part_of_it() -> None:
    answers = ANSWERS[:-6] + ["no", "no", "no", "yes", "Riverside Neurology", "", "", "Neurology note", "",
                              "\u201cAssessment: FND (F44.4).\u201d", "", "no", "", "no", "yes"]
    ask, transcript = _scripted(answers)
    interview = Interview(ask, transcript.append)  # type: ignore[arg-type]
    assert interview.run() is True
    amendment = interview.document.check().amendment
    assert amendment is not None and amendment.items[0].current_text == "Assessment: FND (F44.4)."


def test_an_interrupted_interview_is_picked_up_from_its_draft(tmp_path: Path) -> None:
    runner = CliRunner()
    output = tmp_path / "case.yaml"
    stopped = runner.invoke(input_app(), ["init", "-o", str(output)], input="\n".join(ANSWERS[:14]) + "\n")
    assert stopped.exit_code == 1
    draft = draft_path(output)
    kept = ["Jordan A. Rivera", *ANSWERS[3:14]]  # "back" and the answer it undid are not kept
    assert json.loads(draft.read_text(encoding="utf-8")) == kept
    assert not output.exists()

    resumed = runner.invoke(input_app(), ["init", "-o", str(output)], input="\n".join(["y", *ANSWERS[14:]]) + "\n")
    assert resumed.exit_code == 0, resumed.output
    assert f"was stopped after {len(kept)} answers. Pick up where it stopped?" in resumed.stdout
    assert "Patient's full name" not in resumed.stdout  # the answers kept are not asked again
    case = load_case(output)
    assert case.medications[0].taper is not None and case.patient.date_of_birth == PartialDate(1971, 8, 15)
    assert not draft.exists()

