"""Was each follow-up aimed at a gap? Checked after the fact from the transcript alone.

Two views: the engine's declared target (criterion, key point or flow phase) re-checked against the
evidence layer / flow cues on the answers given *before* the follow-up; and an independent one, the
rubric criterion nearest to the follow-up's words (embedding similarity), checked the same way.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from interviewer.domain.bank import Bank, Rubric
from interviewer.domain.rounds import Round
from interviewer.domain.session import SessionState, Turn
from interviewer.grading.embedding_cache import CachedEmbedder
from interviewer.grading.evidence import EvidenceAnalyzer


class FollowUpJudge:
    def __init__(self, bank: Bank, analyzer: EvidenceAnalyzer) -> None:
        self.bank = bank
        self.embedder = analyzer.embedder
        self.analyzer = analyzer
        self._criterion_vectors: dict[str, tuple[list[str], np.ndarray]] = {}
        # Each interviewer line is embedded once: the persona reads it live, the check re-reads it after.
        self._lines = CachedEmbedder(analyzer.embedder)

    def _vectors(self, rubric: Rubric) -> tuple[list[str], np.ndarray]:
        if rubric.id not in self._criterion_vectors:
            texts = [" ".join([c.name, c.description, *c.probes]) for c in rubric.criteria]
            self._criterion_vectors[rubric.id] = ([c.id for c in rubric.criteria], self.embedder.embed(texts))
        return self._criterion_vectors[rubric.id]

    def nearest_criterion(self, line: str, rubric: Rubric) -> str:
        """The rubric criterion whose name, description and probes are closest to `line`."""
        ids, vectors = self._vectors(rubric)
        scores = vectors @ self._lines.embed([line])[0]
        return ids[int(np.argmax(scores))]

    def check_session(self, state: SessionState) -> list[dict[str, Any]]:
        """One record per follow-up: its target, whether that was a gap, and the independent view."""
        return [self._check(state, turn) for turn in state.turns if turn.kind == "follow_up"]

    def _check(self, state: SessionState, turn: Turn) -> dict[str, Any]:
        progress = state.questions[turn.question_index] if turn.question_index is not None else None
        question = self.bank.question(progress.question_id) if progress and progress.question_id else None
        round_ = Round(state.round)
        rubric = self.bank.rubric_for(question, round_)
        answers = [
            t.text
            for t in state.turns
            if t.speaker == "candidate"
            and t.kind == "answer"
            and t.question_index == turn.question_index
            and t.index < turn.index
        ]
        text = "\n\n".join(answers)
        evidence = self.analyzer.analyze(text, rubric, question=question)
        uncovered = set(evidence.uncovered_criteria())
        nearest = self.nearest_criterion(turn.text, rubric)
        return {
            "turn": turn.index,
            "target": turn.target,
            "declared_gap": self._declared_gap(turn.target, text, rubric, evidence, uncovered, state.round),
            "nearest_criterion": nearest,
            "nearest_uncovered": nearest in uncovered,
        }

    @staticmethod
    def _declared_gap(
        target: str | None, text: str, rubric: Rubric, evidence: Any, uncovered: set[str], round_name: str
    ) -> bool | None:
        if not target:
            return None
        if target in {c.id for c in rubric.criteria}:
            return target in uncovered
        kind, _, rest = target.partition(":")
        if kind == "kp" and rest.isdigit():
            index = int(rest)
            matches = [k for k in evidence.key_points if k.index == index]
            return bool(matches) and not matches[0].covered
        if kind == "phase":
            from interviewer.interview.round_flows import flow_for

            try:
                return not flow_for(Round(round_name)).phase(rest).covered(text)
            except StopIteration:
                return None
        if kind == "criterion":
            return rest in uncovered
        return None  # e.g. a bank follow-up used as a fallback: nothing to verify against
