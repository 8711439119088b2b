"""Partial dates (CASEFILE.md "Conventions": a day, a month or a year, kept as given)."""

from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from docgen.case.dates import (
    EXPECTED,
    PartialDate,
    Precision,
    describe_duration,
    describe_interval,
)

P = PartialDate.parse


# -- parse: what is accepted ------------------------------------------------------------------

PARSED: list[tuple[object, PartialDate, Precision]] = [
    (date(2024, 6, 3), PartialDate(2024, 6, 3), Precision.DAY),
    (datetime(2024, 6, 3, 23, 59), PartialDate(2024, 6, 3), Precision.DAY),
    (2014, PartialDate(2014), Precision.YEAR),
    (1, PartialDate(1), Precision.YEAR),
    (9999, PartialDate(9999), Precision.YEAR),
    ("2014", PartialDate(2014), Precision.YEAR),
    ("2019-06", PartialDate(2019, 6), Precision.MONTH),
    ("2024-02-10", PartialDate(2024, 2, 10), Precision.DAY),
    ("2024-02-29", PartialDate(2024, 2, 29), Precision.DAY),  # 2024 is a leap year
    ("2000-02-29", PartialDate(2000, 2, 29), Precision.DAY),  # divisible by 400: leap
    ("2024-12-31", PartialDate(2024, 12, 31), Precision.DAY),
    ("  2019-06  ", PartialDate(2019, 6), Precision.MONTH),
    ("\t2024-06-03\n", PartialDate(2024, 6, 3), Precision.DAY),
    (" 2014 ", PartialDate(2014), Precision.YEAR),
    (PartialDate(2019, 6), PartialDate(2019, 6), Precision.MONTH),
]


@pytest.mark.parametrize(("value", "expected", "precision"), PARSED)
def test_parse_accepts(value: object, expected: PartialDate, precision: Precision) -> None:
    parsed = P(value)
    assert parsed == expected
    assert parsed.precision is precision
    assert parsed.is_exact is (precision is Precision.DAY)


def test_parse_keeps_the_precision_given() -> None:
    # The same first day at three precisions: three different values, never made more precise.
    assert P("2019") != P("2019-01") != P("2019-01-01")
    assert P("2019").month is None and P("2019").day is None
    assert P("2019-01").day is None


# -- parse: what is refused, with the reason ----------------------------------------------------

REFUSED: list[tuple[object, str]] = [
    ("2019-13", "month 13 does not exist"),
    ("2019-00", "month 0 does not exist"),
    ("2019-02-30", "Feb 2019 has no day 30"),
    ("2023-02-29", "Feb 2023 has no day 29"),  # 2023 is not a leap year
    ("1900-02-29", "Feb 1900 has no day 29"),  # divisible by 100, not by 400: not a leap year
    ("2024-04-31", "Apr 2024 has no day 31"),
    ("2024-06-00", "Jun 2024 has no day 0"),
    ("0000", "the year is out of range (1 to 9999)"),
    (0, "the year is out of range (1 to 9999)"),
    (10000, "the year is out of range (1 to 9999)"),
    ("06/03/2024", f"expected {EXPECTED}"),
    ("3 Jun 2024", f"expected {EXPECTED}"),
    ("2019-6", f"expected {EXPECTED}"),
    ("2024-06-03T10:00:00", f"expected {EXPECTED}"),
    ("20240603", f"expected {EXPECTED}"),
    ("", f"expected {EXPECTED}"),
    ("   ", f"expected {EXPECTED}"),
    (True, f"expected {EXPECTED}"),
    (False, f"expected {EXPECTED}"),
    (None, f"expected {EXPECTED}"),
    (2014.0, f"expected {EXPECTED}"),
    ([2014], f"expected {EXPECTED}"),
]


@pytest.mark.parametrize(("value", "message"), REFUSED)
def test_parse_refuses(value: object, message: str) -> None:
    with pytest.raises(ValueError) as raised:
        P(value)
    assert str(raised.value) == message


@pytest.mark.parametrize("value", ["٢٠٢٤", "２０２４-０６"])
def test_parse_refuses_non_ascii_digits(value: str) -> None:
    with pytest.raises(ValueError):
        P(value)


def test_a_day_needs_a_month() -> None:
    with pytest.raises(ValueError, match="^a day needs a month$"):
        PartialDate(2024, None, 3)


# -- text -------------------------------------------------------------------------------------

DISPLAYED: list[tuple[str, str, str]] = [
    ("2024-06-03", "3 Jun 2024", "2024-06-03"),
    ("2024-02-10", "10 Feb 2024", "2024-02-10"),
    ("2019-06", "Jun 2019", "2019-06"),
    ("2019-12", "Dec 2019", "2019-12"),
    ("2014", "2014", "2014"),
    ("0999", "999", "0999"),
]


@pytest.mark.parametrize(("text", "shown", "iso"), DISPLAYED)
def test_display_and_isoformat(text: str, shown: str, iso: str) -> None:
    parsed = P(text)
    assert parsed.display() == shown
    assert parsed.isoformat() == iso
    assert str(parsed) == iso


# -- the period covered -------------------------------------------------------------------------

PERIODS: list[tuple[str, date, date]] = [
    ("2024-06-03", date(2024, 6, 3), date(2024, 6, 3)),
    ("2019-06", date(2019, 6, 1), date(2019, 6, 30)),
    ("2019-01", date(2019, 1, 1), date(2019, 1, 31)),
    ("2024-02", date(2024, 2, 1), date(2024, 2, 29)),  # leap year
    ("2023-02", date(2023, 2, 1), date(2023, 2, 28)),
    ("2000-02", date(2000, 2, 1), date(2000, 2, 29)),
    ("1900-02", date(1900, 2, 1), date(1900, 2, 28)),
    ("2019-12", date(2019, 12, 1), date(2019, 12, 31)),
    ("2014", date(2014, 1, 1), date(2014, 12, 31)),
    ("9999", date(9999, 1, 1), date(9999, 12, 31)),
]


@pytest.mark.parametrize(("text", "earliest", "latest"), PERIODS)
def test_earliest_and_latest(text: str, earliest: date, latest: date) -> None:
    parsed = P(text)
    assert parsed.earliest == earliest
    assert parsed.latest == latest


def test_ordering_by_period() -> None:
    assert P("2019-01-01") < P("2019-01")  # same start, shorter period first
    assert P("2019-01") < P("2019")
    assert P("2019-06-30") < P("2019-07")
    assert P("2019-12") > P("2019-11-30")
    assert P("2019") <= P("2019") and P("2019") >= P("2019")
    assert sorted([P("2020"), P("2019-06"), P("2019-06-01"), P("2014")]) == [
        P("2014"),
        P("2019-06-01"),
        P("2019-06"),
        P("2020"),
    ]


# -- intervals and durations, worked by hand ----------------------------------------------------

INTERVALS: list[tuple[str, str, str]] = [
    # day precision: counted in days
    ("2024-06-03", "2024-06-03", "on the same day as"),
    ("2024-06-03", "2024-06-04", "1 day after"),
    ("2024-06-03", "2024-06-15", "12 days after"),
    ("2024-01-25", "2024-02-06", "12 days after"),  # across a month: 6 days of Jan + 6 of Feb
    ("2023-12-25", "2024-01-06", "12 days after"),  # across a year
    ("2024-02-28", "2024-03-01", "2 days after"),  # 29 Feb 2024 in between
    ("2023-02-28", "2023-03-01", "1 day after"),
    ("2024-06-15", "2024-06-03", "12 days before"),
    ("2024-01-01", "2024-03-01", "60 days after"),  # 31 + 29: still counted in days
    ("2024-01-01", "2024-03-02", "about 2 months after"),  # 61 days
    ("2014-03-10", "2017-06-20", "about 3 years after"),  # 1198 days
    # month precision (the coarser of the two)
    ("2019-06", "2019-06-20", "in the same month as"),
    ("2019-06-01", "2019-06", "in the same month as"),
    ("2019-06", "2019-07", "about 1 month after"),
    ("2019-06-30", "2019-08", "about 2 months after"),
    ("2023-11", "2024-01-31", "about 2 months after"),  # across a year
    ("2019-08", "2019-06", "before"),
    # year precision
    ("2014", "2014-03", "in the same year as"),
    ("2014-12-31", "2014", "in the same year as"),
    ("2014", "2015-01-01", "about 1 year after"),
    ("2014", "2017-06", "about 3 years after"),
    ("2017", "2014", "before"),
]


@pytest.mark.parametrize(("earlier", "later", "expected"), INTERVALS)
def test_describe_interval(earlier: str, later: str, expected: str) -> None:
    assert describe_interval(P(earlier), P(later)) == expected


def test_describe_interval_one_day_before() -> None:
    assert describe_interval(P("2024-06-04"), P("2024-06-03")) == "1 day before"


DURATIONS: list[tuple[str, str, str]] = [
    # day precision: days up to 61, then months, then years
    ("2024-06-03", "2024-06-03", "0 days"),
    ("2024-06-03", "2024-06-04", "1 day"),
    ("2024-06-03", "2024-06-15", "12 days"),
    ("2024-01-01", "2024-03-02", "61 days"),  # 31 + 29 + 1
    ("2024-01-01", "2024-03-03", "2 months"),  # 62 days / 30.4375 = 2.04
    ("2024-01-01", "2024-05-01", "4 months"),  # 121 days = 3.98 months
    ("2014-03-10", "2017-06-20", "over 3 years"),  # 1198 days = 3.28 years
    ("2014-03-10", "2023-09-10", "9½ years"),
    ("2016-03-01", "2020-03-01", "4 years"),  # 1461 days, one 29 Feb
    # month precision
    ("2019-06", "2019-06-20", "under 1 month"),
    ("2019-06", "2019-07-15", "1 month"),
    ("2019-06", "2019-10", "4 months"),
    ("2019-06", "2021-05", "23 months"),
    ("2021-01", "2023-01", "2 years"),
    ("2014-03", "2016-05", "over 2 years"),  # 26 months = 2.17 years
    ("2014-03", "2016-09", "2½ years"),
    ("2014-03", "2023-01", "almost 9 years"),  # 106 months = 8.83 years
    ("2014-03", "2023-03", "9 years"),
    # year precision
    ("2014", "2014-08", "under 1 year"),
    ("2014", "2015", "about 1 year"),
    ("2014", "2023-06-01", "about 9 years"),
]


@pytest.mark.parametrize(("start", "end", "expected"), DURATIONS)
def test_describe_duration(start: str, end: str, expected: str) -> None:
    assert describe_duration(P(start), P(end)) == expected


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [("2017-01-01", "2020-01-01", "3 years"), ("2021-01-01", "2023-01-01", "2 years")],
)
def test_describe_duration_whole_calendar_years(start: str, end: str, expected: str) -> None:
    assert describe_duration(P(start), P(end)) == expected


# -- properties --------------------------------------------------------------------------------


@st.composite
def partial_dates(draw: st.DrawFn) -> PartialDate:
    year = draw(st.integers(1, 9999))
    precision = draw(st.sampled_from(list(Precision)))
    if precision is Precision.YEAR:
        return PartialDate(year)
    month = draw(st.integers(1, 12))
    if precision is Precision.MONTH:
        return PartialDate(year, month)
    day = draw(st.integers(1, calendar.monthrange(year, month)[1]))
    return PartialDate(year, month, day)


@settings(max_examples=100, deadline=None)
@given(st.dates())
def test_any_date_round_trips_through_isoformat(day: date) -> None:
    parsed = P(day.isoformat())
    assert parsed == P(day) == PartialDate.of(day)
    assert parsed.earliest == parsed.latest == day
    assert str(day.year) in parsed.display()


@settings(max_examples=100, deadline=None)
@given(partial_dates())
def test_any_partial_date_covers_its_period(value: PartialDate) -> None:
    assert value.earliest <= value.latest
    for day in (value.earliest, value.latest):
        assert day.year == value.year
        if value.month is not None:
            assert day.month == value.month
        if value.day is not None:
            assert day.day == value.day
    # The period is complete: the day before and the day after fall outside it.
    neighbours = []
    if value.earliest > date.min:
        neighbours.append(value.earliest - timedelta(days=1))
    if value.latest < date.max:
        neighbours.append(value.latest + timedelta(days=1))
    for day in neighbours:
        assert not _within(day, value)
    assert _within(value.earliest, value) and _within(value.latest, value)


def _within(day: date, value: PartialDate) -> bool:
    return (
        day.year == value.year
        and (value.month is None or day.month == value.month)
        and (value.day is None or day.day == value.day)
    )


@settings(max_examples=100, deadline=None)
@given(partial_dates())
def test_any_partial_date_round_trips(value: PartialDate) -> None:
    assert P(value.isoformat()) == value
    assert P(value.isoformat()).precision is value.precision
    assert str(value.year) in value.display()


@pytest.mark.parametrize(("written", "iso", "shown"), [
    ("~2015-03", "~2015-03", "~ Mar 2015"),
    ("~ 2015", "~2015", "~ 2015"),
    ("~2024-02-10", "~2024-02-10", "~ 10 Feb 2024"),
])
def test_an_approximate_date_keeps_its_mark(written: str, iso: str, shown: str) -> None:
    date_ = PartialDate.parse(written)
    assert date_.approximate
    assert date_.isoformat() == iso and date_.display() == shown
    assert PartialDate.parse(iso) == date_
    assert (date_.earliest, date_.latest) == (PartialDate.parse(iso.lstrip("~")).earliest, PartialDate.parse(iso.lstrip("~")).latest)


@pytest.mark.parametrize(("typed", "iso"), [
    ("around March 2015", "~2015-03"), ("about 2015", "~2015"), ("c. June 2019", "~2019-06"),
    ("approx. 14 Aug 1971", "~1971-08-14"), ("Around 2015-03", "~2015-03"), ("March 2015", "2015-03"),
])
def test_a_typed_approximate_date(typed: str, iso: str) -> None:
    from docgen.intake.date_text import parse_date_text

    assert parse_date_text(typed).isoformat() == iso
