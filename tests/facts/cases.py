"""Small case files for the facts tests: medications as (drug, [(date, mg), ...]) and symptoms."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from docgen.case.loading import validate_case
from docgen.case.model import Case

Doses = list[tuple[str, float]]


def medication(drug: str, doses: Doses, **fields: Any) -> dict[str, Any]:
    return {"drug": drug, "doses": [{"date": day, "mg_per_day": mg} for day, mg in doses], **fields}


def case_of(*medications: dict[str, Any], symptoms: list[dict[str, Any]] | None = None,
            fnd_exams: list[dict[str, Any]] | None = None) -> Case:
    return validate_case({
        "version": 1,
        "patient": {"name": "Alex Example"},
        "medications": list(medications),
        "symptoms": symptoms or [],
        "fnd_exams": fnd_exams or [],
    })


def symptom(onset: str, name: str = "tremor", **fields: Any) -> dict[str, Any]:
    return {"name": name, "onset": onset, **fields}


def daily_taper(start: date, days: int, from_mg: float, to_mg: float) -> Doses:
    """A liquid micro-taper: one entry a day, a fixed fraction of the current dose, to four decimals."""
    ratio = (to_mg / from_mg) ** (1 / (days - 1))
    return [((start + timedelta(days=day)).isoformat(), round(from_mg * ratio**day, 4)) for day in range(days)]
