"""The commands about a taper plan: its projected schedule, and the taper on paper (the calendar
for the patient, the sheet for the pharmacy, the request to the prescriber)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Annotated, Optional

import typer

from docgen.cli.app import app, say
from docgen.cli.documents import _write_one
from docgen.cli.options import CaseArgument, OutputOption, generation_options
from docgen.options import Options

CalendarOutputOption = Annotated[
    Path,
    typer.Option("--output", "-o", help="The file to write; .pdf or .docx sets the format, and .ics writes a calendar file of the new doses and check-ins.", show_default=False),
]


@app.command()
def taper(
    case_file: CaseArgument,
    csv: Annotated[bool, typer.Option("--csv", help="Print comma-separated values, for a calendar or spreadsheet.")] = False,
) -> None:
    """Print the projected taper schedule of each medication with a taper plan.

    Example: docgen taper samples/taper-with-therapist.yaml --csv > schedule.csv
    """
    from docgen.case.loading import load_case
    from docgen.facts.taper_plan import schedule_csv, schedule_text

    case = load_case(case_file)
    say(schedule_csv(case), data=True) if csv else say(schedule_text(case))


@app.command()
@generation_options()
def calendar(case_file: CaseArgument, output: CalendarOutputOption, *, options: Options, force: bool) -> None:
    """Write the taper calendar: a month a page with each day's dose and its tablets, check-ins, and a return log.

    Example: docgen calendar samples/taper-with-therapist.yaml -o calendar.pdf
    """
    _write_one("calendar", case_file, output, force, options)


@app.command()
@generation_options()
def pharmacy(
    case_file: CaseArgument,
    output: OutputOption,
    fill_days: Annotated[int, typer.Option("--fill-days", min=1, max=366, help="Days one fill lasts, for the quantities of each strength.")] = Options.fill_days,
    *,
    options: Options,
    force: bool,
) -> None:
    """Write the pharmacy sheet for the prescriber to send: each step's sig and the tablets of every fill.

    Example: docgen pharmacy samples/taper-with-therapist.yaml -o pharmacy.pdf --fill-days 28
    """
    _write_one("pharmacy", case_file, output, force, replace(options, fill_days=fill_days))


@app.command("taper-request")
@generation_options()
def taper_request(
    case_file: CaseArgument,
    output: OutputOption,
    to: Annotated[Optional[str], typer.Option("--to", help="The clinician id to write to, instead of the medication's prescriber.", show_default=False)] = None,
    no_enclosure: Annotated[bool, typer.Option("--no-enclosure", help="Leave the one-page timeline out of the PDF.")] = False,
    *,
    options: Options,
    force: bool,
) -> None:
    """Write the patient's request to the prescriber for a slow taper led by how each step is tolerated.

    Example: docgen taper-request samples/taper-with-therapist.yaml -o request.pdf
    """
    _write_one("taper-request", case_file, output, force,
               replace(options, request_to=to, enclosure=not no_enclosure))
