"""The `docgen` command line: the app (``app``), its entry point (``main``) and, one module per
group, the commands mounted on it."""

from __future__ import annotations

import importlib

from docgen.cli.app import app, main
from docgen.cli.intake import import_app, init_command

for _group in ("case", "taper", "documents", "requests", "batch", "serve"):  # each mounts its commands, in --help's order
    importlib.import_module(f"docgen.cli.{_group}")
app.command("init")(init_command)
app.add_typer(import_app, name="import")

# --help lists each command with its whole first sentence, never cut short with "..."
for _command in [*app.registered_commands, *import_app.registered_commands]:
    if _command.short_help is None and _command.callback is not None and _command.callback.__doc__:
        _command.short_help = " ".join(_command.callback.__doc__.strip().split("\n\n")[0].split())
for _group_info in app.registered_groups:
    _typer = _group_info.typer_instance
    _help = _typer.info.help if _typer is not None and isinstance(_typer.info.help, str) else None
    if not isinstance(_group_info.short_help, str) and _help:
        _group_info.short_help = _help.split(". ")[0].rstrip(".") + "."

__all__ = ["app", "main"]
