"""Evidence layer with the real MiniLM embedder: topicality, nearest questions, verbatim spans."""

from __future__ import annotations

import pytest

from interviewer.evidence import EvidenceAnalyzer
from interviewer.grader import Grader
from interviewer.rounds import Round

pytestmark = pytest.mark.slow


def test_off_topic_answer_is_flagged_and_on_topic_is_not(real_embedder, bank) -> None:  # type: ignore[no-untyped-def]
    question = bank.question("md-bias-variance")
    analyzer = EvidenceAnalyzer(real_embedder)
    on = analyzer.analyze(
        "Bias is underfitting: the model is too simple, so training error is high. Variance is overfitting: "
        "a big gap between training and validation error, which more data or regularization reduces.",
        bank.rubric_for(question),
        question=question,
    )
    off = analyzer.analyze(
        "Our team runs two-week sprints with a planning meeting on Monday and a demo on the last Friday.",
        bank.rubric_for(question),
        question=question,
    )
    assert "off-topic" not in on.flags and "off-topic" in off.flags
    assert on.topicality > off.topicality
    assert sum(k.covered for k in on.key_points) >= 2


def test_free_text_question_finds_its_bank_neighbour(real_embedder, bank) -> None:  # type: ignore[no-untyped-def]
    grader = Grader(bank, EvidenceAnalyzer(real_embedder))
    nearest = grader.nearest_questions(
        Round.ML_DEPTH, "Why do L1 penalties give sparse weights while L2 does not?"
    )
    assert nearest[0].id == "md-l1-vs-l2-regularization"
