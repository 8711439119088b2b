"""Writing outputs: whole or not at all, never over an existing file unless asked.

Data goes to a temporary file in the target's folder, is flushed to disk, and is then linked
(or, with ``force``, renamed) into place, so a reader or a crash never sees half a file.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from docgen.errors import OutputError
from docgen.options import FORMATS

#: Outputs hold health information: readable by their owner only, unless asked otherwise.
DEFAULT_MODE = 0o600


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


def write_file(data: bytes, target: Path, force: bool = False, mode: int = DEFAULT_MODE) -> Path:
    """Write ``data`` to ``target`` atomically; return the path written."""
    check_writable(target, force)
    folder = target.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".part")
    except OSError as error:
        raise OutputError(f"{folder}: cannot write here ({error.strerror or 'permission denied'})") from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, mode)
        if force:
            os.replace(temporary, target)
        else:
            try:
                os.link(temporary, target)  # fails if the target appeared meanwhile: never clobbers
            except FileExistsError:
                raise OutputError(f"{target}: already exists; not replaced (use --force to replace it)") from None
            except OSError:
                if target.exists():
                    raise OutputError(f"{target}: already exists; not replaced (use --force to replace it)") from None
                os.replace(temporary, target)
    except OSError as error:
        raise OutputError(f"{target}: cannot be written ({error.strerror or 'input/output error'})") from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
    return target
