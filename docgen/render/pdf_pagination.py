"""The pagination rules of ``docgen.render.pagination`` as reportlab flowables.

Both are containers in the manner of reportlab's ``KeepTogether``: they report a height no frame
holds, so the frame always asks them to split, and ``split`` answers with the flowables to set
on this page and what goes on to the next.

- ``KeepWithNext``: a run of flowables (a heading, an introducing line) and what follows them;
  they stay on the page where at least the start of what follows fits (two lines of a
  paragraph, a table's first row, a quote's first lines), else all move to the next page.
- ``KeepClosing``: the block before a signature and the closing after it; the closing goes on
  one page with the end of that block (all of a short paragraph, the last lines or rows of a
  longer one), never alone.
"""

from __future__ import annotations

from typing import Any

from reportlab.platypus import Flowable, Paragraph, Spacer
from reportlab.platypus.doctemplate import ActionFlowable, FrameBreak, LCActionFlowable, NullActionFlowable

#: What a container reports as its height, so that the frame always asks it to split.
_ALWAYS_SPLIT = 0xFFFFFF

#: A paragraph before a signature of at most this many lines goes with it whole.
_WHOLE_LINES = 6


def content_height(flowables: list[Flowable], canvas: Any, width: float, height: float) -> float:
    """The height the flowables take one after another, with the space between them."""
    total = 0.0
    for index, flowable in enumerate(flowables):
        if isinstance(flowable, ActionFlowable):  # takes no room (a break is not measured)
            continue
        if isinstance(flowable, _Container):
            total += flowable.measure(canvas, width, height)
        else:
            total += flowable.wrapOn(canvas, width, height)[1]
        if index:
            total += flowable.getSpaceBefore()
        if index < len(flowables) - 1:
            total += flowable.getSpaceAfter()
    return total


class _Container(Flowable):  # type: ignore[misc]
    def __init__(self, content: list[Flowable]) -> None:
        super().__init__()
        self.content = content
        self._measured: tuple[float, float, float] | None = None

    def measure(self, canvas: Any, width: float, height: float) -> float:
        if self._measured is None or self._measured[:2] != (width, height):
            self._measured = (width, height, content_height(self.content, canvas, width, height))
        return self._measured[2]

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.measure(self.canv, available_width, available_height)
        return available_width, _ALWAYS_SPLIT

    def getSpaceBefore(self) -> float:  # noqa: N802 (reportlab's name)
        return float(self.content[0].getSpaceBefore()) if self.content else 0.0

    def getSpaceAfter(self) -> float:  # noqa: N802 (reportlab's name)
        return float(self.content[-1].getSpaceAfter()) if self.content else 0.0

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        parts = self._arrange(available_width, available_height)
        if parts and isinstance(parts[0], _Container):  # the frame sets the first part as it is
            parts.insert(0, NullActionFlowable())
        return parts

    def _arrange(self, available_width: float, available_height: float) -> list[Flowable]:
        raise NotImplementedError

    def _at_top(self) -> bool:
        frame = getattr(self, "_frame", None)
        return bool(getattr(frame, "_atTop", False))

    def _next_page(self) -> list[Flowable]:
        """Move everything to the next page; at the top of one already, let it flow as it can."""
        if self._at_top():
            return [NullActionFlowable(), *self.content]
        return [FrameBreak(), *self.content]

    def _split(self, flowable: Flowable, width: float, height: float) -> list[Flowable]:
        if height <= 1:
            return []
        if isinstance(flowable, _Container):
            flowable.canv = self.canv
            flowable._frame = getattr(self, "_frame", None)
            return list(flowable.split(width, height))
        flowable.wrapOn(self.canv, width, height)
        return list(flowable.splitOn(self.canv, width, height))


class KeepWithNext(_Container):
    """``lead`` on the page where ``follower`` starts."""

    def __init__(self, lead: list[Flowable], follower: Flowable) -> None:
        super().__init__([*lead, follower])
        self.lead = lead
        self.follower = follower

    def _arrange(self, available_width: float, available_height: float) -> list[Flowable]:
        canvas = self.canv
        if self.measure(canvas, available_width, available_height) <= available_height:
            return list(self.content)
        lead_height = content_height(self.lead, canvas, available_width, available_height) + \
            self.lead[-1].getSpaceAfter() + self.follower.getSpaceBefore()
        room = available_height - lead_height
        parts = self._split(self.follower, available_width, room)
        if parts and isinstance(parts[0], LCActionFlowable):  # what follows goes to the next page: so does the lead
            return self._next_page()
        if len(parts) >= 2:
            # a container (a list) splits into all its pieces whatever the room: keep the lead
            # with its first piece that has a height
            solid = next((index for index, part in enumerate(parts) if not isinstance(part, ActionFlowable) and (
                isinstance(part, _Container) or part.wrapOn(self.canv, available_width, room)[1] > 0)), None)
            if solid is None or content_height(parts[:solid + 1], canvas, available_width, room) <= room:
                return [*self.lead, *parts]
            if solid + 1 < len(parts) or solid > 0:
                return [KeepWithNext([*self.lead, *parts[:solid]], parts[solid]), *parts[solid + 1:]]
        first = self.lead[0]
        if isinstance(first, Paragraph) and not isinstance(first, _Container):
            pieces = self._split(first, available_width, available_height)
            if len(pieces) >= 2:  # the start of a long leading paragraph here, its end with what follows
                return [pieces[0], KeepWithNext([*pieces[1:], *self.lead[1:]], self.follower)]
        return self._next_page()


class KeepClosing(_Container):
    """``closing`` on one page with the end of ``previous``."""

    def __init__(self, previous: Flowable, closing: list[Flowable]) -> None:
        super().__init__([previous, *closing])
        self.previous = previous
        self.closing = closing

    def _arrange(self, available_width: float, available_height: float) -> list[Flowable]:
        canvas = self.canv
        if self.measure(canvas, available_width, available_height) <= available_height:
            return list(self.content)
        previous = self.previous
        height = content_height([previous], canvas, available_width, available_height)
        short = isinstance(previous, Paragraph) and height <= _WHOLE_LINES * previous.style.leading + 1
        if not short and not isinstance(previous, Spacer):
            parts = self._split(previous, available_width, min(available_height, height - 1))
            if len(parts) >= 2:
                return [parts[0], KeepClosing(parts[1] if len(parts) == 2 else KeepWithNext(parts[1:-1], parts[-1]),
                                              self.closing)]
        return self._next_page()
