"""Asking one question at a time, in plain language, and asking again (saying why) when an answer
cannot be used. Input and output are functions, so a terminal, a test script or another front
end can drive the same questions.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import TypeVar

from docgen.case.dates import PartialDate
from docgen.intake.date_text import DATE_EXAMPLES, parse_date_text
from docgen.intake.errors import AmbiguousDateError, EntryError, InterviewStopped

#: Reads one answer, given the prompt (the terminal's input, or a list of scripted answers).
Ask = Callable[[str], str]
#: Shows one line of text.
Say = Callable[[str], None]

_Value = TypeVar("_Value")

_YES = {"y", "yes", "yeah", "yep", "ok", "sure"}
_NO = {"n", "no", "nope", "none", "not now"}
_NOTHING = {"no", "none", "n/a", "na", "-", "skip", "nothing"}


class Questioner:
    """Questions with validation: a wrong answer is explained and the question asked again."""

    def __init__(self, ask: Ask, say: Say, today: date | None = None) -> None:
        self.ask = ask
        self.say = say
        self.today = today or date.today()

    def answer(self, prompt: str) -> str:
        try:
            return self.ask(prompt).strip()
        except (EOFError, StopIteration):
            raise InterviewStopped("the interview stopped before the end; nothing was written") from None

    def read(self, prompt: str, reader: Callable[[str], _Value], optional: bool = False) -> _Value | None:
        """Ask until ``reader`` accepts the answer; an empty answer is None when ``optional``."""
        while True:
            answer = self.answer(prompt)
            if not answer:
                if optional:
                    return None
                self.say("  An answer is needed here.")
                continue
            try:
                return reader(answer)
            except (EntryError, ValueError) as error:
                self.say(f"  Not accepted: {error}. Please try again.")

    def text(self, prompt: str) -> str:
        value = self.read(prompt, str)
        assert value is not None
        return value

    def optional_text(self, prompt: str) -> str | None:
        """Text, or None for Enter (and for "no", "none", "n/a", "-" or "skip": nothing to record)."""
        value = self.read(prompt, str, optional=True)
        return None if value is None or value.casefold() in _NOTHING else value

    def date(self, prompt: str, optional: bool = False, not_before: PartialDate | None = None) -> PartialDate | None:
        def reader(answer: str) -> PartialDate:
            try:
                when = parse_date_text(answer, today=self.today)
            except AmbiguousDateError as error:
                if error.readings is None:
                    raise
                readings = [(reading.isoformat(), reading.display()) for reading in error.readings]
                when = PartialDate.parse(self.required_choice(f"  '{answer}' could be either; which did you mean", readings))
            if not_before is not None and when.latest < not_before.earliest:
                raise EntryError(f"{when.display()} is before {not_before.display()}; expected a date on or after it")
            return when

        return self.read(f"{prompt} (e.g. {DATE_EXAMPLES}, today{'; Enter to skip' if optional else ''}):", reader, optional)

    def required_date(self, prompt: str, not_before: PartialDate | None = None) -> PartialDate:
        value = self.date(prompt, False, not_before)
        assert value is not None
        return value

    def choice(self, prompt: str, options: Sequence[tuple[str, str]], optional: bool = False) -> str | None:
        """One of ``options`` (value, label), by number, value or label."""
        listed = "; ".join(f"{number} {label}" for number, (_value, label) in enumerate(options, start=1))

        def reader(answer: str) -> str:
            lowered = answer.strip().casefold()
            if lowered.isdigit() and 1 <= int(lowered) <= len(options):
                return options[int(lowered) - 1][0]
            for value, label in options:
                if lowered in (value.casefold(), label.casefold(), value.replace("_", " ").casefold()):
                    return value
            raise EntryError(f"'{answer}' is not one of the choices; type a number from 1 to {len(options)}")

        return self.read(f"{prompt} ({listed}{'; Enter to skip' if optional else ''}):", reader, optional)

    def required_choice(self, prompt: str, options: Sequence[tuple[str, str]]) -> str:
        value = self.choice(prompt, options)
        assert value is not None
        return value

    def yes(self, prompt: str) -> bool:
        def reader(answer: str) -> bool:
            lowered = answer.casefold()
            if lowered in _YES:
                return True
            if lowered in _NO:
                return False
            raise EntryError(f"'{answer}' is not yes or no")

        value = self.read(f"{prompt} (yes/no):", reader)
        return bool(value)

    def lines(self, prompt: str, example: str) -> list[str]:
        """Several lines (an address), ended by an empty answer."""
        lines: list[str] = []
        while True:
            hint = f"e.g. {example}; Enter to skip" if not lines else "Enter when done"
            line = self.optional_text(f"{prompt}, line {len(lines) + 1} ({hint}):")
            if line is None:
                return lines
            lines.append(line)
