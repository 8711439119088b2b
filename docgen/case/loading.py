"""Case files in: YAML or JSON -> Case, with the file, field and line in every error.

Only regular files are read, and at most ``MAX_BYTES`` of them (counted as they are read, so a
device or a pipe named as a case file is refused, never read forever). YAML is read by
``docgen.case.yaml_reader`` (events to plain data, YAML 1.2 core schema); nesting deeper than
``MAX_DEPTH`` and anchors/aliases that expand past ``MAX_NODES`` values or ``MAX_TEXT`` characters
are refused while reading. JSON is read by the standard library, checked the same way.
"""

from __future__ import annotations

import difflib
import json
import os
import stat
import types
import typing
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError
from yaml.reader import Reader

from docgen.case.model import Case, Problem, _excerpt, iter_problems
from docgen.case.yaml_reader import MAX_DIGITS, Refused, format_path, read_yaml, yaml11_number
from docgen.errors import CaseFileError, Located

MAX_BYTES = 5 * 1024 * 1024
MAX_DEPTH = 40
MAX_NODES = 500_000
#: Characters of text a file may expand to through aliases (its own text is at most MAX_BYTES).
MAX_TEXT = 4 * MAX_BYTES

_Path = tuple[str | int, ...]


def _parse_json_int(text: str) -> object:
    return float("inf") if len(text) > MAX_DIGITS else int(text)


def load_case(path: str | Path) -> Case:
    """Read and check a case file; raise CaseFileError listing every problem found."""
    path = Path(path)
    name = str(path)
    try:
        raw = _read_regular_file(path, name)
    except FileNotFoundError:
        raise CaseFileError(name, [Located("", None, "no such file; expected the path of a YAML or JSON case file")]) from None
    except IsADirectoryError:
        raise CaseFileError(name, [Located("", None, "this is a folder; expected a YAML or JSON case file")]) from None
    except OSError as error:
        raise CaseFileError(name, [Located("", None, f"cannot be read ({error.strerror or 'input/output error'})")]) from None
    return parse_case(raw, name, as_json=path.suffix.lower() == ".json")


def _read_regular_file(path: Path, name: str) -> bytes:
    """The bytes of a regular file, refusing anything else (a device, a pipe, a socket) before
    reading, and stopping after MAX_BYTES + 1 bytes whatever the file claims its size is."""
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    try:
        status = os.fstat(descriptor)
        mode = status.st_mode
        if stat.S_ISREG(mode) and status.st_size > MAX_BYTES:
            raise CaseFileError(name, [Located("", None, f"the file is {status.st_size:,} bytes; "
                                                         f"case files are limited to {MAX_BYTES:,} bytes")])
        if stat.S_ISDIR(mode):
            raise IsADirectoryError
        if not stat.S_ISREG(mode):
            raise CaseFileError(name, [Located("", None, "is not a regular file (a device, pipe or socket); "
                                                         "expected a YAML or JSON case file")])
        chunks: list[bytes] = []
        size = 0
        while size <= MAX_BYTES:
            chunk = os.read(descriptor, min(1 << 20, MAX_BYTES + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    finally:
        os.close(descriptor)
    if size > MAX_BYTES:
        raise CaseFileError(name, [Located("", None, f"the file is over {MAX_BYTES:,} bytes; case files are limited to that")])
    return b"".join(chunks)


def parse_case(raw: bytes | str, name: str = "<case>", *, as_json: bool = False) -> Case:
    """Check case-file text (YAML, or JSON when ``as_json``) and build the Case."""
    if isinstance(raw, bytes):
        if len(raw) > MAX_BYTES:
            raise CaseFileError(name, [Located("", None, f"the text is over {MAX_BYTES:,} bytes; case files are limited to that")])
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise CaseFileError(name, [Located("", None, f"is not UTF-8 text (byte {error.start}); save it as UTF-8")]) from None
    else:
        text = raw
    if not as_json:
        data, lines = _read_yaml(text, name)
        return validate_case(data, name, lines)
    data = _read_json(text, name)
    try:
        return validate_case(data, name, {})
    except CaseFileError:  # the lines are wanted only for the messages
        pass
    return validate_case(data, name, _json_lines(text))


def validate_case(data: object, name: str = "<case>", lines: Mapping[_Path, int] | None = None) -> Case:
    """Check already-parsed data against the contract."""
    lines = lines or {}
    if not isinstance(data, dict):
        raise CaseFileError(name, [Located("", 1, "expected a mapping of sections (version, patient, medications, ...)")])
    problems = {problem.path: _locate(problem, lines) for problem in iter_problems(data)}
    try:
        case = Case.model_validate(data)
    except ValidationError as error:
        for path, located in _iter_validation_problems(error, data, lines):
            problems.setdefault(path, located)
    else:
        if not problems:
            return case
    raise CaseFileError(name, sorted(problems.values(), key=lambda located: (located.line or 0, located.field)))


# -- reading ------------------------------------------------------------------------------------


def _read_yaml(text: str, name: str) -> tuple[object, dict[_Path, int]]:
    bad = Reader.NON_PRINTABLE.search(text)  # what YAML does not allow, found at once
    if bad:
        where = text.count("\n", 0, bad.start()) + 1
        raise CaseFileError(name, [Located("", where, f"not valid YAML: character #x{ord(bad.group()):04x} is not allowed "
                                                     "(a control character; save the file as plain text)")])
    try:
        reading = read_yaml(text, max_depth=MAX_DEPTH, max_values=MAX_NODES, max_text_bytes=MAX_TEXT)
    except Refused as refused:
        raise CaseFileError(name, [refused.problem]) from None
    except yaml.MarkedYAMLError as error:
        if "nesting depth" in (error.problem or ""):  # PyYAML 6.0.4 and later have a limit of their own
            raise CaseFileError(name, [_too_deep()]) from None
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else None
        what = _excerpt(error.problem or error.context or "not valid YAML")
        raise CaseFileError(name, [Located("", line, f"not valid YAML: {what}")]) from None
    except (yaml.YAMLError, RecursionError):
        raise CaseFileError(name, [Located("", None, "not valid YAML")]) from None
    if reading.problems:
        raise CaseFileError(name, reading.problems)
    if reading.data is None:
        raise CaseFileError(name, [Located("", None, "the file is empty; expected a case file (see `docgen schema`)")])
    return reading.data, reading.lines


def _read_json(text: str, name: str) -> object:
    duplicates: list[str] = []

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, value in items:
            if key in result:
                duplicates.append(key)
            result[key] = value
        return result

    try:
        data = json.loads(text, object_pairs_hook=pairs, parse_int=_parse_json_int)
    except json.JSONDecodeError as error:
        raise CaseFileError(name, [Located("", error.lineno, f"not valid JSON: {error.msg}")]) from None
    except RecursionError:
        raise CaseFileError(name, [_too_deep()]) from None
    if duplicates or not _small_enough(data):
        # read again as YAML, which locates each duplicate key and the place that is too deep
        try:
            reading = read_yaml(text, max_depth=MAX_DEPTH, max_values=MAX_NODES, max_text_bytes=MAX_TEXT)
        except Refused as refused:
            raise CaseFileError(name, [refused.problem]) from None
        except (yaml.YAMLError, RecursionError):
            reading = None
        if reading is not None and reading.problems:
            raise CaseFileError(name, reading.problems)
        if duplicates:
            raise CaseFileError(name, [Located(_excerpt(duplicates[0]), None, "appears twice in one object; keep one")])
        raise CaseFileError(name, [_too_deep()])
    return data


def _small_enough(data: object) -> bool:
    """Whether parsed data nests at most MAX_DEPTH levels and holds at most MAX_NODES values
    (JSON has no aliases, so this is its size as written); iterative, so never a recursion."""
    stack: list[tuple[object, int]] = [(data, 0)]
    count = 0
    while stack:
        value, depth = stack.pop()
        count += 1
        if count > MAX_NODES or depth > MAX_DEPTH:
            return False
        if isinstance(value, dict):
            stack.extend((item, depth + 1) for item in value.values())
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value)
    return True


def _json_lines(text: str) -> dict[_Path, int]:
    """The line of each field of a JSON text (JSON is YAML), or none where it cannot be had."""
    try:
        return read_yaml(text, max_depth=MAX_DEPTH, max_values=MAX_NODES, max_text_bytes=MAX_TEXT).lines
    except (Refused, yaml.YAMLError, RecursionError):
        return {}


def _too_deep() -> Located:
    return Located("", None, f"nested too deeply; case files nest at most {MAX_DEPTH} levels")


# -- messages -----------------------------------------------------------------------------------


_format_path = format_path


def _locate(problem: Problem, lines: Mapping[_Path, int]) -> Located:
    return Located(_format_path(problem.path), _line_of(problem.path, lines), problem.message)


def _line_of(path: _Path, lines: Mapping[_Path, int]) -> int | None:
    while True:
        if path in lines:
            return lines[path]
        if not path:
            return None
        path = path[:-1]


def _data_path(loc: tuple[str | int, ...], data: object) -> _Path:
    """Keep the parts of a pydantic location that address the data (drop union member tags)."""
    kept: list[str | int] = []
    node: object = data
    for index, part in enumerate(loc):
        if isinstance(node, dict) and part in node:
            kept.append(part)
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            kept.append(part)
            node = node[part]
        elif isinstance(node, dict) and isinstance(part, str) and index == len(loc) - 1 \
                and part in _allowed_fields(tuple(kept)):
            kept.append(part)  # a missing field: the path names it
        else:
            node = None
    return tuple(kept)


def _iter_validation_problems(
    error: ValidationError, data: object, lines: Mapping[_Path, int]
) -> Iterator[tuple[_Path, Located]]:
    seen: set[_Path] = set()
    for detail in error.errors(include_url=False, include_input=True):
        path = _data_path(tuple(detail["loc"]), data)
        if path in seen:
            continue
        seen.add(path)
        yield path, Located(_format_path(path), _line_of(path, lines), _message(detail, path))


def _message(detail: Mapping[str, Any], path: _Path) -> str:
    kind = detail["type"]
    context = detail.get("ctx") or {}
    value = detail.get("input")
    field = path[-1] if path else ""
    if kind == "missing":
        return "is required but missing"
    if kind == "extra_forbidden":
        allowed = _allowed_fields(path[:-1])
        close = difflib.get_close_matches(str(field), allowed, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        return f"is not a field here{hint}; expected one of: {', '.join(allowed)}"
    if kind == "literal_error":
        expected = str(context.get("expected", "")).replace("'", "")
        if field == "version":
            return "expected 1 (the only case-file version so far)"
        return f"'{_excerpt(str(value))}' is not allowed; expected one of: {expected.replace(' or ', ', ')}"
    if kind == "partial_date":
        reason = str(context.get("reason", "not a date"))
        return reason if "expected" in reason else f"{reason}; expected a real date as YYYY-MM-DD, YYYY-MM or YYYY"
    if kind in {"float_type", "int_type", "int_from_float", "float_parsing", "int_parsing"}:
        other_reading = yaml11_number(value) if isinstance(value, str) else None
        if other_reading is not None:
            return (f"'{_excerpt(str(value))}' is not written as a plain decimal number (some YAML readers take it as "
                    f"{other_reading}, others as text); write it in decimal digits, without leading zeros, "
                    "underscores or colons")
        whole = kind.startswith("int") or field in {"severity", "days", "every_days"}
        return f"expected a {'whole number' if whole else 'number'}, not {_describe(value)}"
    if kind == "string_type":
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return "expected text, not a number (put it in quotes, as typed: YAML reads some digits as other numbers)"
        return f"expected text, not {_describe(value)} (put it in quotes)"
    if kind in {"greater_than_equal", "greater_than", "less_than_equal", "less_than"}:
        bounds = {"greater_than_equal": "at least", "greater_than": "more than",
                  "less_than_equal": "at most", "less_than": "less than"}
        limit = next(iter(context.values()), "")
        return f"expected a number {bounds[kind]} {limit}, not {_excerpt(str(value))}"
    if kind == "too_short":
        return "expected at least one entry"
    if kind == "list_type":
        return f"expected a list, not {_describe(value)}"
    if kind in {"model_type", "dict_type", "model_attributes_type"}:
        return f"expected a mapping of fields, not {_describe(value)}"
    if kind == "value_error":
        return str(detail["msg"]).removeprefix("Value error, ")
    return str(detail["msg"])


def _describe(value: object) -> str:
    if value is None:
        return "nothing (an empty value)"
    if isinstance(value, bool):
        return f"yes/no ({str(value).lower()})"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the text '{_excerpt(value)}'"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def _allowed_fields(path: _Path) -> list[str]:
    """The field names of the model found at ``path`` in a case file."""
    model: type[BaseModel] | None = Case
    for part in path:
        if model is None:
            return []
        if isinstance(part, int):
            continue
        field = next((f for n, f in model.model_fields.items() if (f.alias or n) == part), None)
        model = _model_in(field.annotation) if field is not None else None
    if model is None:
        return []
    return [field.alias or name for name, field in model.model_fields.items()]


def _model_in(annotation: object) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _model_in(typing.get_args(annotation)[0])
    if origin in (list, typing.Union, types.UnionType):
        for argument in typing.get_args(annotation):
            found = _model_in(argument)
            if found is not None:
                return found
    return None
