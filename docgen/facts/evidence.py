"""The facts an amendment request (and its follow-ups) rests on, computed from the case.

Each benzodiazepine's course as phases (runs of reductions or increases), the symptoms whose
onsets fall during or after a run of reductions (the temporal link), the tests recorded, and the
FND rule-in signs with their results. Sources are numbered as they are first cited. Nothing is
inferred beyond the case: partial dates keep their precision and only what is recorded is said.
The documents' templates hold the wording; this module only selects and counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from docgen.case.dates import PartialDate, add_days
from docgen.case.model import Case, Symptom
from docgen.facts import history
from docgen.facts.equivalence import EquivalenceTable, looks_like_benzodiazepine
from docgen.facts.fnd import RESULT_TEXT, is_known, lower_first, sign_name

#: A symptom beginning up to this long after a run of reductions ends counts as "after" it
#: (unless the dose changed again first). Later onsets are listed with their timing, not linked.
LINK_WINDOW = timedelta(days=182)
#: How many rows the request lists before pointing to the case file (the timeline lists more).
SYMPTOM_ROWS = 12
TEST_ROWS = 8
LINKED_NAMES = 8


@dataclass(frozen=True)
class Phase:
    """A run of consecutive reductions (stopping included) or of increases of one drug."""

    drug: str
    kind: str  # "reduction" | "increase"
    changes: tuple[history.DoseChange, ...]

    @property
    def first(self) -> PartialDate:
        return self.changes[0].date

    @property
    def last(self) -> PartialDate:
        return self.changes[-1].date

    @property
    def from_mg(self) -> float:
        return self.changes[0].before_mg or 0.0

    @property
    def to_mg(self) -> float:
        return self.changes[-1].after_mg

    @property
    def steps(self) -> int:
        return len(self.changes)

    @property
    def stopped(self) -> bool:
        return self.to_mg == 0

    @property
    def restarted(self) -> bool:
        return self.kind == "increase" and self.from_mg == 0


@dataclass(frozen=True)
class Link:
    """Symptoms whose onset falls during or after one run of reductions."""

    phase: Phase
    symptoms: tuple[Symptom, ...]
    relation: str  # "during" | "after" | "during or after" | "on or after" (a single change)


def benzodiazepine_courses(case: Case, table: EquivalenceTable) -> list[history.MedicationCourse]:
    """Courses of benzodiazepines and Z-drugs (tabulated or not), in case-file order."""
    return [course for course in history.courses(case, table) if looks_like_benzodiazepine(course.drug)]


def phases(course: history.MedicationCourse) -> list[Phase]:
    """The course after its first dose, grouped into runs of reductions and of increases."""
    runs: list[Phase] = []
    for change in course.changes()[1:]:
        before = change.before_mg or 0.0
        kind = "reduction" if change.after_mg < before else "increase"
        if runs and runs[-1].kind == kind:
            runs[-1] = Phase(course.drug, kind, runs[-1].changes + (change,))
        else:
            runs.append(Phase(course.drug, kind, (change,)))
    return runs


def links(case: Case, courses: Sequence[history.MedicationCourse]) -> list[Link]:
    """Each run of reductions with the symptoms whose onset could fall in it or shortly after.

    A symptom belongs to the latest run that began on or before its onset (as far as partial
    dates allow) and whose window (the run, then up to ``LINK_WINDOW`` or the drug's next dose
    change, whichever comes first) its onset can fall in.
    """
    windows: list[tuple[Phase, date, date]] = []
    for course in courses:
        runs = phases(course)
        for index, phase in enumerate(runs):
            if phase.kind != "reduction":
                continue
            end = add_days(phase.last.latest, LINK_WINDOW.days)
            if index + 1 < len(runs):
                end = min(end, add_days(runs[index + 1].first.earliest, -1))
            windows.append((phase, phase.first.earliest, max(end, phase.last.latest)))
    windows.sort(key=lambda window: window[1])
    grouped: dict[int, list[Symptom]] = {}
    for symptom in sorted(case.symptoms, key=lambda symptom: symptom.onset.sort_key()):
        chosen = None
        for index, (_phase, start, end) in enumerate(windows):
            if start <= symptom.onset.latest and symptom.onset.earliest <= end:
                chosen = index
        if chosen is not None:
            grouped.setdefault(chosen, []).append(symptom)
    found = []
    for index, symptoms in sorted(grouped.items()):
        phase = windows[index][0]
        found.append(Link(phase, tuple(symptoms), _relation(phase, symptoms)))
    return found


def _relation(phase: Phase, symptoms: Sequence[Symptom]) -> str:
    after = all(symptom.onset.earliest > phase.last.latest for symptom in symptoms)
    if phase.steps == 1:
        return "after" if after else "on or after"
    during = all(symptom.onset.latest <= phase.last.latest for symptom in symptoms)
    return "during" if during else "after" if after else "during or after"


# -- the context every amendment document shares ----------------------------------------------------


def facts(case: Case, table: EquivalenceTable, sources: history.Sources,
          author_ids: Sequence[str | None] = ()) -> dict[str, Any]:
    """The reason's facts, ready for a template: medications, timing, tests, signs, sources.

    ``sources`` numbers citations across the whole document; ``author_ids`` are the clinicians
    whose own exams need no examiner named in the proposed text.
    """
    courses = benzodiazepine_courses(case, table)
    medications = [_course_facts(course, sources) for course in courses]

    changes = history.all_changes(history.courses(case, table))
    symptoms = sorted(case.symptoms, key=lambda symptom: symptom.onset.sort_key())
    found_links = links(case, courses)
    shown = _symptoms_to_list(symptoms, found_links)
    symptom_rows = [
        {
            "name": symptom.name,
            "onset": symptom.onset.display(),
            "timing": history.relative_timing(symptom.onset, changes),
            "marker": history.marker(sources.cite(symptom.source)),
        }
        for symptom in shown
    ]

    tests = sorted((event for event in case.events if event.kind == "test"), key=lambda event: event.date.sort_key())
    test_rows = []
    for event in tests[:TEST_ROWS]:
        test_rows.append({
            "date": event.date.display(),
            "title": event.title,
            "detail": event.detail,
            "marker": history.marker(sources.cite(event.source)),
        })

    exams = []
    negatives = []
    for exam in sorted(case.fnd_exams, key=lambda exam: exam.date.sort_key()):
        examiner = case.clinician(exam.examiner)
        marker = history.marker(sources.cite(exam.source))
        results: dict[str, list[dict[str, Any]]] = {result: [] for result in RESULT_TEXT}
        for finding in exam.findings:
            results[finding.result].append({"sign": _sign(finding.sign), "note": finding.note})
        if results["negative"]:
            negatives.append({
                "signs": [finding["sign"] for finding in results["negative"]],
                "date": exam.date.display(),
                "examiner": examiner.name if examiner and exam.examiner not in author_ids else None,
            })
        if exam.findings:
            exams.append({
                "date": exam.date.display(),
                "examiner": examiner.name if examiner else None,
                "marker": marker,
                "groups": [{"result": RESULT_TEXT[result], "signs": signs} for result, signs in results.items() if signs],
            })

    linked = [
        {
            "drug": link.phase.drug,
            "phase": _phase_facts(link.phase),
            "relation": link.relation,
            "symptoms": [symptom.name for symptom in link.symptoms[:LINKED_NAMES]],
            "more": max(0, len(link.symptoms) - LINKED_NAMES),
            "first_onset": link.symptoms[0].onset.display(),
            "last_onset": max(link.symptoms, key=lambda symptom: symptom.onset.sort_key()).onset.display(),
        }
        for link in found_links
    ]
    return {
        "medications": medications,
        "symptoms": symptom_rows,
        "more_symptoms": max(0, len(symptoms) - SYMPTOM_ROWS),
        "tests": test_rows,
        "more_tests": max(0, len(tests) - TEST_ROWS),
        "exams": exams,
        "negatives": negatives,
        "links": linked,
        "sources": sources.listed(),
    }


def _symptoms_to_list(symptoms: Sequence[Symptom], found: Sequence[Link]) -> list[Symptom]:
    """At most ``SYMPTOM_ROWS``, in onset order: those linked to a run of reductions first."""
    if len(symptoms) <= SYMPTOM_ROWS:
        return list(symptoms)
    linked = {id(symptom) for link in found for symptom in link.symptoms}
    chosen = [symptom for symptom in symptoms if id(symptom) in linked][:SYMPTOM_ROWS]
    chosen += [symptom for symptom in symptoms if id(symptom) not in linked][: SYMPTOM_ROWS - len(chosen)]
    kept = {id(symptom) for symptom in chosen}
    return [symptom for symptom in symptoms if id(symptom) in kept]


def _sign(sign: str) -> str:
    """A catalog sign in running text ("drift without pronation"); free text as typed."""
    return lower_first(sign_name(sign)) if is_known(sign) else sign.strip()


def _course_facts(course: history.MedicationCourse, sources: history.Sources) -> dict[str, Any]:
    first = course.steps[0]
    peak = course.peak
    runs = phases(course)
    # The rise from the first dose to the highest is said as "highest dose ... from ...".
    rise = bool(runs) and peak is not None and runs[0].kind == "increase" and runs[0].last == peak.date
    shown = runs[1:] if rise else runs
    return {
        "name": course.display_name,
        "indication": course.medication.indication,
        "start": course.start.display() if course.start else None,
        "start_mg": first.mg_per_day,
        "start_marker": history.marker(sources.cite(first.source)),
        "peak_mg": peak.mg_per_day if peak else None,
        "peak_date": peak.date.display() if peak else None,
        "peak_is_start": peak is not None and peak.date == first.date,
        "peak_marker": history.marker(sources.cite(peak.source)) if peak and peak.date != first.date else "",
        "phases": [dict(_phase_facts(phase), marker=history.marker(sources.cite(*(change.source for change in phase.changes))))
                   for phase in shown],
        "stop": course.stop.display() if course.stop else None,
        "current_mg": course.current_mg,
    }


def _phase_facts(phase: Phase) -> dict[str, Any]:
    exact = all(change.date.is_exact for change in phase.changes)
    measured = phase.kind == "reduction" and phase.steps >= 2 and exact and not phase.stopped
    return {
        "kind": phase.kind,
        "from_mg": phase.from_mg,
        "to_mg": phase.to_mg,
        "first": phase.first.display(),
        "first_exact": phase.first.is_exact,
        "last": phase.last.display(),
        "last_exact": phase.last.is_exact,
        "steps": phase.steps,
        "stopped": phase.stopped,
        "restarted": phase.restarted,
        "changes": [{"date": change.date.display(), "exact": change.date.is_exact, "mg": change.after_mg}
                    for change in phase.changes],
        #: The size of a multi-step run, where its dates are exact: "75% in 28 days".
        "percent": abs(phase.from_mg - phase.to_mg) / phase.from_mg * 100 if measured else None,
        "days": (phase.last.earliest - phase.first.earliest).days if measured else None,
    }


def mentions_bind(texts: Sequence[str | None]) -> bool:
    """Whether any of these texts names BIND (so the document adds its definition)."""
    for text in texts:
        if text and ("BIND" in text or "benzodiazepine-induced neurological dysfunction" in text.lower()):
            return True
    return False
