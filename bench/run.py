"""docgen's benchmark: every figure measured in one run, on one machine, with its reference.

Run by hand on a quiet machine: `python bench/run.py` (add `--quick` for fewer repetitions).
Prints tables; no test asserts on time. Each figure is the best of several runs. What it measures:

- warm, in-process: each document of the full sample in each format, against the same content
  by the plain routes written for this bench (its text placed by hand on a reportlab canvas over
  as many pages, the floor; python-docx's public API used plainly), and the whole packet; also
  the reference routes of the issue's table (a canvas letter, a platypus letter, a plain
  python-docx letter, and WeasyPrint if it is installed);
- cold, whole process, with compiled bytecode as after an install: `docgen timeline` (PDF),
  `docgen packet`, `docgen --help` and `docgen validate`, against a bare platypus letter script;
- the ten-year daily history (3,650 dose entries, 60 symptoms, 200 events), cold;
- a sweep of history sizes (1x, 10x, 100x) to show how cost grows."""

from __future__ import annotations

import argparse
import io
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import yaml  # noqa: E402
from long_history import scaled_case, ten_year_case  # noqa: E402

from docgen.markup import blocks  # noqa: E402
from docgen.case.loading import load_case, validate_case  # noqa: E402
from docgen.options import Options  # noqa: E402
from docgen.pipeline import _FITTED, available_documents, generate  # noqa: E402

OPTIONS = Options(today=date(2026, 11, 22))
FULL = ROOT / "samples" / "bind-labelled-fnd.yaml"
LETTER_TEXT = [
    "Re: coordination of care during a benzodiazepine taper",
    "Dear colleague, I am writing to coordinate our care of the patient during a slow taper. " * 3,
    "The plan reduces the dose by ten percent of the current dose every four weeks, held when needed. " * 3,
    "Please send dose or schedule questions to me; warning signs need an urgent call. " * 3,
] * 3


def cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def best_time(work: Callable[[], object], repeat: int) -> float:
    """The best of ``repeat`` timed runs after one untimed: on a shared machine the least
    disturbed run is the one closest to the code's own cost (as timeit advises)."""
    work()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


#: Cold runs use compiled bytecode, as an installed package does (pip compiles it at install
#: time): kept in a folder of the bench's own, written by an untimed first run.
_PYCACHE = tempfile.mkdtemp(prefix="docgen-bench-pycache-")
_COLD_ENV = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
_COLD_ENV["PYTHONPYCACHEPREFIX"] = _PYCACHE


def cold_times(commands: dict[str, list[str]], repeat: int) -> dict[str, float]:
    """The best of ``repeat`` whole-process runs of each command, after one untimed run each.
    The commands take turns, so a slow spell of a shared machine falls on all of them alike."""
    for arguments in commands.values():
        subprocess.run(arguments, check=True, capture_output=True, cwd=ROOT, env=_COLD_ENV)
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(repeat):
        for name, arguments in commands.items():
            start = time.perf_counter()
            subprocess.run(arguments, check=True, capture_output=True, cwd=ROOT, env=_COLD_ENV)
            times[name].append(time.perf_counter() - start)
    return {name: min(values) for name, values in times.items()}


# -- reference routes -----------------------------------------------------------------------------


def canvas_floor() -> bytes:
    """The same letter text, lines placed by hand, in the same embedded font."""
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen.canvas import Canvas

    from docgen.render.fonts import REGULAR, register_fonts

    register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=letter, invariant=1)
    canvas.setFont(REGULAR, 10)
    y = 720.0
    for paragraph in LETTER_TEXT:
        for start in range(0, len(paragraph), 95):
            canvas.drawString(54, y, paragraph[start:start + 95])
            y -= 13
            if y < 60:
                canvas.showPage()
                y = 720.0
    canvas.save()
    return buffer.getvalue()


def platypus_letter() -> bytes:
    """The same letter text through platypus, in the same embedded font."""
    from reportlab.lib.pagesizes import letter
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    from docgen.render.fonts import REGULAR, register_fonts

    register_fonts()
    buffer = io.BytesIO()
    style = ParagraphStyle("body", fontName=REGULAR, fontSize=10, leading=13, spaceAfter=6)
    SimpleDocTemplate(buffer, pagesize=letter, invariant=1).build([Paragraph(text, style) for text in LETTER_TEXT])
    return buffer.getvalue()


PLATYPUS_SCRIPT = (
    "import io\n"
    "from reportlab.lib.pagesizes import letter\n"
    "from reportlab.lib.styles import getSampleStyleSheet\n"
    "from reportlab.platypus import Paragraph, SimpleDocTemplate\n"
    f"texts = {LETTER_TEXT!r}\n"
    "styles = getSampleStyleSheet()\n"
    "SimpleDocTemplate(io.BytesIO(), pagesize=letter).build([Paragraph(t, styles['Normal']) for t in texts])\n"
)


def plain_docx() -> bytes:
    import docx

    document = docx.Document()
    for text in LETTER_TEXT:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def weasyprint_letter() -> Callable[[], object] | None:
    try:
        import weasyprint  # type: ignore[import-not-found]
    except Exception:
        return None
    html = "<html><body>" + "".join(f"<p>{text}</p>" for text in LETTER_TEXT) + "</body></html>"
    return lambda: weasyprint.HTML(string=html).write_pdf()


# -- the same content by the plain routes -------------------------------------------------------


def _span_text(spans: tuple[blocks.Span, ...]) -> str:
    return "".join(" " if span.text == blocks.LINE_BREAK else span.text for span in spans)


def _block_texts(document: blocks.Document) -> list[tuple[str, bool]]:
    """Each paragraph, list item and table row of the document as (text, bold)."""
    texts: list[tuple[str, bool]] = []
    for block in document.blocks:
        if isinstance(block, blocks.Heading):
            texts.append((_span_text(block.spans), True))
        elif isinstance(block, (blocks.Paragraph, blocks.Quote)):
            texts.append((_span_text(block.spans), False))
        elif isinstance(block, blocks.ListBlock):
            texts += [(_span_text(item), False) for item in block.items]
        elif isinstance(block, blocks.Table):
            rows = ((block.header,) if block.header else ()) + block.rows
            texts += [("   ".join(_span_text(cell) for cell in row), False) for row in rows]
    return texts


def canvas_floor_for(document: blocks.Document, pages: int) -> Callable[[], bytes]:
    """The floor for a document: its text placed by hand, line by line, in the same embedded
    fonts, over the same number of pages (a figure's drawing is not included)."""
    from reportlab.lib.pagesizes import A4, letter
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfgen.canvas import Canvas

    from docgen.render.fonts import BOLD, REGULAR, register_fonts

    register_fonts()
    page_size = A4 if document.page_size == "a4" else letter
    width = page_size[0] - 108
    lines: list[tuple[str, str]] = []
    for text, bold in _block_texts(document):
        font, words, line = BOLD if bold else REGULAR, text.split(), ""
        for word in words:
            candidate = f"{line} {word}".strip()
            if line and stringWidth(candidate, font, 9) > width:
                lines.append((line, font))
                line = word
            else:
                line = candidate
        lines.append((line, font))
    per_page = -(-len(lines) // max(pages, 1))

    def draw() -> bytes:
        buffer = io.BytesIO()
        canvas = Canvas(buffer, pagesize=page_size, invariant=1)
        for start in range(0, len(lines), per_page):
            y = page_size[1] - 54
            for text, font in lines[start:start + per_page]:
                canvas.setFont(font, 9)
                canvas.drawString(54, y, text)
                y -= (page_size[1] - 108) / per_page
            canvas.showPage()
        canvas.save()
        return buffer.getvalue()

    return draw


def plain_docx_for(document: blocks.Document) -> Callable[[], bytes]:
    """The same content through python-docx's public API, as a plain script would write it:
    headings, paragraphs of runs, lists, tables, and the chart as a picture (rasterised once,
    outside the timing)."""
    import docx

    from docgen.render.chart import chart_png, draw_timeline_chart

    pictures = {id(block): chart_png(draw_timeline_chart(block.figure, 504, block.height * 72))
                for block in document.blocks if isinstance(block, blocks.Figure)}

    def runs(paragraph: Any, spans: tuple[blocks.Span, ...]) -> None:
        for span in spans:
            run = paragraph.add_run(" " if span.text == blocks.LINE_BREAK else span.text)
            run.bold, run.italic = span.bold or None, span.italic or None

    def write() -> bytes:
        output = docx.Document()
        for block in document.blocks:
            if isinstance(block, blocks.Heading):
                runs(output.add_heading(level=block.level), block.spans)
            elif isinstance(block, (blocks.Paragraph, blocks.Quote)):
                runs(output.add_paragraph(), block.spans)
            elif isinstance(block, blocks.ListBlock):
                for item in block.items:
                    runs(output.add_paragraph(style="List Number" if block.ordered else "List Bullet"), item)
            elif isinstance(block, blocks.Table):
                rows = ((block.header,) if block.header else ()) + block.rows
                if rows:
                    table = output.add_table(rows=len(rows), cols=len(block.widths), style="Table Grid")
                    for row, cells in zip(table.rows, rows):
                        for cell, spans in zip(row.cells, cells):
                            runs(cell.paragraphs[0], spans)
            elif isinstance(block, blocks.Figure):
                output.add_picture(io.BytesIO(pictures[id(block)]), width=docx.shared.Inches(7))
        buffer = io.BytesIO()
        output.save(buffer)
        return buffer.getvalue()

    return write


# -- docgen ---------------------------------------------------------------------------------------


def uncached(work: Callable[[], object]) -> Callable[[], object]:
    """Time a generation as a new case would take it (the fitted-timeline cache and the timeline's
    cache of a case's facts emptied first)."""
    from docgen.documents.timeline import context

    def run() -> object:
        _FITTED.clear()
        context._FACTS.clear()
        return work()

    return run


def write_case(data: dict[str, object], folder: Path, name: str) -> Path:
    path = folder / f"{name}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    arguments = parser.parse_args()
    warm_repeat, cold_repeat = (3, 2) if arguments.quick else (9, 7)
    print(f"docgen benchmark, {date.today().isoformat()}, Python {platform.python_version()}, "
          f"{platform.machine()}, {cpu_name()}, {os.cpu_count()} cores")

    case = load_case(FULL)
    floor = best_time(canvas_floor, warm_repeat)
    platypus = best_time(platypus_letter, warm_repeat)
    plain = best_time(plain_docx, warm_repeat)
    print("\nReference routes, warm (ms)")
    print(f"  reportlab canvas floor        {floor * 1000:8.1f}")
    print(f"  reportlab platypus letter     {platypus * 1000:8.1f}")
    print(f"  python-docx plain letter      {plain * 1000:8.1f}")
    weasy = weasyprint_letter()
    weasy_time = best_time(weasy, warm_repeat) if weasy else None
    print(f"  WeasyPrint letter             {weasy_time * 1000:8.1f}" if weasy_time else "  WeasyPrint letter             not installed (about 600 ms on this kind of machine)")

    print("\nWarm, in-process, full sample (ms), each against the same content by the plain route:")
    print("  PDF against its text placed by hand on a canvas over as many pages (the floor), DOCX")
    print("  against python-docx's public API used plainly")
    print(f"  {'document':<22} {'format':<6} {'docgen':>8} {'plain':>8} {'ratio':>7}")
    total = 0.0
    from docgen.pipeline import build_document, document_kind, fitted_document
    from docgen.render.pdf import page_count

    for name in available_documents(case, OPTIONS):
        kind = document_kind(name)
        document = fitted_document(case, kind, OPTIONS)[0] if kind.one_page else build_document(case, kind, OPTIONS)
        pages = page_count(generate(case, name, "pdf", OPTIONS))
        references = {"pdf": canvas_floor_for(document, pages), "docx": plain_docx_for(document)}
        for output_format in ("pdf", "docx"):
            elapsed = best_time(uncached(lambda: generate(case, name, output_format, OPTIONS)), warm_repeat)
            plain_route = best_time(references[output_format], warm_repeat)
            total += elapsed
            print(f"  {name:<22} {output_format:<6} {elapsed * 1000:8.1f} {plain_route * 1000:8.1f}   x{elapsed / plain_route:5.1f}")
    packet = best_time(uncached(lambda: [generate(case, name, fmt, OPTIONS) for name in available_documents(case, OPTIONS)
                                          for fmt in ("pdf", "docx")]), warm_repeat)
    print(f"  whole packet (cache shared)      {packet * 1000:8.1f}   (sum of separate runs {total * 1000:.1f})")
    if weasy_time:
        print(f"  packet / one WeasyPrint letter   x{packet / weasy_time:5.2f}")

    with tempfile.TemporaryDirectory() as folder_name:
        folder = Path(folder_name)
        docgen = [sys.executable, "-m", "docgen.cli"]
        long_case = write_case(ten_year_case(), folder, "ten-year-daily")
        cold = cold_times({
            "bare": [sys.executable, "-c", PLATYPUS_SCRIPT],
            "timeline": docgen + ["timeline", str(FULL), "-o", str(folder / "t.pdf"), "--force"],
            "packet": docgen + ["packet", str(FULL), "--out", str(folder / "packet"), "--force"],
            "help": docgen + ["--help"],
            "validate": docgen + ["validate", str(FULL)],
            "long": docgen + ["timeline", str(long_case), "-o", str(folder / "long.pdf"), "--force"],
        }, cold_repeat)
        bare, timeline, packet_cold = cold["bare"], cold["timeline"], cold["packet"]
        help_cold, validate_cold, long_cold = cold["help"], cold["validate"], cold["long"]
        print("\nCold, whole process (s)")
        print(f"  bare platypus letter script   {bare:6.2f}")
        print(f"  docgen timeline (PDF)         {timeline:6.2f}   x{timeline / bare:4.1f} of the bare script")
        print(f"  docgen packet                 {packet_cold:6.2f}")
        print(f"  docgen --help                 {help_cold:6.2f}")
        print(f"  docgen validate               {validate_cold:6.2f}")
        print(f"  timeline, ten-year history    {long_cold:6.2f}")

    print("\nSweep: timeline PDF, warm (ms), history scaled by a factor (36, 6, 20 per unit)")
    previous = None
    for factor in (1, 10, 100):
        scaled = validate_case(scaled_case(factor))
        elapsed = best_time(uncached(lambda: generate(scaled, "timeline", "pdf", OPTIONS)), warm_repeat)
        growth = f"   x{elapsed / previous:5.1f} for 10x the entries" if previous else ""
        print(f"  {factor:>4}x  {elapsed * 1000:8.1f}{growth}")
        previous = elapsed


if __name__ == "__main__":
    try:
        main()
    finally:
        shutil.rmtree(_PYCACHE, ignore_errors=True)
