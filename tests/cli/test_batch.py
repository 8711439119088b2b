"""`docgen batch`: many case files, one bad file never stopping the others; shards; manifest;
and the lazy-import guarantee that keeps `--help` and `validate` fast."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, SAMPLES
from typer.testing import CliRunner

from docgen.batch import in_shard, iter_case_files, parse_shard, select
from docgen.cli import app
from docgen.errors import OutputError

runner = CliRunner()


@pytest.fixture()
def cases(tmp_path: Path) -> Path:
    folder = tmp_path / "cases"
    (folder / "clinic-b").mkdir(parents=True)
    shutil.copy(SAMPLES[0], folder / "first.yaml")
    shutil.copy(SAMPLES[1], folder / "clinic-b" / "second.yaml")
    (folder / "broken.yaml").write_text("version: 1\npatient: {name: X}\nmedications: []\n", encoding="utf-8")
    (folder / "notes.txt").write_text("not a case file", encoding="utf-8")
    (folder / ".hidden.yaml").write_text("version: 2", encoding="utf-8")
    return folder


def test_mixed_good_and_bad_files(cases: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["batch", str(cases), "--out", str(out), "--jobs", "2", "--date", "2026-11-22"])
    assert result.exit_code == 1
    assert "3 case files: 2 generated, 0 skipped, 1 failed" in result.stdout
    assert f"failed: {cases / 'broken.yaml'}" in result.stderr
    assert "medications (line 3): expected at least one entry" in result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert "generating" not in result.stderr  # no progress bar when not a terminal
    assert (out / "first" / "timeline.pdf").is_file()
    assert (out / "clinic-b" / "second" / "timeline.docx").is_file()
    assert not (out / "broken").exists()

    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    statuses = {Path(entry["case"]).name: entry["status"] for entry in manifest["cases"]}
    assert statuses == {"broken.yaml": "failed", "second.yaml": "generated", "first.yaml": "generated"}
    first = next(entry for entry in manifest["cases"] if entry["case"].endswith("first.yaml"))
    import hashlib

    for output in first["outputs"]:
        assert hashlib.sha256(Path(output["path"]).read_bytes()).hexdigest() == output["sha256"]


def test_second_run_skips_and_force_regenerates(cases: Path, tmp_path: Path) -> None:
    (cases / "broken.yaml").unlink()
    out = tmp_path / "out"
    assert runner.invoke(app, ["batch", str(cases), "--out", str(out), "--jobs", "1"]).exit_code == 0
    again = runner.invoke(app, ["batch", str(cases), "--out", str(out), "--jobs", "1"])
    assert again.exit_code == 0
    assert "2 case files: 0 generated, 2 skipped, 0 failed" in again.stdout
    forced = runner.invoke(app, ["batch", str(cases), "--out", str(out), "--force"])
    assert "2 generated" in forced.stdout


def test_shards_partition_the_files_exactly(tmp_path: Path) -> None:
    for index in range(40):
        (tmp_path / f"case-{index:02d}.yaml").write_text("version: 1", encoding="utf-8")
    everything = set(iter_case_files(tmp_path))
    for count in (1, 2, 3, 7):
        shards = [set(select(tmp_path, (index, count))) for index in range(1, count + 1)]
        assert set().union(*shards) == everything
        assert sum(len(shard) for shard in shards) == len(everything)
    assert in_shard("a/b.yaml", 1, 1)


@pytest.mark.parametrize("text", ["0/3", "4/3", "x", "1/0", "1-3"])
def test_bad_shards_are_refused(text: str) -> None:
    with pytest.raises(OutputError, match="--shard"):
        parse_shard(text)


def test_shard_writes_its_own_manifest(cases: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["batch", str(cases), "--out", str(out), "--shard", "1/2"])
    assert (out / "manifest-1-of-2.json").is_file()
    assert "manifest-1-of-2.json" in result.stdout


def _imported_modules(tmp_path: Path, *arguments: str) -> set[str]:
    listing = tmp_path / "modules.txt"
    code = (
        "import sys\n"
        f"sys.argv = ['docgen', *{list(arguments)!r}]\n"
        "from docgen.cli import main\n"
        "try:\n    main()\n"
        "except SystemExit:\n    pass\n"
        f"open({str(listing)!r}, 'w').write('\\n'.join(sorted(sys.modules)))\n"
    )
    subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False, cwd=ROOT)
    return set(listing.read_text().split())


@pytest.mark.parametrize("arguments", [("--help",), ("validate", str(ROOT / "samples" / "bind-labelled-fnd.yaml"))])
def test_help_and_validate_do_not_import_the_renderers(arguments: tuple[str, ...], tmp_path: Path) -> None:
    modules = _imported_modules(tmp_path, *arguments)
    assert "docgen.cli" in modules
    assert not {name for name in modules if name.split(".")[0] in {"reportlab", "docx", "pypdfium2"}}
    if arguments == ("--help",):
        assert "pydantic" not in modules and "jinja2" not in modules
