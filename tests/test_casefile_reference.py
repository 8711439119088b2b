"""docs/casefile.md, the reference of every case-file field, stays in step with the models: its
tables are generated from the JSON Schema (docs/make_casefile_reference.py), and its example loads."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from conftest import ROOT
from pydantic import BaseModel

from docgen.case.loading import load_case
from docgen.case.model import Case, json_schema

REFERENCE = ROOT / "docs" / "casefile.md"
SCRIPT = ROOT / "docs" / "make_casefile_reference.py"


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_casefile_reference", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


GENERATOR = _script()
TEXT = REFERENCE.read_text(encoding="utf-8")


def test_the_field_tables_are_up_to_date() -> None:
    assert GENERATOR.updated(TEXT, json_schema()) == TEXT, (
        "docs/casefile.md does not match the case-file models: run python docs/make_casefile_reference.py "
        "and commit the result")


def _sections(text: str) -> dict[str, list[tuple[str, str, str]]]:
    """The generated tables: section path -> (field, type, required) rows."""
    generated = text[text.index(GENERATOR.BEGIN):text.index(GENERATOR.END)]
    sections: dict[str, list[tuple[str, str, str]]] = {}
    current = None
    for line in generated.splitlines():
        heading = re.fullmatch(r"### (?:`(.*)`|The top level)", line)
        if heading:
            current = sections.setdefault(heading.group(1) or "", [])
            continue
        row = re.fullmatch(r"\| `([\w]+)` \| (.*?) \| (yes|no) \| .* \|", line)
        if row and current is not None:
            current.append((row.group(1), row.group(2), row.group(3)))
    return sections


def _models(model: type[BaseModel], path: str = "", seen: set[type[BaseModel]] | None = None) -> dict[str, type[BaseModel]]:
    """Every object of the case file by its path, from the pydantic models themselves (an object
    used in several places, such as a recipient, is described once, where it first appears)."""
    seen = set() if seen is None else seen
    seen.add(model)
    found = {path: model}
    for name, field in model.model_fields.items():
        key = field.alias or name
        annotation: Any = field.annotation
        child_path = f"{path}.{key}" if path else key
        for candidate in _candidates(annotation):
            if isinstance(candidate, type) and issubclass(candidate, BaseModel) and candidate not in seen:
                found.update(_models(candidate, child_path, seen))
            elif getattr(candidate, "__origin__", None) is list:
                (item,) = candidate.__args__
                if isinstance(item, type) and issubclass(item, BaseModel) and item not in seen:
                    found.update(_models(item, f"{child_path}[]", seen))
    return found


def _candidates(annotation: Any) -> list[Any]:
    """The types a field can hold: the members of a union, or the type itself."""
    members = getattr(annotation, "__args__", None)
    if members is not None and getattr(annotation, "__origin__", None) is not list:
        return [member for member in members if member is not type(None)]
    return [annotation]


MODELS = _models(Case)


def test_every_object_of_the_case_file_has_a_section_in_order() -> None:
    assert list(_sections(TEXT)) == list(MODELS)


@pytest.mark.parametrize("path", list(MODELS), ids=lambda path: path or "top-level")
def test_every_field_is_listed_with_whether_it_is_required(path: str) -> None:
    model = MODELS[path]
    expected = [(field.alias or name, "yes" if field.is_required() else "no") for name, field in model.model_fields.items()]
    assert [(name, required) for name, _type, required in _sections(TEXT)[path]] == expected


def test_every_field_has_a_description() -> None:
    undescribed = [f"{path}.{field.alias or name}" for path, model in MODELS.items()
                   for name, field in model.model_fields.items() if not field.description]
    assert undescribed == [], "add description= to these fields in docgen/case/model.py"


@pytest.mark.parametrize(("path", "field", "type_text"), [
    ("", "version", "`1`"),
    ("", "medications", "[list of objects](#medications), at least 1"),
    ("", "amendment", "[object](#amendment) or null"),
    ("patient", "date_of_birth", "date or null"),
    ("patient", "address", "list of texts"),
    ("clinicians[]", "role", "one of `prescriber`, `therapist`, `neurologist`, `primary_care`, `other`"),
    ("medications[].doses[]", "date", "date"),
    ("medications[].doses[]", "mg_per_day", "number ≥ 0"),
    ("medications[].taper", "percent", "number > 0 and < 100"),
    ("medications[].taper", "every_days", "whole number ≥ 1"),
    ("medications[].taper", "smallest_step_mg", "number > 0 or null"),
    ("symptoms[].course[]", "severity", "whole number from 0 to 10"),
    ("amendment.response", "decision", "one of `accepted`, `partly_accepted`, `denied`, `extended`, or null"),
])
def test_types_read_plainly(path: str, field: str, type_text: str) -> None:
    assert dict((name, kind) for name, kind, _required in _sections(TEXT)[path])[field] == type_text


def test_every_link_leads_to_a_section() -> None:
    anchors = set(re.findall(r'<a id="([\w-]+)"></a>', TEXT))
    links = set(re.findall(r"\]\(#([\w-]+)\)", TEXT))
    assert links and links <= anchors, sorted(links - anchors)


@pytest.mark.parametrize(("field", "bounds"), [
    ({"minimum": 0}, " ≥ 0"),
    ({"ge": 0}, " ≥ 0"),
    ({"exclusiveMinimum": 0}, " > 0"),
    ({"gt": 0}, " > 0"),
    ({"minimum": 0, "maximum": 10}, " from 0 to 10"),
    ({"ge": 0, "le": 10}, " from 0 to 10"),
    ({"gt": 0, "lt": 100}, " > 0 and < 100"),
    ({"exclusiveMinimum": 0, "exclusiveMaximum": 100}, " > 0 and < 100"),
    ({}, ""),
])
def test_bounds_read_the_same_in_json_schemas_words_and_pydantics(field: dict[str, Any], bounds: str) -> None:
    assert GENERATOR._bounds(field) == bounds


def test_the_check_says_which_command_to_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    assert GENERATOR.main(["--check"]) == 0
    stale = tmp_path / "docs" / "casefile.md"
    stale.parent.mkdir()
    stale.write_text(TEXT.replace("| `mg_per_day` |", "| `milligrams` |"), encoding="utf-8")
    monkeypatch.setattr(GENERATOR, "ROOT", tmp_path)
    monkeypatch.setattr(GENERATOR, "REFERENCE", stale)
    assert GENERATOR.main(["--check"]) == 1
    assert capsys.readouterr().err == "docs/casefile.md is out of date: run python docs/make_casefile_reference.py\n"
    assert GENERATOR.main([]) == 0
    assert stale.read_text(encoding="utf-8") == TEXT
    assert GENERATOR.main(["--check"]) == 0


def test_lost_markers_are_an_error() -> None:
    with pytest.raises(ValueError, match="lost its markers"):
        GENERATOR.updated(TEXT.replace(GENERATOR.END, ""), json_schema())


# -- the hand-written part ----------------------------------------------------------------------------


def _example() -> str:
    section = TEXT[TEXT.index("## An example with every section"):]
    match = re.search(r"```yaml\n(.*?)```", section, re.DOTALL)
    assert match is not None
    return match.group(1)


def test_the_example_loads_and_has_every_section(tmp_path: Path) -> None:
    path = tmp_path / "example.yaml"
    path.write_text(_example(), encoding="utf-8")
    case = load_case(path)
    assert {name for name in Case.model_fields if getattr(case, name) not in (None, [])} == set(Case.model_fields)


def test_the_example_uses_every_field() -> None:
    import yaml

    data = yaml.safe_load(_example())
    used: set[str] = set()

    def walk(value: object, path: str) -> None:
        if isinstance(value, dict):
            for key, child in value.items():
                child_path = f"{path}.{key}" if path else str(key)
                used.add(child_path)
                walk(child, child_path)
        elif isinstance(value, list):
            for item in value:
                walk(item, f"{path}[]")

    walk(data, "")
    every = {f"{path}.{field.alias or name}" if path else (field.alias or name)
             for path, model in MODELS.items() for name, field in model.model_fields.items()}
    assert every - used == {"amendment.response.extended_to"}  # it goes with decision: extended, not denied
