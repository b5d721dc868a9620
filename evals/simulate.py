"""Simulated interviews: scripted personas (or an LLM candidate) through the real engine, offline brain.

Per interview: main questions asked, interviewer questions, share of follow-ups aimed at a gap
(verified independently of the engine), repeated questions, leaked key points, turns, final score.
Across personas: rank correlation of final scores with the personas' expected order.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from evals.followups import FollowUpJudge
from evals.grading import spearman
from evals.leakage import leaked
from evals.personas import Persona, PersonaContext, load_personas, persona_context
from evals.suites import EvalOptions
from interviewer.composition import Components
from interviewer.domain.bank import Bank, Question
from interviewer.domain.report import SessionReport
from interviewer.domain.rounds import Round
from interviewer.domain.session import SessionState
from interviewer.errors import InputError, ProviderError
from interviewer.settings import Settings

# Quick (CI) cast: a strong, a weak and one adversarial persona per round (a different adversary each
# round), plus `solid` in one round; 13 interviews instead of 36, rank correlation still per round.
QUICK_CAST: dict[Round, tuple[str, ...]] = {
    Round.ML_SYSTEM_DESIGN: ("expert", "solid", "weak", "bluffer"),
    Round.BEHAVIORAL: ("expert", "weak", "prompt-injector"),
    Round.CASE_STUDY: ("expert", "weak", "silent"),
    Round.ML_DEPTH: ("expert", "weak", "off-topic"),
}
MAX_CANDIDATE_TURNS = 14
QUESTION_KINDS = ("opening", "follow_up", "next_question")


class Candidate(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def rank(self) -> int: ...

    @property
    def kind(self) -> str: ...

    def reset(self) -> None: ...

    def answer(self, ctx: PersonaContext) -> str: ...


@dataclass
class Interview:
    persona: str
    round: str
    state: SessionState
    report: SessionReport | None
    rejected_turns: int
    errors: list[str]


def _question_of(bank: Bank, state: SessionState) -> Question | None:
    current = state.current
    if current is None or current.question_id is None:
        return None
    return bank.question(current.question_id)


def run_interview(
    interviewer: Any, candidate: Candidate, round_: Round, bank: Bank, judge: FollowUpJudge, *, seed: int
) -> Interview:
    """One full interview: the candidate answers each interviewer line until the session ends."""
    candidate.reset()
    state: SessionState = interviewer.start(round_, seed=seed)
    errors: list[str] = []
    rejected = 0
    report = None
    steps: dict[int | None, int] = {}
    for _ in range(MAX_CANDIDATE_TURNS):
        question = _question_of(bank, state)
        progress = state.current
        rubric = bank.rubric_for(question, round_)
        ctx = persona_context(round_.value, question, progress.prompt if progress else "", rubric)
        last = state.last_interviewer_turn()
        ctx.last_line = last.text if last else ""
        ctx.aim = judge.nearest_criterion(ctx.last_line, rubric) if ctx.last_line else None
        ctx.step = steps.get(state.current_index, 0)
        text = candidate.answer(ctx)
        steps[state.current_index] = ctx.step + 1
        try:
            state = interviewer.record_candidate(state, text)
        except InputError:
            rejected += 1  # the engine refuses empty or oversized turns, as the API and CLI do
            continue
        reply = interviewer.advance(state)
        state = reply.state
        if reply.ended:
            report = reply.report
            break
    if state.status != "ended":
        report = interviewer.end(state)
    if report is None:
        errors.append("no report at the end of the session")
    return Interview(candidate.name, round_.value, state, report, rejected, errors)


def interview_metrics(interview: Interview, bank: Bank, judge: FollowUpJudge) -> dict[str, Any]:
    """The per-interview figures."""
    state = interview.state
    lines = [t for t in state.turns if t.speaker == "interviewer"]
    asked = [t for t in lines if t.kind in QUESTION_KINDS]
    # The same main question asked twice, and a follow-up probe line asked twice anywhere in the session.
    mains = [p.question_id or p.prompt for p in state.questions]
    probes = _norm([text for p in state.questions for text in p.asked_texts])
    secrets = [kp for p in state.questions if p.question_id for kp in bank.question(p.question_id).key_points]
    before_feedback = [t for t in lines if t.kind != "wrap_up"]
    leaks = sum(len(leaked(t.text, secrets)) for t in before_feedback)
    checks = judge.check_session(state)
    declared = [c["declared_gap"] for c in checks if c["declared_gap"] is not None]
    independent = [c["nearest_uncovered"] for c in checks]
    return {
        "persona": interview.persona,
        "round": interview.round,
        "session_id": state.id,
        "questions_asked": len(state.questions),
        "interviewer_questions": len(asked),
        "follow_ups": len(checks),
        "gap_aimed_share": float(np.mean(declared)) if declared else None,
        "nearest_criterion_uncovered_share": float(np.mean(independent)) if independent else None,
        "repeated_questions": len(mains) - len(set(mains)),
        "repeated_probe_lines": len(probes) - len(set(probes)),
        "leaked_key_points": leaks,
        "turns": len(state.turns),
        "candidate_turns": sum(1 for t in state.turns if t.speaker == "candidate"),
        "rejected_turns": interview.rejected_turns,
        "hints_used": sum(p.hints_used for p in state.questions),
        "final_score": interview.report.overall.score if interview.report else None,
        "recommendation": interview.report.overall.recommendation if interview.report else None,
        "flags": sorted(interview.report.flags) if interview.report else [],
        "errors": interview.errors,
        "follow_up_checks": checks,
    }


def _norm(texts: list[str]) -> list[str]:
    return [" ".join(t.lower().split()) for t in texts]


def _candidates(options: EvalOptions, settings: Settings) -> list[Candidate]:
    personas: list[Persona] = list(load_personas())
    if options.quick:
        cast = {name for names in QUICK_CAST.values() for name in names}
        personas = [p for p in personas if p.name in cast]
    if not options.candidate_base_url:
        return list(personas)
    from evals.llm_candidate import LLMCandidate

    return [LLMCandidate.from_options(p, options, settings) for p in personas]


def _aggregate(rows: list[dict[str, Any]], candidates: list[Candidate]) -> dict[str, Any]:
    kind = {c.name: c.kind for c in candidates}
    rank = {c.name: c.rank for c in candidates}
    scored = [r for r in rows if r["final_score"] is not None]
    by_round: dict[str, float] = {}
    for round_name in sorted({r["round"] for r in scored}):
        subset = [r for r in scored if r["round"] == round_name]
        expected = [-rank[r["persona"]] for r in subset]
        by_round[round_name] = spearman(expected, [r["final_score"] for r in subset])
    weak = {r["round"]: r["final_score"] for r in scored if r["persona"] == "weak"}
    adversarial = [r for r in scored if kind[r["persona"]] == "adversarial"]
    below = [r["final_score"] <= weak.get(r["round"], 2.0) + 1e-9 for r in adversarial]
    checks = [c for r in rows for c in r["follow_up_checks"]]
    declared = [c["declared_gap"] for c in checks if c["declared_gap"] is not None]
    nearest = [c["nearest_uncovered"] for c in checks]
    finite = [v for v in by_round.values() if not np.isnan(v)]
    return {
        "interviews_run": len(rows),
        "persona_rank_correlation": float(np.mean(finite)) if finite else float("nan"),
        "persona_rank_correlation_by_round": by_round,
        "persona_rank_correlation_pooled": spearman(
            [-rank[r["persona"]] for r in scored], [r["final_score"] for r in scored]
        ),
        "adversarial_at_or_below_weak": float(np.mean(below)) if below else float("nan"),
        "adversarial_at_or_below_2": float(np.mean([r["final_score"] <= 2.0 for r in adversarial]))
        if adversarial
        else float("nan"),
        "gap_aimed_follow_up_share": float(np.mean(declared)) if declared else float("nan"),
        "nearest_criterion_uncovered_share": float(np.mean(nearest)) if nearest else float("nan"),
        "totals": {
            "repeated_questions": sum(r["repeated_questions"] for r in rows),
            "repeated_probe_lines": sum(r.get("repeated_probe_lines", 0) for r in rows),
            "leaked_key_points": sum(r["leaked_key_points"] for r in rows),
            "errors": sum(len(r["errors"]) for r in rows),
            "follow_ups": sum(r["follow_ups"] for r in rows),
            "turns": sum(r["turns"] for r in rows),
        },
        "scores_by_persona": {
            c.name: {r["round"]: r["final_score"] for r in scored if r["persona"] == c.name}
            for c in candidates
        },
    }


def run_simulation_eval(components: Components, options: EvalOptions) -> dict[str, Any]:
    """Every persona through every round; the sessions are kept in `options.shared` for faithfulness."""
    settings = components.settings
    bank = components.bank()
    interviewer = components.interviewer()
    judge = FollowUpJudge(bank, components.analyzer())
    candidates = _candidates(options, settings)
    rows, interviews = [], []
    started = time.perf_counter()
    for round_ in Round:
        for candidate in candidates:
            if options.quick and candidate.name not in QUICK_CAST[round_]:
                continue
            try:
                interview = run_interview(interviewer, candidate, round_, bank, judge, seed=settings.seed)
            except ProviderError as exc:
                rows.append(_failed_row(candidate, round_, f"ProviderError: {exc}"))
                continue
            interviews.append(interview)
            rows.append(interview_metrics(interview, bank, judge))
    options.shared["interviews"] = interviews
    result = _aggregate(rows, candidates)
    result["seconds_per_interview"] = round((time.perf_counter() - started) / max(len(rows), 1), 3)
    result["candidate"] = options.candidate_base_url or "scripted personas"
    result["headline"] = [
        "persona_rank_correlation", "adversarial_at_or_below_weak", "gap_aimed_follow_up_share",
        "totals.repeated_questions", "totals.repeated_probe_lines", "totals.leaked_key_points",
        "totals.errors", "interviews_run",
    ]  # fmt: skip
    result["interviews"] = [{k: v for k, v in r.items() if k != "follow_up_checks"} for r in rows]
    return result


def _failed_row(candidate: Candidate, round_: Round, error: str) -> dict[str, Any]:
    return {
        "persona": candidate.name, "round": round_.value, "final_score": None, "errors": [error],
        "repeated_questions": 0, "repeated_probe_lines": 0, "leaked_key_points": 0, "follow_ups": 0,
        "turns": 0, "follow_up_checks": [],
    }  # fmt: skip
