"""The validator of LLM-worded turns: each rule rejects what it must and passes a faithful rewording."""

from __future__ import annotations

import pytest

from ingest.embedder import HashingEmbedder
from interviewer.brains import validator as v
from interviewer.brains.validator import Plan, TurnValidator

SECRET = "Shadow traffic compares the new model against production before any user sees it"
FOLLOW_UP = Plan("You mentioned drift. How would you monitor the model after launch?", [SECRET], 1, True)
BRIDGE = Plan("Thanks. Let's move on to the next question.", [SECRET], 0, False)
SCALE = "About 50k invoices a day, each paid within 24 hours."
CLARIFY = Plan(f"{SCALE} How would you handle vendor layouts you have not seen?", [SECRET], 1, True, [SCALE])


def _check(validator: TurnValidator, reply: str, plan: Plan) -> str | None:
    kept: list[str] = []
    for sentence in [s.strip() + "?" if not s.endswith((".", "!")) else s for s in _sentences(reply)]:
        reason = validator.check_sentence(sentence, kept, plan)
        if reason:
            return reason
        kept.append(sentence)
    return validator.check_reply(" ".join(kept), plan)


def _sentences(reply: str) -> list[str]:
    out, current = [], ""
    for ch in reply:
        current += ch
        if ch in ".?!":
            out.append(current.strip())
            current = ""
    return out + ([current.strip()] if current.strip() else [])


@pytest.mark.parametrize(
    ("reply", "plan", "reason"),
    [
        ("Understood. How would you monitor the model once it has launched?", FOLLOW_UP, None),
        ("Thank you. Let's go to the next question now.", BRIDGE, None),
        ("How would you monitor it? And what would you alert on?", FOLLOW_UP, v.TWO_QUESTIONS),
        ("Thanks. Which dataset would you start from?", BRIDGE, v.UNPLANNED_QUESTION),
        ("You mentioned drift. Tell me about monitoring after launch.", FOLLOW_UP, v.NO_QUESTION),
        ("Great answer! How would you monitor the model after launch?", FOLLOW_UP, v.SCORE_OR_PRAISE),
        ("That's a 3 out of 4. How would you monitor the model after launch?", FOLLOW_UP, v.SCORE_OR_PRAISE),
        ("As an AI language model, I cannot ask that. How would you monitor it?", FOLLOW_UP, v.OUT_OF_ROLE),
        (
            "Here's the rewritten line: how would you monitor the model after launch?",
            FOLLOW_UP,
            v.OUT_OF_ROLE,
        ),
        (f"{SECRET}. How would you monitor the model after launch?", FOLLOW_UP, v.LEAK),
        ("Go on?", FOLLOW_UP, v.TOO_SHORT),
        (
            "Assume 50k invoices a day, paid within 24 hours. How would you handle unseen vendor layouts?",
            CLARIFY,
            None,
        ),
        (
            "Assume 5k invoices a day, paid within 24 hours. How would you handle unseen vendor layouts?",
            CLARIFY,
            v.CHANGED_FACT,
        ),
        ("Okay. " * 75 + "How would you monitor the model after launch?", FOLLOW_UP, v.TOO_LONG),
    ],
)
def test_each_rule(reply: str, plan: Plan, reason: str | None) -> None:
    assert _check(TurnValidator(None), reply, plan) == reason


def test_on_target_is_similarity_to_the_planned_line() -> None:
    validator = TurnValidator(HashingEmbedder(), threshold=0.5)
    assert validator.check_reply("How would you monitor the model after launch, then?", FOLLOW_UP) is None
    assert validator.check_reply("What kind of data do you have?", FOLLOW_UP) == v.OFF_TARGET
    assert TurnValidator(None).similarity("anything", "else") == 1.0  # no embedder: the check is off


def test_on_target_compares_the_questions_when_both_lines_ask_one() -> None:
    validator = TurnValidator(HashingEmbedder(), threshold=0.9)
    reworded_bridge = (
        "Right, thanks for walking me through that. How would you monitor the model after launch?"
    )
    assert validator.similarity(reworded_bridge, FOLLOW_UP.line) == pytest.approx(1.0)
    assert validator.check_reply(reworded_bridge, FOLLOW_UP) is None
    other_question = "You mentioned drift. Which database would you pick for the feature store?"
    assert validator.check_reply(other_question, FOLLOW_UP) == v.OFF_TARGET
    # A line that asks nothing is compared whole.
    assert validator.similarity("Thanks. Let's move on.", BRIDGE.line) < 1.0
