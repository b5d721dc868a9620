"""Round flows: the phases a real interviewer walks through in each round, and how to spot a gap.

Each phase has cue patterns (how an answer shows the phase was covered), a few follow-up lines of
our own, and a structural hint. `next_gap` returns the first phase, in the round's order, that the
candidate has not covered and the interviewer has not yet steered to. Behavioral STAR checks add two
structural tests that cue words cannot express: "we" without "I", and a result without a number.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from interviewer.domain.rounds import Round

NUMBER = re.compile(r"\d|\b(?:half|double|twice|thousand|million|billion|percent)\b", re.IGNORECASE)
_I = re.compile(r"\b(?:I|I'm|I've|I'd|my|me|myself)\b")
_WE = re.compile(r"\b(?:we|we're|we've|our|us)\b", re.IGNORECASE)


def cues(alternatives: str) -> re.Pattern[str]:
    """Cue words/stems separated by "|", matched at a word start, case-insensitively."""
    return re.compile(r"\b(?:" + alternatives + r")", re.IGNORECASE)


@dataclass(frozen=True)
class Phase:
    """One step of a round's flow."""

    id: str
    name: str
    cues: re.Pattern[str]
    probes: tuple[str, ...]
    hint: str
    covered_when: Callable[[str], bool] | None = field(default=None, compare=False)

    def covered(self, text: str) -> bool:
        """Whether `text` (all the candidate's words on a question) covers this phase."""
        if self.covered_when is not None:
            return self.covered_when(text)
        return bool(self.cues.search(text))

    def matches(self, line: str) -> int:
        """How many of this phase's cues a line (e.g. a bank follow-up) hits."""
        return len(self.cues.findall(line))


def owns_actions(text: str) -> bool:
    """'I' statements present and not drowned out by 'we' (personal ownership is visible)."""
    mine, ours = len(_I.findall(text)), len(_WE.findall(text))
    return mine >= 2 and mine * 2 >= ours


_MEASURE = re.compile(r"\d+(?:\.\d+)?\s?(?:%|percent|x\b|ms\b)|[$€£]\s?\d", re.IGNORECASE)


def measured_result(text: str) -> bool:
    """An outcome with a number: an explicit measure (12%, 3x, $40k) or outcome words next to a number."""
    if _MEASURE.search(text):
        return True
    outcome = cues(r"result|outcome|impact|reduc|increas|improv|saved|cut ")
    return bool(outcome.search(text)) and bool(NUMBER.search(text))


@dataclass(frozen=True)
class RoundFlow:
    """The ordered phases of a round, and whether structural gaps outrank key-point gaps."""

    round: Round
    phases: tuple[Phase, ...]
    structural_first: bool
    paced: bool = False  # the interviewer moves a candidate on who dwells in one phase (system design)

    def phase(self, phase_id: str) -> Phase:
        return next(p for p in self.phases if p.id == phase_id)

    def dominant(self, text: str) -> Phase | None:
        """The phase a turn dwells on: the most cue hits (the earlier phase on a tie), None without any."""
        best = max(self.phases, key=lambda p: (p.matches(text), -self.phases.index(p)))
        return best if best.matches(text) else None

    def covered(self, text: str) -> list[str]:
        """Ids of the phases `text` covers, in flow order."""
        return [p.id for p in self.phases if p.covered(text)]

    def next_gap(self, text: str, asked_keys: Iterable[str]) -> Phase | None:
        """The first phase not covered by `text` and not already steered to (`phase:<id>` in asked_keys)."""
        asked = set(asked_keys)
        for phase in self.phases:
            if f"phase:{phase.id}" not in asked and not phase.covered(text):
                return phase
        return None
