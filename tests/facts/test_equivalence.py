"""The equivalence tables, row for row against REFERENCE.md section 3."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from docgen.facts.equivalence import (
    TABLE_CITATIONS,
    TABLE_NAMES,
    EquivalenceTable,
    Equivalent,
    equivalent,
    equivalents,
    generic_name,
    half_life,
    is_z_drug,
    looks_like_benzodiazepine,
)

ASHTON = EquivalenceTable.ASHTON
VA_DOD = EquivalenceTable.VA_DOD

Figures = tuple[float, float] | None
Row = tuple[str, Figures, Figures, str, bool]

# drug, Ashton (low, high) or None for "–", VA/DoD 2021 or None, half-life as printed, Z-drug
REFERENCE_ROWS: list[Row] = [
    ("alprazolam", (0.5, 0.5), (1, 1), "6–12 h", False),
    ("bromazepam", (5, 6), None, "10–20 h", False),
    ("chlordiazepoxide", (25, 25), (25, 25), "5–30 [36–200] h", False),
    ("clobazam", (20, 20), None, "12–60 h", False),
    ("clonazepam", (0.5, 0.5), (1, 1), "18–50 h", False),
    ("clorazepate", (15, 15), (15, 15), "[36–200] h", False),
    ("diazepam", (10, 10), (10, 10), "20–100 [36–200] h", False),
    ("estazolam", (1, 2), (1, 1), "10–24 h", False),
    ("flunitrazepam", (1, 1), None, "18–26 [36–200] h", False),
    ("flurazepam", (15, 30), (15, 15), "[40–250] h", False),
    ("halazepam", (20, 20), None, "[30–100] h", False),
    ("ketazolam", (15, 30), None, "30–100 [36–200] h", False),
    ("loprazolam", (1, 2), None, "6–12 h", False),
    ("lorazepam", (1, 1), (2, 2), "10–20 h", False),
    ("lormetazepam", (1, 2), None, "10–12 h", False),
    ("medazepam", (10, 10), None, "36–200 h", False),
    ("nitrazepam", (10, 10), None, "15–38 h", False),
    ("nordazepam", (10, 10), None, "36–200 h", False),
    ("oxazepam", (20, 20), (30, 30), "4–15 h", False),
    ("prazepam", (10, 20), None, "[36–200] h", False),
    ("quazepam", (20, 20), (10, 10), "25–100 h", False),
    ("temazepam", (20, 20), (15, 15), "8–22 h", False),
    ("triazolam", (0.5, 0.5), (0.25, 0.25), "2 h", False),
    ("zaleplon", (20, 20), None, "2 h", True),
    ("zolpidem", (20, 20), None, "2 h", True),
    ("zopiclone", (15, 15), None, "5–6 h", True),
    ("eszopiclone", (3, 3), None, "6 h", True),
]
DRUGS = [row[0] for row in REFERENCE_ROWS]

BRANDS = [
    ("Xanax", "alprazolam"),
    ("Klonopin", "clonazepam"),
    ("Rivotril", "clonazepam"),
    ("Valium", "diazepam"),
    ("Ativan", "lorazepam"),
    ("Restoril", "temazepam"),
    ("Halcion", "triazolam"),
    ("Librium", "chlordiazepoxide"),
    ("Tranxene", "clorazepate"),
    ("Serax", "oxazepam"),
    ("Ambien", "zolpidem"),
    ("Lunesta", "eszopiclone"),
    ("Sonata", "zaleplon"),
    ("Imovane", "zopiclone"),
]

NOT_IN_TABLE_BENZODIAZEPINES = [
    "midazolam",
    "etizolam",
    "phenazepam",
    "flubromazolam",
    "clotiazepam",
    "cloxazolam",
    "Clonazolam",
    " diclazepam ",
]

NON_BENZODIAZEPINES = [
    "baclofen",
    "gabapentin",
    "pregabalin",
    "sertraline",
    "paroxetine",
    "venlafaxine",
    "mirtazapine",
    "quetiapine",
    "propranolol",
    "hydroxyzine",
    "buspirone",
    "",
    "   ",
]


def _expected(
    row: Row,
    table: EquivalenceTable,
) -> Figures:
    return row[1] if table is ASHTON else row[2]


@pytest.mark.parametrize("table", [ASHTON, VA_DOD])
@pytest.mark.parametrize("row", REFERENCE_ROWS, ids=DRUGS)
def test_every_row_of_both_tables(
    row: Row,
    table: EquivalenceTable,
) -> None:
    figures = _expected(row, table)
    found = equivalent(row[0], table)
    if figures is None:
        assert found is None
        return
    low, high = figures
    assert found == Equivalent(drug=row[0], table=table, mg_low=low, mg_high=high)
    assert found.mg == pytest.approx((low + high) / 2)


def test_the_default_table_is_ashton() -> None:
    assert equivalent("clonazepam") == equivalent("clonazepam", ASHTON)
    assert equivalent("clonazepam") != equivalent("clonazepam", VA_DOD)


@pytest.mark.parametrize(
    ("drug", "table", "midpoint", "text"),
    [
        ("bromazepam", ASHTON, 5.5, "5–6 mg"),
        ("estazolam", ASHTON, 1.5, "1–2 mg"),
        ("flurazepam", ASHTON, 22.5, "15–30 mg"),
        ("ketazolam", ASHTON, 22.5, "15–30 mg"),
        ("loprazolam", ASHTON, 1.5, "1–2 mg"),
        ("lormetazepam", ASHTON, 1.5, "1–2 mg"),
        ("prazepam", ASHTON, 15.0, "10–20 mg"),
        ("clonazepam", ASHTON, 0.5, "0.5 mg"),
        ("diazepam", ASHTON, 10.0, "10 mg"),
        ("triazolam", VA_DOD, 0.25, "0.25 mg"),
        ("estazolam", VA_DOD, 1.0, "1 mg"),
        ("oxazepam", VA_DOD, 30.0, "30 mg"),
    ],
)
def test_ranges_convert_with_the_midpoint_and_show_the_range(
    drug: str, table: EquivalenceTable, midpoint: float, text: str
) -> None:
    found = equivalent(drug, table)
    assert found is not None
    assert found.mg == midpoint
    assert found.range_text == text


@pytest.mark.parametrize(
    ("drug", "table", "mg_per_day", "diazepam_mg"),
    [
        ("clonazepam", ASHTON, 2.5, 50.0),
        ("clonazepam", VA_DOD, 2.5, 25.0),
        ("alprazolam", ASHTON, 1.0, 20.0),
        ("lorazepam", VA_DOD, 4.0, 20.0),
        ("diazepam", ASHTON, 20.0, 20.0),
        ("bromazepam", ASHTON, 11.0, 20.0),
        ("zolpidem", ASHTON, 10.0, 5.0),
        ("eszopiclone", ASHTON, 3.0, 10.0),
        ("clonazepam", ASHTON, 0.0, 0.0),
    ],
)
def test_diazepam_equivalent_dose(
    drug: str, table: EquivalenceTable, mg_per_day: float, diazepam_mg: float
) -> None:
    found = equivalent(drug, table)
    assert found is not None
    assert found.diazepam_mg(mg_per_day) == pytest.approx(diazepam_mg)


@pytest.mark.parametrize("row", REFERENCE_ROWS, ids=DRUGS)
def test_half_life_and_z_drug_per_row(
    row: Row,
) -> None:
    drug, _, _, expected_half_life, z_drug = row
    assert half_life(drug) == expected_half_life
    assert is_z_drug(drug) is z_drug
    assert generic_name(drug) == drug
    assert looks_like_benzodiazepine(drug)


@pytest.mark.parametrize(("brand", "generic"), BRANDS)
def test_brand_names_map_to_generics(brand: str, generic: str) -> None:
    for spelling in (brand, brand.upper(), brand.lower(), f"  {brand}\t"):
        assert generic_name(spelling) == generic
        assert equivalent(spelling) == equivalent(generic)
        assert equivalent(spelling, VA_DOD) == equivalent(generic, VA_DOD)
        assert half_life(spelling) == half_life(generic)
        assert is_z_drug(spelling) is is_z_drug(generic)
        assert looks_like_benzodiazepine(spelling)


def test_generic_names_ignore_case_and_whitespace() -> None:
    assert generic_name(" Clonazepam ") == "clonazepam"
    found = equivalent("DIAZEPAM")
    assert found is not None and found.drug == "diazepam"


@pytest.mark.parametrize("name", NOT_IN_TABLE_BENZODIAZEPINES)
def test_benzodiazepines_in_no_table_are_recognised_but_never_converted(name: str) -> None:
    assert looks_like_benzodiazepine(name)
    assert generic_name(name) is None
    assert equivalent(name) is None
    assert equivalent(name, VA_DOD) is None
    assert half_life(name) is None
    assert not is_z_drug(name)


@pytest.mark.parametrize("name", NON_BENZODIAZEPINES)
def test_non_benzodiazepines_are_never_converted(name: str) -> None:
    assert not looks_like_benzodiazepine(name)
    assert generic_name(name) is None
    assert equivalent(name) is None
    assert equivalent(name, VA_DOD) is None
    assert half_life(name) is None
    assert not is_z_drug(name)


@pytest.mark.parametrize("table", [ASHTON, VA_DOD])
def test_equivalents_lists_every_figure_in_reference_order(table: EquivalenceTable) -> None:
    expected = [row[0] for row in REFERENCE_ROWS if _expected(row, table) is not None]
    assert [item.drug for item in equivalents(table)] == expected
    assert all(item.table is table for item in equivalents(table))


def test_ashton_covers_every_row_and_va_dod_the_twelve_it_prints() -> None:
    assert len(equivalents(ASHTON)) == 27
    assert len(equivalents(VA_DOD)) == 12


def test_table_names_and_citations() -> None:
    assert TABLE_NAMES == {ASHTON: "Ashton", VA_DOD: "VA/DoD 2021"}
    assert TABLE_CITATIONS[ASHTON] == (
        "The Ashton Manual, rev. 2002; Benzodiazepine Equivalence Table, rev. 2007"
    )
    assert TABLE_CITATIONS[VA_DOD] == (
        "VA/DoD 2021 values as printed in the 2025 Joint Clinical Practice Guideline on "
        "Benzodiazepine Tapering, Table 7"
    )


def test_table_values_are_the_case_file_spellings() -> None:
    assert EquivalenceTable("ashton") is ASHTON
    assert EquivalenceTable("va-dod") is VA_DOD


@settings(max_examples=100, deadline=None)
@given(name=st.sampled_from(DRUGS), mg_per_day=st.floats(min_value=0, max_value=1000))
def test_conversion_round_trips_through_diazepam(name: str, mg_per_day: float) -> None:
    found = equivalent(name)
    assert found is not None
    diazepam = equivalent("diazepam")
    assert diazepam is not None
    assert found.diazepam_mg(mg_per_day) * found.mg / 10 == pytest.approx(mg_per_day)
    assert diazepam.diazepam_mg(mg_per_day) == pytest.approx(mg_per_day)
    assert found.mg_low <= found.mg <= found.mg_high


@settings(max_examples=100, deadline=None)
@given(name=st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=12))
def test_unknown_names_are_never_converted(name: str) -> None:
    if generic_name(name) is None:
        assert equivalent(name) is None
        assert equivalent(name, VA_DOD) is None
