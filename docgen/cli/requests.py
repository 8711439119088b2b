"""The commands that follow a request to its answer: record what happened (log), see where every
request stands (status), and the documents that come after the request itself: the request for
copies (access), the complaint, the entity's reply form and the fax cover sheet."""

from __future__ import annotations

import sys
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Annotated, Optional, get_args

import typer

from docgen.cli.app import app, fail, say
from docgen.cli.documents import _write_one
from docgen.cli.options import CaseArgument, CoverOption, OutputOption, generation_options
from docgen.options import Options

RequestOption = Annotated[
    str, typer.Option("--request", help="Which request: amendment (45 CFR 164.526, or GDPR Art. 16) or access (164.524, or Art. 15; access_request).")
]


def _request(value: str) -> str:
    if value not in ("amendment", "access"):
        fail(f"--request: '{value}' is not a request; expected amendment or access", 2)
    return value


def _day(value: str | None, option: str = "--date") -> date:
    if value is None:
        return date.today()
    try:
        day = date.fromisoformat(value)
    except ValueError:
        fail(f"{option}: '{value}' is not a date; expected YYYY-MM-DD, for example 2026-11-22", 2)
    if not 1900 <= day.year <= 2199:
        fail(f"{option}: {value} is out of range; expected a date from 1900-01-01 to 2199-12-31", 2)
    return day


@app.command("log")
def log_command(
    case_file: CaseArgument,
    action: Annotated[str, typer.Argument(help="What happened: sent, received, call, extension, decision or note.", show_default=False)],
    day: Annotated[Optional[str], typer.Option("--date", help="When it happened (YYYY-MM-DD); today if not given.", show_default=False)] = None,
    method: Annotated[Optional[str], typer.Option("--method", help="How: fax, mail, 'certified mail', portal, email or hand.", show_default=False)] = None,
    reference: Annotated[Optional[str], typer.Option("--reference", help="A tracking or reference number.", show_default=False)] = None,
    note: Annotated[Optional[str], typer.Option("--note", help="A note (for an extension: 'new date 2027-02-23').", show_default=False)] = None,
    request: RequestOption = "amendment",
    decision: Annotated[Optional[str], typer.Option("--decision", help="With decision: accepted, partly_accepted or denied, also recorded in the request's response.", show_default=False)] = None,
) -> None:
    """Add what happened to a request to its log in the case file, keeping the file's comments.

    Example: docgen log case.yaml received --date 2026-11-25 --method 'certified mail'
    """
    from docgen.case.dates import PartialDate
    from docgen.case.model import Decision, LogAction, SendMethod
    from docgen.intake.log_entry import add_log_entry

    if action not in get_args(LogAction):
        fail(f"ACTION: '{action}' is not a log action; expected one of {', '.join(get_args(LogAction))}", 2)
    if method is not None and method not in get_args(SendMethod):
        fail(f"--method: '{method}' is not a method; expected one of {', '.join(get_args(SendMethod))}", 2)
    if decision is not None and (action != "decision" or decision not in get_args(Decision)[:3]):
        fail("--decision: goes with the action decision, as accepted, partly_accepted or denied", 2)
    logged = add_log_entry(case_file, request=_request(request), action=action,  # type: ignore[arg-type]
                           day=PartialDate.of(_day(day)), method=method, reference=reference,  # type: ignore[arg-type]
                           note=note, decision=decision)  # type: ignore[arg-type]
    entry = logged.entry
    say(f"{case_file}: {logged.section}.log: added {entry.date.isoformat()} {entry.action}"
        + (f" ({entry.method})" if entry.method else ""))
    if logged.decision is not None:
        say(f"{case_file}: {logged.section}.response.decision: {logged.decision}")
    elif entry.action == "decision":
        say(f"{case_file}: {logged.section}.response: record the decision there too "
            "(docgen log ... decision --decision denied, or edit the file)", err=True)
    for field, message in logged.warnings:
        say(f"{case_file}: {field}: warning: {message}", err=True)


@app.command()
def status(
    paths: Annotated[list[Path], typer.Argument(help="Case files, or folders of them (searched recursively).", show_default=False)],
    day: Annotated[Optional[str], typer.Option("--date", help="The day to count from (YYYY-MM-DD); today if not given.", show_default=False)] = None,
    ics: Annotated[Optional[Path], typer.Option("--ics", help="Also write the deadlines and follow-up dates to this calendar file (.ics).", show_default=False)] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON, for scripts.")] = False,
    receipt_days: Annotated[int, typer.Option("--receipt-days", min=0, max=60, help="Days assumed for a request to arrive when the log records no receipt.")] = 5,
    force: Annotated[bool, typer.Option("--force", help="Replace the --ics file if it exists.")] = False,
) -> None:
    """Show where each request stands: its stage, its dates, the days left, and the command for each next step.

    Example: docgen status samples/ --ics requests.ics
    """
    from docgen.status import read_statuses, status_text, to_json

    today = _day(day)
    if ics is not None:
        from docgen.output import check_writable

        check_writable(ics, force)
    cases = read_statuses(paths, today, receipt_days)
    if as_json:
        say(to_json(cases, today), data=True)
    elif sys.stdout.isatty():
        _print_table(cases, today)
    else:
        say(status_text(cases, today).rstrip("\n"))
    if ics is not None:
        from docgen.calendar_events import calendar_bytes
        from docgen.output import write_file

        say(f"wrote {write_file(calendar_bytes(cases, today), ics, force)}", err=as_json)
    if any(case.error is not None for case in cases):
        raise typer.Exit(1)


def _print_table(cases, today: date) -> None:  # type: ignore[no-untyped-def]
    """The report as a rich table; every value shown with its control characters escaped."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from docgen.case.dates import display_day
    from docgen.status import command, date_lines, request_title, stage_words, step_lines, summary, time_left
    from docgen.terminal import printable

    def cell(*lines: str) -> Text:
        return Text("\n".join(printable(line) for line in lines))

    def next_steps(case, state) -> Text:  # type: ignore[no-untyped-def]
        lines = []
        for step, line in zip(state.steps, step_lines(case, state)):
            written = command(step, case.path, state.request, state)
            if written:
                lines += [line[: -len(written) - 2], f"  {written}"]
            else:
                lines.append(line)
        return cell(*lines)

    table = Table(title=f"Requests on {display_day(today)}", show_lines=True, expand=True)
    for column, ratio in (("Case", 2), ("Request", 2), ("Stage", 1), ("Dates", 2), ("Left", 1), ("Next step and command", 5)):
        table.add_column(column, overflow="fold", ratio=ratio)
    for case in cases:
        if case.error is not None:
            table.add_row(cell(case.path), cell("-"), cell("not valid"), cell(case.error), cell(""), cell(""))
            continue
        if not case.requests:
            table.add_row(cell(case.path, case.patient or ""), cell("none"), cell(""), cell(""), cell(""), cell(""))
        for state in case.requests:
            table.add_row(cell(case.path, case.patient or ""), cell(request_title(state)), cell(stage_words(state)),
                          cell(*date_lines(state)), cell(time_left(state)), next_steps(case, state))
    console = Console()
    console.print(table)
    console.print(Text(printable(summary(cases))))


ReceiptDaysOption = Annotated[int, typer.Option("--receipt-days", min=0, max=60, help="Days assumed for a request to arrive when the log records no receipt.")]


@app.command()
@generation_options()
def access(
    case_file: CaseArgument,
    output: OutputOption,
    follow_up: Annotated[bool, typer.Option("--follow-up", help="Write the reminder for a request not answered in time instead.")] = False,
    receipt_days: ReceiptDaysOption = Options.receipt_days,
    cover: CoverOption = False,
    *,
    options: Options,
    force: bool,
) -> None:
    """Write the request for copies of the records (45 CFR 164.524, or GDPR Art. 15) from access_request.

    Example: docgen access samples/bind-labelled-fnd.yaml -o access.pdf
    """
    _write_one("access-follow-up" if follow_up else "access", case_file, output, force,
               replace(options, receipt_days=receipt_days, cover=cover))


@app.command()
@generation_options()
def complaint(
    case_file: CaseArgument,
    output: OutputOption,
    request: RequestOption = "amendment",
    receipt_days: ReceiptDaysOption = Options.receipt_days,
    *,
    options: Options,
    force: bool,
) -> None:
    """Write the complaint after a refusal or a deadline passed: to HHS (45 CFR 160.306), or a supervisory authority.

    Example: docgen complaint samples/denied-amendment.yaml -o complaint.pdf
    """
    name = "access-complaint" if _request(request) == "access" else "complaint"
    _write_one(name, case_file, output, force, replace(options, receipt_days=receipt_days))


@app.command("reply-form")
@generation_options()
def reply_form(case_file: CaseArgument, output: OutputOption, *, options: Options, force: bool) -> None:
    """Write the entity's reply form for the amendment request: a page per item, tick boxes, the addendum.

    Example: docgen reply-form samples/denied-amendment.yaml -o reply-form.pdf
    """
    _write_one("reply-form", case_file, output, force, options)


@app.command()
@generation_options()
def cover(
    case_file: CaseArgument,
    output: OutputOption,
    document: Annotated[str, typer.Option("--for", help="The document it goes with: amendment, amendment-follow-up, disagreement, access, access-follow-up or letter.", show_default=False)],
    receipt_days: ReceiptDaysOption = Options.receipt_days,
    *,
    options: Options,
    force: bool,
) -> None:
    """Write a fax cover sheet for a document on its own, counting the pages of that document's PDF.

    Example: docgen cover samples/bind-labelled-fnd.yaml --for access -o cover.pdf
    """
    from docgen.case.loading import load_case
    from docgen.documents import document_kind
    from docgen.output import check_writable, format_of
    from docgen.pipeline import write_cover

    document_kind(document)
    format_of(output)
    check_writable(output, force)
    written = write_cover(load_case(case_file), document, output, replace(options, receipt_days=receipt_days), force)
    say(f"wrote {written}")
