"""The jinja2 environment: where templates are found, the filters they use, and how a
template error is reported (by template file and line).

Every template renders to the XML vocabulary of ``docgen.markup.blocks``. All user text is escaped
on the way in (autoescape), so ``&``, ``<`` and ``>`` stay text; characters XML cannot carry
(control characters, lone surrogates) are replaced. User template folders run sandboxed.
"""

from __future__ import annotations

import hashlib
import os
import re
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
import jinja2.bccache
import jinja2.runtime
import jinja2.exceptions
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from docgen.case.model import _excerpt
from docgen.errors import TemplateError
from docgen.facts.formatting import format_date, format_dose, format_mg, format_percent

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def template_dir() -> Path:
    """The built-in templates: inside the installed package, or beside it in a checkout."""
    installed = Path(str(resources.files("docgen") / "templates"))
    if installed.is_dir():
        return installed
    return Path(__file__).resolve().parents[2] / "templates"


def clean_text(text: str) -> str:
    """Text that XML and both renderers can carry: tabs become spaces, other controls go."""
    return _NOT_XML.sub(lambda match: "\ufffd" if "\ud800" <= match.group() <= "\udfff" else "", text.replace("\t", " "))


def _finalize(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, Markup):  # written by a template (a macro's output), not by the user
        return value
    if isinstance(value, str):
        return clean_text(value)
    return value


def _sentence(text: str) -> str:
    """The first letter capitalised, the rest left as written."""
    return text[:1].upper() + text[1:]


def _join(values: object, separator: str = ", ", last: str = " and ") -> str:
    items = [str(item) for item in values] if isinstance(values, (list, tuple)) else [str(values)]
    if len(items) <= 1:
        return "".join(items)
    return separator.join(items[:-1]) + last + items[-1]


class _TemplateCache(jinja2.FileSystemBytecodeCache):
    """jinja2's compiled templates, kept between runs so that a command does not compile its
    templates again each time (about 30 ms a template). It holds docgen's own templates only
    (a user's templates, from ``--templates``, are compiled each time), never case data; a cache
    that cannot be read or written is simply not used."""

    def __init__(self, directory: str) -> None:
        super().__init__(directory)
        self._builtin = str(template_dir().resolve()) + os.sep
        self._keys: set[str] = set()

    def get_bucket(self, environment: jinja2.Environment, name: str, filename: str | None, source: str) -> Any:
        if filename is not None and os.path.realpath(filename).startswith(self._builtin):
            bucket = super().get_bucket(environment, name, filename, source)
            self._keys.add(bucket.key)
            return bucket
        return jinja2.bccache.Bucket(environment, self.get_cache_key(name, filename), self.get_source_checksum(source))

    def set_bucket(self, bucket: Any) -> None:
        if bucket.key in self._keys:
            super().set_bucket(bucket)

    def load_bytecode(self, bucket: Any) -> None:
        """Only a regular file of this user's, writable by no one else, is read (as jinja2's own
        default cache folder is checked): compiled code is code, and runs as this user."""
        filename = self._get_cache_filename(bucket)
        try:
            descriptor = os.open(filename, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        except OSError:
            return
        try:
            status = os.fstat(descriptor)
            if not _trusted(status):
                return
            with os.fdopen(descriptor, "rb", closefd=False) as stream:
                bucket.load_bytecode(stream)
        except (OSError, ValueError, EOFError, TypeError):
            bucket.reset()
        finally:
            os.close(descriptor)

    def dump_bytecode(self, bucket: Any) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError:
            pass


#: The settings that shape the code jinja2 compiles (filters are looked up when a template runs).
_SETTINGS: dict[str, Any] = dict(autoescape=True, undefined=jinja2.StrictUndefined, finalize=_finalize,
                                 trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=False)


def cache_dir() -> Path:
    """Where compiled templates are kept: ``$XDG_CACHE_HOME/docgen`` (``~/.cache/docgen``).

    jinja2 recompiles a template whose source changed; a folder per jinja2 version and set of
    settings keeps code compiled under other settings (another docgen version) from being used."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):  # unset, empty or relative: the XDG default
        base = str(Path.home() / ".cache")
    settings = sorted((key, getattr(value, "__qualname__", value)) for key, value in _SETTINGS.items())
    fingerprint = hashlib.sha256(repr((jinja2.__version__, "sandboxed", settings)).encode()).hexdigest()[:16]
    return Path(base) / "docgen" / "templates" / fingerprint


def _trusted(status: os.stat_result) -> bool:
    """A file or folder of this user's that no one else can write (and, for a file, a regular one)."""
    import stat

    owner = os.getuid() if hasattr(os, "getuid") else status.st_uid
    kind_ok = stat.S_ISREG(status.st_mode) or stat.S_ISDIR(status.st_mode)
    return kind_ok and status.st_uid == owner and not status.st_mode & 0o022


def _bytecode_cache() -> jinja2.BytecodeCache | None:
    """The cache, when docgen's cache folders are this user's own real folders, readable by the
    user alone; otherwise (made by someone else, a link, too open) none: templates are compiled
    each time, as if there were no cache."""
    try:
        folder = cache_dir()
        folder.parents[2].mkdir(parents=True, exist_ok=True)  # the user's cache folder
        for level in (folder.parents[1], folder.parent, folder):  # docgen's own: readable by the user alone
            level.mkdir(mode=0o700, exist_ok=True)
            status = os.lstat(level)
            if not (_trusted(status) and not status.st_mode & 0o077 and not os.path.islink(level)):
                return None
    except (OSError, RuntimeError):  # no home folder, or not writable: compile each time
        return None
    return _TemplateCache(str(folder))


class _ConfinedLoader(jinja2.FileSystemLoader):
    """A user's template folder: a template or include that resolves outside it (through a link,
    say) is not found, so a template cannot pull another file of the computer into a document."""

    def __init__(self, folder: str) -> None:
        super().__init__(folder)
        self._root = os.path.realpath(folder) + os.sep

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Any]:
        source, filename, uptodate = super().get_source(environment, template)
        if not os.path.realpath(filename).startswith(self._root):
            raise jinja2.TemplateNotFound(template)
        return source, filename, uptodate


class _BoundedEnvironment(SandboxedEnvironment):
    """The sandbox, with the work a template can ask for bounded: ``range`` gives at most
    ``MAX_RANGE`` values in all per document, and ``*`` and ``**`` cannot build huge values."""

    intercepted_binops = frozenset(["*", "**"])

    def call_binop(self, context: jinja2.runtime.Context, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and isinstance(right, (int, float)) and abs(right) > 64:
            raise jinja2.exceptions.SecurityError("a power above 64 is not allowed in a template")
        if operator == "*":
            for sized, count in ((left, right), (right, left)):
                if isinstance(sized, (str, list, tuple)) and isinstance(count, int) and len(sized) * count > MAX_RANGE:
                    raise jinja2.exceptions.SecurityError(f"a value longer than {MAX_RANGE:,} is not allowed in a template")
        return super().call_binop(context, operator, left, right)


#: The most values ``range`` gives a template in one document, in all its loops together.
MAX_RANGE = 1_000_000
#: The most seconds a template from --templates may run for one document.
USER_TEMPLATE_SECONDS = 30


class _RangeBudget:
    def __init__(self) -> None:
        self.left = MAX_RANGE

    def __call__(self, *arguments: int) -> Any:
        values = range(*arguments)
        if len(values) > self.left:
            raise jinja2.exceptions.SecurityError(f"loops over range() give more than {MAX_RANGE:,} values in one document")
        self.left -= len(values)
        return values


@cache
def environment(user_dir: str | None = None) -> jinja2.Environment:
    """One compiled environment per template folder, kept for the process."""
    loaders: list[jinja2.BaseLoader] = []
    if user_dir is not None:
        loaders.append(_ConfinedLoader(user_dir))
    loaders.append(jinja2.FileSystemLoader(str(template_dir())))
    env = _BoundedEnvironment(loader=jinja2.ChoiceLoader(loaders), bytecode_cache=_bytecode_cache(), **_SETTINGS)
    env.filters.update(
        date=format_date,
        mg=format_mg,
        dose=format_dose,
        percent=format_percent,
        join_words=_join,
        sentence=_sentence,
    )
    return env


def render_markup(template: str, context: Mapping[str, Any], user_dir: str | None = None) -> str:
    """Render one template to block XML; errors name the template file and line."""
    env = environment(user_dir)
    try:
        with _time_limit(USER_TEMPLATE_SECONDS if user_dir is not None else None):
            return env.get_template(template).render({**context, "range": _RangeBudget()})
    except jinja2.TemplateSyntaxError as error:
        where = f"{error.filename or error.name or template}, line {error.lineno}"
        raise TemplateError(f"{where}: {error.message}") from None
    except jinja2.TemplateNotFound as error:
        # the name is shown only when it looks like a template's file name: a name built from
        # the case (an include of the patient's name) is not echoed
        name = str(error.name)
        looks_like_a_path = re.fullmatch(r"[\w.\-/]{1,80}", name) is not None and (name.endswith(".j2") or "/" in name)
        shown = f"'{name}'" if looks_like_a_path else "(a name that is not a template file)"
        raise TemplateError(f"template {shown} was not found in {user_dir or template_dir()}") from None
    except jinja2.TemplateError as error:
        raise TemplateError(f"{_template_line(template)}: {_excerpt(error.message or type(error).__name__, 160)}") from None
    except Exception as error:  # a filter or attribute failed inside a template
        # the exception's own text is not shown: it can quote the case (a value it could not use)
        raise TemplateError(f"{_template_line(template)}: {type(error).__name__} in an expression or filter") from None


class _TimeUp(Exception):
    pass


@contextmanager
def _time_limit(seconds: float | None) -> Iterator[None]:
    """Stop a template that runs longer than ``seconds`` (on the main thread of a POSIX system,
    where a timer signal can interrupt it); no limit where ``seconds`` is None."""
    import signal
    import threading

    if seconds is None or not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(_signal: int, _frame: object) -> None:
        raise _TimeUp

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    except _TimeUp:
        raise TemplateError(f"the template ran for more than {seconds:g} seconds and was stopped") from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _template_line(template: str) -> str:
    """The innermost template frame of the exception being handled, as "file, line N"."""
    traceback = sys.exc_info()[2]
    where = template
    while traceback is not None:
        filename = traceback.tb_frame.f_code.co_filename
        if filename.endswith(".j2"):
            where = f"{filename}, line {traceback.tb_lineno}"
        traceback = traceback.tb_next
    return where
