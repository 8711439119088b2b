"""`docgen log` and `docgen status`: entries added in place with the file's comments, the refusals,
the report of a folder (text, JSON, a calendar), and files that are not case files."""

from __future__ import annotations

import json
import os
import shutil
import stat
from pathlib import Path

import pytest
from conftest import ROOT, run_main

from docgen.case.loading import load_case

DENIED = ROOT / "samples" / "denied-amendment.yaml"
FULL = ROOT / "samples" / "bind-labelled-fnd.yaml"


def _copy(source: Path, tmp_path: Path, name: str | None = None) -> Path:
    target = tmp_path / (name or source.name)
    shutil.copyfile(source, target)
    return target


# -- docgen log -----------------------------------------------------------------------------------


def test_log_adds_an_entry_in_date_order_and_keeps_every_other_line(tmp_path: Path) -> None:
    case = _copy(DENIED, tmp_path)
    os.chmod(case, 0o640)
    before = case.read_text(encoding="utf-8").splitlines()
    code, out, err = run_main("log", str(case), "call", "--date", "2026-09-25", "--note", "asked about the review")
    assert (code, err) == (0, "")
    assert out == f"{case}: amendment.log: added 2026-09-25 call\n"
    after = case.read_text(encoding="utf-8").splitlines()
    added = '    - {date: 2026-09-25, action: call, note: "asked about the review"}'
    assert [line for line in after if line not in before] == [added]
    assert after.index(added) == after.index("    - {date: 2026-09-29, action: decision, method: mail, "
                                             'note: "denial letter dated 2026-09-25"}') - 1
    assert [line for line in after if line != added] == before  # comments and layout kept
    assert stat.S_IMODE(case.stat().st_mode) == 0o640
    assert load_case(case).amendment is not None
    assert [entry.action for entry in load_case(case).amendment.log] == ["sent", "received", "call", "call", "decision"]


def test_log_starts_a_log_and_records_a_decision_in_the_response(tmp_path: Path) -> None:
    case = _copy(FULL, tmp_path)
    assert run_main("log", str(case), "sent", "--date", "2026-11-18", "--method", "certified mail",
                    "--reference", "9589 0710 5270")[0] == 0
    code, out, _err = run_main("log", str(case), "decision", "--date", "2026-12-21", "--decision", "denied")
    assert code == 0 and out.endswith("amendment.response.decision: denied\n")
    text = case.read_text(encoding="utf-8")
    assert ("      address: [\"410 Commerce Drive, Suite 200\", \"Westbrook, IL 62703\"]\n"
            "  response:\n    received_on: 2026-12-21\n    decision: denied\n  log:\n"
            "    - {date: 2026-11-18, action: sent, method: certified mail, reference: 9589 0710 5270}\n"
            "    - {date: 2026-12-21, action: decision}\n\naccess_request:") in text
    amendment = load_case(case).amendment
    assert amendment is not None and amendment.response is not None and amendment.response.decision == "denied"


def test_log_of_the_access_request_and_its_warnings(tmp_path: Path) -> None:
    case = _copy(FULL, tmp_path)
    code, out, err = run_main("log", str(case), "extension", "--request", "access", "--date", "2026-11-20")
    assert code == 0
    assert out == f"{case}: access_request.log: added 2026-11-20 extension\n"
    assert err == f"{case}: access_request.log[4]: warning: a second extension; 45 CFR 164.524(b)(2) allows one\n"


def test_log_of_a_json_case_file_writes_json(tmp_path: Path) -> None:
    case = tmp_path / "case.json"
    case.write_text(json.dumps({"version": 1, "patient": {"name": "Ann"},
                                "medications": [{"drug": "diazepam", "doses": [{"date": "2020-01-01", "mg_per_day": 5}]}],
                                "access_request": {"to": {"organization": "Clinic"}, "records": ["Notes"]}}),
                    encoding="utf-8")
    assert run_main("log", str(case), "sent", "--request", "access", "--date", "2026-01-02", "--method", "portal")[0] == 0
    data = json.loads(case.read_text(encoding="utf-8"))
    assert data["access_request"]["log"] == [{"date": "2026-01-02", "action": "sent", "method": "portal"}]


@pytest.mark.parametrize(("arguments", "code", "message"), [
    (["mailed"], 2, "ACTION: 'mailed' is not a log action; expected one of sent, received, call, extension, decision, note\n"),
    (["sent", "--method", "pigeon"], 2, "--method: 'pigeon' is not a method; expected one of fax, mail, certified mail, "
                                         "portal, email, hand\n"),
    (["sent", "--date", "22/11/2026"], 2, "--date: '22/11/2026' is not a date; expected YYYY-MM-DD, for example 2026-11-22\n"),
    (["sent", "--decision", "denied"], 2, "--decision: goes with the action decision, as accepted, partly_accepted or denied\n"),
    (["sent", "--request", "copies"], 2, "--request: 'copies' is not a request; expected amendment or access\n"),
    (["sent", "--date", "2026-09-08"], 1, "{case}: already in the log (2026-09-08: sent); nothing was written\n"),
    (["sent", "--request", "access"], 1, "{case}: the case has no access_request section, so there is no request to "
                                         "log; nothing was written\n"),
    (["decision", "--decision", "accepted"], 1, "{case}: amendment.response.decision is already 'denied', not "
                                                "'accepted'; not replaced; nothing was written\n"),
])
def test_log_refuses_what_does_not_fit_and_leaves_the_file(arguments: list[str], code: int, message: str,
                                                          tmp_path: Path) -> None:
    case = _copy(DENIED, tmp_path)
    before = case.read_bytes()
    result, out, err = run_main("log", str(case), *arguments)
    assert (result, out, err) == (code, "", message.format(case=case))
    assert case.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == [case.name]


# -- docgen status --------------------------------------------------------------------------------


def test_status_of_the_samples_folder(tmp_path: Path) -> None:
    code, out, err = run_main("status", str(ROOT / "samples"), "--date", "2026-11-22")
    assert code == 1  # samples/fhir/export.json is not a case file
    samples = ROOT / "samples"
    assert out.startswith("Requests on 22 Nov 2026\n\n")
    assert (f"{samples / 'denied-amendment.yaml'} (Harold E. Lindgren)\n"
            "  amendment request to Puget Sound Memorial Hospital, US: answered (denied, 29 Sep 2026); 126 days to complain\n"
            "    sent 8 Sep 2026 · received 11 Sep 2026 · due 10 Nov 2026 · complain to HHS by 28 Mar 2027\n"
            f"    next: Send a statement of disagreement: docgen amendment {samples / 'denied-amendment.yaml'} "
            "--disagreement -o denied-amendment-disagreement.pdf\n"
            f"    next: Complain to the Secretary of HHS (by 28 Mar 2027): docgen complaint "
            f"{samples / 'denied-amendment.yaml'} -o denied-amendment-complaint.pdf\n") in out
    assert ("  request for copies to Halvorsen & Park Neurology, US: overdue; 9 days overdue\n"
            "    sent 14 Sep 2026 · received 14 Sep 2026 · due 14 Oct 2026, extended to 13 Nov 2026 · "
            "complain to HHS by 12 May 2027\n") in out
    assert f"{samples / 'fhir' / 'export.json'}\n  not a valid case file: " in out
    assert out.endswith("6 case files, 1 not valid; 5 requests: 3 overdue, 1 answered, 1 sent\n")
    assert err == ""


def test_status_every_request_has_a_stage_dates_and_a_command(tmp_path: Path) -> None:
    code, out, _err = run_main("status", str(ROOT / "samples"), "--date", "2026-11-22", "--json")
    assert code == 1
    data = json.loads(out)
    requests = [request for case in data["cases"] for request in case["requests"]]
    assert len(requests) == 5
    for request in requests:
        assert request["stage"] in ("sent", "overdue", "answered")
        assert request["due"] and request["received"] and request["sent"]
        assert any(step["command"] and step["command"].startswith("docgen ") for step in request["steps"])
    invalid = [case for case in data["cases"] if case["error"]]
    assert [Path(case["path"]).name for case in invalid] == ["export.json"]


def test_status_commands_run_and_write_the_documents(tmp_path: Path) -> None:
    import shlex

    _code, out, _err = run_main("status", str(DENIED), str(FULL), "--date", "2026-11-22", "--json")
    commands = [step["command"] for case in json.loads(out)["cases"] for request in case["requests"]
                for step in request["steps"] if step["document"]]
    assert len(commands) == 5
    for command in commands:
        words = shlex.split(command)
        output = tmp_path / Path(words[words.index("-o") + 1]).name
        words[words.index("-o") + 1] = str(output)
        code, _out, err = run_main(*words[1:], "--date", "2026-11-22")
        assert code == 0, (command, err)
        assert output.stat().st_size > 1000


def test_status_writes_a_calendar_that_parses_back(tmp_path: Path) -> None:
    from icalendar import Calendar

    target = tmp_path / "requests.ics"
    code, _out, err = run_main("status", str(DENIED), str(FULL), "--date", "2026-11-22", "--ics", str(target))
    assert code == 0 and err == ""
    data = target.read_bytes()
    calendar = Calendar.from_ical(data)
    events = {(str(event["summary"]), event.decoded("dtstart").isoformat()) for event in calendar.walk("VEVENT")}
    assert ("Last day to complain: Harold E. Lindgren: amendment request to Puget Sound Memorial Hospital, US",
            "2027-03-28") in events
    assert ("Answer due: Theresa M. Kowalczyk: amendment request to Halvorsen & Park Neurology, US", "2027-01-22") in events
    assert ("If no answer has come by then, send the follow-up: Theresa M. Kowalczyk: amendment request to Halvorsen & Park "
            "Neurology, US", "2027-01-23") in events
    assert ("Last day to complain: Theresa M. Kowalczyk: request for copies to Halvorsen & Park Neurology, US",
            "2027-05-12") in events
    uids = [str(event["uid"]) for event in calendar.walk("VEVENT")]
    assert len(uids) == len(set(uids)) == len(events)
    assert all(event.decoded("dtstamp").isoformat() == "2026-11-22T00:00:00+00:00" for event in calendar.walk("VEVENT"))
    # the same cases and date give the same bytes; an existing file is kept without --force
    again = tmp_path / "again.ics"
    run_main("status", str(DENIED), str(FULL), "--date", "2026-11-22", "--ics", str(again))
    assert again.read_bytes() == data
    code, _out, err = run_main("status", str(DENIED), "--ics", str(target))
    assert code == 1 and "exists" in err


def test_status_reports_files_that_are_not_case_files_and_shows_the_rest(tmp_path: Path) -> None:
    _copy(DENIED, tmp_path)
    (tmp_path / "broken.yaml").write_text("version: 1\npatient: {name: ''}\n", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not a case", encoding="utf-8")
    code, out, _err = run_main("status", str(tmp_path), str(tmp_path / "missing.yaml"), "--date", "2026-11-22")
    assert code == 1
    assert f"{tmp_path / 'broken.yaml'}\n  not a valid case file: {tmp_path / 'broken.yaml'}: " in out
    assert f"{tmp_path / 'missing.yaml'}\n  " in out
    assert "answered (denied, 29 Sep 2026)" in out
    assert "notes.txt" not in out
    assert out.endswith("3 case files, 2 not valid; 1 request: 1 answered\n")


def test_status_on_a_terminal_is_a_table_with_control_characters_escaped(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    import io
    import sys

    case = tmp_path / "case.yaml"
    text = DENIED.read_text(encoding="utf-8").replace("name: Harold E. Lindgren", 'name: "Harold\\e[2J E. Lindgren"')
    case.write_text(text, encoding="utf-8")

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    screen = Terminal()
    monkeypatch.setattr(sys, "stdout", screen)
    monkeypatch.setenv("COLUMNS", "200")
    from docgen.cli.requests import _print_table
    from docgen.status import read_statuses
    from datetime import date

    _print_table(read_statuses([case], date(2026, 11, 22)), date(2026, 11, 22))
    shown = screen.getvalue()
    assert "Requests on 22 Nov 2026" in shown and "answered" in shown and "(denied," in shown
    assert "Harold\\x1b[2J E. Lindgren" in shown and "\x1b[2J" not in shown
    assert "docgen amendment" in shown


def test_status_reads_many_files_in_parallel_with_the_same_result(tmp_path: Path) -> None:
    from datetime import date

    from docgen.status import read_statuses, to_json

    for index in range(70):
        _copy(DENIED if index % 2 else FULL, tmp_path, f"case-{index:03}.yaml")
    day = date(2026, 11, 22)
    files = sorted(tmp_path.glob("*.yaml"))
    parallel = read_statuses([tmp_path], day, jobs=2)
    serial = [read_statuses([path], day)[0] for path in files]
    assert to_json(parallel, day) == to_json(serial, day)
