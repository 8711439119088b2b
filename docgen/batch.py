"""Many case files at once: each into its own folder, in parallel, one bad file never stopping
the others, with a manifest of what was written (and each file's SHA-256).

``--shard I/N`` picks a deterministic share of the files (by a hash of each file's path relative
to the folder), so a large batch can be spread over many machines: the N shards partition the set.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path

from docgen.errors import DocgenError, OutputError
from docgen.options import PRIVATE_MODE, Options
from docgen.output import write_file
from docgen.pipeline import PacketFile

CASE_SUFFIXES = (".yaml", ".yml", ".json")
MANIFEST = "manifest.json"


@dataclass(frozen=True)
class CaseResult:
    """What became of one case file: generated, skipped (outputs exist) or failed (with why)."""

    case: str
    status: str
    folder: str = ""
    reason: str = ""
    outputs: tuple[PacketFile, ...] = field(default=())


def iter_case_files(folder: Path) -> Iterator[Path]:
    """Every case file under ``folder`` (recursively), in a stable order; hidden files skipped."""
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if any(part.startswith(".") for part in relative.parts):
            continue
        if path.is_file() and path.suffix.lower() in CASE_SUFFIXES:
            yield path


def parse_shard(text: str) -> tuple[int, int]:
    """"2/5" -> (2, 5); shards count from 1."""
    try:
        index_text, count_text = text.split("/")
        index, count = int(index_text), int(count_text)
    except ValueError:
        raise OutputError(f"--shard: '{text}' is not a shard; expected I/N, for example 1/4") from None
    if count < 1 or not 1 <= index <= count:
        raise OutputError(f"--shard: '{text}' is out of range; expected I/N with 1 <= I <= N")
    return index, count


def in_shard(relative: str, index: int, count: int) -> bool:
    digest = hashlib.sha256(relative.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % count == index - 1


def select(folder: Path, shard: tuple[int, int] | None = None) -> list[Path]:
    files = list(iter_case_files(folder))
    if shard is None:
        return files
    index, count = shard
    return [path for path in files if in_shard(path.relative_to(folder).as_posix(), index, count)]


def output_folder(case_file: Path, folder: Path, out: Path) -> Path:
    """out/<the case's path relative to the folder, without its suffix>."""
    return out / case_file.relative_to(folder).with_suffix("")


def process_case(case_file: Path, target: Path, options: Options, force: bool) -> CaseResult:
    """Generate one case's packet; never raises for a problem with that case."""
    from docgen.case.loading import load_case
    from docgen.pipeline import packet_targets, write_packet

    name = str(case_file)
    try:
        case = load_case(case_file)
        if not force and all(path.exists() for path in packet_targets(case, target, options)):
            return CaseResult(name, "skipped", str(target), "already generated (use --force to replace)")
        written = write_packet(case, target, options, force)
        return CaseResult(name, "generated", str(target), outputs=tuple(written))
    except DocgenError as error:
        return CaseResult(name, "failed", str(target), str(error))
    except Exception as error:  # a defect, reported without case content or a traceback
        return CaseResult(name, "failed", str(target), f"internal error ({type(error).__name__}); please report it")


def run_batch(
    folder: Path,
    out: Path,
    options: Options,
    jobs: int | None = None,
    force: bool = False,
    shard: tuple[int, int] | None = None,
    on_result: Callable[[CaseResult], None] | None = None,
) -> list[CaseResult]:
    """Process every selected case file; write ``out/manifest.json``; return the results in file order."""
    if not folder.is_dir():
        raise OutputError(f"{folder}: is not a folder; expected a folder of case files")
    files = select(folder, shard)
    workers = max(1, jobs or os.cpu_count() or 1)
    results: dict[Path, CaseResult] = {}
    if workers == 1 or len(files) <= 1:
        for path in files:
            results[path] = process_case(path, output_folder(path, folder, out), options, force)
            if on_result is not None:
                on_result(results[path])
    else:
        with ProcessPoolExecutor(max_workers=min(workers, len(files))) as pool:
            futures = {pool.submit(process_case, path, output_folder(path, folder, out), options, force): path
                       for path in files}
            for future in as_completed(futures):
                results[futures[future]] = future.result()
                if on_result is not None:
                    on_result(results[futures[future]])
    ordered = [results[path] for path in files]
    write_manifest(ordered, out, shard, options.file_mode)
    return ordered


def write_manifest(results: list[CaseResult], out: Path, shard: tuple[int, int] | None,
                   mode: int = PRIVATE_MODE) -> Path:
    name = MANIFEST if shard is None else f"manifest-{shard[0]}-of-{shard[1]}.json"
    document = {
        "generator": "docgen",
        "shard": None if shard is None else f"{shard[0]}/{shard[1]}",
        "cases": [asdict(result) for result in results],
    }
    data = (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    return write_file(data, out / name, force=True, mode=mode)
