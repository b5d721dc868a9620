"""Depth of reasoning: the moves a reasoned answer makes, recognised by phrasing rather than topic."""

from __future__ import annotations

from interviewer.grading.depth import reasoning_depth, sentence_moves

REASONED = [
    "I would start with a plain logistic regression rather than a deep model, because it trains in minutes.",
    "If the data turns out to be tiny, then I'd add regularisation first.",
    "The risk is that rare groups get ignored because the average hides them, "
    "so I'd measure recall per group on a held-out month.",
    "A 2% gain is worth it only if latency stays under 50 ms.",
]
ASSERTED = [
    "Logistic regression is a good model.",
    "Regularisation is important.",
    "Groups matter a lot for fairness.",
    "Latency is also a key consideration.",
]


def test_each_kind_of_move_is_recognised() -> None:
    assert {"comparison", "reason"} <= sentence_moves(REASONED[0])
    assert "condition" in sentence_moves(REASONED[1])
    assert {"risk", "reason", "validation"} <= sentence_moves(REASONED[2])
    assert "quantity" in sentence_moves(REASONED[3])
    assert all(not sentence_moves(s) for s in ASSERTED)


def test_a_reasoned_answer_is_deeper_than_an_asserted_one_on_the_same_topic() -> None:
    assert reasoning_depth(REASONED) > 0.8
    assert reasoning_depth(ASSERTED) == 0.0
    assert reasoning_depth([]) == 0.0


def test_padding_a_thin_answer_does_not_deepen_it() -> None:
    thin = [REASONED[0], *ASSERTED]
    assert reasoning_depth([*thin, *ASSERTED]) < reasoning_depth(thin) < reasoning_depth(REASONED)
