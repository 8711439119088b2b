"""The one-page medication and symptom timeline: its context, at a given level of condensing.

A long history is condensed step by step (``LEVELS``) until the page fits: fewer table rows with
"+N more" notes, symptoms grouped by category in the chart, a shorter chart, smaller (never below
7 pt) type, and long text shortened with a visible mark. The pipeline tries each level in turn.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from docgen.case.dates import PartialDate
from docgen.case.model import Case, Event, Symptom
from docgen.documents.timeline.fitting import LEVELS, Fit, Measure
from docgen.facts import findings, history, onsets
from docgen.facts.equivalence import TABLE_CITATIONS, TABLE_NAMES
from docgen.facts.exposure import Exposure, exposure_of
from docgen.facts.formatting import format_mg, format_mg_figure
from docgen.facts.phases import TaperPhase, taper_phases
from docgen.markup.figures import (
    DoseSeries,
    EventMarker,
    OtherSeries,
    SymptomBar,
    TimelineChart,
)
from docgen.options import Options

TEMPLATE = "timeline.xml.j2"
TITLE = "Medication and symptom timeline"



_EVENT_PRIORITY = {"diagnosis": 0, "hospitalization": 1, "test": 2, "visit": 3, "other": 4}


class _Shortener:
    """Shortens text past a limit, marking it, and remembers that it did."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.used = False

    def __call__(self, text: str | None) -> str:
        if text is None:
            return ""
        text = " ".join(text.split())
        if len(text) <= self.limit:
            return text
        self.used = True
        return text[: self.limit - 1].rstrip() + "…"


def build_context(case: Case, options: Options, level: int = 0, measure: Measure | None = None) -> dict[str, Any]:
    """Everything the timeline template says, computed from the case, condensed to ``level``;
    ``measure`` tells whether the chart, drawn as the page will draw it, cuts a label short."""
    fit = LEVELS[min(level, len(LEVELS) - 1)]
    short = _Shortener(fit.text_limit)
    sources = history.Sources()
    exposure = exposure_of(case, options.table)
    phases = taper_phases(exposure)
    courses = list(exposure.courses)
    today = options.today

    medication_rows = []
    for course in courses[: fit.medication_rows]:
        peak = course.peak
        peak_text = "—"
        if peak is not None:
            peak_text = f"{format_mg(peak.mg_per_day)} mg/day"
            converted = course.diazepam_mg(peak.mg_per_day)
            if converted is not None:
                peak_text += f" (≈ {format_mg(round(converted, 1))} mg diazepam-eq.)"
            peak_text += f", {peak.date.display()}"
        cited = sources.cite(*(dose.source for dose in course.steps))
        medication_rows.append({
            "drug": short(course.display_name),
            "marker": history.marker(cited),
            "start": course.start.display() if course.start else "not taken",
            "peak": peak_text,
            "taper_start": course.taper_start.display() if course.taper_start else "—",
            "stop": course.stop.display() if course.stop else f"ongoing, {format_mg(course.current_mg)} mg/day",
            "duration": course.duration(today),
        })

    relations = onsets.relations(case, exposure, phases)
    # A relation is cut only far past the page's text limit (a drug name of hundreds of
    # characters): cut short, it would state less than docgen.facts.onsets computed.
    relation_short = _Shortener(max(3 * fit.text_limit, _RELATION_LIMIT))
    symptom_rows = []
    for relation in relations[: fit.symptom_rows]:
        symptom = relation.symptom
        cited = sources.cite(symptom.source, *(point.source for point in symptom.course))
        symptom_rows.append({
            "name": short(symptom.name),
            "marker": history.marker(cited),
            "onset": symptom.onset.display(),
            "timing": relation_short(relation.text),
            "course": history.symptom_course_text(symptom),
        })

    summary = findings.summarize_findings(case)
    exams: dict[tuple[str, str], dict[str, Any]] = {}
    for found in summary.exams:
        examiner = found.examiner or "examiner not recorded"
        key = (found.date.isoformat(), examiner)
        exam = exams.get(key)
        if exam is None:
            exam = exams[key] = {
                "examiner": short(examiner),
                "date": found.date.display(),
                "marker": history.marker(sources.cite(found.source)),
                "negative": [], "positive": [], "inconclusive": [], "not_tested": [],
            }
        for finding in found.findings:
            if short(finding.sign) not in exam[finding.result]:
                exam[finding.result].append(short(finding.sign))
    exam_rows = list(exams.values())[: fit.exam_rows]
    fnd = {
        "absent": _by_dates(summary.absent, "negative", short),
        "present": [
            {"sign": short(record.sign), "present": _dates(record.dates("positive")),
             "absent": _dates(record.dates("negative")) or None}
            for record in summary.present
        ],
        "elsewhere": _by_dates(summary.absent_elsewhere, "negative", short),
        "unresolved": [short(record.sign) for record in summary.unresolved],
    }

    charted = _key_events(case.events, fit.chart_events)
    event_rows = []
    for number, event in enumerate(charted, start=1):  # numbered by date, as the chart numbers them
        cited = sources.cite(event.source)
        clinician = case.clinician(event.clinician)
        event_rows.append({
            "number": number,
            "date": event.date.display(),
            "title": short(event.title),
            "detail": short(event.detail) if number <= fit.event_rows else "",
            "clinician": short(clinician.name) if clinician and number <= fit.event_rows else "",
            "marker": history.marker(cited),
        })

    labels = _Shortener(_CHART_LABEL)
    chart = _chart(case, exposure, phases, options, fit, charted, labels)
    chart_height = _chart_height(fit, chart)
    listed_sources = sources.listed()
    shown_sources = [(number, short(text)) for number, text in listed_sources[: fit.source_rows]]
    prepared = case.prepared_by
    patient = case.patient
    return {
        "title": TITLE,
        "size": fit.size,
        "page": options.page,
        "chart_height": chart_height,
        # on one page even a name of thousands of characters is shortened, visibly
        "patient": {"name": short(patient.name), "mrn": short(patient.mrn) if patient.mrn else None},
        "date_of_birth": case.patient.date_of_birth.display() if case.patient.date_of_birth else None,
        "prepared_by": {"name": short(prepared.name), "role": prepared.role} if prepared else None,
        "generated": PartialDate.of(today).display(),
        "table_name": TABLE_NAMES[options.table],
        "table_citation": TABLE_CITATIONS[options.table],
        "converted_drugs": [course.drug for course in courses if course.converted],
        "unconverted_drugs": [course.drug for course in courses if not course.converted],
        "medications": medication_rows,
        "more_medications": max(0, len(courses) - fit.medication_rows),
        "symptoms": symptom_rows,
        "more_symptoms": max(0, len(relations) - fit.symptom_rows),
        "exams": exam_rows,
        "more_exams": max(0, len(exams) - len(exam_rows)),
        "fnd": fnd,
        "events": event_rows,
        "more_events": max(0, len(case.events) - len(charted)),
        "sources": shown_sources,
        "more_sources": max(0, len(listed_sources) - len(shown_sources)),
        "shortened": short.used or labels.used or relation_short.used or (
            measure is not None and measure.chart_shortens(chart, options.page, chart_height)),
        "figures": {"chart": chart},
    }


def _dates(days: Sequence[PartialDate]) -> str:
    """"17 Sep 2024 and 8 Apr 2025"."""
    shown = [day.display() for day in days]
    return ", ".join(shown[:-1]) + (" and " if len(shown) > 1 else "") + shown[-1] if shown else ""


def _by_dates(records: Sequence[findings.SignRecord], result: str, short: _Shortener) -> list[dict[str, Any]]:
    """Signs with this result, grouped by the exams that found it: each group's signs and dates."""
    groups: dict[str, list[str]] = {}
    for record in records:
        groups.setdefault(_dates(record.dates(result)), []).append(short(record.sign))
    return [{"dates": dates, "signs": signs} for dates, signs in groups.items()]


def _key_events(events: Sequence[Event], limit: int) -> list[Event]:
    """The events most worth showing, by kind, then in date order (earliest day first)."""
    chosen = sorted(events, key=lambda event: (_EVENT_PRIORITY.get(event.kind, 9), event.date.sort_key()))[:limit]
    return sorted(chosen, key=lambda event: event.date.earliest)


# -- the chart -----------------------------------------------------------------------------------

#: The chart grows with its rows (inches): every symptom bar keeps a readable label.
_SYMPTOM_ROW = 0.145
_OTHER_ROW = 0.26
_MAXIMUM_CHART = 4.6


def _chart_height(fit: Fit, chart: TimelineChart) -> float:
    needed = 2.1 + _OTHER_ROW * min(len(chart.others), 4) + _SYMPTOM_ROW * len(chart.symptoms)
    return round(min(_MAXIMUM_CHART, max(fit.chart_height, needed)), 2)



def _chart(case: Case, exposure: Exposure, phases: Sequence[TaperPhase], options: Options, fit: Fit,
           shown: Sequence[Event], labels: _Shortener) -> TimelineChart:
    today = options.today
    courses = exposure.courses
    dated: list[PartialDate] = [dose.date for course in courses for dose in course.steps]
    dated += [symptom.onset for symptom in case.symptoms]
    dated += [symptom.resolved for symptom in case.symptoms if symptom.resolved is not None]
    dated += [event.date for event in case.events]
    start = min(item.earliest for item in dated)
    end = max([today] + [item.latest for item in dated])
    # Leave a small margin before the first entry, so the first step is visible.
    start = date(start.year, 1, 1) if (end - start).days > 3 * 365 else start

    doses = []
    others = []
    for index, course in enumerate(courses):
        until = course.stop.earliest if course.stop else end
        if course.converted:
            points = tuple((step.date.earliest, round(course.diazepam_mg(step.mg_per_day) or 0.0, 3)) for step in course.steps)
            doses.append(DoseSeries(course.drug, points, until, _labels(course, index, phases)))
        else:
            points = tuple((step.date.earliest, step.mg_per_day) for step in course.steps)
            peak = max(step.mg_per_day for step in course.steps)
            others.append(OtherSeries(course.drug, points, until, peak))

    symptoms = sorted(case.symptoms, key=lambda symptom: symptom.onset.sort_key())
    bars = [_bar(symptom, labels) for symptom in symptoms]
    if len(bars) > fit.chart_symptoms:
        bars = _grouped_bars(symptoms)

    markers = tuple(EventMarker(event.date.earliest, event.kind, labels(event.title)) for event in shown)
    return TimelineChart(
        start=start,
        end=end,
        dose_axis_label=f"diazepam-equivalent mg/day ({TABLE_NAMES[options.table]})",
        doses=tuple(doses),
        others=tuple(others),
        symptoms=tuple(bars),
        events=markers,
        hidden_events=len(case.events) - len(markers),
    )


def _labels(course: history.MedicationCourse, index: int, phases: Sequence[TaperPhase]) -> tuple[tuple[date, str], ...]:
    """The drug's own mg at its steps: all of them when few; else the larger changes, and of a
    taper phase of many small steps only where it begins and ends (docgen.facts.phases)."""
    steps = course.steps
    peak = max(step.mg_per_day for step in steps) or 1.0
    inside = {change.date for phase in phases if phase.medication == index and phase.small_steps
              for change in phase.changes[1:-1]}
    chosen = []
    previous: float | None = None
    for number, step in enumerate(steps):
        big = previous is None or abs(step.mg_per_day - previous) >= 0.15 * peak
        few = len(steps) <= 12
        if few or number == len(steps) - 1 or step.mg_per_day == peak or (big and step.date not in inside):
            chosen.append((step.date.earliest, f"{format_mg_figure(step.mg_per_day)} mg"))
            previous = step.mg_per_day
    return tuple(chosen)


def _bar(symptom: Symptom, labels: _Shortener) -> SymptomBar:
    severities = tuple(
        (point.date.earliest, point.severity)
        for point in sorted(symptom.course, key=lambda point: point.date.sort_key())
    )
    return SymptomBar(
        label=labels(symptom.name),
        start=symptom.onset.earliest,
        end=symptom.resolved.latest if symptom.resolved else None,
        severities=severities,
        approximate=not symptom.onset.is_exact,
    )


def _grouped_bars(symptoms: Sequence[Symptom]) -> list[SymptomBar]:
    """One bar per category: from its first onset to its last resolution (ongoing if any is)."""
    groups: dict[str, list[Symptom]] = {}
    for symptom in symptoms:
        groups.setdefault(symptom.category, []).append(symptom)
    bars = []
    for category, members in groups.items():
        ongoing = any(member.resolved is None for member in members)
        end = None if ongoing else max(member.resolved.latest for member in members if member.resolved)
        count = len(members)
        bars.append(SymptomBar(
            label=f"{category} ({count})",
            start=min(member.onset.earliest for member in members),
            end=end,
            approximate=any(not member.onset.is_exact for member in members),
        ))
    return bars


#: The longest label the chart is given (it may cut one further to fit its place).
_CHART_LABEL = 40
#: The shortest limit a relation of an onset to a dose change is cut at.
_RELATION_LIMIT = 200
