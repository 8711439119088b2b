"""Where a request stands, from its section and its log: the stage, every date, the next steps,
and what `validate` says about a log that does not add up. Hand-checked tables, then properties."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from docgen.case.model import Case
from docgen.facts.request_log import iter_problems
from docgen.facts.requests import status


def _case(request: str = "amendment", *, log: list[dict[str, Any]] | None = None, date_: str | None = None,
          response: dict[str, Any] | None = None, address: list[str] | None = None,
          patient_address: list[str] | None = None) -> Case:
    section: dict[str, Any] = {"to": {"organization": "Clinic", "address": address or ["1 Main St", "Springfield, IL"]}}
    if request == "amendment":
        section["items"] = [{"record": "Note", "requested_text": "Add: a fact."}]
        key = "amendment"
    else:
        section["records"] = ["Notes"]
        key = "access_request"
    if log is not None:
        section["log"] = log
    if date_ is not None:
        section["date"] = date_
    if response is not None:
        section["response"] = response
    data = {"version": 1, "patient": {"name": "Ann", "address": patient_address or []},
            "medications": [{"drug": "diazepam", "doses": [{"date": "2020-01-01", "mg_per_day": 10}]}], key: section}
    return Case.model_validate(data)


def sent(day: str, **more: Any) -> dict[str, Any]:
    return {"date": day, "action": "sent", **more}


def received(day: str) -> dict[str, Any]:
    return {"date": day, "action": "received"}


def extension(day: str, note: str | None = None) -> dict[str, Any]:
    return {"date": day, "action": "extension", **({"note": note} if note else {})}


def decision(day: str) -> dict[str, Any]:
    return {"date": day, "action": "decision"}


D = date.fromisoformat

# name, case, today, stage, received, due, complaint_by (all worked by hand)
CASES = [
    ("nothing sent", _case(), D("2026-11-22"), "drafted", None, None, None),
    ("dated in the future", _case(date_="2026-12-01"), D("2026-11-22"), "drafted", None, None, None),
    ("dated, receipt assumed 5 days later", _case(date_="2026-11-18"), D("2026-11-22"), "sent",
     D("2026-11-23"), D("2027-01-22"), None),
    ("received: the clock runs from receipt", _case(log=[sent("2026-11-22"), received("2026-11-25")]),
     D("2026-12-01"), "received", D("2026-11-25"), D("2027-01-24"), None),
    ("received on a Saturday", _case(log=[sent("2026-11-19"), received("2026-11-21")]), D("2026-12-01"),
     "received", D("2026-11-21"), D("2027-01-20"), None),
    ("extended with a new date", _case(log=[sent("2026-11-22"), received("2026-11-25"),
                                            extension("2027-01-20", "new date 2027-02-23")]),
     D("2027-02-01"), "extended", D("2026-11-25"), D("2027-02-23"), None),
    ("extended without a date: the limit", _case(log=[sent("2026-11-22"), received("2026-11-25"),
                                                      extension("2027-01-20")]),
     D("2027-02-01"), "extended", D("2026-11-25"), D("2027-02-23"), None),
    ("extended past the limit: capped", _case(log=[sent("2026-11-22"), received("2026-11-25"),
                                                   extension("2027-01-20", "new date 2027-04-01")]),
     D("2027-02-01"), "extended", D("2026-11-25"), D("2027-02-23"), None),
    ("extension given late does not count", _case(log=[sent("2026-11-22"), received("2026-11-25"),
                                                       extension("2027-01-28", "new date 2027-02-23")]),
     D("2027-02-01"), "overdue", D("2026-11-25"), D("2027-01-24"), D("2027-07-23")),
    ("overdue through a leap February", _case(log=[sent("2027-12-28"), received("2027-12-31")]),
     D("2028-03-01"), "overdue", D("2027-12-31"), D("2028-02-29"), D("2028-08-27")),
    ("denied: 180 days from the denial", _case(log=[sent("2026-09-08"), received("2026-09-11"),
                                                    decision("2026-09-29")],
                                               response={"decision": "denied", "received_on": "2026-09-29"}),
     D("2026-11-22"), "answered", D("2026-09-11"), D("2026-11-10"), D("2027-03-28")),
    ("denied, no log: the response's date", _case(date_="2026-09-08",
                                                  response={"decision": "denied", "received_on": "2026-09-29"}),
     D("2026-11-22"), "answered", D("2026-09-13"), D("2026-11-12"), D("2027-03-28")),
    ("accepted: no complaint", _case(log=[sent("2026-09-08"), received("2026-09-11"), decision("2026-10-01")],
                                     response={"decision": "accepted"}),
     D("2026-11-22"), "answered", D("2026-09-11"), D("2026-11-10"), None),
    ("access overdue after an extension", _case("access", log=[sent("2026-09-14"), received("2026-09-14"),
                                                               extension("2026-10-09", "new date 2026-11-13")]),
     D("2026-11-22"), "overdue", D("2026-09-14"), D("2026-11-13"), D("2027-05-12")),
    ("access due on its last day, not yet overdue", _case("access", log=[sent("2026-09-14"), received("2026-09-14")]),
     D("2026-10-14"), "received", D("2026-09-14"), D("2026-10-14"), None),
    ("GDPR: one month, 31 Jan to 28 Feb", _case(log=[sent("2027-01-29"), received("2027-01-31")],
                                                address=["Rua Augusta 10", "Lisboa", "Portugal"]),
     D("2027-03-01"), "overdue", D("2027-01-31"), D("2027-02-28"), None),
    ("GDPR: extended by two months", _case("access", log=[sent("2028-01-29"), received("2028-01-31"),
                                                          extension("2028-02-20")],
                                           address=["Dublin 2", "Ireland"]),
     D("2028-03-15"), "extended", D("2028-01-31"), D("2028-04-30"), None),
    ("extension by response.decision, told in time", _case(log=[sent("2026-11-22"), received("2026-11-25")],
                                                            response={"decision": "extended",
                                                                      "received_on": "2027-01-10",
                                                                      "extended_to": "2027-02-10"}),
     D("2027-02-01"), "extended", D("2026-11-25"), D("2027-02-10"), None),
]


@pytest.mark.parametrize(("case", "today", "stage", "received_on", "due", "complaint_by"),
                         [item[1:] for item in CASES], ids=[item[0] for item in CASES])
def test_stage_and_dates(case: Case, today: date, stage: str, received_on, due, complaint_by) -> None:
    name = "amendment" if case.amendment is not None else "access"
    state = status(case, name, today)
    assert (state.stage, state.received, state.due, state.complaint_by) == (stage, received_on, due, complaint_by)


def test_a_late_extension_and_a_capped_one_are_said_so() -> None:
    late = status(CASES[8][1], "amendment", D("2027-02-01"))
    assert late.late_extension and late.extended and late.first_due == late.due
    capped = status(CASES[7][1], "amendment", D("2027-02-01"))
    assert capped.capped and not capped.late_extension


def _steps(case: Case, today: date, name: str = "amendment") -> list[tuple[str | None, str | None]]:
    return [(step.document, step.log) for step in status(case, name, today).steps]


def test_the_next_steps_follow_the_stage() -> None:
    assert _steps(_case(), D("2026-11-22")) == [("amendment", None), (None, "sent")]
    assert _steps(_case(date_="2026-11-18"), D("2026-11-22")) == [
        (None, "sent"), (None, "received"), ("amendment-follow-up", None)]
    assert _steps(CASES[3][1], D("2026-12-01")) == [("amendment-follow-up", None)]
    overdue = status(CASES[9][1], "amendment", D("2028-03-01"))
    assert [(step.document, step.by) for step in overdue.steps] == [
        ("amendment-follow-up", None), ("complaint", D("2028-08-27"))]
    assert _steps(CASES[10][1], D("2026-11-22")) == [("disagreement", None), ("complaint", None)]
    assert _steps(CASES[12][1], D("2026-11-22")) == [(None, None)]
    assert _steps(CASES[13][1], D("2026-11-22"), "access") == [("access-follow-up", None), ("access-complaint", None)]
    # under the GDPR there is no statement of disagreement: the complaint goes to the authority
    gdpr = _case(log=[sent("2027-01-29"), received("2027-01-31"), decision("2027-02-10")],
                 response={"decision": "denied"}, address=["Lisboa", "Portugal"])
    assert _steps(gdpr, D("2027-03-01")) == [("complaint", None)]


def test_the_follow_up_is_due_the_day_after_the_deadline() -> None:
    state = status(CASES[3][1], "amendment", D("2026-12-01"))
    assert state.steps[0].on == D("2027-01-25")
    assert state.days_left == 54


def test_a_request_to_a_country_without_rules_has_no_stage_or_steps() -> None:
    state = status(_case(date_="2026-11-18", address=["1 Main St", "Toronto ON", "Canada"]), "amendment",
                   D("2026-11-22"))
    assert state.regime is None and state.steps == () and state.due is None


@pytest.mark.parametrize(("log", "response", "expected"), [
    ([sent("2026-11-22"), received("2026-11-25")], None, []),
    ([received("2026-11-20"), sent("2026-11-22")], None,
     [("amendment.log[0]", "received on 20 Nov 2026, before it was sent (22 Nov 2026)")]),
    ([sent("2026-11-22"), received("2026-11-25"), {"date": "2026-11-23", "action": "call"}], None,
     [("amendment.log[2].date", "23 Nov 2026 is before the entry above it (25 Nov 2026)")]),
    ([sent("2026-11-22"), received("2026-11-25"), extension("2027-01-10"), extension("2027-01-12")], None,
     [("amendment.log[3]", "a second extension; 45 CFR 164.526(b)(2) allows one")]),
    ([sent("2026-11-22"), received("2026-11-25"), extension("2027-01-28")], None,
     [("amendment.log[2]", "the extension of 28 Jan 2027 came after the first 60 days ended on 24 Jan 2027")]),
    ([sent("2026-11-22"), decision("2026-12-20")], None,
     [("amendment.log[1]", "a decision is logged on 20 Dec 2026, but amendment.response.decision does not record it")]),
    ([sent("2026-11-22"), decision("2026-12-20")], {"decision": "denied"}, []),
    ([sent("2026-11-22"), decision("2026-12-20"), extension("2026-12-22")], {"decision": "denied"},
     [("amendment.log[2]", "an extension after the decision of 20 Dec 2026")]),
    ([sent("2026-11")], None, [("amendment.log[0].date", "2026-11 is not a full date")]),
])
def test_validate_checks_the_log(log, response, expected) -> None:
    problems = list(iter_problems(_case(log=log, response=response)))
    assert [(field, message[:len(text)]) for (field, message), (_f, text) in zip(problems, expected)] == expected
    assert len(problems) == len(expected)


def test_validate_names_a_recipient_whose_rules_docgen_does_not_state() -> None:
    problems = list(iter_problems(_case(address=["Bahnhofstrasse 1", "8001 Zürich", "Schweiz"])))
    assert problems[0][0] == "amendment.to"
    assert "names Switzerland" in problems[0][1]


def test_validate_reports_log_problems_through_iter_warnings() -> None:
    from docgen.facts.review import iter_warnings

    warnings = list(iter_warnings(_case(log=[sent("2026-11-22"), decision("2026-12-20")])))
    assert any(warning.field == "amendment.log[1]" for warning in warnings)


DAYS = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31))


@given(DAYS, st.integers(0, 20), st.integers(-10, 200), st.sampled_from(["amendment", "access"]),
       st.sampled_from([["Springfield, IL"], ["Dublin 2", "Ireland"], ["London", "UK"]]))
def test_the_stage_follows_the_dates(sent_on: date, transit: int, later: int, name: str, address: list[str]) -> None:
    got = sent_on + timedelta(days=transit)
    case = _case(name, log=[sent(sent_on.isoformat()), received(got.isoformat())], address=address)
    today = got + timedelta(days=later)
    state = status(case, name, today)
    assert state.received == got and state.due is not None and state.latest is not None
    assert got < state.due < state.latest
    assert state.stage == ("overdue" if today > state.due else "received")
    if state.stage == "overdue" and state.regime == "us":
        assert state.complaint_by == state.due + timedelta(days=180)
    else:
        assert state.complaint_by is None


@given(DAYS, st.integers(0, 120), st.integers(0, 150))
def test_an_extension_never_moves_the_deadline_past_the_limit_or_before_the_first(received_on: date, noticed: int,
                                                                                  asked: int) -> None:
    notice, asked_for = received_on + timedelta(days=noticed), received_on + timedelta(days=asked)
    case = _case(log=[sent(received_on.isoformat()), received(received_on.isoformat()),
                      extension(notice.isoformat(), f"new date {asked_for.isoformat()}")])
    state = status(case, "amendment", received_on)
    assert state.first_due is not None and state.due is not None and state.latest is not None
    assert state.first_due <= state.due <= state.latest
    if noticed > 60:
        assert state.late_extension and state.due == state.first_due
