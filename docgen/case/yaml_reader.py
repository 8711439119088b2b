"""YAML text to plain data, event by event, with the line of every field.

libyaml's parser (through PyYAML) turns the text into events; this module builds dicts, lists and
scalars from them with an explicit stack, so nesting is bounded by ``max_depth`` and never by the
C or the Python stack, and the work is linear in the text, aliases included (each use of an alias
counts its values and its text again, so a small file cannot expand into a large one).

A plain (unquoted) scalar is read as a number, a boolean or nothing only where YAML 1.1 readers
(PyYAML, most tools) and YAML 1.2 readers agree on its meaning: ``true``/``false`` are booleans,
``null``, ``~`` and an empty value are nothing, ``12``, ``-3``, ``0.5`` and ``2.5e+3`` are
numbers. Everything else stays text exactly as typed: ``yes`` and ``no``, ``010``, ``0x1A``,
``1:30``, ``1_000`` and ``1e5`` (which one reader or the other turns into a boolean, 8 or 10, 26,
90, 1000 or 100000) are not read as numbers, so a dose field refuses them with what was typed, and
a text field (a record number such as ``0042117``) keeps them as typed. Dates stay text; docgen
reads them itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml import events

from docgen.case.model import _excerpt
from docgen.errors import Located

_Parser: Any
try:  # libyaml's event parser, when PyYAML was built with it: several times faster
    from yaml._yaml import CParser as _Parser
except ImportError:  # pragma: no cover - PyYAML without libyaml
    _Parser = None

Path_ = tuple[str | int, ...]

_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_TRUE = frozenset({"true", "True", "TRUE"})
_FALSE = frozenset({"false", "False", "FALSE"})
_DECIMAL = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")
_FLOAT = re.compile(r"[-+]?[0-9]+\.[0-9]*(?:[eE][-+][0-9]+)?|\.[0-9]+(?:[eE][-+][0-9]+)?")
_INFINITY = re.compile(r"[-+]?\.(?:inf|Inf|INF)")
_NAN = frozenset({".nan", ".NaN", ".NAN"})
#: Longer runs of digits are not numbers anyone means; they become infinity, which the field
#: checks then refuse with the field's path (Python refuses to convert them at all).
MAX_DIGITS = 1000

_STANDARD = "tag:yaml.org,2002:"
_SCALAR_TAGS = frozenset({"str", "int", "float", "bool", "null"})
_CONTAINER_TAGS = frozenset({"map", "seq"})


class Refused(Exception):
    """The text is refused as a whole (too deep, too large, not one document)."""

    def __init__(self, problem: Located) -> None:
        super().__init__(problem.message)
        self.problem = problem


@dataclass
class _Frame:
    container: dict[str, Any] | list[Any]
    path: Path_
    anchor: str | None
    values: int = 1
    text_bytes: int = 0
    key: str | None = None
    key_line: int = 0
    awaiting_key: bool = True
    merges: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Reading:
    """What was read: the data, the line of each field's path, and the problems found."""

    data: Any
    lines: dict[Path_, int]
    problems: list[Located]


def _line(event: events.Event) -> int:
    return event.start_mark.line + 1 if event.start_mark is not None else 0


def format_path(path: Path_) -> str:
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:  # a key the user typed (an unknown field) is shown as a short excerpt
            text += ("." if text else "") + _excerpt(str(part))
    return text


def resolve_plain(text: str) -> Any:
    """A plain (unquoted) scalar where YAML 1.1 and 1.2 agree on it; anything else is text."""
    if text in _NULLS:
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    if _DECIMAL.fullmatch(text):
        return float("inf") if len(text) > MAX_DIGITS else int(text)
    if _FLOAT.fullmatch(text):
        return float("inf") if len(text) > MAX_DIGITS else float(text)
    if _INFINITY.fullmatch(text):
        return float("-inf") if text.startswith("-") else float("inf")
    if text in _NAN:
        return float("nan")
    return text


def yaml11_number(text: str) -> object | None:
    """What a YAML 1.1 reader makes of ``text`` when that is a number docgen does not read as one
    (``010`` -> 8, ``0x1A`` -> 26, ``1:30`` -> 90), for messages; None otherwise."""
    if len(text) > 60 or not re.fullmatch(r"[-+0-9a-fA-FxXoObB_:.]+", text):
        return None
    try:
        value = yaml.safe_load(text)
    except yaml.YAMLError:
        return None
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def read_yaml(text: str, *, max_depth: int, max_values: int, max_text_bytes: int) -> Reading:
    """Build the data of a one-document YAML text; raise ``yaml.YAMLError`` for text that is not
    YAML and ``Refused`` for text that is too deep or expands too far."""
    parser = _Parser(text) if _Parser is not None else yaml.SafeLoader(text)
    try:
        return _Builder(max_depth, max_values, max_text_bytes).build(parser)
    finally:
        if _Parser is None:  # pragma: no cover
            parser.dispose()


class _Builder:
    def __init__(self, max_depth: int, max_values: int, max_text_bytes: int) -> None:
        self.max_depth = max_depth
        self.max_values = max_values
        self.max_text_bytes = max_text_bytes
        self.stack: list[_Frame] = []
        self.anchors: dict[str, tuple[Any, int, int]] = {}
        self.open_anchors: set[str] = set()
        self.lines: dict[Path_, int] = {}
        self.problems: list[Located] = []
        self.values = 0
        self.text_bytes = 0
        self.root: Any = None
        self.documents = 0

    def build(self, parser: Any) -> Reading:
        while True:
            event = parser.get_event()
            if isinstance(event, events.StreamEndEvent):
                break
            if isinstance(event, events.DocumentStartEvent):
                self.documents += 1
                if self.documents > 1:
                    raise Refused(Located("", _line(event),
                                          "holds more than one YAML document (a line '---' starts another); "
                                          "a case file is one document"))
            elif isinstance(event, events.ScalarEvent):
                self._scalar(event)
            elif isinstance(event, (events.MappingStartEvent, events.SequenceStartEvent)):
                self._start(event)
            elif isinstance(event, (events.MappingEndEvent, events.SequenceEndEvent)):
                self._end()
            elif isinstance(event, events.AliasEvent):
                self._alias(event)
        return Reading(self.root, self.lines, self.problems)

    # -- events ---------------------------------------------------------------------------------

    def _scalar(self, event: events.ScalarEvent) -> None:
        line = _line(event)
        text = event.value
        self._count(1, len(text), line)
        top = self.stack[-1] if self.stack else None
        if top is not None and isinstance(top.container, dict) and top.awaiting_key:
            self._key(top, text, line, is_merge=text == "<<" and not event.style and event.tag is None)
            return
        value = self._scalar_value(event, line, self._child_path(line))
        if event.anchor is not None:
            self.anchors[event.anchor] = (value, 1, len(text))
        self._add(value, line, 1, len(text))

    def _scalar_value(self, event: events.ScalarEvent, line: int, path: Path_) -> Any:
        text = event.value
        tag = event.tag
        plain = not event.style and bool(event.implicit[0])
        if tag is None or tag == "!":
            return resolve_plain(text) if plain else text
        name = tag.removeprefix(_STANDARD) if tag.startswith(_STANDARD) else None
        if name not in _SCALAR_TAGS:
            self._problem(line, f"the tag '{_excerpt(tag)}' is not used in case files; remove it", path)
            return text
        if name == "str":
            return text
        value = resolve_plain(text)
        expected: dict[str, type | tuple[type, ...]] = {"int": int, "float": (int, float), "bool": bool, "null": type(None)}
        if not isinstance(value, expected[name]) or (name in ("int", "float") and isinstance(value, bool)):
            self._problem(line, f"'{_excerpt(text)}' is not a {name} (it is tagged !!{name})", path)
            return text
        return float(value) if name == "float" and isinstance(value, int) else value

    def _start(self, event: events.MappingStartEvent | events.SequenceStartEvent) -> None:
        line = _line(event)
        mapping = isinstance(event, events.MappingStartEvent)
        container: dict[str, Any] | list[Any] = {} if mapping else []
        self._count(1, 0, line)
        top = self.stack[-1] if self.stack else None
        if top is not None and isinstance(top.container, dict) and top.awaiting_key:
            self._problem(line, "a key must be plain text, not a list or mapping")
            top.key, top.key_line, top.awaiting_key = None, line, False
            path = top.path + ("?",)
        else:
            path = self._child_path(line)
            self._attach(container)
        tag = event.tag
        if tag is not None and tag != "!":
            name = tag.removeprefix(_STANDARD) if tag.startswith(_STANDARD) else None
            if name not in _CONTAINER_TAGS or (name == "map") != mapping:
                self._problem(line, f"the tag '{_excerpt(tag)}' is not used in case files; remove it", path)
        if len(path) > self.max_depth:
            raise Refused(Located(format_path(path), line,
                                  f"nested too deeply; case files nest at most {self.max_depth} levels"))
        if event.anchor is not None:
            self.open_anchors.add(event.anchor)
        self.stack.append(_Frame(container, path, event.anchor))

    def _end(self) -> None:
        frame = self.stack.pop()
        if isinstance(frame.container, dict):
            for merged in frame.merges:
                for key, value in merged.items():
                    frame.container.setdefault(key, value)
        if frame.anchor is not None:
            self.open_anchors.discard(frame.anchor)
            self.anchors[frame.anchor] = (frame.container, frame.values, frame.text_bytes)
        if self.stack:
            parent = self.stack[-1]
            parent.values += frame.values
            parent.text_bytes += frame.text_bytes

    def _alias(self, event: events.AliasEvent) -> None:
        line = _line(event)
        anchor = event.anchor or ""
        top = self.stack[-1] if self.stack else None
        if anchor in self.open_anchors:
            raise Refused(Located(format_path(self._peek_path()), line,
                                  "an alias refers to the value it is part of; a case file cannot contain itself"))
        if anchor not in self.anchors:
            self._problem(line, f"the alias '*{_excerpt(anchor)}' refers to no anchor before it")
            value: Any = None
            values, text_bytes = 1, 0
        else:
            value, values, text_bytes = self.anchors[anchor]
        self._count(values, text_bytes, line)
        if top is not None and isinstance(top.container, dict) and top.awaiting_key:
            if isinstance(value, str):
                self._key(top, value, line, is_merge=False)
            else:
                self._problem(line, "a key must be plain text, not a list or mapping")
                top.key, top.key_line, top.awaiting_key = None, line, False
            return
        self._add(value, line, values, text_bytes)

    # -- building -------------------------------------------------------------------------------

    def _key(self, frame: _Frame, text: str, line: int, *, is_merge: bool) -> None:
        frame.awaiting_key = False
        frame.key_line = line
        if is_merge:
            frame.key = None  # the value (a mapping, or a list of them) is merged in at the end
            return
        assert isinstance(frame.container, dict)
        if text in frame.container:
            self.problems.append(Located(format_path(frame.path + (text,)), line, "appears twice; keep one"))
        frame.key = text
        self.lines.setdefault(frame.path + (text,), line)

    def _child_path(self, line: int) -> Path_:
        if not self.stack:
            self.lines.setdefault((), line)
            return ()
        top = self.stack[-1]
        if isinstance(top.container, list):
            path = top.path + (len(top.container),)
            self.lines.setdefault(path, line)
            return path
        return top.path + (top.key if top.key is not None else "<<",)

    def _peek_path(self) -> Path_:
        return self.stack[-1].path if self.stack else ()

    def _attach(self, value: Any) -> None:
        if not self.stack:
            self.root = value
            return
        top = self.stack[-1]
        if isinstance(top.container, list):
            top.container.append(value)
            return
        if top.key is None:  # the value of a merge key
            if isinstance(value, dict):
                top.merges.append(value)
            elif isinstance(value, list) and all(isinstance(item, dict) for item in value):
                top.merges.extend(value)
            else:
                self._problem(top.key_line, "a merge ('<<') takes a mapping or a list of mappings")
        else:
            top.container[top.key] = value
        top.key, top.awaiting_key = None, True

    def _add(self, value: Any, line: int, values: int, text_bytes: int) -> None:
        self._child_path(line)
        if self.stack:
            self.stack[-1].values += values
            self.stack[-1].text_bytes += text_bytes
        self._attach(value)

    def _count(self, values: int, text_bytes: int, line: int) -> None:
        self.values += values
        self.text_bytes += text_bytes
        if self.values > self.max_values:
            raise Refused(Located("", None, f"expands to more than {self.max_values:,} values "
                                            "(anchors and aliases included); refused"))
        if self.text_bytes > self.max_text_bytes:
            raise Refused(Located("", None, f"expands to more than {self.max_text_bytes:,} characters of text "
                                            "(anchors and aliases included); refused"))

    def _problem(self, line: int, message: str, path: Path_ | None = None) -> None:
        self.problems.append(Located(format_path(self._peek_path() if path is None else path), line, message))
