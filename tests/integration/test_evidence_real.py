"""Evidence layer with the real MiniLM embedder: topicality, nearest questions, verbatim spans."""

from __future__ import annotations

import pytest

from interviewer.composition import Components
from interviewer.domain.rounds import Round
from interviewer.grading.grader import Grader
from interviewer.settings import Settings
from tests.unit.test_grader import GOOD, QID

pytestmark = pytest.mark.slow


@pytest.fixture
def grader(settings: Settings, real_embedder, bank) -> Grader:  # type: ignore[no-untyped-def]
    """The grader the composition root builds with the real model (no corpus ingested: no guide pointers)."""
    return Components(settings, embedder=real_embedder, bank=bank).grader()


def test_off_topic_answer_is_flagged_and_on_topic_is_not(grader: Grader, bank) -> None:  # type: ignore[no-untyped-def]
    question = bank.question("md-bias-variance")
    analyzer = grader.analyzer
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


def test_free_text_question_finds_its_bank_neighbour(grader: Grader) -> None:
    nearest = grader.nearest_questions(
        Round.ML_DEPTH, "Why do L1 penalties give sparse weights while L2 does not?"
    )
    assert nearest[0].id == "md-l1-vs-l2-regularization"


GENERIC_RECOMMENDER_DESIGN = (
    "I would start by clarifying the goal: rank items to maximise long-term engagement, about 50 million "
    "daily users and a 100 ms latency budget. Success metric: click-through and retention, measured offline "
    "with NDCG and online with an A/B test. For data I would log impressions and clicks, build features like "
    "user history embeddings and item popularity, then train a two-tower retrieval model and a gradient "
    "boosted ranker because it is fast."
)


def test_a_fluent_answer_to_another_question_cannot_reach_lean_hire(grader: Grader, bank) -> None:  # type: ignore[no-untyped-def]
    from interviewer.grading.grader import QuestionAttempt

    debugging = bank.question("sd-ctr-drop-debugging")  # asks why a metric dropped, not for a design
    report = grader.grade_answer(
        Round.ML_SYSTEM_DESIGN, QuestionAttempt(debugging, debugging.prompt, [GENERIC_RECOMMENDER_DESIGN])
    )
    assert "no-key-points" in report.flags
    assert all((c.score or 1) <= 2 for c in report.criteria) and report.overall.score <= 2.0
    marketplace = bank.question(QID)
    fitting = grader.grade_answer(
        Round.ML_SYSTEM_DESIGN, QuestionAttempt(marketplace, marketplace.prompt, [GOOD])
    )
    assert "no-key-points" not in fitting.flags and fitting.overall.score > 2.0
    free_text = grader.grade_answer(
        Round.ML_SYSTEM_DESIGN, QuestionAttempt(None, debugging.prompt, [GENERIC_RECOMMENDER_DESIGN])
    )
    assert "no-key-points" not in free_text.flags  # borrowed key points are not held against it
