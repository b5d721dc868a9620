"""Off-question detection: is an answer about the question asked, or about a different problem?

An answer is off-question when its sentences sit closer to another question of the same round (its
prompt and key points) than to the one asked, by a margin, or when they are far from the asked one
altogether. Short answers ("I don't know", one line) are never judged: too little to tell.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np

from interviewer.domain.bank import Bank, Question
from interviewer.text import split_sentences, word_count


class Vectors(Protocol):
    """What the judge needs of the evidence layer: cached sentence embeddings (rows L2-normalised)."""

    def vectors(self, texts: Sequence[str]) -> np.ndarray: ...


class TopicJudge:
    """Judges one answer turn against its question and the round's other questions."""

    def __init__(
        self,
        vectors: Vectors,
        bank: Bank,
        *,
        margin: float = 0.20,
        other_at_least: float = 0.42,
        min_words: int = 20,
        said_at: float = 0.55,
        leads_to_at: float = 0.30,
    ) -> None:
        self.embed = vectors
        self.bank = bank
        self.margin = margin  # another question must be this much closer than the asked one ...
        self.other_at_least = other_at_least  # ... and close in absolute terms (vague answers stay on)
        self.min_words = min_words
        self.said_at = said_at  # a line this close to one of the candidate's sentences was answered
        self.leads_to_at = leads_to_at  # a line this close to a key point leads toward it

    def answered(
        self,
        line: str,
        sentences: Sequence[str],
        question: Question | None,
        covered: set[str],
        asked: Sequence[str] = (),
    ) -> bool:
        """Whether a line asks what the candidate already said (directly, or via a covered key point)."""
        line_vec = self.embed.vectors([line])
        for texts in (sentences, asked):  # said by the candidate, or a near-repeat of a line already asked
            if texts and float((self.embed.vectors(list(texts)) @ line_vec.T).max()) >= self.said_at:
                return True
        if question is None:
            return False
        sims = (self.embed.vectors(list(question.key_points)) @ line_vec.T)[:, 0]
        best = int(np.argmax(sims))
        return float(sims[best]) >= self.leads_to_at and f"kp:{best}" in covered

    def closeness(self, answer: str, question: Question) -> tuple[float, float]:
        """(closeness to `question`, best closeness to another question of its round)."""
        sentences = [s for s, _, _ in split_sentences(answer)]
        sent_vecs = self.embed.vectors(sentences)
        own = self._score(question, sent_vecs)
        others = [
            self._score(q, sent_vecs) for q in self.bank.by_round(question.round) if q.id != question.id
        ]
        return own, max(others, default=0.0)

    def off_question(self, answer: str, question: Question) -> bool:
        """Whether `answer` is about a different problem than `question`."""
        if word_count(answer) < self.min_words:
            return False
        own, other = self.closeness(answer, question)
        return other >= self.other_at_least and other - own >= self.margin

    def _score(self, question: Question, sent_vecs: np.ndarray) -> float:
        anchors = [" ".join(question.prompt.split()), *question.key_points]
        best = (self.embed.vectors(anchors) @ sent_vecs.T).max(axis=0)
        return float(np.mean(np.sort(best)[::-1][:3]))
