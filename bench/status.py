"""`docgen status` over a folder of 1,000 case files: how long the whole command takes.

Run by hand: `python bench/status.py` (`--cases N` for another count, `--repeat R` for the best of
R runs). It writes N case files into a temporary folder, each one of the two samples with a
request (the denied amendment with its log, and the full sample with an amendment and a request
for copies), with the patient's name, the dates and the log varied so that every stage occurs,
then times `docgen status FOLDER --json` as a new process (cold, with compiled bytecode) and
prints the best time. No test asserts on time.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = [ROOT / "samples" / "denied-amendment.yaml", ROOT / "samples" / "bind-labelled-fnd.yaml"]


def write_cases(folder: Path, count: int) -> None:
    """``count`` case files under ``folder``, in subfolders of 100, deterministically varied."""
    chance = random.Random(17)
    sources = [yaml.safe_load(path.read_text(encoding="utf-8")) for path in SAMPLES]
    for index in range(count):
        data = yaml.safe_load(yaml.safe_dump(sources[index % 2]))
        data["patient"]["name"] = f"Patient {index:04}"
        sent = date(2026, 1, 1) + timedelta(days=chance.randrange(330))
        request = data["amendment"]
        request["date"] = sent
        steps = chance.randrange(4)  # drafted-like, sent, received, answered
        log = [{"date": sent, "action": "sent", "method": "fax"}]
        if steps >= 1:
            log.append({"date": sent + timedelta(days=chance.randrange(1, 6)), "action": "received"})
        if steps >= 2:
            log.append({"date": sent + timedelta(days=40), "action": "extension", "note": "new date in 30 days"})
        if steps >= 3:
            log.append({"date": sent + timedelta(days=70), "action": "decision"})
            request["response"] = {"received_on": sent + timedelta(days=70), "decision": "denied", "basis": "accurate"}
        else:
            request.pop("response", None)
        request["log"] = log
        target = folder / f"group-{index // 100:02}" / f"case-{index:04}.yaml"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def time_status(folder: Path) -> tuple[float, int]:
    """Seconds for one `docgen status FOLDER --json`, and how many requests it reported."""
    import json

    started = time.perf_counter()
    completed = subprocess.run([sys.executable, "-m", "docgen.cli", "status", str(folder), "--json", "--date", "2026-11-22"],
                               capture_output=True, text=True, check=False, env={**os.environ, "PYTHONPATH": str(ROOT)})
    elapsed = time.perf_counter() - started
    if completed.returncode != 0:
        raise SystemExit(f"docgen status failed: {completed.stderr}")
    data = json.loads(completed.stdout)
    return elapsed, sum(len(case["requests"]) for case in data["cases"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    arguments = parser.parse_args()
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "docgen")], check=False)
    with tempfile.TemporaryDirectory(prefix="docgen-status-bench-") as name:
        folder = Path(name)
        write_cases(folder, arguments.cases)
        times = []
        for _ in range(arguments.repeat):
            elapsed, requests = time_status(folder)
            times.append(elapsed)
        print(f"docgen status over {arguments.cases} case files ({requests} requests): best {min(times):.2f} s, "
              f"worst {max(times):.2f} s of {arguments.repeat}; {os.cpu_count()} cores, Python {platform.python_version()}")


if __name__ == "__main__":
    main()
