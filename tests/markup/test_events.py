"""The events vocabulary an events template writes, and the errors a bad one raises."""

from __future__ import annotations

from datetime import date

import pytest

from docgen.errors import TemplateError
from docgen.markup.events import CalendarEvent, CalendarEvents, parse_events


def test_events_keep_their_uid_day_and_folded_text() -> None:
    parsed = parse_events('<events name=" Taper  calendar "><event uid="a@docgen" date="2026-11-16">'
                          "<summary>New   dose</summary><description>Step 1.<br/>Slow  or pause &amp; call."
                          "</description></event></events>")
    assert parsed == CalendarEvents("Taper calendar", (CalendarEvent("a@docgen", date(2026, 11, 16), "New dose",
                                                                     "Step 1.\nSlow or pause & call."),))


@pytest.mark.parametrize(("markup", "expected"), [
    ("<events><event uid='a' date='2026-02-30'/></events>", "<event date='2026-02-30'> is not a date; expected YYYY-MM-DD"),
    ("<events><event date='2026-02-03'/></events>", "every <event> needs a uid of its own"),
    ("<events><event uid='a' date='2026-02-03'/><event uid='a' date='2026-02-04'/></events>",
     "every <event> needs a uid of its own"),
    ("<events><p/></events>", "<p> is not an event; expected <event>"),
    ("<document/>", "the output must be one <events> element"),
    ("<events>", "its output is not well-formed"),
])
def test_a_bad_events_output_is_a_template_error(markup: str, expected: str) -> None:
    with pytest.raises(TemplateError) as raised:
        parse_events(markup, "calendar_events.xml.j2")
    assert str(raised.value).startswith("calendar_events.xml.j2: ") and expected in str(raised.value)
