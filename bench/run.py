"""Benchmark: how long `docgen timeline` takes, in-process (warm) and as a whole process (cold).

Run by hand on a quiet machine: `python bench/run.py`. Prints a table; no test asserts on time.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from long_history import ten_year_case  # noqa: E402

import yaml  # noqa: E402

from docgen.loading import load_case  # noqa: E402
from docgen.options import Options  # noqa: E402
from docgen.pipeline import generate  # noqa: E402

OPTIONS = Options(today=date(2026, 11, 22))


def warm(path: Path, output_format: str, repeat: int = 5) -> float:
    """Median seconds for load + generate, in a process that has already rendered once."""
    generate(load_case(path), "timeline", output_format, OPTIONS)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        generate(load_case(path), "timeline", output_format, OPTIONS)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def cold(path: Path, output_format: str, repeat: int = 3) -> float:
    """Median wall seconds of a whole `docgen timeline` process."""
    times = []
    with tempfile.TemporaryDirectory() as folder:
        for index in range(repeat):
            target = Path(folder) / f"t{index}.{output_format}"
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "docgen.cli", "timeline", str(path), "-o", str(target)],
                           check=True, capture_output=True)
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        long_case = Path(folder) / "ten-year-daily.yaml"
        long_case.write_text(yaml.safe_dump(ten_year_case(), allow_unicode=True, sort_keys=False), encoding="utf-8")
        cases = sorted((ROOT / "samples").glob("*.yaml")) + [long_case]
        print(f"{'case':<28} {'format':<6} {'warm (ms)':>10} {'cold (s)':>9}")
        for path in cases:
            for output_format in ("pdf", "docx"):
                print(f"{path.stem:<28} {output_format:<6} {warm(path, output_format) * 1000:>10.0f} "
                      f"{cold(path, output_format):>9.2f}", flush=True)


if __name__ == "__main__":
    main()
