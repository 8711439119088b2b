"""`docgen packet` says which documents it could not make and why, and fails when the case asks for
one (it has the document's section) that could not be made; it writes to ./docgen-packet by default."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import ROOT, run_main

SAMPLES = ROOT / "samples"


def test_the_default_folder_is_docgen_packet(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, _err = run_main("packet", str(SAMPLES / "bind-labelled-fnd.yaml"), "--date", "2026-11-22")
    assert code == 0
    assert "wrote docgen-packet/timeline.pdf" in out
    assert (tmp_path / "docgen-packet" / "SHA256SUMS").is_file()


def test_documents_not_wanted_are_listed_without_failing(tmp_path: Path) -> None:
    code, out, err = run_main("packet", str(SAMPLES / "taper-with-therapist.yaml"), "--out", str(tmp_path),
                              "--date", "2026-11-22")
    assert code == 0, err
    # the case has no amendment section: not asked for, so listed on one line and no failure
    assert "not made, as the case has no data for them: amendment request, reply form, amendment follow-up, " \
           "statement of disagreement, request for copies of records, access follow-up, complaint about the " \
           "amendment request, complaint about the request for copies\n" in out


def test_a_document_the_case_asks_for_and_cannot_have_fails_the_packet(tmp_path: Path) -> None:
    text = (SAMPLES / "taper-with-therapist.yaml").read_text(encoding="utf-8")
    case = tmp_path / "case.yaml"
    case.write_text(text.replace("      smallest_step_mg: 1.0         # 2 mg tablets halved\n", ""), encoding="utf-8")
    code, out, err = run_main("packet", str(case), "--out", str(tmp_path / "packet"), "--date", "2026-11-22")
    assert code == 1
    assert "not made: letter: " in err and "smallest" in err
    assert "the case asks for letter but it could not be made; see the reasons above" in err
    assert "timeline.pdf" in os.listdir(tmp_path / "packet")  # what could be made was written
