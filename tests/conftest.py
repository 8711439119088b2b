"""Shared helpers: read back what a person would see in a generated PDF or DOCX."""

from __future__ import annotations

import atexit
import contextlib
import io
import os
import re
import shutil
import sys
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "samples").glob("*.yaml"))
TODAY = date(2026, 11, 22)

sys.path.insert(0, str(Path(__file__).resolve().parent))

#: The suite keeps docgen's compiled templates in a folder of its own, not in the user's cache
#: (the commands it runs in subprocesses inherit it).
os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="docgen-test-cache-")
atexit.register(shutil.rmtree, os.environ["XDG_CACHE_HOME"], True)


def run_main(*arguments: str) -> tuple[int, str, str]:
    """docgen's real entry point, in this process: (exit code, stdout, stderr)."""
    from docgen.cli import main

    out, err = io.StringIO(), io.StringIO()
    argv, sys.argv = sys.argv, ["docgen", *arguments]
    code = 0
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            main()
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else 1
    finally:
        sys.argv = argv
    return code, out.getvalue(), err.getvalue()


def input_app() -> Any:
    """docgen's `init` and `import` commands as their own typer app, for typer's CliRunner."""
    import typer

    from docgen.cli.intake import import_app, init_command

    app = typer.Typer()
    app.command("init")(init_command)
    app.add_typer(import_app, name="import")
    return app


def pdf_pages(data: bytes) -> list[str]:
    """The text of each page, as extracted by PDFium."""
    import pypdfium2

    document = pypdfium2.PdfDocument(data)
    try:
        pages = []
        for page in document:
            textpage = page.get_textpage()
            pages.append(textpage.get_text_range())
            textpage.close()
            page.close()
        return pages
    finally:
        document.close()


def docx_text(data: bytes) -> str:
    """Paragraphs, table cells, headers and footers of a DOCX, in order."""
    import docx

    document = docx.Document(io.BytesIO(data))
    parts: list[str] = []
    for section in document.sections:
        parts += [paragraph.text for paragraph in section.header.paragraphs]
    body = document.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            parts.append(_run_text(child))
        elif tag == "tbl":
            for cell in child.iter():  # every cell, those of a table inside a cell too
                if cell.tag.endswith("}tc"):
                    parts += [_run_text(paragraph) for paragraph in cell if paragraph.tag.endswith("}p")]
    for section in document.sections:
        parts += [paragraph.text for paragraph in section.footer.paragraphs]
    return "\n".join(parts)


def _run_text(element: object) -> str:
    """Text of runs, with tabs and line breaks as spaces (as a reader sees them)."""
    pieces = []
    for node in element.iter():  # type: ignore[attr-defined]
        name = node.tag.rsplit("}", 1)[-1]
        if name == "t":
            pieces.append(node.text or "")
        elif name in ("tab", "br"):
            pieces.append(" ")
    return "".join(pieces)


def folded(text: str) -> str:
    """White space folded, and PDF line-break hyphenation artefacts removed."""
    text = text.replace("\r", " ").replace("\x02", "").replace("\ufffe", "")
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="session")
def today() -> date:
    return TODAY


# -- no network, ever ------------------------------------------------------------------------------

#: Audit events that reach out to a network: a connection, a datagram, a host name lookup.
NETWORK_EVENTS = frozenset((
    "socket.connect", "socket.sendto", "socket.sendmsg", "socket.getaddrinfo", "socket.gethostbyname",
    "socket.gethostbyaddr", "socket.getnameinfo",
))


class NetworkUsed(AssertionError):
    """docgen (or a library it calls) tried to use the network during a test."""


class NetworkGuard:
    """Refuses every network use while a test runs (an audit hook sees the socket module's events,
    whichever library makes them); local Unix sockets, which multiprocessing may use, are allowed."""

    def __init__(self) -> None:
        self.active = False
        self.used: list[str] = []

    def __call__(self, event: str, arguments: tuple[object, ...]) -> None:
        if not self.active or event not in NETWORK_EVENTS:
            return
        if event in ("socket.connect", "socket.sendto", "socket.sendmsg"):
            import socket

            family = getattr(arguments[0], "family", None)
            if family == getattr(socket, "AF_UNIX", None):
                return
        self.used.append(event)
        raise NetworkUsed(f"network use during a test: {event}")


_GUARD = NetworkGuard()
sys.addaudithook(_GUARD)  # audit hooks cannot be removed: the guard is switched on per test


@pytest.fixture(autouse=True)
def no_network() -> object:
    """Every test fails if anything in it tries to use the network."""
    _GUARD.active, _GUARD.used = True, []
    try:
        yield _GUARD
    finally:
        _GUARD.active = False
    if _GUARD.used:
        pytest.fail(f"the test used the network: {', '.join(_GUARD.used)}")
