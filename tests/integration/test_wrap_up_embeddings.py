"""With the corpus ingested, a whole session (the wrap-up's guide pointers included) embeds nothing but
the candidate's sentences: the guide queries of "practise next" are among the bank's fixed texts."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np

from interviewer.composition import Components
from interviewer.domain.bank import Bank
from interviewer.domain.rounds import Round
from interviewer.ports import Embedder
from interviewer.settings import Settings

ANSWERS = (
    "I would clarify the goal first and ask about the scale of traffic.",
    "Labels come from logged clicks, and features from the user's history.",
    "I'd ship a simple baseline before anything deep.",
)


class Counting:
    """Delegates to the real embedder, counting every text it is asked to embed."""

    def __init__(self, inner: Embedder) -> None:
        self.inner, self.name, self.seen = inner, inner.name, Counter[str]()
        self.identity = getattr(inner, "identity", inner.name)  # the same vectors, so the same fixed file

    @property
    def dim(self) -> int:
        return self.inner.dim

    @property
    def max_tokens(self) -> int:
        return self.inner.max_tokens

    def count_tokens(self, text: str) -> int:
        return self.inner.count_tokens(text)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        self.seen.update(texts)
        return self.inner.embed(texts)


def test_a_session_with_guide_pointers_embeds_only_the_answers(
    ingested_settings: Settings, ingested_components: Components, bank: Bank
) -> None:
    ingested_components.grader()  # the fixed vectors' file, as ingest leaves it
    counting = Counting(ingested_components.embedder())
    components = Components(ingested_settings, embedder=counting, bank=bank)
    interviewer = components.interviewer()
    state = interviewer.start(Round.ML_DEPTH)
    for answer in ANSWERS:
        state = interviewer.advance(interviewer.record_candidate(state, answer)).state
    state = interviewer.advance(interviewer.record_candidate(state, "/end")).state
    assert state.report is not None
    refs = [r for g in state.report.questions for item in g.feedback.practice_next for r in item.guide_refs]
    assert refs, "no guide pointers: the wrap-up did not search the guides, so the test proves nothing"
    strays = [t for t in counting.seen if not any(t.rstrip(".") in a for a in ANSWERS)]
    assert strays == [], strays
