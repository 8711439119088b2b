"""The command line, as a user meets it: exit codes, messages, files written or not."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from conftest import ROOT, SAMPLES, folded, pdf_pages, run_main
from typer.testing import CliRunner

from docgen.cli import app

runner = CliRunner()
FULL = ROOT / "samples" / "bind-labelled-fnd.yaml"


def run(*arguments: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(arguments))
    return result.exit_code, result.stdout, result.stderr


def invoke_main(*arguments: str) -> tuple[int, str, str]:
    """Through the real entry point, which turns docgen errors into exit code 1."""
    import subprocess
    import sys

    completed = subprocess.run(
        [sys.executable, "-m", "docgen.cli", *arguments], capture_output=True, text=True, check=False, cwd=ROOT
    )
    return completed.returncode, completed.stdout, completed.stderr


def test_help_lists_every_command() -> None:
    code, out, _err = run("--help")
    assert code == 0
    for command in ("validate", "schema", "timeline", "amendment", "letter", "packet", "demo"):
        assert command in out


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda path: path.stem)
def test_validate_every_sample(sample: Path) -> None:
    code, out, _err = run("validate", str(sample))
    assert code == 0
    assert f"{sample}: valid case file" in out
    assert "documents it has data for: timeline" in out


def test_validate_warns_but_passes(tmp_path: Path) -> None:
    case = tmp_path / "case.yaml"
    case.write_text(
        "version: 1\npatient: {name: A}\n"
        "medications:\n  - drug: etizolam\n    doses: [{date: 2020-01-01, mg_per_day: 1}]\n"
        "  - drug: clonazepam\n    doses: [{date: 2020-01-01, mg_per_day: 4}, {date: 2020-01-08, mg_per_day: 2}]\n"
        "symptoms: [{name: tremor, onset: 2019-05}]\n"
        "fnd_exams: [{date: 2021-01-01, findings: [{sign: made_up_sign, result: negative}]}]\n",
        encoding="utf-8",
    )
    code, _out, err = run("validate", str(case))
    assert code == 0
    assert "symptoms[0].onset: warning: onset May 2019 is before any medication was started" in err
    assert "medications[0].drug: warning: 'etizolam' is not in the Ashton equivalence table" in err
    assert "medications[1].doses: warning: clonazepam: 4.0 → 2.0 mg/day on 8 Jan 2020 is a 50% reduction" in err
    assert "fnd_exams[0].findings[0].sign: warning: 'made_up_sign' is not in the catalog" in err


def test_bad_file_gives_located_message_and_exit_1(tmp_path: Path) -> None:
    case = tmp_path / "bad.yaml"
    case.write_text("version: 1\npatient: {name: A}\nmedications:\n  - drug: x\n    doses: [{date: 2020-02-30, mg_per_day: 1}]\n", encoding="utf-8")
    output = tmp_path / "out.pdf"
    code, out, err = invoke_main("timeline", str(case), "-o", str(output))
    assert code == 1
    assert err.strip() == f"{case}: medications[0].doses[0].date (line 5): Feb 2020 has no day 30; expected a real date as YYYY-MM-DD, YYYY-MM or YYYY"
    assert "Traceback" not in err + out
    assert not output.exists()
    assert os.listdir(tmp_path) == ["bad.yaml"]


def test_usage_error_exits_2(tmp_path: Path) -> None:
    code, _out, err = run("timeline", str(FULL))
    assert code == 2
    assert "--output" in err


def test_unknown_extension_is_refused(tmp_path: Path) -> None:
    code, _out, err = invoke_main("timeline", str(FULL), "-o", str(tmp_path / "t.txt"))
    assert code == 1
    assert "expected a name ending in .pdf or .docx" in err


def test_timeline_writes_one_page_and_never_replaces(tmp_path: Path) -> None:
    output = tmp_path / "nested" / "timeline.pdf"
    code, out, _err = run("timeline", str(FULL), "-o", str(output), "--date", "2026-11-22")
    assert code == 0 and out.strip() == f"wrote {output}"
    first = output.read_bytes()
    assert len(pdf_pages(first)) == 1
    assert stat.S_IMODE(output.stat().st_mode) == 0o600

    code, _out, err = invoke_main("timeline", str(FULL), "-o", str(output), "--date", "2026-11-23")
    assert code == 1
    assert "already exists; not replaced (use --force to replace it)" in err
    assert output.read_bytes() == first

    code, _out, _err = run("timeline", str(FULL), "-o", str(output), "--date", "2026-11-23", "--force")
    assert code == 0
    assert "23 Nov 2026" in folded(pdf_pages(output.read_bytes())[0])
    assert sorted(os.listdir(output.parent)) == ["timeline.pdf"]


def test_bad_date_option_is_a_usage_error(tmp_path: Path) -> None:
    code, _out, err = run("timeline", str(FULL), "-o", str(tmp_path / "t.pdf"), "--date", "22/11/2026")
    assert code == 2
    assert "--date: '22/11/2026' is not a date; expected YYYY-MM-DD" in err


def test_packet_and_demo(tmp_path: Path) -> None:
    code, out, _err = run("packet", str(FULL), "--out", str(tmp_path / "packet"), "--date", "2026-11-22")
    assert code == 0
    assert {"timeline.docx", "timeline.pdf"} <= set(os.listdir(tmp_path / "packet"))
    code, out, _err = run("demo", "--out", str(tmp_path / "demo"), "--date", "2026-11-22")
    assert code == 0
    assert "sample case:" in out
    assert (tmp_path / "demo" / "timeline.pdf").read_bytes() == (tmp_path / "packet" / "timeline.pdf").read_bytes()


def test_schema_is_json_schema_with_the_contract_fields() -> None:
    code, out, _err = run("schema")
    assert code == 0
    schema = json.loads(out)
    assert schema["title"] == "docgen case file"
    assert set(schema["required"]) == {"version", "patient", "medications"}
    assert "from" in schema["$defs"]["TherapistLetter"]["properties"]


def test_user_templates_override_the_builtin(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "timeline.xml.j2").write_text(
        '<document title="Custom"><p>Custom page for {{ patient.name }}</p></document>', encoding="utf-8")
    output = tmp_path / "t.pdf"
    code, _out, _err = run("timeline", str(FULL), "-o", str(output), "--templates", str(templates))
    assert code == 0
    assert "Custom page for Theresa M. Kowalczyk" in folded(pdf_pages(output.read_bytes())[0])


def test_template_error_names_the_file_and_line(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "timeline.xml.j2").write_text('<document>\n<p>{{ patient.nmae }}</p>\n</document>', encoding="utf-8")
    code, _out, err = invoke_main("timeline", str(FULL), "-o", str(tmp_path / "t.pdf"), "--templates", str(templates))
    assert code == 1
    assert "timeline.xml.j2, line 2" in err
    assert "Traceback" not in err


@pytest.mark.parametrize(("day", "follow_up"), [("2026-11-22", False), ("2027-03-01", True)])
def test_packet_includes_the_reminder_only_once_overdue(day: str, follow_up: bool, tmp_path: Path) -> None:
    code, _out, _err = run("packet", str(FULL), "--out", str(tmp_path), "--date", day)
    assert code == 0
    names = set(os.listdir(tmp_path))
    assert {"timeline.pdf", "amendment.pdf", "amendment.docx", "letter.pdf", "SHA256SUMS"} <= names
    assert ("amendment-follow-up.pdf" in names) is follow_up
    assert "disagreement.pdf" not in names  # no denial in this case
    sums = (tmp_path / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    assert sorted(line.split("  ")[1] for line in sums) == sorted(name for name in names if name != "SHA256SUMS")


def test_validate_lists_the_documents_from_the_registry() -> None:
    code, out, _err = run_main("validate", str(ROOT / "samples" / "denied-amendment.yaml"))
    assert code == 0
    assert ("  documents it has data for: timeline, amendment request, reply form, statement of disagreement, "
            "complaint about the amendment request\n") in out


def test_signs_lists_the_catalog_that_validate_points_to() -> None:
    from docgen.facts.fnd import CATALOG

    code, out, _err = run_main("signs")
    assert code == 0
    lines = out.splitlines()
    assert lines[1].split()[0] == "hoover" and "Hoover's sign (leg weakness)" in lines[1]
    assert [line.split()[0] for line in lines[1:-1]] == list(CATALOG)
    _code, _out, err = run_main("validate", str(ROOT / "samples" / "bind-labelled-fnd.yaml"))
    assert "see `docgen signs` for the catalog keys" in err


@pytest.mark.parametrize("escape", ["\\e]0;title\\a", "\\e[2J", "\\0", "\\x9b"])
def test_control_characters_from_a_case_never_reach_the_terminal(tmp_path, escape) -> None:
    case = tmp_path / "case.yaml"
    case.write_text(
        'version: 1\npatient: {name: "Ann' + escape + '"}\nmedications:\n'
        '  - drug: "dia' + escape + 'zepam"\n    doses: [{date: 2026-01-01, mg_per_day: 10}, {date: 2026-01-05, mg_per_day: 5}]\n'
        "    taper: {start: 2026-02-01, percent: 10, every_days: 14, smallest_step_mg: 1}\n"
        "symptoms: [{name: x, onset: 2020-01-01}]\n", encoding="utf-8")
    for arguments in (("validate", str(case)), ("taper", str(case))):
        code, out, err = run_main(*arguments)
        assert code == 0, err
        printed = out + err
        assert not any(ord(character) < 0x20 and character != "\n" or 0x7f <= ord(character) <= 0x9f
                       for character in printed), arguments
        assert "dia\\x" in printed or "Ann\\x" in printed


def test_help_lists_whole_command_descriptions() -> None:
    code, out, _err = run_main("--help")
    assert code == 0
    commands = out[out.index("Commands:"):]
    assert "..." not in commands
    assert out.split("\n\n")[1].strip().startswith("New? `docgen init`")
    assert "Write the amendment request (45 CFR 164.526, or GDPR Art. 16) from" in " ".join(out.split())


@pytest.mark.parametrize("arguments", [("--help",), ("amendment", "--help"), ("access", "--help"),
                                       ("complaint", "--help"), ("log", "--help"), ("status", "--help")])
def test_help_names_the_gdpr_beside_hipaa_wherever_it_names_a_us_rule(arguments: tuple[str, ...]) -> None:
    code, out, _err = run_main(*arguments)
    assert code == 0
    text = " ".join(out.split())
    assert "60 days" not in text.replace("60 days under HIPAA", "")
    assert "HIPAA amendment request" not in text
    if "164.526" in text:
        assert "GDPR Art. 16" in text
    if "164.524" in text:
        assert "Art. 15" in text


def test_amendment_follow_up_help_gives_each_deadline() -> None:
    code, out, _err = run_main("amendment", "--help")
    assert code == 0
    assert ("Write the reminder for a request unanswered after its deadline (60 days under HIPAA, one month "
            "under the GDPR) instead.") in " ".join(out.split())


def test_large_print_takes_the_pages_it_needs_and_says_so(tmp_path: Path) -> None:
    sample = next(path for path in SAMPLES if path.stem == "denied-amendment")
    target = tmp_path / "large.pdf"
    code, out, err = run("timeline", str(sample), "-o", str(target), "--date", "2026-11-22", "--large-print")
    assert (code, err) == (0, "")
    assert f"wrote {target}" in out
    pages = pdf_pages(target.read_bytes())
    assert len(pages) > 1
    assert "Large-print copy." in folded(pages[0])
    assert all(f"Page {number} of {len(pages)}" in folded(page) for number, page in enumerate(pages, start=1))
    code, _out, _err = run("timeline", str(sample), "-o", str(tmp_path / "plain.pdf"), "--date", "2026-11-22")
    assert code == 0 and len(pdf_pages((tmp_path / "plain.pdf").read_bytes())) == 1
