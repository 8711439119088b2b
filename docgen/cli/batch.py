"""`docgen batch`: the packet of every case file in a folder, in parallel."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from docgen.cli.app import app, say
from docgen.cli.options import generation_options
from docgen.options import Options


@app.command()
@generation_options(templates=False)
def batch(
    folder: Annotated[Path, typer.Argument(help="A folder of case files (.yaml, .yml, .json), searched recursively.", show_default=False)],
    out: Annotated[Path, typer.Option("--out", help="The folder to write into; each case gets a subfolder.", show_default=False)],
    jobs: Annotated[Optional[int], typer.Option("--jobs", min=1, help="Cases processed at once (default: all cores).", show_default=False)] = None,
    shard: Annotated[Optional[str], typer.Option("--shard", help="Process only share I of N (I/N), for spreading a batch over machines.", show_default=False)] = None,
    *,
    options: Options,
    force: bool,
) -> None:
    """Write the packet of every case file in a folder, in parallel, with a manifest.

    Example: docgen batch cases/ --out packets/ --jobs 2
    """
    from docgen.batch import manifest_name, parse_shard, run_batch, select

    selected_shard = parse_shard(shard) if shard else None
    total = len(select(folder, selected_shard, exclude=out)) if folder.is_dir() else 0
    results = _run_with_progress(lambda report: run_batch(folder, out, options, jobs, force, selected_shard, report), total)
    counts = {status: sum(1 for result in results if result.status == status) for status in ("generated", "skipped", "failed")}
    say(f"{len(results)} case files: {counts['generated']} generated, {counts['skipped']} skipped, {counts['failed']} failed")
    for result in results:
        if result.renamed:
            say(f"renamed: {result.case} -> {result.folder} (another case file needs the same folder)")
    for result in results:
        if result.status != "generated":
            say(f"{result.status}: {result.case}", err=result.status == "failed")
            for line in result.reason.splitlines():
                say(f"    {line}", err=result.status == "failed")
    say(f"manifest: {out / manifest_name(selected_shard)}")
    if counts["failed"]:
        raise typer.Exit(1)


def _run_with_progress(work, total: int):  # type: ignore[no-untyped-def]
    """Run ``work(report)`` with a progress bar on a terminal, quietly otherwise."""
    if not sys.stderr.isatty():
        return work(None)
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    with Progress(TextColumn("generating"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  transient=True) as progress:
        task = progress.add_task("cases", total=total)
        return work(lambda _result: progress.advance(task))
