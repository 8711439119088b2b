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
Name = Annotated[StrictStr, AfterValidator(_not_blank), Field(json_schema_extra={"pattern": r"\S"})]
Milligrams = Annotated[StrictFloat | StrictInt, AfterValidator(_finite), Field(ge=0)]
PositiveMilligrams = Annotated[StrictFloat | StrictInt, AfterValidator(_finite), Field(gt=0)]
Lines = list[StrictStr]

ClinicianRole = Literal["prescriber", "therapist", "neurologist", "primary_care", "other"]
PreparerRole = Literal["patient", "advocate", "clinician", "family"]
SymptomCategory = Literal["motor", "sensory", "cognitive", "autonomic", "sleep", "mood", "pain", "other"]
EventKind = Literal["visit", "diagnosis", "test", "hospitalization", "other"]
FindingResult = Literal["positive", "negative", "inconclusive", "not_tested"]
Decision = Literal["accepted", "partly_accepted", "denied", "extended"]
#: The grounds on which 45 CFR 164.526(a)(2) lets an entity deny an amendment, (i) to (iv).
DenialGround = Literal["not_created", "not_in_record_set", "not_available", "accurate_and_complete"]
LogAction = Literal["sent", "received", "call", "extension", "decision", "note"]
SendMethod = Literal["fax", "mail", "certified mail", "portal", "email", "hand"]


def _country_code(value: str) -> str:
    code = value.strip().upper()
    if len(code) != 2 or not code.isascii() or not code.isalpha():
        raise ValueError(f"'{_excerpt(value)}' is not a country code; expected two letters (ISO 3166-1 alpha-2), "
                         "for example US, GB, IE, PT")
    return code


Country = Annotated[StrictStr, AfterValidator(_country_code)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Patient(_Model):
    """The patient the documents are about."""

    name: Name = Field(description="Full name, as on every document. Not empty.")
    date_of_birth: PartialDate | None = Field(default=None, description="Date of birth.")
    mrn: Text | None = Field(default=None, description="The record number on the chart.")
    address: Lines = Field(default=[], description="Postal address, one entry per line.")
    phone: Text | None = Field(default=None, description="Phone number.")
    fax: Text | None = Field(default=None, description="Fax number, for replies (the reply form and fax cover sheet print it).")
    email: Text | None = Field(default=None, description="Email address.")
    country: Country | None = Field(default=None, description="The country, as its two-letter ISO 3166-1 code (`US`, `IE`, `PT`); where absent, a last address line that names a country sets it, otherwise US.")


class PreparedBy(_Model):
    """Who compiled the timeline."""

    name: Name = Field(description="Their name. Not empty.")
    role: PreparerRole | None = Field(default=None, description="Who they are to the patient.")


class Clinician(_Model):
    """A member of the care team, listed once and referred to everywhere else by `id`."""

    id: Name = Field(description="The short name other fields use for this clinician (`dr-chen`). Unique, not empty.")
    name: Name = Field(description="Name and credentials, as on a letter (`Lena Chen, MD`). Not empty.")
    role: ClinicianRole = Field(default="other", description="Their part in the patient's care.")
    specialty: Text | None = Field(default=None, description="Their specialty (`Psychiatry`).")
    organization: Text | None = Field(default=None, description="The practice or hospital they work for.")
    address: Lines = Field(default=[], description="Postal address, one entry per line.")
    phone: Text | None = Field(default=None, description="Phone number.")
    fax: Text | None = Field(default=None, description="Fax number.")
    email: Text | None = Field(default=None, description="Email address.")
    country: Country | None = Field(default=None, description="The country, as its two-letter ISO 3166-1 code (`US`, `IE`, `PT`); where absent, a last address line that names a country sets it, otherwise US.")


class Dose(_Model):
    """One dose entry: the dose from its date until the next entry of the same medication."""

    date: PartialDate = Field(description="When this dose began.")
    mg_per_day: Milligrams = Field(description="Total daily dose in mg; 0 means stopped.")
    note: Text | None = Field(default=None, description="A note (`0.5 mg twice daily`, `25% reduction`).")
    source: Text | None = Field(default=None, description="Where it is recorded (`Rx history, Lakeside pharmacy`, "
                                                          "`patient-reported`).")


class Hold(_Model):
    """A planned pause in a taper."""

    at_mg_per_day: Milligrams = Field(description="The pause comes once the dose first reaches or falls below this.")
    days: Annotated[StrictInt, Field(ge=1, description="The days the pause adds.")]


class Taper(_Model):
    """The prescriber's taper plan from here on."""

    start: PartialDate = Field(description="The date of the first reduction.")
    percent: Annotated[StrictFloat | StrictInt, Field(gt=0, lt=100, description="Each step takes this percentage of "
                                                                                "the current dose off.")]
    every_days: Annotated[StrictInt, Field(ge=1, description="Days between steps.")]
    holds: list[Hold] = Field(default=[], description="Planned pauses.")
    smallest_step_mg: PositiveMilligrams | None = Field(default=None, description="What the tablets can measure: "
                                                                                  "each dose is rounded to it.")
    liquid_below_mg: PositiveMilligrams | None = Field(default=None, description="Below this daily dose, a liquid "
                                                                                 "is used.")
    liquid_mg_per_ml: PositiveMilligrams | None = Field(default=None, description="The liquid's strength: doses are "
                                                                                  "then rounded to 0.1 mL of it.")
    stop_below_mg: Milligrams | None = Field(default=None, description="Once the dose reaches or falls below this, "
                                                                       "the next step is 0.")
    tablets_mg: list[PositiveMilligrams] = Field(default=[], description="The tablet strengths on hand, in mg: the "
                                                                         "make-up of each step and pharmacy quantities.")
    reason: Text | None = Field(default=None, description="Why the taper, in the prescriber's words.")
    agreed_on: PartialDate | None = Field(default=None, description="When the patient agreed to the plan.")
    slow_or_pause_if: Text | None = Field(default=None, description="The plan's own rule for slowing or pausing.")


class Medication(_Model):
    """A medication and its doses over time."""

    drug: Name = Field(description="The generic name (`clonazepam`). Not empty.")
    brand: Text | None = Field(default=None, description="The brand name (`Klonopin`).")
    indication: Text | None = Field(default=None, description="What it was prescribed for.")
    prescriber: Text | None = Field(default=None, description="The prescribing clinician's `id`.")
    doses: Annotated[list[Dose], Field(min_length=1, description="The dose entries: each holds from its date until "
                                                                 "the next.")]
    taper: Taper | None = Field(default=None, description="The prescriber's plan from here on.")


class CoursePoint(_Model):
    """One reading of a symptom's severity."""

    date: PartialDate = Field(description="The date of the reading.")
    severity: Annotated[StrictInt, Field(ge=0, le=10, description="How severe it was, on a scale of 0 to 10.")]
    note: Text | None = Field(default=None, description="A note on this reading (`window`).")
    source: Text | None = Field(default=None, description="Where it is recorded.")


class Symptom(_Model):
    """Something that happened to the body or mind, from its onset."""

    name: Name = Field(description="What it is (`tremor, both hands`). Not empty.")
    category: SymptomCategory = Field(default="other", description="The kind of symptom.")
    onset: PartialDate = Field(description="When it began.")
    course: list[CoursePoint] = Field(default=[], description="Its severity over time.")
    resolved: PartialDate | None = Field(default=None, description="When it ended; null while ongoing. Not before "
                                                                   "`onset`.")
    note: Text | None = Field(default=None, description="A note (`worse for about two weeks after each reduction`).")
    source: Text | None = Field(default=None, description="Where it is recorded.")


class Event(_Model):
    """A visit, diagnosis, test, hospital stay or other dated event."""

    date: PartialDate = Field(description="When it happened.")
    kind: EventKind = Field(default="other", description="What kind of event it was.")
    title: Name = Field(description="What happened (`MRI brain without contrast`). Not empty.")
    detail: Text | None = Field(default=None, description="The result or details (`no structural abnormality`).")
    clinician: Text | None = Field(default=None, description="The `id` of the clinician involved.")
    source: Text | None = Field(default=None, description="Where it is recorded.")


class Finding(_Model):
    """One FND rule-in sign and what the exam found."""

    sign: Name = Field(description="A key from the built-in catalog (`hoover`, `tremor_entrainment`, ...) or any "
                                   "other name as free text. Not empty.")
    result: FindingResult = Field(description="positive: the sign is present; negative: tested and not present; "
                                              "inconclusive; not_tested.")
    note: Text | None = Field(default=None, description="A note (`tremor did not entrain to 3 Hz tapping`).")


class FndExam(_Model):
    """An examination for the rule-in signs of functional neurological disorder (FND)."""

    date: PartialDate = Field(description="When it took place.")
    examiner: Text | None = Field(default=None, description="The examining clinician's `id`.")
    findings: list[Finding] = Field(default=[], description="The signs tested and what was found.")
    source: Text | None = Field(default=None, description="Where it is recorded.")


class Recipient(_Model):
    """The covered entity that holds the record, and who there receives the request."""

    organization: Name = Field(description="The organization's name. Not empty.")
    attention: Text | None = Field(default=None, description="Who there (`Privacy Officer`, `Health Information "
                                                             "Management`).")
    address: Lines = Field(default=[], description="Postal address, one entry per line.")
    fax: Text | None = Field(default=None, description="Fax number.")
    email: Text | None = Field(default=None, description="Email address.")
    country: Country | None = Field(default=None, description="The country, as its two-letter ISO 3166-1 code (`US`, `IE`, `PT`); where absent, a last address line that names a country sets it, otherwise US.")


class Representative(_Model):
    """A personal representative who signs the request instead of the patient."""

    name: Name = Field(description="Their name. Not empty.")
    authority: Text | None = Field(default=None, description="What gives them the right to act "
                                                             "(`health care power of attorney dated 2025-03-01`).")
    address: Lines = Field(default=[], description="Their postal address, one entry per line, for the sender block "
                                                   "and replies; where absent, the patient's.")
    phone: Text | None = Field(default=None, description="Their phone number.")
    email: Text | None = Field(default=None, description="Their email address.")


class AmendmentItem(_Model):
    """One entry of the record to be amended."""

    record: Name = Field(description="Which record (`Neurology consultation note`). Not empty.")
    date: PartialDate | None = Field(default=None, description="The record's date.")
    author: Text | None = Field(default=None, description="The `id` of the clinician who wrote it.")
    current_text: Text | None = Field(default=None, description="What the record says now, quoted exactly.")
    requested_text: Text | None = Field(default=None, description="The amendment asked for; where absent, docgen "
                                                                  "proposes an addition from the case.")
    source: Text | None = Field(default=None, description="Where the record can be found.")
    reason: Text | None = Field(default=None, description="Why this entry is incomplete or inaccurate, in the "
                                                          "patient's own words: the statement of disagreement "
                                                          "answers a denial with it, item by item.")
    evidence: Lines = Field(default=[], description="What supports the reason (`Pharmacy record 2012-2024`), one "
                                                    "entry per document.")


class NotifyEntry(_Model):
    """Someone the amendment should be sent to."""

    name: Name = Field(description="A person or organization. Not empty.")
    address: Lines = Field(default=[], description="Postal address, one entry per line.")
    country: Country | None = Field(default=None, description="The country, as its two-letter ISO 3166-1 code (`US`, `IE`, `PT`); where absent, a last address line that names a country sets it, otherwise US.")


class Response(_Model):
    """What came back from the covered entity, for the follow-up letters."""

    received_on: PartialDate | None = Field(default=None, description="When the answer came; null while none has "
                                                                      "come.")
    decision: Decision | None = Field(default=None, description="What was decided.")
    basis: Text | None = Field(default=None, description="The reason the entity gave for a denial, as written.")
    grounds: list[DenialGround] = Field(default=[], description="Which grounds of 45 CFR 164.526(a)(2) the denial "
                                                                "rests on: not_created, not_in_record_set, "
                                                                "not_available (not open to inspection under 164.524) "
                                                                "or accurate_and_complete; where absent, read from "
                                                                "the basis.")
    extended_to: PartialDate | None = Field(
        default=None, description="With decision: extended, the new date the entity gave."
    )


class LogEntry(_Model):
    """One thing that happened to a request, for proof and for its deadlines."""

    date: PartialDate = Field(description="When it happened.")
    action: LogAction = Field(description="sent, received (proof of receipt: the clock runs from here), call, "
                                          "extension, decision or note.")
    method: SendMethod | None = Field(default=None, description="How: fax, mail, certified mail, portal, email or "
                                                                "hand.")
    reference: Text | None = Field(default=None, description="A tracking or reference number.")
    note: Text | None = Field(default=None, description="A note (`new date 2027-02-23`).")


class Amendment(_Model):
    """The request to amend health information under 45 CFR 164.526."""

    to: Recipient = Field(description="Where the request goes.")
    date: PartialDate | None = Field(default=None, description="The request's date; today if absent.")
    sent_by: Text | None = Field(default=None, description="How it is sent, for proof of receipt "
                                                           "(`certified mail, return receipt`).")
    representative: Representative | None = Field(default=None, description="A personal representative who signs "
                                                                            "instead of the patient.")
    state: Text | None = Field(default=None, description="The US state (`IL`), where state law adds rights.")
    items: Annotated[list[AmendmentItem], Field(min_length=1, description="The record entries to amend.")]
    notify: list[NotifyEntry] = Field(default=[], description="Who should be sent the amendment.")
    response: Response | None = Field(default=None, description="What came back.")
    log: list[LogEntry] = Field(default=[], description="What happened to the request, oldest first.")


class ThirdParty(_Model):
    """Someone the records are to be sent to instead of the patient."""

    name: Name = Field(description="A person or organization. Not empty.")
    address: Lines = Field(default=[], description="Postal address, one entry per line.")
    fax: Text | None = Field(default=None, description="Fax number.")
    email: Text | None = Field(default=None, description="Email address.")
    country: Country | None = Field(default=None, description="The country, as its two-letter ISO 3166-1 code (`US`, `IE`, `PT`); where absent, a last address line that names a country sets it, otherwise US.")


class AccessRequest(_Model):
    """A request for copies of the records under 45 CFR 164.524."""

    to: Recipient = Field(description="Where the request goes.")
    records: Annotated[list[Name], Field(min_length=1, description="The records asked for "
                                                                   "(`Neurology notes 2023-2025`).")]
    format: Text | None = Field(default=None, description="The form and format wanted "
                                                          "(`electronic copy (PDF) by secure e-mail`).")
    deliver_to: ThirdParty | None = Field(default=None, description="A third party to send the copies to "
                                                                    "(164.524(c)(3)(ii)).")
    date: PartialDate | None = Field(default=None, description="The request's date; today if absent.")
    sent_by: Text | None = Field(default=None, description="How it is sent, for proof of receipt.")
    representative: Representative | None = Field(default=None, description="A personal representative who signs "
                                                                            "instead of the patient.")
    response: Response | None = Field(default=None, description="What came back.")
    log: list[LogEntry] = Field(default=[], description="What happened to the request, oldest first.")


class TherapistLetter(_Model):
    """The prescriber-to-therapist letter about the taper plan."""

    from_: Text = Field(alias="from", description="The prescriber's `id`: who writes the letter.")
    to: Text = Field(description="The therapist's `id`: who receives it.")
    date: PartialDate | None = Field(default=None, description="The letter's date; today if absent.")
    authorization: Text | None = Field(default=None, description="A release of information on file "
                                                                 "(`Release of information signed 2026-10-02`).")
    requests: Lines = Field(default=[], description="Extra points for the letter, as plain sentences.")


def _version_one(value: object) -> object:
    if value != 1 or isinstance(value, (bool, float)):
        raise ValueError("expected 1 (the only case-file version so far)")
    return value


class Case(_Model):
    """One patient's case file."""

    version: Annotated[Literal[1], BeforeValidator(_version_one)] = Field(description="The case-file version: 1.")
    patient: Patient = Field(description="The patient.")
    prepared_by: PreparedBy | None = Field(default=None, description="Who compiled the timeline.")
    clinicians: list[Clinician] = Field(default=[], description="The care team, each listed once.")
    medications: Annotated[list[Medication], Field(min_length=1, description="What was taken, and when.")]
    symptoms: list[Symptom] = Field(default=[], description="What happened to the body and mind.")
    events: list[Event] = Field(default=[], description="Visits, diagnoses, tests and hospital stays.")
    fnd_exams: list[FndExam] = Field(default=[], description="The FND rule-in signs tested.")
    amendment: Amendment | None = Field(default=None, description="The amendment request (45 CFR 164.526; GDPR Art. 16 for a controller in the EU, the EEA or the UK).")
    access_request: AccessRequest | None = Field(default=None, description="A request for copies of the records "
                                                                           "(45 CFR 164.524).")
    therapist_letter: TherapistLetter | None = Field(default=None, description="The prescriber-to-therapist letter.")

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
    _standard_bounds(schema)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "docgen case file"
    return schema


#: pydantic writes the bounds of a number that may be a float or an int in its own words; an
#: editor reads only JSON Schema's.
_BOUNDS = {"ge": "minimum", "gt": "exclusiveMinimum", "le": "maximum", "lt": "exclusiveMaximum"}


def _standard_bounds(node: object) -> None:
    if isinstance(node, dict):
        is_number = "anyOf" in node and all(option.get("type") in ("number", "integer") for option in node["anyOf"])
        for word, keyword in _BOUNDS.items():
            if is_number and word in node:
                node[keyword] = node.pop(word)
        for key, value in node.items():
            if key not in ("default", "examples", "const", "enum"):
                _standard_bounds(value)
    elif isinstance(node, list):
        for item in node:
            _standard_bounds(item)
