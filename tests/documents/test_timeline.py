"""The one-page timeline: what a reader sees in the PDF and the DOCX, for every sample and for
a ten-year daily history."""

from __future__ import annotations

import re

from datetime import date

import pytest
from conftest import SAMPLES, TODAY, docx_text, folded, pdf_pages
from long_history import ten_year_case

from docgen.case.loading import load_case, validate_case
from docgen.facts import history
from docgen.facts.equivalence import EquivalenceTable
from docgen.options import Options
from docgen.pipeline import generate

OPTIONS = Options(today=TODAY)


@pytest.fixture(scope="module", params=SAMPLES, ids=lambda path: path.stem)
def rendered(request: pytest.FixtureRequest) -> tuple[object, str, str, int]:
    case = load_case(request.param)
    pdf = generate(case, "timeline", "pdf", OPTIONS)
    docx = generate(case, "timeline", "docx", OPTIONS)
    pages = pdf_pages(pdf)
    return case, folded(" ".join(pages)), folded(docx_text(docx)), len(pages)


def test_every_sample_fits_one_page(rendered: tuple[object, str, str, int]) -> None:
    _case, _pdf, _docx, pages = rendered
    assert pages == 1


def test_both_formats_name_the_patient_and_every_drug(rendered: tuple[object, str, str, int]) -> None:
    case, pdf, docx, _pages = rendered
    for text in (pdf, docx):
        assert case.patient.name in text  # type: ignore[attr-defined]
        for medication in case.medications:  # type: ignore[attr-defined]
            assert medication.drug in text
        assert "Page 1 of 1" in pdf


def test_listed_symptoms_show_their_onset(rendered: tuple[object, str, str, int]) -> None:
    case, pdf, docx, _pages = rendered
    symptoms = sorted(case.symptoms, key=lambda symptom: symptom.onset.sort_key())  # type: ignore[attr-defined]
    shown = [symptom for symptom in symptoms if symptom.name in pdf]
    assert shown, "no symptom is listed"
    assert len(shown) == len(symptoms) or "more symptom" in pdf
    for symptom in shown:
        assert f"{symptom.name}" in docx
        assert symptom.onset.display() in pdf
        assert symptom.onset.display() in docx


def test_fnd_summary_and_bind_note(rendered: tuple[object, str, str, int]) -> None:
    case, pdf, docx, _pages = rendered
    for text in (pdf, docx):
        assert "BIND (benzodiazepine-induced neurological dysfunction) is a proposed umbrella term" in text
        assert "PLoS ONE 2023;18(6):e0285584" in text
        assert "Not medical or legal advice" in text
        if case.fnd_exams:  # type: ignore[attr-defined]
            assert "FND rule-in signs tested and not present:" in text


def test_full_sample_summary_names_the_negative_signs() -> None:
    case = load_case(next(path for path in SAMPLES if path.stem == "bind-labelled-fnd"))
    text = folded(" ".join(pdf_pages(generate(case, "timeline", "pdf", OPTIONS))))
    # per exam, never pooled: each group of signs with the dates of the exams that found them not present
    assert ("FND rule-in signs tested and not present: Hoover's sign, Drift without pronation (17 Sep 2024 and "
            "8 Apr 2025); Tremor entrainment, Hip abductor sign") in text
    # found present in one exam and not in the other: both dates, and not among the signs "not present"
    assert "Found present: Give-way (collapsing) weakness (17 Sep 2024; not present on 8 Apr 2025)." in text
    headline = text[text.index("FND rule-in signs tested and not present:"): text.index("Found present:")]
    assert "Give-way" not in headline
    # a free-text sign, shown as typed, is not counted in the headline: its type is not known
    assert "Not matched to a symptom recorded here, tested and not present: Sonoo abductor test (8 Apr 2025)." in text
    assert "Sonoo" not in headline


def test_the_relation_column_prints_what_the_facts_module_computed() -> None:
    case = load_case(next(path for path in SAMPLES if path.stem == "taper-with-therapist"))
    text = folded(" ".join(pdf_pages(generate(case, "timeline", "pdf", OPTIONS))))
    assert "Dose changes before the onset" in text
    # the switch, with the change in total load, not "alprazolam stopped"
    assert ("insomnia 28 Mar 2025 4 days after the switch from alprazolam 4 mg/day to diazepam 40 mg/day (3 to 24 Mar "
            "2025; total 80 → 40 mg/day diazepam-eq., −50%)") in text
    assert "during the diazepam taper from 40 to 13 mg/day, after a 20% reduction over 8 weeks" in text


def test_converted_peak_names_the_table() -> None:
    case = _case(doses=[{"date": "2019-06", "mg_per_day": 2.0}])
    for table, expected in ((EquivalenceTable.ASHTON, "≈ 40 mg diazepam-eq."), (EquivalenceTable.VA_DOD, "≈ 20 mg diazepam-eq.")):
        text = folded(" ".join(pdf_pages(generate(case, "timeline", "pdf", Options(today=TODAY, table=table)))))
        assert expected in text
        assert ("Ashton table" if table is EquivalenceTable.ASHTON else "VA/DoD 2021 table") in text


def test_non_benzodiazepine_is_never_converted() -> None:
    case = _case(extra_medications=[{"drug": "baclofen", "doses": [{"date": "2020-11", "mg_per_day": 60}]}])
    text = folded(" ".join(pdf_pages(generate(case, "timeline", "pdf", OPTIONS))))
    assert "60 mg/day, Nov 2020" in text
    assert "Baclofen is shown in its own mg, not converted" in text


def test_ten_year_daily_history_fits_one_page() -> None:
    case = validate_case(ten_year_case())
    pdf = generate(case, "timeline", "pdf", OPTIONS)
    pages = pdf_pages(pdf)
    assert len(pages) == 1
    text = folded(pages[0])
    assert case.patient.name in text
    assert "more symptoms, by kind:" in text and "highest severity" in text
    # the events that get no number are summarised by kind with their date range, never cut to the first few
    assert re.search(r"\d+ visits, \d{1,2} \w{3} \d{4} – \d{1,2} \w{3} \d{4}", text)
    docx = folded(docx_text(generate(case, "timeline", "docx", OPTIONS)))
    assert case.patient.name in docx


def test_user_text_comes_out_exactly() -> None:
    name = "Zoë Łukasiewicz-Núñez <&> \"quoted\" ≥ µg"
    case = _case(patient_name=name, symptom_name="pins & needles <left> ≥ 2 µm")
    pdf = folded(" ".join(pdf_pages(generate(case, "timeline", "pdf", OPTIONS))))
    docx = folded(docx_text(generate(case, "timeline", "docx", OPTIONS)))
    for text in (pdf, docx):
        assert name in text
        assert "pins & needles <left> ≥ 2 µm" in text


def test_output_is_deterministic() -> None:
    case = _case()
    for output_format in ("pdf", "docx"):
        assert generate(case, "timeline", output_format, OPTIONS) == generate(case, "timeline", output_format, OPTIONS)


# -- the course of a medication ------------------------------------------------------------------

CLONAZEPAM = [
    {"date": "2014-03", "mg_per_day": 1.0},
    {"date": "2019-06", "mg_per_day": 4.0},
    {"date": "2023-01-10", "mg_per_day": 3.0},
    {"date": "2023-03-07", "mg_per_day": 2.5},
]


def test_medication_course_facts() -> None:
    case = _case(doses=CLONAZEPAM + [{"date": "2024-06-01", "mg_per_day": 0}])
    course = history.courses(case, EquivalenceTable.ASHTON)[0]
    assert course.start is not None and course.start.display() == "Mar 2014"
    assert course.peak is not None and course.peak.mg_per_day == 4.0
    assert course.taper_start is not None and course.taper_start.display() == "10 Jan 2023"
    assert course.stop is not None and course.stop.display() == "1 Jun 2024"
    assert course.diazepam_mg(4.0) == pytest.approx(80.0)
    assert course.duration(date(2026, 11, 22)) == "over 10 years"


def _case(
    doses: list[dict[str, object]] | None = None,
    extra_medications: list[dict[str, object]] | None = None,
    patient_name: str = "Alex Example",
    symptom_name: str = "tremor, both hands",
) -> object:
    data = {
        "version": 1,
        "patient": {"name": patient_name, "date_of_birth": "1970-01-01"},
        "medications": [{"drug": "clonazepam", "doses": doses or CLONAZEPAM}] + (extra_medications or []),
        "symptoms": [{"name": symptom_name, "category": "motor", "onset": "2023-01-22"}],
        "fnd_exams": [{"date": "2024-06-03", "findings": [{"sign": "hoover", "result": "negative"}]}],
    }
    return validate_case(data)
