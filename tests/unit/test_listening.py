"""The interviewer listens (issue 11): clarifying answers, coverage memory, committed acknowledgements,
off-question redirects, pacing, the time box and practising a chosen question."""

from __future__ import annotations

import pytest

from interviewer.brains.base import BrainContext, ClarifyingAnswer, Move
from interviewer.brains.guard import leaks
from interviewer.brains.prompt import build_messages
from interviewer.domain.bank import Bank, Facts
from interviewer.domain.rounds import Round
from interviewer.errors import InputError
from interviewer.interview.acknowledge import committed_concepts
from interviewer.interview.listening import answer_questions, candidate_questions, mostly_questions
from interviewer.interview.pacing import move_on_to, note_phase, status_line
from interviewer.interview.round_flows import flow_for
from tests.support.engine_support import make_interviewer, say, synthetic_bank

SD = Round.ML_SYSTEM_DESIGN
FACTS = Facts(scale="About 5,000 widget requests a second.", latency="Under 100 ms per request.")


@pytest.fixture
def sd_bank(bank: Bank) -> Bank:
    return synthetic_bank(bank, SD)


class AlwaysOff:
    """A topic judge that finds every answer off-question (the engine decides what to do with that)."""

    def off_question(self, answer: str, question: object) -> bool:
        return True

    def answered(
        self, line: str, sentences: object, question: object, covered: object, asked: object
    ) -> bool:
        return False


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_every_bank_question_has_facts_and_none_reveals_a_key_point(bank: Bank) -> None:
    for question in bank.questions:
        given = question.facts.given()
        assert given, question.id
        for fact in given.values():
            assert not leaks(fact, list(question.key_points)), (question.id, fact)


def test_facts_need_at_least_one_topic() -> None:
    with pytest.raises(ValueError, match="at least one"):
        Facts()


def test_questions_are_detected_by_mark_or_by_asking_words() -> None:
    text = "Should I assume a single region. I'd start with the data. How many users a day?"
    assert candidate_questions(text) == ["Should I assume a single region.", "How many users a day?"]
    assert not candidate_questions("I would use a ranker. Latency is 100 ms.")
    assert mostly_questions("How many users? And how fast must it answer?")
    assert not mostly_questions(
        "How many users? " + "I would build a two stage ranker with a cheap retriever " * 3
    )


def test_two_questions_at_once_get_two_answers_and_an_undefined_topic_is_your_call() -> None:
    answers = answer_questions(
        "How many requests a second, and what latency budget? Is there a GPU limit?", FACTS, []
    )
    assert [(a.topic, a.fact) for a in answers] == [
        ("scale", FACTS.scale),
        ("latency", FACTS.latency),
        ("constraints", None),
    ]


def test_a_fact_that_would_reveal_a_key_point_is_never_given() -> None:
    secret = "Under 100 ms per request, so the ranker must be precomputed"
    answers = answer_questions("What is the latency budget?", FACTS, [secret])
    assert answers == (ClarifyingAnswer("latency", "What is the latency budget?", None),)


def test_a_turn_of_questions_is_answered_in_the_same_turn_without_using_a_follow_up(sd_bank: Bank) -> None:
    interviewer = make_interviewer(sd_bank)
    state = interviewer.start(SD, seed=1)
    reply = say(interviewer, state, "How many requests a second should I plan for? What about latency?")
    assert reply.kind == "clarify"
    assert "5,000 widget requests a second" in reply.text and "under 100 ms" in reply.text.lower()
    assert reply.state.questions[0].follow_ups == 0


def test_a_question_inside_an_answer_is_answered_before_the_probe(sd_bank: Bank) -> None:
    interviewer = make_interviewer(sd_bank)
    state = interviewer.start(SD, seed=2)
    answer = (
        "Do we have labelled data from past sessions? I will assume we do, and I would train a ranker on "
        "clicks with features from the catalogue, then serve it behind a cache with a fallback list."
    )
    reply = say(interviewer, state, answer)
    assert reply.kind == "follow_up"
    assert "your call" in reply.text and reply.text.index("your call") < reply.text.index("?")


def test_a_follow_up_never_leads_to_a_key_point_covered_in_an_earlier_turn(sd_bank: Bank) -> None:
    for seed in range(5):
        interviewer = make_interviewer(sd_bank, max_follow_ups=3)
        state = interviewer.start(SD, seed=seed)
        state = say(interviewer, state, "I would shard the zebra index by item id across machines.").state
        for text in ("Then I train a model on clicks.", "I would watch the metrics after launch."):
            state = say(interviewer, state, text).state
        asked = state.questions[0].asked_texts
        assert "How would you shard the zebra index across machines?" not in asked, asked
        assert "kp:0" in state.questions[0].covered


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("I'd use gradient boosted trees and monitor drift weekly.", ["gradient boosted trees", "drift"]),
        ("A few hours of latency is fine here.", []),
        ("We don't need embeddings for this.", []),
        ("Maybe a transformer could help.", []),
        ("Should I worry about latency?", []),
    ],
)
def test_only_committed_concepts_can_be_acknowledged(answer: str, expected: list[str]) -> None:
    assert [c.lower() for c in committed_concepts(answer)] == expected


def test_no_concept_is_named_at_the_wrap_up(sd_bank: Bank) -> None:
    interviewer = make_interviewer(sd_bank, questions=1, max_follow_ups=0)
    for seed in range(4):
        state = interviewer.start(SD, seed=seed)
        reply = say(interviewer, state, "I would use a transformer and monitor drift with a canary rollout.")
        assert reply.kind == "wrap_up"
        first_line = reply.text.split("\n\n")[0].lower()
        assert "transformer" not in first_line and "drift" not in first_line and "canary" not in first_line


def test_an_off_question_answer_is_redirected_once_restating_the_question(sd_bank: Bank) -> None:
    interviewer = make_interviewer(sd_bank, topic_judge=AlwaysOff())
    state = interviewer.start(SD, seed=3)
    prompt = state.questions[0].prompt
    first = say(interviewer, state, "I would build a recommender with two towers and an ANN index for items.")
    assert first.kind == "redirect" and prompt in first.text
    assert first.state.questions[0].follow_ups == 0 and first.state.questions[0].redirected
    second = say(interviewer, first.state, "Still, the recommender would rank items by predicted clicks.")
    assert second.kind != "redirect"  # counted once: the interview carries on


def test_dwelling_in_one_design_phase_gets_a_move_on_nudge() -> None:
    from interviewer.domain.session import QuestionProgress

    flow = flow_for(SD)
    progress = QuestionProgress(question_id=None, prompt="Design it.")
    for text in ("Features from logs and labels from clicks.", "More features: embeddings and signals."):
        note_phase(flow, progress, text)
    covered = "Features from logs and labels from clicks. More features: embeddings and signals."
    nudge = move_on_to(flow, progress, covered)
    assert nudge is not None and nudge.id == "model"
    assert move_on_to(flow_for(Round.BEHAVIORAL), progress, covered) is None  # only paced rounds


def test_the_time_box_wraps_up_on_time_and_the_status_shows_elapsed_and_phase(sd_bank: Bank) -> None:
    clock = Clock()
    interviewer = make_interviewer(sd_bank, clock=clock)
    state = interviewer.start(SD, seed=4, minutes=10)
    clock.now += 5 * 60
    reply = say(interviewer, state, "Features from logs and labels from clicks, with embeddings as signals.")
    assert reply.kind == "follow_up"
    assert status_line(reply.state, clock.now).startswith("05:00 · phase: data and features")
    clock.now += 5 * 60
    ended = say(interviewer, reply.state, "Then a gradient boosted model as a baseline.")
    assert ended.kind == "wrap_up" and ended.ended and "time box" in ended.text


def test_question_id_opens_on_that_question(sd_bank: Bank, bank: Bank) -> None:
    interviewer = make_interviewer(sd_bank)
    wanted = sd_bank.questions[-1].id
    for seed in range(3):
        assert interviewer.start(SD, seed=seed, question_id=wanted).questions[0].question_id == wanted
    with pytest.raises(InputError, match="mock-interviewer questions"):
        interviewer.start(SD, question_id="no-such-id")
    with pytest.raises(InputError, match="belongs to the ml-system-design round"):
        make_interviewer(bank).start(Round.BEHAVIORAL, question_id="sd-invoice-document-extraction")


def test_the_llm_words_the_planned_line_that_carries_the_facts_and_the_engine_decisions(
    sd_bank: Bank,
) -> None:
    import random

    from interviewer.brains.offline import OfflineBrain

    interviewer = make_interviewer(sd_bank)
    state = interviewer.start(SD, seed=5)
    question = sd_bank.question(state.questions[0].question_id or "")
    move = Move(
        "follow_up", question=question.prompt, probe="How would you cache it?", answer="x",
        clarifications=(ClarifyingAnswer("scale", "How many users?", FACTS.scale),),
        acknowledge=None, phase_nudge="serving",
    )  # fmt: skip
    ctx = BrainContext(state, question, sd_bank.rubric_for(question), random.Random(0))
    planned = "".join(OfflineBrain().stream(move, ctx))
    messages = build_messages(SD.value, planned, answer=move.answer, asks=True)
    user = messages[-1].content
    assert "5,000 widget requests a second" in user and "serving" in user
    assert "How would you cache it?" in user
    assert not any(leaks(m.content, question.key_points) for m in messages)


def test_the_nudge_is_worded_when_the_candidate_dwells_in_one_phase(sd_bank: Bank) -> None:
    interviewer = make_interviewer(sd_bank, max_follow_ups=3)
    state = interviewer.start(SD, seed=6)
    state = say(
        interviewer, state, "Labels come from clicks in the logs, and the features are signals."
    ).state
    reply = say(interviewer, state, "More features: embeddings of the catalogue and sampled negatives.")
    assert reply.kind == "follow_up" and reply.state.questions[0].phase_turns[-2:] == ["data", "data"]
    assert "move on to model choice" in reply.text or "talk about model choice" in reply.text, reply.text
    assert reply.state.turns[-1].target == "phase:model"


def test_repeat_after_a_redirect_gives_the_main_question(sd_bank: Bank) -> None:
    interviewer = make_interviewer(sd_bank, topic_judge=AlwaysOff())
    state = interviewer.start(SD, seed=3)
    state = say(
        interviewer, state, "I would build a recommender with two towers and an ANN index for items."
    ).state
    again = say(interviewer, state, "/repeat")
    assert state.questions[0].prompt in again.text


def test_what_counts_as_said_does_not_move_with_the_graders_covered_threshold() -> None:
    from interviewer.domain.session import QuestionProgress
    from interviewer.grading.evidence import Evidence, KeyPointMatch
    from interviewer.interview.answering import SAID_KEY_POINT, remember_coverage

    said = SAID_KEY_POINT[Round.CASE_STUDY]
    points = (
        KeyPointMatch(0, "sizes the market first", covered=False, score=said + 0.01),  # said, not credited
        KeyPointMatch(1, "names a pilot", covered=False, score=said - 0.01),
    )
    progress = QuestionProgress(question_id="q", prompt="p", topic="t")
    remember_coverage(progress, Evidence(key_points=points, criteria={}), Round.CASE_STUDY)
    assert "kp:0" in progress.covered and "kp:1" not in progress.covered
