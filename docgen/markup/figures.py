"""The data behind figures: what a chart shows, with no drawing code.

A document's context builder fills these in; ``docgen.render.chart`` draws them. Dates are plain
``datetime.date`` values already placed on the time axis (a partial date sits at the start of its
period, and ``approximate`` says so).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class DoseSeries:
    """One benzodiazepine's dose as a step function, in diazepam-equivalent mg/day.

    ``points`` are the change points: each value holds from its date until the next point;
    the last value holds until ``until``. ``labels`` are the drug's own doses to print at the
    labelled steps (date, text such as "2.5 mg").
    """

    label: str
    points: tuple[tuple[date, float], ...]
    until: date
    labels: tuple[tuple[date, str], ...] = ()
    #: The labels that must be shown (the current, lowest and highest dose): drawn even where
    #: they touch a line, never left out.
    key_labels: tuple[tuple[date, str], ...] = ()
    #: The dates of reductions beyond the guideline's bound (docgen.facts.guideline), marked.
    beyond_guideline: tuple[date, ...] = ()


@dataclass(frozen=True)
class OtherSeries:
    """A medication drawn in its own mg on its own small scale (never converted)."""

    label: str
    points: tuple[tuple[date, float], ...]
    until: date
    max_mg: float


@dataclass(frozen=True)
class SymptomBar:
    """One symptom (or a group of symptoms) from onset to resolution.

    ``end`` is None while ongoing (drawn to the axis end with an arrow). ``severities`` is the
    course as (date, 0-10) change points, a severity of None where it is not rated from that date
    on; empty when no course was given.
    """

    label: str
    start: date
    end: date | None
    severities: tuple[tuple[date, int | None], ...] = ()
    approximate: bool = False


@dataclass(frozen=True)
class EventMarker:
    """A dated event: kind is visit | diagnosis | test | hospitalization | other."""

    day: date
    kind: str
    label: str


@dataclass(frozen=True)
class TimelineChart:
    """Everything the one-page timeline chart draws, on one shared time axis."""

    start: date
    end: date
    dose_axis_label: str
    doses: tuple[DoseSeries, ...] = ()
    others: tuple[OtherSeries, ...] = ()
    symptoms: tuple[SymptomBar, ...] = ()
    events: tuple[EventMarker, ...] = ()
    hidden_events: int = 0
    notes: tuple[str, ...] = field(default=())
    #: A stretch without changes, onsets or events (first and last day) that the time axis
    #: compresses into a narrow strip behind a break (None: no break).
    quiet: tuple[date, date] | None = None
    #: The benzodiazepine total in diazepam-equivalent mg/day over each stretch where more than one
    #: is taken at once (empty where they never overlap).
    total: tuple[DoseSeries, ...] = ()
    #: Events left out of the numbered markers, summarised by kind: (kind, dates), each drawn as a
    #: small tick in the event row.
    summarised: tuple[tuple[str, tuple[date, ...]], ...] = ()
    #: Rows of event labels below the markers (0: the chart style's number).
    event_rows: int = 0
