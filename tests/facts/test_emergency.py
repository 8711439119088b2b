"""Emergency numbers by country (REFERENCE.md section 7)."""

from __future__ import annotations

from typing import Any

import pytest

from docgen.case.model import Clinician
from docgen.facts.emergency import emergency_numbers, numbers_for
from docgen.facts.jurisdiction import EEA


def _clinician(country: str | None, address: list[str]) -> Clinician:
    data: dict[str, Any] = {"id": "x", "name": "A Person", "role": "therapist", "address": address}
    if country is not None:
        data["country"] = country
    return Clinician.model_validate(data)


@pytest.mark.parametrize(("code", "address", "expected"), [
    ("IE", ["1 Main Street", "Portland, OR"], "112 or 999"),
    (None, ["Rua Augusta 1", "1100-048 Lisboa", "Portugal"], "112"),
    (None, ["1 High Street", "London", "United Kingdom"], "999 (112 also works)"),
    (None, ["Vestergade 2", "Danmark"], "112"),
    (None, ["Ul. Długa 5", "Gdańsk, Polska"], "112"),
    (None, ["12 Elm Street", "Springfield, IL 62704"], "911"),
    (None, [], "911"),
])
def test_the_country_is_the_code_else_the_last_address_line_else_the_us(code: str | None, address: list[str],
                                                                       expected: str) -> None:
    numbers = numbers_for(_clinician(code, address))
    assert numbers is not None and numbers.emergency == expected


@pytest.mark.parametrize(("country", "emergency", "crisis"), [
    ("US", "911", "988 Suicide & Crisis Lifeline (call or text 988)"),
    ("CA", "911", "9-8-8 Suicide Crisis Helpline (call or text 988)"),
    ("GB", "999 (112 also works)", "Samaritans 116 123"),
    ("IE", "112 or 999", "Samaritans 116 123"),
    ("AU", "000", "Lifeline 13 11 14"),
    ("NZ", "111", "1737 (call or text)"),
    ("PT", "112", None),
    ("NO", "112", None),
])
def test_each_country_gets_its_own_numbers(country: str, emergency: str, crisis: str | None) -> None:
    numbers = emergency_numbers(country)
    assert numbers is not None and (numbers.emergency, numbers.crisis) == (emergency, crisis)


def test_every_eea_country_but_ireland_gets_112_and_no_crisis_line() -> None:
    for country in EEA - {"IE"}:
        numbers = emergency_numbers(country)
        assert numbers is not None and (numbers.emergency, numbers.crisis) == ("112", None)


@pytest.mark.parametrize("country", ["JP", "CH", "MX", "XX"])
def test_a_country_the_reference_does_not_name_gets_no_number(country: str) -> None:
    assert emergency_numbers(country) is None
    assert numbers_for(_clinician(country, [])) is None
