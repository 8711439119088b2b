"""The `docgen` typer app and its entry point. Commands live in the modules beside this one, one
module per group; errors are turned into messages here, at the boundary, and nowhere else.

Heavy modules (renderers) are imported only by the commands that render, so `docgen --help` and
`docgen validate` start quickly.
"""

from __future__ import annotations

import sys
from typing import NoReturn

import typer

from docgen.errors import DocgenError
from docgen.terminal import printable

app = typer.Typer(
    name="docgen",
    help=(
        "New? `docgen init` asks a few questions and writes your case file; `docgen serve` does the same in "
        "your browser.\n\nPatient advocacy paperwork from one case file (YAML or JSON): a one-page medication and "
        "symptom timeline, an amendment request (HIPAA, or the GDPR), a prescriber-to-therapist letter, and a taper on paper "
        "(a calendar, a pharmacy sheet and a request to the prescriber), as PDF and DOCX.\n\nStart with `docgen demo --out docgen-demo` to see real output, then "
        "`docgen validate CASE.yaml` and `docgen packet CASE.yaml --out FOLDER`."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    pretty_exceptions_show_locals=False,
    rich_markup_mode=None,
)


def say(text: str, *, err: bool = False, data: bool = False) -> None:
    """Print docgen's words, with every control character that came from a case file or a path
    shown as an escape (``\\x1b``), line by line, so a file's text cannot drive the terminal.
    ``data`` (CSV, JSON) is printed as it is when it goes to a file or a pipe."""
    stream = sys.stderr if err else sys.stdout
    if not (data and not stream.isatty()):
        text = "\n".join(printable(line) for line in text.split("\n"))
    typer.echo(text, err=err, nl=not data or not text.endswith("\n"))


def fail(message: str, code: int = 1) -> NoReturn:
    """One message on stderr and the exit code (1: input or output; 2: usage)."""
    say(message, err=True)
    raise typer.Exit(code)


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
        say(str(error), err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        typer.echo("interrupted; nothing half-written was left behind", err=True)
        sys.exit(130)
    except Exception as error:  # a defect: no traceback, no case text
        typer.echo(f"internal error ({type(error).__name__}); no output was written; please report it", err=True)
        sys.exit(1)
