"""Records the patient already has: a FHIR R4 export proposed as medications, diagnoses and tests.

- MedicationRequest, MedicationStatement, MedicationDispense -> a dose entry of the medication
  (created if new): the dose in mg (doseQuantity in mg, or in tablets of a known strength) times
  the stated frequency, dated authoredOn / effective[x] / whenHandedOver. No frequency, a dose
  taken as needed, a liquid or a range is skipped with the reason: nothing is guessed.
- Condition -> an event of kind diagnosis, its ICD-10 code kept in the title ("... (F44.4)").
- DiagnosticReport, Procedure -> an event of kind test.

Every entry keeps where it came from in ``source``: "FHIR MedicationRequest/abc123 (export.json)".
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from docgen.case.dates import PartialDate
from docgen.case.model import Dose, Event, Patient, _excerpt
from docgen.facts.equivalence import generic_name
from docgen.intake.amount_text import MAX_DAILY_MG
from docgen.intake.case_document import CaseDocument
from docgen.intake.errors import EntryError, ImportFileError
from docgen.intake.fhir_export import RawResource, iter_resources, parse_resource
from docgen.intake.import_report import ImportReport

_MEDICATION_TYPES = ("MedicationRequest", "MedicationStatement", "MedicationDispense")
_EVENT_TYPES = ("Condition", "DiagnosticReport", "Procedure")
_SKIPPED_STATUSES = {
    "MedicationRequest": {"cancelled", "entered-in-error", "draft"},
    "MedicationStatement": {"entered-in-error", "not-taken", "intended"},
    "MedicationDispense": {"cancelled", "entered-in-error", "declined", "preparation"},
    "DiagnosticReport": {"cancelled", "entered-in-error"},
    "Procedure": {"not-done", "entered-in-error"},
}
_TIMING_CODES = {"QD": 1, "QOD": None, "AM": 1, "PM": 1, "BID": 2, "TID": 3, "QID": 4,
                 "Q4H": 6, "Q6H": 4, "Q8H": 3, "Q12H": 2, "HS": 1, "WK": None, "MO": None}
_PERIOD_DAYS = {"h": Decimal(1) / 24, "d": Decimal(1), "wk": Decimal(7)}
_TABLET_UNITS = {"{tbl}", "tbl", "tab", "tabs", "tablet", "tablets", "{tablet}", "{tablets}", "{capsule}",
                 "cap", "caps", "capsule", "capsules", "{cap}"}
_MG_FACTORS = {"mg": Decimal(1), "milligram": Decimal(1), "milligrams": Decimal(1),
               "ug": Decimal("0.001"), "mcg": Decimal("0.001"), "µg": Decimal("0.001"), "g": Decimal(1000)}
#: What reading one record can raise; each is reported as that record's reason for being skipped.
_RECORD_ERRORS = (EntryError, ValueError, ArithmeticError)


def import_fhir_export(path: Path, document: CaseDocument | None = None) -> ImportReport:
    """Propose the export's medications, diagnoses and tests as entries of ``document``.

    With no document, a new case is started, its patient taken from the export's Patient.
    """
    problems: list[str] = []
    resources = list(iter_resources(path, problems))
    if document is None and not any(raw.type == "Patient" for raw in resources):
        raise ImportFileError(f"{path}: the export names no patient, so it cannot start a case file; "
                              "add its records to one with --into CASE")
    report = ImportReport(path.name, document or CaseDocument.new(), skipped=problems)
    medications = _medication_index(resources)
    ignored: Counter[str] = Counter()
    patients = [raw for raw in resources if raw.type == "Patient"]
    _take_patient(patients, report, new=document is None)
    for raw in resources:
        if raw.type in ("Patient", "Medication"):
            continue
        if raw.type not in _MEDICATION_TYPES + _EVENT_TYPES:
            ignored[raw.type] += 1
            continue
        try:
            resource = parse_resource(raw)
            _check_status(raw.type, resource)
            if raw.type in _MEDICATION_TYPES:
                report.added += _add_dose(raw, resource, medications, report.document)
            else:
                report.added.append(_add_event(raw, resource, report.document))
        except _RECORD_ERRORS as error:
            report.skipped.append(f"{raw.label}: {_skip_reason(error)}")
    report.notes.append(f"{len(resources)} resources read from {path.name}")
    if ignored:
        listed = ", ".join(f"{name} {count}" for name, count in sorted(ignored.items()))
        report.notes.append(f"not imported (docgen takes medications, conditions, reports and procedures): {listed}")
    return report


# -- patient ------------------------------------------------------------------------------------


def _take_patient(patients: list[RawResource], report: ImportReport, new: bool) -> None:
    names: list[tuple[str, PartialDate | None, str | None]] = []
    for raw in patients:
        try:
            names.append(_patient_name(parse_resource(raw)))
        except ValueError as error:
            report.skipped.append(f"{raw.label}: {error}")
    distinct = {_name_words(name) for name, _birth, _mrn in names}
    if len(distinct) > 1:
        listed = "; ".join(_excerpt(name) for name, _birth, _mrn in names[:5]) + ("; ..." if len(names) > 5 else "")
        report.notes.append(f"the export holds more than one patient ({listed}): check that every record is the right person's")
    if new:
        if names:
            name, birth, mrn = names[0]
            report.document.set_section("patient", Patient(name=name, date_of_birth=birth, mrn=mrn))
            report.added.append(f"patient {name}" + (f", born {birth.display()}" if birth else "")
                                + (f", record number {_excerpt(mrn)}" if mrn else ""))
        return
    existing = report.document.patient_name()
    for name, _birth, _mrn in names:
        if existing and not (_name_words(name) <= _name_words(existing) or _name_words(existing) <= _name_words(name)):
            report.notes.append(f"the export is for '{_excerpt(name)}', this case for '{_excerpt(existing)}': "
                                "check that these are the right person's records")


def _patient_name(patient: Any) -> tuple[str, PartialDate | None, str | None]:
    """The Patient's name, date of birth and record number (its medical-record identifier where
    one is typed so, else its first identifier)."""
    for name in patient.name or []:
        text = name.text or " ".join([*(name.given or []), name.family or ""]).strip()
        if text:
            return " ".join(text.split()), _date(patient.birthDate), _record_number(patient)
    raise ValueError("the Patient has no name")


def _record_number(patient: Any) -> str | None:
    identifiers = [identifier for identifier in patient.identifier or [] if identifier.value and identifier.value.strip()]
    for identifier in identifiers:
        codings = identifier.type.coding if identifier.type is not None and identifier.type.coding else []
        if any(coding.code == "MR" for coding in codings):
            return str(identifier.value).strip()
    return str(identifiers[0].value).strip() if identifiers else None


def _name_words(name: str) -> frozenset[str]:
    return frozenset(word for word in re.split(r"[^\w]+", name.casefold()) if len(word) > 1)


# -- medications ----------------------------------------------------------------------------------


def _medication_index(resources: list[RawResource]) -> dict[str, Any]:
    index: dict[str, Any] = {}
    for raw in resources:
        if raw.type != "Medication":
            continue
        try:
            medication = parse_resource(raw)
        except ValueError:
            continue
        if raw.data.get("id"):
            index[raw.label] = medication
        if raw.full_url:
            index[raw.full_url] = medication
    return index


def _add_dose(raw: RawResource, resource: Any, medications: dict[str, Any], document: CaseDocument) -> list[str]:
    product, medication = _product(resource, medications)
    drug, brand = _drug_names(product)
    when = _medication_date(raw.type, resource)
    dosages = list((resource.dosage if raw.type == "MedicationStatement" else resource.dosageInstruction) or [])
    mg_per_day, how = _daily_mg(dosages, product, medication)
    period_end = ""
    if raw.type == "MedicationStatement" and resource.effectivePeriod is not None and resource.effectivePeriod.end:
        period_end = f", until {_date(resource.effectivePeriod.end).isoformat()}"
    verb = {"MedicationRequest": "prescribed", "MedicationStatement": "reported", "MedicationDispense": "dispensed"}[raw.type]
    dose = Dose(date=when, mg_per_day=mg_per_day, note=f"{verb}: {product}, {how}{period_end}", source=raw.source)
    indication = _indication(resource)
    created = document.add_dose(drug, dose, brand=brand, indication=indication)
    found = document.find_medication(drug)
    name = str(found["drug"]) if found is not None else drug
    lines = [f"new medication {name}" + (f" (brand {found['brand']})" if found is not None and found.get("brand") else "")] if created else []
    lines.append(f"{name} {when.isoformat()}: {_mg(mg_per_day)} mg/day ({raw.label})")
    return lines


def _product(resource: Any, medications: dict[str, Any]) -> tuple[str, Any]:
    concept = resource.medicationCodeableConcept
    medication = None
    if concept is None and resource.medicationReference is not None:
        reference = resource.medicationReference.reference or ""
        if reference.startswith("#"):
            medication = next((item for item in resource.contained or [] if getattr(item, "id", None) == reference[1:]), None)
        else:
            medication = medications.get(reference)
        if medication is None:
            display = resource.medicationReference.display
            if display:
                return str(display), None
            raise EntryError(f"the medication '{_excerpt(reference)}' is not in the export")
        concept = medication.code
    text = _concept_text(concept)
    if not text:
        raise EntryError("the medication has no name (no text or display)")
    return text, medication


def _drug_names(product: str) -> tuple[str, str | None]:
    """"clonazepam 0.5 MG Oral Tablet [Klonopin]" -> ("clonazepam", "Klonopin")."""
    brand_match = re.search(r"\[([^\]]+)\]", product)
    brand = brand_match.group(1).strip() if brand_match else None
    words: list[str] = []
    for word in re.sub(r"\[[^\]]*\]", "", product).split():
        if word[:1].isdigit():
            break
        words.append(word)
    name = " ".join(words).strip(" ,;") or product
    generic = generic_name(name)
    if generic is not None and generic != name.casefold():
        return generic, brand or name
    return (name.casefold() if name.isupper() or name.istitle() else name), brand


def _medication_date(kind: str, resource: Any) -> PartialDate:
    if kind == "MedicationRequest":
        value, field = resource.authoredOn, "authoredOn"
    elif kind == "MedicationStatement":
        value = resource.effectiveDateTime or (resource.effectivePeriod.start if resource.effectivePeriod else None)
        field = "effectiveDateTime or effectivePeriod.start"
    else:
        value, field = resource.whenHandedOver or resource.whenPrepared, "whenHandedOver"
    if value is None:
        raise EntryError(f"no date ({field}); add it by hand if you know it")
    return _date(value)


def _daily_mg(dosages: list[Any], name: str, medication: Any) -> tuple[float, str]:
    product = _excerpt(name, 60)
    if not dosages:
        raise EntryError(f"{product}: no dosage given; add the dose by hand")
    sequences = {dosage.sequence for dosage in dosages}
    if len(dosages) > 1 and (len(sequences) > 1 or None in sequences):
        raise EntryError(f"{product}: {len(dosages)} dosage instructions that may follow each other; add the dose by hand")
    total = Decimal(0)
    described: list[str] = []
    for dosage in dosages:
        text = f" (the instruction reads \"{_excerpt(str(dosage.text), 80)}\")" if dosage.text else ""
        if dosage.asNeededBoolean or dosage.asNeededCodeableConcept is not None:
            raise EntryError(f"{product}: taken as needed, so it has no fixed daily dose{text}")
        amount = _dose_mg(dosage, name, medication, text)
        try:
            times = _times_per_day(dosage.timing)
        except EntryError as error:
            raise EntryError(f"{product}: {error}{text}; add the dose by hand") from None
        if times is None:
            raise EntryError(f"{product}: no frequency stated, so the daily dose is not known{text}; add it by hand")
        total += amount * times
        described.append(dosage.text or f"{_mg(float(amount))} mg {_times_text(times)}")
    if total > MAX_DAILY_MG:
        raise EntryError(f"{product}: more than {MAX_DAILY_MG:,} mg a day; add the dose by hand if it is right")
    return float(round(total, 6)), "; ".join(described)


def _dose_mg(dosage: Any, name: str, medication: Any, text: str) -> Decimal:
    product = _excerpt(name, 60)
    quantity = next((item.doseQuantity for item in dosage.doseAndRate or [] if item.doseQuantity is not None), None)
    if quantity is None:
        ranged = any(item.doseRange is not None for item in dosage.doseAndRate or [])
        reason = "a dose range" if ranged else "no structured dose (doseQuantity)"
        raise EntryError(f"{product}: {reason}{text}; add the dose by hand")
    if quantity.value is None:
        raise EntryError(f"{product}: the dose has no value{text}")
    value = Decimal(str(quantity.value))
    if not value.is_finite() or not 0 <= value <= MAX_DAILY_MG:
        raise EntryError(f"{product}: the dose value is outside 0 to {MAX_DAILY_MG:,}{text}; add the dose by hand")
    unit = str(quantity.code or quantity.unit or "").strip().casefold()
    if unit in _MG_FACTORS:
        return value * _MG_FACTORS[unit]
    if unit in _TABLET_UNITS:
        strength = _tablet_strength(name, medication)
        if strength is None:
            raise EntryError(f"{product}: the dose is in tablets of an unstated strength{text}; add it by hand in mg")
        return value * strength
    shown = _excerpt(str(quantity.unit or quantity.code or "no unit"), 20)
    raise EntryError(f"{product}: the dose is in '{shown}', not mg or tablets{text}; add it by hand in mg")


def _tablet_strength(product: str, medication: Any) -> Decimal | None:
    ingredients = list(getattr(medication, "ingredient", None) or [])
    if len(ingredients) == 1 and ingredients[0].strength is not None:
        numerator, denominator = ingredients[0].strength.numerator, ingredients[0].strength.denominator
        unit = str((numerator.code or numerator.unit or "") if numerator else "").casefold()
        if numerator is not None and numerator.value is not None and unit in _MG_FACTORS and \
                (denominator is None or denominator.value in (None, 1)):
            strength = Decimal(str(numerator.value)) * _MG_FACTORS[unit]
            return strength if strength.is_finite() and 0 < strength <= MAX_DAILY_MG else None
    strengths = re.findall(r"(\d+(?:\.\d+)?)\s*MG\b", product, flags=re.IGNORECASE)
    if len(strengths) == 1 and re.search(r"\b(tablet|tab|capsule)s?\b", product, flags=re.IGNORECASE) \
            and not re.search(r"/\s*(ml|actuat)", product, flags=re.IGNORECASE) and len(strengths[0]) <= 15:
        return Decimal(strengths[0])
    return None


def _times_per_day(timing: Any) -> Decimal | None:
    if timing is None:
        return None
    repeat = timing.repeat
    if repeat is not None and (repeat.frequencyMax is not None or repeat.periodMax is not None):
        return None
    if repeat is not None and repeat.period is not None:
        days = _PERIOD_DAYS.get(str(repeat.periodUnit or ""))
        period = Decimal(str(repeat.period))
        frequency = Decimal(repeat.frequency if repeat.frequency is not None else 1)
        if days is None:
            return None
        if not period.is_finite() or period <= 0 or frequency < 1:
            raise EntryError(f"the timing gives {_excerpt(str(repeat.frequency), 20)} doses every "
                             f"{_excerpt(str(repeat.period), 20)} {repeat.periodUnit}, which is no number of doses a day")
        return frequency / (period * days)
    if repeat is not None and repeat.when:
        return Decimal(len(repeat.when))
    for coding in (timing.code.coding or []) if timing.code is not None else []:
        times = _TIMING_CODES.get(str(coding.code or "").upper())
        if times is not None:
            return Decimal(times)
    return None


def _times_text(times: Decimal) -> str:
    return {Decimal(1): "once a day", Decimal(2): "twice a day"}.get(times, f"{_mg(float(times))} times a day")


def _skip_reason(error: Exception) -> str:
    """Why a record was skipped: docgen's own reasons as they are; an arithmetic fault by its kind."""
    if isinstance(error, ArithmeticError):
        return "a number in it is out of range (it cannot be turned into a daily dose)"
    return str(error)


def _indication(resource: Any) -> str | None:
    for concept in getattr(resource, "reasonCode", None) or []:
        text = _concept_text(concept)
        if text:
            return text
    return None


# -- events -------------------------------------------------------------------------------------


def _add_event(raw: RawResource, resource: Any, document: CaseDocument) -> str:
    name = _concept_text(resource.code)
    if raw.type == "Condition":
        verification = _code_of(resource.verificationStatus)
        if verification in ("entered-in-error", "refuted"):
            raise EntryError(f"marked {verification}")
        icd = next((coding for coding in (resource.code.coding if resource.code else None) or []
                    if "icd-10" in str(coding.system or "").casefold() and coding.code), None)
        code = str(icd.code) if icd is not None else None
        if not name and code is None:
            raise EntryError("the condition has no name or code")
        title = name or f"Diagnosis {code}"
        if code and code.casefold() not in title.casefold():
            title = f"{title} ({code})"
        value = resource.recordedDate or resource.onsetDateTime or (resource.onsetPeriod.start if resource.onsetPeriod else None)
        status = ", ".join(part for part in (_code_of(resource.clinicalStatus), verification) if part)
        system = "ICD-10-CM" if icd is not None and "cm" in str(icd.system).casefold() else "ICD-10"
        detail_parts = [f"{system} {code}" if code else "", status]
        kind = "diagnosis"
        missing = "recordedDate or onset"
    else:
        if not name:
            raise EntryError(f"the {raw.type} has no name (code.text or display)")
        title = name
        if raw.type == "DiagnosticReport":
            value = resource.effectiveDateTime or (resource.effectivePeriod.start if resource.effectivePeriod else None) or resource.issued
            detail_parts = [resource.conclusion or "; ".join(_concept_text(item) for item in resource.conclusionCode or [])]
            missing = "effective[x] or issued"
        else:
            value = resource.performedDateTime or (resource.performedPeriod.start if resource.performedPeriod else None)
            detail_parts = [_concept_text(resource.outcome), *(note.text for note in resource.note or [])]
            missing = "performed[x]"
        kind = "test"
    if value is None:
        raise EntryError(f"{_excerpt(title, 60)}: no date ({missing}); add it by hand if you know it")
    detail = "; ".join(part for part in detail_parts if part) or None
    event = Event(date=_date(value), kind=kind, title=title, detail=detail, source=raw.source)  # type: ignore[arg-type]
    document.add_event(event)
    return f"{kind} {event.date.isoformat()}: {title} ({raw.label})"


# -- values -------------------------------------------------------------------------------------


def _check_status(kind: str, resource: Any) -> None:
    status = str(getattr(resource, "status", "") or "")
    if status in _SKIPPED_STATUSES.get(kind, set()):
        raise EntryError(f"status {status}")


def _concept_text(concept: Any) -> str:
    if concept is None:
        return ""
    if concept.text:
        return " ".join(str(concept.text).split())
    for coding in concept.coding or []:
        if coding.display:
            return " ".join(str(coding.display).split())
    return ""


def _code_of(concept: Any) -> str:
    for coding in (concept.coding or []) if concept is not None else []:
        if coding.code:
            return str(coding.code)
    return ""


def _date(value: object) -> PartialDate:
    if isinstance(value, datetime):
        return PartialDate(value.year, value.month, value.day)
    if isinstance(value, date):
        return PartialDate(value.year, value.month, value.day)
    try:
        return PartialDate.parse(str(value)[:10])
    except ValueError:
        raise EntryError(f"the date '{_excerpt(str(value))}' cannot be read") from None


def _mg(value: float) -> str:
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return text or "0"
