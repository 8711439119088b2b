"""Case files in: YAML or JSON -> Case, with the file, field and line in every error.

YAML is read with a safe loader only; files over ``MAX_BYTES``, nesting deeper than ``MAX_DEPTH``
and anchors/aliases that expand past ``MAX_NODES`` are refused before anything is built.
Timestamps are kept as text so that the date rules (and their messages) are docgen's own.
"""

from __future__ import annotations

import difflib
import json
import types
import typing
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.reader import Reader
from yaml.resolver import Resolver

from docgen.case.model import Case, Problem, _excerpt, iter_problems
from docgen.errors import CaseFileError, Located

MAX_BYTES = 5 * 1024 * 1024
MAX_DEPTH = 40
MAX_NODES = 500_000

_Path = tuple[str | int, ...]


try:  # libyaml's event parser, when PyYAML was built with it: several times faster
    from yaml._yaml import CParser as _Parser  # noqa: I001

    _FAST = True
except ImportError:  # pragma: no cover - PyYAML without libyaml
    _FAST = False


if _FAST:

    class _CaseLoader(Composer, _Parser, SafeConstructor, Resolver):
        """The safe loader, with dates left as text (docgen parses and checks them itself).

        Events come from libyaml; nodes are composed in Python, where nesting that is too deep
        ends in a RecursionError (libyaml's own composer recurses in C, and a hostile file nested a
        million levels deep would crash the process)."""

        def __init__(self, text: str) -> None:
            bad = Reader.NON_PRINTABLE.search(text)  # what PyYAML's own reader refuses, at once
            if bad:
                raise yaml.reader.ReaderError("<file>", bad.start(), ord(bad.group()), "unicode",
                                              "special characters are not allowed")
            _Parser.__init__(self, text)
            Composer.__init__(self)
            SafeConstructor.__init__(self)
            Resolver.__init__(self)

else:  # pragma: no cover

    class _CaseLoader(yaml.SafeLoader):  # type: ignore[no-redef]
        """The safe loader, with dates left as text (docgen parses and checks them itself)."""


_CaseLoader.add_constructor("tag:yaml.org,2002:timestamp", _CaseLoader.construct_yaml_str)  # type: ignore[type-var]

#: Longer runs of digits are not numbers anyone means; they become infinity, which the
#: field checks then refuse with the field's path (Python refuses to convert them at all).
_MAX_DIGITS = 1000


def _construct_int(loader: yaml.SafeLoader, node: yaml.Node) -> object:
    if len(str(node.value)) > _MAX_DIGITS:
        return float("inf")
    return yaml.SafeLoader.construct_yaml_int(loader, node)  # type: ignore[arg-type]


def _parse_json_int(text: str) -> object:
    return float("inf") if len(text) > _MAX_DIGITS else int(text)


_CaseLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)


def load_case(path: str | Path) -> Case:
    """Read and check a case file; raise CaseFileError listing every problem found."""
    path = Path(path)
    name = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise CaseFileError(name, [Located("", None, f"the file is {size:,} bytes; case files are limited to {MAX_BYTES:,} bytes")])
        raw = path.read_bytes()
    except FileNotFoundError:
        raise CaseFileError(name, [Located("", None, "no such file; expected the path of a YAML or JSON case file")]) from None
    except IsADirectoryError:
        raise CaseFileError(name, [Located("", None, "this is a folder; expected a YAML or JSON case file")]) from None
    except OSError as error:
        raise CaseFileError(name, [Located("", None, f"cannot be read ({error.strerror or 'input/output error'})")]) from None
    return parse_case(raw, name, as_json=path.suffix.lower() == ".json")


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
    data, lines = _read_json(text, name) if as_json else _read_yaml(text, name)
    return validate_case(data, name, lines)


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
    try:
        loader = _CaseLoader(text)  # the reader refuses control characters here, before any parsing
    except yaml.reader.ReaderError as error:
        where = text.count("\n", 0, error.position) + 1
        code = error.character if isinstance(error.character, int) else 0
        raise CaseFileError(name, [Located("", where, f"not valid YAML: character #x{code:04x} is not allowed "
                                                     "(a control character; save the file as plain text)")]) from None
    try:
        node = loader.get_single_node()
        if node is None:
            raise CaseFileError(name, [Located("", None, "the file is empty; expected a case file (see `docgen schema`)")])
        lines: dict[_Path, int] = {}
        problems: list[Located] = []
        _check_tree(node, (), 0, lines, problems, {})
        if problems:
            raise CaseFileError(name, problems)
        data = loader.construct_document(node)
    except _Refused as refused:
        raise CaseFileError(name, [refused.problem]) from None
    except yaml.MarkedYAMLError as error:
        if "nesting depth" in (error.problem or ""):  # PyYAML 6.0.4 and later have a limit of their own
            raise CaseFileError(name, [_too_deep()]) from None
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else None
        what = error.problem or error.context or "not valid YAML"
        raise CaseFileError(name, [Located("", line, f"not valid YAML: {what}")]) from None
    except yaml.YAMLError:
        raise CaseFileError(name, [Located("", None, "not valid YAML")]) from None
    except RecursionError:
        raise CaseFileError(name, [_too_deep()]) from None
    finally:
        loader.dispose()
    return data, lines


def _read_json(text: str, name: str) -> tuple[object, dict[_Path, int]]:
    # JSON is YAML too: a first pass gives the line of each field and finds duplicate keys by
    # path. Where PyYAML cannot read a JSON file, messages go without lines.
    lines: dict[_Path, int] = {}
    try:
        loader = _CaseLoader(text)
        try:
            node = loader.get_single_node()
            if node is not None:
                problems: list[Located] = []
                _check_tree(node, (), 0, lines, problems, {})
                if problems:
                    raise CaseFileError(name, problems)
        finally:
            loader.dispose()
    except _Refused as refused:
        raise CaseFileError(name, [refused.problem]) from None
    except (yaml.YAMLError, RecursionError):
        lines = {}

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, value in items:
            if key in result:
                raise CaseFileError(name, [Located(_excerpt(key), None, "appears twice in one object; keep one")])
            result[key] = value
        return result

    try:
        data = json.loads(text, object_pairs_hook=pairs, parse_int=_parse_json_int)
    except json.JSONDecodeError as error:
        raise CaseFileError(name, [Located("", error.lineno, f"not valid JSON: {error.msg}")]) from None
    except RecursionError:
        raise CaseFileError(name, [_too_deep()]) from None
    return data, lines


def _too_deep() -> Located:
    return Located("", None, f"nested too deeply; case files nest at most {MAX_DEPTH} levels")


class _Refused(Exception):
    """A tree refused before it is built (too deep or too large)."""

    def __init__(self, problem: Located) -> None:
        super().__init__(problem.message)
        self.problem = problem


def _check_tree(
    node: yaml.Node, path: _Path, depth: int, lines: dict[_Path, int], problems: list[Located], sizes: dict[int, int]
) -> int:
    """Record the line of every field, refuse duplicate keys, deep nesting and alias bombs.

    Returns the number of values the subtree expands to (an alias counts each time it is used;
    each node is measured once).
    """
    line = node.start_mark.line + 1
    if depth > MAX_DEPTH:
        raise _Refused(Located(_format_path(path), line, f"nested too deeply; case files nest at most {MAX_DEPTH} levels"))
    known = sizes.get(id(node))
    if known is not None:
        return known
    sizes[id(node)] = 1  # a self-referencing alias counts once while it is being measured
    lines.setdefault(path, line)
    total = 1
    if isinstance(node, yaml.MappingNode):
        keys: set[object] = set()
        for key_node, value_node in node.value:
            key: str | int = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(len(keys))
            if key in keys:
                problems.append(Located(_format_path(path + (key,)), key_node.start_mark.line + 1, "appears twice; keep one"))
            keys.add(key)
            lines.setdefault(path + (key,), key_node.start_mark.line + 1)
            total += _check_tree(value_node, path + (key,), depth + 1, lines, problems, sizes)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            total += _check_tree(item, path + (index,), depth + 1, lines, problems, sizes)
    if total > MAX_NODES:
        raise _Refused(Located("", None, f"expands to more than {MAX_NODES:,} values (anchors and aliases included); refused"))
    sizes[id(node)] = total
    return total


# -- messages -----------------------------------------------------------------------------------


def _format_path(path: _Path) -> str:
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:  # a key the user typed (an unknown field) is shown as a short excerpt
            text += ("." if text else "") + _excerpt(str(part))
    return text


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
