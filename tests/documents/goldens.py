"""The goldens: every document of every sample as block-model text, one file each, so a change in
wording or structure shows as a readable diff in review.

Regenerate them after an intended change with

    python tests/documents/goldens.py

and read the diff before committing it.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
FOLDER = HERE / "goldens"
TODAY = date(2026, 11, 22)
SAMPLES = sorted((ROOT / "samples").glob("*.yaml"))


def golden_text(sample: Path, name: str) -> str:
    """The document's page furniture and blocks, as text."""
    from docgen.case.loading import load_case
    from docgen.options import Options
    from docgen.pipeline import document_text

    return document_text(load_case(sample), name, Options(today=TODAY))


def iter_goldens() -> list[tuple[Path, str, Path]]:
    """(sample, document name, golden file) for every document each sample has data for."""
    from docgen.case.loading import load_case
    from docgen.options import Options
    from docgen.pipeline import available_documents

    found = []
    for sample in SAMPLES:
        for name in available_documents(load_case(sample), Options(today=TODAY)):
            found.append((sample, name, FOLDER / sample.stem / f"{name}.txt"))
    return found


def main() -> None:
    sys.path.insert(0, str(ROOT))
    for old in FOLDER.glob("*/*.txt"):
        old.unlink()
    for sample, name, target in iter_goldens():
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(golden_text(sample, name), encoding="utf-8")
        print(f"wrote {target.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
