"""Right-to-left text in a left-to-right document: the visual order of one line.

A PDF draws glyphs in the order it is given them, and PDF text extraction (PDFium, poppler)
takes that order as visual and reverses right-to-left runs to recover the typed text. So a
Hebrew or Arabic run must be drawn reversed, line by line, for it to read correctly and to
extract as typed. This is the core of the Unicode bidirectional algorithm for a left-to-right
paragraph: strong right-to-left letters (and the spaces and punctuation between them) at level
1, numbers after them at level 2, everything else at level 0; runs reversed from the highest
level down (rule L2). A letter keeps its combining marks after it, as a renderer without a
shaping engine needs them. Explicit direction controls are not honoured (the README says so).
Arabic-script letters are joined first (``shaped``), on the text as typed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache
from typing import Any

_RIGHT_TO_LEFT = frozenset(("R", "AL"))
_NUMBERS = frozenset(("EN", "AN"))
#: Classes that take the level of what precedes them (marks, joiners, direction controls).
_ATTACHED = frozenset(("NSM", "BN", "LRE", "RLE", "LRO", "RLO", "PDF", "LRI", "RLI", "FSI", "PDI"))
#: Classes that end a run of context (segment and paragraph separators).
_SEPARATORS = frozenset(("B", "S"))


def has_right_to_left(text: str) -> bool:
    """Whether ``text`` holds any right-to-left letter."""
    if text.isascii():  # the common case, at C speed
        return False
    return any(unicodedata.bidirectional(character) in _RIGHT_TO_LEFT for character in text)


def _clusters(text: str) -> list[tuple[int, int]]:
    """(start, end) of each letter with the marks and joiners that follow it."""
    clusters: list[tuple[int, int]] = []
    for index, character in enumerate(text):
        attached = unicodedata.bidirectional(character) in ("NSM", "BN") or unicodedata.combining(character)
        if attached and clusters:
            clusters[-1] = (clusters[-1][0], index + 1)
        else:
            clusters.append((index, index + 1))
    return clusters


def _levels(classes: list[str]) -> list[int]:
    """The embedding level of each cluster in a left-to-right paragraph."""
    kinds: list[str | None] = []  # "L", "R", "N" (a number after R) or None (a neutral)
    before = "L"
    for kind in classes:
        if kind in _RIGHT_TO_LEFT:
            before = "R"
            kinds.append("R")
        elif kind == "AN" or (kind == "EN" and before == "R"):
            kinds.append("N")
        elif kind in _SEPARATORS:
            before = "L"
            kinds.append("L")
        elif kind == "L" or kind == "EN":
            before = "L"
            kinds.append("L")
        else:
            kinds.append(None)
    levels = [0] * len(kinds)
    index = 0
    while index < len(kinds):
        resolved = kinds[index]
        if resolved is not None:
            levels[index] = {"L": 0, "R": 1, "N": 2}[resolved]
            index += 1
            continue
        end = index
        while end < len(kinds) and kinds[end] is None:
            end += 1
        previous = kinds[index - 1] if index else "L"
        following = kinds[end] if end < len(kinds) else "L"
        level = 1 if previous in ("R", "N") and following in ("R", "N") else 0
        for position in range(index, end):
            levels[position] = level
        index = end
    return levels


@lru_cache(maxsize=4096)
def visual_order(text: str) -> tuple[int, ...]:
    """The indices of ``text`` in the order they are drawn, left to right."""
    if not has_right_to_left(text):
        return tuple(range(len(text)))
    clusters = _clusters(text)
    classes = []
    for start, _end in clusters:
        kind = unicodedata.bidirectional(text[start])
        classes.append("ON" if kind in _ATTACHED else kind)
    levels = _levels(classes)
    order = list(range(len(clusters)))
    for level in range(max(levels), 0, -1):
        position = 0
        while position < len(order):
            if levels[order[position]] < level:
                position += 1
                continue
            end = position
            while end < len(order) and levels[order[end]] >= level:
                end += 1
            order[position:end] = reversed(order[position:end])
            position = end
    return tuple(index for cluster in order for index in range(*clusters[cluster]))


def visual(text: str) -> str:
    """``text`` in drawing order (unchanged when it has no right-to-left letter)."""
    if not has_right_to_left(text):
        return text
    return "".join(text[index] for index in visual_order(text))


#: Letters of the Arabic script (Arabic, Persian, Urdu and more) that join to their neighbours.
_ARABIC_LETTERS = re.compile("[\u0620-\u064a\u066e-\u06d3\u06d5\u06fa-\u06ff\u0750-\u077f\u08a0-\u08ff]")


def shaped(text: str, covered: Callable[[str], bool]) -> str:
    """``text`` with its Arabic-script letters in their joined (contextual) forms, for drawing.

    reportlab draws each character's own glyph and does no shaping, so without this an Arabic
    name would print as separate letters. Shaping works on the text as typed (before it is put in
    drawing order); the marks (harakat) are kept and only the lam-alef ligatures are formed, so
    the text extracted from the PDF is the typed text in compatibility form (NFKC). Where the
    font (``covered``) lacks a joined form, the text is left as typed."""
    if text.isascii() or not _ARABIC_LETTERS.search(text):
        return text
    result = _reshaper().reshape(text)
    return result if covered(result) else text


@lru_cache(maxsize=1)
def _reshaper() -> Any:
    from arabic_reshaper import ArabicReshaper

    return ArabicReshaper(configuration={"delete_harakat": False, "support_ligatures": True,
                                         "ARABIC LIGATURE ALLAH": False})
