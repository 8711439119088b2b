"""Hypothesis strategies for case files: valid ones covering every section and field of the
contract (CASEFILE.md and docgen/model.py), and invalid mutations of them.

Keep these in step with the model: a field added to docgen/model.py belongs here too, so that
the fuzz suites (tests/test_fuzz.py) render it. ``case_dicts()`` draws the data a YAML or JSON
case file holds; ``dump()`` writes it as either; ``mutations()`` breaks one thing in it and says
which field the error must name.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import yaml
from hypothesis import strategies as st

from docgen.facts.equivalence import _ROWS
from docgen.facts.fnd import CATALOG

# -- text --------------------------------------------------------------------------------------

#: Fragments that a uniform draw over Unicode rarely produces but real files hold: scripts written
#: right to left, combining marks, CJK and Hangul, emoji sequences, markup and template syntax,
#: quotes, and symbols from medicine.
FRAGMENTS = (
    "Zoë Łukasiewicz-Núñez", "O'Brien", "d’Arcy", "José María", "Ærøskøbing", "Đặng Thị Ngọc",
    "محمد عبد الله", "فاطمة الزهراء", "שלום כהן", "רעד בידיים", "١٢٣", "עם 2 מ\"ג",
    "李小龍", "山田 太郎", "김민준", "グエン", "氯硝西泮",
    "e\u0301", "n\u0303", "\u05e9\u05b8", "a\u0308\u0323", "\u0928\u093f",
    "😀", "👩\u200d⚕️", "🇺🇸", "👍🏽", "🩺",
    "&", "<", ">", "&amp;", "<b>", "</p>", "<br/>", "]]>", "<!--", "&#x41;", "\"", "'", "\\",
    "{{ patient.name }}", "{% if x %}", "{#", "#}", "**bold**", "_x_", "`code`", "%s", "{0}",
    "≥", "≤", "µg", "≈", "→", "½", "‰", "°C", "—", "…", "·", "•", "\u00a0", "\u202f", "\u2009",
    "ﬁ", "Ǆ", "ß", "İ", "ς", "\u00ad", "\u200b", "\ufeff", "\u2028",
    "F44.4", "2.5 mg/day", "0.125", "1e3", "null", "yes", "~", "-", ":", "#", "@",
)

#: Every character a YAML or JSON file can carry and a document can print: no surrogates, no
#: control characters (documents drop them: XML cannot hold most, and none is visible), and not
#: the two noncharacters XML refuses.
CHARACTERS = st.characters(exclude_categories=("Cs", "Cc"), exclude_characters="\ufffe\uffff")


def texts(min_size: int = 0, max_size: int = 40) -> st.SearchStrategy[str]:
    """Text as a user types it: any Unicode, often built from ``FRAGMENTS``, sometimes long."""
    pieces = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(CHARACTERS, min_size=1, max_size=6)),
                      max_size=max(1, max_size // 4))
    drawn = st.one_of(
        st.text(CHARACTERS, min_size=min_size, max_size=max_size),
        pieces.map(" ".join),
        pieces.map("".join),
    )
    return drawn.filter(lambda text: min_size <= len(text) <= max(max_size, 4 * max_size))


def names(max_size: int = 30) -> st.SearchStrategy[str]:
    """A name: text that is not blank."""
    return texts(1, max_size).filter(lambda text: text.strip() != "")


def long_texts() -> st.SearchStrategy[str]:
    """Very long text: many words, or one long word with no space to break at."""
    return st.one_of(
        st.lists(st.sampled_from(FRAGMENTS + ("word", "neurology", "assessment")), min_size=200, max_size=600).map(" ".join),
        st.text(CHARACTERS, min_size=300, max_size=1500),
        st.integers(300, 3000).map(lambda n: "x" * n),
    )


def free_texts() -> st.SearchStrategy[str]:
    """Free text (notes, quoted record text): usually short, sometimes very long."""
    return st.one_of(texts(0, 80), texts(0, 80), texts(0, 80), long_texts())


# -- dates and numbers ---------------------------------------------------------------------------

#: Dates across the whole range the model accepts, with the extremes drawn often.
DAYS = st.one_of(
    st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)),
    st.dates(min_value=date(2010, 1, 1), max_value=date(2030, 12, 31)),
    st.dates(),
    st.sampled_from([date(1, 1, 1), date(9999, 12, 31), date(2000, 2, 29), date(2024, 12, 31)]),
)


@st.composite
def partial_dates(draw: st.DrawFn, day: date | None = None) -> str | int:
    """A date as written in a case file: YYYY-MM-DD, YYYY-MM, YYYY (text or number)."""
    day = day if day is not None else draw(DAYS)
    precision = draw(st.sampled_from(["day", "day", "month", "year"]))
    if precision == "year":
        return day.year if draw(st.booleans()) else f"{day.year:04d}"
    if precision == "month":
        return f"{day.year:04d}-{day.month:02d}"
    return day.isoformat()


def exact_dates() -> st.SearchStrategy[str]:
    return DAYS.map(date.isoformat)


MILLIGRAMS = st.one_of(
    st.floats(min_value=0, max_value=2000, allow_nan=False, allow_infinity=False),
    st.sampled_from([0, 0.0625, 0.125, 0.25, 0.5, 1, 2, 2.5, 4, 10, 40, 5e-324, 1e-300, 1e300, 1.7976931348623157e308]),
    st.integers(0, 10**6),
    st.floats(min_value=0, allow_nan=False, allow_infinity=False),
)
POSITIVE_MILLIGRAMS = MILLIGRAMS.filter(lambda value: value > 0)

DRUGS = st.one_of(st.sampled_from([row.drug for row in _ROWS]),
                  st.sampled_from(["baclofen", "gabapentin", "sertraline", "etizolam", "midazolam", "Klonopin"]),
                  names())
SIGN_KEYS = st.one_of(st.sampled_from(sorted(CATALOG)), names())

CLINICIAN_ROLES = ["prescriber", "therapist", "neurologist", "primary_care", "other"]
PREPARER_ROLES = ["patient", "advocate", "clinician", "family"]
CATEGORIES = ["motor", "sensory", "cognitive", "autonomic", "sleep", "mood", "pain", "other"]
EVENT_KINDS = ["visit", "diagnosis", "test", "hospitalization", "other"]
RESULTS = ["positive", "negative", "inconclusive", "not_tested"]
DECISIONS = ["accepted", "partly_accepted", "denied", "extended"]


# -- sections ------------------------------------------------------------------------------------


def _optional(draw: st.DrawFn, target: dict[str, Any], key: str, strategy: st.SearchStrategy[Any]) -> None:
    """Sometimes set ``key``; sometimes to an explicit null (an empty optional)."""
    choice = draw(st.sampled_from(["absent", "set", "set", "null"]))
    if choice == "set":
        target[key] = draw(strategy)
    elif choice == "null":
        target[key] = None


def _lines(max_size: int = 3) -> st.SearchStrategy[list[str]]:
    return st.lists(texts(0, 40), max_size=max_size)


@st.composite
def patients(draw: st.DrawFn) -> dict[str, Any]:
    patient: dict[str, Any] = {"name": draw(st.one_of(names(), names(), long_texts().filter(str.strip)))}
    _optional(draw, patient, "date_of_birth", partial_dates())
    _optional(draw, patient, "mrn", texts(0, 20))
    if draw(st.booleans()):
        patient["address"] = draw(_lines())
    for key in ("phone", "email"):
        _optional(draw, patient, key, texts(0, 30))
    return patient


@st.composite
def clinicians(draw: st.DrawFn, ids: list[str]) -> list[dict[str, Any]]:
    result = []
    for clinician_id in ids:
        clinician: dict[str, Any] = {"id": clinician_id, "name": draw(names())}
        if draw(st.booleans()):
            clinician["role"] = draw(st.sampled_from(CLINICIAN_ROLES))
        for key in ("specialty", "organization", "phone", "fax", "email"):
            _optional(draw, clinician, key, texts(0, 40))
        if draw(st.booleans()):
            clinician["address"] = draw(_lines())
        result.append(clinician)
    return result


@st.composite
def tapers(draw: st.DrawFn) -> dict[str, Any]:
    taper: dict[str, Any] = {
        "start": draw(partial_dates()),
        "percent": draw(st.one_of(st.integers(1, 99), st.floats(0.01, 99.99))),
        "every_days": draw(st.integers(1, 400)),
    }
    if draw(st.booleans()):
        taper["holds"] = [{"at_mg_per_day": draw(MILLIGRAMS), "days": draw(st.integers(1, 365))}
                          for _ in range(draw(st.integers(0, 3)))]
    for key in ("smallest_step_mg", "liquid_below_mg", "liquid_mg_per_ml"):
        _optional(draw, taper, key, POSITIVE_MILLIGRAMS)
    _optional(draw, taper, "stop_below_mg", MILLIGRAMS)
    if draw(st.booleans()):  # the strengths on hand: the make-ups of the calendar and the pharmacy sheet
        taper["tablets_mg"] = draw(st.lists(st.one_of(st.sampled_from([0.0625, 0.125, 0.5, 1, 2, 5, 10]),
                                                      POSITIVE_MILLIGRAMS), max_size=4))
    for key in ("reason", "slow_or_pause_if"):
        _optional(draw, taper, key, texts(0, 80))
    _optional(draw, taper, "agreed_on", partial_dates())
    return taper


@st.composite
def medications(draw: st.DrawFn, references: st.SearchStrategy[str] | None) -> dict[str, Any]:
    medication: dict[str, Any] = {"drug": draw(DRUGS), "doses": []}
    for _ in range(draw(st.integers(1, 6))):
        dose: dict[str, Any] = {"date": draw(partial_dates()), "mg_per_day": draw(MILLIGRAMS)}
        _optional(draw, dose, "note", texts(0, 40))
        _optional(draw, dose, "source", texts(0, 40))
        medication["doses"].append(dose)
    for key in ("brand", "indication"):
        _optional(draw, medication, key, texts(0, 30))
    if references is not None and draw(st.booleans()):
        medication["prescriber"] = draw(references)
    if draw(st.integers(0, 3)) == 0:
        medication["taper"] = draw(tapers())
    return medication


@st.composite
def symptoms(draw: st.DrawFn) -> dict[str, Any]:
    first, second = draw(DAYS), draw(DAYS)
    onset_day, resolved_day = min(first, second), max(first, second)
    symptom: dict[str, Any] = {"name": draw(st.one_of(names(), names(80))), "onset": draw(partial_dates(onset_day))}
    if draw(st.booleans()):
        symptom["category"] = draw(st.sampled_from(CATEGORIES))
    if draw(st.booleans()):
        symptom["course"] = []
        for _ in range(draw(st.integers(0, 4))):
            point: dict[str, Any] = {"date": draw(partial_dates()), "severity": draw(st.integers(0, 10))}
            _optional(draw, point, "note", texts(0, 30))
            _optional(draw, point, "source", texts(0, 30))
            symptom["course"].append(point)
    if draw(st.booleans()):
        # a later date, or one in the onset's own period (2023-02 then 2023-02-10 is fine)
        symptom["resolved"] = draw(st.one_of(partial_dates(resolved_day), st.just(symptom["onset"])))
    elif draw(st.booleans()):
        symptom["resolved"] = None
    for key in ("note", "source"):
        _optional(draw, symptom, key, free_texts())
    return symptom


@st.composite
def events(draw: st.DrawFn, references: st.SearchStrategy[str] | None) -> dict[str, Any]:
    event: dict[str, Any] = {"date": draw(partial_dates()), "title": draw(names(60))}
    if draw(st.booleans()):
        event["kind"] = draw(st.sampled_from(EVENT_KINDS))
    for key in ("detail", "source"):
        _optional(draw, event, key, free_texts())
    if references is not None and draw(st.booleans()):
        event["clinician"] = draw(references)
    return event


@st.composite
def fnd_exams(draw: st.DrawFn, references: st.SearchStrategy[str] | None) -> dict[str, Any]:
    exam: dict[str, Any] = {"date": draw(partial_dates())}
    if references is not None and draw(st.booleans()):
        exam["examiner"] = draw(references)
    if draw(st.integers(0, 4)):
        exam["findings"] = []
        for _ in range(draw(st.integers(0, 5))):
            finding: dict[str, Any] = {"sign": draw(SIGN_KEYS), "result": draw(st.sampled_from(RESULTS))}
            _optional(draw, finding, "note", texts(0, 40))
            exam["findings"].append(finding)
    _optional(draw, exam, "source", texts(0, 40))
    return exam


@st.composite
def amendments(draw: st.DrawFn, references: st.SearchStrategy[str] | None) -> dict[str, Any]:
    amendment: dict[str, Any] = {"to": draw(recipients()), "items": []}
    for _ in range(draw(st.integers(1, 3))):
        item: dict[str, Any] = {"record": draw(names(60))}
        _optional(draw, item, "date", partial_dates())
        if references is not None and draw(st.booleans()):
            item["author"] = draw(references)
        for key in ("current_text", "requested_text"):
            _optional(draw, item, key, free_texts())
        _optional(draw, item, "source", texts(0, 40))
        amendment["items"].append(item)
    _optional(draw, amendment, "date", st.one_of(exact_dates(), partial_dates()))
    _optional(draw, amendment, "sent_by", texts(0, 40))
    _optional(draw, amendment, "state", st.one_of(st.sampled_from(["WA", "CA", "ca", "Washington", "IL", "NY"]), texts(0, 10)))
    if draw(st.booleans()):
        representative: dict[str, Any] = {"name": draw(names())}
        _optional(draw, representative, "authority", texts(0, 60))
        amendment["representative"] = representative
    if draw(st.booleans()):
        amendment["notify"] = []
        for _ in range(draw(st.integers(0, 3))):
            entry: dict[str, Any] = {"name": draw(names())}
            if draw(st.booleans()):
                entry["address"] = draw(_lines())
            amendment["notify"].append(entry)
    if draw(st.booleans()):
        amendment["response"] = _responses(draw)
    if draw(st.booleans()):
        amendment["log"] = draw(logs())
    return amendment


LOG_ACTIONS = ["sent", "received", "call", "extension", "decision", "note"]
SEND_METHODS = ["fax", "mail", "certified mail", "portal", "email", "hand"]
#: Countries as a case file gives them: US, the GDPR's, the UK's, and one whose rules docgen does not state.
COUNTRIES = ["US", "IE", "PT", "GB", "CA"]
COUNTRY_LINES = ["Ireland", "Danmark", "United Kingdom", "Polska", "Canada", "Springfield, IL 62701"]


@st.composite
def logs(draw: st.DrawFn) -> list[dict[str, Any]]:
    """A request's log: entries in any order, as a person might keep them."""
    entries = []
    for _ in range(draw(st.integers(0, 5))):
        entry: dict[str, Any] = {"date": draw(st.one_of(exact_dates(), exact_dates(), partial_dates())),
                                 "action": draw(st.sampled_from(LOG_ACTIONS))}
        _optional(draw, entry, "method", st.sampled_from(SEND_METHODS))
        _optional(draw, entry, "reference", texts(0, 30))
        _optional(draw, entry, "note", st.one_of(texts(0, 60), exact_dates().map(lambda day: f"new date {day}")))
        entries.append(entry)
    return entries


@st.composite
def recipients(draw: st.DrawFn) -> dict[str, Any]:
    recipient: dict[str, Any] = {"organization": draw(names(60))}
    for key in ("attention", "fax", "email"):
        _optional(draw, recipient, key, texts(0, 40))
    if draw(st.booleans()):
        recipient["address"] = draw(_lines()) + ([draw(st.sampled_from(COUNTRY_LINES))] if draw(st.booleans()) else [])
    _optional(draw, recipient, "country", st.sampled_from(COUNTRIES))
    return recipient


def _responses(draw: st.DrawFn) -> dict[str, Any]:
    response: dict[str, Any] = {}
    _optional(draw, response, "received_on", partial_dates())
    _optional(draw, response, "decision", st.sampled_from(DECISIONS))
    _optional(draw, response, "basis", free_texts())
    _optional(draw, response, "extended_to", partial_dates())
    return response


@st.composite
def access_requests(draw: st.DrawFn) -> dict[str, Any]:
    request: dict[str, Any] = {"to": draw(recipients()), "records": draw(st.lists(names(60), min_size=1, max_size=4))}
    _optional(draw, request, "format", texts(0, 60))
    if draw(st.booleans()):
        third: dict[str, Any] = {"name": draw(names())}
        if draw(st.booleans()):
            third["address"] = draw(_lines())
        _optional(draw, third, "fax", texts(0, 20))
        request["deliver_to"] = third
    _optional(draw, request, "date", st.one_of(exact_dates(), partial_dates()))
    _optional(draw, request, "sent_by", texts(0, 40))
    if draw(st.booleans()):
        representative: dict[str, Any] = {"name": draw(names())}
        _optional(draw, representative, "authority", texts(0, 60))
        request["representative"] = representative
    if draw(st.booleans()):
        request["response"] = _responses(draw)
    if draw(st.booleans()):
        request["log"] = draw(logs())
    return request


@st.composite
def therapist_letters(draw: st.DrawFn, ids: list[str]) -> dict[str, Any]:
    letter: dict[str, Any] = {"from": draw(st.sampled_from(ids)), "to": draw(st.sampled_from(ids))}
    _optional(draw, letter, "date", partial_dates())
    _optional(draw, letter, "authorization", texts(0, 80))
    if draw(st.booleans()):
        letter["requests"] = draw(st.lists(st.one_of(texts(0, 100), long_texts()), max_size=4))
    return letter


@st.composite
def case_dicts(draw: st.DrawFn) -> dict[str, Any]:
    """A valid case file's data: every section, each optional field absent, null or set."""
    case: dict[str, Any] = {"version": 1, "patient": draw(patients())}
    ids = draw(st.lists(names(20), max_size=4, unique=True))
    references = st.sampled_from(ids) if ids else None
    if ids or draw(st.booleans()):
        case["clinicians"] = draw(clinicians(ids))
    if draw(st.booleans()):
        prepared: dict[str, Any] = {"name": draw(names())}
        _optional(draw, prepared, "role", st.sampled_from(PREPARER_ROLES))
        case["prepared_by"] = prepared
    case["medications"] = [draw(medications(references)) for _ in range(draw(st.integers(1, 4)))]
    if draw(st.booleans()):
        case["symptoms"] = [draw(symptoms()) for _ in range(draw(st.integers(0, 6)))]
    if draw(st.booleans()):
        case["events"] = [draw(events(references)) for _ in range(draw(st.integers(0, 6)))]
    if draw(st.booleans()):
        case["fnd_exams"] = [draw(fnd_exams(references)) for _ in range(draw(st.integers(0, 3)))]
    if draw(st.integers(0, 2)):
        case["amendment"] = draw(amendments(references))
    if draw(st.integers(0, 2)):
        case["access_request"] = draw(access_requests())
    if ids and draw(st.integers(0, 2)):
        case["therapist_letter"] = draw(therapist_letters(ids))
    return case


def dump(data: object, kind: str) -> str:
    """The text of a case file: YAML (block style, any Unicode) or JSON."""
    if kind == "yaml":
        return str(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=80))
    return json.dumps(data, ensure_ascii=_escaped(data), indent=2)


def _escaped(data: object) -> bool:
    """JSON files come both ways: escaped (\\uXXXX) and raw UTF-8; vary by content."""
    return len(json.dumps(data)) % 2 == 0


# -- invalid mutations -----------------------------------------------------------------------------

Path_ = tuple[str | int, ...]


@dataclass(frozen=True)
class Mutation:
    """One thing broken in a case: the field path the error must name ("" for the whole file),
    and what was done (for the test's report)."""

    path: str
    what: str
    apply: Callable[[dict[str, Any]], None]


def format_path(path: Path_) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else ("." if text else "") + str(part)
    return text


def _set(path: Path_, value: object) -> Callable[[dict[str, Any]], None]:
    def apply(data: dict[str, Any]) -> None:
        parent: Any = data
        for part in path[:-1]:
            parent = parent[part]
        parent[path[-1]] = value
    return apply


def _delete(path: Path_) -> Callable[[dict[str, Any]], None]:
    def apply(data: dict[str, Any]) -> None:
        parent: Any = data
        for part in path[:-1]:
            parent = parent[part]
        del parent[path[-1]]
    return apply


#: Wrong values by the kind of field, each something a person could type.
WRONG: dict[str, list[object]] = {
    "text": [5, 2.5, [1], {"a": "b"}, True],
    "name": ["", "   ", 5, None, [], {"x": 1}],
    "date": [True, 2.5, [2020], {"year": 2020}, "soon", "2020-02-30", "2019-13", "20-01-01", "2020-1-1", 0, 10000, -5, "9999-12-32"],
    "number": ["lots", [1], {"mg": 1}, None, True, -1, -0.5, math.inf, math.nan, "1.5"],
    "severity": ["high", 2.5, [1], None, True, 11, -1],
    "whole": ["x", 2.5, 0, -3, None, True],
    "enum": ["sometimes", "", 3, None, ["motor"]],
    "mapping": ["text", 5, [1, 2], True],
    "list": ["text", 5, {"a": 1}, True],
}


def _fields(data: dict[str, Any]) -> list[tuple[Path_, str]]:
    """Every field present in ``data`` that has a rule, with the kind of its rule."""
    fields: list[tuple[Path_, str]] = [(("patient",), "mapping"), (("patient", "name"), "name"), (("medications",), "list")]
    if data["patient"].get("date_of_birth") is not None:
        fields.append((("patient", "date_of_birth"), "date"))
    for i, clinician in enumerate(data.get("clinicians", [])):
        fields += [(("clinicians", i, "id"), "name"), (("clinicians", i, "name"), "name")]
        if "role" in clinician:
            fields.append((("clinicians", i, "role"), "enum"))
    for i, medication in enumerate(data["medications"]):
        fields += [(("medications", i, "drug"), "name"), (("medications", i, "doses"), "list")]
        for j, _dose in enumerate(medication["doses"]):
            fields += [(("medications", i, "doses", j, "date"), "date"), (("medications", i, "doses", j, "mg_per_day"), "number")]
        if isinstance(medication.get("taper"), dict):
            fields += [(("medications", i, "taper", "start"), "date"), (("medications", i, "taper", "every_days"), "whole")]
        if medication.get("brand") is not None:
            fields.append((("medications", i, "brand"), "text"))
    for i, symptom in enumerate(data.get("symptoms", [])):
        fields += [(("symptoms", i, "name"), "name"), (("symptoms", i, "onset"), "date")]
        if "category" in symptom:
            fields.append((("symptoms", i, "category"), "enum"))
        for j, _point in enumerate(symptom.get("course", [])):
            fields += [(("symptoms", i, "course", j, "severity"), "severity")]
    for i, event in enumerate(data.get("events", [])):
        fields += [(("events", i, "date"), "date"), (("events", i, "title"), "name")]
        if "kind" in event:
            fields.append((("events", i, "kind"), "enum"))
    for i, exam in enumerate(data.get("fnd_exams", [])):
        fields.append((("fnd_exams", i, "date"), "date"))
        for j, _finding in enumerate(exam.get("findings", [])):
            fields.append((("fnd_exams", i, "findings", j, "result"), "enum"))
    if "amendment" in data:
        fields += [(("amendment", "to"), "mapping"), (("amendment", "items"), "list")]
        for i, _item in enumerate(data["amendment"]["items"]):
            fields += [(("amendment", "items", i, "record"), "name")]
            if _item.get("current_text") is not None:
                fields.append((("amendment", "items", i, "current_text"), "text"))
    return fields


@st.composite
def mutations(draw: st.DrawFn, data: dict[str, Any]) -> Mutation:
    """One way to break ``data`` (the breakage is applied by ``Mutation.apply``)."""
    kind = draw(st.sampled_from(["wrong", "wrong", "wrong", "missing", "unknown", "reference", "order", "version"]))
    if kind == "wrong":
        path, what = draw(st.sampled_from(_fields(data)))
        value = draw(st.sampled_from(WRONG[what]))
        if what == "name" and path[-1] == "id" and value is None:
            value = ""
        return Mutation(format_path(path), f"{what} set to {value!r}", _set(path, value))
    if kind == "missing":
        required = [(("patient", "name"),), (("medications", 0, "doses", 0, "mg_per_day"),),
                    (("medications", 0, "doses", 0, "date"),), (("medications", 0, "drug"),)]
        (path,) = draw(st.sampled_from(required))
        return Mutation(format_path(path), "a required field deleted", _delete(path))
    if kind == "unknown":
        targets: list[Path_] = [(), ("patient",), ("medications", 0), ("medications", 0, "doses", 0)]
        if data.get("symptoms"):
            targets.append(("symptoms", 0))
        if "amendment" in data:
            targets.append(("amendment",))
        parent = draw(st.sampled_from(targets))
        key = draw(st.sampled_from(["nmae", "dose", "mg_per_dya", "onsett", "Name", "extra field", "ééé"]))
        return Mutation(format_path(parent + (key,)), f"unknown field {key!r}", _set(parent + (key,), "x"))
    if kind == "reference":
        targets = [("medications", 0, "prescriber"), ("events", 0, "clinician")] if data.get("events") else [("medications", 0, "prescriber")]
        path = draw(st.sampled_from(targets))
        unknown = draw(names(20).filter(lambda text: text not in {c["id"] for c in data.get("clinicians", [])}))
        return Mutation(format_path(path), f"unknown clinician {unknown!r}", _set(path, unknown))
    if kind == "order" and data.get("symptoms"):
        return Mutation("symptoms[0].resolved", "resolved before onset",
                        _set(("symptoms", 0), {"name": "tremor", "onset": "2020-05-05", "resolved": "2019-01-01"}))
    return Mutation("version", "version 2", _set(("version",), draw(st.sampled_from([2, 0, "1", 1.0, None]))))


def raw_breakages() -> st.SearchStrategy[tuple[bytes, str]]:
    """Files broken below the level of fields: (bytes, suffix). The error names the whole file or a line."""
    return st.one_of(
        st.sampled_from([
            (b"", ".yaml"),
            (b"   \n# only a comment\n", ".yaml"),
            (b"- just\n- a list\n", ".yaml"),
            (b"version: 1\npatient: {name: A\n", ".yaml"),
            (b"version: 1\n\tpatient: x\n", ".yaml"),
            (b"version: 1\npatient: !!python/object:os.system {}\n", ".yaml"),
            (b"version: &a [*a]\n", ".yaml"),
            (b"\xff\xfe\x00v\x00", ".yaml"),
            (b"version: 1\npatient:\n  name: \xc3\x28\n", ".yaml"),
            (b"{\"version\": 1, ", ".json"),
            (b"[1, 2]", ".json"),
            (b"{\"version\": 1, \"version\": 1}", ".json"),
            (b"NaN", ".json"),
            (b"a: b\na: c\n", ".yaml"),
            (b"version: 1\npatient:\n  name: A\nmedications: " + b"[" * 200 + b"]" * 200 + b"\n", ".yaml"),
            (b"[" * 100_000 + b"]" * 100_000, ".json"),
        ]),
        st.binary(max_size=200).map(lambda data: (data, ".yaml")),
        st.binary(max_size=200).map(lambda data: (data, ".json")),
    )
