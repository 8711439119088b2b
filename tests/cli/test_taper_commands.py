"""`docgen calendar`, `docgen pharmacy` and `docgen taper-request` as a user meets them: the file
written and its one line, each option, and each failure as one message with exit code 1 (2 for
a usage error) and nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT, folded, pdf_pages, run_main

SAMPLES = ROOT / "samples"
THERAPIST = str(SAMPLES / "taper-with-therapist.yaml")
NO_PLAN = str(SAMPLES / "denied-amendment.yaml")


@pytest.mark.parametrize(("command", "name"), [
    ("calendar", "calendar.pdf"), ("calendar", "calendar.docx"), ("calendar", "calendar.ics"),
    ("pharmacy", "pharmacy.pdf"), ("pharmacy", "pharmacy.docx"),
    ("taper-request", "request.pdf"), ("taper-request", "request.docx"),
])
def test_each_command_writes_its_file(command: str, name: str, tmp_path: Path) -> None:
    target = tmp_path / name
    assert run_main(command, THERAPIST, "-o", str(target), "--date", "2026-11-22") == (0, f"wrote {target}\n", "")
    assert target.stat().st_size > 1000
    again = tmp_path / f"again-{name}"
    run_main(command, THERAPIST, "-o", str(again), "--date", "2026-11-22")
    assert again.read_bytes() == target.read_bytes()


def test_the_options_reach_the_documents(tmp_path: Path) -> None:
    large = tmp_path / "large.pdf"
    assert run_main("calendar", THERAPIST, "-o", str(large), "--large-print", "--date", "2026-11-22")[0] == 0
    assert "large-print copy" in folded(pdf_pages(large.read_bytes())[0])
    sheet = tmp_path / "sheet.pdf"
    assert run_main("pharmacy", THERAPIST, "-o", str(sheet), "--fill-days", "30", "--date", "2026-11-22")[0] == 0
    assert "Quantities for each 30-day fill" in folded(" ".join(pdf_pages(sheet.read_bytes())))
    request = tmp_path / "request.pdf"
    assert run_main("taper-request", THERAPIST, "-o", str(request), "--to", "dr-nguyen", "--no-enclosure")[0] == 0
    pages = pdf_pages(request.read_bytes())
    assert "Thanh Nguyen, MD" in folded(pages[0]) and "Enclosure:" not in folded(" ".join(pages))


@pytest.mark.parametrize(("arguments", "code", "message"), [
    (("calendar", NO_PLAN, "-o", "{tmp}/c.pdf"), 1,
     "medications[].taper: no medication in this case file has a taper plan; the taper calendar needs one "
     "(see `docgen schema`)\n"),
    (("pharmacy", NO_PLAN, "-o", "{tmp}/p.pdf"), 1,
     "medications[].taper: no medication in this case file has a taper plan; the pharmacy sheet needs one "
     "(see `docgen schema`)\n"),
    (("taper-request", NO_PLAN, "-o", "{tmp}/r.pdf"), 1,
     "medications: no benzodiazepine, and no medication with a taper plan, is taken now (the latest dose is 0 "
     "or there is none), so there is no taper to ask for\n"),
    (("taper-request", THERAPIST, "-o", "{tmp}/r.pdf", "--to", "nobody"), 1,
     "--to: 'nobody' is not a clinician id; expected one of the ids under clinicians (dr-feld, carvajal, dr-nguyen)\n"),
    (("calendar", THERAPIST, "-o", "{tmp}/c.txt"), 1,
     "{tmp}/c.txt: the output format follows the extension; expected a name ending in .pdf, .docx or .ics\n"),
    (("pharmacy", THERAPIST, "-o", "{tmp}/p.ics"), 1,
     "{tmp}/p.ics: the output format follows the extension; expected a name ending in .pdf or .docx\n"),
])
def test_each_failure_is_one_message_and_nothing_is_written(arguments: tuple[str, ...], code: int, message: str,
                                                            tmp_path: Path) -> None:
    filled = [argument.format(tmp=tmp_path) for argument in arguments]
    assert run_main(*filled) == (code, "", message.format(tmp=tmp_path))
    assert list(tmp_path.iterdir()) == []


def test_fill_days_out_of_range_is_a_usage_error(tmp_path: Path) -> None:
    code, _out, err = run_main("pharmacy", THERAPIST, "-o", str(tmp_path / "p.pdf"), "--fill-days", "0")
    assert code == 2 and "--fill-days" in err
    assert list(tmp_path.iterdir()) == []


def test_an_existing_file_is_kept_without_force(tmp_path: Path) -> None:
    target = tmp_path / "calendar.ics"
    target.write_bytes(b"mine")
    assert run_main("calendar", THERAPIST, "-o", str(target)) == (
        1, "", f"{target}: already exists; not replaced (use --force to replace it)\n")
    assert target.read_bytes() == b"mine"
    assert run_main("calendar", THERAPIST, "-o", str(target), "--force")[0] == 0
    assert target.read_bytes().startswith(b"BEGIN:VCALENDAR")
