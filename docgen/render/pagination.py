"""Where a page may not break, read from the blocks alone: the rules both renderers follow.

- A heading keeps with what follows it.
- A paragraph marked ``keep="next"``, or one that introduces a list, a table or a quote (its text
  ends with ":" and one of them follows), keeps with what follows it.
- Spacers between a block that keeps and the next block keep too, so a chain is not cut by them.
- The closing of each part of a document (a part ends at a page break or at the end): from the
  block before its last signature to the end of the part, the blocks go on the same page, so a
  signature, an enclosure line or the closing disclaimer never stands alone on a last page. A
  part with no signature treats a closing rule followed by fine print the same way.

``plan`` groups the blocks accordingly; the PDF renderer makes each group one flowable that
splits only where these rules allow, and the DOCX renderer sets Word's keep-with-next and
keep-lines-together on the paragraphs of each group.
"""

from __future__ import annotations

from dataclasses import dataclass

from docgen.markup import blocks

#: A unit of the plan: blocks[start:end] and how they hold together.
FREE = "free"  # may break anywhere a renderer can break it
KEEP = "keep"  # stays on the page of the start of the unit that follows it
CLOSING = "closing"  # stays together, on one page (unless it is taller than a page)


@dataclass(frozen=True)
class Unit:
    start: int
    end: int
    kind: str


def introduces(block: blocks.Block, following: blocks.Block | None) -> bool:
    """Whether ``block`` is a line that introduces the list, table or quote after it (or the
    headed section after it: "From my records:" before "Medication history")."""
    return (isinstance(block, blocks.Paragraph)
            and isinstance(following, (blocks.ListBlock, blocks.Table, blocks.Quote, blocks.Heading))
            and blocks.plain(block.spans).rstrip().endswith(":"))


def keeps_with_next(items: tuple[blocks.Block, ...]) -> tuple[bool, ...]:
    """For each block, whether it stays on the page where the next block starts."""
    keeps: list[bool] = []
    for index, block in enumerate(items):
        following = next((later for later in items[index + 1:] if not isinstance(later, blocks.Spacer)), None)
        if isinstance(block, blocks.Spacer):
            keeps.append(bool(keeps) and keeps[-1])
        elif isinstance(block, blocks.Heading):
            keeps.append(True)
        elif isinstance(block, blocks.Paragraph):
            keeps.append(block.keep_with_next or introduces(block, following))
        else:
            keeps.append(False)
    for index, block in enumerate(items):  # nothing keeps across a page break
        if isinstance(block, blocks.PageBreak) and index:
            keeps[index - 1] = False
    if keeps:
        keeps[-1] = False
    return tuple(keeps)


def _is_signature(block: blocks.Block) -> bool:
    return isinstance(block, blocks.Paragraph) and block.style == "signature"


def _before(items: tuple[blocks.Block, ...], index: int, start: int) -> int:
    """The index of the last block before ``index`` (from ``start``) that is not a spacer."""
    for earlier in range(index - 1, start - 1, -1):
        if not isinstance(items[earlier], blocks.Spacer):
            return earlier
    return index


def closing_start(items: tuple[blocks.Block, ...], start: int, end: int) -> int | None:
    """Where the closing of the part items[start:end] begins, or None if it has none."""
    signatures = [index for index in range(start, end) if _is_signature(items[index])]
    if signatures:
        return _before(items, signatures[-1], start)
    content = [index for index in range(start, end) if not isinstance(items[index], blocks.Spacer)]
    if len(content) >= 3 and isinstance(items[content[-2]], blocks.Rule):
        last = items[content[-1]]
        if isinstance(last, blocks.Paragraph) and last.style == "fine":
            return content[-3]
    return None


def plan(items: tuple[blocks.Block, ...]) -> tuple[Unit, ...]:
    """The blocks as units: runs that keep with what follows, closings, and the rest one by one."""
    keeps = keeps_with_next(items)
    closings: dict[int, int] = {}
    start = 0
    for index in range(len(items) + 1):
        if index == len(items) or isinstance(items[index], blocks.PageBreak):
            begin = closing_start(items, start, index)
            if begin is not None:
                closings[begin] = index
            start = index + 1
    units: list[Unit] = []
    index = 0
    while index < len(items):
        if index in closings:
            units.append(Unit(index, closings[index], CLOSING))
            index = closings[index]
            continue
        units.append(Unit(index, index + 1, KEEP if keeps[index] else FREE))
        index += 1
    return tuple(units)
