"""`eval simulate --candidate-base-url`: an LLM plays the candidate through the OpenAI-compatible seam.

Against the scripted fake server on 127.0.0.1: the model's words become the candidate's turns, the
interviewer's line reaches the model, and a failing endpoint falls back to the persona's script.
"""

from __future__ import annotations

from evals.llm_candidate import LLMCandidate
from evals.personas import load_personas, persona_context
from evals.suites import EvalOptions
from interviewer.composition import Components
from interviewer.domain.rounds import Round
from interviewer.settings import Settings
from tests.support.llm_fault_server import fault_server

MODEL_ANSWER = "I would first clarify the goal and the latency budget, then pick a simple baseline model."


def _candidate(url: str, settings: Settings, persona: str = "expert") -> LLMCandidate:
    personas = {p.name: p for p in load_personas()}
    options = EvalOptions(candidate_base_url=url, candidate_model="fake-model")
    return LLMCandidate.from_options(personas[persona], options, settings)


def test_the_model_answers_the_interviewers_line_and_a_failure_falls_back_to_the_script(
    settings: Settings, bank
) -> None:  # type: ignore[no-untyped-def]
    question = bank.by_round(Round.ML_SYSTEM_DESIGN)[0]
    ctx = persona_context("ml-system-design", question, question.prompt, bank.rubric_for(question))
    with fault_server(reply=MODEL_ANSWER) as (server, url):
        candidate = _candidate(url, settings)
        assert candidate.answer(ctx) == MODEL_ANSWER
        sent = server.requests[-1]["messages"]
        assert sent[0]["role"] == "system" and "persona" in sent[0]["content"].lower()
        assert sent[-1] == {"role": "user", "content": question.prompt}
        server.default = "500"
        scripted = candidate.persona.answer(ctx)
        candidate.persona.reset()
        assert candidate.answer(ctx) == scripted and candidate.failures == 1


def test_a_whole_interview_with_an_llm_candidate(ingested_components: Components) -> None:
    from evals.followups import FollowUpJudge
    from evals.simulate import run_interview

    bank = ingested_components.bank()
    with fault_server(reply=MODEL_ANSWER) as (_, url):
        candidate = _candidate(url, ingested_components.settings)
        interview = run_interview(
            ingested_components.interviewer(), candidate, Round.CASE_STUDY, bank,
            FollowUpJudge(bank, ingested_components.analyzer()), seed=0,
        )  # fmt: skip
    said = [t.text for t in interview.state.turns if t.speaker == "candidate"]
    assert said and set(said) == {MODEL_ANSWER}
    assert interview.report is not None and not interview.errors and candidate.failures == 0
