"""What a letter can truthfully say about a projected taper (docgen.facts.taper_summary): the doses
the plan's holds actually keep, the steps beyond the guideline's bound with their cause and the
plan's own options, and the steps before a date."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from conftest import ROOT
from hypothesis import given, settings
from hypothesis import strategies as st

from docgen.case.loading import load_case, validate_case
from docgen.facts.guideline import GUIDELINE_MAX_PERCENT
from docgen.facts.taper_plan import PlannedTaper, planned_tapers
from docgen.facts.taper_summary import HeldDose, Option, beyond_bound, due_by, held_doses, split_at

THERAPIST = ROOT / "samples" / "taper-with-therapist.yaml"


def _planned(dose: float, **plan: Any) -> PlannedTaper:
    taper = {"start": "2027-01-04", "percent": 10, "every_days": 28, "smallest_step_mg": 0.125, **plan}
    case = validate_case({
        "version": 1,
        "patient": {"name": "A Patient"},
        "medications": [{"drug": "clonazepam", "doses": [{"date": "2026-06-01", "mg_per_day": dose}], "taper": taper}],
    })
    (planned,) = planned_tapers(case)
    return planned


def test_a_hold_is_at_the_dose_the_schedule_reaches_for_as_long_as_it_keeps_it() -> None:
    # 2.625 -> 2.375 (4 Jan) -> 2.125 (1 Feb) -> 1.875 (1 Mar): the first dose at or below the plan's 2 mg/day;
    # it is kept the usual 28 days plus the 56-day hold, so the next step is on 24 May 2027
    planned = _planned(2.625, holds=[{"at_mg_per_day": 2, "days": 56}])
    assert [step.mg_per_day for step in planned.schedule.steps[:4]] == [2.375, 2.125, 1.875, 1.75]
    assert held_doses(planned) == [HeldDose(mg_per_day=1.875, start=date(2027, 3, 1), until=date(2027, 5, 24), days=84,
                                            plan_days=56, extra_days=0, planned_at=(2,))]


def test_a_hold_the_schedule_never_reaches_and_one_above_the_dose_are_not_described() -> None:
    planned = _planned(1.0, holds=[{"at_mg_per_day": 2, "days": 28}, {"at_mg_per_day": 0.01, "days": 28}],
                       stop_below_mg=0.5)
    assert held_doses(planned) == []


def test_the_samples_holds() -> None:
    (planned,) = planned_tapers(load_case(THERAPIST))
    assert held_doses(planned) == [HeldDose(6.0, date(2027, 5, 3), date(2027, 6, 28), 56, 28, 0, (6,))]


def test_the_samples_steps_beyond_the_bound_with_the_liquid_as_the_plans_option() -> None:
    (planned,) = planned_tapers(load_case(THERAPIST))
    tablet, liquid = beyond_bound(planned)
    assert (tablet.steps, tablet.last, tablet.before_mg, tablet.after_mg, tablet.cause, tablet.form, tablet.unit_mg) == (
        (11,), date(2028, 4, 3), 3.0, 2.0, "unit", "tablet", 1.0)
    # the 1 mg/mL liquid measures 0.1 mL = 0.1 mg: 10% of 3 mg/day is 2.7 mg/day
    assert tablet.options == (Option("liquid", 1.0, 0.1, 2.7, 10.0),)
    assert (liquid.steps, liquid.before_mg, liquid.after_mg, liquid.form, liquid.unit_mg, liquid.unit_ml) == (
        (26,), 0.3, 0.2, "liquid", 0.1, 0.1)
    assert liquid.options == ()


def test_steps_beyond_the_bound_dated_on_or_before_a_day_are_not_to_come() -> None:
    (planned,) = planned_tapers(load_case(THERAPIST))
    found = beyond_bound(planned)  # step 11 on 3 Apr 2028, step 26 on 10 Dec 2029
    assert due_by(planned, found, date(2028, 4, 2)) == ((), (11, 26))
    assert due_by(planned, found, date(2028, 4, 3)) == ((11,), (26,))
    assert due_by(planned, found, date(2029, 12, 10)) == ((11, 26), ())


def test_a_window_of_steps_the_day_falls_inside_is_split_step_by_step() -> None:
    planned = _planned(8.0, percent=20, every_days=7, smallest_step_mg=0.5)
    window = next(item for item in beyond_bound(planned) if not item.single_step)
    first, *rest = window.steps
    assert due_by(planned, [window], window.first) == ((first,), tuple(rest))


def test_a_smaller_tablet_strength_of_the_plan_is_an_option() -> None:
    planned = _planned(3.0, smallest_step_mg=1, tablets_mg=[2, 0.5])
    found = beyond_bound(planned)
    assert found and all(item.cause == "unit" for item in found)
    first = found[0]
    assert (first.before_mg, first.after_mg) == (3.0, 2.0)
    assert first.options == (Option("tablet", 0.5, 0.5, 2.5, 100 / 6),)  # 2.7 rounds to 2.5 in 0.5 mg


def test_the_note_on_a_step_the_unit_forces_beyond_the_bound_names_the_plans_smaller_tablet() -> None:
    planned = _planned(3.0, smallest_step_mg=1, tablets_mg=[2, 0.5])
    first = beyond_bound(planned)[0]
    assert first.note == (
        "this step, 3.0 → 2.0 mg/day (33%), is larger than the 2025 guideline's general bound of 25% every two "
        "weeks because 1 mg is the smallest amount the tablets can measure; an option for the prescriber that "
        "the plan allows: its 0.5 mg tablet, which measures 0.5 mg, for a step of 3.0 → 2.5 mg/day (17%)")
    step = planned.schedule.steps[first.steps[0] - 1]
    assert planned.step_notes(step) == (*step.notes, first.note)
    assert "average pace" not in " ".join(planned.step_notes(step))


def test_a_plan_faster_than_the_bound_is_the_plans_own_cause() -> None:
    planned = _planned(8.0, percent=30, every_days=14, smallest_step_mg=0.5)
    found = beyond_bound(planned)
    assert found and {item.cause for item in found} == {"plan"}
    assert all(item.options == () for item in found)
    assert all(item.note is None for item in found)  # the guideline warnings word these


def test_the_steps_before_a_date_are_past() -> None:
    (planned,) = planned_tapers(load_case(THERAPIST))
    past, coming = split_at(planned, date(2026, 11, 20))
    assert [step.number for step in past] == [1]
    assert coming[0].number == 2 and coming[0].date == date(2026, 12, 14)
    past, coming = split_at(planned, date(2026, 12, 14))  # a step on the letter's date is still to come
    assert [step.number for step in past] == [1] and coming[0].date == date(2026, 12, 14)


plans = st.fixed_dictionaries({
    "dose": st.sampled_from([0.5, 0.75, 1.0, 2.0, 2.625, 4.0, 6.0, 10.0, 13.0, 20.0, 30.0]),
    "percent": st.sampled_from([5, 10, 12.5, 20, 25, 30]),
    "every_days": st.sampled_from([7, 14, 28]),
    "unit": st.sampled_from([0.0625, 0.125, 0.25, 0.5, 1.0, 2.5]),
    "holds": st.lists(st.tuples(st.sampled_from([0.3, 0.5, 1.0, 2.0, 3.3, 5.0, 7.5]), st.sampled_from([7, 28, 56])),
                      max_size=2, unique_by=lambda hold: hold[0]),
    "liquid": st.booleans(),
    "tablets": st.sampled_from([[], [10, 5, 2], [2, 0.5], [1, 0.25]]),
    "stop": st.sampled_from([None, 0.05, 0.2]),
    "day": st.integers(min_value=-30, max_value=900),
})


@settings(max_examples=60, deadline=None)
@given(plans)
def test_property_holds_bound_and_split_agree_with_the_schedule(drawn: dict[str, Any]) -> None:
    plan: dict[str, Any] = {
        "percent": drawn["percent"], "every_days": drawn["every_days"], "smallest_step_mg": drawn["unit"],
        "holds": [{"at_mg_per_day": at, "days": days} for at, days in drawn["holds"]], "tablets_mg": drawn["tablets"],
    }
    if drawn["liquid"]:
        plan.update(liquid_below_mg=1.0, liquid_mg_per_ml=0.5)
    if drawn["stop"] is not None:
        plan["stop_below_mg"] = drawn["stop"]
    planned = _planned(drawn["dose"], **plan)
    steps = planned.schedule.steps
    every = drawn["every_days"]
    # every held dose is a dose of the schedule, taken from one step to the next for the interval and the holds
    for held in held_doses(planned):
        index = next(index for index, step in enumerate(steps) if step.date == held.start)
        assert steps[index].mg_per_day == held.mg_per_day and steps[index + 1].date == held.until
        assert held.days == (held.until - held.start).days == every + held.plan_days + held.extra_days
        assert held.planned_at and all(held.mg_per_day <= at for at in held.planned_at)
        assert sum(days for at, days in drawn["holds"] if at in held.planned_at) == held.plan_days
    # the steps beyond the bound are exactly the guideline's warnings, each larger than 25% of the dose before it
    found = beyond_bound(planned)
    assert len(found) == len(planned.guideline_warnings())
    for item in found:
        assert item.percent > GUIDELINE_MAX_PERCENT
        if item.single_step:
            (number,) = item.steps
            assert steps[number - 1].mg_per_day == item.after_mg
            assert (steps[number - 2].mg_per_day if number > 1 else planned.current_mg) == item.before_mg
        for option in item.options:
            assert item.cause == "unit" and option.unit_mg < item.unit_mg
            assert option.after_mg < item.before_mg
            assert option.percent < item.percent
    # the split is a partition at the date
    day = planned.plan.start.earliest + timedelta(days=drawn["day"])
    past, coming = split_at(planned, day)
    assert past + coming == steps
    assert all(step.date < day for step in past) and all(step.date >= day for step in coming)
