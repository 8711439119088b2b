"""Warnings for dates that cannot both be right."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from docgen.case.loading import parse_case
from docgen.facts.chronology import iter_chronology_warnings

HEAD = "version: 1\npatient: {name: A, date_of_birth: 1970-05-10}\n"


def _warnings(body: str) -> list[tuple[str, str]]:
    return list(iter_chronology_warnings(parse_case((HEAD + body).encode(), "case.yaml")))


@pytest.mark.parametrize(("body", "expected"), [
    ("medications: [{drug: diazepam, doses: [{date: 1940-01-01, mg_per_day: 5}]}]\n",
     [("medications[0].doses[0].date", "1 Jan 1940 is before the date of birth (10 May 1970); check the year")]),
    ("medications: [{drug: diazepam, doses: [{date: 1970-05, mg_per_day: 5}]}]\n", []),  # May 1970 may be after the 10th
    ("medications: [{drug: diazepam, doses: [{date: 1970-04, mg_per_day: 5}]}]\n",
     [("medications[0].doses[0].date", "Apr 1970 is before the date of birth (10 May 1970); check the year")]),
    ("medications: [{drug: d, doses: [{date: 2000-01-01, mg_per_day: 5}]}]\nsymptoms: [{name: x, onset: 1969}]\n"
     "events: [{date: 1960-02-02, title: t}]\nfnd_exams: [{date: 1901-01-01}]\n",
     [("symptoms[0].onset", "1969 is before the date of birth (10 May 1970); check the year"),
      ("events[0].date", "2 Feb 1960 is before the date of birth (10 May 1970); check the year"),
      ("fnd_exams[0].date", "1 Jan 1901 is before the date of birth (10 May 1970); check the year")]),
    ("medications: [{drug: diazepam, doses: [{date: 2020-01-01, mg_per_day: 5}, {date: 2020-01-01, mg_per_day: 4}]}]\n",
     [("medications[0].doses[1].date", "diazepam has two different doses on 1 Jan 2020 (5 and 4 mg/day, entries 0 "
       "and 1); the later entry in the file is the one used")]),
    ("medications: [{drug: diazepam, doses: [{date: 2020-01-01, mg_per_day: 5}, {date: 2020-01-01, mg_per_day: 5}]}]\n", []),
    ("medications: [{drug: diazepam, doses: [{date: 2020-01, mg_per_day: 5}, {date: 2020-01-01, mg_per_day: 4}]}]\n", []),
])
def test_dates_that_cannot_both_be_right(body: str, expected: list[tuple[str, str]]) -> None:
    assert _warnings(body) == expected


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(0, 5), min_size=1, max_size=60))
def test_every_date_with_two_doses_is_warned_once_per_extra_entry(days: list[int]) -> None:
    doses = ", ".join(f"{{date: 2020-01-{day + 1:02d}, mg_per_day: {index}}}" for index, day in enumerate(days))
    warnings = _warnings(f"medications: [{{drug: d, doses: [{doses}]}}]\n")
    assert len(warnings) == len(days) - len(set(days))
