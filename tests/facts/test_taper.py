"""The taper projection (CASEFILE.md "How a taper plan reads") and the guideline warnings."""

from __future__ import annotations

import json
import math
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from docgen.facts.taper import (
    TaperSchedule,
    TaperStep,
    guideline_warnings,
    project_taper,
)

MEASURABLE = "smaller than the measurable amount"


def _example_plan() -> TaperSchedule:
    """CASEFILE.md's example: clonazepam 2.5 mg/day from 2026-12-01."""
    return project_taper(
        2.5,
        date(2026, 12, 1),
        percent=10,
        every_days=28,
        smallest_step_mg=0.125,
        holds=[(1.25, 28)],
        liquid_below_mg=0.5,
        liquid_mg_per_ml=0.1,
        stop_below_mg=0.125,
    )


# Worked by hand: 10% off the current dose, rounded to 0.125 mg (tablets) or, once the unrounded
# dose is below 0.5 mg, to 0.1 mL of 0.1 mg/mL = 0.01 mg. number, date, mg/day, form, mL, held days
EXAMPLE_STEPS: list[tuple[int, date, float, str, float | None, int]] = [
    (1, date(2026, 12, 1), 2.25, "tablet", None, 0),  # 2.5 x 0.9 = 2.25 (18 units)
    (2, date(2026, 12, 29), 2.0, "tablet", None, 0),  # 2.025 = 16.2 units -> 16
    (3, date(2027, 1, 26), 1.75, "tablet", None, 0),  # 1.8 = 14.4 units -> 14
    (4, date(2027, 2, 23), 1.625, "tablet", None, 0),  # 1.575 = 12.6 units -> 13
    (5, date(2027, 3, 23), 1.5, "tablet", None, 0),  # 1.4625 = 11.7 units -> 12
    (6, date(2027, 4, 20), 1.375, "tablet", None, 0),  # 1.35 = 10.8 units -> 11
    (7, date(2027, 5, 18), 1.25, "tablet", None, 0),  # 1.2375 = 9.9 units -> 10: the hold
    (8, date(2027, 7, 13), 1.125, "tablet", None, 28),  # 28 + 28 days later; 1.125 = 9 units
    (9, date(2027, 8, 10), 1.0, "tablet", None, 0),  # 1.0125 = 8.1 units -> 8
    (10, date(2027, 9, 7), 0.875, "tablet", None, 0),  # 0.9 = 7.2 units -> 7
    (11, date(2027, 10, 5), 0.75, "tablet", None, 0),  # 0.7875 = 6.3 units -> 6
    (12, date(2027, 11, 2), 0.625, "tablet", None, 0),  # 0.675 = 5.4 units -> 5
    # 0.5625 = 4.5 units: the tie keeps 0.625, no change, so the step is held: one unit down to
    # 0.5 (ratio 0.8), after k = 3 intervals (0.9^2 = 0.81 > 0.8 >= 0.729 = 0.9^3): 56 days held
    (13, date(2028, 1, 25), 0.5, "tablet", None, 56),
    (14, date(2028, 2, 22), 0.45, "liquid", 4.5, 0),  # 0.45 < 0.5: liquid from here
    (15, date(2028, 3, 21), 0.41, "liquid", 4.1, 0),  # 0.405 -> 0.41
    (16, date(2028, 4, 18), 0.37, "liquid", 3.7, 0),  # 0.369 -> 0.37
    (17, date(2028, 5, 16), 0.33, "liquid", 3.3, 0),  # 0.333 -> 0.33
    (18, date(2028, 6, 13), 0.3, "liquid", 3.0, 0),  # 0.297 -> 0.30
    (19, date(2028, 7, 11), 0.27, "liquid", 2.7, 0),
    (20, date(2028, 8, 8), 0.24, "liquid", 2.4, 0),  # 0.243 -> 0.24
    (21, date(2028, 9, 5), 0.22, "liquid", 2.2, 0),  # 0.216 -> 0.22
    (22, date(2028, 10, 3), 0.2, "liquid", 2.0, 0),  # 0.198 -> 0.20
    (23, date(2028, 10, 31), 0.18, "liquid", 1.8, 0),
    (24, date(2028, 11, 28), 0.16, "liquid", 1.6, 0),  # 0.162 -> 0.16
    (25, date(2028, 12, 26), 0.14, "liquid", 1.4, 0),  # 0.144 -> 0.14
    (26, date(2029, 1, 23), 0.13, "liquid", 1.3, 0),  # 0.126 -> 0.13
    (27, date(2029, 2, 20), 0.12, "liquid", 1.2, 0),  # 0.117 -> 0.12 <= 0.125: stop next
    (28, date(2029, 3, 20), 0.0, "liquid", 0.0, 0),
]


def test_example_plan_step_by_step() -> None:
    schedule = _example_plan()
    found = [
        (step.number, step.date, step.mg_per_day, step.form, step.ml_per_day, step.held_days)
        for step in schedule.steps
    ]
    assert found == EXAMPLE_STEPS
    assert schedule.start_mg == 2.5
    assert schedule.end_date == date(2029, 3, 20)
    assert schedule.liquid_from == date(2028, 2, 22)


def test_example_plan_changes_kinds_and_notes() -> None:
    steps = _example_plan().steps
    assert steps[0].change_mg == -0.25
    assert steps[0].change_percent == pytest.approx(10.0)
    assert steps[1].change_percent == pytest.approx(100 / 9)
    assert [step.kind for step in steps] == ["reduction"] * 27 + ["stop"]
    assert steps[-1].change_mg == -0.12
    assert steps[-1].change_percent == 100.0
    assert steps[7].notes == ("after a 28-day hold at 1.25 mg/day",)
    assert len(steps[12].notes) == 1
    note = steps[12].notes[0]
    assert MEASURABLE in note
    assert "3 intervals (84 days)" in note
    assert "a liquid or compounded form would allow smaller steps" in note
    assert steps[12].change_mg == -0.125
    held = {step.number for step in steps if step.notes}
    assert held == {8, 13}


def test_example_plan_states_the_rounding_problem_once() -> None:
    problems = _example_plan().problems
    assert len(problems) == 1
    assert MEASURABLE in problems[0]
    assert "0.625 mg/day" in problems[0]
    assert "liquid or compounded form would allow smaller steps" in problems[0]


def test_reference_worked_check_diazepam_20_at_10_percent() -> None:
    """REFERENCE.md 6: 10% of the current dose from 20 mg/day reaches 0.5 mg in about 35 steps."""
    schedule = project_taper(20, date(2026, 1, 1), 10, 14, 0.001, stop_below_mg=0.5)
    doses = [step.mg_per_day for step in schedule.steps]
    reached = next(index for index, dose in enumerate(doses, start=1) if dose <= 0.5)
    expected = math.log(40) / -math.log(0.9)  # 35.01
    assert abs(reached - expected) <= 1
    assert reached == 35
    assert doses[:3] == [18.0, 16.2, 14.58]
    assert doses[-1] == 0.0 and len(doses) == reached + 1
    assert schedule.problems == ()
    assert schedule.liquid_from is None
    assert schedule.end_date == date(2026, 1, 1) + timedelta(days=14 * reached)


def test_diazepam_tablets_one_mg_hold_steps_to_keep_the_pace() -> None:
    schedule = project_taper(20, date(2026, 1, 1), 10, 14, 1)
    steps = schedule.steps
    assert [step.mg_per_day for step in steps] == [
        18, 16, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0
    ]
    # 5 -> 4.5 ties and keeps 5: held, 4/5 = 0.8 needs 3 intervals; 4 -> 3 (0.75): 3;
    # 3 -> 2 (0.667): 4; 2 -> 1 (0.5): 7; 1 -> 0: the last measurable dose stopped after 1.
    assert [step.held_days for step in steps[12:]] == [28, 28, 42, 84, 0]
    assert steps[-1].kind == "stop"
    assert "last measurable dose is stopped" in steps[-1].notes[0]
    assert len(schedule.problems) == 1 and MEASURABLE in schedule.problems[0]
    assert schedule.end_date == steps[-1].date


def test_liquid_without_strength_keeps_the_tablet_unit_and_says_so() -> None:
    schedule = project_taper(1.0, date(2026, 1, 1), 25, 14, 0.125, liquid_below_mg=0.5)
    assert [step.mg_per_day for step in schedule.steps[:4]] == [0.75, 0.625, 0.5, 0.375]
    assert [step.form for step in schedule.steps[:4]] == ["tablet", "tablet", "liquid", "liquid"]
    assert all(step.ml_per_day is None for step in schedule.steps)
    assert schedule.liquid_from == date(2026, 1, 29)
    assert any("mL per dose cannot be computed" in problem for problem in schedule.problems)


def test_the_stop_comes_after_the_dose_reaches_the_threshold() -> None:
    schedule = project_taper(1.0, date(2026, 1, 1), 50, 7, 0.25, stop_below_mg=0.25)
    assert [(step.mg_per_day, step.kind) for step in schedule.steps] == [
        (0.5, "reduction"),
        (0.25, "reduction"),
        (0.0, "stop"),
    ]
    assert [step.date for step in schedule.steps] == [
        date(2026, 1, 1),
        date(2026, 1, 8),
        date(2026, 1, 15),
    ]


def test_a_dose_already_at_the_stop_threshold_stops_on_start() -> None:
    schedule = project_taper(0.1, date(2026, 1, 1), 10, 28, 0.125, stop_below_mg=0.125)
    assert [(step.date, step.mg_per_day, step.kind) for step in schedule.steps] == [
        (date(2026, 1, 1), 0.0, "stop")
    ]
    assert schedule.end_date == date(2026, 1, 1)


def test_a_first_step_that_rounds_to_no_change_is_one_unit_on_start() -> None:
    schedule = project_taper(1.0, date(2026, 1, 1), 5, 28, 0.25)
    first = schedule.steps[0]
    assert (first.date, first.mg_per_day, first.held_days) == (date(2026, 1, 1), 0.75, 0)
    assert MEASURABLE in first.notes[0]


def test_holds_apply_once_and_add_their_days() -> None:
    schedule = project_taper(
        2.0, date(2026, 1, 1), 50, 10, 0.25, holds=[(1.0, 5), (0.9, 7)], stop_below_mg=0.25
    )
    # 1.0 reaches the first hold; 0.5 crosses the second: each adds its days once.
    assert [(step.mg_per_day, step.held_days) for step in schedule.steps] == [
        (1.0, 0),
        (0.5, 5),
        (0.25, 7),
        (0.0, 0),
    ]
    assert schedule.steps[1].notes == ("after a 5-day hold at 1.0 mg/day",)
    assert schedule.steps[2].notes == ("after a 7-day hold at 0.5 mg/day",)
    assert [step.date for step in schedule.steps] == [
        date(2026, 1, 1),
        date(2026, 1, 16),
        date(2026, 2, 2),
        date(2026, 2, 12),
    ]


def test_a_hold_not_below_the_starting_dose_does_not_apply() -> None:
    schedule = project_taper(1.0, date(2026, 1, 1), 50, 10, 0.25, holds=[(1.0, 30)])
    assert all(step.held_days == 0 for step in schedule.steps)
    assert any("does not apply" in problem for problem in schedule.problems)


def test_hitting_max_steps_is_a_problem() -> None:
    schedule = project_taper(100, date(2026, 1, 1), 1, 1, 0.001, max_steps=10)
    assert len(schedule.steps) == 10
    assert schedule.end_date is None
    assert any("10 steps" in problem for problem in schedule.problems)


def test_already_stopped() -> None:
    schedule = project_taper(0, date(2026, 1, 1), 10, 28, 0.125)
    assert schedule == TaperSchedule(
        start_mg=0.0, steps=(), end_date=None, problems=("already stopped",), liquid_from=None
    )


@pytest.mark.parametrize(
    "arguments",
    [
        {"percent": 0},
        {"percent": 100},
        {"percent": -5},
        {"percent": 150},
        {"percent": math.nan},
        {"every_days": 0},
        {"smallest_step_mg": 0},
        {"smallest_step_mg": -0.125},
        {"current_mg": -1},
        {"current_mg": math.inf},
        {"liquid_mg_per_ml": 0},
        {"liquid_below_mg": -1},
        {"stop_below_mg": -0.1},
        {"holds": [(1.0, -3)]},
        {"max_steps": 0},
    ],
)
def test_invalid_arguments_raise(arguments: dict[str, object]) -> None:
    values: dict[str, object] = {
        "current_mg": 2.0,
        "start": date(2026, 1, 1),
        "percent": 10,
        "every_days": 28,
        "smallest_step_mg": 0.125,
    }
    values.update(arguments)
    with pytest.raises(ValueError):
        project_taper(**values)  # type: ignore[arg-type]


def test_steps_are_frozen() -> None:
    step = _example_plan().steps[0]
    assert isinstance(step, TaperStep)
    with pytest.raises(AttributeError):
        step.mg_per_day = 1.0  # type: ignore[misc]


# -- properties ---------------------------------------------------------------------------------

UNITS = [0.001, 0.01, 0.0625, 0.125, 0.25, 0.5, 1.0, 2.5]


@st.composite
def _plans(draw: st.DrawFn, holds: bool = True) -> dict[str, object]:
    unit = draw(st.sampled_from(UNITS))
    return {
        "current_mg": draw(st.floats(min_value=0.01, max_value=100).map(lambda x: round(x, 3))),
        "start": draw(st.dates(min_value=date(2000, 1, 1), max_value=date(2050, 1, 1))),
        "percent": draw(st.sampled_from([1, 2.5, 5, 10, 12.5, 20, 25, 33, 50, 75, 90])),
        "every_days": draw(st.integers(min_value=1, max_value=60)),
        "smallest_step_mg": unit,
        "holds": draw(
            st.lists(
                st.tuples(st.sampled_from([0.1, 0.5, 1.25, 2.0, 10.0]), st.integers(0, 90)),
                max_size=3,
            )
        )
        if holds
        else [],
        "liquid_below_mg": draw(st.none() | st.sampled_from([0.25, 0.5, 1.0, 5.0])),
        "liquid_mg_per_ml": draw(st.none() | st.sampled_from([0.1, 0.5, 1.0, 2.0, 5.0])),
        "stop_below_mg": draw(st.none() | st.sampled_from([0.0, 0.05, 0.125, 0.5, 1.0])),
        "max_steps": 600,
    }


def _unit(plan: dict[str, object], step: TaperStep) -> float:
    strength = plan["liquid_mg_per_ml"]
    if step.form == "liquid" and isinstance(strength, float):
        return 0.1 * strength
    unit = plan["smallest_step_mg"]
    assert isinstance(unit, float)
    return unit


def _is_rounding_hold(step: TaperStep) -> bool:
    return any(MEASURABLE in note for note in step.notes)


def _project(plan: dict[str, object]) -> TaperSchedule:
    return project_taper(**plan)  # type: ignore[arg-type]


@settings(max_examples=200, deadline=None)
@given(plan=_plans())
def test_doses_fall_never_below_zero_and_dates_increase(plan: dict[str, object]) -> None:
    schedule = _project(plan)
    assert schedule.steps, "a positive dose always gets at least one step"
    previous_mg = schedule.start_mg
    previous_date: date | None = None
    for number, step in enumerate(schedule.steps, start=1):
        assert step.number == number
        assert 0 <= step.mg_per_day < previous_mg
        assert step.change_mg == pytest.approx(step.mg_per_day - previous_mg, abs=1e-9)
        assert step.change_percent == pytest.approx(
            (previous_mg - step.mg_per_day) / previous_mg * 100
        )
        assert step.held_days >= 0
        assert (step.kind == "stop") is (step.mg_per_day == 0)
        if previous_date is None:
            assert step.date == plan["start"]
        else:
            assert step.date == previous_date + timedelta(
                days=int(str(plan["every_days"])) + step.held_days
            )
        previous_mg, previous_date = step.mg_per_day, step.date
    assert schedule.steps[0].date == plan["start"]


@settings(max_examples=200, deadline=None)
@given(plan=_plans())
def test_each_step_is_at_most_the_percent_plus_half_a_unit_or_one_unit(
    plan: dict[str, object],
) -> None:
    schedule = _project(plan)
    percent = float(str(plan["percent"]))
    stop_below = plan["stop_below_mg"]
    previous_mg = schedule.start_mg
    for step in schedule.steps:
        unit = _unit(plan, step)
        reduction = previous_mg - step.mg_per_day
        if isinstance(stop_below, float) and previous_mg <= stop_below:
            assert step.kind == "stop"
        elif _is_rounding_hold(step):
            assert reduction <= unit + 1e-9
        else:
            assert reduction <= previous_mg * percent / 100 + unit / 2 + 1e-9
        previous_mg = step.mg_per_day


@settings(max_examples=200, deadline=None)
@given(plan=_plans(holds=False))
def test_held_steps_keep_the_average_pace_within_the_plan(plan: dict[str, object]) -> None:
    schedule = _project(plan)
    keep = 1 - float(str(plan["percent"])) / 100
    every_days = int(str(plan["every_days"]))
    previous_mg = schedule.start_mg
    for index, step in enumerate(schedule.steps):
        if not _is_rounding_hold(step):
            assert step.held_days == 0
        elif index == 0 or step.mg_per_day == 0:
            assert step.held_days == 0
        else:
            assert step.held_days % every_days == 0
            intervals = step.held_days // every_days + 1
            ratio = step.mg_per_day / previous_mg
            assert keep**intervals <= ratio + 1e-12
            assert keep ** (intervals - 1) > ratio - 1e-12
        previous_mg = step.mg_per_day


@settings(max_examples=200, deadline=None)
@given(plan=_plans())
def test_the_schedule_ends_at_zero(plan: dict[str, object]) -> None:
    schedule = _project(plan)
    if len(schedule.steps) == plan["max_steps"] and schedule.steps[-1].mg_per_day > 0:
        assert schedule.end_date is None
        assert any("steps without reaching 0" in problem for problem in schedule.problems)
        return
    last = schedule.steps[-1]
    assert last.mg_per_day == 0 and last.kind == "stop"
    assert schedule.end_date == last.date
    assert all(step.mg_per_day > 0 for step in schedule.steps[:-1])
    stop_below = plan["stop_below_mg"]
    before = schedule.steps[-2].mg_per_day if len(schedule.steps) > 1 else schedule.start_mg
    if isinstance(stop_below, float):
        # The stop comes from a dose at or below the threshold, unless the threshold is below
        # what can be measured: then the last measurable dose is stopped (a held step), or the
        # percent step itself rounds to 0.
        percent = float(str(plan["percent"]))
        unit = _unit(plan, last)
        assert (
            before <= stop_below
            or (_is_rounding_hold(last) and before <= unit + 1e-9)
            or before * (1 - percent / 100) <= unit / 2 + 1e-9
        )
        # Nothing at or below the threshold is followed by anything but the stop.
        assert all(step.mg_per_day > stop_below for step in schedule.steps[:-2])


@settings(max_examples=200, deadline=None)
@given(plan=_plans())
def test_forms_and_millilitres(plan: dict[str, object]) -> None:
    schedule = _project(plan)
    strength = plan["liquid_mg_per_ml"]
    forms = [step.form for step in schedule.steps]
    assert set(forms) <= {"tablet", "liquid"}
    if "liquid" in forms:
        first = forms.index("liquid")
        assert set(forms[first:]) == {"liquid"}, "once liquid, always liquid"
        assert schedule.liquid_from == schedule.steps[first].date
        assert plan["liquid_below_mg"] is not None
    else:
        assert schedule.liquid_from is None
    for step in schedule.steps:
        if step.form == "liquid" and isinstance(strength, float):
            assert step.ml_per_day is not None
            assert step.ml_per_day == pytest.approx(step.mg_per_day / strength)
            # whole tenths of a mL
            assert step.ml_per_day * 10 == pytest.approx(round(step.ml_per_day * 10), abs=1e-6)
        else:
            assert step.ml_per_day is None
    rounding_problems = [problem for problem in schedule.problems if MEASURABLE in problem]
    assert len(rounding_problems) <= 1
    assert bool(rounding_problems) is any(_is_rounding_hold(step) for step in schedule.steps)


# -- guideline warnings -------------------------------------------------------------------------


def test_case_file_history_warns_about_the_33_percent_step_only() -> None:
    history = [
        (date(2014, 3, 1), 1.0),
        (date(2019, 6, 1), 4.0),
        (date(2023, 1, 10), 3.0),  # exactly 25%: within the bound
        (date(2023, 3, 7), 2.0),
    ]
    assert guideline_warnings(history) == [
        "3.0 → 2.0 mg/day on 7 Mar 2023 is a 33% reduction in one step, beyond the 2025 "
        "guideline's general bound of 25% within two weeks"
    ]


def test_small_steps_adding_up_within_14_days_warn_once() -> None:
    history = [
        (date(2024, 1, 1), 4.0),
        (date(2024, 1, 5), 3.6),
        (date(2024, 1, 9), 3.2),
        (date(2024, 1, 13), 2.8),
    ]
    assert guideline_warnings(history) == [
        "4.0 → 2.8 mg/day between 5 Jan 2024 and 13 Jan 2024 is a 30% reduction within 14 days, "
        "beyond the 2025 guideline's general bound of 25% within two weeks"
    ]


def test_25_percent_every_two_weeks_is_within_the_bound() -> None:
    history = [
        (date(2024, 1, 1), 4.0),
        (date(2024, 1, 15), 3.0),
        (date(2024, 1, 29), 2.25),
        (date(2024, 2, 12), 1.6875),
    ]
    assert guideline_warnings(history) == []


def test_a_final_stop_from_the_smallest_dose_is_normal() -> None:
    history = [(date(2024, 1, 1), 0.25), (date(2024, 2, 1), 0.2), (date(2024, 3, 1), 0.0)]
    assert guideline_warnings(history) == []


def test_a_stop_from_a_larger_dose_warns() -> None:
    history = [(date(2024, 1, 1), 0.5), (date(2024, 2, 1), 2.0), (date(2024, 3, 1), 0.0)]
    assert guideline_warnings(history) == [
        "2.0 → 0.0 mg/day on 1 Mar 2024 is a 100% reduction in one step, beyond the 2025 "
        "guideline's general bound of 25% within two weeks"
    ]


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        (1.2, 0.9, None),
        (4.0, 2.98, "26%"),
        (4.0, 2.999, "25.02%"),
        (100.0, 74.9, "25.1%"),
        (3.0, 1.0, "67%"),
    ],
)
def test_the_bound_is_exact_and_the_percent_never_reads_as_25(
    before: float, after: float, expected: str | None
) -> None:
    warnings = guideline_warnings([(date(2024, 1, 1), before), (date(2024, 2, 1), after)])
    if expected is None:
        assert warnings == []
    else:
        assert len(warnings) == 1 and f"a {expected} reduction" in warnings[0]


def test_increases_and_empty_histories_never_warn() -> None:
    assert guideline_warnings([]) == []
    assert guideline_warnings([(date(2024, 1, 1), 1.0), (date(2024, 1, 2), 4.0)]) == []


@settings(max_examples=100, deadline=None)
@given(plan=_plans(holds=False))
def test_projected_tapers_at_or_below_25_percent_stay_quiet_over_two_weeks(
    plan: dict[str, object],
) -> None:
    """A projection at <= 20% every 14 days or more, on a fine unit, is within the bound."""
    plan = {**plan, "smallest_step_mg": 0.001, "liquid_below_mg": None, "stop_below_mg": None}
    plan["percent"] = min(float(str(plan["percent"])), 20.0)
    plan["every_days"] = max(int(str(plan["every_days"])), 14)
    schedule = _project(plan)
    assert isinstance(plan["start"], date)
    points = [(plan["start"] - timedelta(days=1), schedule.start_mg)]
    points += [(step.date, step.mg_per_day) for step in schedule.steps if step.mg_per_day >= 0.1]
    assert guideline_warnings(points) == []


@pytest.mark.parametrize("drug", ["=HYPERLINK(\"http://x\")", "+SUM(1)", "-1+2", "@SUM(A1)", "\tTAB"])
def test_the_csv_never_carries_a_formula(tmp_path, drug):
    import csv
    import io

    from docgen.case.loading import parse_case
    from docgen.facts.taper_plan import schedule_csv

    text = ("version: 1\npatient: {name: A}\nmedications:\n  - drug: " + json.dumps(drug) +
            "\n    doses: [{date: 2026-01-01, mg_per_day: 2}]\n"
            "    taper: {start: 2026-02-01, percent: 10, every_days: 14, smallest_step_mg: 0.25}\n")
    rows = list(csv.reader(io.StringIO(schedule_csv(parse_case(text.encode(), "case.yaml")), newline="")))
    assert len(rows) > 2
    for row in rows[1:]:
        assert row[0] == "'" + drug
        assert all(cell[:1] not in ("=", "+", "@", "\t", "\r") for cell in row)
