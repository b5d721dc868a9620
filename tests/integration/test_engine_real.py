"""The engine on the shipped corpus with the real evidence layer (MiniLM) and the real grader."""

from __future__ import annotations

import pytest

from interviewer.brains.guard import leaks, secrets_of
from interviewer.composition import Components
from interviewer.domain.bank import Bank
from interviewer.domain.rounds import Round
from interviewer.interview.engine import Interviewer
from interviewer.settings import load_settings
from tests.support.engine_support import say

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def real_interviewer(tmp_path_factory: pytest.TempPathFactory, bank: Bank, real_embedder) -> Interviewer:  # type: ignore[no-untyped-def]
    """The offline interviewer as the composition root builds it: real model, real grader, one question."""
    one_question = {f"questions_{r.value.replace('-', '_')}": 1 for r in Round}
    settings = load_settings(
        data_dir=tmp_path_factory.mktemp("engine") / "data", max_follow_ups=3, **one_question
    )
    return Components(settings, embedder=real_embedder, bank=bank).interviewer()


def test_covering_two_key_points_gets_a_follow_up_aimed_at_another(real_interviewer: Interviewer) -> None:
    bank = real_interviewer.bank
    question = bank.question("sd-marketplace-recommendations")
    state = real_interviewer.start(Round.ML_SYSTEM_DESIGN, topic=question.topic, seed=0)
    state.planned_question_ids[0] = question.id  # pin the question under test
    state.questions[0].question_id, state.questions[0].prompt = question.id, question.prompt
    answer = f"{question.key_points[0]}. {question.key_points[1]}."
    reply = say(real_interviewer, state, answer)
    progress = reply.state.questions[0]
    assert reply.kind == "follow_up"
    aimed = [k for k in progress.asked_keys if k.startswith("kp:")]
    assert aimed and aimed[0] not in ("kp:0", "kp:1"), progress.asked_keys
    assert progress.asked_texts[0] in question.follow_ups


@pytest.mark.parametrize("round_", list(Round))
def test_a_session_per_round_never_leaks_or_repeats(real_interviewer: Interviewer, round_: Round) -> None:
    state = real_interviewer.start(round_, seed=2)
    answers = [
        "I'd start by clarifying the goal and the constraints, then pick a simple baseline.",
        "/hint",
        "We measured it with an A/B test; I decided to roll out to 10% of traffic first.",
        "It can fail when the data drifts, so I would monitor it and retrain weekly.",
        "Looking back, I learned to involve stakeholders earlier.",
    ]
    for text in answers:
        if state.status != "active":
            break
        state = say(real_interviewer, state, text).state
    if state.status == "active":
        real_interviewer.end(state)
    assert state.status == "ended" and state.report is not None and state.report.round == round_.value
    for index, progress in enumerate(state.questions):
        question = real_interviewer.bank.question(progress.question_id or "")
        secrets = secrets_of(question)
        lines = [t.text for t in state.turns if t.speaker == "interviewer" and t.question_index == index]
        for line in lines:
            assert not leaks(line, secrets), line
        assert len(progress.asked_texts) == len(set(progress.asked_texts)) <= 3
