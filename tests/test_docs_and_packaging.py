"""The README tells the truth, and a built wheel carries its templates, fonts and samples."""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT

from docgen.cli import app

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _commands() -> list[str]:
    import typer.main

    group = typer.main.get_command(app)
    return sorted(group.commands)  # type: ignore[attr-defined]


@pytest.mark.parametrize("command", _commands())
def test_every_command_is_in_the_readme_and_has_help(command: str) -> None:
    assert f"docgen {command}" in README
    import typer.main

    group = typer.main.get_command(app)
    assert group.commands[command].help  # type: ignore[attr-defined]


def test_ci_runs_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    command = re.search(r"^python -m pytest.*$", ci, re.MULTILINE)
    assert command is not None
    assert f"```sh\n{command.group(0)}\n```" in README


def test_readme_quick_start_generates_the_demo(tmp_path: Path) -> None:
    assert 'pip install ".[test]" && docgen demo --out docgen-demo' in README
    completed = subprocess.run([sys.executable, "-m", "docgen.cli", "demo", "--out", str(tmp_path / "docgen-demo")],
                               capture_output=True, text=True, check=False)
    assert completed.returncode == 0, completed.stderr
    assert (tmp_path / "docgen-demo" / "timeline.pdf").is_file()


def test_readme_shows_the_app() -> None:
    assert "## Using docgen in your browser" in README
    for name in ("medications", "import", "documents"):
        assert f"](docs/app-{name}.png)" in README
        assert (ROOT / "docs" / f"app-{name}.png").stat().st_size > 10_000


def test_readme_picture_exists() -> None:
    assert "![A generated timeline page](docs/timeline.png)" in README
    assert (ROOT / "docs" / "timeline.png").stat().st_size > 10_000


def test_wheel_carries_templates_fonts_and_samples(tmp_path: Path) -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--disable-pip-version-check", "-w", str(tmp_path), str(ROOT)],
        capture_output=True, text=True, check=False,
    )
    assert completed.returncode == 0, completed.stderr
    wheel = next(tmp_path.glob("docgen-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for template in (ROOT / "templates").glob("*.j2"):
        assert f"docgen/templates/{template.name}" in names
    for expected in ("docgen/fonts/DejaVuSans.ttf", "docgen/fonts/DejaVuSans-Bold.ttf", "docgen/fonts/LICENSE.txt",
                     "docgen/fonts/DroidSansFallback.ttf", "docgen/fonts/LICENSE-DroidSansFallback.txt",
                     "docgen/samples/bind-labelled-fnd.yaml", "docgen/py.typed"):
        assert expected in names
    web = ROOT / "docgen" / "web"
    for folder in ("static", "templates"):
        files = [path for path in (web / folder).iterdir() if path.is_file()]
        assert files
        for path in files:
            assert f"docgen/web/{folder}/{path.name}" in names


def test_the_readme_shows_the_taper_on_paper() -> None:
    assert "## The taper on paper" in README
    assert "![A month of a generated taper calendar](docs/calendar.png)" in README
    assert (ROOT / "docs" / "calendar.png").stat().st_size > 10_000
