"""A case file being added to: read round-trip (comments, quoting and order kept), entries added
in place, checked against the contract, and written whole or not at all.

Used by `docgen init` and by the importers. Existing entries are never changed: an entry that is
already there is reported as such, and one that contradicts what is there (another dose on the
same day, say) is refused with the reason, so that nothing silently wrong gets in.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.representer import RoundTripRepresenter
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from docgen.case.dates import PartialDate
from docgen.case.loading import load_case, parse_case
from docgen.case.model import (
    Case,
    Clinician,
    CoursePoint,
    Dose,
    Event,
    Finding,
    FndExam,
    Hold,
    Medication,
    Symptom,
)
from docgen.errors import CaseFileError
from docgen.facts.equivalence import generic_name
from docgen.intake._yaml_comments import append_entry, insert_entry, insert_key
from docgen.intake.errors import EntryError, InvalidResultError
from docgen.output import write_file

#: Where `docgen init` and `docgen import fhir` write when no file is named.
DEFAULT_CASE_FILE = Path("case.yaml")

#: The top-level sections in the contract's order; new sections are put in this order.
SECTION_ORDER = ("version", "patient", "prepared_by", "clinicians", "medications", "symptoms", "events",
                 "fnd_exams", "amendment", "therapist_letter")

_HEADER = """docgen case file: one patient's history (check it with `docgen validate FILE`).
Dates: 2024-02-10, or 2019-06 / 2014 when only the month or year is known.
Edit freely; `docgen init --from FILE` and `docgen import ...` add to it and keep your comments."""

_SECTION_COMMENTS = {
    "patient": "The patient: the name as on the records.",
    "prepared_by": "Who put this history together.",
    "clinicians": "The care team, each with an id that the rest of the file uses to refer to them.",
    "medications": "Each dose is the total mg per day from its date until the next entry; 0 means stopped.",
    "symptoms": "Severity is 0 (none) to 10 (worst). category: motor, sensory, cognitive, autonomic, sleep, mood, pain or other.",
    "events": "Visits, diagnoses, tests and hospital stays. kind: visit, diagnosis, test, hospitalization or other.",
    "fnd_exams": "FND signs tested. result: positive (present), negative (tested, not present), inconclusive or not_tested.",
    "amendment": "The request to amend a record (45 CFR 164.526).",
    "therapist_letter": "The prescriber-to-therapist letter; from and to are clinician ids.",
}

_FLOW_MODELS = (Dose, CoursePoint, Finding, Hold)


def drug_key(name: str) -> str:
    """What two names of one drug have in common: "Klonopin" and "clonazepam" give "clonazepam"."""
    return generic_name(name) or " ".join(name.split()).casefold()


class CaseDocument:
    """A case file's text as a tree that keeps comments; entries are added through its methods."""

    def __init__(self, data: CommentedMap, name: str) -> None:
        self.data = data
        self.name = name

    # -- opening ------------------------------------------------------------------------------

    @classmethod
    def new(cls, name: str = "case.yaml") -> CaseDocument:
        """An empty case file (version 1 and a header comment), to be filled in."""
        data = CommentedMap([("version", 1)])
        data.yaml_set_start_comment(_HEADER)
        return cls(data, name)

    @classmethod
    def load(cls, path: str | Path) -> CaseDocument:
        """Open an existing case file; it must be valid first (raises CaseFileError otherwise)."""
        path = Path(path)
        load_case(path)  # the contract, size and nesting limits, before the round-trip parser sees it
        text = path.read_bytes().decode("utf-8-sig")
        if path.suffix.lower() == ".json":
            data = _block(json.loads(text))
        else:
            data = _yaml().load(text)
        if not isinstance(data, CommentedMap):
            raise CaseFileError(str(path), [])
        return cls(data, str(path))

    # -- reading ------------------------------------------------------------------------------

    def has(self, section: str) -> bool:
        return self.data.get(section) not in (None, [], {})

    def patient_name(self) -> str | None:
        patient = self.data.get("patient")
        name = patient.get("name") if isinstance(patient, dict) else None
        return str(name) if name is not None else None

    def clinicians(self) -> list[tuple[str, str]]:
        """(id, name) of each clinician, in file order."""
        return [(str(entry.get("id")), str(entry.get("name"))) for entry in self._entries("clinicians")]

    def find_medication(self, drug: str) -> CommentedMap | None:
        key = drug_key(drug)
        for entry in self._entries("medications"):
            names = [entry.get("drug"), entry.get("brand")]
            if any(isinstance(name, str) and drug_key(name) == key for name in names):
                return entry
        return None

    def find_symptom(self, name: str) -> CommentedMap | None:
        key = " ".join(name.split()).casefold()
        for entry in self._entries("symptoms"):
            if " ".join(str(entry.get("name", "")).split()).casefold() == key:
                return entry
        return None

    def _entries(self, section: str) -> Iterator[CommentedMap]:
        value = self.data.get(section)
        if isinstance(value, list):
            yield from (entry for entry in value if isinstance(entry, CommentedMap))

    # -- adding -------------------------------------------------------------------------------

    def set_section(self, section: str, value: BaseModel) -> None:
        """Add a section that holds one mapping (patient, prepared_by, amendment, therapist_letter)."""
        if self.has(section):
            raise EntryError(f"the case already has {section.replace('_', ' ')}; kept as it is")
        node = to_node(value)
        if section in self.data:
            self.data[section] = node
        else:
            self._insert_section(section, node)

    def add_clinician(self, clinician: Clinician) -> None:
        if any(existing == clinician.id for existing, _name in self.clinicians()):
            raise EntryError(f"the id '{clinician.id}' is already used by a clinician in the case")
        append_entry(self._list("clinicians"), to_node(clinician))

    def add_medication(self, medication: Medication) -> None:
        """A new medication with its doses (refused if the case has it: add doses to it instead)."""
        if self.find_medication(medication.drug) is not None:
            raise EntryError(f"{medication.drug} is already in the case; its doses are added to it")
        append_entry(self._list("medications"), to_node(medication))

    def add_dose(self, drug: str, dose: Dose, brand: str | None = None, indication: str | None = None) -> bool:
        """Add one dose entry to a medication, creating it if new; True when it was created.

        Raises EntryError when the same date is already there (same dose: nothing to add;
        another dose: refused, since a day has one total daily dose).
        """
        medication = self.find_medication(drug)
        if medication is None:
            generic = generic_name(drug)
            if generic is not None and generic != drug.strip().casefold():
                drug, brand = generic, brand or drug.strip()  # "Klonopin" is recorded as clonazepam (Klonopin)
            self.add_medication(Medication(drug=drug, brand=brand, indication=indication, doses=[dose]))
            return True
        doses = medication["doses"]
        name = medication["drug"]
        for existing in doses:
            if PartialDate.parse(existing["date"]) == dose.date:
                mg = float(existing["mg_per_day"])
                if mg == dose.mg_per_day:
                    raise EntryError(f"already in the case ({name} {dose.date.isoformat()}: {_mg(mg)} mg/day)")
                raise EntryError(f"the case already has {_mg(mg)} mg/day of {name} on {dose.date.isoformat()}, not "
                                 f"{_mg(dose.mg_per_day)}; not replaced (a day has one total daily dose)")
        insert_entry(doses, _position(doses, dose.date), to_node(dose))
        return False

    def add_symptom(self, symptom: Symptom) -> None:
        if self.find_symptom(symptom.name) is not None:
            raise EntryError(f"the symptom '{symptom.name}' is already in the case")
        append_entry(self._list("symptoms"), to_node(symptom))

    def add_course_point(self, symptom_name: str, point: CoursePoint) -> None:
        """Add a severity reading to a symptom already in the case."""
        symptom = self.find_symptom(symptom_name)
        if symptom is None:
            raise EntryError(f"the symptom '{symptom_name}' is not in the case")
        onset = PartialDate.parse(symptom["onset"])
        if point.date.latest < onset.earliest:
            raise EntryError(f"{point.date.isoformat()} is before the recorded onset of '{symptom['name']}' "
                             f"({onset.isoformat()}); if it began earlier, change its onset by hand")
        if "course" not in symptom or symptom["course"] is None:
            keys = list(symptom.keys())
            insert_key(symptom, keys.index("onset") + 1 if "onset" in keys else len(keys), "course", CommentedSeq())
        course = symptom["course"]
        for existing in course:
            if PartialDate.parse(existing["date"]) == point.date:
                if int(existing["severity"]) == point.severity:
                    raise EntryError(f"already in the case ('{symptom['name']}' {point.date.isoformat()}: {point.severity}/10)")
                raise EntryError(f"the case already has severity {existing['severity']} for '{symptom['name']}' on "
                                 f"{point.date.isoformat()}, not {point.severity}; not replaced")
        insert_entry(course, _position(course, point.date), to_node(point))

    def add_event(self, event: Event) -> None:
        events = self._list("events")
        title = " ".join(event.title.split()).casefold()
        for existing in events:
            if PartialDate.parse(existing["date"]) == event.date and " ".join(str(existing["title"]).split()).casefold() == title:
                raise EntryError(f"already in the case ({event.date.isoformat()}: {existing['title']})")
        insert_entry(events, _position(events, event.date), to_node(event))

    def add_fnd_exam(self, exam: FndExam) -> None:
        exams = self._list("fnd_exams")
        insert_entry(exams, _position(exams, exam.date), to_node(exam))

    def _list(self, section: str) -> CommentedSeq:
        value = self.data.get(section)
        if isinstance(value, CommentedSeq):
            return value
        sequence = CommentedSeq()
        if section in self.data:
            self.data[section] = sequence
        else:
            self._insert_section(section, sequence)
        return sequence

    def _insert_section(self, section: str, node: object) -> None:
        keys = list(self.data.keys())
        rank = SECTION_ORDER.index(section)
        position = len(keys)
        for index, key in enumerate(keys):
            if key in SECTION_ORDER and SECTION_ORDER.index(key) > rank:
                position = index
                break
        insert_key(self.data, position, section, node, _SECTION_COMMENTS.get(section))

    # -- output -------------------------------------------------------------------------------

    def to_text(self, as_json: bool = False) -> str:
        """The case file's text: YAML with its comments, or JSON."""
        if as_json:
            return json.dumps(_plain(self.data), indent=2, ensure_ascii=False) + "\n"
        stream = io.StringIO()
        _yaml().dump(self.data, stream)
        return stream.getvalue()

    def check(self, name: str | None = None, as_json: bool = False) -> Case:
        """Validate the text this document would write; raise InvalidResultError if it fails."""
        try:
            return parse_case(self.to_text(as_json), name or self.name, as_json=as_json)
        except CaseFileError as error:
            # lines would point into text that was never written: name the fields only
            problems = "\n".join(replace(problem, line=None).format(error.file) for problem in error.problems)
            raise InvalidResultError(f"nothing was written: the result would not be a valid case file:\n{problems}") from None

    def write(self, target: Path, force: bool = False) -> Path:
        """Check, then write atomically; never replaces an existing file unless ``force``."""
        as_json = target.suffix.lower() == ".json"
        self.check(str(target), as_json)
        return write_file(self.to_text(as_json).encode("utf-8"), target, force)


# -- converting -----------------------------------------------------------------------------------


def to_node(value: object, field: str = "") -> Any:
    """A model (or a value in one) as ruamel nodes, in the contract's field order and style."""
    if isinstance(value, BaseModel):
        node = CommentedMap()
        for name, info in type(value).model_fields.items():
            item = getattr(value, name)
            if item is None or item == []:
                continue
            node[info.alias or name] = to_node(item, info.alias or name)
        if isinstance(value, _FLOW_MODELS):
            node.fa.set_flow_style()
            for key in ("note", "source"):
                if key in node:
                    node[key] = DoubleQuotedScalarString(node[key])  # as the samples write them
        return node
    if isinstance(value, list):
        sequence = CommentedSeq(to_node(item) for item in value)
        if field == "address":  # one line, as the contract writes addresses
            sequence = CommentedSeq(DoubleQuotedScalarString(str(item)) for item in value)
            sequence.fa.set_flow_style()
        return sequence
    if isinstance(value, PartialDate):
        if value.day is not None:
            return date(value.year, value.month or 1, value.day)
        return value.isoformat() if value.month is not None else DoubleQuotedScalarString(value.isoformat())
    return value


def _position(entries: CommentedSeq, when: PartialDate) -> int:
    """After the last entry dated on or before ``when`` (the start when there is none)."""
    position = 0
    for index, entry in enumerate(entries):
        if isinstance(entry, dict) and PartialDate.parse(entry.get("date")).sort_key() <= when.sort_key():
            position = index + 1
    return position


def _mg(value: float) -> str:
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return text or "0"


def _represent_none(representer: RoundTripRepresenter, _data: None) -> Any:
    return representer.represent_scalar("tag:yaml.org,2002:null", "null")


_YAML_1_1 = yaml.resolver.Resolver()


def _represent_str(representer: RoundTripRepresenter, data: str) -> Any:
    # docgen's loader reads YAML 1.1, where plain no, on, ~, 0042 or 1:20 are not text: quote them
    if _YAML_1_1.resolve(yaml.ScalarNode, data, (True, False)) != "tag:yaml.org,2002:str":  # type: ignore[no-untyped-call]
        return representer.represent_scalar("tag:yaml.org,2002:str", data, style='"')
    return representer.represent_str(data)


def _represent_float(representer: RoundTripRepresenter, data: float) -> Any:
    # "1e-06" is text to a YAML 1.1 reader (docgen's loader): write every new number in full
    text = repr(data)
    if "e" in text.lower():
        text = format(Decimal(text), "f")  # the same digits, positional: exact when read back
        text = text if "." in text else text + ".0"
    return representer.represent_scalar("tag:yaml.org,2002:float", text)


def _yaml() -> YAML:
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.representer.add_representer(type(None), _represent_none)
    yaml.representer.add_representer(float, _represent_float)
    yaml.representer.add_representer(str, _represent_str)
    return yaml


def _block(value: object) -> Any:
    if isinstance(value, dict):
        return CommentedMap((key, _block(item)) for key, item in value.items())
    if isinstance(value, list):
        return CommentedSeq(_block(item) for item in value)
    return value


def _plain(value: object) -> Any:
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return str(value)
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    return value
