"""Emergency and crisis numbers by country, for the warning signs a document lists (REFERENCE.md
section 7: give the reader's country, never a number for another; where the country is not known,
"local emergency services" and no number).

A person's country is `docgen.facts.jurisdiction.country_of`: their `country` code; where it is
absent, a last address line that names a country; otherwise the US (CASEFILE.md).
"""

from __future__ import annotations

from dataclasses import dataclass

from docgen.facts.jurisdiction import EEA, Party, country_of


@dataclass(frozen=True)
class EmergencyNumbers:
    country: str
    emergency: str
    #: The crisis line, or None where REFERENCE.md gives none.
    crisis: str | None


#: REFERENCE.md section 7's table, row by row; "any other EU/EEA country" is every EEA member
#: without a row of its own (Ireland has one).
_NUMBERS: dict[str, tuple[str, str | None]] = {
    **{code: ("112", None) for code in EEA},
    "US": ("911", "988 Suicide & Crisis Lifeline (call or text 988)"),
    "CA": ("911", "9-8-8 Suicide Crisis Helpline (call or text 988)"),
    "GB": ("999 (112 also works)", "Samaritans 116 123"),
    "IE": ("112 or 999", "Samaritans 116 123"),
    "AU": ("000", "Lifeline 13 11 14"),
    "NZ": ("111", "1737 (call or text)"),
}


def emergency_numbers(country: str) -> EmergencyNumbers | None:
    """The numbers for ``country`` (a two-letter code), or None where REFERENCE.md gives none."""
    found = _NUMBERS.get(country.upper())
    if found is None:
        return None
    return EmergencyNumbers(country.upper(), *found)


def numbers_for(party: Party) -> EmergencyNumbers | None:
    """The numbers of the country a party is in (the reader of the warning signs), or None."""
    return emergency_numbers(country_of(party))
