"""The deadlines and follow-up dates of `docgen status` as an iCalendar file (RFC 5545), to open
in any calendar: one all-day event per date, each with the command that takes the step.

The output is reproducible: every event's UID is derived from the case file's path, the request
and what the event is, and DTSTAMP is the report's date, so the same cases on the same day give
the same bytes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from datetime import date

from docgen.facts.requests import RequestStatus
from docgen.markup.events import CalendarEvent, CalendarEvents
from docgen.status import CaseStatus, command, request_title


def iter_events(cases: Sequence[CaseStatus]) -> Iterator[CalendarEvent]:
    """The dated events of every request: its deadline, the day to send the follow-up, and the
    last day to complain."""
    for case in cases:
        for state in case.requests:
            yield from _request_events(case, state)


def _request_events(case: CaseStatus, state: RequestStatus) -> Iterator[CalendarEvent]:
    who = f"{case.patient}: {request_title(state)}"

    def event(kind: str, day: date, summary: str, lines: list[str]) -> CalendarEvent:
        digest = hashlib.sha256(f"{case.path}\x00{state.request}\x00{kind}".encode()).hexdigest()[:32]
        return CalendarEvent(f"{digest}@docgen", day, summary, "\n".join([who, *lines]))

    if state.due is not None and state.stage not in ("answered", "drafted"):
        yield event("due", state.due, f"Answer due: {who}", [f"Case file: {case.path}"])
    for index, step in enumerate(state.steps):
        when = step.on or step.by
        if when is None:
            continue
        written = command(step, case.path, state.request, state)
        lines = [step.action] + ([f"Command: {written}"] if written else []) + [f"Case file: {case.path}"]
        title = f"Last day to complain: {who}" if step.by is not None else f"{step.action}: {who}"
        yield event(f"step-{index}-{step.document or step.log or ''}", when, title, lines)


def calendar_bytes(cases: Sequence[CaseStatus], stamp: date) -> bytes:
    """An iCalendar file of the events, stamped with ``stamp`` (``docgen.render.ics``)."""
    from docgen.render.ics import render_ics

    return render_ics(CalendarEvents("", tuple(iter_events(cases))), stamp, "-//docgen//requests//EN")
