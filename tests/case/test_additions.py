"""The contract's additions: country codes, the taper plan's own details, the request log and the
request for copies. Every file written before them still loads."""

from __future__ import annotations

import pytest

from docgen.case.loading import parse_case
from docgen.errors import CaseFileError

BASE = """version: 1
patient:
  name: Inês Carvalho
  country: {country}
  address: ["Rua das Flores 12", "1200-192 Lisboa", "Portugal"]
clinicians:
  - {{id: dr-lima, name: Rui Lima, role: prescriber, country: PT}}
medications:
  - drug: diazepam
    doses: [{{date: 2025-01-01, mg_per_day: 20}}]
    taper:
      start: 2026-12-01
      percent: 10
      every_days: 28
      tablets_mg: [5, 2]
      reason: "long-term use; falls risk"
      agreed_on: 2026-11-10
      slow_or_pause_if: "withdrawal symptoms make daily life hard"
amendment:
  to: {{organization: Clínica Lisboa, country: pt}}
  items: [{{record: Consulta de neurologia, current_text: "FND"}}]
  notify: [{{name: Centro de Saúde, country: PT}}]
  log:
    - {{date: 2026-11-22, action: sent, method: certified mail, reference: "RR123456789PT"}}
    - {{date: 2026-11-25, action: received}}
    - {{date: 2026-12-10, action: extension, note: "new date 2027-02-25"}}
access_request:
  to: {{organization: Clínica Lisboa, attention: Encarregado de proteção de dados}}
  records: ["Notas de neurologia 2023-2025", "Lista de problemas"]
  format: electronic copy (PDF) by secure e-mail
  deliver_to: {{name: Centro de Saúde, address: ["Av. 1"], country: PT}}
  log: []
"""


def test_every_addition_loads() -> None:
    case = parse_case(BASE.format(country="PT").encode(), "case.yaml")
    taper = case.medications[0].taper
    assert taper is not None and taper.tablets_mg == [5, 2] and taper.agreed_on is not None
    assert taper.slow_or_pause_if == "withdrawal symptoms make daily life hard"
    assert case.patient.country == "PT" and case.clinicians[0].country == "PT"
    assert case.amendment is not None and case.amendment.to.country == "PT"  # written in lower case
    assert [entry.action for entry in case.amendment.log] == ["sent", "received", "extension"]
    assert case.access_request is not None and case.access_request.deliver_to is not None
    assert case.access_request.records[1] == "Lista de problemas"


@pytest.mark.parametrize(("country", "message"), [
    ("Portugal", "'Portugal' is not a country code; expected two letters (ISO 3166-1 alpha-2)"),
    ("P1", "'P1' is not a country code"),
])
def test_a_country_that_is_not_a_code_is_located(country: str, message: str) -> None:
    with pytest.raises(CaseFileError) as caught:
        parse_case(BASE.format(country=country).encode(), "case.yaml")
    assert str(caught.value).startswith(f"case.yaml: patient.country (line 4): {message}")


def test_a_log_action_outside_the_list_is_located() -> None:
    text = BASE.format(country="PT").replace("action: received", "action: lost")
    with pytest.raises(CaseFileError) as caught:
        parse_case(text.encode(), "case.yaml")
    assert str(caught.value).startswith("case.yaml: amendment.log[1].action (line 25): 'lost' is not allowed; "
                                        "expected one of: sent, received, call, extension, decision, note")


def test_an_approximate_onset_loads_and_prints_with_its_mark() -> None:
    from docgen.options import Options
    from docgen.pipeline import document_text

    text = BASE.format(country="PT") + "symptoms: [{name: insomnia, category: sleep, onset: ~2015-03}]\n"
    case = parse_case(text.encode(), "case.yaml")
    assert case.symptoms[0].onset.approximate
    assert "~ Mar 2015" in document_text(case, "timeline", Options())
