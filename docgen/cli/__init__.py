"""The `docgen` command line: the app (``app``), its entry point (``main``) and, one module per
group, the commands mounted on it."""

from __future__ import annotations

import importlib

from docgen.cli.app import app, main
from docgen.cli.intake import import_app, init_command

for _group in ("case", "taper", "documents", "batch", "serve"):  # each mounts its commands, in --help's order
    importlib.import_module(f"docgen.cli.{_group}")
app.command("init")(init_command)
app.add_typer(import_app, name="import")

__all__ = ["app", "main"]
