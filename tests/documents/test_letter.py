"""The prescriber-to-therapist letter and the taper schedule behind it: what a therapist reads in
the PDF and the DOCX, what `docgen taper` prints, and how a case without the data fails.

The schedules below are worked by hand from CASEFILE.md ("How a taper plan reads"), not by
calling the projection, so a change in the arithmetic shows here.
"""

from __future__ import annotations

import csv
import io
import re
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import ROOT, TODAY, docx_text, folded, pdf_pages
from typer.testing import CliRunner

from docgen.case.loading import load_case, validate_case
from docgen.case.model import Case
from docgen.cli import app
from docgen.errors import MissingDataError
from docgen.facts.taper_plan import (
    CSV_COLUMNS,
    planned_tapers,
    schedule_csv,
    schedule_text,
)
from docgen.options import Options
from docgen.pipeline import generate

OPTIONS = Options(today=TODAY)
FULL = ROOT / "samples" / "bind-labelled-fnd.yaml"
THERAPIST = ROOT / "samples" / "taper-with-therapist.yaml"
NO_LETTER = ROOT / "samples" / "denied-amendment.yaml"

runner = CliRunner()


# -- the two samples' plans, worked by hand ------------------------------------------------------

def _dated(start: date, rows: list[tuple[float, str, float | None, int]], every: int) -> list[tuple[int, date, float, str, float | None, int]]:
    """Number and date hand-worked rows: each step `every` days after the last, plus its held days."""
    steps = []
    day = start
    for number, (mg, form, ml, held) in enumerate(rows, start=1):
        if number > 1:
            day = day + timedelta(days=every + held)
        steps.append((number, day, mg, form, ml, held))
    return steps


# bind-labelled-fnd: clonazepam 0.75 mg/day (latest entry, 8 Sep 2025); from 7 Dec 2026, 10% of the
# current dose every 28 days, rounded to 0.0625 mg; a 56-day hold once at or below 0.5 mg; liquid
# (0.1 mg/mL, so 0.1 mL = 0.01 mg) once the unrounded dose is below 0.5 mg; stop after 0.05 mg.
# mg/day, form, mL, held days
FULL_ROWS: list[tuple[float, str, float | None, int]] = [
    (0.6875, "tablet", None, 0),  # 0.675 = 10.8 units of 0.0625 -> 11
    (0.625, "tablet", None, 0),  # 0.61875 = 9.9 units -> 10
    (0.5625, "tablet", None, 0),  # 0.5625 = 9 units
    (0.5, "tablet", None, 0),  # 0.50625 = 8.1 units -> 8 (not below 0.5: still tablets); the hold
    (0.45, "liquid", 4.5, 56),  # 0.45 < 0.5: liquid; 56 days held first
    (0.41, "liquid", 4.1, 0),  # 0.405 -> 0.41 (a tie keeps the higher dose)
    (0.37, "liquid", 3.7, 0),  # 0.369
    (0.33, "liquid", 3.3, 0),  # 0.333
    (0.3, "liquid", 3.0, 0),  # 0.297
    (0.27, "liquid", 2.7, 0),
    (0.24, "liquid", 2.4, 0),  # 0.243
    (0.22, "liquid", 2.2, 0),  # 0.216
    (0.2, "liquid", 2.0, 0),  # 0.198
    (0.18, "liquid", 1.8, 0),
    (0.16, "liquid", 1.6, 0),  # 0.162
    (0.14, "liquid", 1.4, 0),  # 0.144
    (0.13, "liquid", 1.3, 0),  # 0.126
    (0.12, "liquid", 1.2, 0),  # 0.117
    (0.11, "liquid", 1.1, 0),  # 0.108
    (0.1, "liquid", 1.0, 0),  # 0.099
    (0.09, "liquid", 0.9, 0),
    (0.08, "liquid", 0.8, 0),  # 0.081
    (0.07, "liquid", 0.7, 0),  # 0.072
    (0.06, "liquid", 0.6, 0),  # 0.063
    (0.05, "liquid", 0.5, 0),  # 0.054 -> 0.05: at the stop threshold
    (0.0, "liquid", 0.0, 0),  # the stop
]
FULL_STEPS = _dated(date(2026, 12, 7), FULL_ROWS, 28)

# taper-with-therapist: diazepam 13 mg/day (19 Oct 2026); from 16 Nov 2026, 10% every 28 days,
# rounded to 1 mg; a 28-day hold at or below 6 mg; liquid (1 mg/mL: 0.1 mL = 0.1 mg) below 2 mg;
# stop after 0.2 mg. Where 10% rounds to no change, one unit down after the smallest k intervals
# with 0.9^k <= new/current: 5 -> 4 (0.8: k = 3), 4 -> 3 (0.75: k = 3), 3 -> 2 (0.667: k = 4).
THERAPIST_ROWS: list[tuple[float, str, float | None, int]] = [
    (12.0, "tablet", None, 0),  # 11.7 -> 12
    (11.0, "tablet", None, 0),  # 10.8
    (10.0, "tablet", None, 0),  # 9.9
    (9.0, "tablet", None, 0),
    (8.0, "tablet", None, 0),  # 8.1
    (7.0, "tablet", None, 0),  # 7.2
    (6.0, "tablet", None, 0),  # 6.3 -> 6: the hold
    (5.0, "tablet", None, 28),  # 5.4 -> 5, after the 28-day hold
    (4.0, "tablet", None, 56),  # 4.5 ties up to 5 = no change: 1 mg down after 3 intervals
    (3.0, "tablet", None, 56),  # 3.6 -> 4 = no change: after 3 intervals
    (2.0, "tablet", None, 84),  # 2.7 -> 3 = no change: after 4 intervals
    (1.8, "liquid", 1.8, 0),  # 1.8 < 2: liquid
    (1.6, "liquid", 1.6, 0),  # 1.62
    (1.4, "liquid", 1.4, 0),  # 1.44
    (1.3, "liquid", 1.3, 0),  # 1.26
    (1.2, "liquid", 1.2, 0),  # 1.17
    (1.1, "liquid", 1.1, 0),  # 1.08
    (1.0, "liquid", 1.0, 0),  # 0.99
    (0.9, "liquid", 0.9, 0),
    (0.8, "liquid", 0.8, 0),  # 0.81
    (0.7, "liquid", 0.7, 0),  # 0.72
    (0.6, "liquid", 0.6, 0),  # 0.63
    (0.5, "liquid", 0.5, 0),  # 0.54
    (0.4, "liquid", 0.4, 56),  # 0.45 ties up to 0.5 = no change: after 3 intervals
    (0.3, "liquid", 0.3, 56),  # 0.36 -> 0.4 = no change: after 3 intervals
    (0.2, "liquid", 0.2, 84),  # 0.27 -> 0.3 = no change: after 4 intervals; at the threshold
    (0.0, "liquid", 0.0, 0),  # the stop
]
THERAPIST_STEPS = _dated(date(2026, 11, 16), THERAPIST_ROWS, 28)


def test_hand_worked_dates_are_the_expected_calendar_days() -> None:
    """A check of the hand tables themselves (the leap day of 2028 included)."""
    assert FULL_STEPS[4][1] == date(2027, 5, 24)
    assert FULL_STEPS[-2][1] == date(2028, 12, 4)
    assert FULL_STEPS[-1][1] == date(2029, 1, 1)
    assert THERAPIST_STEPS[7][1] == date(2027, 6, 28)
    assert [step[1] for step in THERAPIST_STEPS[8:12]] == [date(2027, 9, 20), date(2027, 12, 13), date(2028, 4, 3), date(2028, 5, 1)]
    assert THERAPIST_STEPS[-1][1] == date(2030, 1, 7)


@pytest.mark.parametrize(("path", "expected"), [(FULL, FULL_STEPS), (THERAPIST, THERAPIST_STEPS)], ids=["bind-labelled-fnd", "taper-with-therapist"])
def test_planned_tapers_match_the_hand_worked_schedules(path: Path, expected: list[tuple[Any, ...]]) -> None:
    (planned,) = planned_tapers(load_case(path))
    found = [(step.number, step.date, step.mg_per_day, step.form, step.ml_per_day, step.held_days) for step in planned.schedule.steps]
    assert found == expected
    assert planned.schedule.end_date == expected[-1][1]


def test_planned_taper_reads_the_current_dose_and_index() -> None:
    (planned,) = planned_tapers(load_case(THERAPIST))
    assert planned.index == 1  # alprazolam is medications[0]
    assert planned.medication.drug == "diazepam"
    assert planned.current_mg == 13.0
    assert planned.schedule.start_mg == 13.0


# -- building cases ---------------------------------------------------------------------------------

def _data(path: Path) -> dict[str, Any]:
    """A sample's data as plain YAML, to change before it is checked (dates may stay dates)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _case(data: dict[str, Any]) -> Case:
    return validate_case(data)


def _letter_text(case: Case) -> tuple[str, str, int]:
    pdf = generate(case, "letter", "pdf", OPTIONS)
    docx = generate(case, "letter", "docx", OPTIONS)
    pages = pdf_pages(pdf)
    return folded(" ".join(pages)), folded(docx_text(docx)), len(pages)


def test_the_case_builder_reads_a_sample_as_the_loader_does() -> None:
    assert _case(_data(FULL)) == load_case(FULL)
    assert _case(_data(THERAPIST)) == load_case(THERAPIST)


# -- the letter, sample by sample ----------------------------------------------------------------------

SAMPLE_FACTS: dict[str, dict[str, Any]] = {
    "bind-labelled-fnd": {
        "path": FULL,
        "letterhead": ["Gregory Marsh, MD", "Psychiatry · Prairie View Psychiatric Associates",
                       "410 Commerce Drive, Suite 200 · Westbrook, IL 62703",
                       "Phone +1 217 555 0110 · Fax +1 217 555 0111 · Email gmarsh@prairieview.example.org"],
        "date": "19 Nov 2026",
        "recipient": ["Alana Hendricks, LCPC", "Cedar Lane Counseling", "88 Cedar Lane", "Westbrook, IL 62704"],
        "salutation": "Dear Alana Hendricks,",
        "subject": "Re: Theresa M. Kowalczyk, born 2 Apr 1968 — benzodiazepine taper plan and coordination of care",
        "furniture": "Theresa M. Kowalczyk · born 2 Apr 1968",
        "authorization": "“Release of information signed by the patient 2 Nov 2026”",
        "regimen": "clonazepam (Klonopin), 0.75 mg/day since 8 Sep 2025 (indication: panic disorder)",
        "phone": "+1 217 555 0110",
        "where": ("Where we are. From the current 0.75 mg/day (since 8 Sep 2025), the first reduction is step 1 on "
                  "7 Dec 2026, to 0.6875 mg/day. The projected schedule has 26 steps and reaches 0 mg/day on 1 Jan 2029; "
                  "the liquid starts at step 5, on 24 May 2027 (0.45 mg/day)."),
        # first step by hand: 0.75 x 0.9 = 0.675 = 10.8 x 0.0625 -> 11 x 0.0625 = 0.6875 on 7 Dec 2026,
        # a change of 0.0625 mg, 0.0625 / 0.75 = 8.3%
        "rows": ["1 7 Dec 2026 0.6875 −0.0625 mg 8.3% 1 × 0.5 mg + 1½ × 0.125 mg",
                 "2 4 Jan 2027 0.625 −0.0625 mg 9.1% 1 × 0.5 mg + 1 × 0.125 mg",
                 "4 1 Mar 2027 0.5 −0.0625 mg 11.1% 1 × 0.5 mg",
                 "5 24 May 2027 0.45 −0.05 mg 10% 4.5 mL of 0.1 mg/mL 0.5 mg/day held 56 days longer (planned hold); liquid starts",
                 "8 16 Aug 2027 0.33 −0.04 mg 10.8% 3.3 mL of 0.1 mg/mL",
                 "26 1 Jan 2029 0 (stop) −0.05 mg 100% —"],
        "steps": 26,
        # the plan's hold at 0.5 mg/day: 0.5 mg/day reached on 1 Mar 2027, kept 28 + 56 days
        "hold": "The plan's hold keeps 0.5 mg/day for 84 days (12 weeks), from 1 Mar 2027 to 24 May 2027, 56 days longer than the usual interval.",
        "liquid": "0.0625 mg in tablets and, below 0.5 mg/day, 0.1 mL of a 0.1 mg/mL liquid (0.01 mg)",
        "why": None,
        "rule": "Slow or pause if withdrawal symptoms emerge (the 2025 joint guideline's general rule; the plan itself does not say when).",
        "arithmetic": None,
        "beyond": None,
        "requests": ["Please tell me if sleep falls below about four hours a night for more than a week, so we can hold the next step.",
                     "Please do not treat a return of tremor or sound sensitivity after a reduction as a sign of a failed taper without speaking to me first."],
        "signature": ["Sincerely,", "______________________________________", "Gregory Marsh, MD", "Psychiatry, Prairie View Psychiatric Associates",
                      "Phone +1 217 555 0110", "cc: Theresa M. Kowalczyk (patient) · Attached: the full projected schedule"],
    },
    "taper-with-therapist": {
        "path": THERAPIST,
        "letterhead": ["Naomi Feld, MD", "Psychiatry · Harbor Psychiatry Group",
                       "2100 NE Broadway, Suite 310 · Portland, OR 97232", "Phone +1 503 555 0120 · Fax +1 503 555 0121"],
        "date": "20 Nov 2026",
        "recipient": ["Luis Carvajal, LMFT", "Bayside Counseling Collective", "615 SE Morrison Street", "Portland, OR 97214"],
        "salutation": "Dear Luis Carvajal,",
        "subject": "Re: Devon K. Achterberg, born 23 Nov 1979 — benzodiazepine taper plan and coordination of care",
        "furniture": "Devon K. Achterberg · born 23 Nov 1979",
        "authorization": "“Release of information signed by the patient 31 Mar 2025”",
        "regimen": "diazepam (Valium), 13 mg/day since 19 Oct 2026",
        "phone": "+1 503 555 0120",
        # the letter is dated 20 Nov 2026: step 1 (16 Nov) is past, step 2 is the next
        "where": ("Where we are. Step 1 (16 Nov 2026, to 12 mg/day) was planned before the date of this letter; the case "
                  "file's latest dose entry is 13 mg/day since 19 Oct 2026, and the schedule assumes that step as planned. "
                  "The next reduction is step 2 on 14 Dec 2026, to 11 mg/day. The projected schedule has 27 steps and reaches "
                  "0 mg/day on 7 Jan 2030; the liquid starts at step 12, on 1 May 2028 (1.8 mg/day)."),
        # first step by hand: 13 x 0.9 = 11.7 -> 12 (1 mg units) on 16 Nov 2026, 1/13 = 7.7%
        "rows": ["1 16 Nov 2026 12 −1 mg 7.7% 1 × 10 mg + 1 × 2 mg planned before this letter",
                 "7 3 May 2027 6 −1 mg 14.3% 1 × 5 mg + ½ × 2 mg",
                 "8 28 Jun 2027 5 −1 mg 16.7% 1 × 5 mg 6 mg/day held 28 days longer (planned hold)",
                 "11 3 Apr 2028 2 −1 mg 33.3% 1 × 2 mg 84 days longer (smallest measurable step); beyond the 25% bound",
                 "12 1 May 2028 1.8 −0.2 mg 10% 1.8 mL of 1 mg/mL liquid starts",
                 "27 7 Jan 2030 0 (stop) −0.2 mg 100% —"],
        "steps": 27,
        "hold": "The plan's hold keeps 6 mg/day for 56 days (8 weeks), from 3 May 2027 to 28 Jun 2027, 28 days longer than the usual interval.",
        "liquid": "1 mg in tablets and, below 2 mg/day, 0.1 mL of a 1 mg/mL liquid (0.1 mg)",
        "why": ("The reason for the taper: long-term use since 2016; daytime drowsiness and memory complaints; Devon asked to "
                "come off. The patient agreed to this plan on 19 Oct 2026, and the pace follows the patient's tolerance"),
        "rule": "Slow or pause if withdrawal symptoms make work or sleep hard for more than a week (the plan's own rule).",
        "arithmetic": ("Where the unit is too coarse. From 5 to 2 mg/day and from 0.5 to 0.2 mg/day, a 10% step is smaller "
                       "than what can be measured, so the schedule steps down one measurable amount (1 mg; 0.1 mL) after "
                       "56 to 84 extra days; those steps are 20% to 33.3% of the dose."),
        "beyond": ("Steps beyond the guideline's general bound. The 2025 joint guideline's general bound is 25% every two weeks. "
                   "2 steps of this schedule go beyond it. I will consider them, and any option below, with the patient "
                   "before they come; nothing about them is decided yet. "
                   "Step 11, 3 Apr 2028: 3 → 2 mg/day, a 33.3% reduction. Why: the smallest amount the tablets can measure is "
                   "1 mg. An option the plan allows: the 1 mg/mL liquid from this step on, rather than below 2 mg/day; it "
                   "measures 0.1 mg, so the step could be 3 → 2.7 mg/day (10%). "
                   "Step 26, 10 Dec 2029: 0.3 → 0.2 mg/day, a 33.3% reduction. Why: the smallest amount the liquid can measure "
                   "is 0.1 mL (0.1 mg). The plan names no form that measures less at this dose."),
        "requests": ["Please let me know if panic attacks return on more than two days in a week.",
                     "If Devon describes akathisia, thoughts of self-harm or confusion, please contact me the same day.",
                     "Please share any change in the CBT plan that could affect the timing of the next reduction."],
        "signature": ["Sincerely,", "______________________________________", "Naomi Feld, MD", "Psychiatry, Harbor Psychiatry Group",
                      "Phone +1 503 555 0120", "cc: Devon K. Achterberg (patient) · Attached: the full projected schedule"],
    },
}


@pytest.fixture(scope="module", params=sorted(SAMPLE_FACTS), ids=lambda name: name)
def rendered(request: pytest.FixtureRequest) -> dict[str, Any]:
    facts = SAMPLE_FACTS[request.param]
    case = load_case(facts["path"])
    pdf = generate(case, "letter", "pdf", OPTIONS)
    docx = generate(case, "letter", "docx", OPTIONS)
    pages = pdf_pages(pdf)
    return {
        "facts": facts,
        "pages": [folded(page) for page in pages],
        "pdf": folded(" ".join(_body(page) for page in pages)),  # a sentence may run on over a page break
        "docx": folded(docx_text(docx)),
        "docx_lines": [folded(line) for line in docx_text(docx).split("\n")],
    }


def _body(page: str) -> str:
    """A page's text without its running header and footer (drawn last, its last two lines)."""
    return "\n".join(page.strip().splitlines()[:-2])


def _both(rendered: dict[str, Any]) -> tuple[str, str]:
    return rendered["pdf"], rendered["docx"]


def _attachment_start(pages: list[str]) -> int:
    """The index of the first page of the attached schedule."""
    return next(index for index, page in enumerate(pages) if "Attached: the projected" in page)


def test_two_pages_of_letter_then_the_schedule_each_naming_the_patient(rendered: dict[str, Any]) -> None:
    facts, pages = rendered["facts"], rendered["pages"]
    body = _attachment_start(pages)
    assert 1 <= body <= 2  # the letter itself, then the attached schedule on pages of its own
    assert facts["signature"][2] in pages[body - 1] and "Confidentiality notice" in pages[body - 1]
    assert "Sincerely," in pages[body - 1]  # the signature is never alone on a page
    for number, page in enumerate(pages, start=1):
        assert facts["furniture"] in page
        assert f"Page {number} of {len(pages)}" in page
        assert "Generated 22 Nov 2026 with docgen" in page
    assert rendered["docx"].startswith(facts["furniture"])


def test_letterhead_date_recipient_and_subject(rendered: dict[str, Any]) -> None:
    facts = rendered["facts"]
    pdf = rendered["pdf"]
    letterhead = " ".join(facts["letterhead"])
    assert pdf.startswith(f"{letterhead} {facts['date']} {' '.join(facts['recipient'])} {facts['subject']} {facts['salutation']}")
    docx = rendered["docx"]
    for part in [*facts["letterhead"], facts["date"], *facts["recipient"], facts["subject"], facts["salutation"]]:
        assert part in docx
    assert docx.index(facts["letterhead"][0]) < docx.index(facts["recipient"][0]) < docx.index(facts["subject"])


def test_why_and_the_legal_basis_claim_no_more_than_hipaa(rendered: dict[str, Any]) -> None:
    facts = rendered["facts"]
    for text in _both(rendered):
        assert "to coordinate our care during the" in text
        assert "permitted under HIPAA (45 CFR 164.506(c)(2))" in text
        assert f"authorization is also on file: {facts['authorization']}" in text
        assert "I am not asking for psychotherapy notes" in text
        for claim in ("Part 2", "42 CFR", "required by law", "confidential under federal"):
            assert claim not in text


def test_regimen_plan_and_schedule(rendered: dict[str, Any]) -> None:
    facts = rendered["facts"]
    for text in _both(rendered):
        assert facts["regimen"] in text
        assert "the taper is set out below" in text
        # why, the agreement, the plan's own rule and the patient's say
        if facts["why"]:
            assert facts["why"] in text
        else:
            assert "The reason for the taper" not in text and "agreed to this plan" not in text
        assert "follows the patient's tolerance, not the calendar" in text
        assert "the medication will never be stopped abruptly" in text
        assert facts["rule"] in text
        assert "A wish to slow down or to stop is welcome: please encourage the patient to bring it to me" in text
        # the approach
        assert "Each step takes 10% off the current dose, about every 28 days (4 weeks)" in text
        assert "so the steps get smaller in milligrams as the dose falls" in text
        assert facts["hold"] in text
        assert facts["liquid"] in text
        assert "A planned hold of" not in text
        # where we are, and the full schedule attached
        assert facts["where"] in text
        assert "The attached page lists every step and what it is made of." in text
        assert "This schedule is a projection, not a promise: the dates move whenever a step is held or slowed" in text
        assert "Step Date mg/day Change % Made of Note" in text
        for row in facts["rows"]:
            assert row in text
        assert "more steps follow" not in text
        if facts["arithmetic"]:
            assert facts["arithmetic"] in text
        else:
            assert "Where the unit is too coarse" not in text
        if facts["beyond"]:
            assert facts["beyond"] in text.replace("• ", "")
        else:
            assert "beyond the guideline" not in text and "beyond the 25% bound" not in text
        assert "average pace" not in text


def test_every_step_is_in_the_attached_schedule(rendered: dict[str, Any]) -> None:
    facts, pages = rendered["facts"], rendered["pages"]
    attached = " ".join(pages[_attachment_start(pages):])
    numbers = re.findall(r"(?:^|\s)(\d+) (\d{1,2} [A-Z][a-z]{2} \d{4}) (\d+(?:\.\d+)?)(?: \(stop\))? −", attached)
    assert [int(number) for number, _day, _mg in numbers] == list(range(1, facts["steps"] + 1))


def test_what_the_therapist_can_help_with(rendered: dict[str, Any]) -> None:
    for text in _both(rendered):
        assert "Coping skills and CBT for withdrawal symptoms" in text
        assert "CBT-I for sleep" in text
        assert "“Windows and waves.” Patients commonly report stretches of relief (windows)" in text
        assert "not a finding of controlled studies" in text
        assert "a wave is not by itself a sign that the taper has failed" in text
        assert "Please send me, rather than advise on, any question about the medication, the dose or the schedule" in text
        assert "any wish to change, add or stop a medication" in text
        assert "encourage the patient to bring them to me directly" in text


def test_warning_signs_emergency_care_first_then_the_prescriber(rendered: dict[str, Any]) -> None:
    facts = rendered["facts"]
    for text in _both(rendered):
        assert "Warning signs: emergency care first" in text
        assert "not because they are expected" in text
        assert "typically associated with stopping high doses abruptly" in text
        for flag in ("a seizure", "confusion or delirium", "hallucinations or paranoia", "suicidal thoughts or self-harm"):
            assert flag in text
        assert ("If any occurs, the patient needs emergency care first: call 911; for suicidal thoughts, "
                "988 Suicide & Crisis Lifeline (call or text 988), at any hour. "
                f"Then please call me the same day at {facts['phone']}.") in text


def test_requests_closing_signature_and_notice(rendered: dict[str, Any]) -> None:
    facts = rendered["facts"]
    pdf, docx = _both(rendered)
    numbered = " ".join(f"{number}. {request}" for number, request in enumerate(facts["requests"], start=1))
    assert f"Specific requests {numbered}" in pdf
    assert f"Specific requests {numbered}" in docx
    for text in (pdf, docx):
        assert "I would be glad to talk by phone or to meet with you and the patient." in text
        assert f"Confidentiality notice. Protected health information, shared for treatment and coordination of care" in text
        assert "Prepared with docgen from the patient's case file. Not medical or legal advice." in text
    assert " ".join(facts["signature"]) + " Confidentiality notice." in pdf
    lines = [line for line in rendered["docx_lines"] if line]
    signature = lines.index(facts["signature"][0])
    assert lines[signature:signature + 4] == [facts["signature"][0], facts["signature"][1],
                                              " ".join(facts["signature"][2:5]), facts["signature"][5]]


# -- cases without a plan or without the letter --------------------------------------------------------


def test_without_a_taper_plan_the_letter_describes_the_regimen_and_invents_nothing() -> None:
    data = _data(FULL)
    del data["medications"][0]["taper"]
    case = _case(data)
    assert planned_tapers(case) == []
    pdf, docx, pages = _letter_text(case)
    assert pages <= 2
    for text in (pdf, docx):
        assert "clonazepam (Klonopin), 0.75 mg/day since 8 Sep 2025" in text
        assert "during the benzodiazepine taper we are planning" in text
        assert "The taper schedule is not set yet. Theresa M. Kowalczyk and I will decide it together" in text
        for invented in ("Projected schedule", "Step Date", "10% off", "projected end", "projection, not a promise", "liquid", "the taper is set out below"):
            assert invented not in text
        assert "permitted under HIPAA (45 CFR 164.506(c)(2))" in text
        assert "Warning signs: emergency care first" in text
        assert "Attached: the" not in text


def test_without_a_therapist_letter_the_error_names_it() -> None:
    case = load_case(NO_LETTER)
    for output_format in ("pdf", "docx"):
        with pytest.raises(MissingDataError, match=r"^therapist_letter: this case file has no therapist_letter section; the letter needs one, with `from` and `to` clinician ids"):
            generate(case, "letter", output_format, OPTIONS)


def test_a_letter_naming_an_unknown_clinician_says_which() -> None:
    data = _data(FULL)
    data["therapist_letter"]["to"] = "nobody"
    case = Case.model_validate(data)  # past the loader's own check, as a library user might
    with pytest.raises(MissingDataError, match=r"therapist_letter.to: 'nobody' is not a clinician id"):
        generate(case, "letter", "pdf", OPTIONS)


def test_a_minimal_letter_without_optional_parts() -> None:
    data = _data(FULL)
    data["therapist_letter"] = {"from": "dr-marsh", "to": "hendricks"}
    for clinician in data["clinicians"]:
        if clinician["id"] == "dr-marsh":
            for key in ("phone", "fax", "email"):
                clinician.pop(key)
    pdf, docx, _pages = _letter_text(_case(data))
    assert "Westbrook, IL 62703 22 Nov 2026 Alana Hendricks, LCPC" in pdf  # no contact line; today's date
    for text in (pdf, docx):
        assert "22 Nov 2026" in text
        assert "authorization" not in text
        assert "Specific requests" not in text
        assert "I would be glad to talk by phone or to meet with you" in text
        assert "Phone " not in text
        assert "Then please call me the same day through Prairie View Psychiatric Associates." in text
    assert "Gregory Marsh, MD Psychiatry · Prairie View Psychiatric Associates 410 Commerce Drive, Suite 200 · Westbrook, IL 62703 22 Nov 2026" in pdf


def test_user_text_comes_out_exactly_as_typed() -> None:
    data = _data(THERAPIST)
    for clinician in data["clinicians"]:
        if clinician["id"] == "carvajal":
            clinician["name"] = "Zoë Łukasiewicz-Núñez, LMFT"
            clinician["organization"] = "Bayside <Counseling> & Co."
    data["therapist_letter"]["requests"] = ["Tell me if sleep is < 4 h & mood ≥ 7/10 low."]
    data["therapist_letter"]["authorization"] = 'ROI "general" & specific'
    pdf, docx, _pages = _letter_text(_case(data))
    for text in (pdf, docx):
        assert "Zoë Łukasiewicz-Núñez, LMFT" in text
        assert "Dear Zoë Łukasiewicz-Núñez," in text
        assert "Bayside <Counseling> & Co." in text
        assert "Tell me if sleep is < 4 h & mood ≥ 7/10 low." in text
        assert '“ROI "general" & specific”' in text


def test_two_tapers_each_get_their_plan() -> None:
    data = _data(FULL)
    data["medications"][1]["doses"].append({"date": "2026-06-01", "mg_per_day": 10})
    data["medications"][1]["taper"] = {"start": "2027-01", "percent": 25, "every_days": 14, "smallest_step_mg": 2.5}
    case = _case(data)
    first, second = planned_tapers(case)
    # baclofen 10 mg from 1 Jan 2027 (the first day of a month-precision start): 7.5 x 1 unit of 2.5
    assert (second.index, second.current_mg) == (1, 10.0)
    assert [(step.date, step.mg_per_day) for step in second.schedule.steps[:2]] == [(date(2027, 1, 1), 7.5), (date(2027, 1, 15), 5.0)]
    pdf, docx, _pages = _letter_text(case)
    for text in (pdf, docx):
        assert "during the clonazepam and baclofen tapers" in text
        assert "The clonazepam taper The pace follows" in text
        assert "The baclofen taper The pace follows" in text
        assert "Each step takes 25% off the current dose, about every 14 days (2 weeks)" in text
        assert "Attached: the projected clonazepam schedule" in text
        assert "Attached: the projected baclofen schedule" in text
        assert "1 1 Jan 2027 7.5 −2.5 mg 25% tablets (strengths not given)" in text
        assert "baclofen (Lioresal), 10 mg/day since 1 Jun 2026" in text


def test_a_stopped_medication_with_a_plan_has_nothing_to_taper() -> None:
    data = _data(FULL)
    data["medications"][0]["doses"].append({"date": "2026-10-01", "mg_per_day": 0})
    pdf, docx, _pages = _letter_text(_case(data))
    for text in (pdf, docx):
        assert "The case file records clonazepam (Klonopin) at 0 mg/day since 1 Oct 2026, so there is nothing left to taper." in text
        assert "Projected schedule" not in text
        assert "The case file records no medication currently taken." in text


def test_the_current_dose_is_the_latest_by_date_not_by_file_order() -> None:
    data = _data(FULL)
    doses = data["medications"][0]["doses"]
    data["medications"][0]["doses"] = [doses[-1], *doses[:-1]]  # 0.75 mg (2025-09-08) written first
    (planned,) = planned_tapers(_case(data))
    assert planned.current_mg == 0.75


def test_a_plan_without_the_smallest_step_names_the_field() -> None:
    data = _data(FULL)
    del data["medications"][0]["taper"]["smallest_step_mg"]
    case = _case(data)
    message = r"^medications\[0\]\.taper\.smallest_step_mg: clonazepam's taper plan does not say the smallest dose step .* expected a dose in mg"
    with pytest.raises(MissingDataError, match=message):
        planned_tapers(case)
    with pytest.raises(MissingDataError, match=message):
        generate(case, "letter", "pdf", OPTIONS)


# -- `docgen taper` ----------------------------------------------------------------------------------


def test_taper_command_prints_the_schedule_table() -> None:
    result = runner.invoke(app, ["taper", str(FULL)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "clonazepam (Klonopin)  [medications[0].taper]"
    assert lines[1] == "  now:  0.75 mg/day (since 8 Sep 2025)"
    header = next(line for line in lines if line.strip().startswith("step"))
    assert header.split() == ["step", "date", "mg/day", "change", "form", "make-up", "notes"]
    rows = lines[lines.index(header) + 1 :]
    assert rows[0].split() == ["1", "7", "Dec", "2026", "0.6875", "-0.0625", "mg", "(8.3%)", "tablet",
                               "1", "×", "0.5", "mg", "+", "1½", "×", "0.125", "mg"]
    assert rows[4].split()[:10] == ["5", "24", "May", "2027", "0.45", "-0.05", "mg", "(10%)", "liquid", "4.5"]
    assert "after a 56-day hold at 0.5 mg/day" in rows[4]
    assert rows[25].split() == ["26", "1", "Jan", "2029", "0", "-0.05", "mg", "(100%)", "stop"]
    assert "  projected end: 0 mg/day on 1 Jan 2029 (26 steps)" in lines
    assert "  problems: none" in lines


def test_taper_command_states_the_problems() -> None:
    result = runner.invoke(app, ["taper", str(THERAPIST)])
    assert result.exit_code == 0
    out = result.stdout
    assert "diazepam (Valium)  [medications[1].taper]" in out
    assert "projected end: 0 mg/day on 7 Jan 2030 (27 steps)" in out
    assert "problems:\n    - A 10% step is smaller than the measurable amount (1 mg) from 5.0 mg/day" in out
    assert "3.0 → 2.0 mg/day on 3 Apr 2028 is a 33% reduction in one step" in out
    assert "alprazolam" not in out


def test_taper_command_without_a_plan_says_so() -> None:
    result = runner.invoke(app, ["taper", str(NO_LETTER)])
    assert result.exit_code == 0
    assert result.stdout.strip() == (
        "Harold E. Lindgren: no medication in this case file has a taper plan (medications[].taper), "
        "so there is no schedule to project."
    )
    result = runner.invoke(app, ["taper", str(NO_LETTER), "--csv"])
    assert result.exit_code == 0
    assert result.stdout == ",".join(CSV_COLUMNS) + "\n"


@pytest.mark.parametrize(("path", "drug", "expected"), [(FULL, "clonazepam", FULL_STEPS), (THERAPIST, "diazepam", THERAPIST_STEPS)], ids=["bind-labelled-fnd", "taper-with-therapist"])
def test_taper_csv_matches_the_hand_worked_schedule(path: Path, drug: str, expected: list[tuple[Any, ...]]) -> None:
    result = runner.invoke(app, ["taper", str(path), "--csv"])
    assert result.exit_code == 0
    reader = csv.reader(io.StringIO(result.stdout))
    header, *rows = list(reader)
    assert header == list(CSV_COLUMNS)
    assert len(rows) == len(expected)
    previous = None
    for row, (number, day, mg, form, ml, held) in zip(rows, expected):
        record = dict(zip(header, row))
        assert len(row) == len(CSV_COLUMNS)
        assert record["drug"] == drug
        assert int(record["step"]) == number
        assert date.fromisoformat(record["date"]) == day
        assert float(record["mg_per_day"]) == mg
        assert record["form"] == form
        assert (float(record["ml_per_day"]) if record["ml_per_day"] else None) == ml
        assert int(record["held_days"]) == held
        before = previous if previous is not None else (0.75 if drug == "clonazepam" else 13.0)
        assert float(record["change_mg"]) == pytest.approx(mg - before)
        assert float(record["change_percent"]) == pytest.approx((before - mg) / before * 100, abs=0.005)
        previous = mg
    if drug == "diazepam":
        notes = [dict(zip(header, row))["notes"] for row in rows]
        assert notes[7] == "after a 28-day hold at 6.0 mg/day"
        # commas inside a note survive the round trip (csv quoting)
        assert notes[8].startswith("a 10% step from 5.0 mg/day (0.5 mg) is smaller than the measurable amount of 1 mg, so")
    assert schedule_csv(load_case(path)) == result.stdout


def test_taper_command_says_plainly_a_step_the_unit_forces_beyond_the_bound_is_beyond_it() -> None:
    result = runner.invoke(app, ["taper", str(THERAPIST), "--csv"])
    assert result.exit_code == 0
    notes = {int(row["step"]): row["notes"] for row in csv.DictReader(io.StringIO(result.stdout))}
    bound = "is larger than the 2025 guideline's general bound of 25% every two weeks"
    # step 11, 3.0 -> 2.0 mg/day (33%): the 1 mg tablet unit forces it; the plan's liquid is the option
    assert "this step, 3.0 → 2.0 mg/day (33%), " + bound + " because 1 mg is the smallest amount the tablets can measure" in notes[11]
    assert ("an option for the prescriber that the plan allows: its 1 mg/mL liquid from this step on, "
            "which measures 0.1 mg, for a step of 3.0 → 2.7 mg/day (10%)") in notes[11]
    # step 26, 0.3 -> 0.2 mg/day in the liquid: no form of the plan measures less
    assert "this step, 0.3 → 0.2 mg/day (33%), " + bound + " because 0.1 mL (0.1 mg) is the smallest amount the liquid" in notes[26]
    assert "the plan names no form that measures less at this dose" in notes[26]
    # the held steps within the bound (20%, 25%) are not said to be beyond it
    assert bound not in notes[9] + notes[10]
    # and nothing claims the pace is within the plan
    text = schedule_text(load_case(THERAPIST))
    assert "pace within the plan" not in text and "pace stays within the plan" not in text
    assert "pace within the plan" not in result.stdout
    assert "after 4 intervals (112 days), the time the plan's 10% steps would take to come down as far" in notes[11]


def test_schedule_text_is_what_the_command_prints() -> None:
    case = load_case(THERAPIST)
    assert runner.invoke(app, ["taper", str(THERAPIST)]).stdout == schedule_text(case) + "\n"


# -- the command line's errors ----------------------------------------------------------------------


def _main(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "docgen.cli", *arguments], capture_output=True, text=True, check=False, cwd=ROOT)


def test_letter_command_writes_the_letter(tmp_path: Path) -> None:
    output = tmp_path / "letter.pdf"
    result = runner.invoke(app, ["letter", str(THERAPIST), "-o", str(output), "--date", "2026-11-22"])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"wrote {output}"
    assert "Re: Devon K. Achterberg, born 23 Nov 1979" in folded(pdf_pages(output.read_bytes())[0])


def test_letter_command_without_a_therapist_letter_fails_cleanly(tmp_path: Path) -> None:
    output = tmp_path / "letter.pdf"
    completed = _main("letter", str(NO_LETTER), "-o", str(output))
    assert completed.returncode == 1
    assert completed.stderr.strip().startswith("therapist_letter: this case file has no therapist_letter section")
    assert "Traceback" not in completed.stderr + completed.stdout
    assert not output.exists()
    assert list(tmp_path.iterdir()) == []


def test_letter_and_taper_commands_name_a_missing_smallest_step(tmp_path: Path) -> None:
    data = _data(FULL)
    del data["medications"][0]["taper"]["smallest_step_mg"]
    case_file = tmp_path / "case.yaml"
    case_file.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    output = tmp_path / "letter.docx"
    for arguments in (("letter", str(case_file), "-o", str(output)), ("taper", str(case_file)), ("taper", str(case_file), "--csv")):
        completed = _main(*arguments)
        assert completed.returncode == 1
        assert completed.stderr.startswith("medications[0].taper.smallest_step_mg: ")
        assert "Traceback" not in completed.stderr
        assert completed.stdout == ""
    assert not output.exists()
    assert sorted(path.name for path in tmp_path.iterdir()) == ["case.yaml"]


def test_a_symptom_that_has_resolved_is_named_with_the_day_it_ended() -> None:
    case = load_case(ROOT / "samples" / "taper-with-therapist.yaml")
    resolved = [symptom for symptom in case.symptoms if symptom.resolved is not None]
    assert resolved
    for data in (generate(case, "letter", "pdf", Options(today=TODAY)),):
        text = folded(" ".join(pdf_pages(data)))
        for symptom in resolved:
            assert f"{symptom.name} (resolved {symptom.resolved.display()})" in text  # type: ignore[union-attr]
    docx = folded(docx_text(generate(case, "letter", "docx", Options(today=TODAY))))
    assert "akathisia and restlessness (resolved 6 Oct 2025); tinnitus" in docx


def test_the_authorization_on_file_gives_its_date_as_every_document_does() -> None:
    case = load_case(ROOT / "samples" / "taper-with-therapist.yaml")
    assert case.therapist_letter is not None and "2025-03-31" in (case.therapist_letter.authorization or "")
    for text in (folded(" ".join(pdf_pages(generate(case, "letter", "pdf", Options(today=TODAY))))),
                 folded(docx_text(generate(case, "letter", "docx", Options(today=TODAY))))):
        assert "“Release of information signed by the patient 31 Mar 2025”" in text
        assert "2025-03-31" not in text


@pytest.mark.parametrize(("name", "greeting"), [
    ("Gregory Marsh, MD", "Dr Marsh"),
    ("Anaïs Żeleński-Ibáñez, MD", "Dr Żeleński-Ibáñez"),
    ("Priya Raman, PsyD", "Dr Raman"),
    ("Alana Hendricks, LCPC", "Alana Hendricks"),
    ("Dra. Ana Rita Almeida, MD", "Dra. Ana Rita Almeida"),
    ("王小明, MD", "王小明"),
    ("Jordan Lee", "Jordan Lee"),
])
def test_a_letter_greets_a_physician_or_doctoral_psychologist_as_dr(name: str, greeting: str) -> None:
    from docgen.case.model import Clinician
    from docgen.documents.letter import _salutation

    assert _salutation(Clinician(id="c", name=name)) == greeting


def test_the_taper_request_greets_its_prescriber_as_dr() -> None:
    case = load_case(ROOT / "samples" / "bind-labelled-fnd.yaml")
    text = folded(" ".join(pdf_pages(generate(case, "taper-request", "pdf", Options(today=TODAY)))))
    assert "Dear Dr Marsh," in text
