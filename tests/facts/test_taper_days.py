"""A projected taper day by day: each day's dose and make-up, the new doses, the check-ins."""

from __future__ import annotations

from datetime import date, timedelta

from conftest import ROOT

from docgen.case.loading import load_case, parse_case
from docgen.facts.taper_days import CHECK_IN_AFTER_DAYS, check_ins, first_day, iter_days, last_day
from docgen.facts.taper_plan import planned_tapers

THERAPIST = ROOT / "samples" / "taper-with-therapist.yaml"


def test_each_day_has_the_dose_of_the_latest_step_before_it() -> None:
    planned = planned_tapers(load_case(THERAPIST))[0]
    days = {day.date: day for day in iter_days(planned, date(2026, 10, 1), date(2027, 1, 31))}
    assert days[date(2026, 10, 18)].mg_per_day is None  # before the current dose (19 Oct 2026)
    assert days[date(2026, 10, 19)].mg_per_day == 13
    assert days[date(2026, 10, 19)].makeup.text() == "1 × 10 mg + 1½ × 2 mg"  # type: ignore[union-attr]
    assert days[date(2026, 11, 15)].mg_per_day == 13 and days[date(2026, 11, 15)].new_step is None
    first = days[date(2026, 11, 16)]
    assert (first.mg_per_day, first.new_step.number) == (12, 1)  # type: ignore[union-attr]
    assert first.makeup.text() == "1 × 10 mg + 1 × 2 mg"  # type: ignore[union-attr]
    assert days[date(2026, 11, 23)].check_in_of.number == 1  # type: ignore[union-attr]
    assert days[date(2026, 12, 14)].mg_per_day == 11
    assert [day.date for day in days.values() if day.new_step] == [date(2026, 11, 16), date(2026, 12, 14), date(2027, 1, 11)]


def test_a_check_in_comes_a_week_after_each_step_that_lasts_longer() -> None:
    planned = planned_tapers(load_case(THERAPIST))[0]
    found = check_ins(planned)
    assert len(found) == len(planned.schedule.steps) == 27
    assert all(day == step.date + timedelta(days=CHECK_IN_AFTER_DAYS) for day, step in found)
    assert first_day(planned) == date(2026, 11, 16)
    assert last_day(planned) == date(2030, 1, 14)  # the stop on 7 Jan 2030, and its check-in
    weekly = parse_case(b"version: 1\npatient: {name: A}\nmedications:\n  - drug: diazepam\n"
                        b"    doses: [{date: 2026-01-01, mg_per_day: 10}]\n"
                        b"    taper: {start: 2026-02-01, percent: 10, every_days: 7, smallest_step_mg: 1}\n", "case.yaml")
    steps = planned_tapers(weekly)[0].schedule.steps
    longer = [step for step, following in zip(steps, [*steps[1:], None])
              if following is None or (following.date - step.date).days > CHECK_IN_AFTER_DAYS]
    assert 0 < len(longer) < len(steps)  # a step of exactly a week has no check-in of its own
    assert check_ins(planned_tapers(weekly)[0]) == [(step.date + timedelta(days=7), step) for step in longer]


def test_the_last_day_there_is_ends_the_days_without_overflowing() -> None:
    case = parse_case(b"version: 1\npatient: {name: A}\nmedications:\n  - drug: diazepam\n"
                      b"    doses: [{date: 9999-12-01, mg_per_day: 10}]\n"
                      b"    taper: {start: 9999-12-30, percent: 50, every_days: 1, smallest_step_mg: 5}\n", "case.yaml")
    planned = planned_tapers(case)[0]
    days = list(iter_days(planned, date(9999, 12, 1), date(9999, 12, 31)))
    assert days[-1].date == date(9999, 12, 31)
    assert check_ins(planned) == []  # a week later is past the calendar's end
