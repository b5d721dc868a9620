"""Simulated interviews through the real engine, and the faithfulness checks on them (real MiniLM)."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from evals.faithfulness import SupportScorer, aggregate, score_interview
from evals.followups import FollowUpJudge
from evals.leakage import leaked
from evals.personas import load_personas
from evals.simulate import Interview, interview_metrics, run_interview
from interviewer.composition import Components
from interviewer.domain.report import FeedbackItem
from interviewer.domain.rounds import Round

pytestmark = pytest.mark.slow
ROUND = Round.ML_SYSTEM_DESIGN
PERSONAS = ("expert", "weak", "bluffer", "silent")


@pytest.fixture(scope="module")
def played(ingested_settings, real_embedder, bank):  # type: ignore[no-untyped-def]
    """One ML system design interview per persona, with its metrics (the eval's own path)."""
    components = Components(ingested_settings, embedder=real_embedder, bank=bank)
    interviewer = components.interviewer()
    judge = FollowUpJudge(bank, components.analyzer())
    personas = {p.name: p for p in load_personas()}
    out: dict[str, tuple[Interview, dict[str, Any]]] = {}
    for name in PERSONAS:
        interview = run_interview(interviewer, personas[name], ROUND, bank, judge, seed=0)
        out[name] = (interview, interview_metrics(interview, bank, judge))
    return bank, out


def test_expert_beats_weak_and_adversaries_score_at_or_below_weak(played) -> None:  # type: ignore[no-untyped-def]
    _, out = played
    score = {name: metrics["final_score"] for name, (_, metrics) in out.items()}
    assert score["expert"] > score["weak"] + 0.5, score
    assert score["bluffer"] <= score["weak"] and score["silent"] <= score["weak"], score


def test_interviews_never_repeat_or_leak(played) -> None:  # type: ignore[no-untyped-def]
    _, out = played
    for name, (interview, metrics) in out.items():
        assert interview.state.status == "ended" and interview.report is not None, name
        assert metrics["errors"] == []
        assert metrics["repeated_questions"] == 0 and metrics["repeated_probe_lines"] == 0, name
        assert metrics["leaked_key_points"] == 0, name
    expert = out["expert"][1]
    assert expert["follow_ups"] >= 1 and expert["gap_aimed_share"] is not None


def _faithfulness(bank, interview: Interview, scorer: SupportScorer) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    return aggregate([score_interview(interview, bank, scorer)], 0.55)


def _with_report(interview: Interview) -> Interview:
    assert interview.report is not None
    return dataclasses.replace(interview, report=interview.report.model_copy(deep=True))


def test_a_fabricated_quote_lowers_the_verbatim_share(played, real_embedder) -> None:  # type: ignore[no-untyped-def]
    bank, out = played
    interview = out["expert"][0]
    scorer = SupportScorer(real_embedder)
    clean = _faithfulness(bank, interview, scorer)
    assert clean["counts"]["quotes"] > 0 and clean["evidence_quotes_verbatim"] == 1.0
    forged = _with_report(interview)
    assert forged.report is not None
    forged.report.questions[0].criteria[0].evidence.append("I benchmarked it on 40 GPUs in Reykjavik")
    result = _faithfulness(bank, forged, scorer)
    assert result["evidence_quotes_verbatim"] < 1.0


def test_invented_feedback_and_a_wrong_score_are_caught(played, real_embedder) -> None:  # type: ignore[no-untyped-def]
    bank, out = played
    interview = out["expert"][0]
    scorer = SupportScorer(real_embedder)
    clean = _faithfulness(bank, interview, scorer)
    forged = _with_report(interview)
    assert forged.report is not None
    invented = [
        "You clearly love medieval poetry and sailing.",
        "Your handwriting on the whiteboard was beautiful and neat.",
        "The weather in Lisbon was perfect for your holiday plans.",
    ]
    forged.report.feedback.strengths += [FeedbackItem(text=t) for t in invented]
    forged.report.feedback.summary = (
        "Overall 3.99/4 (Strong Hire, confidence 1.00). " + forged.report.feedback.summary
    )
    result = _faithfulness(bank, forged, scorer)
    assert result["feedback_sentences_supported"] < clean["feedback_sentences_supported"]
    assert result["score_statements_consistent"] < 1.0 == clean["score_statements_consistent"]


def test_a_leaked_key_point_is_detected(played, real_embedder) -> None:  # type: ignore[no-untyped-def]
    bank, out = played
    interview = out["weak"][0]
    state = interview.state.model_copy(deep=True)
    question = bank.question(state.questions[0].question_id or "")
    secret = max(question.key_points, key=len)
    follow_up = next(t for t in state.turns if t.kind == "follow_up")
    follow_up.text = f"Let me dig into one thing. {secret}?"
    assert leaked(follow_up.text, question.key_points) == [secret]
    result = _faithfulness(bank, dataclasses.replace(interview, state=state), SupportScorer(real_embedder))
    assert result["key_point_leakage_rate"] > 0 and result["counts"]["leaking_lines"] == 1
    clean = _faithfulness(bank, interview, SupportScorer(real_embedder))
    assert clean["key_point_leakage_rate"] == 0
