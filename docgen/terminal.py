"""Text from input files, made safe to print on a terminal."""

from __future__ import annotations

import re

# C0 controls (tab and line breaks included), DEL, C1 controls, and lone surrogates (which JSON
# can hold and no terminal encoding can print). Bidi marks and overrides are kept: right-to-left
# names need them.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


def printable(text: str) -> str:
    """``text`` as one line a terminal shows as written: each control character becomes an escape.

    ESC is shown as ``\\x1b``, a line break as ``\\n``, a lone surrogate as ``\\ud800``, so that
    a value read from a file can neither move the cursor, recolour the screen, ring the bell
    nor start a line that looks like docgen's own. For text of several lines, apply it to each
    line.
    """
    return _UNPRINTABLE.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
