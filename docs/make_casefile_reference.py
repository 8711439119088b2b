"""Write the field tables of docs/casefile.md from the case file's JSON Schema.

The tables are generated, so they always list exactly the fields docgen reads: each object of the
case file gets a section with one row per field (name, type, whether it is required, and the
description from docgen/case/model.py). Everything outside the generated part is written by hand.

    python docs/make_casefile_reference.py           # rewrite the tables in docs/casefile.md
    python docs/make_casefile_reference.py --check   # exit 1 if they are out of date

A test runs the check, so a change to the case-file models without this step fails the suite.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "docs" / "casefile.md"
COMMAND = "python docs/make_casefile_reference.py"
BEGIN = f"<!-- The field tables below are generated from the JSON Schema: edit docgen/case/model.py, then run `{COMMAND}`. -->"
END = "<!-- End of the generated field tables. -->"

Schema = dict[str, Any]


def field_tables(schema: Schema) -> str:
    """One section per object of the case file, in reading order, each a table of its fields."""
    definitions: dict[str, Schema] = schema.get("$defs", {})
    sections: list[str] = []
    seen: set[str] = set()
    first: dict[str, str] = {}

    def visit(path: str, node: Schema) -> None:
        required = set(node.get("required", []))
        rows = ["| field | type | required | description |", "| --- | --- | --- | --- |"]
        children: list[tuple[str, Schema]] = []
        for name, field in node.get("properties", {}).items():
            child_path = f"{path}.{name}" if path else name
            kind, target = _type(field, definitions, child_path)
            if target is not None and target[1] not in seen:
                seen.add(target[1])
                first[target[1]] = target[0]
                children.append((target[0], definitions[target[1]]))
            elif target is not None:  # described where it first appears: link there
                kind = kind.replace(f"(#{anchor(target[0])})", f"(#{anchor(first[target[1]])})")
            rows.append(f"| `{name}` | {kind} | {'yes' if name in required else 'no'} | {_description(field)} |")
        title = f"`{path}`" if path else "The top level"
        intro = _cell(node.get("description", ""))
        sections.append("\n".join([f'<a id="{anchor(path)}"></a>', "", f"### {title}", "", *([intro, ""] if intro else []),
                                   *rows]))
        for child_path, child in children:
            visit(child_path, child)

    visit("", schema)
    return "\n\n".join(sections) + "\n"


def anchor(path: str) -> str:
    """The link target of a section: ``medications[].doses[]`` -> ``medications-doses``."""
    return re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "top-level"


def _type(field: Schema, definitions: dict[str, Schema], path: str) -> tuple[str, tuple[str, str] | None]:
    """How a field's type reads, and the object section it leads to (its path and definition name)."""
    options = field.get("anyOf")
    nullable = False
    if options is not None and {"type": "null"} in options:
        rest = [option for option in options if option != {"type": "null"}]
        nullable = True
        if len(rest) == 1:
            options = None
            field = {**rest[0], **{key: value for key, value in field.items() if key not in ("anyOf", "default")}}
        else:
            field = {**field, "anyOf": rest}
    text, target = _plain_type(field, definitions, path)
    if nullable:
        text = f"{text}, or null" if "," in text else f"{text} or null"
    return text, target


def _plain_type(field: Schema, definitions: dict[str, Schema], path: str) -> tuple[str, tuple[str, str] | None]:
    if "allOf" in field and len(field["allOf"]) == 1:
        field = {**field["allOf"][0], **{key: value for key, value in field.items() if key != "allOf"}}
    reference = field.get("$ref")
    if isinstance(reference, str):
        name = reference.rsplit("/", 1)[-1]
        return f"[object](#{anchor(path)})", (path, name)
    if field.get("type") == "array":
        item_text, target = _plain_type(field.get("items", {}), definitions, f"{path}[]")
        least = field.get("minItems")
        count = f", at least {least}" if least else ""
        if target is not None:
            return f"[list of objects](#{anchor(target[0])}){count}", target
        return f"list of {_plural(item_text)}{count}", None
    if "const" in field:
        return f"`{field['const']}`", None
    if "enum" in field:
        return "one of " + ", ".join(f"`{value}`" for value in field["enum"]), None
    options = field.get("anyOf")
    if options is not None:
        if _is_date(options):
            return "date", None
        kinds = {option.get("type") for option in options}
        if kinds == {"number", "integer"}:
            return "number" + _bounds(field), None
        return " or ".join(_plain_type(option, definitions, path)[0] for option in options), None
    names = {"string": "text", "integer": "whole number", "number": "number", "boolean": "true or false"}
    return names.get(str(field.get("type")), str(field.get("type", "any"))) + _bounds(field), None


def _is_date(options: list[Schema]) -> bool:
    """A partial date: a YYYY[-MM[-DD]] text or a year."""
    return [option.get("type") for option in options] == ["string", "integer"] and "pattern" in options[0]


def _bounds(field: Schema) -> str:
    """The limits of a number, from either JSON Schema's keywords or pydantic's own."""
    low = [("≥", field[key]) for key in ("minimum", "ge") if key in field]
    low += [(">", field[key]) for key in ("exclusiveMinimum", "gt") if key in field]
    high = [("≤", field[key]) for key in ("maximum", "le") if key in field]
    high += [("<", field[key]) for key in ("exclusiveMaximum", "lt") if key in field]
    if low and high and low[0][0] == "≥" and high[0][0] == "≤":
        return f" from {low[0][1]} to {high[0][1]}"
    parts = [f"{sign} {value}" for sign, value in low + high]
    return (" " + " and ".join(parts)) if parts else ""


def _plural(text: str) -> str:
    return {"text": "texts", "date": "dates", "number": "numbers", "whole number": "whole numbers"}.get(text, text)


def _description(field: Schema) -> str:
    text = _cell(field.get("description", ""))
    default = field.get("default")
    if default not in (None, [], {}):
        text = (text + " " if text else "") + f"Default: `{default}`."
    return text


def _cell(text: str) -> str:
    """Text that stays in one table cell."""
    return " ".join(text.split()).replace("|", "\\|")


def updated(text: str, schema: Schema) -> str:
    """``text`` (the reference page) with its generated part rewritten from ``schema``."""
    start, end = text.find(BEGIN), text.find(END)
    if start < 0 or end < start:
        raise ValueError(f"{REFERENCE.name} has lost its markers; expected {BEGIN!r} and then {END!r}")
    return text[: start + len(BEGIN)] + "\n\n" + field_tables(schema) + "\n" + text[end:]


def main(arguments: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check that the tables are up to date")
    check = parser.parse_args(arguments).check
    sys.path.insert(0, str(ROOT))
    from docgen.case.model import json_schema

    current = REFERENCE.read_text(encoding="utf-8")
    new = updated(current, json_schema())
    if check:
        if new != current:
            print(f"{REFERENCE.relative_to(ROOT)} is out of date: run {COMMAND}", file=sys.stderr)
            return 1
        return 0
    if new != current:
        REFERENCE.write_text(new, encoding="utf-8")
        print(f"wrote {REFERENCE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
