"""Reading a FHIR R4 export from disk: a Bundle, one resource, an NDJSON bulk file, or a folder of
them (an Apple Health ``clinical-records/`` folder, a patient-portal download).

Only local files are read; nothing is fetched. Each resource is checked against the FHIR R4
models of ``fhir.resources`` (its R4B package, which reads R4 JSON) one at a time, so one broken
record is reported and skipped instead of stopping the whole import.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from docgen.intake.errors import ImportFileError

MAX_FILE_BYTES = 100 * 1024 * 1024
_SUFFIXES = (".json", ".ndjson", ".fhir")


@dataclass(frozen=True)
class RawResource:
    """One resource as found: its JSON, the file it came from, and its Bundle fullUrl if any."""

    data: dict[str, Any]
    file: str
    full_url: str | None = None

    @property
    def type(self) -> str:
        return str(self.data.get("resourceType", ""))

    @property
    def label(self) -> str:
        """"MedicationRequest/abc123" (or the type alone when the resource has no id)."""
        identifier = self.data.get("id")
        return f"{self.type}/{identifier}" if identifier else self.type

    @property
    def source(self) -> str:
        """What an imported entry's ``source`` says: "FHIR MedicationRequest/abc123 (export.json)"."""
        return f"FHIR {self.label} ({self.file})"


def iter_resources(path: Path, problems: list[str]) -> Iterator[RawResource]:
    """Every resource in a file or folder; files that cannot be read are added to ``problems``."""
    if path.is_dir():
        files = sorted(item for item in path.rglob("*") if item.is_file() and item.suffix.lower() in _SUFFIXES)
        if not files:
            raise ImportFileError(f"{path}: the folder has no .json or .ndjson files")
        for file in files:
            yield from _iter_file(file, file.relative_to(path).as_posix(), problems)
    elif path.is_file():
        yield from _iter_file(path, path.name, problems, single=True)
    else:
        raise ImportFileError(f"{path}: no such file or folder; expected a FHIR export (.json) or a folder of them")


def _iter_file(path: Path, name: str, problems: list[str], single: bool = False) -> Iterator[RawResource]:
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        problems.append(f"file {name}: {size:,} bytes, over the limit of {MAX_FILE_BYTES:,}; not read")
        return
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        message = f"file {name}: not UTF-8 text; not read"
        if single:
            raise ImportFileError(f"{path}: not UTF-8 text; expected FHIR JSON") from None
        problems.append(message)
        return
    if path.suffix.lower() == ".ndjson":
        for number, line in enumerate(text.splitlines(), start=1):
            if line.strip():
                yield from _iter_json(line, f"{name} line {number}", name, problems)
        return
    found = list(_iter_json(text, name, name, problems))
    if single and not found and problems:
        raise ImportFileError(f"{path}: {problems[-1].split(': ', 1)[-1]}")
    yield from found


def _iter_json(text: str, where: str, file: str, problems: list[str]) -> Iterator[RawResource]:
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as error:
        reason = f"line {error.lineno}: {error.msg}" if isinstance(error, json.JSONDecodeError) else "nested too deeply"
        problems.append(f"file {where}: not valid JSON ({reason}); not read")
        return
    items = data if isinstance(data, list) else [data]
    for item in items:
        if not isinstance(item, dict) or "resourceType" not in item:
            problems.append(f"file {where}: not a FHIR resource (no resourceType); not read")
            continue
        if item["resourceType"] == "Bundle":
            for entry in item.get("entry") or []:
                resource = entry.get("resource") if isinstance(entry, dict) else None
                if isinstance(resource, dict) and "resourceType" in resource:
                    full_url = entry.get("fullUrl")
                    yield RawResource(resource, file, full_url if isinstance(full_url, str) else None)
        else:
            yield RawResource(item, file)


def parse_resource(raw: RawResource) -> Any:
    """The resource as a FHIR R4 model; raises ValueError with a short reason when it is not valid."""
    from fhir.resources.R4B import get_fhir_model_class

    try:
        model_class = get_fhir_model_class(raw.type)
    except ValueError:
        raise ValueError(f"'{raw.type}' is not a FHIR R4 resource type") from None
    try:
        return model_class.model_validate(raw.data)
    except ValidationError as error:
        first = error.errors(include_url=False)[0]
        where = ".".join(str(part) for part in first["loc"]) or "the resource"
        raise ValueError(f"not valid FHIR R4 ({where}: {first['msg']})") from None
