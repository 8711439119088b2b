"""The case file, as pydantic models: exactly the contract in CASEFILE.md, extended only with
optional fields. Unknown fields are refused so that a typo fails loudly instead of vanishing.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictFloat,
    StrictInt,
    StrictStr,
)

from docgen.case.dates import PartialDate


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty")
    return value


def _finite(value: float) -> float:
    if not math.isfinite(value):
        raise ValueError("must be a finite number")
    return value


Text = StrictStr
Name = Annotated[StrictStr, AfterValidator(_not_blank)]
Milligrams = Annotated[StrictFloat | StrictInt, AfterValidator(_finite), Field(ge=0)]
PositiveMilligrams = Annotated[StrictFloat | StrictInt, AfterValidator(_finite), Field(gt=0)]
Lines = list[StrictStr]

ClinicianRole = Literal["prescriber", "therapist", "neurologist", "primary_care", "other"]
PreparerRole = Literal["patient", "advocate", "clinician", "family"]
SymptomCategory = Literal["motor", "sensory", "cognitive", "autonomic", "sleep", "mood", "pain", "other"]
EventKind = Literal["visit", "diagnosis", "test", "hospitalization", "other"]
FindingResult = Literal["positive", "negative", "inconclusive", "not_tested"]
Decision = Literal["accepted", "partly_accepted", "denied", "extended"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Patient(_Model):
    name: Name
    date_of_birth: PartialDate | None = None
    mrn: Text | None = Field(default=None, description="The record number on the chart.")
    address: Lines = []
    phone: Text | None = None
    email: Text | None = None


class PreparedBy(_Model):
    name: Name
    role: PreparerRole | None = None


class Clinician(_Model):
    id: Name
    name: Name
    role: ClinicianRole = "other"
    specialty: Text | None = None
    organization: Text | None = None
    address: Lines = []
    phone: Text | None = None
    fax: Text | None = None
    email: Text | None = None


class Dose(_Model):
    date: PartialDate
    mg_per_day: Milligrams = Field(description="Total daily dose in mg; 0 means stopped.")
    note: Text | None = None
    source: Text | None = None


class Hold(_Model):
    at_mg_per_day: Milligrams
    days: Annotated[StrictInt, Field(ge=1)]


class Taper(_Model):
    start: PartialDate
    percent: Annotated[StrictFloat | StrictInt, Field(gt=0, lt=100)]
    every_days: Annotated[StrictInt, Field(ge=1)]
    holds: list[Hold] = []
    smallest_step_mg: PositiveMilligrams | None = None
    liquid_below_mg: PositiveMilligrams | None = None
    liquid_mg_per_ml: PositiveMilligrams | None = None
    stop_below_mg: Milligrams | None = None


class Medication(_Model):
    drug: Name
    brand: Text | None = None
    indication: Text | None = None
    prescriber: Text | None = None
    doses: Annotated[list[Dose], Field(min_length=1)]
    taper: Taper | None = None


class CoursePoint(_Model):
    date: PartialDate
    severity: Annotated[StrictInt, Field(ge=0, le=10)]
    note: Text | None = None
    source: Text | None = None


class Symptom(_Model):
    name: Name
    category: SymptomCategory = "other"
    onset: PartialDate
    course: list[CoursePoint] = []
    resolved: PartialDate | None = None
    note: Text | None = None
    source: Text | None = None


class Event(_Model):
    date: PartialDate
    kind: EventKind = "other"
    title: Name
    detail: Text | None = None
    clinician: Text | None = None
    source: Text | None = None


class Finding(_Model):
    sign: Name
    result: FindingResult
    note: Text | None = None


class FndExam(_Model):
    date: PartialDate
    examiner: Text | None = None
    findings: list[Finding] = []
    source: Text | None = None


class Recipient(_Model):
    organization: Name
    attention: Text | None = None
    address: Lines = []
    fax: Text | None = None
    email: Text | None = None


class Representative(_Model):
    name: Name
    authority: Text | None = None


class AmendmentItem(_Model):
    record: Name
    date: PartialDate | None = None
    author: Text | None = None
    current_text: Text | None = None
    requested_text: Text | None = None
    source: Text | None = None


class NotifyEntry(_Model):
    name: Name
    address: Lines = []


class Response(_Model):
    received_on: PartialDate | None = None
    decision: Decision | None = None
    basis: Text | None = None
    extended_to: PartialDate | None = Field(
        default=None, description="With decision: extended, the new date the entity gave."
    )


class Amendment(_Model):
    to: Recipient
    date: PartialDate | None = None
    sent_by: Text | None = None
    representative: Representative | None = None
    state: Text | None = None
    items: Annotated[list[AmendmentItem], Field(min_length=1)]
    notify: list[NotifyEntry] = []
    response: Response | None = None


class TherapistLetter(_Model):
    from_: Text = Field(alias="from")
    to: Text
    date: PartialDate | None = None
    authorization: Text | None = None
    requests: Lines = []


def _version_one(value: object) -> object:
    if value != 1 or isinstance(value, (bool, float)):
        raise ValueError("expected 1 (the only case-file version so far)")
    return value


class Case(_Model):
    """One patient's case file."""

    version: Annotated[Literal[1], BeforeValidator(_version_one)]
    patient: Patient
    prepared_by: PreparedBy | None = None
    clinicians: list[Clinician] = []
    medications: Annotated[list[Medication], Field(min_length=1)]
    symptoms: list[Symptom] = []
    events: list[Event] = []
    fnd_exams: list[FndExam] = []
    amendment: Amendment | None = None
    therapist_letter: TherapistLetter | None = None

    def clinician(self, clinician_id: str | None) -> Clinician | None:
        """The clinician with this id, or None."""
        if clinician_id is None:
            return None
        for clinician in self.clinicians:
            if clinician.id == clinician_id:
                return clinician
        return None


@dataclass(frozen=True)
class Problem:
    """Something wrong in a case file: where (a field path) and what."""

    path: tuple[str | int, ...]
    message: str


def iter_problems(data: Mapping[str, Any]) -> Iterator[Problem]:
    """What the field types cannot check: references between fields, and date order.

    Works on the parsed data (not a built Case), so that these problems are reported together
    with any type errors in the same file.
    """
    clinicians = _entries(data, "clinicians")
    seen: set[str] = set()
    for index, clinician in enumerate(clinicians):
        clinician_id = clinician.get("id")
        if isinstance(clinician_id, str):
            if clinician_id in seen:
                yield Problem(("clinicians", index, "id"), f"the id '{_excerpt(clinician_id)}' is used twice; ids must be unique")
            seen.add(clinician_id)

    def check(entry: Mapping[str, Any], key: str, path: tuple[str | int, ...]) -> Iterator[Problem]:
        value = entry.get(key)
        if isinstance(value, str) and value not in seen:
            yield Problem(path + (key,), _unknown_clinician(value, seen))

    for index, medication in enumerate(_entries(data, "medications")):
        yield from check(medication, "prescriber", ("medications", index))
    for index, symptom in enumerate(_entries(data, "symptoms")):
        onset, resolved = _date_or_none(symptom.get("onset")), _date_or_none(symptom.get("resolved"))
        if onset is not None and resolved is not None and resolved.latest < onset.earliest:
            yield Problem(
                ("symptoms", index, "resolved"),
                f"{resolved.isoformat()} is before the onset {onset.isoformat()}; expected a date on or after the onset",
            )
    for index, event in enumerate(_entries(data, "events")):
        yield from check(event, "clinician", ("events", index))
    for index, exam in enumerate(_entries(data, "fnd_exams")):
        yield from check(exam, "examiner", ("fnd_exams", index))
    amendment = data.get("amendment")
    if isinstance(amendment, Mapping):
        for index, item in enumerate(_entries(amendment, "items")):
            yield from check(item, "author", ("amendment", "items", index))
    letter = data.get("therapist_letter")
    if isinstance(letter, Mapping):
        yield from check(letter, "from", ("therapist_letter",))
        yield from check(letter, "to", ("therapist_letter",))


def _entries(data: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    """The mappings in a list field, with non-mappings (reported elsewhere) as empty ones."""
    value = data.get(key)
    if not isinstance(value, list):
        return []
    return [entry if isinstance(entry, Mapping) else {} for entry in value]


def _date_or_none(value: object) -> PartialDate | None:
    try:
        return PartialDate.parse(value)
    except ValueError:
        return None


def _unknown_clinician(clinician_id: str, known: set[str]) -> str:
    ids = sorted(known)
    listed = ", ".join(_excerpt(each, 20) for each in ids[:5]) if ids else "none are defined"
    if len(ids) > 5:
        listed += f" and {len(ids) - 5} more"
    return f"'{_excerpt(clinician_id)}' is not a clinician id; expected one of the ids under clinicians ({listed})"


def _excerpt(text: str, limit: int = 40) -> str:
    """A short excerpt of what the user typed, for a message."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def json_schema() -> dict[str, Any]:
    """The JSON Schema of a case file, for editors."""
    schema = Case.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "docgen case file"
    return schema
