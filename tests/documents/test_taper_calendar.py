"""The taper calendar: what it needs, its key and first page, its months (a page each, or more in
large print, never running over), the plan's rule and the emergency numbers of the patient's
country, and what it does with plans that are long, many or hard to make up."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import ROOT, TODAY, folded, pdf_pages
from taper_paper import calendar_days

from docgen.case.loading import load_case, parse_case
from docgen.case.model import Case
from docgen.documents import document_kind
from docgen.documents.taper_calendar import MAX_MONTHS, build_context, missing
from docgen.markup.blocks import Heading, plain
from docgen.options import Options
from docgen.pipeline import build_document, generate

SAMPLES = ROOT / "samples"
THERAPIST = SAMPLES / "taper-with-therapist.yaml"
FULL = SAMPLES / "bind-labelled-fnd.yaml"
KIND = document_kind("calendar")


def _data(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def _case(data: dict[str, Any]) -> Case:
    return parse_case(yaml.safe_dump(data, allow_unicode=True).encode("utf-8"), "case.yaml")


def _text(case: Case, options: Options = Options(today=TODAY)) -> str:
    return build_document(case, KIND, options).text().replace("\u00a0", " ")


def _grid_pages(case: Case, options: Options) -> tuple[list[str], int]:
    """The PDF's pages that hold a month grid, and how many grid pages the document asks for."""
    pages = [folded(page) for page in pdf_pages(generate(case, "calendar", "pdf", options))]
    names = ("Sunday", "Monday") if options.large_print else ("Sun", "Mon")
    grids = [page for page in pages if f" {names[0]} " in f" {page} " or f" {names[1]} " in f" {page} "]
    grids = [page for page in grids if "Return log" not in page]
    headings = [block for block in build_document(case, KIND, options).blocks if isinstance(block, Heading)
                and plain(block.spans)[:1].isupper() and plain(block.spans).split(" ")[0] in
                ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
                 "November", "December")]
    return grids, len(headings)


# -- what it needs ---------------------------------------------------------------------------------------


def test_a_case_without_a_plan_has_no_calendar() -> None:
    assert missing(load_case(SAMPLES / "denied-amendment.yaml")) == (
        "medications[].taper: no medication in this case file has a taper plan; the taper calendar needs one "
        "(see `docgen schema`)")


def test_a_plan_without_its_smallest_step_or_with_nothing_left_says_so() -> None:
    data = _data(FULL)
    del data["medications"][0]["taper"]["smallest_step_mg"]
    assert missing(_case(data)).startswith("medications[0].taper.smallest_step_mg: ")  # type: ignore[union-attr]
    data = _data(FULL)
    data["medications"][0]["doses"].append({"date": "2026-01-05", "mg_per_day": 0})
    assert missing(_case(data)) == ("medications[0].taper: the dose is already 0 mg/day, so there is no taper "
                                    "to put on paper")


# -- the first page ----------------------------------------------------------------------------------------


def test_the_first_page_keys_the_marks_and_lists_the_steps() -> None:
    text = _text(load_case(THERAPIST))
    assert "[title] Taper calendar" in text
    assert "[subtitle] Devon K. Achterberg · diazepam (Valium) · 16 Nov 2026 to 7 Jan 2030" in text
    for mark in ("NEW DOSE marks the first day of each new dose.", "CHECK IN comes about a week after each new dose",
                 "☐: tick it once the day’s dose is taken. ___/10: how the day was, from 0",
                 "The dates are a projection, not a promise"):
        assert mark in text
    assert ("[body] Now 13 mg a day (1 × 10 mg + 1½ × 2 mg), since 19 Oct 2026. The plan takes 10% of the current "
            "dose off about every 28 days, reaching 0 on 7 Jan 2030 if every step goes as planned. Tablets on hand: "
            "10, 5 and 2 mg; the liquid is 1 mg/mL.") in text
    assert ("[body] Split tablets: some days need half of a 2 mg tablet. Ask the pharmacist whether this strength is "
            "scored and can be split, or for a form that gives the dose without splitting.") in text
    assert "|Step | From | Dose a day | Made of | Check in|" in text
    assert "|2 | 14 Dec 2026 | 11 mg | 1 × 10 mg + ½ × 2 mg | 21 Dec 2026|" in text
    assert "|27 | 7 Jan 2030 | 0 mg (stop) | none | 14 Jan 2030|" in text


def test_the_plans_rule_is_on_every_month_and_the_guidelines_where_the_plan_has_none() -> None:
    own = ("[small] Slow or pause if withdrawal symptoms make work or sleep hard for more than a week (the plan’s "
           "own rule). Prescriber: Naomi Feld, MD, +1 503 555 0120.")
    text = _text(load_case(THERAPIST))
    assert text.count(own) == 1 + 39  # the first page and each of the 39 months
    general = ("[small] Slow or pause if withdrawal symptoms emerge: the plan does not say when, and this is the 2025 "
               "joint guideline’s general rule. Prescriber: Gregory Marsh, MD, +1 217 555 0110.")
    assert _text(load_case(FULL)).count(general) == 1 + 26


@pytest.mark.parametrize(("country", "address", "expected"), [
    (None, None, "In an emergency, call 911; for suicidal thoughts, 988 Suicide & Crisis Lifeline (call or text 988)."),
    ("IE", None, "In an emergency, call 112 or 999; for suicidal thoughts, Samaritans 116 123."),
    (None, ["Rua Augusta 1", "Lisboa", "Portugal"], "In an emergency, call 112."),
    ("JP", None, "In an emergency, call local emergency services."),
])
def test_the_warning_signs_give_the_patients_own_emergency_numbers(country: str | None, address: list[str] | None,
                                                                    expected: str) -> None:
    data = _data(THERAPIST)
    if country:
        data["patient"]["country"] = country
    if address:
        data["patient"]["address"] = address
    text = _text(_case(data))
    assert ("a seizure · confusion or delirium · hallucinations or paranoia · suicidal thoughts or self-harm. "
            + expected) in text


# -- the months ---------------------------------------------------------------------------------------------


def test_a_letter_calendar_starts_its_weeks_on_sunday_and_an_a4_one_on_monday() -> None:
    case = load_case(THERAPIST)
    assert "|Sun | Mon | Tue | Wed | Thu | Fri | Sat|" in _text(case)
    assert "|Mon | Tue | Wed | Thu | Fri | Sat | Sun|" in _text(case, Options(today=TODAY, page="a4"))
    days = calendar_days(build_document(case, KIND, Options(today=TODAY)))
    assert min(days).isoformat() == "2026-11-01" and max(days).isoformat() == "2030-01-31"
    assert len(days) == (max(days) - min(days)).days + 1  # every day once


@pytest.mark.parametrize("page", ["letter", "a4"])
def test_large_print_is_landscape_at_14_pt_with_a_month_over_pages(page: str) -> None:
    options = Options(today=TODAY, page=page, large_print=True)
    document = build_document(load_case(THERAPIST), KIND, options)
    assert (document.size, document.minimum_size, document.landscape) == (14, 14, True)
    assert "large-print copy" in document.furniture.header_right
    headings = [plain(block.spans) for block in document.blocks if isinstance(block, Heading)]
    assert "November 2026 (1 of 2)" in headings and "November 2026 (2 of 2)" in headings
    grids, expected = _grid_pages(load_case(THERAPIST), options)
    assert len(grids) == expected and all("Slow or pause if" in grid for grid in grids)


def _crowded() -> Case:
    """Two drugs tapered at once, three strengths each, a long rule: the fullest cells there are."""
    data = _data(THERAPIST)
    diazepam = data["medications"][1]
    diazepam["taper"]["tablets_mg"] = [10, 5, 2]
    diazepam["doses"][-1]["mg_per_day"] = 17
    diazepam["taper"]["slow_or_pause_if"] = "withdrawal symptoms make work, sleep or looking after the children " \
        "hard for more than a week, or a new symptom appears that Devon has not had before in the taper"
    second = copy.deepcopy(diazepam)
    second.update(drug="clonazepam", brand=None)
    second["doses"] = [{"date": "2026-10-05", "mg_per_day": 1.6875}]
    second["taper"].update(start="2026-11-23", smallest_step_mg=0.0625, tablets_mg=[1, 0.5, 0.125],
                           liquid_below_mg=0.5, liquid_mg_per_ml=0.1, stop_below_mg=0.05, holds=[])
    data["medications"].append(second)
    return _case(data)


@pytest.mark.parametrize("large", [False, True], ids=["regular", "large-print"])
def test_no_month_page_runs_over_however_full_its_cells(large: bool) -> None:
    case = _crowded()
    options = Options(today=TODAY, large_print=large)
    text = _text(case, options)
    assert "diazepam / 17 mg" in text and "clonazepam / 1.6875 mg" in text
    grids, expected = _grid_pages(case, options)
    assert len(grids) == expected and all(grid.count("Slow or pause if") == 2 for grid in grids)


def test_a_plan_longer_than_the_months_printed_says_how_many_follow() -> None:
    data = _data(THERAPIST)
    data["medications"][1]["taper"].update(percent=2, every_days=60)
    context = build_context(_case(data), Options(today=TODAY))
    assert len({(page["year"], page["month"]) for page in context["pages"]}) == MAX_MONTHS
    assert context["more_months"] > 0
    text = _text(_case(data))
    assert f"more months of the projection follow." in text
    assert "more steps of the projection come after the months this copy prints." in text


def test_a_dose_the_tablets_cannot_make_is_marked_and_no_split_is_claimed() -> None:
    data = _data(THERAPIST)
    data["medications"][1]["taper"]["tablets_mg"] = [5]
    text = _text(_case(data))
    assert "|1 | 16 Nov 2026 | 12 mg | cannot be made of the 5 mg tablets | 23 Nov 2026|" in text
    assert "make-up: see page 1" in text
    assert "Split tablets" not in text
