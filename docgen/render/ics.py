"""Calendar events -> an iCalendar file (RFC 5545), with the icalendar library.

Each event is an all-day event. The output is deterministic: the UIDs come from the events, and
every DTSTAMP is midnight UTC of the generation date (``--date``), so the same case and date give
the same bytes.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from icalendar import Calendar, Event

from docgen.markup.events import CalendarEvents

PRODUCT = "-//docgen//Taper calendar//EN"


def render_ics(events: CalendarEvents, generated: date, product: str = PRODUCT) -> bytes:
    """The events as a VCALENDAR of all-day VEVENTs, stamped with ``generated``."""
    stamp = datetime(generated.year, generated.month, generated.day, tzinfo=timezone.utc)
    calendar = Calendar()
    calendar.add("prodid", product)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if events.name:
        calendar.add("x-wr-calname", events.name)
    for item in events.events:
        event = Event()
        event.add("uid", item.uid)
        event.add("dtstamp", stamp)
        event.add("dtstart", item.day)
        if item.day < date.max:  # without DTEND an all-day event is the one day (RFC 5545 3.6.1)
            event.add("dtend", item.day + timedelta(days=1))
        event.add("summary", item.summary)
        if item.description:
            event.add("description", item.description)
        event.add("transp", "TRANSPARENT")  # a reminder, not a busy time
        calendar.add_component(event)
    data: bytes = calendar.to_ical()
    return data
