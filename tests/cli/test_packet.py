"""`docgen packet`: a packet folder is one patient's. It is written whole, replaced whole (only
with --force, and never when it holds anything but packet files), and its SHA256SUMS lists exactly
the documents in it."""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

import pytest
from conftest import ROOT, docx_text, run_main

#: Patient B: a timeline only.
B = ROOT / "samples" / "patient-kept-log.yaml"
B_FILES = ["SHA256SUMS", "timeline.docx", "timeline.pdf"]
#: Patient A's packet, as docgen would have left it (only the names matter for replacing it).
A_PACKET = {name: f"A's {name}".encode() for name in
            ("timeline.pdf", "timeline.docx", "amendment.pdf", "amendment.docx", "letter.pdf", "letter.docx")}
A_PACKET["SHA256SUMS"] = "".join(f"{hashlib.sha256(data).hexdigest()}  {name}\n" for name, data in A_PACKET.items()).encode()


def listing(folder: Path) -> list[str]:
    return sorted(os.listdir(folder))


def leftovers(root: Path) -> list[Path]:
    """docgen's temporary files and folders anywhere under ``root``."""
    return sorted(path for path in root.rglob("*") if path.name.endswith(".part"))


def assert_checksums_list_exactly_the_files(folder: Path) -> None:
    sums = dict(reversed(line.split("  ")) for line in (folder / "SHA256SUMS").read_text(encoding="utf-8").splitlines())
    documents = {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in folder.iterdir() if path.name != "SHA256SUMS"}
    assert sums == documents


def make_state(folder: Path, state: str) -> None:
    """Put ``folder`` into one of the states a user may point `--out` at."""
    if state == "absent":
        return
    if state == "a file":
        folder.write_bytes(b"a file where the packet folder should be")
        return
    folder.mkdir()
    if state == "empty":
        return
    for name, data in A_PACKET.items():
        (folder / name).write_bytes(data)
    if state == "A's packet and a note":
        (folder / "notes.txt").write_bytes(b"my own notes")
    elif state == "A's packet and a subfolder":
        (folder / "scans").mkdir()
    elif state == "A's packet and a temporary file":
        (folder / ".letter.pdf.abcd1234.part").write_bytes(b"half a letter, from a writer that was killed")


def snapshot(folder: Path) -> dict[str, bytes | None]:
    return {path.name: path.read_bytes() if path.is_file() else None for path in folder.iterdir()}


ALREADY = "{folder}: already holds a packet; not replaced (use --force to replace the whole packet)\n"
FOREIGN = "{folder}: holds {name}, which is not a packet file; not replaced (choose a new or empty folder for the packet)\n"


@pytest.mark.parametrize(("state", "force", "code", "message"), [
    ("absent", False, 0, ""),
    ("empty", False, 0, ""),
    ("A's packet", False, 1, ALREADY),
    ("A's packet", True, 0, ""),
    ("A's packet and a temporary file", True, 0, ""),
    ("A's packet and a note", True, 1, FOREIGN.replace("{name}", "notes.txt")),
    ("A's packet and a note", False, 1, FOREIGN.replace("{name}", "notes.txt")),
    ("A's packet and a subfolder", True, 1, FOREIGN.replace("{name}", "scans")),
    ("a file", True, 1, "{folder}: is a file; expected a folder\n"),
])
def test_a_packet_folder_is_written_and_replaced_whole(state: str, force: bool, code: int, message: str,
                                                        tmp_path: Path) -> None:
    folder = tmp_path / "packet"
    make_state(folder, state)
    before = snapshot(folder) if folder.is_dir() else None
    arguments = ["packet", str(B), "--out", str(folder), "--date", "2026-11-22"] + (["--force"] if force else [])
    result, out, err = run_main(*arguments)
    assert (result, err) == (code, message.format(folder=folder))
    assert listing(tmp_path) == ["packet"]
    assert leftovers(tmp_path) == []
    if code != 0:
        assert out == ""
        if before is not None:
            assert snapshot(folder) == before  # untouched
        return
    assert out == "".join(f"wrote {folder / name}\n" for name in ("timeline.pdf", "timeline.docx")) \
        + f"checksums in {folder / 'SHA256SUMS'} (check with: sha256sum -c SHA256SUMS)\n" \
        + "not made, as the case has no data for them: amendment request, reply form, amendment follow-up, statement of disagreement, request for copies of records, access follow-up, complaint about the amendment request, complaint about the request for copies, therapist letter, taper request, taper calendar, pharmacy sheet\n"
    assert listing(folder) == B_FILES  # none of A's documents beside B's
    assert_checksums_list_exactly_the_files(folder)
    assert "Marisol Q. Brandt" in docx_text((folder / "timeline.docx").read_bytes())
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert {stat.S_IMODE(path.stat().st_mode) for path in folder.iterdir()} == {0o600}


def test_replacing_a_packet_with_a_smaller_one_drops_the_old_documents(tmp_path: Path) -> None:
    """The finding as reported: a real packet of A (timeline, amendment, letter), then B with --force."""
    folder = tmp_path / "packet"
    code, _out, err = run_main("packet", str(ROOT / "samples" / "bind-labelled-fnd.yaml"), "--out", str(folder), "--date", "2026-11-22")
    assert code == 0, err
    assert "amendment.pdf" in listing(folder)
    code, _out, err = run_main("packet", str(B), "--out", str(folder), "--date", "2026-11-22", "--force")
    assert (code, err) == (0, "")
    assert listing(folder) == B_FILES
    assert_checksums_list_exactly_the_files(folder)
    assert leftovers(tmp_path) == []


@pytest.mark.skipif(os.name != "posix", reason="a mount point as POSIX has it")
def test_a_mount_point_is_refused_before_any_work() -> None:
    code, out, err = run_main("packet", str(B), "--out", "/", "--force")
    assert (code, out) == (1, "")
    assert err == "/: is a mount point, which cannot be replaced as a whole; write the packet to a folder inside it\n"


def test_a_symlinked_packet_folder_is_replaced_where_it_points(tmp_path: Path) -> None:
    real = tmp_path / "real"
    make_state(real, "A's packet")
    link = tmp_path / "link"
    link.symlink_to(real)
    code, _out, err = run_main("packet", str(B), "--out", str(link), "--date", "2026-11-22", "--force")
    assert (code, err) == (0, "")
    assert link.is_symlink() and listing(real) == B_FILES
    assert listing(tmp_path) == ["link", "real"]


def test_shared_packets_are_readable_by_everyone(tmp_path: Path) -> None:
    folder = tmp_path / "packet"
    code, _out, err = run_main("packet", str(B), "--out", str(folder), "--date", "2026-11-22", "--shared")
    assert (code, err) == (0, "")
    assert stat.S_IMODE(folder.stat().st_mode) == 0o755
    assert {stat.S_IMODE(path.stat().st_mode) for path in folder.iterdir()} == {0o644}
