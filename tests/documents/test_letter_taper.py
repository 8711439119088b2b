"""Every sentence the therapist letter says about a taper, read back out of the PDF and the DOCX
and compared with docgen.facts' projection (dates, doses, holds, step count, end, the liquid, the
steps beyond the guideline's bound and the options for them, every row of the attached schedule);
the letter's date against the schedule; the law and the emergency numbers by where the prescriber
and the therapist are; and `validate`'s warning when the prescriber has no phone."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import ROOT, TODAY, docx_text, folded, pdf_pages
from typer.testing import CliRunner

from docgen.case.dates import display_day
from docgen.case.loading import load_case, validate_case
from docgen.case.model import Case
from docgen.cli import app
from docgen.facts.formatting import format_mg
from docgen.facts.review import iter_warnings
from docgen.facts.taper_plan import PlannedTaper, percent_text, planned_tapers
from docgen.facts.taper_summary import beyond_bound, due_by, held_doses, split_at
from docgen.options import Options
from docgen.pipeline import generate

THERAPIST = ROOT / "samples" / "taper-with-therapist.yaml"
FULL = ROOT / "samples" / "bind-labelled-fnd.yaml"
OPTIONS = Options(today=TODAY)
runner = CliRunner()

DAY = r"\d{1,2} [A-Z][a-z]{2} \d{4}"
NUMBER = r"\d+(?:\.\d+)?"


def _data(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _diazepam(data: dict[str, Any]) -> dict[str, Any]:
    medication = data["medications"][1]
    assert medication["drug"] == "diazepam"
    return medication  # type: ignore[no-any-return]


def _hold_between_doses(data: dict[str, Any]) -> None:
    """A hold at 2 mg/day that the schedule passes over: it holds 1.875 mg/day."""
    medication = _diazepam(data)
    medication["doses"].append({"date": "2026-10-26", "mg_per_day": 2.625})
    medication["taper"] = {"start": "2026-11-30", "percent": 10, "every_days": 28, "smallest_step_mg": 0.125,
                           "holds": [{"at_mg_per_day": 2, "days": 56}], "tablets_mg": [2, 0.25]}


def _smaller_tablet(data: dict[str, Any]) -> None:
    _diazepam(data)["taper"]["tablets_mg"] = [10, 5, 2, 0.5]


def _late_letter(data: dict[str, Any]) -> None:
    data["therapist_letter"]["date"] = "2027-06-01"  # steps 1 to 7 past; the hold of step 8 still to come


def _after_the_end(data: dict[str, Any]) -> None:
    data["therapist_letter"]["date"] = "2030-03"  # a month: the letter reads from 1 Mar 2030, after the last step


def _fast_plan(data: dict[str, Any]) -> None:
    _diazepam(data)["taper"].update(percent=20, every_days=7, holds=[])


def _no_liquid(data: dict[str, Any]) -> None:
    taper = _diazepam(data)["taper"]
    for key in ("liquid_below_mg", "liquid_mg_per_ml"):
        del taper[key]


VARIANTS = {
    "therapist-sample": None,
    "hold-between-doses": _hold_between_doses,
    "smaller-tablet": _smaller_tablet,
    "late-letter": _late_letter,
    "after-the-end": _after_the_end,
    "fast-plan": _fast_plan,
    "no-liquid": _no_liquid,
}


def _case(name: str) -> Case:
    if name == "bind-sample":
        return load_case(FULL)
    data = _data(THERAPIST)
    change = VARIANTS[name]
    if change is not None:
        change(data)
    return validate_case(data)


def _body_text(case: Case, output_format: str) -> str:
    """The letter's text without the running header and footer, and without list bullets."""
    data = generate(case, "letter", output_format, OPTIONS)
    text = folded(" ".join(pdf_pages(data)) if output_format == "pdf" else docx_text(data))
    text = re.sub(r"Generated \d{1,2} [A-Z][a-z]{2} \d{4} with docgen( Page \d+ of \d+)?", " ", text)
    text = re.sub(re.escape(case.patient.name) + r" · born [^·]+ · \S+ Taper plan and coordination of care", " ", text)
    text = re.sub(r"Page \d+ of \d+", " ", text)
    return re.sub(r"\s+", " ", text.replace("• ", " ")).strip()


def _mg(text: str) -> float:
    return float(text)


@pytest.mark.parametrize("output_format", ["pdf", "docx"])
@pytest.mark.parametrize("name", ["bind-sample", *VARIANTS])
def test_every_sentence_about_the_taper_matches_the_projection(name: str, output_format: str) -> None:
    case = _case(name)
    (planned,) = [planned for planned in planned_tapers(case) if planned.medication.drug in ("diazepam", "clonazepam")]
    assert case.therapist_letter is not None and case.therapist_letter.date is not None
    letter_day = case.therapist_letter.date.earliest
    text = _body_text(case, output_format)
    steps = planned.schedule.steps
    past, coming = split_at(planned, letter_day)

    # the step count and the end
    (count, end), = re.findall(rf"The projected schedule has (\d+) steps? and reaches 0 mg/day on ({DAY})", text)
    assert int(count) == len(steps)
    assert planned.schedule.end_date is not None and end == display_day(planned.schedule.end_date)

    # where we are: the steps before the letter are past, the next is the first on or after its date
    said_past = re.findall(rf"(?:Steps?|,| and) (\d+) \(({DAY}), to ({NUMBER}) mg/day\)", text)
    summed = re.findall(rf"Steps (\d+) to (\d+) \(({DAY}) to ({DAY}), the last to ({NUMBER}) mg/day\) were planned", text)
    if len(past) > 3:  # a long past is summed up: its first and last step
        assert said_past == []
        assert summed == [(str(past[0].number), str(past[-1].number), display_day(past[0].date),
                           display_day(past[-1].date), format_mg(past[-1].mg_per_day))]
    else:
        assert summed == []
        assert [(int(number), day, _mg(mg)) for number, day, mg in said_past] == [
            (step.number, display_day(step.date), step.mg_per_day) for step in past]
    if past:
        assert re.search(r"(?:was|were) planned before the date of this letter", text)
    said_next = re.findall(rf"[Tt]he (first|next) reduction is step (\d+) on ({DAY}), to ({NUMBER}) mg/day", text)
    if coming:
        (which, number, day, mg), = said_next
        assert (which == "first") == (not past)
        assert (int(number), day, _mg(mg)) == (coming[0].number, display_day(coming[0].date), coming[0].mg_per_day)
        assert coming[0].date >= letter_day
    else:
        assert said_next == []
        assert "Every step of the projection is dated before this letter." in text

    # the liquid
    liquid = next((step for step in steps if step.form == "liquid"), None)
    said_liquid = re.findall(rf"the liquid starts at step (\d+), on ({DAY}) \(({NUMBER}) mg/day\)", text)
    assert said_liquid == ([] if liquid is None else [(str(liquid.number), display_day(liquid.date), format_mg(liquid.mg_per_day))])

    # the holds, as the schedule holds them
    said_holds = re.findall(rf"The plan's hold keeps ({NUMBER}) mg/day for (\d+) days(?: \(\d+ weeks?\))?, from ({DAY}) "
                            rf"to ({DAY}), (\d+) days longer than the usual interval", text)
    assert [(_mg(mg), int(days), first, until, int(longer)) for mg, days, first, until, longer in said_holds] == [
        (held.mg_per_day, held.days, display_day(held.start), display_day(held.until), held.plan_days)
        for held in held_doses(planned)]
    assert "A planned hold" not in text and "hold of" not in text

    # the steps beyond the guideline's bound, every one, and the options for them
    found = beyond_bound(planned)
    said_single = re.findall(rf"Step (\d+), ({DAY}): ({NUMBER}) → ({NUMBER}) mg/day, a ({NUMBER}%) reduction\.", text)
    said_window = re.findall(rf"Steps ([\d, and]+), ({DAY}) to ({DAY}): ({NUMBER}) → ({NUMBER}) mg/day, a ({NUMBER}%) "
                             r"reduction within two weeks", text)
    assert [(int(number), day, _mg(before), _mg(after), percent) for number, day, before, after, percent in said_single] == [
        (item.steps[0], display_day(item.last), item.before_mg, item.after_mg, percent_text(item.percent))
        for item in found if item.single_step]
    assert [([int(n) for n in re.findall(r"\d+", numbers)], first, last, _mg(before), _mg(after), percent)
            for numbers, first, last, before, after, percent in said_window] == [
        (list(item.steps), display_day(item.first), display_day(item.last), item.before_mg, item.after_mg,
         percent_text(item.percent)) for item in found if not item.single_step]
    said_count = re.findall(r"(One step|\d+ steps) of this schedule go(?:es)? beyond it", text)
    assert said_count == ([] if not found else ["One step" if len(found) == 1 else f"{len(found)} steps"])
    # only the steps after the letter's date are spoken of as coming
    due, coming_beyond = due_by(planned, found, letter_day)
    assert bool(re.search(r"before (?:it comes|they come)", text)) == bool(coming_beyond)
    said_due = re.findall(r"Steps? ([\d, and]+) (?:is|are) dated on or before the date of this letter", text)
    assert [[int(n) for n in re.findall(r"\d+", numbers)] for numbers in said_due] == ([list(due)] if due else [])
    said_options = re.findall(rf"so the step could be ({NUMBER}) → ({NUMBER}) mg/day \(({NUMBER}%)\)", text)
    assert [(_mg(before), _mg(after), percent) for before, after, percent in said_options] == [
        (item.before_mg, option.after_mg, percent_text(option.percent)) for item in found for option in item.options]
    assert "average pace" not in text

    # the steps that wait for a measurable amount: the range of their sizes
    rounding = [step for step in steps if step.kind != "stop" and planned.is_rounding_step(step)]
    said_range = re.findall(rf"those steps are ({NUMBER}%)(?: to ({NUMBER}%))? of the dose", text)
    if rounding:
        low, high = min(step.change_percent for step in rounding), max(step.change_percent for step in rounding)
        assert said_range == [(percent_text(low), "" if percent_text(low) == percent_text(high) else percent_text(high))]
    else:
        assert said_range == []

    # the attached schedule: every step, in order, with its date, dose, change and percent
    attached = text[text.index("Attached: the projected"):]
    rows = re.findall(rf"(?<![\d.])(\d+) ({DAY}) ({NUMBER})(?: \(stop\))? −({NUMBER}) mg ({NUMBER}%)", attached)
    assert [(int(number), day, _mg(mg), _mg(change), percent) for number, day, mg, change, percent in rows] == [
        (step.number, display_day(step.date), step.mg_per_day, -step.change_mg, percent_text(step.change_percent))
        for step in steps]
    assert attached.count("planned before this letter") == len(past)
    assert attached.count("beyond the 25% bound") == len({number for item in found for number in item.steps})


def test_the_variants_cover_what_they_are_for() -> None:
    """Each variant reaches the path it was written for, so the comparison above is not vacuous."""
    def planned(name: str) -> PlannedTaper:
        (found,) = [item for item in planned_tapers(_case(name)) if item.medication.drug == "diazepam"]
        return found
    (held,) = held_doses(planned("hold-between-doses"))
    assert (held.mg_per_day, held.days, held.planned_at) == (1.875, 84, (2,))
    assert any(option.kind == "tablet" for item in beyond_bound(planned("smaller-tablet")) for option in item.options)
    assert len(split_at(planned("late-letter"), date(2027, 6, 1))[0]) == 7
    assert "plan" in {item.cause for item in beyond_bound(planned("fast-plan"))}
    assert any(not item.single_step for item in beyond_bound(planned("fast-plan")))
    assert all(item.options == () for item in beyond_bound(planned("no-liquid")))


def test_the_letter_date_from_the_command_line_decides_what_is_past(tmp_path: Path) -> None:
    data = _data(THERAPIST)
    del data["therapist_letter"]["date"]  # the letter is dated the day it is written
    case_file = tmp_path / "case.yaml"
    case_file.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    output = tmp_path / "letter.pdf"
    result = runner.invoke(app, ["letter", str(case_file), "-o", str(output), "--date", "2027-01-20"])
    assert result.exit_code == 0, result.output
    text = folded(" ".join(pdf_pages(output.read_bytes())))
    assert "20 Jan 2027" in text
    assert ("Steps 1 (16 Nov 2026, to 12 mg/day), 2 (14 Dec 2026, to 11 mg/day) and 3 (11 Jan 2027, to 10 mg/day) were "
            "planned before the date of this letter") in text
    assert "The next reduction is step 4 on 8 Feb 2027, to 9 mg/day." in text
    assert "first reduction" not in text


@pytest.mark.parametrize(("letter_date", "expected"), [
    # both steps beyond the bound (11 on 3 Apr 2028, 26 on 10 Dec 2029) still to come
    ("2026-11-22", "2 steps of this schedule go beyond it. I will consider them, and any option below, with the patient "
                   "before they come; nothing about them is decided yet."),
    # step 11 dated on the letter's day, step 26 to come
    ("2028-04-03", "2 steps of this schedule go beyond it. Step 11 is dated on or before the date of this letter; I will "
                   "review it with the patient. I will consider step 26, and any option below, with the patient before it "
                   "comes; nothing about it is decided yet."),
    # both dated before the letter
    ("2030-03-01", "2 steps of this schedule go beyond it. Steps 11 and 26 are dated on or before the date of this letter; "
                   "I will review them, and any option below, with the patient."),
])
@pytest.mark.parametrize("output_format", ["pdf", "docx"])
def test_steps_beyond_the_bound_dated_by_the_letter_are_not_spoken_of_as_coming(letter_date: str, expected: str,
                                                                                 output_format: str) -> None:
    data = _data(THERAPIST)
    data["therapist_letter"]["date"] = letter_date
    text = _body_text(validate_case(data), output_format)
    assert expected in text
    if letter_date != "2026-11-22":
        assert "before they come" not in text


# -- the law and the emergency numbers, by where the parties are -------------------------------------------


def _located(prescriber: str | None, therapist: str | None, therapist_address: list[str] | None = None) -> Case:
    data = _data(THERAPIST)
    for clinician in data["clinicians"]:
        if clinician["id"] == "dr-feld" and prescriber is not None:
            clinician["country"] = prescriber
        if clinician["id"] == "carvajal":
            if therapist is not None:
                clinician["country"] = therapist
            if therapist_address is not None:
                clinician["address"] = therapist_address
    return validate_case(data)


def _both(case: Case) -> list[str]:
    return [_body_text(case, "pdf"), _body_text(case, "docx")]


def test_between_us_parties_hipaa_is_cited_with_911_and_988() -> None:
    for text in _both(_located(None, "US")):
        assert "permitted under HIPAA (45 CFR 164.506(c)(2))" in text
        assert "call 911; for suicidal thoughts, 988 Suicide & Crisis Lifeline (call or text 988), at any hour" in text
        assert "Protected health information" in text


@pytest.mark.parametrize(("prescriber", "therapist", "address"), [
    (None, "IE", None),
    ("IE", "IE", None),
    (None, None, ["12 Merrion Square", "Dublin 2, Ireland"]),
])
def test_a_therapist_in_ireland_gets_112_and_no_us_law(prescriber: str | None, therapist: str | None,
                                                       address: list[str] | None) -> None:
    for text in _both(_located(prescriber, therapist, address)):
        assert "call 112 or 999; for suicidal thoughts, Samaritans 116 123, at any hour" in text
        assert "emergency care first" in text and "Then please call me the same day at +1 503 555 0120" in text
        for us in ("HIPAA", "45 CFR", "164.506", "911", "988", "psychotherapy notes", "Protected health information"):
            assert us not in text
        assert "The patient's authorization to share this information with you is on file:" in text
        assert "Confidential health information" in text


def test_a_therapist_elsewhere_in_the_eea_gets_112_alone() -> None:
    for text in _both(_located(None, None, ["Rua Augusta 1", "1100-048 Lisboa", "Portugal"])):
        assert "the patient needs emergency care first: call 112. Then please call me" in text
        assert "HIPAA" not in text and "911" not in text


def test_a_therapist_where_the_reference_gives_no_number_gets_local_emergency_services() -> None:
    for text in _both(_located(None, "JP")):
        assert "the patient needs emergency care first: call local emergency services. Then please call me" in text
        warning = text[text.index("Warning signs"):text.index("Specific requests")]
        assert not re.search(r"\b(911|988|112|999|000|111)\b", warning)
        assert "HIPAA" not in text


def test_a_prescriber_outside_the_us_writing_to_a_us_therapist_cites_no_hipaa() -> None:
    for text in _both(_located("GB", "US")):
        assert "HIPAA" not in text and "45 CFR" not in text
        assert "call 911" in text  # the therapist's own country


# -- the prescriber's phone ---------------------------------------------------------------------------------


def test_validate_warns_when_the_letters_prescriber_has_no_phone() -> None:
    data = _data(THERAPIST)
    assert not [warning for warning in iter_warnings(validate_case(data)) if warning.field.endswith(".phone")]
    del data["clinicians"][0]["phone"]
    warnings = [(warning.field, warning.message) for warning in iter_warnings(validate_case(data))]
    assert ("clinicians[0].phone",
            "the therapist letter is from Naomi Feld, MD, who has no phone number: its warning signs ask the therapist "
            "to call the prescriber the same day, so the letter should give one") in warnings
    case_file = ROOT / "samples" / "taper-with-therapist.yaml"
    assert "clinicians[0].phone" not in runner.invoke(app, ["validate", str(case_file)]).output


def test_validate_prints_the_missing_phone_warning(tmp_path: Path) -> None:
    data = _data(THERAPIST)
    del data["clinicians"][0]["phone"]
    case_file = tmp_path / "case.yaml"
    case_file.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = runner.invoke(app, ["validate", str(case_file)])
    assert result.exit_code == 0, result.output
    assert (f"{case_file}: clinicians[0].phone: warning: the therapist letter is from Naomi Feld, MD, who has no phone "
            "number") in folded(result.output)
