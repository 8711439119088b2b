"""Writing outputs: whole or not at all, never over an existing file unless asked.

Data goes to a temporary file ``.NAME.XXXXXXXX.part`` in the target's folder, is flushed to
disk, and is then linked (or, with ``force``, renamed) into place, so a reader or a crash never
sees half a file. A process killed while writing can leave its temporary file behind (nothing
can run after SIGKILL); the next successful write of the same target removes it. A writer holds
a lock on its temporary file, so a temporary file still being written is never removed.

Rendering is done in ``reproducible_environment()``: the variables that would change an output's
bytes (reportlab dates a PDF from ``SOURCE_DATE_EPOCH``, and reads ``RL_*`` settings) are set aside
meanwhile.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from docgen.errors import OutputError
from docgen.options import FORMATS, PRIVATE_MODE, SHARED_MODE

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no advisory locks; stale files are kept
    fcntl = None  # type: ignore[assignment]

#: Outputs hold health information: readable by their owner only, unless asked otherwise.
DEFAULT_MODE = PRIVATE_MODE
__all__ = ["DEFAULT_MODE", "SHARED_MODE", "check_writable", "format_of", "remove_stale_temporaries",
           "reproducible_environment", "write_file"]


def format_of(path: Path) -> str:
    """The output format an extension asks for."""
    suffix = path.suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise OutputError(f"{path}: the output format follows the extension; expected a name ending in .pdf or .docx")
    return suffix


def check_writable(target: Path, force: bool) -> None:
    """Fail early, before any work, when ``target`` exists and ``force`` is not given."""
    if target.exists() and not force:
        raise OutputError(f"{target}: already exists; not replaced (use --force to replace it)")
    if target.is_dir():
        raise OutputError(f"{target}: is a folder; expected a file name")


def _exists(target: Path) -> OutputError:
    return OutputError(f"{target}: already exists; not replaced (use --force to replace it)")


def _write_data(stream: BinaryIO, data: bytes) -> None:
    """Write all of ``data`` (a seam for the test that kills a process in the middle)."""
    stream.write(data)


def _temporary(folder: Path, target: Path) -> tuple[int, str]:
    """A new temporary file beside ``target``, created and locked by this process."""
    while True:
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".part")
        if fcntl is None:
            return handle, temporary
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            if os.path.samestat(os.stat(temporary), os.fstat(handle)):
                return handle, temporary
        except FileNotFoundError:
            pass
        os.close(handle)  # removed as stale between its creation and the lock: make another


def write_file(data: bytes, target: Path, force: bool = False, mode: int = DEFAULT_MODE) -> Path:
    """Write ``data`` to ``target`` atomically; return the path written."""
    check_writable(target, force)
    folder = target.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = _temporary(folder, target)
    except OSError as error:
        raise OutputError(f"{folder}: cannot write here ({error.strerror or 'permission denied'})") from None
    try:
        with os.fdopen(handle, "wb") as stream:
            _write_data(stream, data)
            stream.flush()
            os.fsync(stream.fileno())
            os.chmod(temporary, mode)
            if force:
                os.replace(temporary, target)
            else:
                try:
                    os.link(temporary, target)  # fails if the target appeared meanwhile: never clobbers
                except FileExistsError:
                    raise _exists(target) from None
                except OSError:
                    if target.exists():
                        raise _exists(target) from None
                    os.replace(temporary, target)
    except OSError as error:
        raise OutputError(f"{target}: cannot be written ({error.strerror or 'input/output error'})") from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
    remove_stale_temporaries(target)
    return target


def remove_stale_temporaries(target: Path) -> list[Path]:
    """Remove the temporary files of ``target`` left by writers that were killed (those no live
    process holds locked); return them."""
    if fcntl is None:
        return []
    pattern = re.compile(rf"\.{re.escape(target.name)}\.[a-z0-9_]{{8}}\.part")
    removed = []
    try:
        names = os.listdir(target.parent)
    except OSError:
        return []
    for name in names:
        if not pattern.fullmatch(name):
            continue
        path = target.parent / name
        try:
            handle = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        except OSError:
            continue
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            if os.path.samestat(os.fstat(handle), os.lstat(path)):
                os.unlink(path)
                removed.append(path)
        except OSError:
            continue  # locked: another writer is still at work on it
        finally:
            os.close(handle)
    return removed


# -- the same bytes in any environment -------------------------------------------------------------

def _changes_outputs(variable: str) -> bool:
    """Whether an environment variable would change an output's bytes: reportlab dates a PDF from
    SOURCE_DATE_EPOCH even in its invariant mode, and takes its settings (compression, encoding)
    from RL_* variables when it is first imported, which docgen does while rendering."""
    return variable == "SOURCE_DATE_EPOCH" or variable.startswith("RL_")


class _SetAside:
    """Holds the variables while any thread renders; they are put back when the last one is done."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.users = 0
        self.saved: dict[str, str] = {}

    @contextlib.contextmanager
    def __call__(self) -> Iterator[None]:
        with self.lock:
            if self.users == 0:
                self.saved = {name: os.environ.pop(name) for name in list(os.environ) if _changes_outputs(name)}
            self.users += 1
        try:
            yield
        finally:
            with self.lock:
                self.users -= 1
                if self.users == 0:
                    os.environ.update(self.saved)
                    self.saved = {}


#: ``with reproducible_environment(): ...`` renders as if no variable that changes outputs were set.
reproducible_environment = _SetAside()
