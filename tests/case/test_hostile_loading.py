"""Case files written to mislead or to exhaust: numbers with two meanings, files that are not
files, and text that expands past its size. Each is refused with a located message or read with
the one meaning every YAML reader agrees on."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from docgen.case.loading import MAX_TEXT, load_case, parse_case
from docgen.case.yaml_reader import resolve_plain
from docgen.errors import CaseFileError

HEAD = "version: 1\npatient:\n  name: Ann\n"
DOSE = HEAD + "medications:\n  - drug: diazepam\n    doses:\n      - {{date: 2020-01-01, mg_per_day: {}}}\n"


def _error(text: str) -> str:
    with pytest.raises(CaseFileError) as caught:
        parse_case(text.encode(), "case.yaml")
    return str(caught.value)


@pytest.mark.parametrize(
    ("written", "other_reading"),
    [("010", "8"), ("0x1A", "26"), ("0b101", "5"), ("1:30", "90"), ("1_000", "1000"),
     ("-010", "-8"), ("1_0.5", "10.5")],
)
def test_a_dose_with_two_meanings_is_refused_with_what_was_typed(written: str, other_reading: str) -> None:
    message = _error(DOSE.format(written))
    where = "case.yaml: medications[0].doses[0].mg_per_day (line 7): "
    assert message.startswith(f"{where}'{written}' is not written as a plain decimal number"), message
    if other_reading != written:
        assert f"take it as {other_reading}," in message


@pytest.mark.parametrize("written", ["1e5", "0o17", "yes", "on", "one"])
def test_a_dose_that_is_text_to_some_readers_is_not_a_number(written: str) -> None:
    assert _error(DOSE.format(written)) == (
        f"case.yaml: medications[0].doses[0].mg_per_day (line 7): expected a number, not the text '{written}'")


@pytest.mark.parametrize(("written", "read"), [("10", 10), ("0.5", 0.5), ("01.5", 1.5), (".25", 0.25), ("2.5e+1", 25.0), ("0", 0)])
def test_doses_every_reader_agrees_on_are_read(written: str, read: float) -> None:
    case = parse_case(DOSE.format(written).encode(), "case.yaml")
    assert case.medications[0].doses[0].mg_per_day == read


@pytest.mark.parametrize("written", ["0042117", "0x1A", "1:30", "yes", "1e5", "1_000"])
def test_text_fields_keep_such_values_as_typed(written: str) -> None:
    case = parse_case((HEAD + f"  mrn: {written}\n" + DOSE.format(1).removeprefix(HEAD)).encode(), "case.yaml")
    assert case.patient.mrn == written


@settings(max_examples=300, deadline=None)
@given(st.from_regex(r"[-+]?[0-9a-fA-FxXoObB_:.eE]{1,12}", fullmatch=True))
def test_a_plain_scalar_is_a_number_only_where_yaml_1_1_agrees(text: str) -> None:
    import yaml

    value = resolve_plain(text)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        assert yaml.safe_load(text) == value  # PyYAML reads YAML 1.1


# -- files that are not files -----------------------------------------------------------------


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_a_device_is_refused_without_reading_it(tmp_path: Path) -> None:
    link = tmp_path / "case.yaml"
    link.symlink_to("/dev/zero")
    for path in (Path("/dev/zero"), link):
        started = time.perf_counter()
        with pytest.raises(CaseFileError) as caught:
            load_case(path)
        assert time.perf_counter() - started < 1
        assert str(caught.value) == (f"{path}: (the whole file): is not a regular file (a device, pipe or socket); "
                                     "expected a YAML or JSON case file")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_named_pipe_does_not_block(tmp_path: Path) -> None:
    fifo = tmp_path / "case.yaml"
    os.mkfifo(fifo)
    completed = subprocess.run([sys.executable, "-m", "docgen.cli", "validate", str(fifo)],
                               capture_output=True, text=True, timeout=30)
    assert completed.returncode == 1
    assert completed.stderr.strip().endswith("is not a regular file (a device, pipe or socket); expected a YAML or JSON case file")


# -- text that expands -------------------------------------------------------------------------


def test_a_long_string_aliased_many_times_is_refused_quickly() -> None:
    uses = ", ".join(["*big"] * 4000)
    text = HEAD + f"  address: [&big '{'x' * 2_000_000}']\n" + "other: [" + uses + "]\n" + DOSE.format(1).removeprefix(HEAD)
    started = time.perf_counter()
    message = _error(text)
    assert time.perf_counter() - started < 2
    assert message == (f"case.yaml: (the whole file): expands to more than {MAX_TEXT:,} characters of text "
                       "(anchors and aliases included); refused")


def test_an_alias_inside_its_own_anchor_is_refused() -> None:
    message = _error(HEAD + "medications: &loop\n  - drug: x\n    doses: *loop\n")
    assert message.startswith("case.yaml: medications[0] (line 6): an alias refers to the value it is part of")


@pytest.mark.parametrize(("text", "expected"), [
    (HEAD + "  address: !!set {a, b}\n", "case.yaml: patient.address (line 4): the tag 'tag:yaml.org,2002:set' is not used in case files; remove it"),
    (HEAD + "  name2: !" + "x" * 200 + " v\n", "is not used in case files; remove it"),
    (HEAD + "  mrn: !!int abc\n", "case.yaml: patient.mrn (line 4): 'abc' is not a int (it is tagged !!int)"),
    (HEAD + "  mrn: *" + "a" * 200 + "\n", "refers to no anchor before it"),
])
def test_tags_and_aliases_are_refused_with_short_messages(text: str, expected: str) -> None:
    message = _error(text + DOSE.format(1).removeprefix(HEAD))
    assert expected in message
    assert all(len(line) < 260 for line in message.splitlines())


def test_a_duplicate_json_key_is_located() -> None:
    data = '{"version": 1,\n "patient": {"name": "A",\n  "name": "B"},\n "medications": []}'
    with pytest.raises(CaseFileError) as caught:
        parse_case(data.encode(), "case.json", as_json=True)
    assert str(caught.value) == "case.json: patient.name (line 3): appears twice; keep one"
