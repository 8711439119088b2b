"""The taper request: to whom it goes, what it needs, the patient's history, what the 2025
guideline says (cited as the guideline's), the plan proposed, and the request for a reply; a
request, never medical advice."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import ROOT, TODAY, folded, pdf_pages

from docgen.case.loading import load_case, parse_case
from docgen.case.model import Case
from docgen.documents import document_kind
from docgen.documents.taper_request import missing
from docgen.errors import MissingDataError
from docgen.options import Options
from docgen.pipeline import available_documents, build_document, generate

SAMPLES = ROOT / "samples"
THERAPIST = SAMPLES / "taper-with-therapist.yaml"
FULL = SAMPLES / "bind-labelled-fnd.yaml"
KIND = document_kind("taper-request")


def _data(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def _case(data: dict[str, Any]) -> Case:
    return parse_case(yaml.safe_dump(data, allow_unicode=True).encode("utf-8"), "case.yaml")


def _text(case: Case, **options: Any) -> str:
    return build_document(case, KIND, Options(today=TODAY, **options)).text()


def test_it_goes_to_the_medications_prescriber_or_to_the_clinician_named() -> None:
    text = _text(load_case(THERAPIST))
    assert "[address] Naomi Feld, MD\nPsychiatry · Harbor Psychiatry Group" in text
    assert "[body] Dear Dr Feld," in text
    other = _text(load_case(THERAPIST), request_to="dr-nguyen")
    assert "[address] Thanh Nguyen, MD\nInternal Medicine · Eastside Community Clinic" in other
    with pytest.raises(MissingDataError, match=r"^--to: 'nobody' is not a clinician id; expected one of the ids"):
        _text(load_case(THERAPIST), request_to="nobody")


def test_what_it_needs() -> None:
    assert missing(load_case(SAMPLES / "denied-amendment.yaml")) == (
        "medications: no benzodiazepine, and no medication with a taper plan, is taken now (the latest dose is 0 or "
        "there is none), so there is no taper to ask for")
    data = _data(THERAPIST)
    del data["medications"][1]["prescriber"]
    assert missing(_case(data)).startswith(  # type: ignore[union-attr]
        "medications[1].prescriber: the request goes to the medication's prescriber, and none is named")


def test_a_case_without_a_plan_asks_for_one_and_a_packet_leaves_it_out() -> None:
    data = _data(THERAPIST)
    del data["medications"][1]["taper"]
    del data["therapist_letter"]
    case = _case(data)
    assert missing(case) is None
    text = _text(case)
    assert "I am writing to ask for a slow taper of my diazepam" in text
    assert "### The plan I ask for" in text
    assert "reductions of about 5–10% of the current dose every 2 to 4 weeks, as the guideline describes" in text
    assert "taper-request" not in available_documents(case, Options(today=TODAY))
    assert "taper-request" in available_documents(load_case(THERAPIST), Options(today=TODAY))


def test_it_sets_out_the_patients_history_of_reductions_and_onsets() -> None:
    text = _text(load_case(FULL))
    assert ("[body] clonazepam (Klonopin): first taken Oct 2015 at 0.5 mg/day; highest dose 2 mg/day from 14 Nov 2018; "
            "now 0.75 mg/day, since 8 Sep 2025.") in text
    assert "|18 Mar 2024 | 1.5 → 1 mg/day | −33.3% | 14 | second cut after 14 days (33% of the current dose)|" in text
    assert "|tremor, both hands | 22 Mar 2024 | 4 days after clonazepam 1.5 → 1 mg/day (−33%) | ongoing|" in text
    assert ("[body] 8 of them began during or after reductions of clonazepam from 2 to 0.5 mg/day between "
            "4 Mar and 1 Apr 2024.") in text
    assert ("2 of my past reductions were larger than that general bound in a single step: clonazepam 1.5 → 1 mg/day "
            "on 18 Mar 2024 (33.3%); clonazepam 1 → 0.5 mg/day on 1 Apr 2024 (50%).") in text


def test_a_crossover_is_shown_as_a_switch_not_as_a_cut() -> None:
    text = _text(load_case(THERAPIST))
    assert "|10 Mar 2025 | 3 → 2 mg/day | −33.3% (switch to diazepam) | 7 | crossover week 2: midday dose replaced|" in text
    assert "past reductions were larger" not in text


def test_it_cites_the_guideline_as_the_guidelines_and_proposes_the_plan() -> None:
    text = _text(load_case(THERAPIST))
    assert ("The 2025 Joint Clinical Practice Guideline on Benzodiazepine Tapering (the American Society of Addiction "
            "Medicine with nine other societies; Brunner E, et al. J Gen Intern Med 2025; "
            "doi:10.1007/s11606-025-09499-2) says:") in text
    for point in ("- a patient who is physically dependent should not be stopped abruptly;",
                  "- initial reductions of 5–10% every 2–4 weeks, and generally not more than 25% every 2 weeks;",
                  "- the taper is slowed or paused when withdrawal symptoms emerge, and reassessed at each reduction;"):
        assert point in text
    assert "I agreed to this plan on 19 Oct 2026." in text
    assert "The reason recorded for the taper: long-term use since 2016" in text
    assert ("[body] Slow or pause if withdrawal symptoms make work or sleep hard for more than a week: the plan’s own "
            "rule.") in text
    assert "21 more steps follow, to 0 mg/day on 7 Jan 2030 if every step goes as planned." in text
    assert ("2 steps of the projection go beyond the guideline's general bound: step 11 (3 Apr 2028, 3 → 2 mg/day, 33.3%, "
            "where a 10% step is smaller than what can be measured); step 26 (10 Dec 2029, 0.3 → 0.2 mg/day, 33.3%, "
            "where a 10% step is smaller than what can be measured). I would like to discuss those steps with you "
            "before they come.") in text
    # the hold as the schedule holds it: 6 mg/day from 3 May 2027, 28 days' interval plus the 28-day hold
    assert "The plan's hold keeps 6 mg/day for 56 days, from 3 May 2027 to 28 Jun 2027." in text
    assert "A hold of 28 days comes at" not in text


@pytest.mark.parametrize(("today", "expected"), [
    ("2028-01-10", "I would like to discuss those steps with you before they come."),
    ("2028-04-03", "Step 11 is dated on or before the date of this letter: I would like to discuss it with you, and step "
                   "26 before it comes."),
    ("2029-12-10", "Those steps are dated on or before the date of this letter: I would like to discuss them with you."),
])
def test_steps_beyond_the_bound_dated_by_the_request_are_not_spoken_of_as_coming(today: str, expected: str) -> None:
    from datetime import date

    text = build_document(load_case(THERAPIST), KIND, Options(today=date.fromisoformat(today))).text()
    assert "2 steps of the projection go beyond the guideline's general bound: step 11 (3 Apr 2028" in text
    assert expected in text
    if today != "2028-01-10":
        assert "before they come" not in text


def test_it_asks_for_a_written_reply_and_is_not_medical_advice() -> None:
    text = _text(load_case(THERAPIST))
    assert "1. To reply in writing by 6 Dec 2026, saying whether you agree to the plan above" in text
    assert "1. To prescribe the strengths the plan needs: diazepam 10, 5 and 2 mg tablets and a 1 mg/mL liquid." in text
    assert "it is not medical advice, and I want to make the decisions about my treatment together with you" in text
    assert "Devon K. Achterberg" in text.split("[signature]")[1]


def test_the_pdf_carries_the_timeline_unless_asked_not_to() -> None:
    case = load_case(THERAPIST)
    with_timeline = pdf_pages(generate(case, "taper-request", "pdf", Options(today=TODAY)))
    without = pdf_pages(generate(case, "taper-request", "pdf", Options(today=TODAY, enclosure=False)))
    assert len(with_timeline) == len(without) + 1
    assert "MEDICATION AND SYMPTOM TIMELINE" in folded(with_timeline[-1]).upper()
    assert "Enclosure: " in folded(" ".join(with_timeline))
    assert "Enclosure: " not in folded(" ".join(without))


def test_a_plan_that_began_before_the_letter_is_not_proposed_as_new() -> None:
    case = load_case(THERAPIST)
    assert case.medications[0].taper is not None or any(medication.taper for medication in case.medications)
    after = _text(case)  # dated 22 Nov 2026; the plan began on 16 Nov 2026
    assert "every 28 days (4 weeks), as it has since 16 Nov 2026, so the steps" in after
    before = build_document(case, KIND, Options(today=date(2026, 11, 1))).text()
    assert "every 28 days (4 weeks), from 16 Nov 2026, so the steps" in before
