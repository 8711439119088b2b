"""Where each party is, which rules govern a request to them, and the dates those rules set.

The country of a party (the patient, a clinician, ``amendment.to``, ``access_request.to``, a
``notify`` entry or ``deliver_to``) is its ``country`` field (ISO 3166-1 alpha-2) where given;
otherwise a last address line that names a country, in English or in the country's own language
("Portugal", "Danmark", "Polska", "Deutschland", "United Kingdom"), sets it; otherwise it is the
United States (CASEFILE.md, Additions).

The regime follows from the country of the party that holds the record (REFERENCE.md sections 1
and 7): ``"us"`` (HIPAA, 45 CFR 164.524 and 164.526), ``"gdpr"`` (the EU and EEA, Regulation
(EU) 2016/679), ``"uk-gdpr"`` (the United Kingdom: the UK GDPR with the Data Protection Act 2018,
same article numbers), or None for anywhere else, whose rules docgen does not state.

Time limits by regime:

- US amendment (164.526(b)(2)): act no later than 60 days after receipt; one extension of at most
  30 days, given in writing within the 60 days.
- US access (164.524(b)(2)): 30 days after receipt, one extension of at most 30 days.
- GDPR and UK GDPR, either request (Art. 12(3)): without undue delay and at the latest one month
  after receipt; an extension by two further months, told within the first month.
- A complaint to the Secretary of HHS (45 CFR 160.306(b)(3)): within 180 days of when the
  complainant knew or should have known (US only). Under the GDPR a complaint goes to a
  supervisory authority (Art. 77; the Information Commissioner's Office in the UK), with no
  180-day rule.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal, Protocol

from docgen.case.dates import add_days

Regime = Literal["us", "gdpr", "uk-gdpr"]
RequestName = Literal["amendment", "access"]

#: What docgen calls the country where none is given or named: the contract's default.
DEFAULT_COUNTRY = "US"

#: EU member states and the other EEA countries (Iceland, Liechtenstein, Norway).
EEA = frozenset("AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE IS LI NO".split())

#: The names a country goes by on an address's last line, in English and in its own languages,
#: with each country's English name first (the name documents print).
_NAMES: dict[str, tuple[str, ...]] = {
    "US": ("United States", "United States of America", "USA", "U.S.A.", "U.S.", "US"),
    "GB": ("United Kingdom", "UK", "U.K.", "Great Britain", "England", "Scotland", "Wales", "Northern Ireland",
           "Cymru", "Alba"),
    "AT": ("Austria", "Österreich", "Oesterreich"),
    "BE": ("Belgium", "België", "Belgique", "Belgien"),
    "BG": ("Bulgaria", "България", "Bulgariya"),
    "HR": ("Croatia", "Hrvatska"),
    "CY": ("Cyprus", "Κύπρος", "Kypros", "Kıbrıs"),
    "CZ": ("Czechia", "Czech Republic", "Česko", "Česká republika", "Cesko"),
    "DK": ("Denmark", "Danmark"),
    "EE": ("Estonia", "Eesti"),
    "FI": ("Finland", "Suomi"),
    "FR": ("France",),
    "DE": ("Germany", "Deutschland"),
    "GR": ("Greece", "Ελλάδα", "Ελλάς", "Hellas", "Ellada"),
    "HU": ("Hungary", "Magyarország", "Magyarorszag"),
    "IE": ("Ireland", "Éire", "Eire", "Republic of Ireland"),
    "IT": ("Italy", "Italia"),
    "LV": ("Latvia", "Latvija"),
    "LT": ("Lithuania", "Lietuva"),
    "LU": ("Luxembourg", "Lëtzebuerg", "Luxemburg"),
    "MT": ("Malta",),
    "NL": ("Netherlands", "The Netherlands", "Nederland", "Holland"),
    "PL": ("Poland", "Polska"),
    "PT": ("Portugal",),
    "RO": ("Romania", "România"),
    "SK": ("Slovakia", "Slovensko", "Slovak Republic"),
    "SI": ("Slovenia", "Slovenija"),
    "ES": ("Spain", "España", "Espana"),
    "SE": ("Sweden", "Sverige"),
    "IS": ("Iceland", "Ísland"),
    "LI": ("Liechtenstein",),
    "NO": ("Norway", "Norge", "Noreg"),
    # elsewhere: named so that a letter to them is refused rather than written under US rules
    "CH": ("Switzerland", "Schweiz", "Suisse", "Svizzera", "Svizra"),
    "CA": ("Canada",),
    "AU": ("Australia",),
    "NZ": ("New Zealand", "Aotearoa"),
    "MX": ("Mexico", "México"),
    "BR": ("Brazil", "Brasil"),
    "AR": ("Argentina",),
    "CL": ("Chile",),
    "CO": ("Colombia",),
    "JP": ("Japan", "日本"),
    "CN": ("China", "People's Republic of China", "中国"),
    "HK": ("Hong Kong",),
    "TW": ("Taiwan",),
    "KR": ("South Korea", "Republic of Korea", "Korea", "대한민국"),
    "IN": ("India", "Bharat"),
    "SG": ("Singapore",),
    "PH": ("Philippines",),
    "IL": ("Israel", "ישראל"),
    "TR": ("Turkey", "Türkiye", "Turkiye"),
    "UA": ("Ukraine", "Україна"),
    "RU": ("Russia", "Russian Federation", "Россия"),
    "ZA": ("South Africa",),
    "AE": ("United Arab Emirates", "UAE"),
    "SA": ("Saudi Arabia",),
    "EG": ("Egypt",),
    "NG": ("Nigeria",),
    "KE": ("Kenya",),
}

_TRAILING = re.compile(r"[\s.,;]+$")


def _key(text: str) -> str:
    return " ".join(_TRAILING.sub("", text).split()).casefold()


_BY_NAME = {_key(name): code for code, names in _NAMES.items() for name in names}


class Party(Protocol):
    """Anything with an address and an optional country: the patient, a clinician, a recipient."""

    @property
    def country(self) -> str | None: ...

    @property
    def address(self) -> list[str]: ...


def named_country(line: str) -> str | None:
    """The country a line of an address names: the whole line ("Danmark") or what follows its
    last comma ("Dublin 2, Ireland"); None when it names none docgen knows."""
    text = _key(line)
    if text in _BY_NAME:
        return _BY_NAME[text]
    if "," in text:
        return _BY_NAME.get(_key(text.rsplit(",", 1)[1]))
    return None


def country_from_address(address: Sequence[str]) -> str | None:
    """The country the last non-empty line of an address names, or None."""
    lines = [line for line in address if line.strip()]
    return named_country(lines[-1]) if lines else None


@dataclass(frozen=True)
class Location:
    """A party's country and how it is known: ``"country"`` (the field), ``"address"`` (its last
    line) or ``"default"`` (neither: the United States)."""

    country: str
    known_from: Literal["country", "address", "default"]


def locate(party: Party) -> Location:
    """Where a party is (CASEFILE.md, Additions)."""
    if party.country is not None:
        return Location(party.country.upper(), "country")
    named = country_from_address(party.address)
    if named is not None:
        return Location(named, "address")
    return Location(DEFAULT_COUNTRY, "default")


def country_of(party: Party) -> str:
    """A party's ISO 3166-1 alpha-2 country code."""
    return locate(party).country


def regime_of(country: str) -> Regime | None:
    """The rules docgen states for a country: "us", "gdpr" (EU/EEA), "uk-gdpr", or None."""
    code = country.upper()
    if code == "US":
        return "us"
    if code in EEA:
        return "gdpr"
    if code == "GB":
        return "uk-gdpr"
    return None


def country_name(country: str) -> str:
    """The country's English name ("Ireland"), or its code when docgen knows no name for it."""
    names = _NAMES.get(country.upper())
    return names[0] if names else country.upper()


#: What ``validate`` calls each regime.
REGIME_NAMES: dict[Regime, str] = {"us": "United States (HIPAA)", "gdpr": "GDPR", "uk-gdpr": "UK GDPR"}


def where(party: Party, field: str) -> str:
    """Where a party is and how docgen knows: "amendment.to is in Portugal (country: PT)", "...
    in Portugal, from its address line 'Lisboa, Portugal'", or "no country given for amendment.to
    (the default)"."""
    location = locate(party)
    if location.known_from == "country":
        return f"{field} is in {country_name(location.country)} (country: {location.country})"
    if location.known_from == "address":
        line = [line for line in party.address if line.strip()][-1]
        return f"{field} is in {country_name(location.country)}, from its address line '{line.strip()}'"
    return f"no country given for {field} (the default)"


def explain(party: Party, field: str) -> str:
    """The rules a request to the party is written under, and why: "GDPR: amendment.to is in
    Portugal (country: PT)"; for a country docgen has no rules for, that its documents are refused."""
    regime = regime_of(locate(party).country)
    if regime is None:
        return f"none docgen states: {where(party, field)}; its documents are refused"
    return f"{REGIME_NAMES[regime]}: {where(party, field)}"


def unsupported(party: Party, field: str, document: str) -> str | None:
    """None when docgen knows the rules for the party's country; else a message naming the field."""
    location = locate(party)
    if regime_of(location.country) is not None:
        return None
    where = (f"{field}.country is {location.country}" if location.known_from == "country" else
             f"the last line of {field}.address names {country_name(location.country)}")
    return (f"{document}: {where} ({country_name(location.country)}); docgen states the rules of the United States "
            "(HIPAA), the EU and EEA (GDPR) and the United Kingdom (UK GDPR) only, and writes no letter under another "
            f"country's law; set {field}.country if the country is wrong")


# -- dates ----------------------------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    """The same day number ``months`` calendar months later, or that month's last day when it has
    none: one month after 31 Jan is 28 Feb (29 Feb in a leap year), one month after 15 Mar is
    15 Apr.

    This is how "one month after receipt" in GDPR Art. 12(3) is counted here (REFERENCE.md
    section 7): the period ends on the day of the next month with the same number as the day of
    receipt, or on the last day of that month when it is shorter. Dates past the end of the
    calendar are held at 31 Dec 9999.
    """
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    if year > date.max.year:
        return date.max
    if year < date.min.year:
        return date.min
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


@dataclass(frozen=True)
class Period:
    """A time limit: a number of days, or of calendar months."""

    days: int = 0
    months: int = 0

    def after(self, start: date) -> date:
        """The last day of the period that starts on ``start`` (the day of receipt)."""
        return add_months(start, self.months) if self.months else add_days(start, self.days)

    def words(self) -> str:
        """"60 days", "one month", "two months"."""
        if self.months:
            return {1: "one month", 2: "two months", 3: "three months"}.get(self.months, f"{self.months} months")
        return f"{self.days} day{'s' if self.days != 1 else ''}"


@dataclass(frozen=True)
class Rules:
    """The time limits of one kind of request under one regime."""

    regime: Regime
    request: RequestName
    #: The time to answer, from receipt.
    answer: Period
    #: The one extension, counted on from the end of ``answer``.
    extension: Period
    #: The days to complain to the Secretary of HHS, from knowing (None: no such limit).
    complaint_days: int | None

    def due(self, receipt: date) -> date:
        """When the answer is due without an extension."""
        return self.answer.after(receipt)

    def latest(self, receipt: date) -> date:
        """When the answer is due at the latest, with the one extension."""
        if self.answer.months or self.extension.months:
            return add_months(receipt, self.answer.months + self.extension.months)
        return add_days(receipt, self.answer.days + self.extension.days)

    def complaint_by(self, known: date) -> date | None:
        """The last day to complain to the Secretary, counted from ``known``; None outside the US."""
        return add_days(known, self.complaint_days) if self.complaint_days is not None else None


#: 45 CFR 164.526(b)(2): 60 days, one extension of at most 30 days.
US_AMENDMENT = Rules("us", "amendment", Period(days=60), Period(days=30), 180)
#: 45 CFR 164.524(b)(2): 30 days, one extension of at most 30 days.
US_ACCESS = Rules("us", "access", Period(days=30), Period(days=30), 180)
#: 45 CFR 160.306(b)(3).
COMPLAINT_WITHIN_DAYS = 180


def rules(regime: Regime, request: RequestName) -> Rules:
    """The time limits for a request under a regime."""
    if regime == "us":
        return US_AMENDMENT if request == "amendment" else US_ACCESS
    # GDPR Art. 12(3): one month after receipt, extended by two further months
    return Rules(regime, request, Period(months=1), Period(months=2), None)


def supervisory_authority(regime: Regime, patient: Party, controller: Party) -> str | None:
    """Where a GDPR complaint goes (Art. 77): the UK's Information Commissioner's Office; in the
    EU and EEA, the supervisory authority of the patient's country of habitual residence when it
    is in the EEA, else of the controller's country (the place of the alleged infringement). None
    for the US, where a complaint goes to the Secretary of HHS."""
    if regime == "us":
        return None
    if regime == "uk-gdpr":
        return "the Information Commissioner’s Office (ICO)"
    home = country_of(patient)
    country = home if home in EEA else country_of(controller)
    return f"the data protection supervisory authority of {country_name(country)}"
