"""`docgen init`: a guided interview that writes a case file, or adds to one.

It asks, in plain language and with an example at each question, for the patient, the care team,
each medication and its dose changes, symptoms, key events, FND exam findings and, if wanted, the
amendment request and the therapist letter. Every answer is checked as it is given (a date that
cannot be read, or a severity of 12, is explained and asked again), and a summary is shown for
review before anything is saved. Adding to an existing file keeps everything in it.

"back" at any question undoes the answer before it and asks that question again (the answers
given so far are replayed, silently, into a fresh copy of the case). An interview stopped before
its end (Ctrl-C, end of input) keeps its answers in a draft beside the case file, readable by its
owner only, and the next `docgen init` for that file offers to pick up where it stopped.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any, get_args

from docgen.case.dates import PartialDate
from docgen.case.model import (
    Amendment,
    AmendmentItem,
    Clinician,
    ClinicianRole,
    CoursePoint,
    Dose,
    Event,
    EventKind,
    Finding,
    FindingResult,
    FndExam,
    Hold,
    Medication,
    Patient,
    PreparedBy,
    PreparerRole,
    Recipient,
    Symptom,
    SymptomCategory,
    Taper,
    TherapistLetter,
)
from docgen.facts.equivalence import generic_name
from docgen.facts.fnd import CATALOG
from docgen.documents import describe_available
from docgen.facts.read_back import read_back
from docgen.facts.review import summarize
from docgen.intake.amount_text import parse_dose_text, parse_severity_text
from docgen.intake.case_document import DEFAULT_CASE_FILE, CaseDocument
from docgen.intake.errors import EntryError, InterviewStopped
from docgen.intake.questions import Ask, Questioner, Say
from docgen.output import check_writable, write_file

_ROLES = [("prescriber", "prescriber"), ("therapist", "therapist"), ("neurologist", "neurologist"),
          ("primary_care", "primary care"), ("other", "other")]
_CATEGORIES = [(category, category) for category in get_args(SymptomCategory)]
_KINDS = [(kind, kind) for kind in get_args(EventKind)]
_RESULTS = [("positive", "positive (sign present)"), ("negative", "negative (tested, not present)"),
            ("inconclusive", "inconclusive"), ("not_tested", "not tested")]
_PREPARERS = [("patient", "the patient"), ("advocate", "an advocate"), ("family", "family"), ("clinician", "a clinician")]
_CREDENTIALS = re.compile(r"\b(md|do|phd|psyd|np|pa|dnp|mbbs|frcp)\b", re.IGNORECASE)
_BACK = {"back", "go back"}
_QUOTES = (('"', '"'), ("'", "'"), ("\u201c", "\u201d"), ("\u2018", "\u2019"), ("\u00ab", "\u00bb"))


class _Back(Exception):
    """The person typed "back"."""


def draft_path(target: str | Path) -> Path:
    """Where an interrupted interview for ``target`` keeps its answers: beside it, hidden."""
    target = Path(target)
    return target.with_name(f".{target.name}.interview-draft.json")


def load_draft(target: str | Path) -> list[str] | None:
    """The answers of an interrupted interview for ``target``, if one was kept."""
    path = draft_path(target)
    try:
        answers = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return [str(answer) for answer in answers] if isinstance(answers, list) else None


def remove_draft(target: str | Path) -> None:
    draft_path(target).unlink(missing_ok=True)


def init_target(output: Path | None, source: Path | None, force: bool = False) -> tuple[Path, bool]:
    """Where `docgen init` saves, and whether it may replace that file.

    ``-o`` if given, else the ``--from`` file (added to, and replaced once the person confirms the
    summary), else case.yaml. Fails before any question when the file exists and ``force`` is
    not given, so that nobody answers an interview that cannot be saved.
    """
    target = output or source or DEFAULT_CASE_FILE
    replace = force or (source is not None and target.resolve() == source.resolve())
    check_writable(target, replace)
    return target, replace


class Interview:
    """The questions of `docgen init`; ``run()`` fills ``document`` and says whether to save it."""

    def __init__(self, ask: Ask, say: Say, document: CaseDocument | None = None, target: str = "case.yaml", *,
                 answers: list[str] | None = None, keep_draft: bool = False) -> None:
        self._ask, self._say = ask, say
        self.questions = Questioner(self._asked, self._said)
        self.say = self._said
        self.resuming = document is not None
        self.document = document if document is not None else CaseDocument.new(target)
        self._start = copy.deepcopy(self.document.data)
        self.target = target
        self.added: list[str] = []
        #: Every answer given, in order (what "back" replays, and what a draft keeps).
        self.answers: list[str] = []
        self._replay: list[str] = list(answers or [])
        self.keep_draft = keep_draft

    def _asked(self, prompt: str) -> str:
        if self._replay:
            answer = self._replay.pop(0)
        else:
            answer = self._ask(prompt)
            if answer.strip().casefold() in _BACK:
                if not self.answers:
                    self._say("  This is the first question; there is nothing to go back to.")
                    return self._asked(prompt)
                raise _Back
        self.answers.append(answer)
        return answer

    def _said(self, text: str) -> None:
        if not self._replay:
            self._say(text)

    def run(self) -> bool:
        """Ask every question, show the summary, and return whether the person chose to save."""
        while True:
            try:
                return self._run()
            except _Back:
                self._replay, self.answers = self.answers[:-1], []
                self.document.data = copy.deepcopy(self._start)
                self.added = []
                self._say("  (back: that answer is undone; here is the question before it again)")
            except (InterviewStopped, KeyboardInterrupt):
                if self.keep_draft and self.answers:
                    write_file(json.dumps(self.answers).encode("utf-8"), draft_path(self.target), force=True)
                    raise InterviewStopped(
                        f"the interview stopped before the end; nothing was written to {self.target}. Your answers so "
                        f"far are kept in {draft_path(self.target)}: run the same docgen init again to pick up where "
                        "you left off") from None
                raise InterviewStopped("the interview stopped before the end; nothing was written") from None

    def _run(self) -> bool:
        self._welcome()
        if not self.document.has("patient"):
            self._patient()
        if not self.document.has("prepared_by"):
            self._prepared_by()
        self._care_team()
        self._medications()
        self._symptoms()
        self._events()
        self._fnd_exams()
        if not self.document.has("amendment"):
            self._amendment()
        if not self.document.has("therapist_letter"):
            self._therapist_letter()
        return self._review()

    # -- sections -----------------------------------------------------------------------------

    def _welcome(self) -> None:
        if self.resuming:
            self.say(f"Adding to {self.document.name}. Nothing already in it is changed; new entries are added.")
            for line in summarize(self.document.check()):
                self.say(f"  {line}")
        else:
            self.say("docgen init: a few questions to write a case file. Dates can be a day, a month or a year "
                     "(14 Aug 1971, June 2019, 2014) or \"today\". Press Enter to skip a question that says so; "
                     "type back to undo your last answer.")

    def _patient(self) -> None:
        self.say("\nThe patient")
        ask = self.questions
        patient = Patient(
            name=ask.text("Patient's full name, as on the medical records (e.g. Jordan A. Rivera):"),
            date_of_birth=ask.date("Date of birth", optional=True),
            mrn=ask.optional_text("Medical record number, if known (e.g. MRN-0042117; Enter to skip):"),
            address=ask.lines("Patient's mailing address", "12 Elm Street"),
            phone=ask.optional_text("Phone (e.g. +1 217 555 0142; Enter to skip):"),
            email=ask.optional_text("E-mail (e.g. jordan@example.org; Enter to skip):"),
        )
        self.document.set_section("patient", patient)
        self.added.append(f"patient {patient.name}")

    def _prepared_by(self) -> None:
        role = self.questions.choice("Who is filling this in", _PREPARERS, optional=True)
        if role is None:
            return
        name = self.document.patient_name() if role == "patient" else None
        if name is None:
            name = self.questions.text("Your name (e.g. Maria Rivera):")
        self.document.set_section("prepared_by", PreparedBy(name=name, role=_as(role, PreparerRole)))

    def _care_team(self) -> None:
        self.say("\nThe care team: the people who prescribed, treated or examined the patient.")
        first = not self.document.clinicians()
        while self.questions.yes("Add someone to the care team?" if first else "Add another person to the care team?"):
            first = False
            ask = self.questions
            name = ask.text("Their name with credentials (e.g. Lena Chen, MD):")
            role = ask.required_choice("Their role", _ROLES)
            specialty = ask.optional_text("Specialty (e.g. Psychiatry; Enter to skip):")
            organization = ask.optional_text("Practice or hospital (e.g. Lakeside Behavioral Health; Enter to skip):")
            address = ask.lines("Their address", "400 Lake Road, Suite 2")
            identifier = _suggest_id(name, {known for known, _name in self.document.clinicians()})
            clinician = Clinician(id=identifier, name=name, role=_as(role, ClinicianRole), specialty=specialty,
                                  organization=organization, address=address)
            self.document.add_clinician(clinician)
            self.added.append(f"clinician {identifier}: {name}")

    def _medications(self) -> None:
        self.say("\nMedications: the benzodiazepine (or other drug) the documents are about, and any others.")
        if self.resuming:
            wanted = self.questions.yes("Add a medication, or dose changes to one already in the file?")
        else:
            wanted = True
        while wanted:
            self._medication()
            wanted = self.questions.yes("Add another medication?")

    def _medication(self) -> None:
        ask = self.questions
        typed = ask.text("Drug name, generic or brand (e.g. clonazepam, Klonopin, baclofen):")
        existing = self.document.find_medication(typed)
        drug, brand, indication, prescriber = typed, None, None, None
        if existing is not None:
            drug = str(existing["drug"])
            self.say(f"  {drug} is already in the file with {len(existing['doses'])} dose entries; new ones are added to it.")
        else:
            generic = generic_name(typed)
            if generic is not None and generic != typed.strip().casefold():
                drug, brand = generic, typed.strip()
                self.say(f"  {brand} is a brand of {generic}: recorded as {generic} (brand {brand}).")
            indication = ask.optional_text("What was it prescribed for? (e.g. panic disorder; Enter to skip):")
            prescriber = self._clinician("Who prescribed it")
        source = ask.optional_text("Where do these doses come from? (e.g. pharmacy printout, pill bottles, "
                                   "patient-reported; Enter to skip):")
        self.say(f"  Now each date {drug} was started or its dose changed, oldest first; a dose of 0 means stopped.")
        doses: list[Dose] = []
        while True:
            when = ask.date("Date it was started or changed" if not doses else "Next date the dose changed",
                            optional=bool(doses) or existing is not None)
            if when is None:
                break
            if any(dose.date == when for dose in doses):
                self.say(f"  Not accepted: {when.display()} already has a dose; a day has one total daily dose.")
                continue
            reading = ask.read("Total dose per day from then, in mg (e.g. 1, 0.5 mg twice a day, "
                               "1/2 tab of 1 mg, 0 if stopped):", parse_dose_text)
            assert reading is not None
            if reading.note is not None:
                self.say(f"  {reading.note} → {_mg(reading.mg_per_day)} mg/day")
            doses.append(Dose(date=when, mg_per_day=reading.mg_per_day, note=reading.note, source=source))
        if existing is None:
            taper = self._taper(drug) if doses else None
            self.document.add_medication(Medication(drug=drug, brand=brand, indication=indication,
                                                    prescriber=prescriber, doses=doses, taper=taper))
            self.added.append(f"medication {drug}: {_count(len(doses), 'dose entry', 'dose entries')}")
            return
        for dose in doses:
            try:
                self.document.add_dose(drug, dose)
                self.added.append(f"{drug} {dose.date.isoformat()}: {dose.mg_per_day:g} mg/day")
            except EntryError as error:
                self.say(f"  Not added: {error}.")

    def _taper(self, drug: str) -> Taper | None:
        """The prescriber's taper plan from here on, if there is one."""
        ask = self.questions
        if not ask.yes(f"Is there a taper plan for {drug} from here on (the prescriber's plan of reductions)?"):
            return None
        start = ask.required_date("Date of the first reduction")
        percent = ask.read("Each step takes off what percent of the current dose? (e.g. 10):", _percent)
        every_days = ask.read("Days between steps (e.g. 28, or 2 weeks):", _days)
        tablets = ask.read("Tablet strengths on hand, in mg, separated by commas (e.g. 2, 0.5; Enter if the "
                           "doses are measured as a liquid):", _strengths, optional=True) or []
        step: float | None
        if tablets:
            smallest = min(tablets)
            step = ask.read(f"The smallest step the tablets can measure, in mg (Enter for {_mg(smallest)} mg, the "
                            "smallest tablet; a half if they are split, e.g. " + _mg(smallest / 2) + "):",
                            _positive_mg, optional=True) or smallest
            liquid_below = ask.read("Switch to a liquid below what daily dose, in mg? (e.g. 0.5; Enter if not):",
                                    _positive_mg, optional=True)
        else:
            step = ask.read("The smallest step that can be measured, in mg (e.g. 0.125):", _positive_mg)
            liquid_below = None
        liquid_strength = None
        if liquid_below is not None or not tablets:
            liquid_strength = ask.read("The liquid's strength, in mg per mL (e.g. 0.1; Enter if not known):",
                                       _positive_mg, optional=True)
        holds: list[Hold] = []
        while ask.yes("Is a pause planned at some dose?" if not holds else "Another planned pause?"):
            at = ask.read("Pause once the dose reaches what daily dose, in mg (e.g. 1.25):", _mg_amount)
            days = ask.read("For how many days (e.g. 28)?", _days)
            assert at is not None and days is not None
            holds.append(Hold(at_mg_per_day=at, days=days))
        stop_below = ask.read("Stop after the dose reaches what, in mg (e.g. 0.125; Enter to skip):", _mg_amount,
                              optional=True)
        reason = ask.optional_text("Why the taper, in the prescriber's words (e.g. long-term use; falls risk; Enter to skip):")
        agreed_on = ask.date("When the patient agreed to the plan", optional=True)
        slow = ask.optional_text("When to slow down or pause, in the plan's words (e.g. withdrawal symptoms make daily "
                                 "life hard; Enter to skip):")
        assert percent is not None and every_days is not None and step is not None
        taper = Taper(start=start, percent=percent, every_days=every_days, holds=holds, smallest_step_mg=step,
                      liquid_below_mg=liquid_below, liquid_mg_per_ml=liquid_strength, stop_below_mg=stop_below,
                      tablets_mg=tablets, reason=reason, agreed_on=agreed_on, slow_or_pause_if=slow)
        self.say(f"  Taper plan: from {start.display()}, {_mg(percent)}% of the current dose every {every_days} days, "
                 f"in steps of {_mg(step)} mg" + (f", {len(holds)} planned pause" + ("s" if len(holds) != 1 else "")
                                                  if holds else "") + ".")
        return taper

    def _symptoms(self) -> None:
        self.say("\nSymptoms: what happened to the body, when it began, and how bad it was.")
        first = True
        while self.questions.yes("Add a symptom?" if first else "Add another symptom?"):
            first = False
            self._symptom()

    def _symptom(self) -> None:
        ask = self.questions
        name = ask.text("The symptom, in your words (e.g. tremor in both hands, sound sensitivity):")
        existing = self.document.find_symptom(name)
        if existing is not None:
            onset = PartialDate.parse(existing["onset"])
            self.say(f"  '{existing['name']}' is already in the file (onset {onset.display()}); new readings are added to it.")
            category, course = None, []
        else:
            category = ask.required_choice("What kind of symptom", _CATEGORIES)
            onset = ask.required_date("When did it start")
            severity = ask.read("How bad was it then, from 0 (none) to 10 (worst)? (e.g. 7; Enter to skip):",
                                parse_severity_text, optional=True)
            course = [CoursePoint(date=onset, severity=severity)] if severity is not None else []
        while True:
            when = ask.date("A later date when you know how bad it was", optional=True, not_before=onset)
            if when is None:
                break
            if any(point.date == when for point in course):
                self.say(f"  Not accepted: {when.display()} already has a severity.")
                continue
            severity = ask.read("How bad then, from 0 to 10 (e.g. 4):", parse_severity_text)
            assert severity is not None
            course.append(CoursePoint(date=when, severity=severity))
        if existing is not None:
            for point in course:
                try:
                    self.document.add_course_point(name, point)
                    self.added.append(f"'{existing['name']}' {point.date.isoformat()}: severity {point.severity}/10")
                except EntryError as error:
                    self.say(f"  Not added: {error}.")
            return
        symptom = Symptom(
            name=name, category=_as(category, SymptomCategory), onset=onset, course=course,
            resolved=ask.date("If it has gone, the date it went away", optional=True, not_before=onset),
            note=ask.optional_text("Anything else about it (e.g. worse for two weeks after each reduction; Enter to skip):"),
            source=ask.optional_text("Where is it recorded (e.g. my symptom diary; Enter to skip):"),
        )
        self.document.add_symptom(symptom)
        self.added.append(f"symptom '{name}', onset {onset.display()}")

    def _events(self) -> None:
        self.say("\nKey events: visits, diagnoses, tests, hospital stays.")
        first = True
        while self.questions.yes("Add a key event?" if first else "Add another event?"):
            first = False
            ask = self.questions
            event = Event(
                date=ask.required_date("When was it"),
                kind=_as(ask.required_choice("What kind of event", _KINDS), EventKind),
                title=ask.text("What happened, in a few words (e.g. MRI brain without contrast):"),
                detail=ask.optional_text("Details or results (e.g. no structural abnormality; F44.4 in the note; Enter to skip):"),
                clinician=self._clinician("Who was it with"),
                source=ask.optional_text("Where is it recorded (e.g. visit summary from the patient portal; Enter to skip):"),
            )
            try:
                self.document.add_event(event)
                self.added.append(f"event {event.date.display()}: {event.title}")
            except EntryError as error:
                self.say(f"  Not added: {error}.")

    def _fnd_exams(self) -> None:
        self.say("\nFND exams: signs of functional neurological disorder a neurologist tested.")
        first = True
        while self.questions.yes("Add an FND exam?" if first else "Add another FND exam?"):
            if first:
                self.say("  The signs docgen knows (type the number or the name; any other name is kept as typed):")
                for number, sign in enumerate(CATALOG.values(), start=1):
                    self.say(f"    {number:2d} {sign.key}: {sign.name} ({sign.symptom_type})")
            first = False
            self._fnd_exam()

    def _fnd_exam(self) -> None:
        ask = self.questions
        when = ask.required_date("Date of the exam")
        examiner = self._clinician("Who examined")
        findings: list[Finding] = []
        while True:
            sign = ask.read("Sign tested (e.g. 1 or hoover; Enter when done):", _sign, optional=True)
            if sign is None:
                break
            result = ask.required_choice("Result", _RESULTS)
            note = ask.optional_text("Note (e.g. tremor did not entrain to 3 Hz tapping; Enter to skip):")
            findings.append(Finding(sign=sign, result=_as(result, FindingResult), note=note))
        source = ask.optional_text("Where is it recorded (e.g. neurology note 2024-06-03, p. 2; Enter to skip):")
        self.document.add_fnd_exam(FndExam(date=when, examiner=examiner, findings=findings, source=source))
        self.added.append(f"FND exam {when.display()}: {_count(len(findings), 'finding', 'findings')}")

    def _amendment(self) -> None:
        ask = self.questions
        self.say("\nAmendment request: asking the holder of a record to correct it (HIPAA, 45 CFR 164.526).")
        if not ask.yes("Write an amendment request now? (you can add it later with docgen init --from FILE)"):
            return
        recipient = Recipient(
            organization=ask.text("The practice or hospital that holds the record (e.g. Riverside Neurology Associates):"),
            attention=ask.optional_text("To whose attention (e.g. Privacy Officer; Enter to skip):"),
            address=ask.lines("Their mailing address", "9 River Plaza"),
        )
        items: list[AmendmentItem] = []
        while not items or ask.yes("Another record to amend?"):
            items.append(AmendmentItem(
                record=ask.text("Which record should be amended (e.g. Neurology consultation note):"),
                date=ask.date("Date of that record", optional=True),
                author=self._clinician("Who wrote it"),
                current_text=_unquoted(ask.optional_text("What it says now, quoted (e.g. Assessment: functional "
                                                         "neurological disorder (F44.4).; Enter to skip):")),
                requested_text=self._requested_text(ask),
            ))
        state = ask.read("US state whose law applies, two letters (e.g. IL; Enter to skip):", _state, optional=True)
        self.document.set_section("amendment", Amendment(to=recipient, items=items, state=state))
        self.added.append(f"amendment request to {recipient.organization}: {_count(len(items), 'item', 'items')}")

    def _therapist_letter(self) -> None:
        clinicians = self._clinician_choices()
        if len(clinicians) < 2:
            self.say("\n(The therapist letter needs two people in the care team, the prescriber and the therapist; "
                     "add them later with docgen init --from FILE to write it.)")
            return
        ask = self.questions
        if not ask.yes("\nWrite a letter from the prescriber to the therapist about the taper?"):
            return
        sender = ask.required_choice("Who is it from (the prescriber)", clinicians)
        recipient = ask.required_choice("Who is it to (the therapist)", clinicians)
        while recipient == sender:
            self.say("  Not accepted: the letter goes from one person to another. Please try again.")
            recipient = ask.required_choice("Who is it to (the therapist)", clinicians)
        authorization = ask.optional_text("Release of information, if any (e.g. Release of information signed "
                                          "2026-10-02; Enter to skip):")
        requests: list[str] = []
        while True:
            request = ask.optional_text("Something the letter should ask of the therapist, one sentence (e.g. Please "
                                        "let me know if panic symptoms return.; Enter when done):")
            if request is None:
                break
            requests.append(request)
        letter = TherapistLetter.model_validate({"from": sender, "to": recipient, "authorization": authorization,
                                                 "requests": requests})
        self.document.set_section("therapist_letter", letter)
        self.added.append(f"therapist letter from {sender} to {recipient}")

    def _review(self) -> bool:
        case = self.document.check()
        self.say("\nWhat the case file says:")
        for line in [*read_back(case), describe_available(case)]:
            self.say(f"  {line}")
        if self.added:
            self.say("Added now:")
            for entry in self.added:
                self.say(f"  + {entry}")
        if self.questions.yes("Show the file as it will be saved?"):
            self.say(self.document.to_text().rstrip("\n"))
        if self.questions.yes(f"Save it to {self.target}?"):
            return True
        self.say("Nothing was saved.")
        return False

    def _requested_text(self, ask: Questioner) -> str | None:
        self.say(f"  {ADD_NOT_REPLACE}")
        return ask.optional_text("Wording to add to the record (Enter to let docgen propose the addition):")

    # -- helpers ------------------------------------------------------------------------------

    def _clinician(self, prompt: str) -> str | None:
        clinicians = self._clinician_choices()
        if not clinicians:
            return None
        return self.questions.choice(prompt, clinicians, optional=True)

    def _clinician_choices(self) -> list[tuple[str, str]]:
        return [(identifier, f"{name} ({identifier})") for identifier, name in self.document.clinicians()]

    def _new_id(self, answer: str) -> str:
        identifier = answer.strip()
        if not re.fullmatch(r"[\w.-]+", identifier):
            raise EntryError(f"'{answer}' has spaces or symbols; use letters, digits and hyphens, e.g. dr-chen")
        if identifier in {known for known, _name in self.document.clinicians()}:
            raise EntryError(f"'{identifier}' is already used by someone in the care team")
        return identifier


def _suggest_id(name: str, taken: set[str]) -> str:
    """"Lena Chen, MD" -> "dr-chen"; "Sam Okafor, LCSW" -> "okafor" (unique among ``taken``)."""
    bare = name.split(",")[0]
    words = [word for word in re.findall(r"[^\W\d_]+", bare) if word.casefold() not in ("dr", "mr", "ms", "mrs")]
    last = words[-1].casefold() if words else "clinician"
    doctor = bool(_CREDENTIALS.search(name)) or bare.strip().casefold().startswith("dr")
    base = f"dr-{last}" if doctor else last
    identifier, number = base, 2
    while identifier in taken:
        identifier, number = f"{base}-{number}", number + 1
    return identifier


def _sign(answer: str) -> str:
    keys = list(CATALOG)
    if answer.isdigit():
        number = int(answer)
        if not 1 <= number <= len(keys):
            raise EntryError(f"there is no sign {number}; the list goes from 1 to {len(keys)}")
        return keys[number - 1]
    lowered = answer.strip().casefold()
    for key, sign in CATALOG.items():
        if lowered in (key, key.replace("_", " "), sign.name.casefold()):
            return key
    return answer.strip()


#: Why docgen asks to add to a record rather than replace what it says (REFERENCE §1, (c)(1) and
#: (a)(2)(iv)); shown by the interview and the web app where the wording is asked for.
ADD_NOT_REPLACE = (
    "docgen asks to add to the record, not to replace it: the rule's remedy is to append or link an "
    "amendment (45 CFR 164.526(c)(1)), the clinician's words stay, and a request to delete a diagnosis "
    "invites a denial as 'accurate and complete'. Left empty, docgen proposes the addition from the case: "
    "the BIND framing with its citation, when each symptom began against the dose reductions, and the FND "
    "signs tested and not present. Wording you type is used instead."
)


def _unquoted(text: str | None) -> str | None:
    """Quotation marks typed around a record's text are not part of the quote."""
    if text is None:
        return None
    for opening, closing in _QUOTES:
        if len(text) >= 2 and text.startswith(opening) and text.endswith(closing) and opening not in text[1:-1]:
            return text[1:-1].strip() or None
    return text


def _number(answer: str, unit: str = "mg") -> float:
    text = re.sub(rf"\s*{unit}\s*$", "", answer.strip(), flags=re.IGNORECASE)
    try:
        value = float(text)
    except ValueError:
        raise EntryError(f"'{answer}' is not a number; expected one such as 0.5 (with a point, not a comma)") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise EntryError(f"'{answer}' is not a number")
    return int(value) if value.is_integer() and "." not in text else value


def _mg_amount(answer: str) -> float:
    value = _number(answer)
    if value < 0:
        raise EntryError(f"'{answer}' is below 0 mg")
    return value


def _positive_mg(answer: str) -> float:
    value = _number(answer)
    if value <= 0:
        raise EntryError(f"'{answer}' must be more than 0 mg")
    return value


def _percent(answer: str) -> float:
    value = _number(answer, "%")
    if not 0 < value < 100:
        raise EntryError(f"'{answer}' is not a percentage between 0 and 100 (e.g. 10)")
    return value


def _days(answer: str) -> int:
    match = re.fullmatch(r"(\d+)\s*(days?|d|weeks?|wks?|w)?", answer.strip().casefold())
    if match is None or int(match.group(1)) < 1:
        raise EntryError(f"'{answer}' is not a number of days; expected a whole number such as 28, or 4 weeks")
    return int(match.group(1)) * (7 if (match.group(2) or "d").startswith("w") else 1)


def _strengths(answer: str) -> list[float]:
    parts = [part for part in re.split(r"[,;\s]+|\band\b", re.sub(r"\s*mg\b", "", answer, flags=re.IGNORECASE)) if part]
    return [_positive_mg(part) for part in parts]


def _mg(value: float) -> str:
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return text or "0"


def _state(answer: str) -> str:
    if not re.fullmatch(r"[A-Za-z]{2}", answer.strip()):
        raise EntryError(f"'{answer}' is not a two-letter state code, e.g. IL or WA")
    return answer.strip().upper()


def _as(value: str | None, _kind: object) -> Any:
    """A choice already checked against ``_kind``'s values, typed for the model."""
    return value


def _count(number: int, singular: str, plural: str) -> str:
    return f"{number} {singular if number == 1 else plural}"
