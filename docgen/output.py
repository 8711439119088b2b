"""Writing outputs: whole or not at all, never over an existing file unless asked.

Data goes to a temporary file ``.NAME.XXXXXXXX.part`` in the target's folder, is flushed to
disk, and is then linked (or, with ``force``, renamed) into place, so a reader or a crash never
sees half a file. A process killed while writing can leave its temporary file behind (nothing
can run after SIGKILL); the next successful write of the same target removes it. A writer holds
a lock on its temporary file, so a temporary file still being written is never removed.

A folder of files (a packet) is written the same way, as a whole: into a temporary folder
``.NAME.XXXXXXXX.part`` beside the target, which is then swapped into place, so the folder holds
the old files or the new ones, never a mix. Only files the caller says it owns are ever removed.

Rendering is done in ``reproducible_environment()``: the variables that would change an output's
bytes (reportlab dates a PDF from ``SOURCE_DATE_EPOCH``, and reads ``RL_*`` settings) are set aside
meanwhile.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
import stat
import tempfile
import threading
from collections.abc import Callable, Iterator, Mapping
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
__all__ = ["DEFAULT_MODE", "SHARED_MODE", "check_folder_replaceable", "check_writable", "format_of",
           "remove_stale_folders", "remove_stale_temporaries", "reproducible_environment", "write_file",
           "write_folder"]


def format_of(path: Path, formats: tuple[str, ...] = FORMATS) -> str:
    """The output format an extension asks for, one of ``formats``."""
    suffix = path.suffix.lower().lstrip(".")
    if suffix not in formats:
        names = [f".{name}" for name in formats]
        expected = " or ".join([", ".join(names[:-1]), names[-1]]) if len(names) > 1 else names[0]
        raise OutputError(f"{path}: the output format follows the extension; expected a name ending in {expected}")
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


# -- a folder as a whole ---------------------------------------------------------------------------

#: A temporary file or folder of docgen's: ``.NAME.XXXXXXXX.part`` (tempfile's eight characters).
_TEMPORARY = re.compile(r"\.(?P<name>.+)\.[a-z0-9_]{8}\.part")
_OPEN_FOLDER = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_NOFOLLOW", 0)


def _folder_mode(mode: int) -> int:
    """The mode of a folder of files of ``mode``: searchable by whoever may read them."""
    return mode | 0o100 | ((mode & 0o044) >> 2)


def _entries(folder: Path, shown: Path) -> list[str] | None:
    """The names in ``folder`` (None when there is nothing there); ``shown`` names it in errors."""
    try:
        status = os.stat(folder)
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as error:
        raise OutputError(f"{shown}: cannot be read ({error.strerror or 'permission denied'})") from None
    if not stat.S_ISDIR(status.st_mode):
        raise OutputError(f"{shown}: is a file; expected a folder")
    try:
        return sorted(os.listdir(folder))
    except OSError as error:
        raise OutputError(f"{shown}: cannot be read ({error.strerror or 'permission denied'})") from None


def _is_owned(folder: Path, name: str, owned: Callable[[str], bool]) -> bool:
    """Whether ``name`` in ``folder`` is a regular file that is ``owned`` (or a temporary one of those)."""
    temporary = _TEMPORARY.fullmatch(name)
    if not owned(temporary.group("name") if temporary else name):
        return False
    try:
        return stat.S_ISREG(os.lstat(folder / name).st_mode)
    except OSError:
        return False


def check_folder_replaceable(target: Path, force: bool, owned: Callable[[str], bool]) -> None:
    """Fail early, before any work, when the folder ``target`` cannot take a new set of files: it
    is a file or a mount point, it holds anything that is not ``owned``, or it is not empty and
    ``force`` is not given."""
    real = Path(os.path.realpath(target))
    names = _entries(real, target)
    if os.path.ismount(real):
        raise OutputError(f"{target}: is a mount point, which cannot be replaced as a whole; "
                          f"write the packet to a folder inside it")
    if not names:
        return
    foreign = [name for name in names if not _is_owned(real, name, owned)]
    if foreign:
        raise OutputError(f"{target}: holds {foreign[0]}, which is not a packet file; not replaced "
                          f"(choose a new or empty folder for the packet)")
    if not force and [name for name in names if not _TEMPORARY.fullmatch(name)]:
        raise OutputError(f"{target}: already holds a packet; not replaced (use --force to replace the whole packet)")


def _lock_folder(folder: Path) -> int | None:
    """An open, exclusively locked handle on ``folder`` (None where there are no locks)."""
    if fcntl is None:
        return None
    handle = os.open(folder, _OPEN_FOLDER)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
    except OSError:
        os.close(handle)
        raise
    return handle


def _temporary_folder(parent: Path, name: str) -> tuple[Path, int | None]:
    """A new temporary folder for ``name`` in ``parent``, created and locked by this process."""
    while True:
        folder = Path(tempfile.mkdtemp(dir=parent, prefix=f".{name}.", suffix=".part"))
        handle = _lock_folder(folder)
        if handle is None:
            return folder, None
        try:
            if os.path.samestat(os.stat(folder), os.fstat(handle)):
                return folder, handle
        except FileNotFoundError:
            pass
        os.close(handle)  # removed as stale between its creation and the lock: make another


def _unused_name(parent: Path, name: str) -> Path:
    """A temporary name for ``name`` in ``parent`` that nothing has (for the folder it replaces)."""
    while True:
        letters = "".join(secrets.choice("abcdefghijklmnopqrstuvwxyz0123456789_") for _ in range(8))
        candidate = parent / f".{name}.{letters}.part"
        if not os.path.lexists(candidate):
            return candidate


def _remove_owned(folder: Path, owned: Callable[[str], bool]) -> bool:
    """Remove ``folder`` if it holds only ``owned`` files (removing them); whether it was removed."""
    with contextlib.suppress(OSError):
        for name in os.listdir(folder):
            if _is_owned(folder, name, owned):
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(folder / name)
        os.rmdir(folder)
        return True
    return False


def _sync_folder(folder: Path) -> None:
    """Flush a folder's entries to disk, where the system allows it."""
    with contextlib.suppress(OSError):
        handle = os.open(folder, os.O_RDONLY)
        with contextlib.suppress(OSError):
            os.fsync(handle)
        os.close(handle)


def _write_new(data: bytes, path: Path, shown: Path, mode: int) -> None:
    """Write a new file in a folder no one else writes to; ``shown`` names it in errors."""
    try:
        with open(path, "xb") as stream:
            _write_data(stream, data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(path, mode)
    except OSError as error:
        raise OutputError(f"{shown}: cannot be written ({error.strerror or 'input/output error'})") from None


def _swap_in(temporary: Path, real: Path, target: Path, owned: Callable[[str], bool]) -> None:
    """Put the folder ``temporary`` at ``real``; an existing folder there is moved aside first
    (locked, so no other writer removes it meanwhile) and removed afterwards."""
    aside = None
    handle = None
    try:
        try:
            handle = _lock_folder(real)
        except FileNotFoundError:
            pass
        else:
            aside = _unused_name(real.parent, real.name)
            os.rename(real, aside)
        try:
            os.rename(temporary, real)
        except OSError:
            if aside is not None:
                os.rename(aside, real)  # the old folder back in its place
            raise
    except OSError as error:
        if isinstance(error, FileExistsError) or error.errno == errno.ENOTEMPTY:
            raise OutputError(f"{target}: appeared while the packet was written; not replaced") from None
        raise OutputError(f"{target}: cannot be replaced ({error.strerror or 'input/output error'})") from None
    finally:
        if handle is not None:
            os.close(handle)
    _sync_folder(real.parent)
    if aside is not None:
        _remove_owned(aside, owned)


def write_folder(files: Mapping[str, bytes], target: Path, *, owned: Callable[[str], bool],
                 force: bool = False, mode: int = DEFAULT_MODE) -> Path:
    """Write ``files`` (name -> data) as the whole content of the folder ``target``, atomically: an
    existing folder is replaced (with ``force``, and only if all it holds is ``owned``), never
    added to; a failure or a kill leaves the old folder or none. Returns the folder written."""
    real = Path(os.path.realpath(target))
    remove_stale_folders(real, owned)
    check_folder_replaceable(target, force, owned)
    try:
        real.parent.mkdir(parents=True, exist_ok=True)
        temporary, handle = _temporary_folder(real.parent, real.name)
    except OSError as error:
        raise OutputError(f"{target.parent}: cannot write here ({error.strerror or 'permission denied'})") from None
    try:
        for name, data in files.items():
            _write_new(data, temporary / name, target / name, mode)
        os.chmod(temporary, _folder_mode(mode))
        _sync_folder(temporary)
        check_folder_replaceable(target, force, owned)  # again: it may have changed meanwhile
        _swap_in(temporary, real, target, owned)
    except OSError as error:
        raise OutputError(f"{target}: cannot be written ({error.strerror or 'input/output error'})") from None
    finally:
        if os.path.lexists(temporary):
            _remove_owned(temporary, owned)
        if handle is not None:
            os.close(handle)
    return target


def remove_stale_folders(target: Path, owned: Callable[[str], bool]) -> list[Path]:
    """Remove the temporary folders of ``target`` left by writers that were killed (those no live
    process holds locked, and holding only ``owned`` files); return them."""
    real = Path(os.path.realpath(target))
    pattern = re.compile(rf"\.{re.escape(real.name)}\.[a-z0-9_]{{8}}\.part")
    removed: list[Path] = []
    try:
        names = os.listdir(real.parent) if fcntl is not None else []
    except OSError:
        return []
    for name in filter(pattern.fullmatch, names):
        path = real.parent / name
        try:
            handle = os.open(path, _OPEN_FOLDER)
        except OSError:
            continue  # a file (a single output's temporary file), a link, or gone
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            if os.path.samestat(os.fstat(handle), os.lstat(path)) and _remove_owned(path, owned):
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
