"""`docgen status`: where every request of one case file, or of a folder of them, stands on a
day, with the dates that follow and, for each next step, the command that writes it.

A file that is not a valid case file is reported with its first problem, and the others are
still read. Many files are read in parallel worker processes.
"""

from __future__ import annotations

import json
import os
import shlex
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from docgen.case.dates import display_day
from docgen.errors import CaseFileError, DocgenError
from docgen.facts.jurisdiction import RequestName
from docgen.facts.requests import RequestStatus, Step, statuses

CASE_SUFFIXES = (".yaml", ".yml", ".json")

#: Each document's command, with the case file and the output file to fill in.
_COMMANDS = {
    "amendment": "docgen amendment {case} -o {out}",
    "amendment-follow-up": "docgen amendment {case} --follow-up -o {out}",
    "disagreement": "docgen amendment {case} --disagreement -o {out}",
    "complaint": "docgen complaint {case} -o {out}",
    "access": "docgen access {case} -o {out}",
    "access-follow-up": "docgen access {case} --follow-up -o {out}",
    "access-complaint": "docgen complaint {case} --request access -o {out}",
}

#: From this many files on, they are read by worker processes.
_PARALLEL_FROM = 64

REGIME_NAMES = {"us": "US", "gdpr": "GDPR", "uk-gdpr": "UK GDPR"}
REQUEST_NAMES: dict[RequestName, str] = {"amendment": "amendment request", "access": "request for copies"}


@dataclass(frozen=True)
class CaseStatus:
    """One file: its patient and requests, or why it could not be read."""

    path: str
    patient: str | None
    requests: tuple[RequestStatus, ...] = ()
    error: str | None = None


def iter_case_paths(paths: Iterable[Path]) -> Iterator[Path]:
    """The case files named, and those under each folder named (recursively, hidden ones and
    docgen's own batch manifests skipped), in a stable order."""
    for path in paths:
        if path.is_dir():
            from docgen.batch import iter_case_files

            yield from iter_case_files(path)
        else:
            yield path


def read_status(path: Path, today: date, receipt_days: int = 5) -> CaseStatus:
    """Where the requests of one case file stand, or why it cannot be read."""
    from docgen.case.loading import load_case

    try:
        case = load_case(path)
    except CaseFileError as error:
        problems = error.problems
        first_problem = problems[0].format(error.file) if problems else str(error)
        more = f" (and {len(problems) - 1} more problem{'s' if len(problems) > 2 else ''})" if len(problems) > 1 else ""
        return CaseStatus(str(path), None, error=f"not a valid case file: {first_problem}{more}")
    except DocgenError as error:
        return CaseStatus(str(path), None, error=str(error))
    return CaseStatus(str(path), case.patient.name, tuple(statuses(case, today, receipt_days)))


def _read_one(arguments: tuple[Path, date, int]) -> CaseStatus:
    return read_status(*arguments)


def read_statuses(paths: Sequence[Path], today: date, receipt_days: int = 5,
                  jobs: int | None = None) -> list[CaseStatus]:
    """Where the requests of every case file named (or under a folder named) stand."""
    files = list(iter_case_paths(paths))
    work = [(path, today, receipt_days) for path in files]
    workers = min(jobs or os.cpu_count() or 1, len(files))
    if len(files) < _PARALLEL_FROM or workers < 2:
        return [_read_one(item) for item in work]
    import multiprocessing

    with multiprocessing.get_context("fork" if hasattr(os, "fork") else "spawn").Pool(workers) as pool:
        return pool.map(_read_one, work, chunksize=max(1, len(work) // (workers * 8)))


# -- commands ------------------------------------------------------------------------------------


def command(step: Step, case_path: str, request: RequestName, state: RequestStatus) -> str | None:
    """The exact command that takes a step, for the case file at ``case_path``; None when no
    command does (a check to make, a field to fill in)."""
    case = shlex.quote(case_path)
    if step.document is not None:
        stem = Path(case_path).stem
        return _COMMANDS[step.document].format(case=case, out=shlex.quote(f"{stem}-{step.document}.pdf"))
    if step.log is not None:
        words = ["docgen", "log", case, step.log]
        if request != "amendment":
            words += ["--request", request]
        if step.log == "sent" and state.sent_from_date and state.sent is not None:
            words += ["--date", state.sent.isoformat()]
        return " ".join(words)
    return None


# -- output --------------------------------------------------------------------------------------


def _day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def to_json(cases: Sequence[CaseStatus], today: date) -> str:
    """Everything `status` shows, for scripts: dates as YYYY-MM-DD, one object per request."""
    def request_data(case: CaseStatus, state: RequestStatus) -> dict[str, Any]:
        return {
            "request": state.request, "section": state.section, "recipient": state.recipient,
            "regime": state.regime, "stage": state.stage, "sent": _day(state.sent),
            "sent_from_date": state.sent_from_date, "received": _day(state.received),
            "receipt_assumed": state.receipt_assumed, "first_due": _day(state.first_due), "due": _day(state.due),
            "latest": _day(state.latest), "extended": state.extended, "late_extension": state.late_extension,
            "decision": state.decision, "decided": _day(state.decided), "late_answer": state.late_answer,
            "complaint_by": _day(state.complaint_by), "days_left": state.days_left,
            "steps": [{"action": step.action, "document": step.document, "log": step.log, "on": _day(step.on),
                       "by": _day(step.by), "command": command(step, case.path, state.request, state)}
                      for step in state.steps],
        }

    data = {"generator": "docgen", "date": today.isoformat(), "cases": [
        {"path": case.path, "patient": case.patient, "error": case.error,
         "requests": [request_data(case, state) for state in case.requests]}
        for case in cases]}
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def stage_words(state: RequestStatus) -> str:
    """"answered (denied, 29 Sep 2026)", "overdue", "extended"."""
    if state.regime is None:
        return "rules unknown"
    if state.stage == "answered":
        decision = (state.decision or "decision not recorded").replace("_", " ")
        return f"answered ({decision}{', ' + display_day(state.decided) if state.decided else ''})"
    return state.stage


def date_lines(state: RequestStatus) -> list[str]:
    """The dates of a request, one phrase each, in the order they happen."""
    if state.regime is None:
        return [f"no rules stated for the country of {state.section}.to"]
    if state.sent is None:
        return ["not sent yet"]
    lines = [f"sent {display_day(state.sent)}{' (its date)' if state.sent_from_date else ''}"]
    if state.received is not None:
        lines.append(f"received {display_day(state.received)}{' (assumed)' if state.receipt_assumed else ''}")
    if state.due is not None and state.first_due is not None:
        if state.extended and not state.late_extension and state.due != state.first_due:
            lines.append(f"due {display_day(state.first_due)}, extended to {display_day(state.due)}"
                         f"{' (the limit)' if state.capped else ''}")
        else:
            lines.append(f"due {display_day(state.due)}{' (late extension ignored)' if state.late_extension else ''}")
        if not state.extended and state.latest is not None and state.stage != "answered":
            lines.append(f"latest with an extension {display_day(state.latest)}")
    if state.late_answer:
        lines.append("answered after the deadline")
    if state.complaint_by is not None:
        lines.append(f"complain to HHS by {display_day(state.complaint_by)}")
    return lines


def time_left(state: RequestStatus) -> str:
    """"12 days left", "5 days overdue", or the time left to complain."""
    def days(number: int) -> str:
        return f"{number} day{'s' if number != 1 else ''}"

    left = state.days_left
    if left is not None and state.stage != "drafted":
        return f"{days(left)} left" if left >= 0 else f"{days(-left)} overdue"
    if state.complaint_by is not None:
        remaining = (state.complaint_by - state.today).days
        return f"{days(remaining)} to complain" if remaining >= 0 else f"complaint {days(-remaining)} late"
    return ""


def step_lines(case: CaseStatus, state: RequestStatus) -> list[str]:
    """Each next step, with its dates and its command."""
    lines = []
    for step in state.steps:
        when = ""
        if step.on is not None:
            when = f" (from {display_day(step.on)})"
        if step.by is not None:
            when += f" (by {display_day(step.by)})"
        text = f"{step.action}{when}"
        written = command(step, case.path, state.request, state)
        lines.append(f"{text}: {written}" if written else text)
    return lines


def request_title(state: RequestStatus) -> str:
    regime = f", {REGIME_NAMES[state.regime]}" if state.regime else ""
    return f"{REQUEST_NAMES[state.request]} to {state.recipient}{regime}"


def status_text(cases: Sequence[CaseStatus], today: date) -> str:
    """The report as plain text: a block per case file, a paragraph per request."""
    blocks = [f"Requests on {display_day(today)}"]
    for case in cases:
        if case.error is not None:
            blocks.append(f"{case.path}\n  {case.error}")
            continue
        lines = [f"{case.path} ({case.patient})"]
        if not case.requests:
            lines.append("  no requests (no amendment or access_request section)")
        for state in case.requests:
            left = time_left(state)
            lines.append(f"  {request_title(state)}: {stage_words(state)}{'; ' + left if left else ''}")
            lines.append(f"    {' · '.join(date_lines(state))}")
            for line in step_lines(case, state):
                lines.append(f"    next: {line}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n" + summary(cases) + "\n"


def summary(cases: Sequence[CaseStatus]) -> str:
    """"4 case files, 1 not valid; 3 requests: 1 overdue, 1 answered, 1 sent"."""
    requests = [state for case in cases for state in case.requests]
    invalid = sum(1 for case in cases if case.error is not None)
    counts = [f"{sum(1 for state in requests if state.stage == stage)} {stage}"
              for stage in ("overdue", "answered", "extended", "received", "sent", "drafted")
              if any(state.stage == stage for state in requests)]
    files = f"{len(cases)} case file{'s' if len(cases) != 1 else ''}" + (f", {invalid} not valid" if invalid else "")
    return f"{files}; {len(requests)} request{'s' if len(requests) != 1 else ''}" + (f": {', '.join(counts)}" if counts else "")
