"""What docgen writes, under attack and accident: lost files, leaked health data, hostile templates,
oversized input. (The property-based fuzzing of inputs is in test_fuzz.py.)"""

from __future__ import annotations

import contextlib
import errno
import getpass
import hashlib
import io
import os
import re
import shutil
import signal
import socket
import stat
import subprocess
import sys
import time
import unicodedata
import zipfile
import zlib
from datetime import date
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, NetworkUsed, docx_text, folded, pdf_pages, run_main

from docgen import output
from docgen.case.loading import validate_case
from docgen.errors import OutputError, TemplateError
from docgen.options import Options
from docgen.pipeline import available_documents, generate

FULL = ROOT / "samples" / "bind-labelled-fnd.yaml"
TAPER = ROOT / "samples" / "taper-with-therapist.yaml"
KEPT_LOG = ROOT / "samples" / "patient-kept-log.yaml"  # a timeline only: a quick packet
SECRET = "SECRET-F44.4-functional-neurological-disorder"
OPTIONS = Options(today=date(2026, 11, 22))


def python(code: str, *arguments: str, env: dict[str, str] | None = None, cwd: Path | None = None,
           timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code, *arguments], capture_output=True, text=True,
                          timeout=timeout, env=env, cwd=cwd or ROOT, check=False)


def small_case(**sections: object) -> dict[str, object]:
    case: dict[str, object] = {"version": 1, "patient": {"name": "Zoë Łukasiewicz-Núñez", "date_of_birth": "1971-08-14"},
                               "medications": [{"drug": "clonazepam", "doses": [{"date": "2019-06", "mg_per_day": 4},
                                                                                {"date": "2023-01-10", "mg_per_day": 3}]}]}
    case.update(sections)
    return case


# -- no network --------------------------------------------------------------------------------


def test_the_guard_fails_any_network_use(no_network: object) -> None:
    with socket.socket() as connection, pytest.raises(NetworkUsed):
        connection.connect(("127.0.0.1", 9))
    with pytest.raises(NetworkUsed):
        socket.getaddrinfo("example.org", 443)
    assert no_network.used == ["socket.connect", "socket.getaddrinfo"]  # type: ignore[attr-defined]
    no_network.used.clear()  # type: ignore[attr-defined]  # (expected here: do not fail this test)


#: Runs docgen's entry point with every network use ending the process with exit code 99.
OFFLINE = """
import os, socket, sys
def refuse(event, arguments):
    if event in ("socket.connect", "socket.sendto", "socket.sendmsg", "socket.getaddrinfo",
                 "socket.gethostbyname", "socket.gethostbyaddr", "socket.getnameinfo"):
        if event.startswith("socket.s") or event == "socket.connect":
            if getattr(arguments[0], "family", None) == socket.AF_UNIX:
                return
        sys.stderr.write("NETWORK USE: " + event + "\\n"); sys.stderr.flush(); os._exit(99)
sys.addaudithook(refuse)
if sys.argv[1] == "--try-network":
    socket.socket().connect(("127.0.0.1", 9))
sys.argv = ["docgen", *sys.argv[1:]]
from docgen.cli import main
main()
"""


def test_the_offline_harness_stops_a_connection() -> None:
    completed = python(OFFLINE, "--try-network")
    assert completed.returncode == 99 and "NETWORK USE: socket.connect" in completed.stderr


@pytest.mark.parametrize("command", ["packet", "batch"])
def test_packet_and_batch_run_with_the_network_disabled(command: str, tmp_path: Path) -> None:
    if command == "packet":
        arguments = ["packet", str(FULL), "--out", str(tmp_path / "out"), "--date", "2026-11-22"]
    else:
        cases = tmp_path / "cases"
        cases.mkdir()
        for sample in (FULL, TAPER):
            (cases / sample.name).write_bytes(sample.read_bytes())
        arguments = ["batch", str(cases), "--out", str(tmp_path / "out"), "--jobs", "2", "--date", "2026-11-22"]
    completed = python(OFFLINE, *arguments, timeout=300)
    assert completed.returncode == 0, completed.stderr
    assert "NETWORK" not in completed.stderr
    assert list((tmp_path / "out").rglob("timeline.pdf"))


# -- nothing lost: whole files or none ------------------------------------------------------------

#: Writes a 40 MB file through docgen.output.write_file, slowly, saying "started" once the first
#: megabyte is in its temporary file; the test kills it then.
SLOW_WRITER = """
import sys, time
from pathlib import Path
from docgen import output
def slowly(stream, data):
    step = 1 << 20
    for start in range(0, len(data), step):
        stream.write(data[start:start + step])
        stream.flush()
        if start == 0:
            print("started", flush=True)
        time.sleep(0.05)
output._write_data = slowly
output.write_file(b"N" * (40 << 20), Path(sys.argv[1]), force=sys.argv[2] == "force")
print("finished", flush=True)
"""


def _start_slow_writer(target: Path, force: bool) -> subprocess.Popen[str]:
    process = subprocess.Popen([sys.executable, "-c", SLOW_WRITER, str(target), "force" if force else "new"],
                               stdout=subprocess.PIPE, text=True, cwd=ROOT)
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "started"
    return process


def _finish(process: subprocess.Popen[str]) -> str:
    assert process.stdout is not None
    rest = process.stdout.read()
    process.stdout.close()
    process.wait(timeout=60)
    return rest


def _parts(folder: Path) -> list[str]:
    return sorted(name for name in os.listdir(folder) if name.endswith(".part"))


@pytest.mark.parametrize("existing", [False, True], ids=["new file", "replacing with --force"])
def test_a_killed_writer_leaves_the_old_file_or_none(existing: bool, tmp_path: Path) -> None:
    target = tmp_path / "timeline.pdf"
    if existing:
        target.write_bytes(b"the old file")
    process = _start_slow_writer(target, force=existing)
    os.kill(process.pid, signal.SIGKILL)
    assert _finish(process) == ""
    assert process.returncode == -signal.SIGKILL
    if existing:
        assert target.read_bytes() == b"the old file"
    else:
        assert not target.exists()
    assert len(_parts(tmp_path)) == 1  # nothing runs after SIGKILL: its temporary file stays ...
    output.write_file(b"new", target, force=True)
    assert target.read_bytes() == b"new"
    assert _parts(tmp_path) == []  # ... until the next successful write of the same target removes it


def test_a_live_writers_temporary_file_is_not_removed(tmp_path: Path) -> None:
    target = tmp_path / "letter.pdf"
    process = _start_slow_writer(target, force=True)
    try:
        live = _parts(tmp_path)
        assert len(live) == 1
        output.write_file(b"mine", tmp_path / "letter.pdf", force=True)
        assert _parts(tmp_path) == live  # locked by the live writer: kept
    finally:
        assert _finish(process).strip() == "finished"
    assert target.stat().st_size == 40 << 20 and _parts(tmp_path) == []


def test_a_full_disk_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def full(stream: object, data: bytes) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(output, "_write_data", full)
    with pytest.raises(OutputError, match=r"timeline\.pdf: cannot be written \(No space left on device\)"):
        output.write_file(b"data", tmp_path / "timeline.pdf")
    assert os.listdir(tmp_path) == []


def test_an_unwritable_destination_is_one_clear_message(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where a folder should be", encoding="utf-8")
    code, out, err = run_main("timeline", str(FULL), "-o", str(blocker / "sub" / "timeline.pdf"))
    assert code == 1
    assert err.strip() == f"{blocker / 'sub'}: cannot write here (Not a directory)"
    code, out, err = run_main("packet", str(FULL), "--out", str(blocker))
    assert code == 1 and "Traceback" not in err and err.count("\n") == 1
    if Path("/proc/self").is_dir():  # a file system that refuses every write, even root's
        code, out, err = run_main("timeline", str(FULL), "-o", "/proc/docgen-test/timeline.pdf")
        assert code == 1 and re.fullmatch(r"/proc/docgen-test: cannot write here \([^)]+\)\n", err), err


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="permissions do not bind root")
def test_a_read_only_folder_is_one_clear_message(tmp_path: Path) -> None:
    folder = tmp_path / "read-only"
    folder.mkdir(mode=0o500)
    code, _out, err = run_main("timeline", str(FULL), "-o", str(folder / "timeline.pdf"))
    assert code == 1 and err.strip() == f"{folder}: cannot write here (Permission denied)"


def test_a_failure_in_a_packet_writes_none_of_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import docgen.pipeline as pipeline

    real = pipeline.generate

    def failing(case: object, name: str, output_format: str, options: Options) -> bytes:
        if name == "letter":
            raise RuntimeError(SECRET)
        return real(case, name, output_format, options)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline, "generate", failing)
    code, out, err = run_main("packet", str(FULL), "--out", str(tmp_path / "packet"), "--date", "2026-11-22")
    assert code == 1
    assert err == "internal error (RuntimeError); no output was written; please report it\n"
    assert SECRET not in out + err
    assert not (tmp_path / "packet").exists() or os.listdir(tmp_path / "packet") == []


#: Writes the packet of a case through the real entry point, pausing after the second file is in
#: its temporary folder (saying "started") until a line arrives on stdin; the test kills it then,
#: or lets it go on.
PAUSING_PACKET = """
import sys
from docgen import output
real = output._write_data
calls = []
def pausing(stream, data):
    real(stream, data)
    calls.append(1)
    if len(calls) == 2:
        stream.flush()
        print("started", flush=True)
        sys.stdin.readline()
output._write_data = pausing
sys.argv = ["docgen", "packet", *sys.argv[1:]]
from docgen.cli import main
main()
"""


def _start_pausing_packet(case: Path, folder: Path, force: bool) -> subprocess.Popen[str]:
    arguments = [str(case), "--out", str(folder), "--date", "2026-11-22"] + (["--force"] if force else [])
    process = subprocess.Popen([sys.executable, "-c", PAUSING_PACKET, *arguments], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, text=True, cwd=ROOT)
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "started"
    return process


def _old_packet(folder: Path) -> dict[str, bytes]:
    folder.mkdir()
    files = {"timeline.pdf": b"the old timeline", "amendment.pdf": b"the old amendment"}
    files["SHA256SUMS"] = "".join(f"{hashlib.sha256(data).hexdigest()}  {name}\n" for name, data in files.items()).encode()
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return files


def _contents(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in folder.iterdir()}


def _assert_checksums_list_exactly_the_files(folder: Path) -> None:
    lines = (folder / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    assert sorted(line.split("  ")[1] for line in lines) == sorted(name for name in os.listdir(folder) if name != "SHA256SUMS")
    for line in lines:
        digest, name = line.split("  ")
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest


@pytest.mark.parametrize("existing", [False, True], ids=["new packet", "replacing with --force"])
def test_a_full_disk_mid_packet_leaves_the_old_packet_or_none(existing: bool, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "packet"
    old = _old_packet(folder) if existing else None
    real, calls = output._write_data, []

    def filling(stream: io.BufferedWriter, data: bytes) -> None:
        calls.append(len(data))
        if len(calls) == 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        real(stream, data)

    monkeypatch.setattr(output, "_write_data", filling)
    force = ["--force"] if existing else []
    code, out, err = run_main("packet", str(KEPT_LOG), "--out", str(folder), "--date", "2026-11-22", *force)
    assert (code, out, err) == (1, "", f"{folder / 'timeline.docx'}: cannot be written (No space left on device)\n")
    assert os.listdir(tmp_path) == (["packet"] if existing else [])  # no temporary folder left
    if old is not None:
        assert _contents(folder) == old
    monkeypatch.undo()
    code, _out, err = run_main("packet", str(KEPT_LOG), "--out", str(folder), "--date", "2026-11-22", *force)
    assert (code, err) == (0, "")  # after a failure, a new packet needs no --force
    assert sorted(os.listdir(folder)) == ["SHA256SUMS", "timeline.docx", "timeline.pdf"]
    _assert_checksums_list_exactly_the_files(folder)


@pytest.mark.parametrize("existing", [False, True], ids=["new packet", "replacing with --force"])
def test_a_killed_packet_writer_leaves_the_old_packet_or_none(existing: bool, tmp_path: Path) -> None:
    folder = tmp_path / "packet"
    old = _old_packet(folder) if existing else None
    process = _start_pausing_packet(FULL, folder, force=existing)
    os.kill(process.pid, signal.SIGKILL)
    assert process.stdin is not None
    process.stdin.close()
    assert _finish(process) == ""
    if old is not None:
        assert _contents(folder) == old
    else:
        assert not folder.exists()
    assert len(_parts(tmp_path)) == 1  # nothing runs after SIGKILL: its temporary folder stays ...
    force = ["--force"] if existing else []
    code, _out, err = run_main("packet", str(KEPT_LOG), "--out", str(folder), "--date", "2026-11-22", *force)
    assert (code, err) == (0, "")
    assert _parts(tmp_path) == []  # ... until the next packet of the same folder removes it
    assert sorted(os.listdir(tmp_path)) == ["packet"]
    assert sorted(os.listdir(folder)) == ["SHA256SUMS", "timeline.docx", "timeline.pdf"]
    _assert_checksums_list_exactly_the_files(folder)


def test_a_live_packet_writers_temporary_folder_is_not_removed(tmp_path: Path) -> None:
    folder = tmp_path / "packet"
    process = _start_pausing_packet(FULL, folder, force=True)
    assert process.stdin is not None
    try:
        live = _parts(tmp_path)
        assert len(live) == 1
        code, _out, err = run_main("packet", str(KEPT_LOG), "--out", str(folder), "--date", "2026-11-22")
        assert (code, err) == (0, "")
        assert _parts(tmp_path) == live  # locked by the live writer: kept
    finally:
        process.stdin.write("\n")
        process.stdin.close()
        rest = _finish(process)
    assert process.returncode == 0, rest
    documents = ["timeline", "amendment", "reply-form", "access", "access-follow-up", "access-complaint", "letter",
                 "taper-request", "calendar", "pharmacy"]
    assert sorted(os.listdir(folder)) == sorted(["SHA256SUMS"] + [f"{name}.{extension}" for name in documents
                                                                  for extension in ("pdf", "docx")]
                                                 + ["calendar.ics"])
    # (the live writer's packet, replacing the other whole)
    _assert_checksums_list_exactly_the_files(folder)
    assert _parts(tmp_path) == []


def test_a_stale_temporary_folder_holding_a_users_file_is_kept(tmp_path: Path) -> None:
    stale = tmp_path / ".packet.abcd1234.part"
    stale.mkdir()
    (stale / "timeline.pdf").write_bytes(b"from a killed writer")
    (stale / "mine.txt").write_bytes(b"put here by hand")
    code, _out, err = run_main("packet", str(KEPT_LOG), "--out", str(tmp_path / "packet"), "--date", "2026-11-22")
    assert (code, err) == (0, "")
    assert sorted(os.listdir(stale)) == ["mine.txt"]  # docgen's own file removed, the user's kept


# -- file modes ------------------------------------------------------------------------------------


def test_outputs_are_private_unless_shared(tmp_path: Path) -> None:
    code, _out, err = run_main("packet", str(FULL), "--out", str(tmp_path / "private"), "--date", "2026-11-22")
    assert code == 0, err
    assert {path.stat().st_mode & 0o777 for path in (tmp_path / "private").iterdir()} == {0o600}
    assert (tmp_path / "private").stat().st_mode & 0o777 == 0o700
    code, _out, err = run_main("packet", str(FULL), "--out", str(tmp_path / "shared"), "--date", "2026-11-22", "--shared")
    assert code == 0, err
    assert {path.stat().st_mode & 0o777 for path in (tmp_path / "shared").iterdir()} == {0o644}
    assert (tmp_path / "shared").stat().st_mode & 0o777 == 0o755
    code, _out, err = run_main("timeline", str(FULL), "-o", str(tmp_path / "t.pdf"), "--shared")
    assert code == 0 and (tmp_path / "t.pdf").stat().st_mode & 0o777 == 0o644


# -- private: no case text in messages, no personal data in metadata --------------------------------


def test_an_internal_error_shows_no_case_text_and_no_traceback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import docgen.render.pdf as pdf

    def broken(*arguments: object, **keywords: object) -> bytes:
        raise KeyError(f"{SECRET} in the patient's record")

    monkeypatch.setattr(pdf, "render_pdf", broken)
    code, out, err = run_main("amendment", str(FULL), "-o", str(tmp_path / "a.pdf"), "--date", "2026-11-22")
    assert (code, out) == (1, "")
    assert err == "internal error (KeyError); no output was written; please report it\n"
    assert os.listdir(tmp_path) == []


def test_python_warnings_are_named_but_never_print_case_text(tmp_path: Path) -> None:
    code = f"""
import sys, warnings
import docgen.pipeline as pipeline
real = pipeline.generate
def noisy(case, *arguments):
    warnings.warn("{SECRET}: " + case.patient.name)
    return real(case, *arguments)
pipeline.generate = noisy
sys.argv = ["docgen", "timeline", sys.argv[1], "-o", sys.argv[2]]
from docgen.cli import main
main()
"""
    completed = python(code, str(FULL), str(tmp_path / "t.pdf"))
    assert completed.returncode == 0, completed.stderr
    assert completed.stderr == "docgen: a UserWarning was raised and not shown (its text may quote the case)\n"
    assert SECRET not in completed.stdout + completed.stderr


def test_error_messages_quote_at_most_a_short_excerpt(tmp_path: Path) -> None:
    long_key = "k" * 5000
    case = tmp_path / "case.yaml"
    case.write_text(yaml.safe_dump(small_case(symptoms=[{"name": "tremor", "onset": "2023-01",
                                                         "category": SECRET * 50, long_key: 1}])), encoding="utf-8")
    code, _out, err = run_main("validate", str(case))
    assert code == 1
    for line in err.splitlines():
        assert len(line) < len(str(case)) + 300, line[:300]
    assert SECRET * 2 not in err


def _all_text_of_docx(data: bytes) -> str:
    archive = zipfile.ZipFile(io.BytesIO(data))
    return "\n".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())


def _all_text_of_pdf(data: bytes) -> str:
    """The PDF's bytes with every compressed stream inflated, as text."""
    parts = [data.decode("latin-1")]
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", data, re.DOTALL):
        with contextlib.suppress(zlib.error):
            parts.append(zlib.decompress(match.group(1)).decode("latin-1"))
    return "\n".join(parts)


def test_metadata_holds_the_title_and_nothing_personal(tmp_path: Path) -> None:
    home = tmp_path / "home-of-SENTINELUSER"
    work = tmp_path / "cwd-SENTINELPATH"
    home.mkdir()
    work.mkdir()
    case = work / "case-SENTINELFILE.yaml"
    case.write_bytes(FULL.read_bytes())
    env = dict(os.environ, USER="SENTINELUSER", LOGNAME="SENTINELUSER", USERNAME="SENTINELUSER", HOME=str(home),
               TZ="Pacific/Chatham")
    completed = subprocess.run([sys.executable, "-m", "docgen.cli", "packet", case.name, "--out", "out", "--date", "2026-11-22"],
                               cwd=work, env=env, capture_output=True, text=True, check=False)
    assert completed.returncode == 0, completed.stderr
    forbidden = ["SENTINEL", str(tmp_path), "Macintosh", "Normal.dotm"]
    forbidden += [name for name in (getpass.getuser(), socket.gethostname()) if len(name) >= 4]  # "vm" is in "vml"
    import pypdfium2

    for path in sorted((work / "out").iterdir()):
        data = path.read_bytes()
        if path.suffix == ".pdf":
            text = _all_text_of_pdf(data)
            document = pypdfium2.PdfDocument(data)
            info = document.get_metadata_dict(skip_empty=True)
            document.close()
            assert set(info) == {"Title", "Creator", "Producer", "CreationDate", "ModDate"}, info
            assert (info["Creator"], info["Producer"]) == ("docgen", "docgen (reportlab)")
            assert info["CreationDate"] == info["ModDate"] == "D:20000101000000+00'00'"
            assert info["Title"].endswith(": Theresa M. Kowalczyk")
            assert "/Metadata" not in text  # no XMP packet
        elif path.suffix == ".docx":
            text = _all_text_of_docx(data)
            import docx

            properties = docx.Document(io.BytesIO(data)).core_properties
            assert properties.title.endswith(": Theresa M. Kowalczyk")
            assert (properties.author, properties.last_modified_by, properties.comments) == ("", "", "")
            assert properties.created == properties.modified == properties.last_printed
            assert "<Application>docgen</Application>" in text
        else:
            text = data.decode("utf-8")
        for word in forbidden:
            assert word not in text, f"{path.name} holds {word!r}"


# -- deterministic: the same case and date give the same bytes --------------------------------------


#: Environments a packet must not depend on: time zone, hash seed, user, and what reportlab reads
#: (SOURCE_DATE_EPOCH dates its PDFs, even in invariant mode; RL_* variables are its settings).
ENVIRONMENTS = [
    {"TZ": "UTC", "PYTHONHASHSEED": "1", "USER": "alice", "LANG": "C"},
    {"TZ": "Asia/Kolkata", "PYTHONHASHSEED": "4242", "USER": "bob", "LANG": "C"},
    {"TZ": "UTC", "LANG": "C", "SOURCE_DATE_EPOCH": "1"},
    {"TZ": "UTC", "LANG": "C", "RL_pageCompression": "0", "RL_useA85": "0", "RL_invariant": "0"},
]


def test_the_same_case_and_date_give_identical_files_in_any_environment(tmp_path: Path) -> None:
    clean = {name: value for name, value in os.environ.items() if name != "SOURCE_DATE_EPOCH" and not name.startswith("RL_")}
    sums = []
    for number, variables in enumerate(ENVIRONMENTS):
        folder = tmp_path / f"run{number}"
        folder.mkdir()
        completed = subprocess.run([sys.executable, "-m", "docgen.cli", "packet", str(FULL), "--out", "out", "--date", "2026-11-22"],
                                   cwd=folder, env={**clean, "PYTHONPATH": str(ROOT), **variables}, capture_output=True,
                                   text=True, check=False)
        assert completed.returncode == 0, completed.stderr
        sums.append((folder / "out" / "SHA256SUMS").read_text(encoding="utf-8"))
        for line in sums[-1].splitlines():
            digest, name = line.split("  ")
            assert hashlib.sha256((folder / "out" / name).read_bytes()).hexdigest() == digest
    assert sums == [sums[0]] * len(ENVIRONMENTS)
    assert len(sums[0].splitlines()) >= 6


def test_source_date_epoch_is_set_aside_while_rendering_and_put_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from docgen.case.loading import load_case
    from docgen.pipeline import write_document

    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    without = write_document(load_case(KEPT_LOG), "timeline", tmp_path / "without.pdf", OPTIONS).read_bytes()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1")
    assert write_document(load_case(KEPT_LOG), "timeline", tmp_path / "with.pdf", OPTIONS).read_bytes() == without
    assert os.environ["SOURCE_DATE_EPOCH"] == "1"
    assert b"/CreationDate (D:20000101000000+00'00')" in without


def test_docx_zip_entries_carry_one_fixed_time_and_no_template_leftovers(tmp_path: Path) -> None:
    import zipfile

    from docgen.case.loading import load_case

    data = generate(load_case(FULL), "letter", "docx", OPTIONS)
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.testzip() is None
    assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    names = archive.namelist()
    assert "word/document.xml" in names and "docProps/app.xml" in names
    assert not [name for name in names if "thumbnail" in name]
    for name in ("[Content_Types].xml", "_rels/.rels"):
        assert b"thumbnail" not in archive.read(name), name
    assert b"<Application>docgen</Application>" in archive.read("docProps/app.xml")


def test_compiled_templates_are_kept_privately_and_never_change_an_output(tmp_path: Path) -> None:
    """Compiled templates (no case data) are kept between runs; a missing, corrupt or unwritable
    cache gives the same bytes."""
    def timeline(cache_home: Path, name: str) -> bytes:
        output = tmp_path / name
        env = dict(os.environ, XDG_CACHE_HOME=str(cache_home))
        completed = subprocess.run([sys.executable, "-m", "docgen.cli", "timeline", str(FULL), "-o", str(output),
                                    "--date", "2026-11-22"], env=env, capture_output=True, text=True, check=False)
        assert completed.returncode == 0 and completed.stderr == "", completed.stderr
        return output.read_bytes()

    cache_home = tmp_path / "cache"
    first = timeline(cache_home, "first.pdf")
    folders = [cache_home / "docgen", *sorted(path for path in (cache_home / "docgen").rglob("*") if path.is_dir())]
    kept = sorted(path for path in (cache_home / "docgen").rglob("*") if path.is_file())
    assert kept and len(folders) == 3  # docgen/templates/<jinja2 version and settings>
    assert all(stat.S_IMODE(folder.stat().st_mode) == 0o700 for folder in folders)
    assert all(stat.S_IMODE(path.stat().st_mode) == 0o600 for path in kept)
    assert not [path for path in kept if b"Kowalczyk" in path.read_bytes()]  # template code only
    assert timeline(cache_home, "second.pdf") == first  # from the cache
    for path in kept:
        path.write_bytes(b"not a compiled template")
    assert timeline(cache_home, "corrupt.pdf") == first
    unwritable = tmp_path / "a-file"
    unwritable.write_text("", encoding="utf-8")
    assert timeline(unwritable, "uncached.pdf") == first  # the cache cannot be made: compiled each time


def test_a_users_templates_are_never_kept(tmp_path: Path) -> None:
    from docgen.markup.templating import template_dir

    mine = tmp_path / "my-templates"
    shutil.copytree(template_dir(), mine)
    cache_home = tmp_path / "cache"
    env = dict(os.environ, XDG_CACHE_HOME=str(cache_home))
    completed = subprocess.run([sys.executable, "-m", "docgen.cli", "timeline", str(FULL), "-o", str(tmp_path / "t.pdf"),
                                "--templates", str(mine)], env=env, capture_output=True, text=True, check=False)
    assert completed.returncode == 0, completed.stderr
    assert not [path for path in cache_home.rglob("*") if path.is_file()]


def test_sha256sum_checks_a_packet(tmp_path: Path) -> None:
    code, _out, _err = run_main("packet", str(FULL), "--out", str(tmp_path), "--date", "2026-11-22")
    assert code == 0
    completed = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=tmp_path, capture_output=True, text=True, check=False)
    assert completed.returncode == 0 and completed.stdout.count(": OK") >= 6


# -- user templates are untrusted -------------------------------------------------------------------


@pytest.mark.parametrize(("body", "expected"), [
    ("<p>{{ ''.__class__.__mro__[1].__subclasses__() }}</p>", "timeline.xml.j2, line 2: access to attribute '__class__' of 'str' object is unsafe"),
    ("<p>{{ patient.__init__.__globals__ }}</p>", "timeline.xml.j2, line 2: access to attribute '__init__'"),
    ("<p>{{ range(10 ** 9) | list }}</p>", "timeline.xml.j2, line 2: loops over range() give more than 1,000,000 values in one document"),
    ("<p>{{ patient.name | dose }}</p>", "timeline.xml.j2, line 2: TypeError in an expression or filter"),
    ("{% include '../../../../../../../../etc/passwd' %}", "template '../../../../../../../../etc/passwd' was not found"),
    ("<p>{{ patient.name </p>", "timeline.xml.j2, line 2: "),
])
def test_user_templates_run_sandboxed_and_errors_name_file_and_line(body: str, expected: str, tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "timeline.xml.j2").write_text(f'<document title="x">\n{body}\n</document>\n', encoding="utf-8")
    code, out, err = run_main("timeline", str(FULL), "-o", str(tmp_path / "t.pdf"), "--templates", str(templates))
    assert code == 1, out
    assert expected in err, err
    assert "Traceback" not in err and "Kowalczyk" not in err and "root:" not in err
    assert not (tmp_path / "t.pdf").exists()


@pytest.mark.parametrize("document", ['<document size="huge"><p>x</p></document>', '<document size="1"><p>x</p></document>',
                                      '<document><table widths="0,0"><tr><td>a</td><td>b</td></tr></table></document>',
                                      '<document><spacer height="1e9"/></document>', "<document><p>x</document>"])
def test_a_user_templates_bad_output_is_a_template_error(document: str, tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "timeline.xml.j2").write_text(document, encoding="utf-8")
    code, _out, err = run_main("timeline", str(FULL), "-o", str(tmp_path / "t.pdf"), "--templates", str(templates))
    assert code == 1 and err.startswith("timeline.xml.j2") and "internal error" not in err, err


# -- text fidelity, by example -----------------------------------------------------------------------


def test_quoted_record_text_is_never_interpreted_or_cut() -> None:
    current = ("Assessment: <b>functional</b> &amp; {{ patient.name }} **F44.4** _not italic_ <br/> "
               "≥ 2 µg · Zoë Łukasiewicz-Núñez · 李小龍 · 😀 — ") + "the whole record text, word by word. " * 1500
    case = validate_case(small_case(amendment={"to": {"organization": "Riverside Neurology"},
                                               "items": [{"record": "Consultation note", "current_text": current}]}))
    pdf = generate(case, "amendment", "pdf", OPTIONS)
    docx_bytes = generate(case, "amendment", "docx", OPTIONS)
    assert len(pdf_pages(pdf)) > 10
    compact = re.sub(r"\s+", "", folded(" ".join(pdf_pages(pdf))))
    assert re.sub(r"\s+", "", folded(current)) in re.sub(r"Page\d+of\d+|Generated22Nov2026withdocgen|Zoë.*?164\.526", "", compact) \
        or re.sub(r"\s+", "", folded(current))[:400] in compact
    assert folded(current) in folded(docx_text(docx_bytes))
    import docx

    for paragraph in docx.Document(io.BytesIO(docx_bytes)).paragraphs:
        if "functional" in paragraph.text and "<b>" in paragraph.text:
            assert not any(run.bold for run in paragraph.runs)


def test_control_characters_are_dropped_and_the_rest_kept() -> None:
    name = "Jo\x07rdan\x1b Rivera\x00\x7f"
    case = validate_case(small_case(patient={"name": name}))
    for output_format in ("pdf", "docx"):
        data = generate(case, "timeline", output_format, OPTIONS)
        text = " ".join(pdf_pages(data)) if output_format == "pdf" else docx_text(data)
        assert "Jordan Rivera" in text


@pytest.mark.parametrize("name", ["李小龍", "山田 太郎", "김민준", "Đặng Thị Ngọc", "שלום כהן", "محمد عبد الله", "Zoë 😀 Núñez"])
def test_names_in_any_script_come_back_from_both_formats(name: str) -> None:
    import shutil

    case = validate_case(small_case(patient={"name": name}))
    pdf = generate(case, "timeline", "pdf", OPTIONS)
    assert name in folded(docx_text(generate(case, "timeline", "docx", OPTIONS)))
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
        # Arabic letters are drawn in their joined forms, which read back as the typed letters
        assert name in unicodedata.normalize("NFKC", re.sub("[\u202a-\u202e]", "", text))
    else:  # PDFium orders the words of a right-to-left run by its own guess
        words = unicodedata.normalize("NFKC", folded(" ".join(pdf_pages(pdf)))).split()
        assert set(name.split()) <= set(words)


def test_cjk_is_set_in_the_fallback_font_in_both_formats() -> None:
    case = validate_case(small_case(patient={"name": "李小龍"}, symptoms=[{"name": "震颤 tremor", "onset": "2023-02"}]))
    pdf = generate(case, "timeline", "pdf", OPTIONS)
    assert b"DroidSansFallback" in pdf and b"DejaVuSans" in pdf
    styles = zipfile.ZipFile(io.BytesIO(generate(case, "timeline", "docx", OPTIONS))).read("word/styles.xml").decode()
    # the families carry the tag of the document's embedded subsets ("DejaVu Sans 3F9A20C1")
    assert re.search(r'w:eastAsia="Droid Sans Fallback [0-9A-F]{8}"', styles)
    assert re.search(r'w:ascii="DejaVu Sans [0-9A-F]{8}"', styles)


def test_the_timeline_says_so_when_the_chart_shortens_a_label() -> None:
    case = validate_case(small_case(symptoms=[{"name": "tingling in both feet and the left hand", "onset": "2023-02"}]))
    from docgen.pipeline import document_kind, fitted_document

    document, pdf = fitted_document(case, document_kind("timeline"), OPTIONS)
    page = folded(pdf_pages(pdf)[0])
    assert "tingling in both feet and the left hand" in page  # in full in the table
    assert "…" in page.split("Medications")[0]  # cut in the chart ...
    assert "was shortened to fit this page" in page  # ... and the page says so


# -- resource limits -------------------------------------------------------------------------------


def test_a_huge_history_is_handled_in_bounded_time_and_memory(tmp_path: Path) -> None:
    from datetime import timedelta

    start = date(1990, 1, 1)
    case = small_case()
    case["medications"] = [{"drug": "clonazepam", "doses": [{"date": (start + timedelta(days=day)).isoformat(), "mg_per_day": (day % 40) / 10}
                                                            for day in range(20_000)]}]
    case["symptoms"] = [{"name": f"symptom {index}", "onset": (start + timedelta(days=index)).isoformat()} for index in range(2_000)]
    case["events"] = [{"title": f"visit {index}", "date": (start + timedelta(days=index)).isoformat()} for index in range(2_000)]
    file = tmp_path / "big.yaml"
    file.write_text(yaml.safe_dump(case), encoding="utf-8")
    limited = "import resource, runpy, sys; resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30)); " \
              "sys.argv = ['docgen', *sys.argv[1:]]; runpy.run_module('docgen.cli', run_name='__main__')"
    began = time.monotonic()
    completed = python(limited, "timeline", str(file), "-o", str(tmp_path / "t.pdf"), "--date", "2026-11-22", timeout=180)
    assert completed.returncode == 0, completed.stderr
    assert time.monotonic() - began < 180
    assert len(pdf_pages((tmp_path / "t.pdf").read_bytes())) == 1


def test_a_word_longer_than_a_page_is_wrapped_not_an_error() -> None:
    word = "x" * 6000
    case = validate_case(small_case(symptoms=[{"name": word, "onset": "2023-02"}],
                                    amendment={"to": {"organization": "Org"}, "items": [{"record": word, "current_text": word}]}))
    for name in available_documents(case, OPTIONS):
        for output_format in ("pdf", "docx"):
            assert generate(case, name, output_format, OPTIONS)


# -- templates and the template cache: nothing on disk trusted that docgen did not make ----------


def _user_templates(tmp_path: Path, body: str) -> Path:
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "timeline.xml.j2").write_text(f'<document title="t">{body}</document>', encoding="utf-8")
    return folder


def test_an_include_that_leaves_the_template_folder_through_a_link_is_not_found(tmp_path: Path) -> None:
    from docgen.markup.templating import render_markup

    outside = tmp_path / "secret.txt"
    outside.write_text("not for the document", encoding="utf-8")
    folder = _user_templates(tmp_path, "<p>{% include 'outside.txt' %}</p>")
    (folder / "outside.txt").symlink_to(outside)
    with pytest.raises(TemplateError) as caught:
        render_markup("timeline.xml.j2", {}, str(folder))
    assert "not for the document" not in str(caught.value)
    assert "was not found in" in str(caught.value)


def test_a_missing_template_named_by_case_text_is_not_quoted(tmp_path: Path) -> None:
    from docgen.markup.templating import render_markup

    folder = _user_templates(tmp_path, "<p>{% include name %}</p>")
    with pytest.raises(TemplateError) as caught:
        render_markup("timeline.xml.j2", {"name": "Jordan Rivera"}, str(folder))
    assert "Rivera" not in str(caught.value)


@pytest.mark.parametrize("body", [
    "{% for i in range(99999) %}{% for j in range(99999) %}{% endfor %}{% endfor %}",
    "<p>{{ 'x' * 100000000 }}</p>",
    "<p>{{ 10 ** 100000 }}</p>",
])
def test_a_user_template_cannot_ask_for_unbounded_work(tmp_path: Path, body: str) -> None:
    import time

    from docgen.markup.templating import render_markup

    folder = _user_templates(tmp_path, body)
    started = time.perf_counter()
    with pytest.raises(TemplateError) as caught:
        render_markup("timeline.xml.j2", {}, str(folder))
    assert time.perf_counter() - started < 5
    assert str(caught.value).startswith(str(folder / "timeline.xml.j2"))


@pytest.mark.skipif(os.name != "posix", reason="ownership and modes are POSIX")
@pytest.mark.parametrize("mode", [0o777, 0o755, 0o770])
def test_a_cache_folder_others_can_reach_is_not_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mode: int) -> None:
    from docgen.markup import templating

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    folder = templating.cache_dir()
    folder.mkdir(parents=True)
    for level in (folder.parents[1], folder.parent, folder):
        level.chmod(mode)
    assert templating._bytecode_cache() is None


@pytest.mark.skipif(os.name != "posix", reason="ownership and modes are POSIX")
def test_planted_bytecode_that_others_can_write_is_not_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import jinja2

    from docgen.markup import templating

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    cache = templating._bytecode_cache()
    assert cache is not None
    env = jinja2.Environment()
    bucket = jinja2.bccache.Bucket(env, "planted", "checksum")
    target = Path(cache._get_cache_filename(bucket))  # type: ignore[attr-defined]
    target.write_bytes(b"planted")
    target.chmod(0o666)
    cache.load_bytecode(bucket)
    assert bucket.code is None
