"""LLM-mode review: quotes verified verbatim, scores kept in the evidence band and under the red-flag cap."""

from __future__ import annotations

from interviewer.domain.report import CriterionScore, Feedback, GradeReport, Overall
from interviewer.grading.review import LLMProposal, reconcile

TRANSCRIPT = (
    "I clarified the scale first: 10k QPS and 150 ms p99. Then I picked NDCG@10 as the offline metric."
)


def _report(levels: dict[str, int | None], flags: list[str] | None = None, hints: int = 0) -> GradeReport:
    criteria = [
        CriterionScore(
            id=cid,
            name=cid.title(),
            score=level,
            evidence=["I clarified the scale first: 10k QPS and 150 ms p99."] if level else [],
            rubric_ref=f"ml-system-design#{cid}",
            descriptor=f"descriptor {level}",
            weight=1 / len(levels),
            insufficient_evidence=level is None,
        )
        for cid, level in levels.items()
    ]
    score = sum((c.score or 1) * c.weight for c in criteria)
    return GradeReport(
        round="ml-system-design",
        question="Design it.",
        overall=Overall(score=round(score, 2), recommendation="Lean No Hire", confidence=0.6),
        criteria=criteria,
        flags=flags or [],
        feedback=Feedback(summary="evidence summary", hints_used=hints),
    )


def test_unverifiable_quotes_are_dropped_and_listed() -> None:
    proposal = {
        "criteria": [
            {
                "id": "metrics",
                "score": 3,
                "quotes": ["I picked NDCG@10 as the offline metric.", "I ran an A/B test"],
            }
        ]
    }
    report, adjustments = reconcile(proposal, _report({"metrics": 3}), TRANSCRIPT)
    metrics = report.criteria[0]
    assert "I picked NDCG@10 as the offline metric." in metrics.evidence
    assert all(e in TRANSCRIPT for e in metrics.evidence)
    assert any("I ran an A/B test" in a for a in adjustments)
    assert report.feedback.adjustments == adjustments


def test_scores_are_clamped_to_the_evidence_band() -> None:
    proposal = {
        "criteria": [
            {"id": "metrics", "score": 4, "quotes": ["Then I picked NDCG@10 as the offline metric."]},
            {"id": "serving", "score": 1, "quotes": []},
            {"id": "data", "score": 2, "quotes": []},
        ]
    }
    base = _report({"metrics": 1, "serving": 4, "data": 2})
    report, adjustments = reconcile(proposal, base, TRANSCRIPT)
    levels = {c.id: c.score for c in report.criteria}
    assert levels == {"metrics": 2, "serving": 3, "data": 2}
    assert any("metrics: LLM score 4 -> 2" in a for a in adjustments)
    assert any("serving: LLM score 1 -> 3" in a for a in adjustments)
    assert not any(a.startswith("data:") for a in adjustments)


def test_red_flag_cap_wins_over_the_band() -> None:
    proposal = {"criteria": [{"id": "metrics", "score": 4, "quotes": ["I clarified the scale first"]}]}
    report, adjustments = reconcile(proposal, _report({"metrics": 1}, flags=["injection"]), TRANSCRIPT)
    assert report.criteria[0].score == 1
    assert report.overall.score == 1.0
    assert any("red-flag cap" in a for a in adjustments)


def test_no_evidence_and_no_quote_cannot_be_raised() -> None:
    proposal = {"criteria": [{"id": "metrics", "score": 3, "quotes": ["words the candidate never said"]}]}
    report, _ = reconcile(proposal, _report({"metrics": None}), TRANSCRIPT)
    assert report.criteria[0].score is None or report.criteria[0].score <= 1


def test_overall_is_recomputed_from_criteria_with_hint_penalty() -> None:
    proposal = {"criteria": [{"id": "a", "score": 3, "quotes": ["150 ms p99"]}, {"id": "b", "score": 3}]}
    report, adjustments = reconcile(proposal, _report({"a": 2, "b": 3}, hints=1), TRANSCRIPT)
    assert report.overall.score == 2.75  # mean 3.0 minus one hint
    assert any("overall recomputed" in a for a in adjustments)


def test_prose_with_invented_quotes_is_dropped() -> None:
    proposal = LLMProposal.from_dict(
        {
            "criteria": [],
            "summary": 'Good scoping. You said "we sharded the index across 40 machines" which is great.',
            "strengths": [
                {"text": "Quantified scale", "quote": "10k QPS and 150 ms p99"},
                {"text": "Discussed sharding", "quote": "sharded the index"},
            ],
        }
    )
    report, adjustments = reconcile(proposal, _report({"a": 2}), [TRANSCRIPT])
    assert report.feedback.summary == "Good scoping."
    assert [s.text for s in report.feedback.strengths] == ["Quantified scale"]
    assert report.feedback.strengths[0].evidence == ["10k QPS and 150 ms p99"]
    assert any("Discussed sharding" in a for a in adjustments)
    assert any("unknown" not in a for a in adjustments)


def test_unknown_criteria_are_ignored() -> None:
    report, adjustments = reconcile(
        {"criteria": [{"id": "charisma", "score": 4}]}, _report({"a": 2}), TRANSCRIPT
    )
    assert [c.id for c in report.criteria] == ["a"]
    assert any("charisma" in a for a in adjustments)
