"""Many case files at once: each into its own folder, in parallel, one bad file never stopping
the others, with a manifest of what was written (and each file's SHA-256).

Every case gets a folder of its own: ``out/<its path relative to the folder, without the
suffix>``, or, where two case files would share one (``smith.yaml`` and ``smith.json``; also
``Smith.yaml`` and ``smith.yaml``, the same folder on a case-insensitive disk), a name with the
suffix (``smith-yaml``), and if that is still shared, with a digest of the path too. The names
are worked out over every file in the folder, so they are the same in every shard.

``--shard I/N`` picks a deterministic share of the files (by a hash of each file's path relative
to the folder), so a large batch can be spread over many machines: the N shards partition the set.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path, PurePosixPath

from docgen.errors import DocgenError, OutputError
from docgen.options import PRIVATE_MODE, Options
from docgen.output import write_file
from docgen.pipeline import PacketFile

CASE_SUFFIXES = (".yaml", ".yml", ".json")
MANIFEST = "manifest.json"
_MANIFEST_NAME = re.compile(r"manifest(-[0-9]+-of-[0-9]+)?\.json")
_MANIFEST_START = re.compile(rb'\s*\{\s*"generator"\s*:\s*"docgen"')


@dataclass(frozen=True)
class CaseResult:
    """What became of one case file: generated, skipped (outputs exist) or failed (with why);
    ``renamed`` when its folder is named with its suffix because another case file needs the
    folder its name alone gives."""

    case: str
    status: str
    folder: str = ""
    reason: str = ""
    outputs: tuple[PacketFile, ...] = field(default=())
    renamed: bool = False


def manifest_name(shard: tuple[int, int] | None = None) -> str:
    """``manifest.json``, or ``manifest-I-of-N.json`` for a shard."""
    return MANIFEST if shard is None else f"manifest-{shard[0]}-of-{shard[1]}.json"


def is_manifest(path: Path) -> bool:
    """Whether ``path`` is a manifest docgen wrote (by its name and how it starts), not a case."""
    if not _MANIFEST_NAME.fullmatch(path.name):
        return False
    try:
        with open(path, "rb") as stream:
            return _MANIFEST_START.match(stream.read(64)) is not None
    except OSError:
        return False


def _inside(folder: Path, other: Path | None) -> tuple[str, ...] | None:
    """The parts of ``other``'s path relative to ``folder``, if it lies strictly inside it."""
    if other is None:
        return None
    inner, outer = Path(os.path.realpath(other)), Path(os.path.realpath(folder))
    if inner == outer or not inner.is_relative_to(outer):
        return None
    return inner.relative_to(outer).parts


def iter_case_files(folder: Path, *, exclude: Path | None = None) -> Iterator[Path]:
    """Every case file under ``folder`` (recursively), in a stable order. Hidden files, docgen's
    own manifests, and the folder ``exclude`` (the batch's output, when inside) are skipped."""
    excluded = _inside(folder, exclude)
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if any(part.startswith(".") for part in relative.parts):
            continue
        if excluded is not None and relative.parts[:len(excluded)] == excluded:
            continue
        if path.is_file() and path.suffix.lower() in CASE_SUFFIXES and not is_manifest(path):
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


def select(folder: Path, shard: tuple[int, int] | None = None, *, exclude: Path | None = None) -> list[Path]:
    files = list(iter_case_files(folder, exclude=exclude))
    if shard is None:
        return files
    index, count = shard
    return [path for path in files if in_shard(path.relative_to(folder).as_posix(), index, count)]


def output_folder(case_file: Path, folder: Path, out: Path) -> Path:
    """out/<the case's path relative to the folder, without its suffix> (for one file alone;
    ``folder_names`` gives each of several files a folder of its own)."""
    return out / case_file.relative_to(folder).with_suffix("")


#: How far a name is taken to make it a folder no other case file needs: the path without its
#: suffix; with the suffix; with a digest of the path too; with all of the digest.
_LAST_LEVEL = 3


def _name(relative: PurePosixPath, level: int) -> PurePosixPath:
    stem = relative.with_suffix("")
    if level == 0:
        return stem
    name = f"{stem.name}-{relative.suffix.lstrip('.')}"
    if level >= 2:
        digest = hashlib.sha256(relative.as_posix().encode("utf-8")).hexdigest()
        name += f"-{digest[:8] if level == 2 else digest}"
    return stem.with_name(name)


def folder_names(relatives: list[PurePosixPath]) -> dict[PurePosixPath, tuple[PurePosixPath, bool]]:
    """A folder name for each case file (by its path relative to the batch folder), no two the
    same even ignoring case, and none inside another's; and whether it had to be changed."""
    levels = dict.fromkeys(relatives, 0)
    while True:
        names = {relative: _name(relative, levels[relative]) for relative in relatives}
        users: dict[str, int] = {}
        for name in names.values():
            users[name.as_posix().casefold()] = users.get(name.as_posix().casefold(), 0) + 1
        parents = {parent.as_posix().casefold() for name in names.values() for parent in name.parents}
        shared = [relative for relative, name in names.items()
                  if users[name.as_posix().casefold()] > 1 or name.as_posix().casefold() in parents]
        if not shared:
            return {relative: (name, levels[relative] > 0) for relative, name in names.items()}
        if all(levels[relative] == _LAST_LEVEL for relative in shared):
            raise OutputError(f"{shared[0]}: cannot be given a folder of its own; rename the case file")
        for relative in shared:
            levels[relative] = min(levels[relative] + 1, _LAST_LEVEL)


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
    everything = list(iter_case_files(folder, exclude=out))
    names = folder_names([PurePosixPath(path.relative_to(folder).as_posix()) for path in everything])
    plan = {path: names[PurePosixPath(path.relative_to(folder).as_posix())] for path in everything}
    files = select(folder, shard, exclude=out)
    tasks = [(path, out / plan[path][0]) for path in files]
    results: dict[Path, CaseResult] = {}

    def record(path: Path, result: CaseResult) -> None:
        results[path] = replace(result, renamed=plan[path][1])
        if on_result is not None:
            on_result(results[path])

    workers = max(1, jobs or os.cpu_count() or 1)
    if workers == 1 or len(tasks) <= 1:
        for path, target in tasks:
            record(path, process_case(path, target, options, force))
    else:
        with ProcessPoolExecutor(max_workers=min(workers, len(tasks))) as pool:
            futures = {pool.submit(process_case, path, target, options, force): path for path, target in tasks}
            for future in as_completed(futures):
                record(futures[future], future.result())
    ordered = [results[path] for path in files]
    write_manifest(ordered, out, shard, options.file_mode)
    return ordered


def write_manifest(results: list[CaseResult], out: Path, shard: tuple[int, int] | None,
                   mode: int = PRIVATE_MODE) -> Path:
    document = {
        "generator": "docgen",
        "shard": None if shard is None else f"{shard[0]}/{shard[1]}",
        "cases": [asdict(result) for result in results],
    }
    data = (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    return write_file(data, out / manifest_name(shard), force=True, mode=mode)
