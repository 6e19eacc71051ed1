"""Problems are values: every stage returns them, only the command line prints them."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Iterable


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the input, at a place a person can open in an editor."""

    path: str  # relative to the site root, with forward slashes
    line: int  # 1-based; 0 when the problem is about the whole file
    column: int  # 1-based; 0 when unknown
    message: str
    # The rule the problem breaks (see rules.py), when the place that finds it names one; otherwise
    # the catalogue recognises the rule by the message.
    rule: str = ""

    def __post_init__(self) -> None:
        # One problem, one line: a key or value quoted in the message may hold a line break.
        if any(ch < " " or ch == "\x7f" for ch in self.message):
            shown = "".join(ch.encode("unicode_escape").decode("ascii") if ch < " " or ch == "\x7f" else ch
                            for ch in self.message)
            object.__setattr__(self, "message", shown)

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.message}"


def closest(word: str, choices: Iterable[str], cutoff: float = 0.6) -> str | None:
    """The choice nearest to a misspelt word, if one is near enough."""
    close = difflib.get_close_matches(str(word), sorted(choices), n=1, cutoff=cutoff)
    return close[0] if close else None


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A ' (did you mean "x"?)' hint for a near miss, or ''."""
    near = closest(word, choices)
    return f' (did you mean "{near}"?)' if near else ""


def sorted_problems(problems: Iterable[Problem]) -> list[Problem]:
    return sorted(set(problems))
