"""The period of a history that holds its evidence: from shortly before the first dose reduction,
stop, switch or symptom onset to the end of the record. A chart gives that period most of its
width and compresses the stable years before it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from docgen.case.model import Case
from docgen.facts.exposure import Exposure

#: The kinds of change that belong to the evidence (a start or an increase does not).
EVIDENCE_KINDS = ("reduction", "stop", "switch")
#: Days of steady dosing kept before the first reduction or onset, at the least.
LEAD_DAYS = 91
#: And at the least this share of the period itself, so that the step into it is visible.
LEAD_SHARE = 0.12


@dataclass(frozen=True)
class Period:
    """From ``start`` to ``end`` (both included); ``first`` is the earliest reduction, stop,
    switch or onset, which ``start`` precedes by the lead."""

    start: date
    first: date
    end: date


def evidence_period(case: Case, exposure: Exposure, end: date) -> Period | None:
    """The evidence period up to ``end`` (the record's last day): None when the case has no
    reduction, stop, switch or symptom onset to show.

    Every such change and onset on or before ``end`` lies inside the period, as does ``end``."""
    days = [change.date.earliest for change in exposure.changes if change.kind in EVIDENCE_KINDS]
    days += [symptom.onset.earliest for symptom in case.symptoms]
    days = [day for day in days if day <= end]
    if not days:
        return None
    first = min(days)
    lead = max(LEAD_DAYS, round((end - first).days * LEAD_SHARE))
    start = first - timedelta(days=lead) if (first - date.min).days > lead else date.min
    return Period(start=start, first=first, end=end)


def compresses(period: Period | None, start: date, end: date, *, share: float = 0.6) -> bool:
    """Whether a chart from ``start`` to ``end`` should compress the years before ``period``:
    when the period would otherwise take less than ``share`` of the width."""
    if period is None or period.start <= start:
        return False
    span = max((end - start).days, 1)
    return (end - period.start).days / span < share


#: Days kept at the full scale on each side of a quiet stretch, so the entries beside it stay clear.
QUIET_MARGIN_DAYS = 91


def quiet_stretch(case: Case, exposure: Exposure, start: date, end: date, *,
                  share: float = 0.4) -> tuple[date, date] | None:
    """The stretch a chart from ``start`` to ``end`` compresses, if any (first and last day).

    The years before the evidence period where it would take less than 60% of the chart
    (``compresses``); otherwise the longest stretch with no dose change, onset, resolution, event,
    exam or severity reading, less ``QUIET_MARGIN_DAYS`` at each end, where it is longer than
    ``share`` of the chart. No reduction, stop, switch or onset ever lies inside it."""
    period = evidence_period(case, exposure, end)
    if period is not None and compresses(period, start, end):
        return start, period.start
    days = sorted({start, end, *_dated(case, exposure)})
    days = [day for day in days if start <= day <= end]
    span = max((end - start).days, 1)
    best = max(zip(days, days[1:], strict=False), key=lambda pair: (pair[1] - pair[0]).days, default=None)
    if best is None:
        return None
    first = best[0] + timedelta(days=QUIET_MARGIN_DAYS) if best[0] > start else best[0]
    last = best[1] - timedelta(days=QUIET_MARGIN_DAYS) if best[1] < end else best[1]
    if first >= last or (last - first).days / span <= share:
        return None
    return first, last


def _dated(case: Case, exposure: Exposure) -> list[date]:
    """Every day the chart shows something happen (the first day of a partial date's period,
    and its last day, so that no part of it is compressed)."""
    dated = []
    for change in exposure.changes:
        dated += [change.date.earliest, change.date.latest]
    for symptom in case.symptoms:
        dated += [symptom.onset.earliest, symptom.onset.latest]
        if symptom.resolved is not None:
            dated += [symptom.resolved.earliest, symptom.resolved.latest]
        dated += [point.date.earliest for point in symptom.course]
    dated += [event.date.earliest for event in case.events] + [event.date.latest for event in case.events]
    dated += [exam.date.earliest for exam in case.fnd_exams]
    return dated
