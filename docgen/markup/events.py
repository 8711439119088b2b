"""Dated events, for a calendar file: what an events template writes, parsed.

An events template (``templates/calendar_events.xml.j2``) renders this small vocabulary, so that
the wording of each event stays in a template, as every document's does:

    <events name="Taper calendar: Devon K. Achterberg">
      <event uid="..." date="2026-11-16">
        <summary>New dose: diazepam 12 mg a day</summary>
        <description>Take 1 × 10 mg + 1 × 2 mg each day.</description>
      </event>
    </events>

A ``uid`` is unique and stable (the same event gets the same one each time it is written), and
the ``date`` is an ISO day: each event lasts that whole day.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from datetime import date

from docgen.case.model import _excerpt
from docgen.errors import TemplateError

_SPACE = re.compile(r"[ \t\n\r\f\v]+")


@dataclass(frozen=True)
class CalendarEvent:
    uid: str
    day: date
    summary: str
    description: str


@dataclass(frozen=True)
class CalendarEvents:
    name: str
    events: tuple[CalendarEvent, ...]


def parse_events(markup: str, template: str = "") -> CalendarEvents:
    """Turn an events template's XML output into events."""
    try:
        root = ElementTree.fromstring(markup)
    except ElementTree.ParseError as error:
        line, _column = error.position
        raise TemplateError(f"{template or 'template'}: its output is not well-formed near output line {line}: {error.msg}") from None
    if root.tag != "events":
        raise TemplateError(f"{template}: the output must be one <events> element")
    events = []
    seen: set[str] = set()
    for element in root:
        if element.tag != "event":
            raise TemplateError(f"{template}: <{_excerpt(element.tag, 30)}> is not an event; expected <event>")
        uid = element.get("uid", "").strip()
        if not uid or uid in seen:
            raise TemplateError(f"{template}: every <event> needs a uid of its own")
        seen.add(uid)
        try:
            day = date.fromisoformat(element.get("date", ""))
        except ValueError:
            raise TemplateError(f"{template}: <event date='{_excerpt(element.get('date', ''), 30)}'> is not a date; "
                                "expected YYYY-MM-DD") from None
        events.append(CalendarEvent(uid, day, _text(element, "summary"), _text(element, "description", multiline=True)))
    return CalendarEvents(_fold(root.get("name", "")), tuple(events))


def _text(element: ElementTree.Element, tag: str, multiline: bool = False) -> str:
    """The text of a child element: white space folded (a <br/> keeps a line break in a description)."""
    child = element.find(tag)
    if child is None:
        return ""
    parts = [child.text or ""]
    for node in child:
        parts.append("\n" if node.tag == "br" and multiline else " ")
        parts.append(node.tail or "")
    return "\n".join(_fold(line) for line in "".join(parts).split("\n"))


def _fold(text: str) -> str:
    return _SPACE.sub(" ", text).strip()
