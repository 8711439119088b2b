"""Keeping a YAML file's comments where they belong when entries are added to it.

ruamel.yaml attaches the comment lines that follow a value (a heading for the next section,
say) to the last value before them. Appended blindly, a new entry would land *after* such a
heading. These helpers move the full-line comments and blank lines that trail the old last
entry so that they trail the new one instead; the same-line comment stays where it was.
"""

from __future__ import annotations

from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark
from ruamel.yaml.tokens import CommentToken

Container = CommentedMap | CommentedSeq


def is_block(node: object) -> bool:
    """A non-empty mapping or list written in block style (one entry a line)."""
    return isinstance(node, (CommentedMap, CommentedSeq)) and len(node) > 0 and not node.fa.flow_style()


def _last_key(node: Container) -> Any:
    return list(node.keys())[-1] if isinstance(node, CommentedMap) else len(node) - 1


def _slot(container: Container) -> int:
    # where ruamel keeps the comment after a value: [2] for a mapping's key, [0] for a list item
    return 2 if isinstance(container, CommentedMap) else 0


def detach_trailing(container: Container, key: Any) -> str:
    """Remove and return the full-line comments and blank lines after ``container[key]``."""
    text = ""
    value = container[key]
    if is_block(value):
        text += detach_trailing(value, _last_key(value))
        if isinstance(value, CommentedSeq) and value.ca.end:
            text += "".join(token.value for token in value.ca.end)
            value.ca.end = []
    slot = container.ca.items.get(key)
    if slot is not None and slot[_slot(container)] is not None:
        token = slot[_slot(container)]
        first, _newline, rest = token.value.partition("\n")
        token.value = first + "\n"  # the same-line comment (or just the line end) stays
        text = rest + text
    return text


def attach_trailing(container: Container, key: Any, text: str) -> None:
    """Put ``text`` (full comment lines, blank lines) right after ``container[key]``."""
    if not text:
        return
    value = container[key]
    if is_block(value):
        attach_trailing(value, _last_key(value), text)
        return
    slot = container.ca.items.setdefault(key, [None, None, None, None])
    index = _slot(container)
    if slot[index] is None:
        slot[index] = CommentToken("\n" + text, CommentMark(0), None)
    else:
        slot[index].value += text


def append_entry(sequence: CommentedSeq, entry: object) -> None:
    """Append to a list, keeping the comments that followed its last entry after the new one."""
    moved = ""
    if len(sequence) and not sequence.fa.flow_style():
        moved = detach_trailing(sequence, len(sequence) - 1)
    elif not len(sequence) and sequence.fa.flow_style():
        sequence.fa.set_block_style()  # `events: []` grows into one entry a line
        moved = _detach_own_comment(sequence)
    sequence.append(entry)
    if not sequence.fa.flow_style():
        attach_trailing(sequence, len(sequence) - 1, moved)


def _detach_own_comment(sequence: CommentedSeq) -> str:
    comment = sequence.ca.comment
    if not comment or comment[0] is None:
        return ""
    first, _newline, rest = str(comment[0].value).partition("\n")
    comment[0].value = first + "\n"
    return rest


def insert_entry(sequence: CommentedSeq, index: int, entry: object) -> None:
    """Insert into a list at ``index``; at the end this is ``append_entry``."""
    if index >= len(sequence):
        append_entry(sequence, entry)
    else:
        sequence.insert(index, entry)


def insert_key(mapping: CommentedMap, position: int, key: str, value: object, comment: str | None = None) -> None:
    """Insert a key at ``position``, with an optional comment line above it.

    Comment lines that followed the entry before it (a heading for what came next) move below
    the new entry, so that they still stand above what they were written for.
    """
    keys = list(mapping.keys())
    previous = keys[position - 1] if 0 < position <= len(keys) else None
    moved = detach_trailing(mapping, previous) if previous is not None else ""
    mapping.insert(position, key, value)
    if previous is not None and comment:
        attach_trailing(mapping, previous, "\n" + "".join(f"# {line}\n" for line in comment.splitlines()))
    attach_trailing(mapping, key, moved)
