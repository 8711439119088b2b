"""The `docgen` command. Each command parses its arguments, calls one library function and
reports; nothing is computed here. Heavy modules (renderers) are imported only by the commands
that render, so `docgen --help` and `docgen validate` start quickly.
"""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Annotated, NoReturn, Optional

import typer

from docgen.errors import DocgenError
from docgen.options import PRIVATE_MODE, SHARED_MODE, Options
from docgen.pharmacology.equivalence import EquivalenceTable

app = typer.Typer(
    name="docgen",
    help=(
        "Patient advocacy paperwork from one case file (YAML or JSON): a one-page medication and "
        "symptom timeline, a HIPAA amendment request and a prescriber-to-therapist letter, as PDF "
        "and DOCX.\n\nStart with `docgen demo --out docgen-demo` to see real output, then "
        "`docgen validate CASE.yaml` and `docgen packet CASE.yaml --out FOLDER`."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    pretty_exceptions_show_locals=False,
    rich_markup_mode=None,
)

CaseArgument = Annotated[Path, typer.Argument(help="The case file (.yaml, .yml or .json).", show_default=False)]
OutputOption = Annotated[Path, typer.Option("--output", "-o", help="The file to write; .pdf or .docx sets the format.", show_default=False)]
ForceOption = Annotated[bool, typer.Option("--force", help="Replace an output file that already exists.")]
DateOption = Annotated[
    Optional[str],
    typer.Option("--date", help="The date printed as the generation date (YYYY-MM-DD); today if not given.", show_default=False),
]
TableOption = Annotated[
    EquivalenceTable,
    typer.Option("--table", help="Benzodiazepine equivalence table for diazepam-equivalent doses.", case_sensitive=False),
]
PageOption = Annotated[str, typer.Option("--page", help="Paper size: letter or a4.")]
TemplatesOption = Annotated[
    Optional[Path],
    typer.Option("--templates", help="A folder of your own copies of the templates (same file names) to use instead.", show_default=False),
]
SharedOption = Annotated[
    bool,
    typer.Option("--shared", help="Make the files readable by everyone on this computer (mode 0644); by default only you can read them (0600)."),
]


def _fail(message: str, code: int = 1) -> NoReturn:
    typer.echo(message, err=True)
    raise typer.Exit(code)


def _options(today: str | None, table: EquivalenceTable, page: str, templates: Path | None,
             shared: bool = False) -> Options:
    if page.lower() not in ("letter", "a4"):
        _fail(f"--page: '{page}' is not a paper size; expected letter or a4", 2)
    day = date.today()
    if today is not None:
        try:
            day = date.fromisoformat(today)
        except ValueError:
            _fail(f"--date: '{today}' is not a date; expected YYYY-MM-DD, for example 2026-11-22", 2)
        if not 1900 <= day.year <= 2199:
            _fail(f"--date: {today} is out of range; expected a date from 1900-01-01 to 2199-12-31", 2)
    if templates is not None and not templates.is_dir():
        _fail(f"--templates: {templates} is not a folder", 2)
    return Options(today=day, table=table, page=page.lower(), templates=str(templates) if templates else None,
                   file_mode=SHARED_MODE if shared else PRIVATE_MODE)


def _load(case_file: Path):  # type: ignore[no-untyped-def]
    from docgen.loading import load_case

    return load_case(case_file)


@app.command()
def validate(case_file: CaseArgument, table: TableOption = EquivalenceTable.ASHTON) -> None:
    """Check a case file and summarise what it holds; warn about what looks wrong.

    Example: docgen validate samples/bind-labelled-fnd.yaml
    """
    from docgen.review import iter_warnings, summarize

    case = _load(case_file)
    typer.echo(f"{case_file}: valid case file")
    for line in summarize(case):
        typer.echo(f"  {line}")
    warnings = list(iter_warnings(case, table))
    for warning in warnings:
        typer.echo(f"{case_file}: {warning.field}: warning: {warning.message}", err=True)
    if warnings:
        typer.echo(f"{len(warnings)} warning{'s' if len(warnings) != 1 else ''} (the file is still valid)", err=True)


@app.command()
def schema() -> None:
    """Print the JSON Schema of a case file, for editors that validate and autocomplete.

    Example: docgen schema > casefile.schema.json
    """
    from docgen.model import json_schema

    typer.echo(json.dumps(json_schema(), indent=2, ensure_ascii=False))


def _write_one(name: str, case_file: Path, output: Path, force: bool, options: Options) -> None:
    from docgen.output import check_writable, format_of
    from docgen.pipeline import document_kind, write_document

    document_kind(name)
    format_of(output)
    check_writable(output, force)
    case = _load(case_file)
    written = write_document(case, name, output, options, force)
    typer.echo(f"wrote {written}")


@app.command()
def timeline(
    case_file: CaseArgument,
    output: OutputOption,
    force: ForceOption = False,
    today: DateOption = None,
    table: TableOption = EquivalenceTable.ASHTON,
    page: PageOption = "letter",
    templates: TemplatesOption = None,
    shared: SharedOption = False,
) -> None:
    """Write the one-page medication and symptom timeline.

    Example: docgen timeline samples/bind-labelled-fnd.yaml -o timeline.pdf
    """
    _write_one("timeline", case_file, output, force, _options(today, table, page, templates, shared))


@app.command()
def amendment(
    case_file: CaseArgument,
    output: OutputOption,
    follow_up: Annotated[bool, typer.Option("--follow-up", help="Write the reminder for a request unanswered after 60 days instead.")] = False,
    disagreement: Annotated[bool, typer.Option("--disagreement", help="Write the statement of disagreement with a denial (amendment.response) instead.")] = False,
    no_enclosure: Annotated[bool, typer.Option("--no-enclosure", help="Leave the one-page timeline out of the PDF.")] = False,
    receipt_days: Annotated[int, typer.Option("--receipt-days", min=0, max=60, help="Days assumed for the request to arrive, for the expected response date.")] = Options.receipt_days,
    force: ForceOption = False,
    today: DateOption = None,
    table: TableOption = EquivalenceTable.ASHTON,
    page: PageOption = "letter",
    templates: TemplatesOption = None,
    shared: SharedOption = False,
) -> None:
    """Write the HIPAA amendment request (45 CFR 164.526) from the case's amendment section.

    Example: docgen amendment samples/bind-labelled-fnd.yaml -o amendment.pdf
    """
    if follow_up and disagreement:
        _fail("--follow-up and --disagreement: choose one", 2)
    name = "amendment-follow-up" if follow_up else "disagreement" if disagreement else "amendment"
    options = replace(_options(today, table, page, templates, shared), enclosure=not no_enclosure, receipt_days=receipt_days)
    _write_one(name, case_file, output, force, options)


@app.command()
def letter(
    case_file: CaseArgument,
    output: OutputOption,
    force: ForceOption = False,
    today: DateOption = None,
    table: TableOption = EquivalenceTable.ASHTON,
    page: PageOption = "letter",
    templates: TemplatesOption = None,
    shared: SharedOption = False,
) -> None:
    """Write the prescriber-to-therapist letter from the case's therapist_letter section.

    Example: docgen letter samples/taper-with-therapist.yaml -o letter.pdf
    """
    _write_one("letter", case_file, output, force, _options(today, table, page, templates, shared))


def _packet(case_file: Path, out: Path, force: bool, options: Options) -> None:
    from docgen.pipeline import write_packet

    case = _load(case_file)
    for item in write_packet(case, out, options, force):
        typer.echo(f"wrote {item.path}")
    typer.echo(f"checksums in {out / 'SHA256SUMS'} (check with: sha256sum -c SHA256SUMS)")


@app.command()
def taper(
    case_file: CaseArgument,
    csv: Annotated[bool, typer.Option("--csv", help="Print comma-separated values, for a calendar or spreadsheet.")] = False,
) -> None:
    """Print the projected taper schedule of each medication with a taper plan.

    Example: docgen taper samples/taper-with-therapist.yaml --csv > schedule.csv
    """
    from docgen.taper_plan import schedule_csv, schedule_text

    case = _load(case_file)
    typer.echo(schedule_csv(case) if csv else schedule_text(case), nl=not csv)


@app.command()
def packet(
    case_file: CaseArgument,
    out: Annotated[Path, typer.Option("--out", help="The folder to write into (created if needed).", show_default=False)],
    force: ForceOption = False,
    today: DateOption = None,
    table: TableOption = EquivalenceTable.ASHTON,
    page: PageOption = "letter",
    templates: TemplatesOption = None,
    shared: SharedOption = False,
) -> None:
    """Write every document the case has data for, each as PDF and DOCX, into one folder.

    Example: docgen packet samples/bind-labelled-fnd.yaml --out packet/
    """
    _packet(case_file, out, force, _options(today, table, page, templates, shared))


@app.command()
def batch(
    folder: Annotated[Path, typer.Argument(help="A folder of case files (.yaml, .yml, .json), searched recursively.", show_default=False)],
    out: Annotated[Path, typer.Option("--out", help="The folder to write into; each case gets a subfolder.", show_default=False)],
    jobs: Annotated[Optional[int], typer.Option("--jobs", min=1, help="Cases processed at once (default: all cores).", show_default=False)] = None,
    shard: Annotated[Optional[str], typer.Option("--shard", help="Process only share I of N (I/N), for spreading a batch over machines.", show_default=False)] = None,
    force: ForceOption = False,
    today: DateOption = None,
    table: TableOption = EquivalenceTable.ASHTON,
    page: PageOption = "letter",
    shared: SharedOption = False,
) -> None:
    """Write the packet of every case file in a folder, in parallel, with a manifest.

    Example: docgen batch cases/ --out packets/ --jobs 2
    """
    from docgen.batch import parse_shard, run_batch, select

    options = _options(today, table, page, None, shared)
    selected_shard = parse_shard(shard) if shard else None
    total = len(select(folder, selected_shard)) if folder.is_dir() else 0
    results = _run_with_progress(lambda report: run_batch(folder, out, options, jobs, force, selected_shard, report), total)
    counts = {status: sum(1 for result in results if result.status == status) for status in ("generated", "skipped", "failed")}
    typer.echo(f"{len(results)} case files: {counts['generated']} generated, {counts['skipped']} skipped, {counts['failed']} failed")
    for result in results:
        if result.status != "generated":
            typer.echo(f"{result.status}: {result.case}", err=result.status == "failed")
            for line in result.reason.splitlines():
                typer.echo(f"    {line}", err=result.status == "failed")
    typer.echo(f"manifest: {out / ('manifest.json' if selected_shard is None else f'manifest-{selected_shard[0]}-of-{selected_shard[1]}.json')}")
    if counts["failed"]:
        raise typer.Exit(1)


def _run_with_progress(work, total: int):  # type: ignore[no-untyped-def]
    """Run ``work(report)`` with a progress bar on a terminal, quietly otherwise."""
    if not sys.stderr.isatty():
        return work(None)
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(TextColumn("generating"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  transient=True) as progress:
        task = progress.add_task("cases", total=total)
        return work(lambda _result: progress.advance(task))


@app.command()
def demo(
    out: Annotated[Path, typer.Option("--out", help="The folder to write into (created if needed).")] = Path("docgen-demo"),
    force: ForceOption = False,
    today: DateOption = None,
    shared: SharedOption = False,
) -> None:
    """Write the packet of a bundled, fictional sample case, to see real output with no input.

    Example: docgen demo --out docgen-demo
    """
    from docgen.samples import demo_case_path

    case_file = demo_case_path()
    typer.echo(f"sample case: {case_file}")
    _packet(case_file, out, force, _options(today, EquivalenceTable.ASHTON, "letter", None, shared))


from docgen.cli_input import import_app, init_command  # noqa: E402 (commands defined there)

app.command("init")(init_command)
app.add_typer(import_app, name="import")


def _show_warning(message: Warning | str, category: type[Warning], filename: str, lineno: int,
                  file: object = None, line: str | None = None) -> None:
    """Python warnings, named by kind only: a library's warning text may quote the case."""
    typer.echo(f"docgen: a {category.__name__} was raised and not shown (its text may quote the case)", err=True)


def main() -> None:
    """Entry point: run the app, turning docgen's errors into one message and exit code 1.

    Any other exception is a defect: it is reported by its type alone, never with a traceback
    or its message, which could quote the case (a diagnosis in a log is a real harm).
    """
    import warnings

    warnings.showwarning = _show_warning
    try:
        app()
    except DocgenError as error:
        typer.echo(str(error), err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        typer.echo("interrupted; nothing half-written was left behind", err=True)
        sys.exit(130)
    except Exception as error:  # a defect: no traceback, no case text
        typer.echo(f"internal error ({type(error).__name__}); no output was written; please report it", err=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
