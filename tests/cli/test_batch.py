"""`docgen batch`: many case files, one bad file never stopping the others; a folder of its own
for each; shards; manifest; workers that die; and the lazy-import guarantee that keeps `--help`
and `validate` fast."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path, PurePosixPath

import pytest
import yaml
from conftest import ROOT, SAMPLES, docx_text
from typer.testing import CliRunner

from docgen.batch import folder_names, in_shard, is_manifest, iter_case_files, parse_shard, select
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


# -- helpers for the tests below: tiny cases (a timeline each), read-backs ---------------------------

TINY = ("version: 1\npatient: {{name: {name}, date_of_birth: 1971-08-14}}\nmedications:\n"
        "  - drug: clonazepam\n    doses: [{{date: 2019-06, mg_per_day: 4}}, {{date: 2023-01-10, mg_per_day: 3}}]\n")
PACKET = ["SHA256SUMS", "timeline.docx", "timeline.pdf"]


def tiny_case(path: Path, name: str) -> Path:
    """A minimal case file of a patient called ``name``, as YAML or JSON by the suffix."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = TINY.format(name=name)
    if path.suffix == ".json":
        text = json.dumps(yaml.safe_load(text), default=str)
    path.write_text(text, encoding="utf-8")
    return path


def listing(folder: Path) -> list[str]:
    return sorted(os.listdir(folder))


def leftovers(root: Path) -> list[Path]:
    return sorted(path for path in root.rglob("*") if path.name.endswith(".part"))


def assert_a_packet_of(folder: Path, patient: str) -> None:
    """``folder`` holds exactly one packet, of ``patient``, and SHA256SUMS lists exactly its files."""
    assert listing(folder) == PACKET
    sums = dict(reversed(line.split("  ")) for line in (folder / "SHA256SUMS").read_text(encoding="utf-8").splitlines())
    assert sums == {name: hashlib.sha256((folder / name).read_bytes()).hexdigest() for name in PACKET[1:]}
    assert patient in docx_text((folder / "timeline.docx").read_bytes())


def batch(*arguments: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["batch", *arguments, "--date", "2026-11-22"])
    return result.exit_code, result.stdout, result.stderr


# -- two case files, one name: each its own folder --------------------------------------------------

def _h(path: str) -> str:
    return hashlib.sha256(path.encode()).hexdigest()[:8]


@pytest.mark.parametrize(("files", "expected"), [
    (["smith.yaml"], {"smith.yaml": ("smith", False)}),
    (["smith.yaml", "smith.json"], {"smith.yaml": ("smith-yaml", True), "smith.json": ("smith-json", True)}),
    (["Smith.yaml", "smith.json"], {"Smith.yaml": ("Smith-yaml", True), "smith.json": ("smith-json", True)}),
    (["Smith.yaml", "smith.yaml"], {"Smith.yaml": (f"Smith-yaml-{_h('Smith.yaml')}", True),
                                    "smith.yaml": (f"smith-yaml-{_h('smith.yaml')}", True)}),
    (["smith.yaml", "smith.json", "smith-yaml.yml"], {"smith.yaml": (f"smith-yaml-{_h('smith.yaml')}", True),
                                                      "smith.json": ("smith-json", True),
                                                      "smith-yaml.yml": ("smith-yaml-yml", True)}),
    (["a.yaml", "a/b.yaml"], {"a.yaml": ("a-yaml", True), "a/b.yaml": ("a/b", False)}),
    (["clinic/smith.yaml", "other/smith.yaml"], {"clinic/smith.yaml": ("clinic/smith", False),
                                                 "other/smith.yaml": ("other/smith", False)}),
    (["clinic/smith.yaml", "Clinic/smith.json"], {"clinic/smith.yaml": ("clinic/smith-yaml", True),
                                                  "Clinic/smith.json": ("Clinic/smith-json", True)}),
], ids=["alone", "yaml and json", "differing in case", "the same but for case", "a renamed name taken",
        "a folder of cases", "other folders", "folders differing in case"])
def test_no_two_case_files_share_a_folder(files: list[str], expected: dict[str, tuple[str, bool]]) -> None:
    names = folder_names([PurePosixPath(name) for name in files])
    assert {str(relative): (str(name), renamed) for relative, (name, renamed) in names.items()} == expected
    assert len({str(name).casefold() for name, _renamed in names.values()}) == len(files)
    assert folder_names([PurePosixPath(name) for name in reversed(files)]) == names  # whatever the order


@pytest.mark.parametrize("shards", [[], ["1/2", "2/2"]], ids=["one run", "two shards"])
def test_a_yaml_and_a_json_case_of_one_name_get_a_folder_each(shards: list[str], tmp_path: Path) -> None:
    cases, out = tmp_path / "cases", tmp_path / "out"
    tiny_case(cases / "smith.yaml", "Ada Smith")
    tiny_case(cases / "smith.json", "Bea Smith")
    tiny_case(cases / "jones.yaml", "Cy Jones")
    outputs = []
    for shard in shards or [None]:
        code, stdout, stderr = batch(str(cases), "--out", str(out), "--jobs", "2", *(["--shard", shard] if shard else []))
        assert (code, stderr) == (0, "")
        outputs.append(stdout)
    assert listing(out) == ["jones", *(f"manifest-{index}-of-2.json" for index in (1, 2) if shards), *([] if shards else ["manifest.json"]),
                            "smith-json", "smith-yaml"]
    assert_a_packet_of(out / "smith-yaml", "Ada Smith")
    assert_a_packet_of(out / "smith-json", "Bea Smith")
    assert_a_packet_of(out / "jones", "Cy Jones")
    assert leftovers(tmp_path) == []
    renamed = [f"renamed: {cases / name} -> {out / folder} (another case file needs the same folder)\n"
               for name, folder in (("smith.json", "smith-json"), ("smith.yaml", "smith-yaml"))]
    if not shards:
        assert outputs == ["3 case files: 3 generated, 0 skipped, 0 failed\n" + "".join(renamed) + f"manifest: {out / 'manifest.json'}\n"]
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        assert [(Path(entry["case"]).name, Path(entry["folder"]).name, entry["renamed"]) for entry in manifest["cases"]] == [
            ("jones.yaml", "jones", False), ("smith.json", "smith-json", True), ("smith.yaml", "smith-yaml", True)]
    else:  # each shard names the folders as the whole batch would
        assert "".join(outputs).count("renamed: ") == 2
        assert all(line in "".join(outputs) for line in renamed)
    code, stdout, _stderr = batch(str(cases), "--out", str(out))
    assert code == 0
    assert stdout.startswith("3 case files: 0 generated, 3 skipped, 0 failed\n" + "".join(renamed))


# -- the output folder inside the input folder -----------------------------------------------------

@pytest.mark.parametrize("out", ["packets", ".", "sub/deeper/packets"], ids=["inside", "the same folder", "deeper inside"])
def test_a_second_run_does_not_read_its_own_output(out: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cases = tmp_path / "cases"
    tiny_case(cases / "first.yaml", "Ada Smith")
    tiny_case(cases / "sub" / "second.json", "Bea Smith")
    monkeypatch.chdir(cases)
    for summary in ("2 case files: 2 generated, 0 skipped, 0 failed", "2 case files: 0 generated, 2 skipped, 0 failed"):
        code, stdout, stderr = batch(".", "--out", out)
        assert (code, stderr) == (0, "")
        assert stdout.splitlines()[0] == summary
        assert stdout.splitlines()[-1] == f"manifest: {Path(out) / 'manifest.json'}"
    assert_a_packet_of(cases / out / "first", "Ada Smith")
    assert_a_packet_of(cases / out / "sub" / "second", "Bea Smith")
    manifest = json.loads((cases / out / "manifest.json").read_text(encoding="utf-8"))
    assert [Path(entry["case"]).as_posix() for entry in manifest["cases"]] == ["first.yaml", "sub/second.json"]


@pytest.mark.parametrize(("name", "text", "expected"), [
    ("manifest.json", '{\n  "generator": "docgen",\n  "shard": null,\n  "cases": []\n}\n', True),
    ("manifest-2-of-4.json", '{"generator": "docgen", "shard": "2/4", "cases": []}', True),
    ("manifest.json", '{"version": 1, "patient": {"name": "Ada"}}', False),
    ("case.json", '{"generator": "docgen"}', False),
    ("manifest.yaml", 'generator: docgen', False),
])
def test_docgen_manifests_are_not_case_files(name: str, text: str, expected: bool, tmp_path: Path) -> None:
    (tmp_path / name).write_text(text, encoding="utf-8")
    assert is_manifest(tmp_path / name) is expected
    assert [path.name for path in iter_case_files(tmp_path)] == ([] if expected else [name])


# -- a worker that dies, a main process that dies -----------------------------------------------------

#: Runs `docgen` with docgen.batch.process_case wrapped (the 'fork' start method carries the wrapper
#: into the workers): a case called kill-me makes its worker SIGKILL itself, at the start or
#: (KILL=writing) in the middle of writing its packet; a case called hang-* prints its worker's
#: pid and waits. NO_PDEATHSIG=1 leaves only the portable watch of the parent.
FAULTS = """
import multiprocessing, os, signal, sys, time
multiprocessing.set_start_method("fork", force=True)
import docgen.batch as batch
import docgen.output as output
real_process, real_write, written = batch.process_case, output._write_data, []
def process_case(case_file, *arguments):
    if case_file.stem == "kill-me" and os.environ.get("KILL") != "writing":
        os.kill(os.getpid(), signal.SIGKILL)
    if case_file.stem.startswith("hang"):
        print("worker", os.getpid(), flush=True)
        time.sleep(120)
    written.clear()
    written.append(case_file.stem)
    return real_process(case_file, *arguments)
def write_data(stream, data):
    real_write(stream, data)
    written.append(len(data))
    if written[0] == "kill-me" and len(written) == 3:
        stream.flush()
        os.kill(os.getpid(), signal.SIGKILL)
batch.process_case, output._write_data = process_case, write_data
if os.environ.get("NO_PDEATHSIG"):
    batch._PR_SET_PDEATHSIG = 0  # an invalid request: prctl refuses it
sys.argv = ["docgen", *sys.argv[1:]]
from docgen.cli import main
main()
"""

posix_only = pytest.mark.skipif(os.name != "posix" or sys.platform == "darwin", reason="the 'fork' start method")


@posix_only
@pytest.mark.parametrize(("kill", "jobs"), [("start", "2"), ("writing", "2"), ("start", "1")],
                         ids=["at the start", "while writing", "one job"])
def test_a_killed_worker_fails_its_case_only(kill: str, jobs: str, tmp_path: Path) -> None:
    cases, out = tmp_path / "cases", tmp_path / "out"
    tiny_case(cases / "first.yaml", "Ada Smith")
    tiny_case(cases / "kill-me.yaml", "Bea Smith")
    tiny_case(cases / "second.yaml", "Cy Jones")
    completed = subprocess.run([sys.executable, "-c", FAULTS, "batch", str(cases), "--out", str(out), "--jobs", jobs,
                                "--date", "2026-11-22"], capture_output=True, text=True, check=False, cwd=ROOT,
                               env=dict(os.environ, KILL=kill), timeout=120)
    assert completed.returncode == 1
    assert completed.stdout == f"3 case files: 2 generated, 0 skipped, 1 failed\nmanifest: {out / 'manifest.json'}\n"
    assert completed.stderr == (f"failed: {cases / 'kill-me.yaml'}\n"
                                "    the worker processing it stopped unexpectedly (killed or out of memory)\n")
    assert listing(out) == ["first", "manifest.json", "second"]
    assert_a_packet_of(out / "first", "Ada Smith")
    assert_a_packet_of(out / "second", "Cy Jones")
    assert leftovers(tmp_path) == []  # what the killed worker had begun is removed
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert [(Path(entry["case"]).name, entry["status"], entry["reason"]) for entry in manifest["cases"]] == [
        ("first.yaml", "generated", ""),
        ("kill-me.yaml", "failed", "the worker processing it stopped unexpectedly (killed or out of memory)"),
        ("second.yaml", "generated", "")]


def _running(pid: int) -> bool:
    """Whether ``pid`` is a live process (a zombie waiting to be reaped is not)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False
    except OSError:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True


@posix_only
@pytest.mark.parametrize("watch", ["parent-death signal", "watching thread"])
def test_workers_end_with_a_killed_batch(watch: str, tmp_path: Path) -> None:
    cases = tmp_path / "cases"
    tiny_case(cases / "hang-1.yaml", "Ada Smith")
    tiny_case(cases / "hang-2.yaml", "Bea Smith")
    env = dict(os.environ, NO_PDEATHSIG="1") if watch == "watching thread" else None
    process = subprocess.Popen([sys.executable, "-c", FAULTS, "batch", str(cases), "--out", str(tmp_path / "out"),
                                "--jobs", "2"], stdout=subprocess.PIPE, text=True, cwd=ROOT, env=env)
    assert process.stdout is not None
    try:
        workers, seen = [], []
        while len(workers) < 2:  # each hanging case's worker says its pid; other output is passed over
            line = process.stdout.readline()
            assert line, f"the batch ended before both workers started: {seen!r}, exit {process.poll()}"
            seen.append(line)
            if line.startswith("worker "):
                workers.append(int(line.split()[1]))
        assert all(_running(pid) for pid in workers)
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
        deadline = time.monotonic() + 5
        while any(_running(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not [pid for pid in workers if _running(pid)]
    finally:
        process.stdout.close()
        if process.poll() is None:
            process.kill()
            process.wait()
