"""The jinja2 environment: user text escaped on the way in, no blank left by a missing value, the
filters the templates use, and user template folders (sandboxed, overriding by file name)."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from conftest import SAMPLES, TODAY
from hypothesis import given
from hypothesis import strategies as st

from docgen.case.dates import PartialDate
from docgen.case.loading import load_case
from docgen.documents.timeline import KIND as TIMELINE
from docgen.errors import TemplateError
from docgen.facts.formatting import format_date, format_dose, format_mg, format_mg_figure, format_percent
from docgen.markup.blocks import Paragraph, parse_document, plain
from docgen.markup.templating import clean_text, environment, render_markup, template_dir
from docgen.options import Options
from docgen.pipeline import build_document


def write_templates(folder: Path, **templates: str) -> str:
    """Templates by file name (``name_xml_j2`` for ``name.xml.j2``) in ``folder``; the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, source in templates.items():
        (folder / name.replace("_xml_j2", ".xml.j2")).write_text(source, encoding="utf-8")
    return str(folder)


def render(tmp_path: Path, source: str, **context: Any) -> str:
    """``source`` rendered as a user template, with ``context``."""
    return render_markup("probe.xml.j2", context, write_templates(tmp_path / "templates", probe_xml_j2=source))


def error(tmp_path: Path, source: str, **context: Any) -> str:
    with pytest.raises(TemplateError) as raised:
        render(tmp_path, source, **context)
    return str(raised.value)


def paragraph_text(markup: str) -> str:
    document = parse_document(markup, {}, "probe.xml.j2")
    (block,) = document.blocks
    assert isinstance(block, Paragraph)
    return plain(block.spans)


# -- user text is text ---------------------------------------------------------------------------------

TYPED = [
    "Fish & Chips Clinic",
    "AT&T",
    "dose <2 mg> for <3 days",
    "<b>not bold</b>",
    "&amp; stays an ampersand and the letters amp",
    "{{ patient.name }}",
    "{% if true %}not a statement{% endif %}",
    "{# not a comment #}",
    "]]> and <![CDATA[",
    "\"double\" and 'single' quotes",
    "Zoë Łukasiewicz-Núñez ≥ 5 µg",
]


@pytest.mark.parametrize("typed", TYPED)
def test_user_text_prints_exactly_as_typed(typed: str, tmp_path: Path) -> None:
    markup = render(tmp_path, "<document><p>{{ value }}</p></document>", value=typed)
    assert paragraph_text(markup) == typed


@pytest.mark.parametrize("typed", TYPED)
def test_user_text_in_an_attribute_prints_exactly_as_typed(typed: str, tmp_path: Path) -> None:
    markup = render(tmp_path, '<document title="{{ value }}"><furniture left="{{ value }}"/></document>', value=typed)
    document = parse_document(markup, {}, "probe.xml.j2")
    assert document.title == typed
    assert document.furniture.header_left == typed


def test_escaping_happens_once(tmp_path: Path) -> None:
    assert render(tmp_path, "<p>{{ value }}</p>", value="a & <b>") == "<p>a &amp; &lt;b&gt;</p>"


def test_markup_written_by_a_template_is_not_escaped(tmp_path: Path) -> None:
    source = "{% macro strong(text) %}<b>{{ text }}</b>{% endmacro %}<p>{{ strong(value) }}</p>"
    assert render(tmp_path, source, value="x < y") == "<p><b>x &lt; y</b></p>"


def test_none_prints_as_nothing(tmp_path: Path) -> None:
    assert render(tmp_path, "<p>[{{ value }}]</p>", value=None) == "<p>[]</p>"


@pytest.mark.parametrize(("typed", "kept"), [
    ("tab\tseparated", "tab separated"),
    ("bell\x07 and null\x00", "bell and null"),
    ("escape\x1b[0m", "escape[0m"),
    ("lone \ud800 surrogate", "lone \ufffd surrogate"),
    ("non\ufffecharacter", "noncharacter"),
    ("line\nbreak", "line\nbreak"),
])
def test_characters_xml_cannot_carry_are_replaced(typed: str, kept: str, tmp_path: Path) -> None:
    assert clean_text(typed) == kept
    assert render(tmp_path, "<p>{{ value }}</p>", value=typed) == f"<p>{kept}</p>"


@given(st.text(max_size=80))
def test_any_user_text_survives_template_and_block_model(typed: str) -> None:
    markup = environment().from_string("<document><p>{{ value }}</p></document>").render(value=typed)
    assert paragraph_text(markup) == re.sub(r"[ \t\n\r\f\v]+", " ", clean_text(typed)).strip(" ")


# -- a missing value is an error, never a blank --------------------------------------------------------


@pytest.mark.parametrize(("source", "line", "message"), [
    ("<document>\n<p>{{ name }}</p>\n<p>{{ missing }}</p>\n</document>", 3, "'missing' is undefined"),
    ("<document>\n<p>{{ patient.nmae }}</p>\n</document>", 2, "'dict object' has no attribute 'nmae'"),
    ("<document>\n\n\n<p>{% if missing %}x{% endif %}</p>\n</document>", 4, "'missing' is undefined"),
    ("<document>\n<p>{% for item in missing %}{{ item }}{% endfor %}</p>\n</document>", 2, "'missing' is undefined"),
    ("<document>\n<p>{{ missing | upper }}</p>\n</document>", 2, "'missing' is undefined"),
])
def test_a_missing_variable_is_an_error_naming_the_template_and_line(source: str, line: int, message: str,
                                                                     tmp_path: Path) -> None:
    found = error(tmp_path, source, name="x", patient={"name": "x"})
    assert found == f"{tmp_path / 'templates' / 'probe.xml.j2'}, line {line}: {message}"


def test_a_missing_variable_in_a_built_in_template_names_it() -> None:
    with pytest.raises(TemplateError) as raised:
        render_markup(TIMELINE.template, {})
    assert str(raised.value).startswith(f"{template_dir() / TIMELINE.template}, line ")
    assert str(raised.value).endswith("is undefined")


def test_a_syntax_error_names_the_template_and_line(tmp_path: Path) -> None:
    found = error(tmp_path, "<document>\n<p>{{ name </p>\n</document>", name="x")
    assert found.startswith(f"{tmp_path / 'templates' / 'probe.xml.j2'}, line 2: ")


def test_a_template_that_is_not_there_is_named_with_the_folder(tmp_path: Path) -> None:
    folder = write_templates(tmp_path / "templates")
    with pytest.raises(TemplateError) as raised:
        render_markup("nowhere.xml.j2", {}, folder)
    assert str(raised.value) == f"template 'nowhere.xml.j2' was not found in {folder}"


# -- the filters -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("expression", "value", "expected"), [
    ("value | date", PartialDate.parse("2024-06-03"), "3 Jun 2024"),
    ("value | date", PartialDate.parse("2019-06"), "Jun 2019"),
    ("value | date", PartialDate.parse("2014"), "2014"),
    ("value | date", date(2024, 2, 10), "10 Feb 2024"),
    ("value | date", None, "date not given"),
    ("value | date('unknown')", None, "unknown"),
    ("value | mg", 2.5, "2.5"),
    ("value | mg", 0.0625, "0.0625"),
    ("value | mg", 10.0, "10"),
    ("value | mg", 60, "60"),
    ("value | mg", 0.0, "0"),
    ("value | mg", -0.0, "0"),
    ("value | mg", 1.25, "1.25"),
    ("value | mg", 1 / 3, "0.333333333333"),  # twelve significant digits at most
    ("value | mg", 999_999_999.5, "999999999.5"),
    ("value | mg", 1e9, "1e+09"),
    ("value | mg", 1e308, "1e+308"),
    ("value | dose", 2.5, "2.5 mg/day"),
    ("value | dose", 0, "0 mg/day"),
    ("value | dose", 0.125, "0.125 mg/day"),
    ("value | percent", 25, "25%"),
    ("value | percent", 10.0, "10%"),
    ("value | percent", 33.333, "33%"),
    ("value | percent", 7.5, "7.5%"),
    ("value | percent", 9.94, "9.9%"),
    ("value | percent", 9.96, "10%"),
    ("value | percent", 0.5, "0.5%"),
    ("value | percent", 4.02, "4%"),
    ("value | percent", 100, "100%"),
    ("value | join_words", ["a"], "a"),
    ("value | join_words", ["a", "b"], "a and b"),
    ("value | join_words", ["a", "b", "c"], "a, b and c"),
    ("value | join_words", [], ""),
    ("value | sentence", "tremor, both hands", "Tremor, both hands"),
    ("value | sentence", "mRI kept", "MRI kept"),
    ("value | sentence", "", ""),
])
def test_filters(expression: str, value: object, expected: str, tmp_path: Path) -> None:
    assert render(tmp_path, f"{{{{ {expression} }}}}", value=value) == expected


@pytest.mark.parametrize(("function", "value", "expected"), [
    (format_date, PartialDate.parse("2023-01"), "Jan 2023"),
    (format_mg, 0.0625, "0.0625"),
    (format_dose, 55, "55 mg/day"),
    (format_percent, 12.0, "12%"),
])
def test_the_filters_are_the_formatting_functions(function: Any, value: object, expected: str) -> None:
    assert function(value) == expected


@given(st.decimals(min_value=0, max_value=100_000, places=4, allow_nan=False, allow_infinity=False))
def test_a_dose_of_up_to_four_decimals_reads_back_as_written(value: Decimal) -> None:
    text = format_mg(float(value))
    assert Decimal(text) == value
    if "." in text:
        assert not text.endswith(("0", "."))  # no trailing zeros


@pytest.mark.parametrize(("value", "expected"), [(0.03125, "0.03125"), (0.00004, "0.00004"), (0.0000012, "0.0000012"),
                                               (1e-300, "1e-300"), (0.1 + 0.2, "0.3"), (-0.0, "0")])
def test_a_dose_with_more_decimals_prints_as_typed(value: float, expected: str) -> None:
    assert format_mg(value) == expected


@pytest.mark.parametrize(("value", "expected"), [
    (2.5, "2.5"), (0.125, "0.125"), (0.0625, "0.0625"), (0.00004, "0.00004"),
    (1.6492, "≈ 1.65"), (1.5997, "≈ 1.6"), (0.03125, "≈ 0.0312"), (12.3456, "≈ 12.3"),
])
def test_a_figure_in_a_sentence_keeps_three_decimals_and_rounds_beyond(value: float, expected: str) -> None:
    assert format_mg_figure(value) == expected


def test_a_filter_that_fails_names_the_template_line_but_not_the_value(tmp_path: Path) -> None:
    found = error(tmp_path, "<document>\n<p>{{ value | dose }}</p>\n</document>", value="Jordan A. Rivera")
    assert found == f"{tmp_path / 'templates' / 'probe.xml.j2'}, line 2: TypeError in an expression or filter"


# -- user template folders ----------------------------------------------------------------------------


@pytest.mark.parametrize("expression", [
    "''.__class__",
    "''.__class__.__mro__[1].__subclasses__()",
    "value.__class__",
    "value.__init__.__globals__",
    "(1).__class__.__bases__",
    "lipsum.__globals__",
    "cycler.__init__.__globals__",
    "value.format.__globals__",
])
def test_a_user_template_cannot_reach_python_internals(expression: str, tmp_path: Path) -> None:
    found = error(tmp_path, f"<document>\n<p>{{{{ {expression} }}}}</p>\n</document>", value="text")
    assert found.startswith(f"{tmp_path / 'templates' / 'probe.xml.j2'}, line 2: ")
    assert "is unsafe" in found or "has no attribute" in found, found  # refused, or hidden


def test_an_attribute_escape_is_refused_by_name(tmp_path: Path) -> None:
    found = error(tmp_path, "<document>\n<p>{{ ''.__class__ }}</p>\n</document>")
    assert found == (f"{tmp_path / 'templates' / 'probe.xml.j2'}, line 2: "
                     "access to attribute '__class__' of 'str' object is unsafe.")


def test_a_user_template_cannot_call_an_unsafe_method(tmp_path: Path) -> None:
    found = error(tmp_path, "{{ value.__getattribute__('upper') }}", value="text")
    assert "unsafe" in found


def test_a_user_template_cannot_include_a_file_outside_the_folders(tmp_path: Path) -> None:
    (tmp_path / "secret.xml.j2").write_text("secret", encoding="utf-8")
    found = error(tmp_path, "{% include '../secret.xml.j2' %}")
    assert found.startswith("template '../secret.xml.j2' was not found")


def test_a_user_template_replaces_the_built_in_one_of_the_same_name(tmp_path: Path) -> None:
    case = load_case(SAMPLES[0])
    folder = write_templates(tmp_path / "mine", timeline_xml_j2='<document title="Mine"><p>{{ patient.name }}</p></document>')
    document = build_document(case, TIMELINE, Options(today=TODAY, templates=folder))
    assert document.title == "Mine"
    assert document.text() == f"[body] {case.patient.name}"


def test_a_user_partial_replaces_the_built_in_one_inside_a_built_in_template(tmp_path: Path) -> None:
    case = load_case(SAMPLES[0])
    folder = tmp_path / "mine"
    folder.mkdir()
    common = (template_dir() / "_common.xml.j2").read_text(encoding="utf-8")
    assert 'footer="Generated {{ generated }} with docgen"' in common
    (folder / "_common.xml.j2").write_text(common.replace('with docgen"/>', 'by hand"/>'), encoding="utf-8")
    built_in = build_document(case, TIMELINE, Options(today=TODAY))
    mine = build_document(case, TIMELINE, Options(today=TODAY, templates=str(folder)))
    assert built_in.furniture.footer_left.endswith("with docgen")
    assert mine.furniture.footer_left == built_in.furniture.footer_left.replace("with docgen", "by hand")
    assert mine.blocks == built_in.blocks  # timeline.xml.j2 itself still comes from docgen


def test_names_not_in_the_user_folder_come_from_docgen(tmp_path: Path) -> None:
    probe = '{% import "_common.xml.j2" as common %}{{ common.closing_line() }}'
    only_probe = write_templates(tmp_path / "only-probe", probe_xml_j2=probe)
    assert render_markup("probe.xml.j2", {}, only_probe) == (
        "Prepared with docgen from the patient's case file. Not medical or legal advice.")
    with_partial = write_templates(tmp_path / "with-partial", probe_xml_j2=probe,
                                   _common_xml_j2="{% macro closing_line() %}Prepared by hand.{% endmacro %}")
    assert render_markup("probe.xml.j2", {}, with_partial) == "Prepared by hand."
