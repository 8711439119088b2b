"""The one-page medication and symptom timeline: its context, at a given level of condensing.

A long history is condensed step by step (``LEVELS``) until the page fits: fewer table rows with
"+N more" notes, symptoms grouped by category in the chart, a shorter chart, smaller (never below
7 pt) type, and long text shortened with a visible mark. The pipeline tries each level in turn.
"""

from __future__ import annotations

import math
from bisect import bisect_right
import re
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from docgen.case.dates import PartialDate
from docgen.case.model import Case, Event, Symptom
from docgen.documents.timeline.fitting import LEVELS, Fit, Measure
from docgen.facts import findings, history, onsets
from docgen.facts.period import quiet_stretch
from docgen.facts.sources import sources_of
from docgen.facts.fnd import RESULT_TEXT
from docgen.facts.equivalence import TABLE_CITATIONS, TABLE_NAMES, EquivalenceTable
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
#: The body size of the large-print copy (its tables and notes one point smaller: 14 pt).
LARGE_PRINT_SIZE = 15.0
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


_Facts = tuple[Exposure, list[TaperPhase], list[onsets.OnsetRelation], findings.FindingSummary, dict[str, int]]
#: The facts of the last few cases, by identity (each entry keeps its case alive), so that fitting,
#: which builds the context at several levels, computes them once.
_FACTS: dict[tuple[int, EquivalenceTable], tuple[Case, _Facts]] = {}


def _case_facts(case: Case, table: EquivalenceTable) -> _Facts:
    """What the case means, whatever the level: its exposure, taper phases, onset relations, FND
    findings and the numbers of its sources."""
    key = (id(case), table)
    cached = _FACTS.get(key)
    if cached is not None and cached[0] is case:
        return cached[1]
    exposure = exposure_of(case, table)
    phases = taper_phases(exposure)
    facts = (exposure, phases, onsets.relations(case, exposure, phases), findings.summarize_findings(case),
             sources_of(case).numbers)
    if len(_FACTS) >= 4:
        _FACTS.pop(next(iter(_FACTS)))
    _FACTS[key] = (case, facts)
    return facts


def build_context(case: Case, options: Options, level: int = 0, measure: Measure | None = None) -> dict[str, Any]:
    """Everything the timeline template says, computed from the case, condensed to ``level``;
    ``measure`` tells whether the chart, drawn as the page will draw it, cuts a label short."""
    fit = LEVELS[min(level, len(LEVELS) - 1)]
    short = _Shortener(fit.text_limit)
    exposure, phases, relations, summary, numbers = _case_facts(case, options.table)
    sources = history.Sources(dict(numbers))
    cited_here: set[int] = set()

    def cite(*texts: str | None) -> list[int]:
        """The case's numbers for these sources, noted as cited on this page."""
        numbers = sources.cite(*texts)
        cited_here.update(numbers)
        return numbers

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
        cited = cite(*(dose.source for dose in course.steps))
        medication_rows.append({
            "drug": short(course.display_name),
            "marker": history.marker(cited),
            "start": course.start.display() if course.start else "not taken",
            "peak": peak_text,
            "taper_start": course.taper_start.display() if course.taper_start else "—",
            "stop": course.stop.display() if course.stop else f"ongoing, {format_mg(course.current_mg)} mg/day",
            "duration": course.duration(today),
        })

    # A relation is cut only far past the page's text limit (a drug name of hundreds of
    # characters): cut short, it would state less than docgen.facts.onsets computed.
    relation_short = _Shortener(max(3 * fit.text_limit, _RELATION_LIMIT))
    symptom_rows = []
    for relation in relations[: fit.symptom_rows]:
        symptom = relation.symptom
        cited = cite(symptom.source, *(point.source for point in symptom.course))
        symptom_rows.append({
            "name": short(symptom.name),
            "marker": history.marker(cited),
            "onset": symptom.onset.display(),
            "timing": relation_short(relation.text),
            "course": history.symptom_course_text(symptom),
        })

    exams: dict[tuple[str, str], dict[str, Any]] = {}
    for found in summary.exams:
        examiner = found.examiner or "examiner not recorded"
        key = (found.date.isoformat(), examiner)
        exam = exams.get(key)
        if exam is None:
            exam = exams[key] = {
                "examiner": short(examiner),
                "date": found.date.display(),
                "marker": history.marker(cite(found.source)),
                "findings": [],
                "negative": [], "positive": [], "inconclusive": [], "not_tested": [],
            }
        for finding in found.findings:
            if short(finding.sign) not in exam[finding.result]:
                exam[finding.result].append(short(finding.sign))
                note = short(finding.note) if finding.note and fit.exam_notes else ""
                exam["findings"].append({"sign": short(finding.sign), "result": RESULT_TEXT[finding.result],
                                         "present": finding.result == "positive", "note": note})
    exam_rows = list(exams.values())
    exam_tables = _exam_tables(exam_rows, halves=not options.large_print) if fit.exam_tables else []
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

    charted, summarised = _key_events(case.events, fit.chart_events)
    event_rows = []
    for number, event in enumerate(charted, start=1):  # numbered by date, as the chart numbers them
        cited = cite(event.source)
        clinician = case.clinician(event.clinician)
        event_rows.append({
            "number": number,
            "date": event.date.display(),
            "title": short(event.title),
            "detail": short(event.detail) if number <= fit.event_rows else "",
            "clinician": short(clinician.name) if clinician and number <= fit.event_rows else "",
            "marker": history.marker(cited),
        })
    event_summary = [
        {"kind": kind, "count": len(members), "first": members[0].date.display(),
         "last": members[-1].date.display()}
        for kind, members in summarised
    ]

    labels = _Shortener(_CHART_LABEL)
    chart = _chart(case, exposure, phases, options, fit, charted, summarised, labels)
    size = LARGE_PRINT_SIZE if options.large_print else fit.size
    chart_height = _chart_height(fit, chart, size)
    # the sources this page cites, by the numbers the whole case uses (docgen.facts.sources)
    listed_sources = [(number, text) for number, text in sources.listed() if number in cited_here]
    shown_sources = _runs_of_sources(listed_sources, short)
    prepared = case.prepared_by
    patient = case.patient
    return {
        "title": TITLE,
        "size": size,
        "leading": fit.leading,
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
        # the tables' own header rows name them where the page has no room for headings
        "headings": fit.headings,
        # large print has no room for two tables abreast
        "side_by_side": "" if options.large_print else fit.side_by_side,
        "more_symptoms": max(0, len(relations) - fit.symptom_rows),
        "symptom_groups": _symptom_groups([relation.symptom for relation in relations[fit.symptom_rows:]]),
        "exams": exam_rows,
        "exam_tables": exam_tables,
        "negatives_counted": fit.negatives_counted and not exam_tables,
        "fnd": fnd,
        "events": event_rows,
        "event_summary": event_summary,
        "large_print": options.large_print,
        "sources": shown_sources,
        "shortened": short.used or labels.used or relation_short.used or (
            measure is not None and measure.chart_shortens(chart, options.page, chart_height, size)),
        "figures": {"chart": chart},
    }


#: Exams side by side in one sign | result table; more start another table.
_EXAMS_PER_TABLE = 2


def _exam_tables(exams: Sequence[dict[str, Any]], *, halves: bool = True) -> list[dict[str, Any]]:
    """Every exam's findings as sign | result columns, a column per exam (numbered: the page
    names each exam's date and examiner above the table), a row per sign, "—" where an exam did
    not record the sign; the rows run in two halves side by side, to keep the page short."""
    tables = []
    for first in range(0, len(exams), _EXAMS_PER_TABLE):
        chunk = exams[first:first + _EXAMS_PER_TABLE]
        signs: dict[str, list[dict[str, Any] | None]] = {}
        for column, exam in enumerate(chunk):
            for finding in exam["findings"]:
                signs.setdefault(finding["sign"], [None] * len(chunk))[column] = finding
        rows = [{"sign": sign, "results": results} for sign, results in signs.items()]
        half = (len(rows) + 1) // 2 if halves else len(rows)
        left, right = rows[:half], rows[half:]
        tables.append({
            "halves": halves,
            "exams": [{"number": first + column + 1, **exam} for column, exam in enumerate(chunk)],
            "rows": [{"left": row, "right": right[index] if index < len(right) else None}
                     for index, row in enumerate(left)],
        })
    return tables


def _runs_of_sources(listed: Sequence[tuple[int, str]], short: Callable[[str], str]) -> list[dict[str, Any]]:
    """The sources as listed, a run of them that share an opening before their dates ("Visit
    summary 2015-03-02", "Visit summary 2015-04-11") naming it once: "Visit summary: [7]
    2015-03-02, [8] 2015-04-11". Only the opening is shortened to fit; what follows it (the date,
    the page) is what tells one record from another, and is printed whole."""
    groups: list[dict[str, Any]] = []
    for number, text in listed:
        opening = re.match(r"\D*", text)
        head = opening.group(0) if opening else ""
        rest = text[len(head):]
        entry = {"number": number, "text": rest, "full": text}
        if groups and head.strip() and rest and groups[-1]["head"] == head:
            groups[-1]["entries"].append(entry)
            continue
        groups.append({"head": head, "entries": [entry]})
    shown = []
    for group in groups:
        entries, head = group["entries"], group["head"].strip()
        if len(entries) > 1:
            shown.append({"opening": short(head.rstrip(",;:")), "entries": entries})
            continue
        only = entries[0]
        text = f"{short(head)} {only['text']}" if head and only["text"] else short(only["full"])
        shown.append({"opening": "", "entries": [{**only, "text": text}]})
    return shown


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


def _key_events(events: Sequence[Event], limit: int) -> tuple[list[Event], list[tuple[str, list[Event]]]]:
    """The events that get a numbered marker, in date order (earliest day first), and the rest
    by kind, each kind's in date order. All are numbered when they fit ``limit``; otherwise the
    most telling kinds first (diagnoses, hospital stays, tests), and a kind whose events do not
    all fit is summarised whole, never cut to its first few."""
    if len(events) <= limit:
        return sorted(events, key=lambda event: event.date.earliest), []
    by_kind: dict[str, list[Event]] = {}
    for event in events:
        by_kind.setdefault(event.kind, []).append(event)
    chosen: list[Event] = []
    summarised: list[tuple[str, list[Event]]] = []
    for kind in sorted(by_kind, key=lambda kind: _EVENT_PRIORITY.get(kind, 9)):
        members = sorted(by_kind[kind], key=lambda event: event.date.sort_key())
        if len(chosen) + len(members) <= limit:
            chosen += members
        else:
            summarised.append((kind, members))
    return sorted(chosen, key=lambda event: event.date.earliest), summarised


# -- the chart -----------------------------------------------------------------------------------

#: The chart grows with its rows (inches): every symptom bar keeps a readable label.
_SYMPTOM_ROW = 0.125
_OTHER_ROW = 0.26
_MAXIMUM_CHART = 4.8


def _chart_height(fit: Fit, chart: TimelineChart, size: float) -> float:
    """About 40% of the page at the fullest level; more where its rows need it; in large print
    the rows grow with the type."""
    factor = max(1.0, size / 9.0)
    base = 2.5  # the axis, the key, the event rows and a readable dose lane
    needed = (base + _OTHER_ROW * min(len(chart.others), 4) + _SYMPTOM_ROW * len(chart.symptoms)) * factor
    least = fit.chart_height * math.sqrt(factor)
    return round(min(_MAXIMUM_CHART * factor, max(least, needed)), 2)



def _chart(case: Case, exposure: Exposure, phases: Sequence[TaperPhase], options: Options, fit: Fit,
           shown: Sequence[Event], summarised: Sequence[tuple[str, Sequence[Event]]],
           labels: _Shortener) -> TimelineChart:
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
    quiet = quiet_stretch(case, exposure, start, end)

    doses = []
    others = []
    for index, course in enumerate(courses):
        until = course.stop.earliest if course.stop else end
        if course.converted:
            points = tuple((step.date.earliest, round(course.diazepam_mg(step.mg_per_day) or 0.0, 3)) for step in course.steps)
            marked = tuple(sorted({change.date.earliest for change in exposure.medication_changes(index)
                                   if change.beyond_guideline}))
            doses.append(DoseSeries(course.drug, points, until, _labels(course, index, phases),
                                    _key_labels(course), marked))
        else:
            points = tuple((step.date.earliest, step.mg_per_day) for step in course.steps)
            peak = max(step.mg_per_day for step in course.steps)
            others.append(OtherSeries(course.drug, points, until, peak))

    symptoms = sorted(case.symptoms, key=lambda symptom: symptom.onset.sort_key())
    bars = [_bar(symptom, labels) for symptom in symptoms]
    if len(bars) > (_LARGE_PRINT_SYMPTOMS if options.large_print else fit.chart_symptoms):
        bars = _grouped_bars(symptoms)

    markers = tuple(EventMarker(event.date.earliest, event.kind, labels(event.title)) for event in shown)
    return TimelineChart(
        start=start,
        end=end,
        dose_axis_label=f"diazepam-eq. mg/day ({TABLE_NAMES[options.table]}); labels: drug's own mg",
        doses=tuple(doses),
        others=tuple(others),
        symptoms=tuple(bars),
        events=markers,
        hidden_events=0,
        quiet=quiet,
        event_rows=fit.event_label_rows,
        total=_total(exposure),
        summarised=tuple((kind, tuple(event.date.earliest for event in members)) for kind, members in summarised),
    )


def _total(exposure: Exposure) -> tuple[DoseSeries, ...]:
    """The benzodiazepine total (diazepam-equivalent, ``Exposure.total_mg``) over each stretch
    where more than one converted benzodiazepine is taken at once."""
    converted = [course for course in exposure.courses if course.converted]
    if len(converted) < 2:
        return ()
    days = sorted({step.date.earliest for course in converted for step in course.steps})
    stretches: list[list[tuple[date, float]]] = []
    ends: list[date] = []
    inside = False
    for day in days:
        overlapping = sum(1 for course in converted if _dose_on(course, day) > 0) > 1
        total = exposure.total_mg(day) if overlapping else None
        if total is not None:
            if not inside:
                stretches.append([])
            if not stretches[-1] or stretches[-1][-1][1] != total:
                stretches[-1].append((day, round(total, 3)))
            inside = True
        elif inside:
            ends.append(day)
            inside = False
    if inside:
        ends.append(max(course.stop.earliest if course.stop else date.max for course in converted))
    return tuple(DoseSeries("total", tuple(points), until) for points, until in zip(stretches, ends, strict=True))


def _dose_on(course: history.MedicationCourse, day: date) -> float:
    """The dose taken on ``day`` (after that day's change), 0 before the first entry."""
    index = bisect_right([step.date.earliest for step in course.steps], day) - 1
    return course.steps[index].mg_per_day if index >= 0 else 0.0


def _key_labels(course: history.MedicationCourse) -> tuple[tuple[date, str], ...]:
    """The highest, the lowest (above 0) and the current dose, in the drug's own mg, each at the
    first step that reaches it (the current at the last step)."""
    steps = course.steps
    taken = [step for step in steps if step.mg_per_day > 0]
    chosen: dict[date, str] = {}
    if taken:
        highest = max(step.mg_per_day for step in taken)
        lowest = min(step.mg_per_day for step in taken)
        for value in (highest, lowest):
            step = next(step for step in taken if step.mg_per_day == value)
            chosen[step.date.earliest] = f"{format_mg_figure(value)} mg"
    last = steps[-1]
    chosen[last.date.earliest] = f"{format_mg_figure(last.mg_per_day)} mg"
    return tuple(sorted(chosen.items()))


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
    if len(chosen) > _MOST_LABELS:  # a long history: evenly spaced among them
        spacing = len(chosen) / _MOST_LABELS
        chosen = [chosen[int(number * spacing)] for number in range(_MOST_LABELS)]
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
    """One bar per category: from its first onset to its last resolution (ongoing if any is),
    shaded over time by the highest severity its symptoms have at each moment (``_group_course``)."""
    groups: dict[str, list[Symptom]] = {}
    for symptom in symptoms:
        groups.setdefault(symptom.category, []).append(symptom)
    bars = []
    for category, members in groups.items():
        ongoing = any(member.resolved is None for member in members)
        end = None if ongoing else max(member.resolved.latest for member in members if member.resolved)
        count = len(members)
        first = min(member.onset.earliest for member in members)
        bars.append(SymptomBar(
            label=f"{category} ({count})",
            start=first,
            end=end,
            severities=_group_course(members),
            approximate=any(not member.onset.is_exact for member in members),
        ))
    return bars


def _group_course(members: Sequence[Symptom]) -> tuple[tuple[date, int | None], ...]:
    """The course of a group of symptoms: at each change, the highest severity among the members
    that have begun, are not yet resolved and have been rated (None while none has)."""
    courses = [sorted((point.date.earliest, point.severity) for point in member.course) for member in members]
    if not any(courses):
        return ()
    days = sorted({day for course in courses for day, _ in course}
                  | {member.onset.earliest for member in members}
                  | {member.resolved.latest for member in members if member.resolved is not None})
    points: list[tuple[date, int | None]] = []
    for day in days:
        rated = []
        for member, course in zip(members, courses, strict=True):
            if member.onset.earliest > day or (member.resolved is not None and member.resolved.latest <= day):
                continue
            index = bisect_right([when for when, _ in course], day) - 1
            if index >= 0:
                rated.append(course[index][1])
        value = max(rated) if rated else None
        if not points and value is None:
            continue
        if not points or points[-1][1] != value:
            points.append((day, value))
    if all(member.resolved is not None for member in members):  # nothing to shade once the bar ends
        end = max(member.resolved.latest for member in members if member.resolved is not None)
        points = [point for point in points if point[0] < end]
    return tuple(points)


def _symptom_groups(symptoms: Sequence[Symptom]) -> list[dict[str, Any]]:
    """The symptoms by category: how many, the range of their onsets, the highest severity."""
    groups: dict[str, list[Symptom]] = {}
    for symptom in sorted(symptoms, key=lambda symptom: symptom.onset.sort_key()):
        groups.setdefault(symptom.category, []).append(symptom)
    rows = []
    for category, members in groups.items():
        rated = [point.severity for member in members for point in member.course]
        rows.append({
            "category": category,
            "count": len(members),
            "first": members[0].onset.display(),
            "last": max(members, key=lambda member: member.onset.sort_key()).onset.display(),
            "highest": max(rated) if rated else None,
        })
    return rows


#: In large print the chart draws a bar per symptom for at most this many, else one per kind.
_LARGE_PRINT_SYMPTOMS = 6
#: The most dose labels a series is given besides its current, lowest and highest dose.
_MOST_LABELS = 24
#: The longest label the chart is given (it may cut one further to fit its place).
_CHART_LABEL = 80
#: The shortest limit a relation of an onset to a dose change is cut at.
_RELATION_LIMIT = 200
