"""The arguments and options several commands share, defined once and applied to each.

``generation_options`` adds the options every document command takes (--force, --date,
--table, --page, --templates, --shared, --large-print) to a command and hands it one ``Options`` instead.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Optional, TypeVar

import typer

from docgen.cli.app import fail
from docgen.facts.equivalence import EquivalenceTable
from docgen.options import PAGE_SIZES, PRIVATE_MODE, SHARED_MODE, Options

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

LargePrintOption = Annotated[
    bool,
    typer.Option("--large-print", help="Large print: every text 14 pt or more, over more pages (the timeline says so on the page; the calendar turns to landscape)."),
]

CoverOption = Annotated[
    bool,
    typer.Option("--cover", help="Start with a fax cover sheet: recipient, fax numbers, pages, a confidentiality notice."),
]

_DEFAULTS = Options()

#: (name, annotation, default) of each shared option, in the order --help lists them.
_SHARED: tuple[tuple[str, Any, Any], ...] = (
    ("force", ForceOption, False),
    ("today", DateOption, None),
    ("table", TableOption, _DEFAULTS.table),
    ("page", PageOption, _DEFAULTS.page),
    ("templates", TemplatesOption, None),
    ("shared", SharedOption, False),
    ("large_print", LargePrintOption, _DEFAULTS.large_print),
)

Command = TypeVar("Command", bound=Callable[..., None])


def generation_options(*, templates: bool = True) -> Callable[[Command], Command]:
    """Give a command the shared generation options. The command declares ``options: Options``
    and ``force: bool`` keyword parameters and receives them filled in; ``templates=False``
    leaves --templates out (for commands that use only docgen's own templates)."""
    shared = [item for item in _SHARED if templates or item[0] != "templates"]

    def decorate(command: Command) -> Command:
        own = inspect.signature(command, eval_str=True)
        kept = [parameter for name, parameter in own.parameters.items() if name not in ("options", "force")]
        added = [inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, annotation=annotation, default=default)
                 for name, annotation, default in shared]

        @functools.wraps(command)
        def wrapper(**arguments: Any) -> None:
            values = {name: arguments.pop(name) for name, _annotation, _default in shared}
            options = build_options(values["today"], values["table"], values["page"], values.get("templates"),
                                    values["shared"], large_print=values["large_print"])
            command(**arguments, options=options, force=values["force"])

        parameters = kept + added
        wrapper.__signature__ = own.replace(parameters=parameters)  # type: ignore[attr-defined]
        wrapper.__annotations__ = {parameter.name: parameter.annotation for parameter in parameters}
        return wrapper  # type: ignore[return-value]

    return decorate


def build_options(today: str | None, table: EquivalenceTable, page: str, templates: Path | None,
                  shared: bool = False, *, large_print: bool = False) -> Options:
    """Options from the command line's words, or a usage message (exit 2)."""
    if page.lower() not in PAGE_SIZES:
        fail(f"--page: '{page}' is not a paper size; expected letter or a4", 2)
    day = date.today()
    if today is not None:
        try:
            day = date.fromisoformat(today)
        except ValueError:
            fail(f"--date: '{today}' is not a date; expected YYYY-MM-DD, for example 2026-11-22", 2)
        if not 1900 <= day.year <= 2199:
            fail(f"--date: {today} is out of range; expected a date from 1900-01-01 to 2199-12-31", 2)
    if templates is not None and not templates.is_dir():
        fail(f"--templates: {templates} is not a folder", 2)
    return Options(today=day, table=table, page=page.lower(), templates=str(templates) if templates else None,
                   file_mode=SHARED_MODE if shared else PRIVATE_MODE, large_print=large_print)
