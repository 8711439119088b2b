"""The links of the amendment's proposed addendum: the symptoms that began during or after each
reduction, run of reductions or switch, grouped, in the words the addendum prints ("The
patient's symptoms began {relation} {what} ..."). Computed from the onsets' relations
(``docgen.facts.onsets``): a symptom is linked to the reduction its relation names.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from docgen.case.dates import PartialDate, add_days
from docgen.case.model import Symptom
from docgen.facts.changes import Change, Switch
from docgen.facts.equivalence import TABLE_NAMES
from docgen.facts.exposure import Exposure
from docgen.facts.formatting import format_date_range, format_mg_figure, on_date
from docgen.facts.onsets import OnsetRelation, phase_index
from docgen.facts.phases import TaperPhase

#: An onset up to this long after a reduction (and before the next change) is linked to it in
#: the amendment's proposed addendum; later ones are listed with their timing only.
LINK_WINDOW_DAYS = 182


@dataclass(frozen=True)
class Link:
    """Symptoms that began during or after one reduction, run of reductions or switch, as the
    amendment's addendum says it: "began {relation} {what} ({onsets}: {names})"."""

    what: str
    relation: str
    symptoms: tuple[Symptom, ...]


def links(relations: Sequence[OnsetRelation], exposure: Exposure, phases: Sequence[TaperPhase]) -> list[Link]:
    """The symptoms that began during or within ``LINK_WINDOW_DAYS`` after a reduction, grouped
    by the run of reductions (or the switch) that reduction belongs to, in date order."""
    steps = phase_index(phases)
    groups: dict[tuple[str, int], tuple[tuple[PartialDate, PartialDate, str], list[Symptom]]] = {}
    for relation in relations:
        item = relation.reduction
        onset = relation.symptom.onset
        if item is None or onset.earliest > add_days(item.last.latest, LINK_WINDOW_DAYS):
            continue
        if item.switch is not None:
            key = ("switch", exposure.switches.index(item.switch))
            span = (item.switch.first, item.switch.last, _switch_link(item.switch, exposure))
        else:
            change = item.changes[-1]
            phase = steps.get(id(change))
            if phase is not None:
                key = ("phase", id(phase))
                span = (phase.first, phase.last, _phase_link(phase))
            else:
                key = ("change", id(change))
                span = (change.date, change.date, _change_link(change))
        groups.setdefault(key, (span, []))[1].append(relation.symptom)
    found = []
    for (first, last, what), symptoms in sorted(groups.values(), key=lambda group: group[0][0].sort_key()):
        found.append(Link(what, _link_relation(first, last, symptoms), tuple(symptoms)))
    return found


def _phase_link(phase: TaperPhase) -> str:
    stopped = " (stopped)" if phase.stopped else ""
    return (f"reductions of {phase.drug} from {format_mg_figure(phase.from_mg)} to {format_mg_figure(phase.to_mg)} "
            f"mg/day{stopped} {_between(phase.first, phase.last)}")


def _change_link(change: Change) -> str:
    if change.after_mg == 0:
        return f"stopping {change.drug} (from {format_mg_figure(change.before_mg)} mg/day) {on_date(change.date)}"
    return (f"a reduction of {change.drug} from {format_mg_figure(change.before_mg)} to "
            f"{format_mg_figure(change.after_mg)} mg/day {on_date(change.date)}")


def _switch_link(switch: Switch, exposure: Exposure) -> str:
    when = on_date(switch.first) if switch.first == switch.last else _between(switch.first, switch.last)
    total = ""
    if switch.total_before is not None and switch.total_after is not None and switch.lowers:
        total = (f", which lowered the total from {format_mg_figure(round(switch.total_before, 1))} to "
                 f"{format_mg_figure(round(switch.total_after, 1))} mg/day diazepam-equivalent "
                 f"({TABLE_NAMES[exposure.table]})")
    return f"the switch from {' and '.join(switch.from_drugs)} to {' and '.join(switch.to_drugs)} {when}{total}"


def _between(first: PartialDate, last: PartialDate) -> str:
    """"between 4 Mar and 1 Apr 2024"."""
    return f"between {format_date_range(first, last, 'and')}"


def _link_relation(first: PartialDate, last: PartialDate, symptoms: Sequence[Symptom]) -> str:
    after = all(symptom.onset.earliest > last.latest for symptom in symptoms)
    if first == last:
        return "after" if after else "on or after"
    during = all(symptom.onset.latest <= last.latest for symptom in symptoms)
    return "during" if during else "after" if after else "during or after"
