"""The one style sheet both renderers read: page, margins, type sizes, rules and grays."""

from __future__ import annotations

from dataclasses import dataclass

POINTS_PER_INCH = 72.0

#: Page sizes in points (width, height).
PAGE_SIZES: dict[str, tuple[float, float]] = {
    "letter": (8.5 * POINTS_PER_INCH, 11 * POINTS_PER_INCH),
    "a4": (595.2756, 841.8898),
}

#: Nothing anywhere is set smaller than this (DESIGN.md).
MINIMUM_SIZE = 7.0


@dataclass(frozen=True)
class StyleSheet:
    """Sizes in points; grays from 0 (black) to 1 (white)."""

    body: float = 10.0
    page: str = "letter"
    landscape: bool = False
    #: The smallest size of any text (a large-print copy raises it to its body size).
    minimum: float = MINIMUM_SIZE
    margin: float = 0.7 * POINTS_PER_INCH
    top_margin: float = 0.8 * POINTS_PER_INCH
    bottom_margin: float = 0.7 * POINTS_PER_INCH
    leading_ratio: float = 1.2
    rule_width: float = 0.5
    rule_gray: float = 0.45
    header_fill_gray: float = 0.88
    quote_rule_width: float = 1.5
    muted_gray: float = 0.3
    #: The lines of a calendar grid: black and heavy enough to survive a fax.
    calendar_rule_width: float = 0.9
    #: The width blocks are set in, where it is not the page's frame (a column of ``<columns>``).
    column_width: float | None = None

    @property
    def page_size(self) -> tuple[float, float]:
        width, height = PAGE_SIZES.get(self.page, PAGE_SIZES["letter"])
        return (height, width) if self.landscape else (width, height)

    @property
    def frame_width(self) -> float:
        if self.column_width is not None:
            return self.column_width
        return self.page_size[0] - 2 * self.margin

    def size(self, role: str) -> float:
        """The type size of a paragraph style or element role."""
        offsets = {
            "title": 5.0,
            "subtitle": 0.0,
            "h1": 3.0,
            "h2": 1.0,
            "h3": 0.0,
            "body": 0.0,
            "address": 0.0,
            "right": 0.0,
            "signature": 0.0,
            "table": -1.0,
            "compact": -1.0,
            "small": -1.5,
            "fine": -2.5,
            "furniture": -2.0,
        }
        return max(self.minimum, self.body + offsets.get(role, 0.0))

    def leading(self, role: str) -> float:
        return round(self.size(role) * self.leading_ratio, 2)

    def space_before(self, role: str) -> float:
        return {"title": 0.0, "h1": 0.9, "h2": 0.6, "h3": 0.5}.get(role, 0.0) * self.body

    def space_after(self, role: str) -> float:
        return {"title": 0.2, "h1": 0.35, "h2": 0.2, "h3": 0.2, "body": 0.4, "small": 0.35,
                "fine": 0.2, "compact": 0.3, "address": 0.0, "subtitle": 0.3}.get(role, 0.4) * self.body

    def is_bold(self, role: str) -> bool:
        return role in {"title", "h1", "h2", "h3"}
