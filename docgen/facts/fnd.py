"""The catalog of FND rule-in signs (REFERENCE.md section 5) and how results are phrased."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Sign:
    key: str
    name: str
    symptom_type: str
    positive_means: str


CATALOG: dict[str, Sign] = {
    sign.key: sign
    for sign in (
        Sign("hoover", "Hoover's sign", "leg weakness",
             "weak voluntary hip extension, normal extension when the other hip flexes against resistance"),
        Sign("hip_abductor", "Hip abductor sign", "leg weakness",
             "strength of the weak leg's abduction returns when the other leg abducts"),
        Sign("drift_without_pronation", "Drift without pronation", "arm weakness",
             "the arm drifts down without pronating"),
        Sign("give_way_weakness", "Give-way (collapsing) weakness", "limb weakness",
             "sudden loss of resistance after normal initial strength (low specificity alone)"),
        Sign("co_contraction", "Co-contraction", "weakness, tremor",
             "antagonists contract with agonists during attempted movement"),
        Sign("inconsistency", "Inconsistency between examination and function", "weakness",
             "e.g. no plantarflexion on the couch but walks on tiptoe"),
        Sign("tremor_entrainment", "Tremor entrainment", "tremor",
             "the tremor takes on the rhythm tapped by the other hand, or stops"),
        Sign("distractibility", "Distractibility", "tremor, gait, weakness",
             "the symptom lessens or stops with distraction"),
        Sign("ballistic_pause", "Tremor pause with ballistic movement", "tremor",
             "the tremor pauses during a quick movement of the other hand"),
        Sign("dragging_gait", "Dragging monoplegic gait", "gait", "the leg drags behind, often rotated"),
        Sign("midline_sensory_split", "Midline splitting of sensation or vibration", "sensory",
             "loss stops exactly at the midline (poor specificity)"),
        Sign("nonanatomical_sensory_loss", "Non-anatomical sensory loss", "sensory",
             "loss ends at a joint or changes boundaries (poor specificity)"),
        Sign("tubular_visual_field", "Tubular visual field", "vision", "the field is the same width at two distances"),
        Sign("spiral_visual_field", "Spiral visual field", "vision", "the field shrinks with each repeated pass"),
        Sign("convergence_spasm", "Convergence spasm", "vision",
             "intermittent convergence with pupil constriction on lateral gaze"),
        Sign("ictal_eye_closure", "Eyes closed during attacks", "attacks",
             "eyes closed, often resisting opening, during an event"),
    )
}

#: How each result reads in a document.
RESULT_TEXT: dict[str, str] = {
    "positive": "present",
    "negative": "not present",
    "inconclusive": "inconclusive",
    "not_tested": "not tested",
}


def sign_name(sign: str) -> str:
    """The plain-language name of a catalog key; any other name is shown as typed."""
    found = CATALOG.get(sign.strip())
    return found.name if found is not None else sign


def is_known(sign: str) -> bool:
    return sign.strip() in CATALOG


def lower_first(name: str) -> str:
    """"Tremor entrainment" -> "tremor entrainment", but "Hoover's sign" keeps its capital."""
    if name[:1].isupper() and not name.startswith("Hoover") and name[1:2].islower():
        return name[:1].lower() + name[1:]
    return name
