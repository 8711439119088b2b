"""The JSON Schema that `docgen schema` prints, as an editor reads it."""

from __future__ import annotations

from typing import Any

import pytest

from docgen.case.model import json_schema

#: The keywords of JSON Schema 2020-12 (core, applicator, validation, meta-data, format, content
#: and unevaluated vocabularies): an editor ignores any other key.
KEYWORDS = frozenset({
    "$schema", "$id", "$ref", "$defs", "$anchor", "$dynamicRef", "$dynamicAnchor", "$vocabulary", "$comment",
    "allOf", "anyOf", "oneOf", "not", "if", "then", "else", "dependentSchemas", "prefixItems", "items", "contains",
    "properties", "patternProperties", "additionalProperties", "propertyNames", "unevaluatedItems",
    "unevaluatedProperties", "type", "enum", "const", "multipleOf", "maximum", "exclusiveMaximum", "minimum",
    "exclusiveMinimum", "maxLength", "minLength", "pattern", "maxItems", "minItems", "uniqueItems", "maxContains",
    "minContains", "maxProperties", "minProperties", "required", "dependentRequired", "title", "description",
    "default", "deprecated", "readOnly", "writeOnly", "examples", "format", "contentEncoding", "contentMediaType",
    "contentSchema",
})


def _unknown_keywords(node: Any, path: str = "#") -> list[str]:
    """Keys of schema objects that JSON Schema does not define (the names under properties and
    $defs are field and model names, not keywords)."""
    found: list[str] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key not in KEYWORDS:
                found.append(f"{path}/{key}")
            if key in ("properties", "$defs"):
                for name, child in value.items():
                    found += _unknown_keywords(child, f"{path}/{key}/{name}")
            elif key not in ("default", "examples", "const", "enum"):
                found += _unknown_keywords(value, f"{path}/{key}")
    elif isinstance(node, list):
        for index, child in enumerate(node):
            found += _unknown_keywords(child, f"{path}/{index}")
    return found


def test_the_schema_is_json_schema_2020_12() -> None:
    schema = json_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$defs"]["Symptom"]["properties"]["course"]["items"] == {"$ref": "#/$defs/CoursePoint"}
    assert schema["$defs"]["CoursePoint"]["properties"]["severity"]["minimum"] == 0  # a constraint an editor checks


def test_the_check_sees_a_keyword_json_schema_does_not_have() -> None:
    assert _unknown_keywords({"properties": {"ge": {"type": "number", "ge": 0}}}) == ["#/properties/ge/ge"]


def test_every_key_of_the_schema_is_a_json_schema_keyword() -> None:
    assert _unknown_keywords(json_schema()) == []


def test_bounds_and_names_are_checked_by_an_editor() -> None:
    definitions = json_schema()["$defs"]
    assert definitions["Dose"]["properties"]["mg_per_day"]["minimum"] == 0
    assert definitions["Taper"]["properties"]["percent"]["exclusiveMaximum"] == 100
    assert definitions["Patient"]["properties"]["name"]["pattern"] == r"\S"
