"""Benzodiazepine equivalence: milligrams that match diazepam 10 mg, by table.

Pure data and functions, no I/O. The figures are those of REFERENCE.md section 3:

- **Ashton** (the default): The Ashton Manual, rev. 2002, and her Benzodiazepine Equivalence
  Table, rev. 2007 (eszopiclone appears in the 2007 table only).
- **VA/DoD 2021**, as printed in the 2025 Joint Clinical Practice Guideline on Benzodiazepine
  Tapering, Table 7.

Tables disagree, often twofold or more, so every converted figure must name its table. Where a
table gives a range, conversion uses the midpoint and the range is shown. Drugs that look like
benzodiazepines but are in neither table (midazolam, etizolam, ...) and non-benzodiazepines
(baclofen, gabapentin, ...) are never converted: `equivalent` returns None for them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class EquivalenceTable(str, Enum):
    """The equivalence tables docgen ships."""

    ASHTON = "ashton"
    VA_DOD = "va-dod"


TABLE_NAMES: dict[EquivalenceTable, str] = {
    EquivalenceTable.ASHTON: "Ashton",
    EquivalenceTable.VA_DOD: "VA/DoD 2021",
}

TABLE_CITATIONS: dict[EquivalenceTable, str] = {
    EquivalenceTable.ASHTON: (
        "The Ashton Manual, rev. 2002; Benzodiazepine Equivalence Table, rev. 2007"
    ),
    EquivalenceTable.VA_DOD: (
        "VA/DoD 2021 values as printed in the 2025 Joint Clinical Practice Guideline on "
        "Benzodiazepine Tapering, Table 7"
    ),
}


@dataclass(frozen=True)
class Equivalent:
    """How many mg of `drug` one table takes to match diazepam 10 mg.

    `mg_low` and `mg_high` are equal when the table gives a single figure.
    """

    drug: str
    table: EquivalenceTable
    mg_low: float
    mg_high: float

    @property
    def mg(self) -> float:
        """The figure used for conversion: the midpoint of the range."""
        return (self.mg_low + self.mg_high) / 2

    @property
    def range_text(self) -> str:
        """The table's figure as printed, e.g. "5–6 mg" or "0.5 mg"."""
        if self.mg_low == self.mg_high:
            return f"{_format_number(self.mg_low)} mg"
        return f"{_format_number(self.mg_low)}–{_format_number(self.mg_high)} mg"

    def diazepam_mg(self, mg_per_day: float) -> float:
        """The diazepam-equivalent daily dose of `mg_per_day` of this drug."""
        return mg_per_day * 10 / self.mg


@dataclass(frozen=True)
class _Row:
    drug: str
    ashton: tuple[float, float] | None
    va_dod: tuple[float, float] | None
    half_life: str
    z_drug: bool = False


# REFERENCE.md section 3, row for row. None stands for "–" (not in that table).
_ROWS: tuple[_Row, ...] = (
    _Row("alprazolam", (0.5, 0.5), (1, 1), "6–12 h"),
    _Row("bromazepam", (5, 6), None, "10–20 h"),
    _Row("chlordiazepoxide", (25, 25), (25, 25), "5–30 [36–200] h"),
    _Row("clobazam", (20, 20), None, "12–60 h"),
    _Row("clonazepam", (0.5, 0.5), (1, 1), "18–50 h"),
    _Row("clorazepate", (15, 15), (15, 15), "[36–200] h"),
    _Row("diazepam", (10, 10), (10, 10), "20–100 [36–200] h"),
    _Row("estazolam", (1, 2), (1, 1), "10–24 h"),
    _Row("flunitrazepam", (1, 1), None, "18–26 [36–200] h"),
    _Row("flurazepam", (15, 30), (15, 15), "[40–250] h"),
    _Row("halazepam", (20, 20), None, "[30–100] h"),
    _Row("ketazolam", (15, 30), None, "30–100 [36–200] h"),
    _Row("loprazolam", (1, 2), None, "6–12 h"),
    _Row("lorazepam", (1, 1), (2, 2), "10–20 h"),
    _Row("lormetazepam", (1, 2), None, "10–12 h"),
    _Row("medazepam", (10, 10), None, "36–200 h"),
    _Row("nitrazepam", (10, 10), None, "15–38 h"),
    _Row("nordazepam", (10, 10), None, "36–200 h"),
    _Row("oxazepam", (20, 20), (30, 30), "4–15 h"),
    _Row("prazepam", (10, 20), None, "[36–200] h"),
    _Row("quazepam", (20, 20), (10, 10), "25–100 h"),
    _Row("temazepam", (20, 20), (15, 15), "8–22 h"),
    _Row("triazolam", (0.5, 0.5), (0.25, 0.25), "2 h"),
    _Row("zaleplon", (20, 20), None, "2 h", z_drug=True),
    _Row("zolpidem", (20, 20), None, "2 h", z_drug=True),
    _Row("zopiclone", (15, 15), None, "5–6 h", z_drug=True),
    _Row("eszopiclone", (3, 3), None, "6 h", z_drug=True),  # Ashton 2007 table only
)

_ROWS_BY_DRUG: dict[str, _Row] = {row.drug: row for row in _ROWS}

_BRANDS: dict[str, str] = {
    "xanax": "alprazolam",
    "klonopin": "clonazepam",
    "rivotril": "clonazepam",
    "valium": "diazepam",
    "ativan": "lorazepam",
    "restoril": "temazepam",
    "halcion": "triazolam",
    "librium": "chlordiazepoxide",
    "tranxene": "clorazepate",
    "serax": "oxazepam",
    "ambien": "zolpidem",
    "lunesta": "eszopiclone",
    "sonata": "zaleplon",
    "imovane": "zopiclone",
}

# Benzodiazepines (and close relatives) that neither table lists: shown in their own mg.
_UNTABULATED_BENZODIAZEPINES: frozenset[str] = frozenset(
    {
        "midazolam",
        "etizolam",
        "phenazepam",
        "flubromazolam",
        "clotiazepam",
        "cloxazolam",
        "brotizolam",
        "clonazolam",
        "flualprazolam",
        "diclazepam",
        "flubromazepam",
        "remimazolam",
    }
)

_BENZODIAZEPINE_ENDINGS: tuple[str, ...] = ("azepam", "azolam", "zolam")


def _normalise(name: str) -> str:
    return name.strip().lower()


def _format_number(value: float) -> str:
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return text or "0"


def generic_name(name: str) -> str | None:
    """The table's generic name for a generic or brand name, or None when neither table knows it.

    Case and surrounding whitespace are ignored: " Klonopin " -> "clonazepam".
    """
    key = _normalise(name)
    if key in _ROWS_BY_DRUG:
        return key
    return _BRANDS.get(key)


def equivalent(name: str, table: EquivalenceTable = EquivalenceTable.ASHTON) -> Equivalent | None:
    """The drug's diazepam 10 mg equivalent in `table`, or None when that table has no figure.

    None for drugs the table marks "–", for benzodiazepines in no table and for
    non-benzodiazepines: those are never converted.
    """
    generic = generic_name(name)
    if generic is None:
        return None
    row = _ROWS_BY_DRUG[generic]
    figures = row.ashton if table is EquivalenceTable.ASHTON else row.va_dod
    if figures is None:
        return None
    low, high = figures
    return Equivalent(drug=generic, table=table, mg_low=float(low), mg_high=float(high))


def equivalents(table: EquivalenceTable = EquivalenceTable.ASHTON) -> tuple[Equivalent, ...]:
    """Every figure `table` gives, in REFERENCE.md's row order."""
    found = (equivalent(row.drug, table) for row in _ROWS)
    return tuple(item for item in found if item is not None)


def half_life(name: str) -> str | None:
    """The elimination half-life as printed, e.g. "18–50 h".

    Figures in [brackets] are those of an active metabolite.
    """
    generic = generic_name(name)
    if generic is None:
        return None
    return _ROWS_BY_DRUG[generic].half_life


def is_z_drug(name: str) -> bool:
    """True for zaleplon, zolpidem, zopiclone and eszopiclone (by generic or brand name)."""
    generic = generic_name(name)
    return generic is not None and _ROWS_BY_DRUG[generic].z_drug


def looks_like_benzodiazepine(name: str) -> bool:
    """True for drugs in either table (Z-drugs included) and for names that look like
    benzodiazepines the tables do not list (midazolam, etizolam, "-azepam", "-zolam").

    Used to warn about a drug the equivalence table does not know; baclofen, gabapentin,
    pregabalin, antidepressants and the like are False.
    """
    if generic_name(name) is not None:
        return True
    key = _normalise(name)
    return key in _UNTABULATED_BENZODIAZEPINES or key.endswith(_BENZODIAZEPINE_ENDINGS)
