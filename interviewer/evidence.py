"""The evidence layer (deterministic, no LLM): what in the candidate's own words supports what.

CONTRACT shared by the grader (owner of this module) and the interviewer engine (which uses it for
gap-aimed follow-ups). Keep these names stable; extend with new fields rather than renaming.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from ingest.embedder import Embedder
from interviewer.bank import Question, Rubric


@dataclass(frozen=True)
class Span:
    """A verbatim slice of the candidate's text: text == source[start:end]."""

    text: str
    start: int
    end: int


@dataclass(frozen=True)
class KeyPointMatch:
    index: int
    text: str
    covered: bool
    score: float
    spans: tuple[Span, ...] = ()


@dataclass(frozen=True)
class CriterionEvidence:
    criterion_id: str
    strength: float  # 0..1, how well the text evidences this criterion
    level: int | None  # 1..4 estimate, None = insufficient evidence
    spans: tuple[Span, ...] = ()


@dataclass(frozen=True)
class Evidence:
    key_points: tuple[KeyPointMatch, ...]
    criteria: dict[str, CriterionEvidence]
    flags: tuple[str, ...] = ()  # e.g. "empty", "too-short", "gibberish", "off-topic", "buzzword-only", "injection"
    signals: dict[str, object] = field(default_factory=dict)  # round-specific structure signals

    def uncovered_key_points(self) -> list[KeyPointMatch]:
        return [k for k in self.key_points if not k.covered]

    def uncovered_criteria(self, threshold: float = 0.5) -> list[str]:
        """Criterion ids whose evidence strength is below `threshold`, weakest first."""
        weak = [c for c in self.criteria.values() if c.strength < threshold]
        return [c.criterion_id for c in sorted(weak, key=lambda c: c.strength)]


class EvidenceAnalyzer:
    """Finds evidence for a question's key points and a rubric's criteria in a candidate's text."""

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder

    def analyze(
        self,
        text: str,
        rubric: Rubric,
        question: Question | None = None,
        key_points: Sequence[str] | None = None,
        question_text: str | None = None,
    ) -> Evidence:
        """Evidence for `text` (one answer or all of a candidate's turns on one question)."""
        raise NotImplementedError("the grader issue implements this")
