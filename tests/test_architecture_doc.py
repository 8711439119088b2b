"""docs/architecture.md keeps up with the code: it names every package and every document, and
every path and dotted name it (or the README) mentions still exists."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest
from conftest import ROOT

from docgen.documents import DOCUMENTS, DocumentKind

ARCHITECTURE = ROOT / "docs" / "architecture.md"
TEXT = ARCHITECTURE.read_text(encoding="utf-8")
PACKAGES = sorted(path.parent.relative_to(ROOT).as_posix() for path in (ROOT / "docgen").rglob("__init__.py")
                  if path.parent != ROOT / "docgen")


def test_the_packages_are_found() -> None:
    assert {"docgen/case", "docgen/cli", "docgen/documents", "docgen/markup", "docgen/render"} <= set(PACKAGES)


@pytest.mark.parametrize("package", PACKAGES)
def test_every_package_is_described(package: str) -> None:
    assert f"`{package}/`" in TEXT, f"docs/architecture.md does not describe {package}/"


def _module_path(kind: DocumentKind) -> str:
    """The document's module, as a path (a package's folder for a document that is a package)."""
    module = importlib.import_module(kind.build_context.__module__)
    assert module.__file__ is not None
    path = Path(module.__file__).relative_to(ROOT)
    while path.parent.name != "documents":
        path = path.parent
    return path.as_posix() + ("/" if (ROOT / path).is_dir() else "")


@pytest.mark.parametrize("kind", DOCUMENTS, ids=[kind.name for kind in DOCUMENTS])
def test_every_document_is_listed_with_its_module_and_template(kind: DocumentKind) -> None:
    row = f"| `{kind.name}` | `{_module_path(kind)}` | `{kind.template}` |"
    assert row in TEXT, f"docs/architecture.md lacks the row {row}"


def test_the_documents_are_listed_in_packet_order() -> None:
    listed = re.findall(r"^\| `([a-z-]+)` \| `docgen/documents/", TEXT, re.MULTILINE)
    assert listed == [kind.name for kind in DOCUMENTS]


@pytest.mark.parametrize("document", [ARCHITECTURE, ROOT / "README.md"], ids=lambda path: path.name)
def test_every_path_named_exists(document: Path) -> None:
    text = document.read_text(encoding="utf-8")
    paths = set(re.findall(r"`((?:docgen|templates|tests|samples|bench|docs)/[\w./-]*)`", text))
    assert paths, document
    missing = sorted(path for path in paths if "NAME" not in path  # a placeholder, as in templates/NAME.xml.j2
                     and not (ROOT / path.rstrip("/")).exists())
    assert missing == [], f"{document.name} names paths that do not exist: {missing}"


def _resolves(dotted: str) -> bool:
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            target: object = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for name in parts[cut:]:
            if not hasattr(target, name):
                return False
            target = getattr(target, name)
        return True
    return False


def test_every_dotted_name_resolves() -> None:
    names = set(re.findall(r"\bdocgen(?:\.[A-Za-z_]\w*)+", TEXT))
    assert len(names) > 5
    assert sorted(name for name in names if not _resolves(name)) == []


@pytest.mark.parametrize("name", ["build_document", "render", "generate", "document_text", "write_document",
                                  "write_packet", "fitted_document"])
def test_the_pipeline_functions_named_exist(name: str) -> None:
    from docgen import pipeline

    assert re.search(rf"`(?:pipeline\.)?{name}[`(]", TEXT), f"docs/architecture.md does not name pipeline.{name}"
    assert callable(getattr(pipeline, name))
