"""The validator of LLM-worded turns: the model may only word the line the engine planned.

A reply is checked sentence by sentence as it streams (`check_sentence`: role, score or praise,
key-point leak, at most one question, length so far) and once whole (`check_reply`: length, the
question the plan asks for, similarity to the planned offline line). The first failure names the
reason; the LLM brain then says the planned offline line and records that reason on the turn.
Generic over the move: it compares with the planned line and the move's secrets, nothing else.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from interviewer.brains.guard import leaks
from interviewer.ports import Embedder
from interviewer.text import split_sentences, words

# MiniLM cosine of the reply's question to the planned question (of the whole lines where either asks
# none), tuned on `python -m evals.llm_path` (`threshold_sweep` in the llm section of the eval report):
# the lowest value at which no reply paired with another turn's plan passes (42 of 42 rejected); there it
# keeps 97.6% of the scripted good model's rewordings and 88% of SmolLM2's on-target replies. Comparing
# whole lines instead (0.6 was needed there) rejected good rewordings that only dropped an acknowledgement.
ON_TARGET_MIN_SIMILARITY = 0.5
MIN_WORDS = 3
MAX_WORDS = 70
MAX_SENTENCES = 4

TOO_SHORT, TOO_LONG = "too_short", "too_long"
OUT_OF_ROLE, SCORE_OR_PRAISE, LEAK = "out_of_role", "score_or_praise", "key_point_leak"
TWO_QUESTIONS, NO_QUESTION, OFF_TARGET = "more_than_one_question", "no_question", "off_target"
UNPLANNED_QUESTION, CHANGED_FACT = "unplanned_question", "changed_fact"
REASONS = (
    TOO_SHORT, TOO_LONG, OUT_OF_ROLE, SCORE_OR_PRAISE, LEAK, TWO_QUESTIONS, UNPLANNED_QUESTION, NO_QUESTION,
    CHANGED_FACT, OFF_TARGET,
)  # fmt: skip
# A number in a fact the engine answers a clarifying question with (the scale, a deadline, a budget): the
# reply must say each one as planned, since a similar-sounding line with another number misleads.
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*\s*[%kKmMbB]?")

_OUT_OF_ROLE = re.compile(
    r"\bas an ai\b|\blanguage model\b|\bmy (?:answer|solution) (?:is|would be)\b|"
    r"\bhere(?:'s| is) (?:my|the|an?) (?:answer|solution)\b|"
    r"\bas (?:the|a) candidate\b|\bplanned line\b|\breword|\brewrit",
    re.IGNORECASE,
)
_SCORE_OR_PRAISE = re.compile(
    r"\b(?:great|excellent|good|perfect|fantastic|impressive|brilliant|strong|nice|solid|awesome|wonderful)"
    r"\s+(?:answer|job|work|point|response|explanation|start|thinking)\b|\bwell done\b|\bgood job\b|"
    r"\b(?:score|scored|grade|graded|rating)\b|\b\d+\s*(?:/|out of)\s*\d+\b|"
    r"\bthat(?:'s| is) (?:correct|right|wrong|incorrect|exactly right)\b|"
    r"\byou(?:'re| are) (?:right|correct)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Plan:
    """What the reply must match: the planned offline line, the secrets, and whether it asks a question."""

    line: str
    secrets: Sequence[str]
    max_questions: int  # 1 for a line of its own; 0 for a bridge the question is appended to verbatim
    needs_question: bool  # the planned line asks a question, so the reply must ask one
    facts: Sequence[str] = ()  # the facts the line gives the candidate; their numbers must survive


class TurnValidator:
    """Checks LLM replies against the plan; `threshold` is the on-target cosine similarity floor."""

    def __init__(self, embedder: Embedder | None, threshold: float = ON_TARGET_MIN_SIMILARITY) -> None:
        self.embedder = embedder
        self.threshold = threshold

    def check_sentence(self, sentence: str, kept: Sequence[str], plan: Plan) -> str | None:
        """The reason a new sentence (after the `kept` ones) fails, or None."""
        if _OUT_OF_ROLE.search(sentence):
            return OUT_OF_ROLE
        if _SCORE_OR_PRAISE.search(sentence):
            return SCORE_OR_PRAISE
        if leaks(sentence, plan.secrets):
            return LEAK
        questions = sum(s.count("?") > 0 for s in (*kept, sentence))
        if questions > plan.max_questions:
            return TWO_QUESTIONS if questions > 1 else UNPLANNED_QUESTION
        if len(kept) + 1 > MAX_SENTENCES or len(words(" ".join((*kept, sentence)))) > MAX_WORDS:
            return TOO_LONG
        return None

    def check_reply(self, reply: str, plan: Plan) -> str | None:
        """The reason the whole reply fails, or None."""
        if len(words(reply)) < MIN_WORDS:
            return TOO_SHORT
        if plan.needs_question and "?" not in reply:
            return NO_QUESTION
        if not {n for fact in plan.facts for n in _numbers(fact)} <= _numbers(reply):
            return CHANGED_FACT
        if self.similarity(reply, plan.line) < self.threshold:
            return OFF_TARGET
        return None

    def similarity(self, reply: str, planned: str) -> float:
        """Cosine similarity of the two lines' questions where both ask one, else of the whole lines
        (1.0 without an embedder: the check is off)."""
        if self.embedder is None:
            return 1.0
        reply_asks, planned_asks = _asked(reply), _asked(planned)
        if reply_asks and planned_asks:  # the target is the probe: an acknowledgement may be reworded
            reply, planned = reply_asks, planned_asks
        vectors = np.asarray(self.embedder.embed([reply, planned]), dtype=np.float32)
        return float(vectors[0] @ vectors[1])


def _numbers(text: str) -> set[str]:
    return {re.sub(r"[\s,]", "", n).lower() for n in _NUMBER.findall(text)}


def _asked(text: str) -> str:
    """The sentences of `text` that ask a question, joined ("" when none does)."""
    return " ".join(sentence for sentence, _, _ in split_sentences(text) if "?" in sentence)
