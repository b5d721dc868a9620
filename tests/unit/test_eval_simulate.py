"""Simulation metrics on hand-built sessions (no interview is played)."""

from __future__ import annotations

from evals.followups import FollowUpJudge
from evals.simulate import Interview, interview_metrics
from interviewer.domain.rounds import Round
from interviewer.domain.session import QuestionProgress, SessionState
from interviewer.grading.evidence import EvidenceAnalyzer

ROUND = Round.ML_SYSTEM_DESIGN


def test_repeat_metrics_count_main_questions_and_probe_lines_separately(bank, fake_embedder) -> None:  # type: ignore[no-untyped-def]
    question = bank.by_round(ROUND)[0]
    state = SessionState(round=ROUND.value)
    line = "How would you serve this within the latency budget?"
    state.questions = [
        QuestionProgress(question_id=question.id, prompt=question.prompt, asked_texts=[line]),
        QuestionProgress(question_id=bank.by_round(ROUND)[1].id, prompt="other", asked_texts=[line.upper()]),
    ]
    judge = FollowUpJudge(bank, EvidenceAnalyzer(fake_embedder))
    metrics = interview_metrics(Interview("x", ROUND.value, state, None, 0, []), bank, judge)
    assert (metrics["repeated_questions"], metrics["repeated_probe_lines"]) == (0, 1)
    state.questions[1].question_id = question.id
    metrics = interview_metrics(Interview("x", ROUND.value, state, None, 0, []), bank, judge)
    assert (metrics["repeated_questions"], metrics["repeated_probe_lines"]) == (1, 1)
