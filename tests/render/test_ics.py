"""Events to an iCalendar file: all-day events, stamped with the generation date, the same bytes
every time, and a last day of the calendar without an end past it."""

from __future__ import annotations

from datetime import date, datetime, timezone

import icalendar

from docgen.markup.events import CalendarEvent, CalendarEvents
from docgen.render.ics import PRODUCT, render_ics

EVENTS = CalendarEvents("Taper calendar: diazepam", (
    CalendarEvent("one@docgen", date(2026, 11, 16), "diazepam: new dose, 12 mg a day", "Step 1; made of 1 × 10 mg.\nCall."),
    CalendarEvent("two@docgen", date(9999, 12, 31), "the last day", ""),
))


def test_each_event_is_a_whole_day_stamped_with_the_generation_date() -> None:
    data = render_ics(EVENTS, date(2026, 11, 22))
    calendar = icalendar.Calendar.from_ical(data)
    assert (str(calendar["PRODID"]), str(calendar["VERSION"]), str(calendar["X-WR-CALNAME"])) == \
        (PRODUCT, "2.0", "Taper calendar: diazepam")
    first, last = calendar.walk("VEVENT")
    assert (first["DTSTART"].dt, first["DTEND"].dt) == (date(2026, 11, 16), date(2026, 11, 17))
    assert first["DTSTAMP"].dt == datetime(2026, 11, 22, tzinfo=timezone.utc)
    assert str(first["DESCRIPTION"]) == "Step 1; made of 1 × 10 mg.\nCall."
    assert (str(first["UID"]), str(first["TRANSP"])) == ("one@docgen", "TRANSPARENT")
    assert "DTEND" not in last and "DESCRIPTION" not in last
    assert b"\r\n" in data and all(len(line) <= 75 for line in data.split(b"\r\n"))  # folded as RFC 5545 asks


def test_the_same_events_give_the_same_bytes() -> None:
    assert render_ics(EVENTS, date(2026, 11, 22)) == render_ics(EVENTS, date(2026, 11, 22))
    assert render_ics(EVENTS, date(2026, 11, 22)) != render_ics(EVENTS, date(2026, 11, 23))
