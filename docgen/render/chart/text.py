"""Text on the chart: measuring it, cutting it to a width with an ellipsis, wrapping it, the box a
line of it takes, and drawing a line of it (right-to-left runs reversed, each run in a font that has
its glyphs). While a chart is drawn, the labels of the case that had to be cut are noted, so that
the page can say so."""

from __future__ import annotations

from contextvars import ContextVar

from reportlab.graphics.shapes import Group, String

from docgen.render import fonts
from docgen.render.bidi import visual
from docgen.render.chart.layout import _Box
from docgen.render.chart.style import _BLACK

_ELLIPSIS = "\u2026"


def _width(text: str, font: str, size: float) -> float:
    return fonts.string_width(text, font, size)


#: While a chart is drawn: the labels of the case that were cut to fit (see ``chart_shortens``).
_CUT: ContextVar[list[str] | None] = ContextVar("_CUT", default=None)


def _note_cut(original: str, shown: str) -> None:
    """Record that a label of the case is drawn shorter than it is."""
    record = _CUT.get()
    if record is not None and shown != original:
        record.append(original)


#: While a chart is drawn for ``chart_swatches``: each legend sample drawn, (name, box).
_SWATCHES: ContextVar[list[tuple[str, tuple[float, float, float, float]]] | None] = ContextVar("_SWATCHES", default=None)


def _note_swatch(name: str, x0: float, y0: float, x1: float, y1: float) -> None:
    """Record where a legend sample (a severity swatch, a line style) was drawn."""
    record = _SWATCHES.get()
    if record is not None:
        record.append((name, (x0, y0, x1, y1)))


def _fit(text: str, font: str, size: float, width: float) -> str:
    """``text``, cut with an ellipsis if needed so that it is at most ``width`` wide."""
    if _width(text, font, size) <= width:
        return text
    low, high = 0, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if _width(text[:middle].rstrip() + _ELLIPSIS, font, size) <= width:
            low = middle
        else:
            high = middle - 1
    return text[:low].rstrip() + _ELLIPSIS if low else ""


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Greedy word wrap; a word wider than ``width`` is split after a hyphen or cut."""
    words: list[str] = []
    for word in text.split():
        parts = word.split("-")
        words += [part + "-" for part in parts[:-1]] + [parts[-1]]
    lines: list[str] = []
    current = ""
    for word in words:
        glue = "" if current.endswith("-") or not current else " "
        if current and _width(current + glue + word, font, size) > width:
            lines.append(current)
            current = word
        else:
            current += glue + word
    if current:
        lines.append(current)
    return [_fit(line, font, size, width) for line in lines]


def _text_box(x: float, baseline: float, width: float, size: float) -> _Box:
    return _Box(x, baseline - 0.24 * size, x + width, baseline + 0.76 * size)


def _string(x: float, y: float, text: str, font: str, size: float, **options: object) -> String | Group:
    """One line of text in drawing order (right-to-left runs reversed), each run in a font that
    has its glyphs: a String, or a Group of them where the text needs more than one font."""
    options.setdefault("fillColor", _BLACK)
    shown = visual(fonts.drawable(text))
    parts = fonts.runs(shown, font)
    if len(parts) <= 1:
        return String(x, y, shown, fontName=font, fontSize=size, **options)
    anchor = str(options.pop("textAnchor", "start"))
    widths = [_width(part, name, size) for part, name in parts]
    x -= {"start": 0.0, "middle": sum(widths) / 2, "end": sum(widths)}.get(anchor, 0.0)
    group = Group()
    for (part, name), width in zip(parts, widths, strict=True):
        group.add(String(x, y, part, fontName=name, fontSize=size, **options))
        x += width
    return group


def _format_number(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:g}"
