"""The llm suite's pieces without a real model: the scripted good model behind the OpenAI protocol,
per-turn outcomes (worded or fallen back, and why) and the threshold sweep."""

from __future__ import annotations

from pathlib import Path

from evals.followups import FollowUpJudge
from evals.llm_path import Pair, TimedInterviewer, threshold_sweep, turn_outcomes
from evals.llm_review_eval import review_verdict
from evals.openai_server import serve_model
from evals.personas import load_personas
from evals.simulate import run_interview
from ingest.embedder import HashingEmbedder
from interviewer.brains.validator import TurnValidator
from interviewer.composition import Components
from interviewer.domain.bank import Bank
from interviewer.domain.rounds import Round
from interviewer.llm.scripted import GoodScriptedModel
from interviewer.settings import load_settings


def test_a_simulated_interview_against_the_scripted_good_server(tmp_path: Path, bank: Bank) -> None:
    with serve_model(GoodScriptedModel()) as url:
        settings = load_settings(data_dir=tmp_path, brain="llm", llm_base_url=url, llm_model="scripted-good")
        components = Components(settings, embedder=HashingEmbedder(), bank=bank)
        timed = TimedInterviewer(components.interviewer())
        persona = next(p for p in load_personas() if p.name == "expert")
        judge = FollowUpJudge(bank, components.analyzer())
        interview = run_interview(timed, persona, Round.ML_DEPTH, bank, judge, seed=0)
    outcomes = turn_outcomes(interview)
    assert outcomes and all(o["kind"] not in ("hint", "wrap_up") for o in outcomes)
    assert all((o["brain"] == "llm") == (o["reason"] is None) for o in outcomes)
    assert any(o["brain"] == "llm" for o in outcomes)
    assert all((interview.state.id, o["index"]) in timed.seconds for o in outcomes)


def test_the_sweep_separates_rewordings_from_mismatched_plans() -> None:
    good = [
        Pair("You mentioned drift. How would you monitor the model after launch?",
             "Thanks. How would you monitor the model after launch?"),
        Pair("Noted. How would you pick the shard key for the index?",
             "Understood. How would you pick the shard key for the index?"),
    ]  # fmt: skip
    sweep = threshold_sweep(TurnValidator(HashingEmbedder(), 0.6), good, [])
    assert sweep["pairs"] == {"good": 2, "mismatched": 2, "smollm2": 0}
    strictest = sweep["rows"][-1]
    assert sweep["rows"][0]["good_accepted"] >= strictest["good_accepted"]
    assert strictest["mismatched_rejected"] == 1.0


def test_the_review_verdict_says_no_effect_when_nothing_was_accepted() -> None:
    assert review_verdict(0, ordering_kept=True, rules_kept=True).startswith("no effect")
    assert review_verdict(2, ordering_kept=True, rules_kept=True) == "keep review on"
    assert review_verdict(2, ordering_kept=False, rules_kept=True).startswith("worse")
    assert review_verdict(0, ordering_kept=True, rules_kept=False).startswith("worse")
