"""The FND rule-in signs the exams found, per exam and never pooled (REFERENCE.md section 5).

A sign found present in one exam and not present in another keeps both results, each with its
exam's date. Each sign is told apart by whether it tests a presentation the patient has: the
catalog's symptom type ("leg weakness", "tremor", "sensory", ...) matched to the names of the
case's symptoms. Only the signs that do count in the headline "tested and not present": a
negative Hoover's sign says little about a patient without leg weakness.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from docgen.case.dates import PartialDate
from docgen.case.model import Case, Symptom
from docgen.facts.fnd import CATALOG, RESULT_TEXT, is_known, lower_first, sign_name

#: The words in a symptom's name that show each presentation of the catalog's "type" column.
_PRESENTATION_WORDS: dict[str, tuple[str, ...]] = {
    "weakness": ("weak", "paresis", "paralys", "palsy", "heaviness"),
    "tremor": ("tremor", "shaking", "shakes", "trembl"),
    "gait": ("gait", "walk", "balance", "limp"),
    "sensory": ("numb", "tingl", "sensory", "sensation", "paraesth", "paresth", "pins and needles",
                "hypoaesth", "hypoesth", "anaesth", "anesth"),
    "vision": ("vision", "visual", "sight", "blur", "seeing"),
    "attacks": ("seizure", "attack", "blackout", "collapse", "convuls", "non-epileptic", "dissociative"),
}
_ARM_WORDS = ("arm", "hand", "grip", "wrist", "upper limb")
_LEG_WORDS = ("leg", "foot", "feet", "hip", "knee", "ankle", "lower limb")


@dataclass(frozen=True)
class ExamFinding:
    sign: str  # as documents name it: "Hoover's sign", or free text as typed
    key: str  # the case file's sign
    result: str  # positive | negative | inconclusive | not_tested
    note: str | None


@dataclass(frozen=True)
class Exam:
    date: PartialDate
    examiner_id: str | None
    examiner: str | None  # the examiner's name, where the case names a known clinician
    source: str | None
    findings: tuple[ExamFinding, ...]

    def with_result(self, result: str) -> list[ExamFinding]:
        return [finding for finding in self.findings if finding.result == result]


@dataclass(frozen=True)
class SignRecord:
    """One sign across the exams: each (exam date, result), in exam order."""

    sign: str
    key: str
    relevant: bool  # tests a presentation the patient has
    results: tuple[tuple[PartialDate, str], ...]

    def dates(self, result: str) -> list[PartialDate]:
        return [day for day, found in self.results if found == result]


@dataclass(frozen=True)
class FindingSummary:
    """The signs by what the exams found, for a headline that never pools them.

    ``absent``: relevant signs found not present and never present; ``present``: signs found
    present in at least one exam (with their other results); ``absent_elsewhere``: signs found
    not present that test a presentation the case does not record (or free-text signs, whose type
    is not known); ``unresolved``: signs only inconclusive or not tested.
    """

    exams: tuple[Exam, ...]
    absent: tuple[SignRecord, ...]
    present: tuple[SignRecord, ...]
    absent_elsewhere: tuple[SignRecord, ...]
    unresolved: tuple[SignRecord, ...]


def exams(case: Case) -> list[Exam]:
    """The exams with findings, by date; each finding as the case file records it."""
    found = []
    for exam in sorted(case.fnd_exams, key=lambda exam: exam.date.sort_key()):
        if not exam.findings:
            continue
        examiner = case.clinician(exam.examiner)
        found.append(Exam(
            date=exam.date,
            examiner_id=exam.examiner,
            examiner=examiner.name if examiner is not None else None,
            source=exam.source,
            findings=tuple(ExamFinding(sign_name(finding.sign), finding.sign, finding.result, finding.note)
                           for finding in exam.findings),
        ))
    return found


def summarize_findings(case: Case) -> FindingSummary:
    """Every sign's results across the exams, sorted into the summary's groups."""
    listed = exams(case)
    records: dict[str, list[tuple[PartialDate, str]]] = {}
    keys: dict[str, str] = {}
    for exam in listed:
        for finding in exam.findings:
            records.setdefault(finding.sign, []).append((exam.date, finding.result))
            keys.setdefault(finding.sign, finding.key)
    absent: list[SignRecord] = []
    present: list[SignRecord] = []
    elsewhere: list[SignRecord] = []
    unresolved: list[SignRecord] = []
    for sign, results in records.items():
        record = SignRecord(sign, keys[sign], probes_presentation(keys[sign], case.symptoms), tuple(results))
        found = {result for _day, result in results}
        if "positive" in found:
            present.append(record)
        elif "negative" in found:
            (absent if record.relevant else elsewhere).append(record)
        else:
            unresolved.append(record)
    return FindingSummary(tuple(listed), tuple(absent), tuple(present), tuple(elsewhere), tuple(unresolved))


def probes_presentation(sign: str, symptoms: Sequence[Symptom]) -> bool:
    """Whether a catalog sign tests a presentation one of the symptoms shows (by its name, and
    for sensory signs its category); False for a free-text sign, whose type is not known."""
    found = CATALOG.get(sign.strip())
    if found is None:
        return False
    types = [part.strip() for part in found.symptom_type.split(",")]
    return any(_shows(kind, symptom) for kind in types for symptom in symptoms)


def _shows(kind: str, symptom: Symptom) -> bool:
    name = symptom.name.casefold()
    limb = kind.split()[0] if kind.endswith("weakness") and " " in kind else None
    base = "weakness" if kind.endswith("weakness") else kind
    words = _PRESENTATION_WORDS.get(base, ())
    if base == "attacks" and "panic" in name:
        return False
    if not any(word in name for word in words):
        return False
    if base == "sensory" and symptom.category not in ("sensory", "other"):
        return False
    if limb in ("arm", "leg"):
        arm, leg = any(word in name for word in _ARM_WORDS), any(word in name for word in _LEG_WORDS)
        if arm or leg:  # a limb named: only the signs for that limb
            return arm if limb == "arm" else leg
    return True


def running_name(finding: ExamFinding) -> str:
    """A catalog sign in running text ("drift without pronation"); free text as typed."""
    return lower_first(finding.sign) if is_known(finding.key) else finding.key.strip()


def result_text(result: str) -> str:
    return RESULT_TEXT[result]
