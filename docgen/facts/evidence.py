"""The facts an amendment request (and its follow-ups) rests on, ready for its templates.

Each benzodiazepine's course as runs of reductions or increases; when each symptom began and
what came before it (``docgen.facts.onsets``: the table's timing and the addendum's links are
its sentences, never the template's); the tests recorded; and every FND exam's findings, per
exam (``docgen.facts.findings``). Sources are numbered as they are first cited. Nothing is
inferred beyond the case: partial dates keep their precision and only what is recorded is said.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from docgen.case.model import Case
from docgen.facts import findings, history, links, onsets
from docgen.facts.changes import Change
from docgen.facts.equivalence import EquivalenceTable
from docgen.facts.exposure import Exposure, exposure_of
from docgen.facts.phases import taper_phases

#: How many rows the request lists before pointing to the case file (the timeline lists more).
SYMPTOM_ROWS = 12
#: The symptoms a letter condensed to its pages lists (the enclosed timeline charts the rest).
SYMPTOMS_BRIEF = 5
TEST_ROWS = 8
LINKED_NAMES = 8

#: The order the results of an exam are listed in: what was found first.
_RESULT_ORDER = ("positive", "negative", "inconclusive", "not_tested")


def facts(case: Case, table: EquivalenceTable, sources: history.Sources,
          author_ids: Sequence[str | None] = ()) -> dict[str, Any]:
    """The reason's facts, ready for a template: medications, timing, tests, signs, sources.

    ``sources`` numbers citations across the whole document; ``author_ids`` are the clinicians
    whose own exams need no examiner named in the proposed text.
    """
    exposure = exposure_of(case, table)
    phases = taper_phases(exposure)
    medications = [_course_facts(exposure, index, sources) for index, course in enumerate(exposure.courses)
                   if exposure.benzodiazepine(index)]

    relations = onsets.relations(case, exposure, phases)
    found_links = links.links(relations, exposure, phases)
    symptom_rows = [
        {
            "name": relation.symptom.name,
            "onset": relation.symptom.onset.display(),
            "timing": relation.text,
            "marker": history.marker(sources.cite(relation.symptom.source)),
        }
        for relation in _relations_to_list(relations, found_links)
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
    proposed = []
    for exam in findings.exams(case):
        marker = history.marker(sources.cite(exam.source))
        results = [result for result in _RESULT_ORDER if exam.with_result(result)]
        exams.append({
            "date": exam.date.display(),
            "examiner": exam.examiner,
            "marker": marker,
            "groups": [{"result": findings.result_text(result),
                        "signs": [{"sign": findings.running_name(finding), "note": finding.note}
                                  for finding in exam.with_result(result)]}
                       for result in results],
        })
        proposed.append({
            "date": exam.date.display(),
            "examiner": exam.examiner if exam.examiner_id not in author_ids else None,
            # the addendum names every finding, the present and inconclusive ones included; a
            # sign found present keeps its note
            "groups": [{"result": findings.result_text(result),
                        "signs": [_proposed_sign(finding, result) for finding in exam.with_result(result)]}
                       for result in results if result != "not_tested"],
        })

    linked = [
        {
            "what": link.what,
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
        "symptoms_brief": SYMPTOMS_BRIEF,
        "more_symptoms": max(0, len(relations) - SYMPTOM_ROWS),
        "tests": test_rows,
        "more_tests": max(0, len(tests) - TEST_ROWS),
        "exams": exams,
        "proposed_exams": proposed,
        "links": linked,
        "sources": sources.listed(),
    }


def _proposed_sign(finding: findings.ExamFinding, result: str) -> str:
    name = findings.running_name(finding)
    return f"{name} ({finding.note})" if finding.note and result == "positive" else name


def _relations_to_list(relations: Sequence[onsets.OnsetRelation],
                       found: Sequence[links.Link]) -> list[onsets.OnsetRelation]:
    """At most ``SYMPTOM_ROWS``, in onset order: those linked to a reduction first."""
    if len(relations) <= SYMPTOM_ROWS:
        return list(relations)
    linked = {id(symptom) for link in found for symptom in link.symptoms}
    chosen = [relation for relation in relations if id(relation.symptom) in linked][:SYMPTOM_ROWS]
    chosen += [relation for relation in relations if id(relation.symptom) not in linked][: SYMPTOM_ROWS - len(chosen)]
    kept = {id(relation) for relation in chosen}
    return [relation for relation in relations if id(relation) in kept]


# -- a medication's course ----------------------------------------------------------------------


def _runs(changes: Sequence[Change]) -> list[list[Change]]:
    """The changes after the first dose, in runs of the same direction (down, or up)."""
    runs: list[list[Change]] = []
    for change in changes:
        if runs and runs[-1][-1].lowers == change.lowers:
            runs[-1].append(change)
        else:
            runs.append([change])
    return runs


def _course_facts(exposure: Exposure, index: int, sources: history.Sources) -> dict[str, Any]:
    course = exposure.courses[index]
    first = course.steps[0]
    peak = course.peak
    changes = exposure.medication_changes(index)
    if changes and changes[0].date == first.date and changes[0].before_mg == 0:
        changes = changes[1:]  # the first dose is the start, said as "started ... at"
    runs = _runs(changes)
    # The rise from the first dose to the highest is said as "highest dose ... from ...".
    rise = bool(runs) and peak is not None and runs[0][0].raises and runs[0][-1].date == peak.date
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
        "phases": [dict(_run_facts(run), marker=history.marker(sources.cite(*(change.source for change in run))))
                   for run in shown],
        "stop": course.stop.display() if course.stop else None,
        "current_mg": course.current_mg,
    }


def _run_facts(run: Sequence[Change]) -> dict[str, Any]:
    first, last = run[0], run[-1]
    exact = all(change.date.is_exact for change in run)
    kind = "reduction" if first.lowers else "increase"
    stopped = last.after_mg == 0
    measured = kind == "reduction" and len(run) >= 2 and exact and not stopped
    return {
        "kind": kind,
        "from_mg": first.before_mg,
        "to_mg": last.after_mg,
        "first": first.date.display(),
        "first_exact": first.date.is_exact,
        "last": last.date.display(),
        "last_exact": last.date.is_exact,
        "steps": len(run),
        "stopped": stopped,
        "restarted": kind == "increase" and first.before_mg == 0,
        "changes": [{"date": change.date.display(), "exact": change.date.is_exact, "mg": change.after_mg}
                    for change in run],
        #: The size of a multi-step run, where its dates are exact: "75% in 28 days".
        "percent": abs(first.before_mg - last.after_mg) / first.before_mg * 100 if measured else None,
        "days": (last.date.earliest - first.date.earliest).days if measured else None,
    }


def mentions_bind(texts: Sequence[str | None]) -> bool:
    """Whether any of these texts names BIND (so the document adds its definition)."""
    for text in texts:
        if text and ("BIND" in text or "benzodiazepine-induced neurological dysfunction" in text.lower()):
            return True
    return False
