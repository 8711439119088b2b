"""Text from input files printed on a terminal: every control character shown as an escape."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from docgen.terminal import printable


@pytest.mark.parametrize(("text", "shown"), [
    ("clonazepam", "clonazepam"),
    ("\x1b[31mred\x1b[0m", "\\x1b[31mred\\x1b[0m"),
    ("bell\a", "bell\\x07"),
    ("nul\x00", "nul\\x00"),
    ("tab\tand\rreturn\nline", "tab\\x09and\\x0dreturn\\x0aline"),
    ("del\x7f", "del\\x7f"),
    ("c1 \x9b2J and \x85", "c1 \\x9b2J and \\x85"),
    ("lone \ud800 surrogate", "lone \\ud800 surrogate"),
    ("Zoë, 张伟, مريم", "Zoë, 张伟, مريم"),
    ("bidi \u202emarks\u202c and \u200f", "bidi \u202emarks\u202c and \u200f"),
    ("a backslash \\x1b stays", "a backslash \\x1b stays"),
])
def test_control_characters_are_shown_as_escapes(text: str, shown: str) -> None:
    assert printable(text) == shown


@given(st.text())
def test_nothing_a_terminal_acts_on_is_left(text: str) -> None:
    shown = printable(text)
    assert not any(ord(character) < 0x20 or 0x7F <= ord(character) <= 0x9F or 0xD800 <= ord(character) <= 0xDFFF
                   for character in shown)
    shown.encode("utf-8")  # printable on any UTF-8 terminal (a lone surrogate would raise here)
