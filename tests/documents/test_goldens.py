"""Each document of each sample, as block text, equals its golden (tests/documents/goldens/)."""

from __future__ import annotations

import pytest
from goldens import golden_text, iter_goldens

GOLDENS = iter_goldens()


@pytest.mark.parametrize(("sample", "name", "golden"), GOLDENS, ids=[f"{s.stem}-{n}" for s, n, _ in GOLDENS])
def test_document_matches_its_golden(sample, name, golden):
    assert golden.is_file(), f"no golden for {sample.stem}/{name}: run python tests/documents/goldens.py"
    assert golden_text(sample, name) == golden.read_text(encoding="utf-8")


def test_every_golden_belongs_to_a_document():
    expected = {golden for _, _, golden in GOLDENS}
    stray = sorted(path for path in golden_path_glob() if path not in expected)
    assert stray == [], "goldens without a document: run python tests/documents/goldens.py"


def golden_path_glob():
    from goldens import FOLDER

    return FOLDER.glob("*/*.txt")
