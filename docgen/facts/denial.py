"""The grounds a denial of an amendment rests on (45 CFR 164.526(a)(2), REFERENCE.md section 1).

An entity may deny an amendment only if the information (i) was not created by it, (ii) is not
part of the designated record set, (iii) would not be available for inspection under 164.524
(psychotherapy notes, for example) or (iv) is accurate and complete. The case file names the
grounds in ``amendment.response.grounds``; where it does not, they are read from the words of the
denial's ``basis`` ("the record is accurate and complete" is ground (iv)). A basis that names none
of them gives no grounds, and the statement of disagreement then answers each item with its reason.
"""

from __future__ import annotations

import re
from typing import get_args

from docgen.case.model import DenialGround, Response

#: In the order of 164.526(a)(2).
GROUNDS: tuple[DenialGround, ...] = get_args(DenialGround)

#: The paragraph of 164.526(a)(2) that states each ground.
PARAGRAPHS: dict[DenialGround, str] = {
    "not_created": "164.526(a)(2)(i)",
    "not_in_record_set": "164.526(a)(2)(ii)",
    "not_available": "164.526(a)(2)(iii)",
    "accurate_and_complete": "164.526(a)(2)(iv)",
}

#: Words of a basis that name each ground (matched case-insensitively, as whole words).
_WORDING: dict[DenialGround, tuple[str, ...]] = {
    "not_created": (r"not (?:been )?created by", r"did not create", r"(?:was|were) created (?:by|at) another",
                    r"not (?:the|our) (?:originator|author)", r"originat\w* (?:elsewhere|outside)",
                    r"another (?:provider|facility|entity|organi[sz]ation)"),
    "not_in_record_set": (r"designated record set", r"not part of (?:the|our|your) (?:medical )?record"),
    "not_available": (r"psychotherapy notes?", r"not available for (?:inspection|access)",
                      r"164\.524"),
    "accurate_and_complete": (r"accurate", r"complete", r"correct as (?:written|recorded|documented)",
                              r"clinical judg(?:e)?ment"),
}
_PATTERNS = {ground: re.compile("|".join(rf"\b{words}" for words in wording), re.IGNORECASE)
             for ground, wording in _WORDING.items()}


def read_grounds(basis: str) -> tuple[DenialGround, ...]:
    """The grounds a denial's words name, in the order of 164.526(a)(2)."""
    return tuple(ground for ground in GROUNDS if _PATTERNS[ground].search(basis))


def grounds_of(response: Response) -> tuple[DenialGround, ...]:
    """The grounds of a denial: as the case file names them, else as its basis words them."""
    if response.grounds:
        return tuple(ground for ground in GROUNDS if ground in response.grounds)
    return read_grounds(response.basis) if response.basis else ()
