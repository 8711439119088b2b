"""The bundled, fictional sample cases (inside the installed package, or beside it in a checkout)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

DEMO_CASE = "bind-labelled-fnd.yaml"


def sample_dir() -> Path:
    installed = Path(str(resources.files("docgen") / "samples"))
    if installed.is_dir():
        return installed
    return Path(__file__).resolve().parent.parent / "samples"


def demo_case_path() -> Path:
    return sample_dir() / DEMO_CASE
