"""When each symptom began, related to the benzodiazepine exposure before it.

Every sentence a document prints that relates a symptom to a dose is computed here
(``OnsetRelation.text``) or, for the amendment's addendum, from these relations in
``docgen.facts.links``; the documents print them and state no other relation. The rules:

- A full-date onset is related to the most recent benzodiazepine change before it (or on its
  day), with the interval: "12 days after clonazepam 3 → 2.5 mg/day (−17%)". A step of a taper
  phase of many small steps is told as the phase: "during the clonazepam taper from 2 to 1
  mg/day, after a 35% reduction over 10 weeks". The changes of a switch are told as the switch,
  with what it did to the total load.
- An onset known to the month or the year is related to every benzodiazepine change in that
  period (reductions first) and, when there is none, to the most recent one before it. It is
  never given a precision the case does not give.
- Where what is named raises the dose (a reinstatement, or an increase in the onset's period),
  the last reduction before it is named too.
- An increase dated after the symptom's first severity reading (a rescue) is never what
  preceded it; nor is a start or an increase of a drug whose ``indication`` names the symptom
  (it was taken for it). A reduction of such a drug is still named: a symptom that returns as
  the drug prescribed for it is reduced is what the documents are about (rebound insomnia after a
  hypnotic is cut, say).
- A change of a non-benzodiazepine shortly before the onset is mentioned beside ("also 1 day
  after gabapentin started at 300 mg/day"), never instead.
- With no benzodiazepine change before it, that is said plainly.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from docgen.case.dates import PartialDate, add_days, describe_interval
from docgen.case.model import Case, CoursePoint, Symptom
from docgen.facts.changes import Change, Span, Switch
from docgen.facts.exposure import Exposure
from docgen.facts.formatting import format_date_range, format_mg_figure, format_percent, on_date
from docgen.facts.phases import TaperPhase

#: A non-benzodiazepine change up to this many days before an onset is mentioned beside.
BESIDE_WITHIN_DAYS = 28
#: In-period steps of one phase named one by one, at most; more are counted.
NAMED_STEPS = 2

SetAsideReason = Literal["indication", "after the first reading"]


@dataclass(frozen=True)
class Related(Span):
    """What an onset is related to: one change, a switch, or a taper phase.

    ``changes`` are the benzodiazepine changes it stands for, all of them possibly on or before
    the onset; ``within`` says whether they fall in the onset's own period.
    """

    changes: tuple[Change, ...]
    within: bool
    switch: Switch | None = None
    phase: TaperPhase | None = None

    @property
    def lowers(self) -> bool:
        if self.switch is not None:
            return self.switch.lowers
        return self.changes[-1].after_mg < self.changes[0].before_mg

    @property
    def reinstates(self) -> bool:
        return self.switch is None and self.changes[-1].kind == "reinstatement"


@dataclass(frozen=True)
class SetAside:
    """A change that could have come before the onset but is not presented as preceding it."""

    change: Change
    reason: SetAsideReason


@dataclass(frozen=True)
class OnsetRelation:
    """A symptom's onset and what came before it, with the sentence every document prints."""

    symptom: Symptom
    related: tuple[Related, ...]
    beside: tuple[Change, ...]
    set_aside: tuple[SetAside, ...]
    ambiguous: tuple[str, ...]
    text: str

    @property
    def reduction(self) -> Related | None:
        """The reduction (or lowering switch) named, if any: what the onset followed."""
        return next((item for item in self.related if item.lowers), None)


def relations(case: Case, exposure: Exposure, phases: Sequence[TaperPhase]) -> list[OnsetRelation]:
    """Every symptom's relation, in onset order."""
    ordered = sorted(case.symptoms, key=lambda symptom: symptom.onset.sort_key())
    steps = phase_index(phases)
    return [relate_onset(symptom, exposure, steps) for symptom in ordered]


def relate_onset(symptom: Symptom, exposure: Exposure,
                 phases: Sequence[TaperPhase] | dict[int, TaperPhase]) -> OnsetRelation:
    """The relation of one symptom's onset to the exposure before it (the module's rules)."""
    steps = phases if isinstance(phases, dict) else phase_index(phases)
    onset = symptom.onset
    reading = first_reading(symptom.course)
    set_aside: list[SetAside] = []
    candidates: list[Change] = []
    others: list[Change] = []
    for change in exposure.changes:
        if change.date.earliest > onset.latest:
            break
        if raises(change, exposure) and prescribed_for(exposure.courses[change.medication].medication.indication,
                                                       symptom.name):
            set_aside.append(SetAside(change, "indication"))
        elif reading is not None and raises(change, exposure) and change.date.earliest > reading.latest:
            set_aside.append(SetAside(change, "after the first reading"))
        elif change.benzodiazepine:
            candidates.append(change)
        else:
            others.append(change)
    within = [change for change in candidates if change.date.latest >= onset.earliest]
    before = [change for change in candidates if change.date.latest < onset.earliest]

    parts: list[tuple[Related, ...]] = []
    if within:
        items = _group(within, True, exposure, steps)
        parts.append(tuple(sorted(items, key=lambda item: not item.lowers)))
        if not any(item.lowers for item in items):
            earlier = _last_lowering(before, exposure, steps)
            if earlier is not None:
                parts.insert(0, (earlier,))
    elif before:
        latest = _item_of(before[-1], before, exposure, steps)
        parts.append((latest,))
        if not latest.lowers and latest.reinstates:
            earlier = _last_lowering([change for change in before if change not in latest.changes], exposure, steps)
            if earlier is not None:
                parts.append((earlier,))
    related = tuple(item for part in parts for item in part)
    beside = _beside(others, onset)
    text = _text(onset, parts, beside, set_aside, exposure)
    return OnsetRelation(symptom, related, beside, tuple(set_aside), _ambiguities(onset, related), text)


# -- the rules' pieces --------------------------------------------------------------------------


def first_reading(course: Sequence[CoursePoint]) -> PartialDate | None:
    """The date of the symptom's earliest severity reading."""
    return min((point.date for point in course), key=lambda day: day.sort_key(), default=None)


def raises(change: Change, exposure: Exposure) -> bool:
    """Whether the change adds to the load: for a step of a switch, whether the switch does."""
    if change.switch is not None:
        switch = exposure.switches[change.switch]
        return switch.raises or (switch.total_before is None and change.raises)
    return change.raises


def prescribed_for(indication: str | None, symptom: str) -> bool:
    """Whether an indication names the symptom: its name, or the part before a comma or a
    bracket ("tremor" of "tremor, both hands"), appears in the indication as whole words, or
    the indication in the name."""
    if not indication:
        return False
    text = _words(indication)
    name = _words(symptom)
    head = _words(re.split(r"[,(;:]", symptom, maxsplit=1)[0])
    return bool(text) and any(phrase and f" {phrase} " in f" {text} " for phrase in (name, head)) or (
        bool(text) and f" {text} " in f" {name} ")


def _words(text: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", text.casefold()).split())


def phase_index(phases: Sequence[TaperPhase]) -> dict[int, TaperPhase]:
    """Each phase by the identity of its steps."""
    return {id(change): phase for phase in phases for change in phase.changes}


def _item_of(change: Change, pool: Sequence[Change], exposure: Exposure, steps: dict[int, TaperPhase]) -> Related:
    """The item ``change`` belongs to, standing for the changes of ``pool`` in it."""
    return next(item for item in _group(pool, False, exposure, steps) if change in item.changes)


def _group(changes: Sequence[Change], within: bool, exposure: Exposure, steps: dict[int, TaperPhase]) -> list[Related]:
    """Changes as items: a switch's steps as the switch, a small-step phase's small steps as
    the phase, any other change on its own; in date order of their last change."""
    items: list[Related] = []
    switches: dict[int, list[Change]] = {}
    phases: dict[int, list[Change]] = {}
    order: list[tuple[str, int]] = []
    for change in changes:
        phase = steps.get(id(change))
        if change.switch is not None:
            if change.switch not in switches:
                order.append(("switch", change.switch))
            switches.setdefault(change.switch, []).append(change)
        elif phase is not None and not phase.names_step(change):
            if id(phase) not in phases:
                order.append(("phase", id(phase)))
            phases.setdefault(id(phase), []).append(change)
        else:
            order.append(("change", len(items)))
            items.append(Related((change,), within))
    grouped: list[Related] = []
    for kind, key in order:
        if kind == "switch":
            grouped.append(Related(tuple(switches[key]), within, switch=exposure.switches[key]))
        elif kind == "phase":
            members = phases[key]
            grouped.append(Related(tuple(members), within, phase=steps[id(members[0])]))
        else:
            grouped.append(items[key])
    return sorted(grouped, key=lambda item: item.last.sort_key())


def _last_lowering(before: Sequence[Change], exposure: Exposure, steps: dict[int, TaperPhase]) -> Related | None:
    for change in reversed(before):
        if not raises(change, exposure) and (change.lowers or change.switch is not None):
            item = _item_of(change, before, exposure, steps)
            if item.lowers:
                return item
    return None


def _beside(others: Sequence[Change], onset: PartialDate) -> tuple[Change, ...]:
    """The most recent non-benzodiazepine change in the ``BESIDE_WITHIN_DAYS`` before the onset."""
    recent = [change for change in others if change.kind != "hold"
              and change.date.latest >= add_days(onset.earliest, -BESIDE_WITHIN_DAYS)]
    return (recent[-1],) if recent else ()


def _ambiguities(onset: PartialDate, related: Sequence[Related]) -> tuple[str, ...]:
    found: list[str] = []
    within = [item for item in related if item.within and item.phase is None]
    if len(within) >= 2:
        days = ", ".join(f"{item.last.display() if item.switch else item.changes[-1].drug + ' ' + on_date(item.last)}"
                         for item in within)
        found.append(f"{len(within)} benzodiazepine changes fall in the onset's period ({days}); which of them "
                     "came before the onset is not recorded, and a full onset date would settle it")
    for item in related:
        for change in item.changes:
            if change.date.precision < onset.precision and change.date.latest >= onset.earliest:
                unit = "month" if change.date.day is None and change.date.month else "year"
                found.append(f"the change of {change.drug} {on_date(change.date)} is known only to the {unit}, "
                             "so it may have come after the onset")
    return tuple(found)


# -- the sentence -------------------------------------------------------------------------------


def _text(onset: PartialDate, parts: Sequence[Sequence[Related]], beside: Sequence[Change],
          set_aside: Sequence[SetAside], exposure: Exposure) -> str:
    sentences = [_part(onset, part) for part in parts]
    prescribed: list[str] = []
    for item in set_aside:
        if item.reason == "indication" and item.change.benzodiazepine and item.change.drug not in prescribed:
            prescribed.append(item.change.drug)
    if not sentences and prescribed:
        sentences.append(f"none given: {' and '.join(prescribed)} {'was' if len(prescribed) == 1 else 'were'} "
                         "prescribed for it")
        prescribed = []
    elif not sentences:
        sentences.append("before any recorded benzodiazepine change" if any(
            change.benzodiazepine for change in exposure.changes) else "no benzodiazepine recorded")
    for change in beside:
        sentences.append(f"also {describe_interval(change.date, onset)} "
                         f"{change.describe(dated=change.date.precision > onset.precision)}")
    if prescribed:
        sentences.append(f"{' and '.join(prescribed)} {'was' if len(prescribed) == 1 else 'were'} prescribed for it")
    return "; ".join(sentences)


def _part(onset: PartialDate, items: Sequence[Related]) -> str:
    """One group of items with their interval: "in the same month as A and B"."""
    texts: list[str] = []
    previous_drug: str | None = None
    for number, item in enumerate(items):
        text, drug = _item_text(onset, item, named=previous_drug)
        texts.append(text)
        previous_drug = drug
        if number == 0 and not text.startswith("during"):
            texts[0] = f"{describe_interval(item.last, onset)} {text}"
    return " and ".join(texts)


def _item_text(onset: PartialDate, item: Related, *, named: str | None) -> tuple[str, str | None]:
    """The item's words (without the interval) and the drug they name last."""
    last = item.changes[-1]
    if item.switch is not None:
        switch = item.switch
        during = switch.last.earliest > onset.latest
        return (f"during {switch.describe()}" if during else switch.describe()), None
    phase = item.phase
    if phase is not None:
        title = (f"the {phase.drug} taper from {format_mg_figure(phase.from_mg)} to "
                 f"{format_mg_figure(phase.to_mg)} mg/day")
        span = f"{format_date_range(phase.first, phase.last)}, −{format_percent(phase.percent)}"
        ended = last is phase.changes[-1] and phase.last.latest <= onset.latest
        if ended and (onset.is_exact or len(item.changes) == phase.steps or not item.within):
            end = "the end of " if onset.is_exact or not item.within else ""
            return f"{end}{title} ({span})", phase.drug
        if onset.is_exact or not item.within:
            percent, days = phase.until(last)
            return f"during {title}, after a {format_percent(percent)} reduction{_over(days)}", phase.drug
        if len(item.changes) <= NAMED_STEPS:
            named_steps = " and ".join(change.describe(drug=False, dated=True, year=onset.year)
                                       for change in item.changes)
            noun = "a step" if len(item.changes) == 1 else "steps"
            return f"{phase.drug} {named_steps}, {noun} of {title}", phase.drug
        first = item.changes[0]
        percent = (first.before_mg - last.after_mg) / first.before_mg * 100
        return (f"{len(item.changes)} steps of {title} ({format_mg_figure(first.before_mg)} → "
                f"{format_mg_figure(last.after_mg)} mg/day, −{format_percent(percent)})"), phase.drug
    dated = last.date.precision > onset.precision
    return last.describe(drug=named != last.drug, dated=dated, year=onset.year if item.within else None), last.drug


def _over(days: int | None) -> str:
    if days is None:
        return ""
    if days < 14:
        return f" over {days} day{'s' if days != 1 else ''}"
    return f" over {round(days / 7)} weeks"
