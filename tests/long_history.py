"""Synthetic, fully fictional case files that are large on purpose.

`ten_year_case()` is a clonazepam history with one dose entry per day for ten years
(3,650 entries), 60 symptoms, 200 events, two FND examinations, an amendment and a
therapist letter: the stress case for loading, layout and page breaking.
`scaled_case(factor)` grows with `factor` (about 36 dose entries, 6 symptoms and
20 events per unit) for benchmark sweeps at factor 1, 10 and 100.

Both return plain dicts written to the case-file contract (/work/shared/CASEFILE.md):
JSON-serialisable, with dates as ISO strings. Both are deterministic for a given seed.
This module imports nothing from docgen, so it can be used on its own:

    python tests/long_history.py ten-year-case.yaml
"""

from __future__ import annotations

import calendar
import random
import sys
from datetime import date, timedelta
from typing import Any

Case = dict[str, Any]

TEN_YEAR_START = date(2014, 1, 1)
TEN_YEAR_DAYS = 3650

PRESCRIBER = "dr-ferreira"
THERAPIST = "moreau"
NEUROLOGIST = "dr-lukasiewicz"

# Withdrawal symptoms from the 2025 joint guideline's list (REFERENCE.md section 6),
# each with its case-file category and the places it is described in.
_SYMPTOMS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("tremor", "motor", ("both hands", "right hand", "jaw", "legs when standing")),
    ("muscle twitches", "motor", ("calves", "eyelids", "thighs", "whole body")),
    ("muscle spasms", "motor", ("neck", "lower back", "calves")),
    ("weakness", "motor", ("right arm and leg", "both legs", "grip")),
    ("poor coordination", "motor", ("hands", "walking")),
    ("akathisia and restlessness", "motor", ("legs", "whole body")),
    ("tingling and numbness", "sensory", ("hands and feet", "face", "left arm")),
    ("sensitivity to light", "sensory", ("indoors", "screens")),
    ("sensitivity to sound", "sensory", ("everyday noise", "voices")),
    ("sensitivity to smell", "sensory", ("food", "perfume")),
    ("sensitivity to taste", "sensory", ("metallic taste", "food")),
    ("tinnitus", "sensory", ("both ears", "left ear")),
    ("cognitive difficulty", "cognitive", ("word-finding", "short-term memory", "reading")),
    ("confusion", "cognitive", ("evenings", "on waking")),
    ("palpitations", "autonomic", ("at rest", "on standing")),
    ("fast heart rate", "autonomic", ("on standing", "at night")),
    ("sweating", "autonomic", ("at night", "hands and feet")),
    ("raised blood pressure", "autonomic", ("mornings", "during waves")),
    ("nausea", "autonomic", ("mornings", "after meals")),
    ("diarrhoea", "autonomic", ("intermittent", "after each reduction")),
    ("insomnia", "sleep", ("falling asleep", "early waking", "broken sleep")),
    ("nightmares", "sleep", ("vivid", "recurring")),
    ("anxiety", "mood", ("constant", "on waking", "between doses")),
    ("panic", "mood", ("attacks", "in shops")),
    ("low mood", "mood", ("mornings", "persistent")),
    ("irritability", "mood", ("evenings", "with noise")),
    ("headache", "pain", ("pressure band", "back of the head", "behind the eyes")),
    ("muscle pain", "pain", ("neck and shoulders", "legs", "back")),
    ("chest pain", "pain", ("left side", "with palpitations")),
    ("cramps", "pain", ("abdominal", "calves")),
    ("depersonalisation", "other", ("constant", "in crowds")),
    ("perceptual disturbance", "other", ("floors seem to move", "visual snow")),
)

_EVENT_TITLES: dict[str, tuple[tuple[str, str | None], ...]] = {
    "visit": (
        ("Psychiatry follow-up", PRESCRIBER),
        ("Medication review", PRESCRIBER),
        ("Taper review", PRESCRIBER),
        ("Therapy session", THERAPIST),
        ("Therapy review of goals", THERAPIST),
        ("Neurology follow-up", NEUROLOGIST),
        ("Telephone check-in", PRESCRIBER),
        ("Urgent care visit", None),
    ),
    "diagnosis": (
        ("Panic disorder recorded", PRESCRIBER),
        ("Generalized anxiety disorder recorded", PRESCRIBER),
        ("Insomnia disorder recorded", PRESCRIBER),
        ("Functional neurological disorder recorded", NEUROLOGIST),
        ("Tension-type headache recorded", NEUROLOGIST),
    ),
    "test": (
        ("Full blood count & metabolic panel", PRESCRIBER),
        ("Thyroid function", PRESCRIBER),
        ("Vitamin B12 and folate", PRESCRIBER),
        ("ECG", None),
        ("MRI brain without contrast", NEUROLOGIST),
        ("Routine EEG", NEUROLOGIST),
        ("Nerve conduction study", NEUROLOGIST),
        ("24-hour blood pressure monitoring", None),
    ),
    "hospitalization": (
        ("Emergency department visit", None),
        ("Overnight observation", None),
        ("Admission for dehydration", None),
    ),
    "other": (
        ("Records requested", None),
        ("Pharmacy changed", None),
        ("Symptom diary started", None),
        ("Returned to part-time work", None),
        ("Support group joined", None),
    ),
}
_EVENT_KINDS = ("visit", "diagnosis", "test", "hospitalization", "other")
_EVENT_WEIGHTS = (60, 4, 18, 4, 14)
_EVENT_DETAILS: dict[str, tuple[str, ...]] = {
    "visit": ("no change to the plan", "next step agreed", "hold until symptoms settle", ""),
    "diagnosis": ("entered on the problem list", "in the visit note"),
    "test": (
        "normal",
        "within normal limits",
        "no structural abnormality",
        "borderline, repeat advised",
    ),
    "hospitalization": ("discharged the same day", "observed overnight, discharged home"),
    "other": ("", "patient-reported"),
}

_CATALOG_SIGNS = (
    "hoover",
    "hip_abductor",
    "drift_without_pronation",
    "give_way_weakness",
    "co_contraction",
    "inconsistency",
    "tremor_entrainment",
    "distractibility",
    "ballistic_pause",
    "dragging_gait",
    "midline_sensory_split",
    "nonanatomical_sensory_loss",
)


def ten_year_case(seed: int = 7) -> Case:
    """A clonazepam history with one dose entry per day from 2014-01-01 for ten years."""
    rng = random.Random(seed)
    doses = _daily_clonazepam(rng, TEN_YEAR_START, TEN_YEAR_DAYS)
    end = TEN_YEAR_START + timedelta(days=TEN_YEAR_DAYS - 1)
    return _case(
        rng,
        doses=doses,
        symptoms=_symptoms(rng, 60, TEN_YEAR_START, TEN_YEAR_DAYS),
        events=_events(rng, 200, TEN_YEAR_START, TEN_YEAR_DAYS),
        fnd_exams=[
            _fnd_exam(rng, date(2021, 9, 14), 7, "Neurology consultation note 2021-09-14, p. 2"),
            _fnd_exam(rng, date(2023, 2, 7), 9, "Neurology follow-up note 2023-02-07"),
        ],
        amendment_items=[
            _amendment_item(
                "Neurology consultation note",
                date(2021, 9, 14),
                "Assessment: functional neurological disorder (F44.7).",
                requested=True,
            ),
            _amendment_item(
                "Problem list",
                date(2021, 9, 14),
                "F44.7 Conversion disorder with mixed symptom presentation",
                requested=False,
            ),
        ],
        written_on=end + timedelta(days=30),
    )


def scaled_case(factor: int, seed: int = 7) -> Case:
    """A case with about factor x (36 dose entries, 6 symptoms, 20 events)."""
    if factor < 1:
        raise ValueError(f"factor must be at least 1, not {factor}")
    rng = random.Random(seed * 1000 + factor)
    count = 36 * factor
    spacing = max(1, 30 // factor)
    span = count * spacing
    start = TEN_YEAR_START
    doses = _profile_doses(start, count, spacing)
    first_diagnosis = start + timedelta(days=span * 3 // 4)
    return _case(
        rng,
        doses=doses,
        symptoms=_symptoms(rng, 6 * factor, start, span),
        events=_events(rng, 20 * factor, start, span),
        fnd_exams=[_fnd_exam(rng, first_diagnosis, 6, None)],
        amendment_items=[
            _amendment_item(
                "Neurology consultation note",
                first_diagnosis,
                "Assessment: functional neurological disorder (F44.4).",
                requested=True,
            )
        ],
        written_on=start + timedelta(days=span + 30),
    )


def _case(
    rng: random.Random,
    *,
    doses: list[dict[str, Any]],
    symptoms: list[dict[str, Any]],
    events: list[dict[str, Any]],
    fnd_exams: list[dict[str, Any]],
    amendment_items: list[dict[str, Any]],
    written_on: date,
) -> Case:
    neurology_address = ["1900 Wabash Court, 3rd Floor", "Carrollton Heights, IL 62708"]
    return {
        "version": 1,
        "patient": {
            "name": "Avery J. Castellanos",
            "date_of_birth": "1972-05-19",
            "mrn": f"LHN-{rng.randrange(10**6, 10**7)}",
            "address": ["77 Sycamore Row", "Westbrook, IL 62703"],
            "phone": "+1 217 555 0171",
            "email": "avery.castellanos@example.org",
        },
        "prepared_by": {"name": "Avery J. Castellanos", "role": "patient"},
        "clinicians": [
            {
                "id": PRESCRIBER,
                "name": "Helena Ferreira, MD",
                "role": "prescriber",
                "specialty": "Psychiatry",
                "organization": "Prairie View Psychiatric Associates",
                "address": ["410 Commerce Drive, Suite 200", "Westbrook, IL 62703"],
                "phone": "+1 217 555 0110",
            },
            {
                "id": THERAPIST,
                "name": "Julien Moreau, LCSW",
                "role": "therapist",
                "organization": "Cedar Lane Counseling",
                "address": ["88 Cedar Lane", "Westbrook, IL 62704"],
                "email": "jmoreau@cedarlane.example.org",
            },
            {
                "id": NEUROLOGIST,
                "name": "Zoë Łukasiewicz-Núñez, MD",
                "role": "neurologist",
                "specialty": "Neurology",
                "organization": "Halvorsen & Park Neurology",
                "address": neurology_address,
            },
        ],
        "medications": [
            {
                "drug": "clonazepam",
                "brand": "Klonopin",
                "indication": "panic disorder",
                "prescriber": PRESCRIBER,
                "doses": doses,
            }
        ],
        "symptoms": symptoms,
        "events": events,
        "fnd_exams": fnd_exams,
        "amendment": {
            "to": {
                "organization": "Halvorsen & Park Neurology",
                "attention": "Privacy Officer",
                "address": neurology_address,
            },
            "date": written_on.isoformat(),
            "sent_by": "certified mail, return receipt requested",
            "state": "IL",
            "items": amendment_items,
            "notify": [
                {
                    "name": "Prairie View Psychiatric Associates",
                    "address": ["410 Commerce Drive, Suite 200", "Westbrook, IL 62703"],
                }
            ],
        },
        "therapist_letter": {
            "from": PRESCRIBER,
            "to": THERAPIST,
            "date": written_on.isoformat(),
            "authorization": "Release of information signed by the patient",
            "requests": [
                "Please tell me if sleep falls below about four hours a night for a week.",
                "Please let me know if panic attacks return between our visits.",
            ],
        },
    }


def _daily_clonazepam(rng: random.Random, start: date, days: int) -> list[dict[str, Any]]:
    """One entry a day: slow rises, long flat stretches, then a two-year taper to 0."""
    # (day the dose starts, mg/day) for the years before the taper.
    changes = [
        (0, 0.5),
        (90 + rng.randrange(60), 1.0),
        (600 + rng.randrange(120), 1.5),
        (1200 + rng.randrange(120), 2.0),
        (1900 + rng.randrange(60), 1.75),
        (2150 + rng.randrange(60), 2.0),
    ]
    taper_start = days - 730
    dose_by_day = [0.0] * days
    current = 0.0
    steps = iter(changes)
    pending = next(steps, None)
    for day in range(taper_start):
        while pending is not None and pending[0] <= day:
            current = pending[1]
            pending = next(steps, None)
        dose_by_day[day] = current

    # Taper: about 12% of the current dose every 28 days, two holds of 8 weeks,
    # 0.0625 mg steps (half a 0.125 mg tablet) above 0.5 mg, liquid (0.01 mg) below.
    hold_at = {rng.choice((1.5, 1.375)), rng.choice((0.75, 0.6875))}
    day = taper_start
    next_step = taper_start
    held: set[float] = set()
    while day < days:
        if day == next_step:
            if current <= 0.1:
                current = 0.0
            else:
                reduced = current * 0.88
                grain = 0.0625 if reduced >= 0.5 else 0.01
                current = round(round(reduced / grain) * grain, 4)
            next_step += 28
            for level in sorted(hold_at, reverse=True):
                if current <= level and level not in held:
                    held.add(level)
                    next_step += 56
        dose_by_day[day] = current
        day += 1
    for day in range(days - 14, days):  # the last two weeks are off the drug
        dose_by_day[day] = 0.0

    entries: list[dict[str, Any]] = []
    for day, mg in enumerate(dose_by_day):
        on = start + timedelta(days=day)
        entry: dict[str, Any] = {"date": on.isoformat(), "mg_per_day": mg}
        if day > 0 and mg != dose_by_day[day - 1]:
            entry["note"] = "reduction" if mg < dose_by_day[day - 1] else "increase"
            entry["source"] = "Pharmacy fill history"
        entries.append(entry)
    return entries


def _profile_doses(start: date, count: int, spacing: int) -> list[dict[str, Any]]:
    """`count` entries `spacing` days apart: a rise, a plateau, a hyperbolic taper to 0."""
    entries: list[dict[str, Any]] = []
    for index in range(count):
        fraction = index / max(1, count - 1)
        if fraction < 0.2:
            mg = 0.5 + round(fraction / 0.2 * 6) * 0.25  # 0.5 up to 2.0 in quarter steps
        elif fraction < 0.45:
            mg = 2.0
        elif index == count - 1:
            mg = 0.0
        else:
            mg = 2.0 * 0.025 ** ((fraction - 0.45) / 0.55)  # 2 mg down towards 0.05 mg
            grain = 0.0625 if mg >= 0.5 else 0.01
            mg = round(round(mg / grain) * grain, 4)
        day = start + timedelta(days=index * spacing)
        entries.append({"date": day.isoformat(), "mg_per_day": float(mg)})
    return entries


def _symptoms(rng: random.Random, count: int, start: date, span_days: int) -> list[dict[str, Any]]:
    """`count` symptoms with unique names, onsets spread over the span."""
    symptoms: list[dict[str, Any]] = []
    for index in range(count):
        base, category, places = _SYMPTOMS[index % len(_SYMPTOMS)]
        episode = index // len(_SYMPTOMS) + 1
        name = f"{base}, {places[(index // len(_SYMPTOMS)) % len(places)]}"
        if episode > 1:
            name += f" (episode {episode})"
        onset_day = start + timedelta(
            days=index * span_days // count + rng.randrange(max(1, span_days // count))
        )
        symptom: dict[str, Any] = {"name": name, "category": category}
        if rng.random() < 0.2:
            symptom["onset"] = f"{onset_day.year:04d}-{onset_day.month:02d}"
            # later dates start after the end of the onset month
            last = calendar.monthrange(onset_day.year, onset_day.month)[1]
            earliest = date(onset_day.year, onset_day.month, last) + timedelta(days=1)
        else:
            symptom["onset"] = onset_day.isoformat()
            earliest = onset_day
        resolved: date | None = None
        if rng.random() < 0.4:
            resolved = earliest + timedelta(days=rng.randrange(30, 400))
        if rng.random() < 0.5:
            course: list[dict[str, Any]] = []
            day = earliest
            limit = resolved or earliest + timedelta(days=900)
            severity = rng.randrange(4, 10)
            while day < limit and len(course) < 6:
                course.append({"date": day.isoformat(), "severity": severity})
                day += timedelta(days=rng.randrange(20, 150))
                severity = max(0, min(10, severity + rng.choice((-3, -2, -1, -1, 0, 1, 2))))
            if resolved is not None:
                course.append({"date": resolved.isoformat(), "severity": 0})
            if len(course) > 1 and rng.random() < 0.3:
                course[1]["note"] = rng.choice(("window", "wave", "after a reduction"))
            symptom["course"] = course
        symptom["resolved"] = resolved.isoformat() if resolved else None
        if rng.random() < 0.3:
            symptom["note"] = rng.choice(
                (
                    "worse for about two weeks after each reduction",
                    "comes in waves & windows",
                    "worse when tired",
                    "eased during holds",
                )
            )
        if rng.random() < 0.3:
            symptom["source"] = rng.choice(
                ("patient-reported", "Symptom diary kept by the patient")
            )
        symptoms.append(symptom)
    return symptoms


def _events(rng: random.Random, count: int, start: date, span_days: int) -> list[dict[str, Any]]:
    """`count` events in date order, spread over the span."""
    events: list[dict[str, Any]] = []
    for index in range(count):
        slot = max(1, span_days // count)
        day = start + timedelta(days=index * span_days // count + rng.randrange(slot))
        kind = rng.choices(_EVENT_KINDS, weights=_EVENT_WEIGHTS)[0]
        title, clinician = rng.choice(_EVENT_TITLES[kind])
        event: dict[str, Any] = {"date": day.isoformat(), "kind": kind, "title": title}
        detail = rng.choice(_EVENT_DETAILS[kind])
        if detail:
            event["detail"] = detail
        if clinician is not None:
            event["clinician"] = clinician
        if rng.random() < 0.25:
            event["source"] = f"Visit summary {day.isoformat()}"
        events.append(event)
    return events


def _fnd_exam(rng: random.Random, day: date, signs: int, source: str | None) -> dict[str, Any]:
    """An examination of `signs` catalog signs, mostly not present, plus one free-text sign."""
    findings: list[dict[str, Any]] = []
    for sign in rng.sample(_CATALOG_SIGNS, signs):
        result = rng.choices(
            ("negative", "inconclusive", "not_tested", "positive"), weights=(70, 12, 12, 6)
        )[0]
        finding: dict[str, Any] = {"sign": sign, "result": result}
        if result == "inconclusive":
            finding["note"] = "effort limited by pain"
        findings.append(finding)
    findings.append({"sign": "Sonoo abductor test", "result": "negative"})
    exam: dict[str, Any] = {"date": day.isoformat(), "examiner": NEUROLOGIST, "findings": findings}
    if source is not None:
        exam["source"] = source
    return exam


def _amendment_item(
    record: str, day: date, current_text: str, *, requested: bool
) -> dict[str, Any]:
    item: dict[str, Any] = {
        "record": record,
        "date": day.isoformat(),
        "author": NEUROLOGIST,
        "current_text": current_text,
    }
    if requested:
        item["requested_text"] = (
            "Add: the symptoms began during clonazepam dose reductions and are consistent "
            "with benzodiazepine withdrawal; several positive functional signs were tested "
            "and not present."
        )
    return item


def _main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python tests/long_history.py OUTPUT.yaml", file=sys.stderr)
        return 2
    import yaml  # type: ignore[import-untyped, unused-ignore]

    with open(argv[0], "w", encoding="utf-8") as stream:
        stream.write("# Synthetic ten-year case (fictional), written by tests/long_history.py\n")
        yaml.safe_dump(ten_year_case(), stream, sort_keys=False, allow_unicode=True, width=100)
    return 0


if __name__ == "__main__":
    raise SystemExit(_main(sys.argv[1:]))
