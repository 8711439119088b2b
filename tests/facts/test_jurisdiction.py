"""Where each party is, which rules follow, and the dates those rules set: hand-checked tables
(month ends, leap years, weekends) and properties of the arithmetic."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from docgen.case.model import Recipient
from docgen.facts.jurisdiction import (
    US_ACCESS,
    US_AMENDMENT,
    add_months,
    country_from_address,
    country_of,
    locate,
    regime_of,
    rules,
    supervisory_authority,
    unsupported,
)


def _to(address: list[str], country: str | None = None) -> Recipient:
    return Recipient(organization="Clinic", address=address, country=country)


@pytest.mark.parametrize(("address", "country"), [
    (["Rua Augusta 10", "1100-053 Lisboa", "Portugal"], "PT"),
    (["Nørregade 5", "1165 København K", "Danmark"], "DK"),
    (["Grafton Street 4", "Dublin 2", "Ireland"], "IE"),
    (["Merrion Square", "Dublin 2, Ireland"], "IE"),
    (["ul. Długa 3", "00-238 Warszawa", "Polska"], "PL"),
    (["10 Downing Street", "London SW1A 2AA", "United Kingdom"], "GB"),
    (["1 High Street", "Belfast BT1 1AA", "Northern Ireland"], "GB"),
    (["Unter den Linden 1", "10117 Berlin", "Deutschland"], "DE"),
    (["Storgata 1", "0155 Oslo", "NORWAY."], "NO"),
    (["Calle Mayor 1", "28013 Madrid", "España"], "ES"),
    (["1 Main St", "Toronto ON M5H 2N2", "Canada"], "CA"),
    (["400 Lake Road", "Springfield, IL 62701", "USA"], "US"),
    (["400 Lake Road", "Springfield, IL 62701"], None),           # a US state line names no country
    (["12 Peachtree St", "Atlanta, Georgia 30303"], None),        # a state, not the country
    (["1 Main St", "Santa Fe, New Mexico"], None),
    (["1 Main St", "Springfield, IL"], None),                     # IL is a state here, not Israel
    (["Rua Augusta 10", "Portugal", ""], "PT"),                   # trailing blank lines are skipped
    ([], None),
])
def test_an_address_names_its_country(address: list[str], country: str | None) -> None:
    assert country_from_address(address) == country


@pytest.mark.parametrize(("address", "field", "expected", "known_from"), [
    (["Dublin 2", "Ireland"], None, "IE", "address"),
    (["Dublin 2", "Ireland"], "gb", "GB", "country"),   # the field wins, any case
    (["Springfield, IL 62701"], None, "US", "default"),
    ([], "PT", "PT", "country"),
])
def test_the_country_field_wins_then_the_address_then_the_us(address, field, expected, known_from) -> None:
    location = locate(_to(address, field))
    assert (location.country, location.known_from) == (expected, known_from)
    assert country_of(_to(address, field)) == expected


@pytest.mark.parametrize(("country", "regime"), [
    ("US", "us"), ("IE", "gdpr"), ("PT", "gdpr"), ("DK", "gdpr"), ("NO", "gdpr"), ("IS", "gdpr"), ("LI", "gdpr"),
    ("GB", "uk-gdpr"), ("CH", None), ("CA", None), ("AU", None), ("JP", None),
])
def test_each_country_has_its_regime(country: str, regime: str | None) -> None:
    assert regime_of(country) == regime


def test_a_country_without_rules_is_refused_naming_the_field() -> None:
    assert unsupported(_to(["Dublin 2", "Ireland"]), "access_request.to", "access") is None
    message = unsupported(_to(["1 Main St", "Toronto ON", "Canada"]), "access_request.to", "access")
    assert message is not None and message.startswith("access: the last line of access_request.to.address names Canada")
    message = unsupported(_to([], "CH"), "amendment.to", "complaint")
    assert message is not None and "amendment.to.country is CH (Switzerland)" in message


# -- dates ----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("day", "months", "expected"), [
    (date(2026, 3, 15), 1, date(2026, 4, 15)),
    (date(2027, 1, 31), 1, date(2027, 2, 28)),    # no 31 Feb: the month's last day
    (date(2028, 1, 31), 1, date(2028, 2, 29)),    # leap year
    (date(2026, 8, 31), 1, date(2026, 9, 30)),
    (date(2026, 12, 31), 1, date(2027, 1, 31)),   # into the next year
    (date(2024, 2, 29), 1, date(2024, 3, 29)),
    (date(2024, 2, 29), 12, date(2025, 2, 28)),
    (date(2026, 5, 31), 3, date(2026, 8, 31)),
    (date(2026, 11, 30), 3, date(2027, 2, 28)),
    (date(2027, 11, 30), 3, date(2028, 2, 29)),
    (date(9999, 12, 15), 1, date.max),            # held at the end of the calendar
])
def test_one_month_after_is_the_same_day_number_or_the_month_end(day: date, months: int, expected: date) -> None:
    assert add_months(day, months) == expected


# received, regime, request, due, latest: worked by hand on a calendar
DEADLINES = [
    (date(2026, 11, 25), "us", "amendment", date(2027, 1, 24), date(2027, 2, 23)),   # CASEFILE's example
    (date(2027, 12, 31), "us", "amendment", date(2028, 2, 29), date(2028, 3, 30)),   # through a leap February
    (date(2026, 12, 31), "us", "amendment", date(2027, 3, 1), date(2027, 3, 31)),
    (date(2026, 11, 21), "us", "amendment", date(2027, 1, 20), date(2027, 2, 19)),   # received on a Saturday
    (date(2026, 9, 14), "us", "access", date(2026, 10, 14), date(2026, 11, 13)),
    (date(2028, 2, 1), "us", "access", date(2028, 3, 2), date(2028, 4, 1)),          # 29 days in Feb 2028
    (date(2027, 1, 31), "gdpr", "amendment", date(2027, 2, 28), date(2027, 4, 30)),
    (date(2028, 1, 31), "gdpr", "access", date(2028, 2, 29), date(2028, 4, 30)),
    (date(2026, 11, 30), "uk-gdpr", "access", date(2026, 12, 30), date(2027, 2, 28)),
    (date(2026, 11, 21), "gdpr", "access", date(2026, 12, 21), date(2027, 2, 21)),   # Saturday: not moved
]


@pytest.mark.parametrize(("received", "regime", "kind", "due", "latest"), DEADLINES)
def test_the_deadlines_of_each_regime(received, regime, kind, due, latest) -> None:
    limits = rules(regime, kind)
    assert (limits.due(received), limits.latest(received)) == (due, latest)


def test_a_deadline_on_a_weekend_stays_where_the_rule_puts_it() -> None:
    due = US_AMENDMENT.due(date(2026, 11, 25))
    assert due == date(2027, 1, 24) and due.weekday() == 6  # a Sunday: 164.526 counts calendar days


def test_the_complaint_limit_is_us_only() -> None:
    assert US_AMENDMENT.complaint_by(date(2026, 9, 29)) == date(2027, 3, 28)
    assert US_ACCESS.complaint_by(date(2026, 11, 13)) == date(2027, 5, 12)
    assert rules("gdpr", "amendment").complaint_by(date(2026, 9, 29)) is None


def test_the_supervisory_authority_is_the_patient_s_or_the_controller_s() -> None:
    lisbon = _to(["Lisboa", "Portugal"])
    assert supervisory_authority("gdpr", _to(["Madrid", "España"]), lisbon) == \
        "the data protection supervisory authority of Spain"
    assert supervisory_authority("gdpr", _to(["Springfield, IL"]), lisbon) == \
        "the data protection supervisory authority of Portugal"
    assert "Information Commissioner" in str(supervisory_authority("uk-gdpr", lisbon, lisbon))
    assert supervisory_authority("us", lisbon, lisbon) is None


DAYS = st.dates(min_value=date(1900, 1, 1), max_value=date(2199, 12, 31))


@given(DAYS, st.integers(0, 36))
def test_add_months_keeps_the_day_or_takes_the_month_end(day: date, months: int) -> None:
    result = add_months(day, months)
    assert (result.year * 12 + result.month) - (day.year * 12 + day.month) == months
    last = calendar.monthrange(result.year, result.month)[1]
    assert result.day == min(day.day, last)


@given(DAYS, st.integers(0, 12), st.integers(0, 12))
def test_months_added_in_two_goes_never_land_later(day: date, first: int, second: int) -> None:
    assert add_months(add_months(day, first), second) <= add_months(day, first + second)


@given(DAYS, st.sampled_from(["us", "gdpr", "uk-gdpr"]), st.sampled_from(["amendment", "access"]))
def test_the_extension_only_ever_adds_time(received: date, regime, request) -> None:
    limits = rules(regime, request)
    due, latest = limits.due(received), limits.latest(received)
    assert received < due < latest
    if regime == "us":
        assert (due - received).days == (60 if request == "amendment" else 30)
        assert latest - due == timedelta(days=30)
    else:
        assert 28 <= (due - received).days <= 31
        assert latest == add_months(received, 3)
