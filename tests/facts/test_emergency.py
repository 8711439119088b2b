"""Emergency numbers by country (REFERENCE.md section 7)."""

from __future__ import annotations

import pytest

from docgen.facts.emergency import country_of, emergency_numbers


@pytest.mark.parametrize(("code", "address", "expected"), [
    ("IE", ["1 Main Street", "Portland, OR"], "IE"),
    (None, ["Rua Augusta 1", "1100-048 Lisboa", "Portugal"], "PT"),
    (None, ["1 High Street", "London", "United Kingdom"], "GB"),
    (None, ["Vestergade 2", "Danmark"], "DK"),
    (None, ["12 Elm Street", "Springfield, IL 62704"], "US"),
    (None, [], "US"),
])
def test_the_country_is_the_code_else_the_last_address_line_else_the_us(code: str | None, address: list[str],
                                                                       expected: str) -> None:
    assert country_of(code, address) == expected


@pytest.mark.parametrize(("country", "emergency", "crisis"), [
    ("US", "911", "988 Suicide & Crisis Lifeline (call or text 988)"),
    ("CA", "911", "9-8-8 Suicide Crisis Helpline (call or text 988)"),
    ("GB", "999 (112 also works)", "Samaritans 116 123"),
    ("IE", "112 or 999", "Samaritans 116 123"),
    ("AU", "000", "Lifeline 13 11 14"),
    ("NZ", "111", "1737 (call or text)"),
    ("PT", "112", None),
])
def test_each_country_gets_its_own_numbers(country: str, emergency: str, crisis: str | None) -> None:
    numbers = emergency_numbers(country)
    assert numbers is not None and (numbers.emergency, numbers.crisis) == (emergency, crisis)


def test_a_country_the_reference_does_not_name_gets_no_number() -> None:
    assert emergency_numbers("JP") is None
