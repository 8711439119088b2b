"""A page's form, both ways: the case file's values as form fields (``build_view``), and a posted
form read back into the case file in place (``read_section``), keeping every comment, every field
the page does not show, and the file's own way of writing what did not change.

Form fields are named by their path in the case file (``medications[0].doses[1].date``), the
same path docgen's validation messages give (``Located.field``), so a message goes next to its
field. What a person typed is kept even when it cannot be read (a date that does not exist, say):
the field shows it with the reason, and the case file is not valid until it is put right.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from docgen.case.dates import PartialDate
from docgen.facts.equivalence import generic_name
from docgen.intake.amount_text import parse_dose_text, parse_severity_text
from docgen.intake.case_document import SECTION_ORDER, CaseDocument, to_node
from docgen.intake.date_text import parse_date_text
from docgen.intake.errors import AmbiguousDateError, EntryError
from docgen.intake.interview import _suggest_id
from docgen.web.sections import MEDICATIONS, SIGNS, Field, Group, Node, Part, Section

#: The state of one entry of a list on the page: shown from the file, added on the page (not in
#: the file until something is typed in it), or cleared on the page (ignored).
ROW = "_row"
EXISTING, NEW, GONE = "existing", "new", "gone"

_TAPER_FIELDS = next(node for node in MEDICATIONS.nodes[0].fields if node.key == "taper").fields  # type: ignore[union-attr]
_QUOTES = (('"', '"'), ("'", "'"), ("\u201c", "\u201d"), ("\u2018", "\u2019"), ("\u00ab", "\u00bb"))


@dataclass(frozen=True)
class Problem:
    """Why a typed value could not be read; ``choices`` (value, label) where it could mean two things."""

    message: str
    choices: tuple[tuple[str, str], ...] = ()


@dataclass
class Reading:
    """What reading a posted page found, beside the values it put into the case file."""

    problems: dict[str, Problem] = field(default_factory=dict)  # by case-file path
    understood: dict[str, str] = field(default_factory=dict)  # "1 mg twice a day → 2 mg/day", by path
    entries: dict[str, str] = field(default_factory=dict)  # case-file path of an entry -> its form path
    added: str | None = None  # the case-file path of the list an entry is to be added to

    def form_path(self, path: str) -> str:
        """A case-file path as the posted form named it (entries left empty shift the numbers)."""
        best = ""
        for data_path in self.entries:
            if len(data_path) > len(best) and (path == data_path or path.startswith((data_path + ".", data_path + "["))):
                best = data_path
        return self.entries[best] + path[len(best):] if best else path


def field_id(path: str) -> str:
    """An HTML id for a path: ``medications[0].doses[1].date`` -> ``f-medications-0-doses-1-date``."""
    return "f-" + re.sub(r"[^A-Za-z0-9_]+", "-", path).strip("-")


# -- reading a posted page ------------------------------------------------------------------------


def read_section(section: Section, document: CaseDocument, form: Mapping[str, str], *, today: date,
                 action: str = "") -> Reading:
    """Put the posted values of ``section`` into ``document``; report what could not be read.

    ``action`` is the button pressed: ``remove:PATH`` drops that entry, ``add:PATH`` asks for a new
    entry in that list, ``pick:PATH=VALUE`` sets a field to one of its offered readings.
    """
    values = dict(form)
    if action.startswith("pick:") and "=" in action:
        path, value = action[len("pick:"):].split("=", 1)
        values[path] = value
    reader = _Reader(values, today, action, document)
    for node in section.nodes:
        result: CommentedMap | CommentedSeq | None
        if isinstance(node, Part):
            result = reader.part(node, node.key, node.key, document.data.get(node.key))
        else:
            result = reader.group(node, node.key, node.key, document.data.get(node.key))
        _put(document.data, node.key, result, SECTION_ORDER)
    return reader.reading


class _Reader:
    def __init__(self, form: dict[str, str], today: date, action: str, document: CaseDocument) -> None:
        self.form = form
        self.today = today
        self.action = action
        self.reading = Reading()
        self.taken_ids = {identifier for identifier, _name in document.clinicians()}

    def part(self, part: Part, form_path: str, data_path: str, existing: object) -> CommentedMap | None:
        node = existing if isinstance(existing, CommentedMap) else CommentedMap()
        order = [child.key for child in part.fields]
        for child in part.fields:
            child_form, child_data = f"{form_path}.{child.key}", f"{data_path}.{child.key}"
            current = node.get(child.key)
            value: object
            if isinstance(child, Field):
                if child_form not in self.form or (child.kind == "hidden" and not self.form[child_form].strip()):
                    continue  # not on the page: left as it is
                value = self.value(child, self.form[child_form], child_data)
            elif isinstance(child, Part):
                value = self.part(child, child_form, child_data, current)
            else:
                value = self.group(child, child_form, child_data, current)
            _put(node, child.key, value, order)
        self._dose_note(node, data_path)
        if part.key == "taper":
            self._smallest_step(node, data_path)
        return node if len(node) else None

    def _smallest_step(self, node: CommentedMap, path: str) -> None:
        """With tablet strengths and no smallest step, the step is the smallest tablet."""
        tablets = node.get("tablets_mg")
        if "smallest_step_mg" in node or not isinstance(tablets, list) or not tablets:
            return
        if not all(isinstance(each, (int, float)) and each > 0 for each in tablets):
            return
        smallest = min(tablets)
        order = [field.key for field in _TAPER_FIELDS]
        _put(node, "smallest_step_mg", smallest, order)
        self.reading.understood[f"{path}.smallest_step_mg"] = (
            f"{_format_number(smallest)} mg, the smallest tablet (type a half if the tablets are split)")

    def group(self, group: Group, form_path: str, data_path: str, existing: object) -> CommentedSeq | None:
        sequence = existing if isinstance(existing, CommentedSeq) else CommentedSeq()
        pattern = re.compile(re.escape(form_path) + r"\[(\d+)\]\." + ROW + "$")
        rows = sorted(int(match.group(1)) for key in self.form if (match := pattern.match(key)))
        kept: list[object] = []
        position = 0
        for row in rows:
            row_form = f"{form_path}[{row}]"
            state = self.form[f"{row_form}.{ROW}"]
            if state == GONE:
                continue
            old: object = None
            if state == EXISTING and position < len(sequence):
                old = sequence[position]
                position += 1
            if self.action == f"remove:{row_form}":
                continue
            if old is not None and not isinstance(old, CommentedMap):
                kept.append(old)  # not an entry the page can show (a typo in the file): kept as it is
                continue
            row_data = f"{data_path}[{len(kept)}]"
            entry = self.part(Part(group.key, group.label, group.fields), row_form, row_data, old)
            if entry is None:
                continue
            if old is None and group.flow:
                entry.fa.set_flow_style()
            if group.key == "clinicians":
                self._new_clinician_id(entry)
            if group.key == "medications":
                self._generic_name(entry, row_data)
            self.reading.entries[row_data] = row_form
            kept.append(entry)
        kept.extend(sequence[position:])  # entries the page did not show (a stale form): never lost
        if self.action == f"add:{form_path}":
            self.reading.added = data_path
        if len(kept) != len(sequence) or any(a is not b for a, b in zip(kept, sequence)):
            sequence[:] = kept
        return sequence if len(sequence) else None

    def value(self, spec: Field, raw: str, path: str) -> object:
        text = raw.replace("\r\n", "\n").strip()
        if not text:
            return None
        try:
            return _READERS[spec.kind](self, spec, text, path)
        except AmbiguousDateError as error:
            readings = error.readings or ()
            self.reading.problems[path] = Problem(
                f"'{text}' could be {' or '.join(reading.display() for reading in readings)}: which did you mean?",
                tuple((reading.isoformat(), _long_date(reading)) for reading in readings))
        except (EntryError, ValueError) as error:
            self.reading.problems[path] = Problem(_sentence(str(error)))
        return text  # kept as typed; the case file is not valid until it is put right

    def _dose_note(self, node: CommentedMap, path: str) -> None:
        note = self.reading.understood.get(f"{path}.mg_per_day")
        if note is not None and "note" not in node and "mg_per_day" in node:
            _put(node, "note", DoubleQuotedScalarString(note.split(" → ")[0]), list(node.keys()) + ["note"])

    def _generic_name(self, entry: CommentedMap, path: str) -> None:
        """A brand typed as the drug is recorded as the generic name, with the brand beside it."""
        typed = entry.get("drug")
        generic = generic_name(typed) if isinstance(typed, str) else None
        if generic is None or generic == typed.strip().casefold() or entry.get("brand"):
            return
        entry["drug"] = generic
        _put(entry, "brand", typed.strip(), ["drug", "brand"])
        self.reading.understood[f"{path}.drug"] = f"{typed.strip()} is a brand of {generic}: recorded as {generic} (brand {typed.strip()})"

    def _new_clinician_id(self, entry: CommentedMap) -> None:
        name = entry.get("name")
        if entry.get("id") or not isinstance(name, str):
            return
        identifier = _suggest_id(name, self.taken_ids)
        self.taken_ids.add(identifier)
        entry.insert(0, "id", identifier)


def _text(_reader: _Reader, spec: Field, text: str, _path: str) -> object:
    if spec.key == "current_text":
        text = _unquoted(text)
    return text


def _lines(_reader: _Reader, spec: Field, text: str, _path: str) -> object:
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    return to_node(lines, spec.key)


def _date(reader: _Reader, _spec: Field, text: str, _path: str) -> object:
    return to_node(parse_date_text(text, today=reader.today))


def _number(_reader: _Reader, _spec: Field, text: str, _path: str) -> object:
    return _read_number(re.sub(r"\s*(mg|%)$", "", text, flags=re.IGNORECASE))


def _integer(_reader: _Reader, _spec: Field, text: str, _path: str) -> object:
    if not re.fullmatch(r"\d+", text):
        raise EntryError(f"'{text}' is not a whole number; expected a number of days such as 28")
    return int(text)


def _dose(reader: _Reader, _spec: Field, text: str, path: str) -> object:
    try:
        return _read_number(text)
    except EntryError:
        pass
    reading = parse_dose_text(text)
    reader.reading.understood[path] = f"{reading.note or text} → {_format_number(reading.mg_per_day)} mg/day"
    return reading.mg_per_day


def _severity(_reader: _Reader, _spec: Field, text: str, _path: str) -> object:
    return parse_severity_text(text)


def _numbers(_reader: _Reader, _spec: Field, text: str, _path: str) -> object:
    parts = [part for part in re.split(r"[,;\s]+|\band\b", re.sub(r"\s*mg\b", "", text, flags=re.IGNORECASE)) if part]
    sequence = CommentedSeq(_read_number(part) for part in parts)
    sequence.fa.set_flow_style()
    return sequence


def _choice(_reader: _Reader, spec: Field, text: str, _path: str) -> object:
    return text


def _sign(_reader: _Reader, _spec: Field, text: str, _path: str) -> object:
    lowered = " ".join(text.split()).casefold()
    for key, name in SIGNS:
        if lowered in (key, key.replace("_", " "), name.casefold()):
            return key
    return text


_READERS = {"text": _text, "textarea": _text, "hidden": _text, "lines": _lines, "date": _date,
            "number": _number, "integer": _integer, "dose": _dose, "severity": _severity, "numbers": _numbers,
            "choice": _choice, "clinician": _choice, "sign": _sign}


def _read_number(text: str) -> int | float:
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise EntryError(f"'{text}' is not a number; expected a number such as 0.5 (with a point, not a comma)") from None
    if not number.is_finite():
        raise EntryError(f"'{text}' is not a number; expected a number such as 0.5")
    if number == number.to_integral_value() and "." not in text and "e" not in text.lower():
        return int(number)
    return float(number)


def _unquoted(text: str) -> str:
    """Quotation marks typed around a quote are not part of it."""
    for opening, closing in _QUOTES:
        if len(text) >= 2 and text.startswith(opening) and text.endswith(closing) and opening not in text[1:-1]:
            return text[1:-1].strip()
    return text


def _put(node: CommentedMap, key: str, value: object, order: list[str] | tuple[str, ...]) -> None:
    """Set, replace or remove ``key``, keeping the node's own value when it is the same."""
    if value is None:
        if key in node:
            del node[key]
        return
    if key in node:
        if _same(node[key], value):
            return
        node[key] = value
        return
    rank = order.index(key) if key in order else len(order)
    position = len(node)
    for index, existing in enumerate(node):
        if existing in order and order.index(existing) > rank:
            position = index
            break
    node.insert(position, key, value)


def _same(old: object, new: object) -> bool:
    if old is new:
        return True
    return _plain(old) == _plain(new)


def _plain(value: object) -> object:
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, (date, datetime)):
        return value.isoformat()[:10]
    if isinstance(value, str):
        return str(value)
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (int, float)):
        return float(value)
    return value


def _long_date(when: PartialDate) -> str:
    months = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
              "October", "November", "December")
    if when.month is None:
        return str(when.year)
    if when.day is None:
        return f"{months[when.month - 1]} {when.year}"
    return f"{when.day} {months[when.month - 1]} {when.year}"


def _sentence(message: str) -> str:
    message = message.strip()
    return (message[:1].upper() + message[1:]).rstrip(".") + "."


# -- showing a page -------------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldView:
    spec: Field
    path: str
    id: str
    value: str
    error: str | None
    choices: tuple[tuple[str, str], ...]
    picks: tuple[tuple[str, str], ...]
    understood: str | None


@dataclass(frozen=True)
class PartView:
    spec: Part
    path: str
    id: str
    children: tuple[FieldView | PartView | GroupView, ...]
    error: str | None


@dataclass(frozen=True)
class RowView:
    path: str
    id: str
    number: int
    state: str
    children: tuple[FieldView | PartView | GroupView, ...]
    error: str | None
    title: str


@dataclass(frozen=True)
class GroupView:
    spec: Group
    path: str
    id: str
    rows: tuple[RowView, ...]
    error: str | None


View = FieldView | PartView | GroupView


@dataclass(frozen=True)
class Messages:
    """What to show beside the fields: problems (by path), doses worked out, entries to add."""

    errors: Mapping[str, str]
    picks: Mapping[str, tuple[tuple[str, str], ...]]
    understood: Mapping[str, str]
    blank_rows: Mapping[str, int]


def build_view(section: Section, document: CaseDocument, messages: Messages) -> tuple[View, ...]:
    """The page's fields with their values from ``document`` and the messages for each."""
    builder = _Builder(document, messages)
    views: list[View] = []
    for node in section.nodes:
        views.append(builder.node(node, node.key, document.data.get(node.key), blank=False))
    return tuple(views)


class _Builder:
    def __init__(self, document: CaseDocument, messages: Messages) -> None:
        self.messages = messages
        self.clinicians = tuple(document.clinicians())

    def node(self, node: Node, path: str, value: object, blank: bool) -> View:
        if isinstance(node, Field):
            return self.field(node, path, value)
        if isinstance(node, Part):
            mapping = value if isinstance(value, Mapping) else {}
            children = tuple(self.node(child, f"{path}.{child.key}", mapping.get(child.key), blank) for child in node.fields)
            return PartView(node, path, field_id(path), children, self.messages.errors.get(path))
        return self.group(node, path, value, blank)

    def group(self, group: Group, path: str, value: object, blank: bool) -> GroupView:
        entries = list(value) if isinstance(value, list) else []
        rows: list[RowView] = []
        for index, entry in enumerate(entries):
            rows.append(self.row(group, f"{path}[{index}]", index, entry, EXISTING))
        extra = max(self.messages.blank_rows.get(path, 0), group.min_rows - len(entries))
        for index in range(len(entries), len(entries) + extra):
            rows.append(self.row(group, f"{path}[{index}]", index, None, NEW))
        return GroupView(group, path, field_id(path), tuple(rows), self.messages.errors.get(path))

    def row(self, group: Group, path: str, index: int, entry: object, state: str) -> RowView:
        mapping = entry if isinstance(entry, Mapping) else {}
        children = tuple(self.node(child, f"{path}.{child.key}", mapping.get(child.key), blank=state == NEW)
                         for child in group.fields)
        first = next((child.key for child in group.fields if isinstance(child, Field) and child.kind != "hidden"), "")
        title = _display(mapping.get(first), None) if first else ""
        return RowView(path, field_id(path), index + 1, state, children, self.messages.errors.get(path), title)

    def field(self, spec: Field, path: str, value: object) -> FieldView:
        choices = spec.choices
        if spec.kind == "clinician":
            choices = tuple((identifier, name) for identifier, name in self.clinicians)
        elif spec.kind == "sign":
            choices = SIGNS
        shown = _display(value, spec)
        if spec.kind == "sign":
            shown = dict(SIGNS).get(shown, shown)
        return FieldView(spec, path, field_id(path), shown, self.messages.errors.get(path), choices,
                         self.messages.picks.get(path, ()), self.messages.understood.get(path))


def _display(value: object, spec: Field | None) -> str:
    if value is None:
        return ""
    if isinstance(value, (date, datetime)):
        return value.isoformat()[:10]
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        return _format_number(value)
    if isinstance(value, list):
        separator = ", " if spec is not None and spec.kind == "numbers" else "\n"
        return separator.join(_display(item, None) for item in value)
    return str(value)


def _format_number(value: float) -> str:
    if isinstance(value, int):
        return str(value)
    text = repr(float(value))
    if "e" in text.lower():
        text = format(Decimal(text), "f")
    return text[:-2] if text.endswith(".0") else text


def section_values(section: Section, document: CaseDocument) -> dict[str, Any]:
    """The section's top-level values, for telling whether a page has anything on it."""
    return {key: document.data.get(key) for key in section.keys if document.data.get(key) not in (None, [], {})}
