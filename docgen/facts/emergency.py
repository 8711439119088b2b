"""Emergency and crisis numbers by country, for the warning signs a document lists (REFERENCE.md
section 7: give the reader's country, never a number for another; where the country is not known,
"local emergency services" and no number).

A person's country is their `country` code; where it is absent, a last address line that names a
country sets it; otherwise it is the US (CASEFILE.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class EmergencyNumbers:
    country: str
    emergency: str
    #: The crisis line, or None where REFERENCE.md gives none.
    crisis: str | None


_EU_EEA = ("AT BE BG HR CY CZ DK EE FI FR DE GR HU IS IT LV LI LT LU MT NL NO PL PT RO SK SI ES SE").split()

_NUMBERS: dict[str, tuple[str, str | None]] = {
    "US": ("911", "988 Suicide & Crisis Lifeline (call or text 988)"),
    "CA": ("911", "9-8-8 Suicide Crisis Helpline (call or text 988)"),
    "GB": ("999 (112 also works)", "Samaritans 116 123"),
    "IE": ("112 or 999", "Samaritans 116 123"),
    "AU": ("000", "Lifeline 13 11 14"),
    "NZ": ("111", "1737 (call or text)"),
    **{code: ("112", None) for code in _EU_EEA},
}

#: Country names as a last address line may give them, in English and in the country's own language.
_NAMES: dict[str, str] = {
    "united states": "US", "united states of america": "US", "usa": "US", "u.s.a.": "US", "us": "US",
    "canada": "CA", "united kingdom": "GB", "uk": "GB", "great britain": "GB", "england": "GB",
    "scotland": "GB", "wales": "GB", "northern ireland": "GB", "ireland": "IE", "éire": "IE",
    "australia": "AU", "new zealand": "NZ", "aotearoa": "NZ",
    "austria": "AT", "österreich": "AT", "belgium": "BE", "belgique": "BE", "belgië": "BE", "bulgaria": "BG",
    "croatia": "HR", "hrvatska": "HR", "cyprus": "CY", "czechia": "CZ", "czech republic": "CZ", "česko": "CZ",
    "denmark": "DK", "danmark": "DK", "estonia": "EE", "eesti": "EE", "finland": "FI", "suomi": "FI",
    "france": "FR", "germany": "DE", "deutschland": "DE", "greece": "GR", "hungary": "HU",
    "magyarország": "HU", "iceland": "IS", "ísland": "IS", "italy": "IT", "italia": "IT", "latvia": "LV",
    "latvija": "LV", "liechtenstein": "LI", "lithuania": "LT", "lietuva": "LT", "luxembourg": "LU",
    "malta": "MT", "netherlands": "NL", "the netherlands": "NL", "nederland": "NL", "norway": "NO",
    "norge": "NO", "poland": "PL", "polska": "PL", "portugal": "PT", "romania": "RO", "românia": "RO",
    "slovakia": "SK", "slovensko": "SK", "slovenia": "SI", "slovenija": "SI", "spain": "ES", "españa": "ES",
    "sweden": "SE", "sverige": "SE",
}


def country_of(code: str | None, address: Sequence[str]) -> str:
    """The country code: as given, else named by the last address line, else US."""
    if code:
        return code.upper()
    if address:
        named = _NAMES.get(address[-1].strip().strip(".").casefold())
        if named is not None:
            return named
    return "US"


def emergency_numbers(country: str) -> EmergencyNumbers | None:
    """The numbers for ``country`` (a two-letter code), or None where REFERENCE.md gives none."""
    found = _NUMBERS.get(country.upper())
    if found is None:
        return None
    return EmergencyNumbers(country.upper(), *found)
