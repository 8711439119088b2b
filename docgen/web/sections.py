"""The app's pages, one per section of the case file, as data: each field's label, kind, example
and plain-language help (the wording of `docgen init`'s questions), and the document its preview
shows. The forms (docgen.web.forms) and the page templates read these and nothing else, so a
field is described once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, get_args

from docgen.case.model import ClinicianRole, EventKind, PreparerRole, SymptomCategory
from docgen.facts.fnd import CATALOG
from docgen.intake.date_text import DATE_EXAMPLES
from docgen.intake.interview import ADD_NOT_REPLACE

#: How a field is typed and read.
#: text: one line; textarea: free text; lines: one entry per line (an address); date: a day, a
#: month or a year as people write them; number: mg; dose: a daily dose as people write it
#: ("1 mg twice a day"); integer: days; severity: 0 to 10; numbers: a list of mg ("2, 0.5");
#: choice: one of ``choices``; clinician: a care-team member; sign: an FND sign (catalog or free).
Kind = Literal["text", "textarea", "lines", "date", "number", "dose", "integer", "severity", "numbers", "choice",
               "clinician", "sign", "hidden"]

DATE_HELP = f"A day, a month or a year, as you know it: {DATE_EXAMPLES}; or \"today\"."


@dataclass(frozen=True)
class Field:
    """One value: ``key`` in its mapping."""

    key: str
    label: str
    kind: Kind = "text"
    example: str = ""
    help: str = ""
    required: bool = False
    choices: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Part:
    """A mapping inside its parent (``patient``, a medication's ``taper``, ``amendment.to``)."""

    key: str
    label: str
    fields: tuple[Field | Part | Group, ...]
    help: str = ""


@dataclass(frozen=True)
class Group:
    """A list of entries, each a mapping of ``fields`` (clinicians, a medication's doses)."""

    key: str
    label: str
    item: str  # one entry, for buttons: "Add a dose change"
    fields: tuple[Field | Part | Group, ...]
    help: str = ""
    #: Entries written on one line in the YAML, as the samples write doses and readings.
    flow: bool = False
    #: Entries the page shows even when there are none yet (a medication needs its first dose).
    min_rows: int = 0


Node = Field | Part | Group


@dataclass(frozen=True)
class Section:
    """One page of the app."""

    slug: str
    title: str
    intro: str
    nodes: tuple[Part | Group, ...]
    #: The document whose first page is shown beside the form.
    preview: str = "timeline"
    keys: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        object.__setattr__(self, "keys", tuple(node.key for node in self.nodes))


def _options(values: tuple[str, ...], labels: dict[str, str] | None = None) -> tuple[tuple[str, str], ...]:
    labels = labels or {}
    return tuple((value, labels.get(value, value.replace("_", " "))) for value in values)


ROLES = _options(get_args(ClinicianRole))
PREPARERS = _options(get_args(PreparerRole), {"patient": "the patient", "advocate": "an advocate",
                                              "family": "family", "clinician": "a clinician"})
CATEGORIES = _options(get_args(SymptomCategory))
EVENT_KINDS = _options(get_args(EventKind), {"hospitalization": "hospital stay"})
RESULTS = (("positive", "positive (sign present)"), ("negative", "negative (tested, not present)"),
           ("inconclusive", "inconclusive"), ("not_tested", "not tested"))
SIGNS = tuple((sign.key, sign.name) for sign in CATALOG.values())

_SOURCE = Field("source", "Where it is recorded", example="pharmacy printout, Neurology note 2024-02-10, p. 2, "
                "patient-reported", help="Documents cite it, so a request can point at its evidence.")


def _address(example: str) -> Field:
    return Field("address", "Mailing address", "lines", example=example, help="One line of the address per line.")


PATIENT = Section(
    "patient", "Patient",
    "Who the documents are about, as the medical records name them, and who is putting this together.",
    (
        Part("patient", "The patient", (
            Field("name", "Full name, as on the medical records", example="Jordan A. Rivera", required=True,
                  help="Printed on every page of every document."),
            Field("date_of_birth", "Date of birth", "date", example="14 Aug 1971", help=DATE_HELP),
            Field("mrn", "Medical record number", example="MRN-0042117", help="If you know it: the number on the chart."),
            _address("12 Elm Street\nSpringfield, IL 62704"),
            Field("phone", "Phone", example="+1 217 555 0142"),
            Field("email", "Email", example="jordan@example.org"),
            Field("country", "Country code", example="US",
                  help="Two letters (US, IE, PT). Leave it empty for the US, or when the address ends with the country."),
        )),
        Part("prepared_by", "Who is filling this in", (
            Field("name", "Your name", example="Maria Rivera", help="Printed on the timeline as who prepared it."),
            Field("role", "You are", "choice", choices=PREPARERS),
        ), help="Optional: leave both empty if you would rather not say."),
    ),
)

CARE_TEAM = Section(
    "care-team", "Care team",
    "The people who prescribed, treated or examined the patient. Each is listed once; the other pages "
    "refer to them by name.",
    (
        Group("clinicians", "People in the care team", "person", (
            Field("id", "", "hidden"),
            Field("name", "Name with credentials", example="Lena Chen, MD", required=True,
                  help="As on a letter to them."),
            Field("role", "Their role", "choice", choices=ROLES),
            Field("specialty", "Specialty", example="Psychiatry"),
            Field("organization", "Practice or hospital", example="Lakeside Behavioral Health"),
            _address("400 Lake Road, Suite 2\nSpringfield, IL 62701"),
            Field("phone", "Phone", example="+1 217 555 0100"),
            Field("fax", "Fax", example="+1 217 555 0101"),
            Field("email", "Email", example="office@lakeside.example"),
            Field("country", "Country code", example="US", help="Two letters; empty for the US."),
        )),
    ),
)

_TAPER = Part("taper", "Taper plan", (
    Field("start", "First reduction on", "date", example="1 Dec 2026", help=DATE_HELP),
    Field("percent", "Each step takes off (percent of the current dose)", "number", example="10",
          help="10 means each step is 10% less than the dose before it."),
    Field("every_days", "Days between steps", "integer", example="28"),
    Field("tablets_mg", "Tablet strengths on hand, in mg", "numbers", example="2, 0.5",
          help="Separated by commas. Each step is made up of these tablets, and the smallest step follows from them."),
    Field("smallest_step_mg", "Smallest step the tablets can measure, in mg", "number", example="0.125",
          help="Leave it empty when you give the tablet strengths."),
    Field("liquid_below_mg", "Switch to a liquid below (mg per day)", "number", example="0.5"),
    Field("liquid_mg_per_ml", "The liquid's strength, mg per mL", "number", example="0.1"),
    Field("stop_below_mg", "Stop after the dose reaches (mg per day)", "number", example="0.125"),
    Group("holds", "Planned pauses", "pause", (
        Field("at_mg_per_day", "Pause once the dose reaches (mg per day)", "number", example="1.25", required=True),
        Field("days", "For how many days", "integer", example="28", required=True),
    ), flow=True),
    Field("reason", "Why the taper, in the prescriber's words", "textarea", example="long-term use; falls risk"),
    Field("agreed_on", "The patient agreed to the plan on", "date", example="10 Nov 2026", help=DATE_HELP),
    Field("slow_or_pause_if", "Slow down or pause if", "textarea",
          example="withdrawal symptoms make daily life hard", help="The plan's own rule, in plain words."),
), help="Optional: the prescriber's plan from here on. Leave it empty if there is none.")

MEDICATIONS = Section(
    "medications", "Medications",
    "The benzodiazepine (or other drug) the documents are about, and any others: each date it was started "
    "or its dose changed, oldest first. A dose of 0 means stopped.",
    (
        Group("medications", "Medications", "medication", (
            Field("drug", "Drug name, generic or brand", example="clonazepam, Klonopin, baclofen", required=True),
            Field("brand", "Brand name", example="Klonopin"),
            Field("indication", "What it was prescribed for", example="panic disorder"),
            Field("prescriber", "Who prescribed it", "clinician"),
            Group("doses", "Dose changes", "dose change", (
                Field("date", "Date it was started or changed", "date", example="2014-03", required=True,
                      help=DATE_HELP),
                Field("mg_per_day", "Total dose per day from then, in mg", "dose", required=True,
                      example="1, 0.5 mg twice a day, 1/2 tab of 1 mg, 0 if stopped",
                      help="Written another way, it is worked out and shown: 1 mg twice a day is 2 mg/day."),
                Field("note", "Note", example="0.5 mg twice daily"),
                _SOURCE,
            ), flow=True, min_rows=1),
            _TAPER,
        ), min_rows=1),
    ),
    preview="timeline",
)

SYMPTOMS = Section(
    "symptoms", "Symptoms",
    "What happened to the body and mind, when it began, and how bad it was over time.",
    (
        Group("symptoms", "Symptoms", "symptom", (
            Field("name", "The symptom, in your words", example="tremor in both hands", required=True),
            Field("category", "What kind of symptom", "choice", choices=CATEGORIES),
            Field("onset", "When it started", "date", example="2023-01-22", required=True, help=DATE_HELP),
            Group("course", "How bad it was over time", "reading", (
                Field("date", "Date", "date", example="2023-06-01", required=True, help=DATE_HELP),
                Field("severity", "How bad, from 0 (none) to 10 (worst)", "severity", example="4", required=True),
                Field("note", "Note", example="window"),
                _SOURCE,
            ), flow=True),
            Field("resolved", "If it has gone, the date it went away", "date", example="2024-05", help=DATE_HELP),
            Field("note", "Anything else about it", "textarea", example="worse for two weeks after each reduction"),
            _SOURCE,
        )),
    ),
)

EVENTS = Section(
    "events", "Events",
    "Key events: visits, diagnoses, tests and hospital stays.",
    (
        Group("events", "Events", "event", (
            Field("date", "When was it", "date", example="2024-02-10", required=True, help=DATE_HELP),
            Field("kind", "What kind of event", "choice", choices=EVENT_KINDS),
            Field("title", "What happened, in a few words", example="MRI brain without contrast", required=True),
            Field("detail", "Details or results", "textarea", example="no structural abnormality; F44.4 in the note"),
            Field("clinician", "Who was it with", "clinician"),
            _SOURCE,
        )),
    ),
)

FND_EXAMS = Section(
    "fnd-exams", "FND exams",
    "Signs of functional neurological disorder (FND) a neurologist tested, and what was found. A sign that "
    "was tested and not present is as important to record as one that was.",
    (
        Group("fnd_exams", "Exams", "exam", (
            Field("date", "Date of the exam", "date", example="2024-06-03", required=True, help=DATE_HELP),
            Field("examiner", "Who examined", "clinician"),
            Group("findings", "Signs tested", "sign", (
                Field("sign", "Sign tested", "sign", example="Hoover's sign", required=True,
                      help="Choose a sign from the list, or type any other name."),
                Field("result", "Result", "choice", choices=RESULTS, required=True),
                Field("note", "Note", example="tremor did not entrain to 3 Hz tapping"),
            ), flow=True, min_rows=1),
            _SOURCE,
        )),
    ),
)

AMENDMENT = Section(
    "amendment", "Amendment request",
    "A request to the holder of a record to correct it (HIPAA, 45 CFR 164.526). Leave this page empty if "
    "you do not want one.",
    (
        Part("amendment", "The request", (
            Part("to", "Who holds the record", (
                Field("organization", "The practice or hospital that holds the record",
                      example="Riverside Neurology Associates", required=True),
                Field("attention", "To whose attention", example="Privacy Officer"),
                _address("9 River Plaza\nSpringfield, IL 62702"),
                Field("fax", "Fax", example="+1 217 555 0190"),
                Field("email", "Email", example="privacy@riverside.example"),
            )),
            Field("date", "Date of the request", "date", example="today", help="Empty: the day the documents are made."),
            Field("sent_by", "How it is sent", example="certified mail, return receipt",
                  help="For proof of receipt: the 60 days run from when they receive it."),
            Field("state", "US state whose law applies", example="IL", help="Two letters, where state law adds rights."),
            Part("representative", "A personal representative who signs instead of the patient", (
                Field("name", "Their name", example="Maria Rivera"),
                Field("authority", "What gives them the right to act",
                      example="health care power of attorney dated 2025-03-01"),
            ), help="Optional."),
            Group("items", "Records to amend", "record", (
                Field("record", "Which record should be amended", example="Neurology consultation note", required=True),
                Field("date", "Date of that record", "date", example="2024-02-10", help=DATE_HELP),
                Field("author", "Who wrote it", "clinician"),
                Field("current_text", "What it says now, quoted exactly", "textarea",
                      example="Assessment: functional neurological disorder (F44.4).",
                      help="Copy it exactly as it is in the record; quotation marks around it are not needed."),
                Field("requested_text", "Wording to add to the record", "textarea", help=ADD_NOT_REPLACE),
                _SOURCE,
            ), min_rows=1),
            Group("notify", "Who else should be sent the amendment", "recipient", (
                Field("name", "Person or organization", example="Springfield Family Medicine", required=True),
                _address("1 Center Street\nSpringfield, IL 62701"),
            )),
        )),
    ),
    preview="amendment",
)

LETTER = Section(
    "letter", "Therapist letter",
    "A letter from the prescriber to the therapist about the taper plan. Both must be in the care team. "
    "Leave this page empty if you do not want one.",
    (
        Part("therapist_letter", "The letter", (
            Field("from", "Who it is from (the prescriber)", "clinician", required=True),
            Field("to", "Who it is to (the therapist)", "clinician", required=True),
            Field("date", "Date of the letter", "date", example="today", help="Empty: the day the documents are made."),
            Field("authorization", "Release of information, if any", example="Release of information signed 2026-10-02"),
            Field("requests", "What the letter should ask of the therapist", "lines",
                  example="Please let me know if panic symptoms return between our visits.",
                  help="One sentence per line."),
        )),
    ),
    preview="letter",
)

SECTIONS: tuple[Section, ...] = (PATIENT, CARE_TEAM, MEDICATIONS, SYMPTOMS, EVENTS, FND_EXAMS, AMENDMENT, LETTER)
_BY_SLUG = {section.slug: section for section in SECTIONS}


def section_named(slug: str) -> Section | None:
    return _BY_SLUG.get(slug)


def section_of(path: str) -> Section | None:
    """The page a field path (``medications[0].doses[1].date``) is on."""
    top = path.split(".", 1)[0].split("[", 1)[0]
    return next((section for section in SECTIONS if top in section.keys), None)
