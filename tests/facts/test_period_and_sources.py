"""The evidence period and the quiet stretch a chart compresses (every reduction, stop, switch
and onset stays outside the compressed part), and the one numbering of a case's sources."""

from __future__ import annotations

from datetime import date, timedelta

from cases import case_of, medication, symptom
from hypothesis import given, settings
from hypothesis import strategies as st

from docgen.case.loading import validate_case
from docgen.case.model import Case
from docgen.facts.equivalence import EquivalenceTable
from docgen.facts.exposure import exposure_of
from docgen.facts.period import EVIDENCE_KINDS, evidence_period, quiet_stretch
from docgen.facts.sources import numbered_sources, sources_of

ASHTON = EquivalenceTable.ASHTON
_DAYS = st.dates(min_value=date(2005, 1, 1), max_value=date(2026, 10, 31))


@st.composite
def _partial(draw: st.DrawFn) -> str:
    day = draw(_DAYS)
    return draw(st.sampled_from([day.isoformat(), day.isoformat()[:7], day.isoformat()[:4]]))


@st.composite
def _cases(draw: st.DrawFn) -> Case:
    drugs = draw(st.lists(st.sampled_from(["clonazepam", "diazepam", "temazepam", "gabapentin"]), min_size=1, max_size=3))
    meds = [medication(drug, [(draw(_partial()), draw(st.sampled_from([0, 0.5, 1, 2, 10, 30])))
                              for _ in range(draw(st.integers(1, 8)))]) for drug in drugs]
    symptoms = [symptom(draw(_partial())) for _ in range(draw(st.integers(0, 4)))]
    return case_of(*meds, symptoms=symptoms)


END = date(2026, 11, 22)


def _chart_start(case: Case) -> date:
    days = [dose.date.earliest for medication in case.medications for dose in medication.doses]
    days += [item.onset.earliest for item in case.symptoms]
    return min(days)


@settings(max_examples=300, deadline=None)
@given(case=_cases())
def test_the_evidence_period_holds_every_reduction_and_onset(case: Case) -> None:
    exposure = exposure_of(case, ASHTON)
    period = evidence_period(case, exposure, END)
    evidence = [change.date.earliest for change in exposure.changes if change.kind in EVIDENCE_KINDS]
    evidence += [item.onset.earliest for item in case.symptoms]
    if not evidence:
        assert period is None
        return
    assert period is not None
    assert period.start < period.first <= END == period.end
    for day in evidence:
        assert period.start <= day <= END


@settings(max_examples=300, deadline=None)
@given(case=_cases())
def test_no_reduction_nor_onset_is_compressed(case: Case) -> None:
    exposure = exposure_of(case, ASHTON)
    start = _chart_start(case)
    quiet = quiet_stretch(case, exposure, start, END)
    if quiet is None:
        return
    first, last = quiet
    assert start <= first < last <= END
    for change in exposure.changes:
        if change.kind in EVIDENCE_KINDS:
            assert not first < change.date.earliest < last and not first < change.date.latest < last
    for item in case.symptoms:
        assert not first < item.onset.earliest < last


def _sourced() -> Case:
    return validate_case({
        "version": 1, "patient": {"name": "A & <B>"},
        "medications": [{"drug": "clonazepam", "doses": [
            {"date": "2020-03", "mg_per_day": 1, "source": "pharmacy"},
            {"date": "2019-01", "mg_per_day": 2, "source": "  note 1  "}]}],
        "symptoms": [{"name": "tremor", "onset": "2021-05", "source": "diary"},
                     {"name": "insomnia", "onset": "2020-01", "source": "pharmacy"}],
        "events": [{"date": "2022-01-02", "kind": "visit", "title": "v", "source": "note 2"},
                   {"date": "2021-01-02", "kind": "test", "title": "t", "source": "diary"}],
    })


def test_sources_are_numbered_in_first_citation_order_through_the_timeline() -> None:
    # doses in date order, then symptoms in onset order, then events in date order; repeats keep their number
    assert numbered_sources(_sourced()) == [(1, "note 1"), (2, "pharmacy"), (3, "diary"), (4, "note 2")]


def test_the_numbering_is_the_same_whoever_cites_first() -> None:
    case = _sourced()
    sources = sources_of(case)
    assert sources.cite("note 2", "diary") == [4, 3]
    assert sources.listed() == numbered_sources(case)


@settings(max_examples=100, deadline=None)
@given(texts=st.lists(st.sampled_from(["a", "b", " c ", "d", None]), max_size=12))
def test_numbers_run_from_one_without_gaps(texts: list[str | None]) -> None:
    start = date(2020, 1, 1)
    case = validate_case({"version": 1, "patient": {"name": "P"}, "medications": [{"drug": "clonazepam", "doses": [
        {"date": (start + timedelta(days=index)).isoformat(), "mg_per_day": 1, **({"source": text} if text else {})}
        for index, text in enumerate(texts)] or [{"date": "2020-01-01", "mg_per_day": 1}]}]})
    listed = numbered_sources(case)
    assert [number for number, _ in listed] == list(range(1, len(listed) + 1))
    assert len({text for _, text in listed}) == len(listed)


def test_a_request_and_its_enclosed_timeline_give_each_source_one_number() -> None:
    """The letter lists only what it cites, but by the case's numbers, as the timeline does."""
    from conftest import ROOT

    from docgen.case.loading import load_case
    from docgen.documents import amendment
    from docgen.documents.timeline import context as timeline_context
    from docgen.options import Options

    options = Options(today=date(2026, 11, 22))
    checked = 0
    for path in sorted((ROOT / "samples").glob("*.yaml")):
        case = load_case(path)
        if amendment.missing(case) is not None:
            continue
        case_numbers = dict(numbered_sources(case))
        letter = amendment.build_context(case, options)["sources"]
        assert letter and all(case_numbers[number] == text for number, text in letter), path.name
        timeline = timeline_context.build_context(case, options)["sources"]
        letter_numbers = {text: number for number, text in letter}
        entries = [(entry["number"], entry["full"]) for group in timeline for entry in group["entries"]]
        shared = [(number, text) for number, text in entries if text in letter_numbers]
        assert shared and all(letter_numbers[text] == number for number, text in shared), path.name
        checked += 1
    assert checked >= 2
