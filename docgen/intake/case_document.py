"""A case file being added to: read round-trip (comments, quoting and order kept), entries added
in place, checked against the contract, and written whole or not at all.

Used by `docgen init` and by the importers. Existing entries are never changed: an entry that is
already there is reported as such, and one that contradicts what is there (another dose on the
same day, say) is refused with the reason, so that nothing silently wrong gets in.

Each list's dates and names are read once and kept up to date as entries are added, so that an
import of many thousand entries takes time in proportion to their number.
"""

from __future__ import annotations

import bisect
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, cast

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
    _excerpt,
    Clinician,
    CoursePoint,
    Dose,
    Event,
    Finding,
    FndExam,
    Hold,
    LogEntry,
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

_FLOW_MODELS = (Dose, CoursePoint, Finding, Hold, LogEntry)


def drug_key(name: str) -> str:
    """What two names of one drug have in common: "Klonopin" and "clonazepam" give "clonazepam"."""
    return generic_name(name) or " ".join(name.split()).casefold()


class CaseDocument:
    """A case file's text as a tree that keeps comments; entries are added through its methods."""

    def __init__(self, data: CommentedMap, name: str) -> None:
        self.data = data
        self.name = name
        self._dated: dict[int, _DatedEntries] = {}
        self._named: dict[str, _NamedEntries] = {}

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
        """The first medication whose drug or brand is ``drug`` (any name of the same drug)."""
        return self._names("medications", _medication_keys).get(drug_key(drug))

    def find_symptom(self, name: str) -> CommentedMap | None:
        return self._names("symptoms", _symptom_keys).get(_symptom_key(name))

    def _names(self, section: str, keys: Callable[[CommentedMap], list[str]]) -> dict[str, CommentedMap]:
        value = self.data.get(section)
        entries = value if isinstance(value, list) else []
        named = self._named.get(section)
        if named is None or named.entries is not entries or named.length != len(entries):
            named = self._named[section] = _NamedEntries(entries, keys)
        return named.by_key

    def _append_named(self, section: str, node: CommentedMap) -> None:
        entries = self._list(section)
        append_entry(entries, node)
        named = self._named.get(section)
        if named is not None and named.entries is entries and named.length == len(entries) - 1:
            named.add(node)

    def _dated_entries(self, entries: CommentedSeq) -> _DatedEntries:
        dated = self._dated.get(id(entries))
        if dated is None or dated.entries is not entries or len(dated.keys) != len(entries):
            dated = self._dated[id(entries)] = _DatedEntries(entries)
        return dated

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
            raise EntryError(f"{_excerpt(medication.drug)} is already in the case; its doses are added to it")
        self._append_named("medications", to_node(medication))

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
        doses = self._dated_entries(medication["doses"])
        name = _excerpt(str(medication["drug"]))
        for existing in doses.on(dose.date):
            mg = float(existing["mg_per_day"])
            if mg == dose.mg_per_day:
                raise EntryError(f"already in the case ({name} {dose.date.isoformat()}: {_mg(mg)} mg/day)")
            raise EntryError(f"the case already has {_mg(mg)} mg/day of {name} on {dose.date.isoformat()}, not "
                             f"{_mg(dose.mg_per_day)}; not replaced (a day has one total daily dose)")
        doses.insert(dose.date, to_node(dose))
        return False

    def add_symptom(self, symptom: Symptom) -> None:
        if self.find_symptom(symptom.name) is not None:
            raise EntryError(f"the symptom '{_excerpt(symptom.name)}' is already in the case")
        self._append_named("symptoms", to_node(symptom))

    def add_course_point(self, symptom_name: str, point: CoursePoint) -> None:
        """Add a severity reading to a symptom already in the case."""
        symptom = self.find_symptom(symptom_name)
        if symptom is None:
            raise EntryError(f"the symptom '{_excerpt(symptom_name)}' is not in the case")
        onset = PartialDate.parse(symptom["onset"])
        if point.date.latest < onset.earliest:
            raise EntryError(f"{point.date.isoformat()} is before the recorded onset of '{_excerpt(str(symptom['name']))}' "
                             f"({onset.isoformat()}); if it began earlier, change its onset by hand")
        if "course" not in symptom or symptom["course"] is None:
            keys = list(symptom.keys())
            insert_key(symptom, keys.index("onset") + 1 if "onset" in keys else len(keys), "course", CommentedSeq())
        course = self._dated_entries(symptom["course"])
        name = _excerpt(str(symptom["name"]))
        for existing in course.on(point.date):
            if int(existing["severity"]) == point.severity:
                raise EntryError(f"already in the case ('{name}' {point.date.isoformat()}: {point.severity}/10)")
            raise EntryError(f"the case already has severity {existing['severity']} for '{name}' on "
                             f"{point.date.isoformat()}, not {point.severity}; not replaced")
        course.insert(point.date, to_node(point))

    def add_event(self, event: Event) -> None:
        events = self._dated_entries(self._list("events"))
        title = " ".join(event.title.split()).casefold()
        for existing in events.on(event.date):
            if " ".join(str(existing["title"]).split()).casefold() == title:
                raise EntryError(f"already in the case ({event.date.isoformat()}: {_excerpt(str(existing['title']), 60)})")
        events.insert(event.date, to_node(event))

    def add_fnd_exam(self, exam: FndExam) -> None:
        self._dated_entries(self._list("fnd_exams")).insert(exam.date, to_node(exam))

    def add_log_entry(self, section: str, entry: LogEntry) -> None:
        """Add an entry to a request's log (``amendment`` or ``access_request``), after the last
        entry dated on or before it; the same action on the same day is refused as already there."""
        request = self.data.get(section)
        if not isinstance(request, CommentedMap):
            raise EntryError(f"the case has no {section} section, so there is no request to log")
        log = request.get("log")
        if not isinstance(log, CommentedSeq) or not len(log):
            # a new list is put in with its first entry, so comments that followed the entry
            # before it (a blank line before the next section) move below the entry
            log = CommentedSeq([to_node(entry)])
            if "log" in request:
                request["log"] = log
            else:
                insert_key(request, len(request), "log", log)
            return
        entries = self._dated_entries(log)
        for existing in entries.on(entry.date):
            if existing.get("action") == entry.action:
                raise EntryError(f"already in the log ({entry.date.isoformat()}: {entry.action})")
        entries.insert(entry.date, to_node(entry))

    def set_decision(self, section: str, decision: str, received_on: PartialDate) -> None:
        """Record a request's decision in its ``response`` (with the day it came, unless that is
        recorded); a different decision already there is refused."""
        request = self.data.get(section)
        if not isinstance(request, CommentedMap):
            raise EntryError(f"the case has no {section} section, so there is no request to decide")
        response = request.get("response")
        if not isinstance(response, CommentedMap):
            keys = list(request.keys())
            response = CommentedMap([("received_on", to_node(received_on)), ("decision", decision)])
            insert_key(request, keys.index("log") if "log" in keys else len(keys), "response", response)
            return
        existing = response.get("decision")
        if existing not in (None, "extended", decision):
            raise EntryError(f"{section}.response.decision is already '{existing}', not '{decision}'; not replaced")
        if response.get("received_on") is None:
            if "received_on" in response:
                response["received_on"] = to_node(received_on)
            else:
                response.insert(0, "received_on", to_node(received_on))
        response["decision"] = decision

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
        return self._validated(name, as_json)[1]

    def checked_text(self, name: str | None = None, as_json: bool = False) -> str:
        """The text this document would write, once it validates (raises InvalidResultError)."""
        return self._validated(name, as_json)[0]

    def write(self, target: Path, force: bool = False) -> Path:
        """Check, then write atomically; never replaces an existing file unless ``force``."""
        text = self.checked_text(str(target), target.suffix.lower() == ".json")
        return write_file(text.encode("utf-8"), target, force)

    def _validated(self, name: str | None, as_json: bool) -> tuple[str, Case]:
        text = self.to_text(as_json)
        try:
            return text, parse_case(text, name or self.name, as_json=as_json)
        except CaseFileError as error:
            # lines would point into text that was never written: name the fields only
            problems = "\n".join(replace(problem, line=None).format(error.file) for problem in error.problems)
            raise InvalidResultError(f"nothing was written: the result would not be a valid case file:\n{problems}") from None


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


class _DatedEntries:
    """A list of dated entries (doses, a symptom's course, events) with each date read once."""

    def __init__(self, entries: CommentedSeq) -> None:
        self.entries = entries
        self.keys: list[tuple[date, date] | None] = []  # each entry's sort key; None for a non-entry
        self.by_date: dict[PartialDate, list[CommentedMap]] = {}
        for entry in entries:
            when = PartialDate.parse(entry.get("date")) if isinstance(entry, dict) else None
            self.keys.append(when.sort_key() if when is not None else None)
            if when is not None:
                self.by_date.setdefault(when, []).append(entry)
        known = [key for key in self.keys if key is not None]
        self.in_order = len(known) == len(self.keys) and all(a <= b for a, b in zip(known, known[1:]))

    def on(self, when: PartialDate) -> list[CommentedMap]:
        """The entries dated ``when``, in list order."""
        return self.by_date.get(when, [])

    def insert(self, when: PartialDate, node: CommentedMap) -> None:
        """Add ``node`` after the last entry dated on or before ``when`` (first when there is none)."""
        key = when.sort_key()
        if self.in_order:
            position = bisect.bisect_right(cast("list[tuple[date, date]]", self.keys), key)  # no None when in order
        else:
            position = max((index + 1 for index, other in enumerate(self.keys) if other is not None and other <= key), default=0)
        insert_entry(self.entries, position, node)
        self.keys.insert(position, key)
        self.by_date.setdefault(when, []).append(node)


class _NamedEntries:
    """A list of named entries (medications, symptoms) by the keys their names give."""

    def __init__(self, entries: list[Any], keys: Callable[[CommentedMap], list[str]]) -> None:
        self.entries = entries
        self.keys = keys
        self.length = 0
        self.by_key: dict[str, CommentedMap] = {}
        for entry in entries:
            self.add(entry)

    def add(self, entry: object) -> None:
        """Take in the entry just appended to the list."""
        self.length += 1
        if isinstance(entry, CommentedMap):
            for key in self.keys(entry):
                self.by_key.setdefault(key, entry)


def _medication_keys(entry: CommentedMap) -> list[str]:
    return [drug_key(name) for name in (entry.get("drug"), entry.get("brand")) if isinstance(name, str)]


def _symptom_key(name: str) -> str:
    return " ".join(name.split()).casefold()


def _symptom_keys(entry: CommentedMap) -> list[str]:
    return [_symptom_key(str(entry.get("name", "")))]


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
