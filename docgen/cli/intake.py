"""The commands that get a patient's history in: `docgen init` (a guided interview) and
`docgen import doses|symptoms|fhir`. Each parses its arguments, calls the library and reports;
the work is done in docgen.intake.interview, docgen.intake.log_import and docgen.intake.fhir_import.

Mounted in docgen.cli.app with ``app.command("init")(init_command)`` and
``app.add_typer(import_app, name="import")``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from docgen.errors import DocgenError
from docgen.terminal import printable

if TYPE_CHECKING:
    from docgen.intake.case_document import CaseDocument
    from docgen.intake.date_text import DateOrder
    from docgen.intake.import_report import ImportReport

IntoOption = Annotated[Optional[Path], typer.Option("--into", help="The case file to add the entries to (it is not changed unless --force is given or -o names it); without it a new case file is started, asking for the patient's name.", show_default=False)]
OutputOption = Annotated[Optional[Path], typer.Option("--output", "-o", help="Write the result to this file instead of back into the case file.", show_default=False)]
ForceOption = Annotated[bool, typer.Option("--force", help="Replace a file that already exists (the --into file, or the -o file).")]
DayFirstOption = Annotated[bool, typer.Option("--day-first", help="Read all-number dates as day/month/year (3/5/2024 is 3 May 2024).")]
MonthFirstOption = Annotated[bool, typer.Option("--month-first", help="Read all-number dates as month/day/year (3/5/2024 is 5 March 2024).")]
MapOption = Annotated[Optional[list[str]], typer.Option("--map", help="Read a column as a field, e.g. --map 'Taken=dose' (repeat for more).", show_default=False)]

import_app = typer.Typer(
    help=(
        "Bring in a history the patient already has: a dose log or symptom diary from a spreadsheet "
        "(.csv or .xlsx), or health records exported as FHIR. Prints every entry added and every row "
        "skipped with the reason; writes only a case file that validates, and replaces none unless asked."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    pretty_exceptions_show_locals=False,
    rich_markup_mode=None,
)


@contextmanager
def _reported() -> Iterator[None]:
    """docgen's errors as one message on stderr and exit code 1."""
    try:
        yield
    except DocgenError as error:
        _echo(str(error), err=True)
        raise typer.Exit(1) from None


def _echo(text: str, err: bool = False) -> None:
    """Print text that may quote an input file, each line with its control characters escaped."""
    typer.echo("\n".join(printable(line) for line in text.split("\n")), err=err)


def _ask(prompt: str) -> str:
    try:
        return str(typer.prompt(printable(prompt), default="", show_default=False, prompt_suffix=" "))
    except typer.Abort:  # end of input, or Ctrl-C / Ctrl-D at the prompt
        raise EOFError from None


def init_command(
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="The case file to write (default case.yaml; with --from, that file).", show_default=False)] = None,
    source: Annotated[Optional[Path], typer.Option("--from", help="An existing case file to add to; everything in it, comments included, is kept.", show_default=False)] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace the output file if it already exists.")] = False,
) -> None:
    """Write a case file by answering questions, or add to one with --from.

    Example: docgen init -o case.yaml
    """
    from docgen.intake.case_document import CaseDocument
    from docgen.intake.interview import Interview, init_target, load_draft, remove_draft

    with _reported():
        target, replace = init_target(output, source, force)
        document = CaseDocument.load(source) if source is not None else None
        answers = load_draft(target)
        if answers and not typer.confirm(f"An interview for {target} was stopped after {len(answers)} answers. "
                                         "Pick up where it stopped?", default=True):
            answers = None
        interview = Interview(_ask, _echo, document, str(target), answers=answers, keep_draft=True)
        saved = interview.run()
        if saved:
            _echo(f"wrote {interview.document.write(target, replace)}")
        remove_draft(target)


@import_app.command("doses")
def doses_command(
    file: Annotated[Path, typer.Argument(help="The dose log: .csv (comma, semicolon or tab) or .xlsx, with a header row.", show_default=False)],
    into: IntoOption = None,
    drug: Annotated[Optional[str], typer.Option("--drug", help="The drug of rows that name none (or when there is no drug column).", show_default=False)] = None,
    tablet_mg: Annotated[Optional[float], typer.Option("--tablet-mg", min=0.0, help="The strength of one tablet in mg, for doses written in tablets ('1/2 tab').", show_default=False)] = None,
    day_first: DayFirstOption = False,
    month_first: MonthFirstOption = False,
    mappings: MapOption = None,
    output: OutputOption = None,
    force: ForceOption = False,
) -> None:
    """Add a dose log's rows to a case file as dose entries.

    Example: docgen import doses dose-log.csv --into case.yaml --tablet-mg 0.5 -o case-with-log.yaml
    """
    from docgen.intake.case_document import DEFAULT_CASE_FILE, CaseDocument
    from docgen.intake.log_import import DoseLogOptions, import_dose_log

    order = _order(day_first, month_first)
    with _reported():
        options = DoseLogOptions(drug=drug, tablet_mg=tablet_mg, order=order, mappings=tuple(mappings or ()))
        target = output or into or Path(DEFAULT_CASE_FILE)
        report = import_dose_log(file, CaseDocument.load(into) if into else _new_case(target), options)
        _finish(report, target, force)


@import_app.command("symptoms")
def symptoms_command(
    file: Annotated[Path, typer.Argument(help="The symptom diary: .csv or .xlsx, with a header row (date, symptom, severity 0-10, note).", show_default=False)],
    into: IntoOption = None,
    symptom: Annotated[Optional[str], typer.Option("--symptom", help="The symptom of rows that name none (or when there is no symptom column).", show_default=False)] = None,
    day_first: DayFirstOption = False,
    month_first: MonthFirstOption = False,
    mappings: MapOption = None,
    output: OutputOption = None,
    force: ForceOption = False,
) -> None:
    """Add a symptom diary's rows to a case file: onsets and severities over time.

    Example: docgen import symptoms symptom-diary.csv --into case.yaml -o case-with-diary.yaml
    """
    from docgen.intake.case_document import DEFAULT_CASE_FILE, CaseDocument
    from docgen.intake.log_import import SymptomDiaryOptions, import_symptom_diary

    order = _order(day_first, month_first)
    with _reported():
        options = SymptomDiaryOptions(symptom=symptom, order=order, mappings=tuple(mappings or ()))
        target = output or into or Path(DEFAULT_CASE_FILE)
        report = import_symptom_diary(file, CaseDocument.load(into) if into else _new_case(target), options)
        _finish(report, target, force)


@import_app.command("fhir")
def fhir_command(
    source: Annotated[Path, typer.Argument(help="A FHIR R4 export: a Bundle or resource .json, an .ndjson file, or a folder of them.", show_default=False)],
    into: Annotated[Optional[Path], typer.Option("--into", help="The case file to add to; without it a new case is started from the export's patient.", show_default=False)] = None,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="The file to write (default: the --into file, else case.yaml).", show_default=False)] = None,
    force: ForceOption = False,
) -> None:
    """Propose medications, diagnoses and tests from exported health records (FHIR R4).

    Example: docgen import fhir export.json --into case.yaml -o case-with-records.yaml
    """
    from docgen.intake.case_document import DEFAULT_CASE_FILE, CaseDocument
    from docgen.intake.fhir_import import import_fhir_export

    with _reported():
        document = CaseDocument.load(into) if into is not None else None
        report = import_fhir_export(source, document)
        _finish(report, output or into or DEFAULT_CASE_FILE, force)


def _new_case(target: Path) -> CaseDocument:
    """A new case file for an import that names none: the patient's name is asked for, since
    every case file needs one (a log or a diary does not say whose it is)."""
    from docgen.case.model import Patient
    from docgen.intake.case_document import CaseDocument

    _echo(f"No --into case file: a new one, {target}, is started.")
    while True:
        try:
            name = " ".join(_ask("The patient's full name, as on their records (e.g. Jordan A. Rivera):").split())
        except EOFError:
            raise typer.Exit(1) from None
        if name:
            break
        _echo("  A name is needed: every document names its patient. Please try again.")
    document = CaseDocument.new(str(target))
    document.set_section("patient", Patient(name=name))
    return document


def _order(day_first: bool, month_first: bool) -> DateOrder:
    from docgen.intake.date_text import DateOrder

    if day_first and month_first:
        typer.echo("--day-first and --month-first: choose one", err=True)
        raise typer.Exit(2)
    return DateOrder.DAY_FIRST if day_first else DateOrder.MONTH_FIRST if month_first else DateOrder.UNAMBIGUOUS


def _finish(report: ImportReport, target: Path, force: bool) -> None:
    from docgen.intake.import_report import save_report

    for line in report.lines():
        _echo(printable(line))  # a line break inside a cell is escaped too: one entry, one line
    if not report.added:
        _echo(f"nothing new to add; {target} not written")
        return
    _echo(f"wrote {save_report(report, target, force)}")
