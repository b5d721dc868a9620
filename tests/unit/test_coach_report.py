"""The coach-first report: the summary's three lines, the folded details, each quote once, all surfaces."""

from __future__ import annotations

import io
import json

from rich.console import Console

from interviewer.cli.render import print_report
from interviewer.domain.report import (
    CriterionScore,
    Feedback,
    FeedbackItem,
    GradeReport,
    GuideRef,
    Overall,
    SessionReport,
    distinct_evidence,
)

SAID = "We cut p99 latency from 300 ms to 90 ms by caching the candidate set."


def criterion(cid: str, score: int | None, evidence: list[str], weight: float = 0.25) -> CriterionScore:
    return CriterionScore(
        id=cid, name=cid.title(), score=score, evidence=evidence, rubric_ref=f"r#{cid}",
        descriptor=f"{cid} at {score}", weight=weight,
    )  # fmt: skip


def report(
    criteria: list[CriterionScore], *, score: float = 2.0, label: str = "Lean No Hire"
) -> SessionReport:
    practice = [
        FeedbackItem(
            text="Practise tradeoffs: name the option you rejected and why.",
            criterion_id="tradeoffs",
            guide_refs=[GuideRef(chunk_id="c1", title="System design guide", section="Trade-offs")],
        ),
        FeedbackItem(text="Practise metrics: say the online metric.", criterion_id="metrics"),
    ]
    feedback = Feedback(
        summary="machine text",
        gaps=[
            FeedbackItem(text="Tradeoffs (level 1): No evidence in your answer.", criterion_id="tradeoffs"),
            FeedbackItem(text="Missing key point: cache the candidate set"),
        ],
        practice_next=practice,
        model_answer="Outline of a strong answer:\n- Clarify.\n- Serve.",
    )
    question = GradeReport(
        round="ml-system-design", question_id="q1", question="Design a feed.",
        overall=Overall(score=score, recommendation=label, confidence=0.8), criteria=criteria, flags=[],
        missed_key_points=["cache the candidate set"], feedback=feedback,
    )  # fmt: skip
    return SessionReport(
        round="ml-system-design", overall=Overall(score=score, recommendation=label, confidence=0.8),
        criteria=criteria, questions=[question], feedback=feedback,
    )  # fmt: skip


def test_the_summary_names_the_level_the_strongest_quote_and_the_guide_section() -> None:
    r = report([criterion("metrics", 3, [SAID]), criterion("tradeoffs", 1, [])], score=2.6, label="Lean Hire")
    level, strength, practise = r.summary.lines
    assert level.startswith("Lean Hire: 1 of 2 criteria reached Lean Hire")
    assert "the weakest, Tradeoffs, had no evidence (level 1)." in level
    assert strength == f"Strongest: Metrics, level 3: \u201c{SAID}\u201d"
    assert practise.startswith("Practise next, Tradeoffs: name the option you rejected and why.")
    assert practise.endswith("Read: System design guide \u203a Trade-offs.")
    assert r.summary.strength is not None and r.summary.strength.reached_lean_hire


def test_below_lean_hire_the_strength_is_the_best_evidenced_criterion_said_honestly() -> None:
    r = report([criterion("metrics", 2, [SAID, "Two quotes."]), criterion("modeling", 2, ["One quote."])])
    strength = r.summary.lines[1]
    assert strength.startswith("Best-evidenced (still below Lean Hire): Metrics, level 2")
    assert "None" not in " ".join(r.summary.lines)


def test_a_capped_report_gives_the_flag_as_its_reason() -> None:
    r = report([criterion("metrics", 2, [SAID]), criterion("tradeoffs", 1, [])])
    r.flags.append("no-key-points")
    assert r.summary.lines[0].startswith("Lean No Hire: The answer covers none of the question's key points")


def test_with_no_evidence_at_all_the_report_says_so_instead_of_none() -> None:
    r = report([criterion("metrics", None, []), criterion("tradeoffs", 1, [])], score=1.0, label="No Hire")
    assert r.summary.strength is None
    assert r.summary.lines[1] == (
        "Strongest: no criterion has evidence in your words yet, so there is nothing to quote."
    )


def test_details_fold_missed_points_outline_and_criterion_gaps_and_leave_out_empty_sections() -> None:
    r = report([criterion("metrics", 3, [SAID]), criterion("tradeoffs", 1, [])])
    sections = {s.title: s.lines for s in r.details}
    assert list(sections) == [
        "Key points you missed",
        "Model answer outline",
        "Gaps, in full",
        "Also worth practising",
    ]
    assert sections["Model answer outline"] == ["Clarify.", "Serve."]
    assert sections["Gaps, in full"] == [
        "Tradeoffs (level 1): No evidence in your answer."
    ]  # not the key point again
    r.questions[0].missed_key_points.clear()
    assert "Key points you missed" not in [s.title for s in r.details]


def test_a_quote_cited_under_two_criteria_is_shown_once() -> None:
    criteria = [criterion("metrics", 3, [SAID, "Other."]), criterion("modeling", 2, [SAID])]
    assert distinct_evidence(criteria) == {"metrics": [SAID, "Other."], "modeling": []}
    out = io.StringIO()
    print_report(report(criteria), Console(file=out, width=200, color_system=None))
    text = out.getvalue()
    assert text.count(SAID) == 2  # once in the summary's strength, once in the table
    assert "(quoted above)" in text and "None." not in text
    assert "Feedback: 2.00 / 4" in text
    assert text.index("Strongest") < text.index("Criterion") < text.index("Key points you missed")


def test_the_json_carries_the_summary_and_details_and_reads_back() -> None:
    r = report([criterion("metrics", 3, [SAID]), criterion("tradeoffs", 1, [])])
    doc = json.loads(r.model_dump_json())
    assert doc["summary"]["lines"] == r.summary.lines
    assert doc["summary"]["practise"]["guide"]["section"] == "Trade-offs"
    assert doc["questions"][0]["summary"]["level"] == "Lean No Hire"
    assert doc["details"][0]["title"] == "Key points you missed"
    assert SessionReport.model_validate(doc) == r  # the derived fields are ignored on the way in


def test_square_brackets_in_the_candidates_words_are_printed_not_read_as_markup() -> None:
    code = "window = values[i - w : i] and [bold]not bold[/bold]"
    out = io.StringIO()
    print_report(report([criterion("code", 3, [code])]), Console(file=out, width=300, color_system=None))
    assert "values[i - w : i]" in out.getvalue() and "[bold]not bold[/bold]" in out.getvalue()
