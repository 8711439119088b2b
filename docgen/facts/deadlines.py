"""The dates 45 CFR 164.526(b)(2) sets for an amendment request, computed from when it was sent.

The rule counts from *receipt*, which the sender cannot know in advance: the date is assumed to
be ``receipt_days`` after sending (stated as an assumption wherever it is printed). From receipt,
the entity must act within 60 days, and may extend once by at most 30 days with a written
statement of the reasons and the new date (REFERENCE.md section 1, (b)(2)).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from docgen.case.dates import PartialDate
from docgen.errors import MissingDataError

#: 164.526(b)(2)(i): act no later than 60 days after receipt.
ACT_WITHIN_DAYS = 60
#: 164.526(b)(2)(ii): one extension of no more than 30 days.
EXTENSION_DAYS = 30
#: 45 CFR 160.306(b)(3): a complaint to the Secretary within 180 days of knowing.
COMPLAINT_WITHIN_DAYS = 180


@dataclass(frozen=True)
class Deadlines:
    """When a request sent on ``sent`` is assumed to arrive, and when the entity must act."""

    sent: date
    receipt_days: int
    receipt: date
    decision: date
    latest: date

    @classmethod
    def of(cls, sent: date, receipt_days: int) -> Deadlines:
        if receipt_days < 0:
            raise ValueError("receipt_days must not be negative")
        try:
            receipt = sent + timedelta(days=receipt_days)
            latest = receipt + timedelta(days=ACT_WITHIN_DAYS + EXTENSION_DAYS)
        except OverflowError:
            raise MissingDataError(
                f"amendment.date: {sent.isoformat()} is too late: the deadlines counted from it would fall "
                "after the year 9999; expected the date the request is sent") from None
        return cls(
            sent=sent,
            receipt_days=receipt_days,
            receipt=receipt,
            decision=receipt + timedelta(days=ACT_WITHIN_DAYS),
            latest=latest,
        )

    def extended(self, extended_to: PartialDate | None) -> Extension:
        """The deadline after one extension: the entity's new date, never past the rule's limit."""
        if extended_to is None:
            return Extension(self.latest, given=None, capped=False)
        given = extended_to.latest
        if given > self.latest:
            return Extension(self.latest, given=extended_to, capped=True)
        return Extension(max(given, self.decision), given=extended_to, capped=False)


@dataclass(frozen=True)
class Extension:
    """The deadline an extension gives: ``due``; ``capped`` when the entity asked for more."""

    due: date
    given: PartialDate | None
    capped: bool


def days_between(earlier: date, later: date) -> int:
    return (later - earlier).days
