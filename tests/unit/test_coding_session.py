"""Coding sessions on the engine's contract, with the scripted runner: messages read as actions, the run count
is the session's own, the report is a session report that history, progress and the plan read."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from interviewer.domain.problems import load_problem_files
from interviewer.domain.rounds import CodingRound, Round, is_coding_round, parse_session_round
from interviewer.domain.session import CodingProgress, SessionState
from interviewer.errors import InputError
from interviewer.interview.coding_flow import CodingInterview
from interviewer.interview.coding_session import CodingEngine, CodingOutcome
from interviewer.interview.contract import Reply
from interviewer.interview.sessions import SessionEngine
from interviewer.ports import CallOutcome, CodeJob, CodeRun
from interviewer.practice.history import session_levels
from interviewer.practice.plan import StudyPlanner
from interviewer.practice.progress import summarise
from interviewer.practice.scheduler import ReviewScheduler
from interviewer.settings import SHIPPED_CORPUS
from sandbox.fake import ScriptedRunner

FILES = load_problem_files(SHIPPED_CORPUS)
PROBLEMS = {p.id: (p, f.rubric) for f in FILES.values() for p in f.problems}
EXPECTED = {"basic": ["b", "a"], "ties": ["x", "y"], "k-too-large": ["a"], "large": ["7"]}
CODE = "```python\ndef top_k(items, k):\n    return []\n```"


def answers_everything(job: CodeJob) -> CodeRun:
    return CodeRun("ok", tuple(CallOutcome(t.name, EXPECTED[t.name], seconds=0.01) for t in job.tests))


def engine(runner: ScriptedRunner | None = None) -> CodingEngine:
    runner = runner or ScriptedRunner(default=answers_everything)

    def interview(problem_id: str, progress: CodingProgress) -> CodingInterview:
        problem, rubric = PROBLEMS[problem_id]
        return CodingInterview(problem, rubric, runner, progress=progress, expected=dict(EXPECTED))

    return CodingEngine(FILES, interview, clock=lambda: 1000.0)


def say(coding: CodingEngine, state: SessionState, text: str) -> Reply:
    return coding.advance(coding.record_candidate(state, text))


def started(coding: CodingEngine) -> SessionState:
    return coding.start(CodingRound.CODING, question_id="top-k-frequent")


def test_the_coding_rounds_are_session_rounds() -> None:
    assert parse_session_round("ML-Coding") is CodingRound.ML_CODING
    assert parse_session_round("behavioral") is Round.BEHAVIORAL
    assert is_coding_round("coding") and not is_coding_round("ml-depth")
    with pytest.raises(InputError, match="coding, ml-coding"):
        parse_session_round("poetry")


def test_a_session_opens_on_the_problem_and_reads_each_message_as_one_action() -> None:
    coding = engine()
    state = started(coding)
    assert (
        state.round == "coding" and state.coding is not None and state.coding.problem_id == "top-k-frequent"
    )
    assert state.turns[0].kind == "opening" and "Starter code" in state.turns[0].text
    asked = say(coding, state, "How are ties broken?")
    assert asked.kind == "clarification"
    assert asked.text == "Ties are broken alphabetically, smallest string first."
    ran = say(coding, asked.state, f"Here is a first go.\n{CODE}")
    assert ran.kind == "run" and isinstance(ran.outcome, CodingOutcome)
    assert [r.name for r in ran.outcome.judgement.results] == ["basic"]
    hinted = say(coding, ran.state, "/hint")
    assert hinted.kind == "hint" and hinted.text == PROBLEMS["top-k-frequent"][0].hints[0]
    submitted = say(coding, hinted.state, "/submit")  # the code last run
    assert submitted.kind == "submission" and isinstance(submitted.outcome, CodingOutcome)
    assert submitted.outcome.judgement.all_passed and submitted.outcome.report is not None
    assert submitted.state.coding is not None
    assert submitted.state.coding.words == ["How are ties broken?", "Here is a first go."]


def test_the_run_count_graded_is_the_sessions_own() -> None:
    coding = engine()
    state = started(coding)
    for _ in range(3):
        state = say(coding, state, CODE).state
    submitted = say(coding, state, f"/submit\n{CODE}")
    assert submitted.state.coding is not None and submitted.state.coding.runs == 3
    assert isinstance(submitted.outcome, CodingOutcome) and submitted.outcome.report is not None
    testing = next(c for c in submitted.outcome.report.criteria if c.id == "testing")
    assert "ran the examples 3 time(s) before submitting" in testing.evidence


def test_submit_without_any_code_asks_for_it_and_runs_nothing() -> None:
    runner = ScriptedRunner(default=answers_everything)
    coding = engine(runner)
    reply = say(coding, started(coding), "/submit")
    assert reply.kind == "help" and "no code to submit" in reply.text and runner.jobs == []


def test_end_stores_a_session_report_that_history_progress_and_the_plan_read() -> None:
    coding = engine()
    state = started(coding)
    state = say(coding, state, f"/submit\n{CODE}").state
    ended = say(coding, state, "/end")
    assert ended.ended and ended.kind == "wrap_up" and ended.state.status == "ended"
    report = ended.state.report
    assert report is not None and report.round == "coding"
    assert [c.id for c in report.criteria] == [
        "correctness",
        "code-quality",
        "complexity",
        "testing",
        "communication",
    ]
    assert report.questions[0].question_id == "top-k-frequent"
    history = session_levels([(datetime(2026, 1, 1, tzinfo=UTC), ended.state)])
    assert history[0].round == "coding" and history[0].questions[0].question_id == "top-k-frequent"
    assert {t.round for t in summarise(history).trends} == {"coding"}
    problems = {name: document.problems for name, document in FILES.items()}
    planner = StudyPlanner(bank=None, scheduler=ReviewScheduler(), recent_days=3, problems=problems)  # type: ignore[arg-type]
    plan = planner.plan(history, datetime(2026, 2, 1, tzinfo=UTC))
    targets = {i.question_id for i in plan.items if i.kind == "criterion"}
    assert targets and targets <= {p.id for p in FILES["coding"].problems}
    with pytest.raises(InputError, match="ended"):
        coding.record_candidate(ended.state, "more")


def test_an_unseen_problem_of_the_round_is_chosen_and_an_unknown_one_refused() -> None:
    coding = engine()
    ids = [p.id for p in FILES["ml-coding"].problems]
    state = coding.start(CodingRound.ML_CODING, seen_question_ids=frozenset(ids[1:]), seed=7)
    assert state.coding is not None and state.coding.problem_id == ids[0]
    with pytest.raises(InputError, match="no ml-coding problem"):
        coding.start(CodingRound.ML_CODING, question_id="top-k-frequent")


def test_the_session_engine_sends_each_round_to_its_engine() -> None:
    coding = engine()

    def no_conversation() -> object:
        raise AssertionError("a coding session must not build the conversation engine")

    sessions = SessionEngine(no_conversation, lambda: coding)  # type: ignore[arg-type]
    state = sessions.start(CodingRound.CODING, question_id="top-k-frequent")
    reply = sessions.advance(sessions.record_candidate(state, CODE))
    assert reply.kind == "run"
    assert sessions.end(reply.state).round == "coding"
