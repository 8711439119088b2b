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
from collections.abc import Mapping
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
import jinja2.bccache
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
        try:
            super().load_bytecode(bucket)
        except (OSError, ValueError, EOFError, TypeError):
            bucket.reset()

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


def _bytecode_cache() -> jinja2.BytecodeCache | None:
    try:
        folder = cache_dir()
        folder.parents[2].mkdir(parents=True, exist_ok=True)  # the user's cache folder
        for level in (folder.parents[1], folder.parent, folder):  # docgen's own: readable by the user alone
            level.mkdir(mode=0o700, exist_ok=True)
    except (OSError, RuntimeError):  # no home folder, or not writable: compile each time
        return None
    return _TemplateCache(str(folder))


@cache
def environment(user_dir: str | None = None) -> jinja2.Environment:
    """One compiled environment per template folder, kept for the process."""
    loaders: list[jinja2.BaseLoader] = []
    if user_dir is not None:
        loaders.append(jinja2.FileSystemLoader(user_dir))
    loaders.append(jinja2.FileSystemLoader(str(template_dir())))
    env = SandboxedEnvironment(loader=jinja2.ChoiceLoader(loaders), bytecode_cache=_bytecode_cache(), **_SETTINGS)
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
        return env.get_template(template).render(context)
    except jinja2.TemplateSyntaxError as error:
        where = f"{error.filename or error.name or template}, line {error.lineno}"
        raise TemplateError(f"{where}: {error.message}") from None
    except jinja2.TemplateNotFound as error:
        raise TemplateError(f"template '{error.name}' was not found in {user_dir or template_dir()}") from None
    except jinja2.TemplateError as error:
        raise TemplateError(f"{_template_line(template)}: {_excerpt(error.message or type(error).__name__, 160)}") from None
    except Exception as error:  # a filter or attribute failed inside a template
        # the exception's own text is not shown: it can quote the case (a value it could not use)
        raise TemplateError(f"{_template_line(template)}: {type(error).__name__} in an expression or filter") from None


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
