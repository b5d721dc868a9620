"""A candidate's sentences are embedded once per session: later turns and the wrap-up grade pass reuse them,
and the bank's fixed texts come from their file, never from the model."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np

from ingest.embedder import HashingEmbedder
from interviewer.composition import Components
from interviewer.domain.bank import Bank
from interviewer.domain.rounds import Round
from interviewer.settings import Settings

ANSWERS = (
    "I'd clarify the goal and scale first. About ten million users and a latency budget near 100 ms.",
    "For data I'd use logged interactions as labels. Features come from user history and item content.",
    "I'd start with a gradient boosted trees baseline. Then I'd compare a two-tower model offline.",
)


class CountingEmbedder(HashingEmbedder):
    def __init__(self) -> None:
        super().__init__()
        self.seen: Counter[str] = Counter()

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        self.seen.update(texts)
        return super().embed(texts)


def test_each_sentence_is_embedded_once_per_session(settings: Settings, bank: Bank) -> None:
    Components(settings, embedder=HashingEmbedder(), bank=bank).grader()  # as ingest leaves the data dir
    counting = CountingEmbedder()
    interviewer = Components(settings, embedder=counting, bank=bank).interviewer()
    state = interviewer.start(Round.ML_SYSTEM_DESIGN)
    for answer in ANSWERS:
        state = interviewer.advance(interviewer.record_candidate(state, answer)).state
    state = interviewer.advance(interviewer.record_candidate(state, "/end")).state
    assert state.status == "ended" and state.report is not None

    assert counting.seen, "the session embedded nothing: the test would prove nothing"
    repeated = {text: n for text, n in counting.seen.items() if n > 1}
    assert repeated == {}
    answer_sentences = {s for a in ANSWERS for s in a.split(". ")}
    strays = [t for t in counting.seen if not any(t.startswith(s.rstrip(".")) for s in answer_sentences)]
    assert strays == []
