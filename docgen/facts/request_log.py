"""What `docgen validate` checks in a request's log: that its entries are in date order and make
sense together. Nothing is received before it was sent; an extension comes once, within the
first period; a logged decision is recorded in ``response``; the recipient is somewhere whose
rules docgen states. Each problem is a (field, message) pair."""

from __future__ import annotations

from collections.abc import Iterator

from docgen.case.dates import display_day
from docgen.case.model import Case
from docgen.facts.jurisdiction import Rules, unsupported
from docgen.facts.requests import ANSWERS, SECTIONS, Request, first, iter_requests, request_rules


def rule_name(limits: Rules) -> str:
    """The rule that sets a request's time limits, as a citation."""
    if limits.regime != "us":
        return "GDPR Art. 12(3)" if limits.regime == "gdpr" else "UK GDPR Art. 12(3)"
    return "45 CFR 164.526(b)(2)" if limits.request == "amendment" else "45 CFR 164.524(b)(2)"


def iter_problems(case: Case) -> Iterator[tuple[str, str]]:
    """Each thing in a request's log (or place) worth a second look, with its field."""
    for name, request in iter_requests(case):
        section = SECTIONS[name]
        where = unsupported(request.to, f"{section}.to", section)
        if where is not None:
            yield f"{section}.to", where.split(": ", 1)[1]
        limits = request_rules(name, request)
        yield from _log_problems(section, request, limits)


def _log_problems(section: str, request: Request, limits: Rules | None) -> Iterator[tuple[str, str]]:
    log = request.log
    for index, entry in enumerate(log):
        field = f"{section}.log[{index}]"
        if not entry.date.is_exact:
            yield (f"{field}.date", f"{entry.date.isoformat()} is not a full date; the deadlines are counted from the "
                                    "day (YYYY-MM-DD)")
        if index and entry.date < log[index - 1].date:
            yield (f"{field}.date", f"{entry.date.display()} is before the entry above it "
                                    f"({log[index - 1].date.display()}); the log goes oldest first")
    sent = first(log, "sent")
    for index, entry in enumerate(log):
        field = f"{section}.log[{index}]"
        if entry.action == "received" and sent is not None and entry.date < sent.date:
            yield field, (f"received on {entry.date.display()}, before it was sent ({sent.date.display()}); "
                          "check both dates")
    extensions = [(index, entry) for index, entry in enumerate(log) if entry.action == "extension"]
    cited = rule_name(limits) if limits is not None else "the rule"
    for index, _entry in extensions[1:]:
        yield f"{section}.log[{index}]", f"a second extension; {cited} allows one"
    received = first(log, "received")
    if extensions and limits is not None and received is not None and received.date.is_exact:
        index, entry = extensions[0]
        ends = limits.due(received.date.earliest)
        if entry.date.earliest > ends:
            yield (f"{section}.log[{index}]",
                   f"the extension of {entry.date.display()} came after the first {limits.answer.words()} ended on "
                   f"{display_day(ends)}; {cited} allows an extension only within them, so it does not move the "
                   "deadline")
    decision = first(log, "decision")
    if decision is not None:
        index = log.index(decision)
        for later_index, entry in enumerate(log):
            if entry.action == "extension" and entry.date > decision.date:
                yield f"{section}.log[{later_index}]", f"an extension after the decision of {decision.date.display()}"
        response = request.response
        if response is None or response.decision not in ANSWERS:
            yield (f"{section}.log[{index}]",
                   f"a decision is logged on {decision.date.display()}, but {section}.response.decision does not "
                   "record it; set it to accepted, partly_accepted or denied (and response.basis for a denial)")
