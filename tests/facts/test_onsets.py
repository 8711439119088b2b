"""What each onset is related to: one table of hand-checked cases per rule, and the properties
that hold for any case (the related change never after the onset, never a rescue increase)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from cases import case_of, daily_taper, medication, symptom
from hypothesis import given, settings
from hypothesis import strategies as st

from docgen.case.model import Case
from docgen.facts.equivalence import EquivalenceTable
from docgen.facts.exposure import exposure_of
from docgen.facts.links import links
from docgen.facts.onsets import OnsetRelation, first_reading, raises, relations
from docgen.facts.phases import taper_phases

ASHTON = EquivalenceTable.ASHTON

CLONAZEPAM = medication("clonazepam", [("2014-03", 1.0), ("2019-06", 4.0), ("2023-01-10", 3.0), ("2023-03-07", 2.5)])


def related(case: Case, table: EquivalenceTable = ASHTON) -> list[OnsetRelation]:
    exposure = exposure_of(case, table)
    return relations(case, exposure, taper_phases(exposure))


def text(*medications: dict[str, Any], onset: str, **fields: Any) -> str:
    (relation,) = related(case_of(*medications, symptoms=[symptom(onset, **fields)]))
    return relation.text


# -- an onset known to the day: the most recent change before it, with the interval ---------------

@pytest.mark.parametrize(
    ("onset", "expected"),
    [
        ("2023-03-19", "12 days after clonazepam 3 → 2.5 mg/day (−17%)"),
        ("2023-03-07", "on the same day as clonazepam 3 → 2.5 mg/day (−17%)"),
        ("2023-01-22", "12 days after clonazepam 4 → 3 mg/day (−25%)"),
        ("2023-04-30", "54 days after clonazepam 3 → 2.5 mg/day (−17%)"),
        ("2024-01-01", "about 10 months after clonazepam 3 → 2.5 mg/day (−17%)"),
        # the change known only to the month: the interval at the coarser precision, never invented
        ("2019-06-20", "in the same month as clonazepam 1 → 4 mg/day (+300%)"),
        ("2014-03-15", "in the same month as clonazepam started at 1 mg/day"),
    ],
)
def test_a_full_date_onset(onset: str, expected: str) -> None:
    assert text(CLONAZEPAM, onset=onset) == expected


# -- an onset known to the month or year: every change in the period, reductions first ------------

@pytest.mark.parametrize(
    ("doses", "onset", "expected"),
    [
        # two cuts in the onset's month: both, with their days (the onset's own is not known)
        ([("2018-11-14", 2), ("2024-03-04", 1.5), ("2024-03-18", 1)], "2024-03",
         "in the same month as clonazepam 2 → 1.5 mg/day on 4 Mar (−25%) and 1.5 → 1 mg/day on 18 Mar (−33%)"),
        # a cut and an increase in the month: the cut first
        ([("2018-11-14", 2), ("2024-03-04", 2.5), ("2024-03-18", 1)], "2024-03",
         "in the same month as clonazepam 2.5 → 1 mg/day on 18 Mar (−60%) and 2 → 2.5 mg/day on 4 Mar (+25%)"),
        # the only change in the month is a reinstatement: the cut before it is named, first
        ([("2018-11-14", 2), ("2024-04-01", 0.5), ("2024-05-13", 1)], "2024-05",
         "about 1 month after clonazepam 2 → 0.5 mg/day on 1 Apr 2024 (−75%); in the same month as clonazepam "
         "reinstated, 0.5 → 1 mg/day on 13 May"),
        # no change in the period: the most recent before it
        ([("2014-03", 1), ("2019-06", 4), ("2023-01-10", 3), ("2023-03-07", 2.5)], "2023-05",
         "about 2 months after clonazepam 3 → 2.5 mg/day on 7 Mar 2023 (−17%)"),
        ([("2014-03", 1), ("2019-06", 4), ("2023-01-10", 3), ("2023-03-07", 2.5)], "2016",
         "about 2 years after clonazepam started at 1 mg/day in Mar 2014"),
        # a year: the changes of the year
        ([("2014-03", 1), ("2019-06", 4), ("2023-01-10", 3), ("2023-03-07", 2.5)], "2023",
         "in the same year as clonazepam 4 → 3 mg/day on 10 Jan (−25%) and 3 → 2.5 mg/day on 7 Mar (−17%)"),
    ],
)
def test_an_onset_known_to_the_month_or_year(doses: list[tuple[str, float]], onset: str, expected: str) -> None:
    assert text(medication("clonazepam", doses), onset=onset) == expected


def test_several_changes_in_the_onset_month_are_ambiguous() -> None:
    case = case_of(medication("clonazepam", [("2018-11-14", 2), ("2024-03-04", 1.5), ("2024-03-18", 1)]),
                   symptoms=[symptom("2024-03"), symptom("2024-03-20")])
    month, day = related(case)
    assert month.ambiguous == ("2 benzodiazepine changes fall in the onset's period (clonazepam on 4 Mar 2024, "
                               "clonazepam on 18 Mar 2024); which of them came before the onset is not recorded, "
                               "and a full onset date would settle it",)
    assert day.ambiguous == ()


# -- a switch: the total load, not "stopped" -----------------------------------------------------

ALPRAZOLAM = medication("alprazolam", [("2019-09-10", 4), ("2025-03-03", 3), ("2025-03-10", 2), ("2025-03-17", 1),
                                       ("2025-03-24", 0)])
DIAZEPAM = medication("diazepam", [("2025-03-03", 10), ("2025-03-10", 20), ("2025-03-17", 30), ("2025-03-24", 40)])


@pytest.mark.parametrize(
    ("onset", "table", "expected"),
    [
        ("2025-03-28", ASHTON, "4 days after the switch from alprazolam 4 mg/day to diazepam 40 mg/day (3 to 24 Mar 2025; "
                               "total 80 → 40 mg/day diazepam-eq., −50%)"),
        ("2025-03-28", EquivalenceTable.VA_DOD, "4 days after the switch from alprazolam 4 mg/day to diazepam 40 mg/day (3 to "
                                                "24 Mar 2025; total unchanged at 40 mg/day diazepam-eq.)"),
        # during the crossover
        ("2025-03-12", ASHTON, "during the switch from alprazolam 4 mg/day to diazepam 40 mg/day (3 to 24 Mar 2025; total "
                               "80 → 40 mg/day diazepam-eq., −50%)"),
    ],
)
def test_a_switch(onset: str, table: EquivalenceTable, expected: str) -> None:
    (relation,) = related(case_of(ALPRAZOLAM, DIAZEPAM, symptoms=[symptom(onset, name="insomnia")]), table)
    assert relation.text == expected


# -- a drug whose indication names the symptom: its start or increase never preceded it -----------

@pytest.mark.parametrize(
    ("medications", "onset", "name", "expected"),
    [
        # zolpidem was started for insomnia: the lorazepam before it is the change named
        ([medication("lorazepam", [("2014", 1)]), medication("zolpidem", [("2015-08", 10)], indication="insomnia")],
         "2015", "insomnia", "about 1 year after lorazepam started at 1 mg/day; zolpidem was prescribed for it"),
        # the only benzodiazepine was prescribed for it: none is given
        ([medication("temazepam", [("2012", 15), ("2023-11-06", 22.5)], indication="insomnia")], "2023-11-08", "insomnia",
         "none given: temazepam was prescribed for it"),
        # matched on the symptom's name before a comma, in whole words: its start is set aside ...
        ([medication("clonazepam", [("2024-03-04", 0.5)], indication="tremor")], "2024-03-10",
         "tremor, both hands", "none given: clonazepam was prescribed for it"),
        # ... but a reduction of the drug prescribed for it is what preceded the symptom, said so
        ([medication("clonazepam", [("2020", 1), ("2024-03-04", 0.5)], indication="tremor")], "2024-03-10",
         "tremor, both hands", "6 days after clonazepam 1 → 0.5 mg/day (−50%); clonazepam was prescribed for it"),
        # not matched: another symptom, or a word inside another
        ([medication("clonazepam", [("2020", 1), ("2024-03-04", 0.5)], indication="panic disorder")], "2024-03-10",
         "tremor, both hands", "6 days after clonazepam 1 → 0.5 mg/day (−50%)"),
        ([medication("alprazolam", [("2016-05", 1), ("2017-02", 2)], indication="generalized anxiety disorder")], "2018",
         "anxiety between doses", "about 1 year after alprazolam 1 → 2 mg/day in Feb 2017 (+100%)"),
    ],
)
def test_the_indication(medications: list[dict[str, Any]], onset: str, name: str, expected: str) -> None:
    assert text(*medications, onset=onset, name=name) == expected


# -- an increase after the first severity reading (a rescue) is never what preceded it ------------

@pytest.mark.parametrize(
    ("course", "expected"),
    [
        # first reading 20 Apr; the increase of 13 May came after it: the cut before is named
        ([{"date": "2024-04-20", "severity": 8}], "in the same year as clonazepam 2 → 0.5 mg/day on 1 Apr (−75%)"),
        # no reading: the increase of the same year is named too (after the cut)
        ([], "in the same year as clonazepam 2 → 0.5 mg/day on 1 Apr (−75%) and reinstated, 0.5 → 1 mg/day on 13 May"),
    ],
)
def test_a_rescue_increase(course: list[dict[str, Any]], expected: str) -> None:
    doses = [("2018-11-14", 2), ("2024-04-01", 0.5), ("2024-05-13", 1)]
    assert text(medication("clonazepam", doses), onset="2024", course=course) == expected


# -- a taper of many small steps is told as its phase -------------------------------------------

MICRO = medication("clonazepam", [("2024-01-01", 2.0)] + daily_taper(date(2025, 3, 1), 100, 2.0, 1.0))


@pytest.mark.parametrize(
    ("onset", "expected"),
    [
        # on a day of the taper: how far it had gone, never the day's 0.01 mg step
        ("2025-04-10", "during the clonazepam taper from 2 to 1 mg/day, after a 24% reduction over 6 weeks"),
        ("2025-06-20", "12 days after the end of the clonazepam taper from 2 to 1 mg/day (2 Mar to 8 Jun 2025, −50%)"),
        # a month of it: its steps counted, with where they went
        ("2025-05", "in the same month as 31 steps of the clonazepam taper from 2 to 1 mg/day (1.314 → ≈ 1.06 mg/day, −20%)"),
        # a year holding the whole taper
        ("2025", "in the same year as the clonazepam taper from 2 to 1 mg/day (2 Mar to 8 Jun 2025, −50%)"),
    ],
)
def test_a_micro_taper(onset: str, expected: str) -> None:
    assert text(MICRO, onset=onset) == expected


# -- a non-benzodiazepine is mentioned beside, never instead -------------------------------------

@pytest.mark.parametrize(
    ("others", "onset", "expected"),
    [
        ([medication("gabapentin", [("2023-03-18", 300)])], "2023-03-19",
         "12 days after clonazepam 3 → 2.5 mg/day (−17%); also 1 day after gabapentin started at 300 mg/day"),
        # more than four weeks before the onset: not mentioned
        ([medication("gabapentin", [("2023-01-01", 300)])], "2023-03-19", "12 days after clonazepam 3 → 2.5 mg/day (−17%)"),
        # prescribed for the symptom: not mentioned either
        ([medication("baclofen", [("2023-03-18", 15)], indication="tremor")], "2023-03-19",
         "12 days after clonazepam 3 → 2.5 mg/day (−17%)"),
    ],
)
def test_a_non_benzodiazepine_beside(others: list[dict[str, Any]], onset: str, expected: str) -> None:
    assert text(CLONAZEPAM, *others, onset=onset) == expected


# -- no change before it -------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("medications", "onset", "expected"),
    [
        ([CLONAZEPAM], "2013-12-01", "before any recorded benzodiazepine change"),
        ([CLONAZEPAM], "2013", "before any recorded benzodiazepine change"),
        ([medication("gabapentin", [("2020-01-01", 300)])], "2021-01-01",
         "no benzodiazepine recorded"),
    ],
)
def test_no_change_before_it(medications: list[dict[str, Any]], onset: str, expected: str) -> None:
    assert text(*medications, onset=onset) == expected


# -- the amendment's links ----------------------------------------------------------------------

def test_the_symptoms_after_one_run_of_reductions_are_one_link() -> None:
    doses = [("2018-11-14", 2), ("2024-03-04", 1.5), ("2024-03-18", 1), ("2024-04-01", 0.5), ("2024-05-13", 1)]
    case = case_of(medication("clonazepam", doses), symptoms=[
        symptom("2024-03-09", "insomnia"), symptom("2024-05", "muscle pain"), symptom("2026-01-01", "late"),
        symptom("2019-01-01", "early")])
    exposure = exposure_of(case, ASHTON)
    phases = taper_phases(exposure)
    (link,) = links(relations(case, exposure, phases), exposure, phases)
    assert (link.relation, link.what) == ("during or after", "reductions of clonazepam from 2 to 0.5 mg/day between "
                                                             "4 Mar and 1 Apr 2024")
    assert [found.name for found in link.symptoms] == ["insomnia", "muscle pain"]


# -- for any case --------------------------------------------------------------------------------

_DAYS = st.dates(min_value=date(2019, 1, 1), max_value=date(2024, 12, 31))


@st.composite
def _partial(draw: st.DrawFn) -> str:
    day = draw(_DAYS)
    return draw(st.sampled_from([day.isoformat(), day.isoformat()[:7], day.isoformat()[:4]]))


@st.composite
def _cases(draw: st.DrawFn) -> Case:
    drugs = draw(st.lists(st.sampled_from(["clonazepam", "diazepam", "alprazolam", "etizolam", "gabapentin"]),
                          min_size=1, max_size=3))
    meds = [medication(drug, [(draw(_partial()), draw(st.sampled_from([0, 0.25, 0.5, 1, 1.5, 2, 10, 20])))
                              for _ in range(draw(st.integers(1, 8)))],
                       **({"indication": "tremor"} if draw(st.booleans()) and draw(st.booleans()) else {}))
            for drug in drugs]
    symptoms = [symptom(draw(_partial()), draw(st.sampled_from(["tremor", "insomnia"])),
                        course=[{"date": draw(_partial()), "severity": draw(st.integers(0, 10))}
                                for _ in range(draw(st.integers(0, 3)))])
                for _ in range(draw(st.integers(1, 4)))]
    return case_of(*meds, symptoms=symptoms)


@settings(max_examples=300, deadline=None)
@given(case=_cases(), table=st.sampled_from(list(EquivalenceTable)))
def test_the_related_change_is_never_after_the_onset_nor_a_rescue(case: Case, table: EquivalenceTable) -> None:
    exposure = exposure_of(case, table)
    for relation in relations(case, exposure, taper_phases(exposure)):
        onset = relation.symptom.onset
        reading = first_reading(relation.symptom.course)
        assert relation.text
        for item in relation.related:
            for change in item.changes:
                assert change.benzodiazepine
                assert change.date.earliest <= onset.latest, "a change after the onset"
                if reading is not None and raises(change, exposure):
                    assert change.date.earliest <= reading.latest, "an increase after the first reading"
        for change in relation.beside:
            assert not change.benzodiazepine and change.date.earliest <= onset.latest
