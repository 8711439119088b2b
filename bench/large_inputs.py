"""Large inputs: time and peak memory of `docgen validate` and `docgen packet` at 1x, 10x and 100x
of a unit of each kind of growth, to show that the work grows about linearly with the input.

    python bench/large_inputs.py [--factors 1,10,100] [--kinds doses,findings,quote,address]

Each run is a fresh process (as a user runs docgen); memory is its peak resident set. The case
files are generated into a temporary folder and removed afterwards.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

BASE = {"version": 1, "patient": {"name": "Bench Patient", "date_of_birth": "1950-01-01"},
        "clinicians": [{"id": "n", "name": "Dr N", "role": "neurologist", "organization": "Org"}]}
ONE_DOSE = [{"drug": "diazepam", "doses": [{"date": "2020-01-01", "mg_per_day": 10}]}]
AMENDMENT = {"to": {"organization": "Org", "address": ["1 Street"]},
             "items": [{"record": "Neurology note", "date": "2024-01-01", "author": "n", "current_text": "FND."}]}


def case_for(kind: str, factor: int) -> dict[str, object]:
    """A case that holds ``factor`` units of one kind of growth."""
    case: dict[str, object] = dict(BASE, medications=ONE_DOSE)
    if kind == "doses":  # a unit: 400 daily doses of a slow taper
        start = date(1990, 1, 1)
        case["medications"] = [{"drug": "diazepam", "doses": [
            {"date": (start + timedelta(days=day)).isoformat(), "mg_per_day": round(40 - day * 0.0009, 4)}
            for day in range(400 * factor)]}]
    elif kind == "findings":  # a unit: 240 FND findings
        case["fnd_exams"] = [{"date": "2024-01-01", "examiner": "n",
                              "findings": [{"sign": "hoover", "result": "negative"}] * (240 * factor)}]
    elif kind == "quote":  # a unit: 4 KB of quoted record text
        case["amendment"] = dict(AMENDMENT, items=[dict(AMENDMENT["items"][0], current_text="word " * (800 * factor))])  # type: ignore[index]
    elif kind == "address":  # a unit: 50 address lines
        case["patient"] = dict(BASE["patient"], address=[f"line {line}" for line in range(50 * factor)])  # type: ignore[arg-type]
        case["amendment"] = AMENDMENT
    return case


_WRAPPER = ("import atexit, resource, runpy, sys\n"
            "atexit.register(lambda: sys.stderr.write("
            "'\\nPEAK %d\\n' % resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))\n"
            "sys.argv = ['docgen', *sys.argv[1:]]\n"
            "runpy.run_module('docgen.cli', run_name='__main__')\n")


def run(arguments: list[str]) -> tuple[float, float]:
    """Seconds and peak resident megabytes of one docgen process."""
    started = time.perf_counter()
    completed = subprocess.run([sys.executable, "-c", _WRAPPER, *arguments], capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if completed.returncode != 0:
        raise SystemExit(f"docgen {arguments[0]} failed: {completed.stderr.strip()[:300]}")
    peak = int(completed.stderr.rsplit("PEAK ", 1)[1].split()[0])
    return elapsed, peak / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--factors", default="1,10,100")
    parser.add_argument("--kinds", default="doses,findings,quote,address")
    options = parser.parse_args()
    factors = [int(part) for part in options.factors.split(",")]
    print(f"{'input':<10} {'factor':>6}  {'validate s':>10} {'packet s':>9} {'peak MB':>8}")
    with tempfile.TemporaryDirectory() as folder:
        for kind in options.kinds.split(","):
            for factor in factors:
                path = Path(folder) / f"{kind}-{factor}.json"
                path.write_text(json.dumps(case_for(kind, factor)), encoding="utf-8")
                checked, _ = run(["validate", str(path)])
                out = Path(folder) / f"out-{kind}-{factor}"
                packed, peak = run(["packet", str(path), "--out", str(out), "--date", "2026-11-22"])
                print(f"{kind:<10} {factor:>5}x  {checked:>10.2f} {packed:>9.2f} {peak:>8.0f}")
    print("(peak MB: the largest resident set of the packet process)")


if __name__ == "__main__":
    main()
