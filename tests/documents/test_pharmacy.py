"""The pharmacy sheet: what it needs, each step's sig, the quantities of every fill and their
totals, split tablets only where the plan halves a strength (with the pharmacist asked to check it
is scored), and the prescriber's signature line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from conftest import ROOT, TODAY, docx_text, folded, pdf_pages
from taper_paper import table_rows

from docgen.case.loading import load_case, parse_case
from docgen.case.model import Case
from docgen.documents import document_kind
from docgen.documents.pharmacy import missing
from docgen.options import Options
from docgen.pipeline import build_document, generate

SAMPLES = ROOT / "samples"
THERAPIST = SAMPLES / "taper-with-therapist.yaml"
KIND = document_kind("pharmacy")


def _data(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def _case(data: dict[str, Any]) -> Case:
    return parse_case(yaml.safe_dump(data, allow_unicode=True).encode("utf-8"), "case.yaml")


def test_a_plan_without_its_tablet_strengths_has_no_pharmacy_sheet() -> None:
    data = _data(THERAPIST)
    del data["medications"][1]["taper"]["tablets_mg"]
    assert missing(_case(data)) == (
        "medications[1].taper.tablets_mg: the plan does not name the tablet strengths on hand; the pharmacy sheet "
        "needs them to count the tablets of each fill, for example tablets_mg: [5, 2]")
    assert missing(load_case(SAMPLES / "patient-kept-log.yaml")).startswith("medications[].taper: ")  # type: ignore[union-attr]
    assert missing(load_case(THERAPIST)) is None


def test_each_step_has_its_sig_and_dates() -> None:
    document = build_document(load_case(THERAPIST), KIND, Options(today=TODAY))
    rows = table_rows(document, "Step", "From", "Until", "mg a day", "Sig")
    assert rows[0] == ["1", "16 Nov 2026", "13 Dec 2026", "12",
                       "Take 12 mg by mouth each day, as directed: 1 × 10 mg + 1 × 2 mg tablets."]
    assert rows[11] == ["12", "1 May 2028", "28 May 2028", "1.8",
                        "Take 1.8 mg by mouth each day, as directed: 1.8 mL of 1 mg/mL oral liquid."]
    assert rows[-1] == ["27", "7 Jan 2030", "—", "0", "Stop: no more doses."]


def test_each_fill_counts_the_tablets_of_each_strength_and_the_totals_add_up() -> None:
    document = build_document(load_case(THERAPIST), KIND, Options(today=TODAY))
    rows = table_rows(document, "Fill", "Days", "Doses in the period")
    header = next(block for block in document.blocks if getattr(block, "header", None) and
                  "".join(span.text for span in block.header[0]) == "Fill")  # type: ignore[attr-defined]
    assert ["".join(span.text for span in cell) for cell in header.header] == [  # type: ignore[attr-defined]
        "Fill", "Days", "Doses in the period", "10 mg", "5 mg", "2 mg", "Liquid mL"]
    assert rows[0] == ["1", "16 Nov 2026 to 13 Dec 2026 (28 days)", "12 mg a day × 28 days", "28", "0", "28", "0"]
    assert rows[1] == ["2", "14 Dec 2026 to 10 Jan 2027 (28 days)", "11 mg a day × 28 days", "28", "0", "14", "0"]
    *fills, total = rows
    assert total[1:3] == ["Total", f"{len(fills)} fills"]
    for column in (3, 4, 5):
        assert int(total[column]) == sum(int(row[column]) for row in fills)
    assert float(total[6]) == round(sum(float(row[6]) for row in fills), 4)


def test_fill_days_change_the_periods() -> None:
    document = build_document(load_case(THERAPIST), KIND, Options(today=TODAY, fill_days=30))
    rows = table_rows(document, "Fill", "Days", "Doses in the period")
    assert rows[0] == ["1", "16 Nov 2026 to 15 Dec 2026 (30 days)", "12 mg a day × 28 days; 11 mg a day × 2 days",
                       "30", "0", "29", "0"]
    assert "Quantities for each 30-day fill" in document.text()


def test_split_tablets_are_named_with_their_steps_and_the_pharmacist_is_asked_to_check() -> None:
    text = build_document(load_case(THERAPIST), KIND, Options(today=TODAY)).text()
    assert ("[body] Split tablets. Steps 2, 5, 7 and 10 use half of a 2 mg tablet; no other strength is split. The case "
            "file does not say whether this strength is scored: please check that it is, and if not, dispense a form "
            "that gives the dose without splitting.") in text
    data = _data(THERAPIST)
    data["medications"][1]["taper"]["tablets_mg"] = [10, 5, 2, 1]  # whole 1 mg tablets: nothing to split
    assert "Split tablets" not in build_document(_case(data), KIND, Options(today=TODAY)).text()


def test_the_sheet_is_for_the_prescriber_to_check_and_sign_in_both_formats() -> None:
    case = load_case(THERAPIST)
    for text in (folded(" ".join(pdf_pages(generate(case, "pharmacy", "pdf", Options(today=TODAY))))),
                 folded(docx_text(generate(case, "pharmacy", "docx", Options(today=TODAY))))):
        assert "Naomi Feld, MD" in text
        assert "for the prescriber to check and sign; it is not a prescription by itself" in text
        assert "Reason for the taper: long-term use since 2016" in text
        assert "Agreed with the patient on 19 Oct 2026." in text
        assert "Prescriber’s signature and date:" in text
        assert "Not medical or legal advice." in text


def test_a_dose_the_strengths_cannot_make_is_left_out_of_the_quantities() -> None:
    data = _data(THERAPIST)
    data["medications"][1]["taper"]["tablets_mg"] = [10, 5]
    text = build_document(_case(data), KIND, Options(today=TODAY)).text()
    assert "Doses the strengths cannot make:" in text
    assert "Take 12 mg a day, as directed; the 10 and 5 mg tablets cannot make this dose." in text
