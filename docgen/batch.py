"""Many case files at once: each into its own folder, in parallel, one bad file never stopping
the others, with a manifest of what was written (and each file's SHA-256).

Every case gets a folder of its own: ``out/<its path relative to the folder, without the
suffix>``, or, where two case files would share one (``smith.yaml`` and ``smith.json``; also
``Smith.yaml`` and ``smith.yaml``, the same folder on a case-insensitive disk), a name with the
suffix (``smith-yaml``), and if that is still shared, with a digest of the path too. The names
are worked out over every file in the folder, so they are the same in every shard.

``--shard I/N`` picks a deterministic share of the files (by a hash of each file's path relative
to the folder), so a large batch can be spread over many machines: the N shards partition the set.

Cases are processed in worker processes. A worker that dies (killed, or out of memory) fails only
the case it was processing; the batch carries on in new workers. Workers end with the batch's
main process, since they hold case data.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import multiprocessing
import os
import re
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field, replace
from multiprocessing.connection import Connection
from multiprocessing.connection import wait as wait_for
from pathlib import Path, PurePosixPath

from docgen.errors import DocgenError, OutputError
from docgen.options import PRIVATE_MODE, Options
from docgen.output import write_file
from docgen.pipeline import PacketFile

CASE_SUFFIXES = (".yaml", ".yml", ".json")
MANIFEST = "manifest.json"
#: The reason given for a case whose worker process died while processing it.
STOPPED = "the worker processing it stopped unexpectedly (killed or out of memory)"
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


# -- worker processes ------------------------------------------------------------------------------

_PR_SET_PDEATHSIG = 1


def _end_with_parent() -> None:
    """In a worker, first thing: end the moment the process that started it ends (Linux tells the
    worker directly; elsewhere, and as a fallback, a thread watches for it)."""
    parent = os.getppid()
    if sys.platform.startswith("linux"):
        with contextlib.suppress(Exception):
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    threading.Thread(target=_watch_parent, args=(parent,), name="docgen-parent-watch", daemon=True).start()


def _watch_parent(parent: int) -> None:
    starter = multiprocessing.parent_process()
    while os.getppid() == parent and (starter is None or starter.is_alive()):
        if starter is None:
            time.sleep(0.5)
        else:
            starter.join(0.5)  # returns at once when the parent ends
    os._exit(1)


Task = tuple[Path, Path]


def _serve(connection: Connection) -> None:
    """A worker: process the cases it is sent, one at a time, until told to stop (None)."""
    _end_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the main process's to handle
    while True:
        try:
            message = connection.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        case_file, target, options, force = message
        result = process_case(case_file, target, options, force)
        try:
            connection.send(result)
        except Exception as error:  # a result that cannot be passed back: a defect, named by type
            connection.send(CaseResult(str(case_file), "failed", str(target),
                                       f"internal error ({type(error).__name__}); please report it"))


class _Worker:
    """One worker process, its end of the connection, and the case it is processing."""

    def __init__(self) -> None:
        context = multiprocessing.get_context()
        self.connection, theirs = context.Pipe()
        self.process = context.Process(target=_serve, args=(theirs,), name="docgen-batch-worker", daemon=True)
        self.process.start()
        theirs.close()
        self.task: Task | None = None

    def send(self, task: Task, options: Options, force: bool) -> None:
        self.task = task
        self.connection.send((*task, options, force))

    def receive(self) -> CaseResult | None:
        """The result of its case; None when the worker died first."""
        try:
            result: CaseResult = self.connection.recv()
            return result
        except Exception:  # EOFError, or half a message (pickle's errors) from a worker killed mid-send
            return None

    def stop(self, *, now: bool = False) -> None:
        """Ask the worker to finish (or, ``now``, end it) and wait for it."""
        with contextlib.suppress(OSError):
            if now:
                self.process.kill()
            else:
                self.connection.send(None)
        self.process.join()
        self.connection.close()


def _run_in_workers(tasks: list[Task], workers: int, options: Options, force: bool,
                    record: Callable[[Task, CaseResult], None]) -> None:
    """Process the cases in up to ``workers`` processes. A worker that dies fails only the case it
    was processing (what it had begun to write is removed), and a new one takes its place."""
    queue, pool, resent = deque(tasks), list[_Worker](), set[Task]()
    try:
        while queue or any(worker.task for worker in pool):
            for worker in [worker for worker in pool if worker.task is None] + [None] * (workers - len(pool)):
                if not queue:
                    break
                if worker is None:
                    worker = _Worker()
                    pool.append(worker)
                task = queue.popleft()
                try:
                    worker.send(task, options, force)
                except OSError:  # the worker died while idle: the case goes to another, once
                    worker.task = None
                    _abandon(worker)
                    pool.remove(worker)
                    if task in resent:
                        record(task, CaseResult(str(task[0]), "failed", str(task[1]), STOPPED))
                    else:
                        resent.add(task)
                        queue.appendleft(task)
            busy = [worker for worker in pool if worker.task is not None]
            wait_for([item for worker in busy for item in (worker.connection, worker.process.sentinel)])
            for worker in busy:
                if not worker.connection.poll() and worker.process.is_alive():
                    continue
                finished, result = worker.task, worker.receive()
                assert finished is not None
                if result is None:
                    _abandon(worker)
                    pool.remove(worker)
                    result = CaseResult(str(finished[0]), "failed", str(finished[1]), STOPPED)
                worker.task = None
                record(finished, result)
        for worker in pool:
            worker.stop()
    finally:  # interrupted: no worker outlives the batch, and nothing they had begun is left
        for worker in pool:
            if worker.process.is_alive() or worker.task is not None:
                _abandon(worker)


def _abandon(worker: _Worker) -> None:
    """Stop a worker (if it still runs) and remove the packet it had begun to write."""
    from docgen.output import remove_stale_folders
    from docgen.pipeline import is_packet_file

    worker.stop(now=True)
    if worker.task is not None:
        remove_stale_folders(worker.task[1], is_packet_file)


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

    def record(task: Task, result: CaseResult) -> None:
        results[task[0]] = replace(result, renamed=plan[task[0]][1])
        if on_result is not None:
            on_result(results[task[0]])

    _run_in_workers(tasks, max(1, jobs or os.cpu_count() or 1), options, force, record)
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
