"""Reading a FHIR R4 export from disk: a Bundle, one resource, an NDJSON bulk file, or a folder of
them (an Apple Health ``clinical-records/`` folder, a patient-portal download).

Only local files are read; nothing is fetched. In a folder, only the files inside it are read:
a link to a folder, or to a file outside it, is reported and not followed. Each resource is
checked against the FHIR R4 models of ``fhir.resources`` (its R4B package, which reads R4 JSON)
one at a time, so one broken record is reported and skipped instead of stopping the whole import.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from docgen.case.model import _excerpt
from docgen.intake.errors import ImportFileError

#: The size of one file of an export.
MAX_FILE_BYTES = 100 * 1024 * 1024
#: How deep one resource's objects and arrays may nest (the resource itself is level 1).
MAX_NESTING = 64
_SUFFIXES = (".json", ".ndjson", ".fhir")
_TYPE = re.compile(r"[A-Z][A-Za-z]{0,63}")
_ID = re.compile(r"[A-Za-z0-9\-.]{1,64}")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


@dataclass(frozen=True)
class RawResource:
    """One resource as found: its JSON, the file it came from, and its Bundle fullUrl if any."""

    data: dict[str, Any]
    file: str
    full_url: str | None = None

    @cached_property
    def type(self) -> str:
        """The resourceType ("" when it is not the name of one)."""
        kind = self.data.get("resourceType")
        return kind if isinstance(kind, str) and _TYPE.fullmatch(kind) else ""

    @cached_property
    def label(self) -> str:
        """"MedicationRequest/abc123" (or the type alone when the resource has no id)."""
        identifier = self.data.get("id")
        shown = identifier if isinstance(identifier, str) and _ID.fullmatch(identifier) else _excerpt(str(identifier))
        if not self.type:
            return f"record {shown} ({self.file})" if identifier else f"record ({self.file})"
        return f"{self.type}/{shown}" if identifier else self.type

    @property
    def source(self) -> str:
        """What an imported entry's ``source`` says: "FHIR MedicationRequest/abc123 (export.json)"."""
        return f"FHIR {self.label} ({self.file})"


def iter_resources(path: Path, problems: list[str]) -> Iterator[RawResource]:
    """Every resource in a file or folder; files that cannot be read are added to ``problems``."""
    if path.is_dir():
        files = _files_inside(path, problems)
        if not files:
            raise ImportFileError(f"{path}: the folder has no .json or .ndjson files")
        for file, name in files:
            yield from _iter_file(file, name, problems)
    elif path.is_file():
        yield from _iter_file(path, path.name, problems, single=True)
    else:
        raise ImportFileError(f"{path}: no such file or folder; expected a FHIR export (.json) or a folder of them")


def _files_inside(folder: Path, problems: list[str]) -> list[tuple[Path, str]]:
    """The export's files in the folder and its subfolders, by name; links that lead elsewhere are
    reported (a link to a folder is not followed; one to a file counts only if the file is inside)."""
    root = folder.resolve()
    files: list[tuple[Path, str]] = []
    for directory, folders, names in os.walk(folder):
        here = Path(directory)
        for subfolder in sorted(folders):
            if (here / subfolder).is_symlink():
                problems.append(f"file {(here / subfolder).relative_to(folder).as_posix()}: a link to a folder; not followed")
        folders[:] = sorted(subfolder for subfolder in folders if not (here / subfolder).is_symlink())
        for item in sorted(names):
            file = here / item
            name = file.relative_to(folder).as_posix()
            if file.suffix.lower() not in _SUFFIXES:
                continue
            problem = _link_problem(file, root) if file.is_symlink() else None
            if problem:
                problems.append(f"file {name}: {problem}; not read")
            elif file.is_file():
                files.append((file, name))
    return sorted(files, key=lambda found: found[1])


def _link_problem(link: Path, root: Path) -> str | None:
    try:
        target = link.resolve()
    except (OSError, RuntimeError):  # a loop of links
        return "a link that leads to no file"
    if not target.is_relative_to(root):
        return "a link to a file outside the folder"
    return None if target.is_file() else "a link that leads to no file"


def _iter_file(path: Path, name: str, problems: list[str], single: bool = False) -> Iterator[RawResource]:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            problems.append(f"file {name}: {size:,} bytes, over the limit of {MAX_FILE_BYTES:,}; not read")
            return
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as error:
        if single:
            raise ImportFileError(f"{path}: cannot be read ({error.strerror or 'input/output error'})") from None
        problems.append(f"file {name}: cannot be read ({error.strerror or 'input/output error'}); not read")
        return
    except UnicodeDecodeError:
        message = f"file {name}: not UTF-8 text; not read"
        if single:
            raise ImportFileError(f"{path}: not UTF-8 text; expected FHIR JSON") from None
        problems.append(message)
        return
    if path.suffix.lower() == ".ndjson":
        for number, line in enumerate(text.split("\n"), start=1):  # one record a line, as NDJSON has it
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
    surrogates = _SURROGATE_ESCAPE.search(text) is not None  # "\ud800": text no file can hold
    items = data if isinstance(data, list) else [data]
    for item in items:
        if not isinstance(item, dict) or "resourceType" not in item:
            problems.append(f"file {where}: not a FHIR resource (no resourceType); not read")
            continue
        if item["resourceType"] != "Bundle":
            found = [RawResource(item, file)]
        elif not isinstance(item.get("entry") or [], list):
            problems.append(f"file {where}: the Bundle's entry is not a list; not read")
            continue
        else:
            found = list(_bundle_resources(item, file))
        for raw in found:
            problem = _record_problem(raw, surrogates)
            if problem:
                problems.append(f"{raw.label}: {problem}; not read")
            else:
                yield raw


def _bundle_resources(bundle: dict[str, Any], file: str) -> Iterator[RawResource]:
    for entry in bundle.get("entry") or []:
        resource = entry.get("resource") if isinstance(entry, dict) else None
        if isinstance(resource, dict) and "resourceType" in resource:
            full_url = entry.get("fullUrl")
            yield RawResource(resource, file, full_url if isinstance(full_url, str) else None)


def _record_problem(raw: RawResource, surrogates: bool) -> str | None:
    """Why a record is not read at all, if it is not."""
    if not raw.type:
        return "its resourceType is not the name of a FHIR resource type"
    return _nesting_problem(raw.data) or (_text_problem(raw.data) if surrogates else None)


def _nesting_problem(data: dict[str, Any]) -> str | None:
    """Why a resource is not read when it nests deeper than any record does (checked without recursion)."""
    stack: list[tuple[object, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_NESTING:
            return f"nested more than {MAX_NESTING} levels deep"
        children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return None


def _text_problem(data: dict[str, Any]) -> str | None:
    try:
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return "holds text that is not valid Unicode (a lone surrogate such as \\ud800)"
    return None


def parse_resource(raw: RawResource) -> Any:
    """The resource as a FHIR R4 model; raises ValueError with a short reason when it is not valid."""
    from fhir.resources.R4B import get_fhir_model_class

    try:
        model_class = get_fhir_model_class(raw.type)
    except ValueError:
        kind = _excerpt(str(raw.data.get("resourceType")), 40)
        raise ValueError(f"'{kind}' is not a FHIR R4 resource type") from None
    try:
        return model_class.model_validate(raw.data)
    except ValidationError as error:  # its own text quotes the values: the field and the rule only
        first = error.errors(include_url=False)[0]
        where = ".".join(_excerpt(str(part), 40) for part in first["loc"]) or "the resource"
        raise ValueError(f"not valid FHIR R4 ({_excerpt(where, 80)}: {_excerpt(str(first['msg']), 80)})") from None
