"""`docgen serve`: the local web app, for filling in a case file in a browser."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from docgen.cli.app import app


@app.command()
def serve(
    case_file: Annotated[Optional[Path], typer.Argument(help="A case file to open; Save writes back to it, comments kept. Without it, nothing is written until you download.", show_default=False)] = None,
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="The port on 127.0.0.1 (0: a free one).")] = 0,
    no_browser: Annotated[bool, typer.Option("--no-browser", help="Print the link without opening a browser.")] = False,
) -> None:
    """Fill in a case file in your browser, see each document, and download them (this computer only).

    Example: docgen serve my-case.yaml
    """
    from docgen.web.server import serve as run

    run(case_file, port=port, open_browser=not no_browser, say=typer.echo)
