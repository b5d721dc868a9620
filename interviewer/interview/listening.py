"""Hearing the candidate's questions: which clarifying questions they asked, and the interviewer's answers.

A clarifying question is a sentence that asks (a question mark, or "should I assume", "do we have", ...).
Each is matched to the fact topics it asks about (scale, latency, data, ...) and answered from the
question's authored facts. A topic the facts leave open gets "your call" (the brain words it as "state
your assumption"). A fact that would reveal a key point is treated as open: key points never leak.
"""

from __future__ import annotations

import re

from interviewer.brains.base import ClarifyingAnswer
from interviewer.brains.guard import leaks
from interviewer.domain.bank import Facts
from interviewer.text import split_sentences, word_count

_ASKING_START = re.compile(
    r"^(?:so\s+|and\s+|also\s+|ok(?:ay)?,?\s+)?(?:should i|shall i|can i|could i|may i|do we|do i|does it|"
    r"is it|is there|are there|are we|will we|would it|how many|how much|how fast|what(?:'s| is| are) the)\b",
    re.IGNORECASE,
)
_TOPIC_CUES: dict[str, re.Pattern[str]] = {
    topic: re.compile(r"\b(?:" + cues + r")", re.IGNORECASE)
    for topic, cues in {
        "scale": r"how many|how much traffic|volume|per (?:day|second|minute|month|year)|a day\b|qps|"
        r"users|traffic|scale|how big|size of|requests|number of|how large",
        "latency": r"latenc|how fast|how quickly|real-?time|response time|millisecond|\d+\s?ms\b|sla\b|"
        r"how soon|turnaround|by when|within",
        "data": r"data\b|dataset|labels?\b|labell?ed|history|historical|logs?\b|logged|records|"
        r"annotat|features",
        "team": r"team|people|engineers|humans?\b|reviewers?|review|staff|analysts|agents|moderators|"
        r"nurses|sales reps|who (?:will|would|can)",
        "constraints": r"(?<!latency )budget|cost|constrain|complian|privacy|regulat|hardware|"
        r"gpus?\b|limits?\b|"
        r"allowed|deadline|legal|can we use|restrict",
        "out_of_scope": r"scope|should i (?:cover|include|focus|worry|also)|do i need to|need to cover|"
        r"focus on|leave out|ignore",
        "context": r"does it have to|does it need to|can it be|should it be|what kind of|which kind|"
        r"any (?:project|model|example)|count\b|counts\b|assume",
    }.items()
}
_MOSTLY_QUESTIONS_WORDS = 25  # statements shorter than this around the questions: a turn of questions


def asks(sentence: str) -> bool:
    """Whether a sentence asks the interviewer something."""
    stripped = sentence.strip()
    return stripped.endswith("?") or bool(_ASKING_START.match(stripped))


def candidate_questions(text: str) -> list[str]:
    """The candidate's asking sentences, in order."""
    return [s for s, _, _ in split_sentences(text) if asks(s)]


def mostly_questions(text: str) -> bool:
    """A turn that asks and says little else: the interviewer answers and hands back, no probe."""
    sentences = [s for s, _, _ in split_sentences(text)]
    questions = [s for s in sentences if asks(s)]
    statements = " ".join(s for s in sentences if not asks(s))
    return bool(questions) and word_count(statements) < _MOSTLY_QUESTIONS_WORDS


def topics_of(sentence: str) -> list[str]:
    """The fact topics a question asks about, in Facts order (empty when it names none)."""
    return [topic for topic, pattern in _TOPIC_CUES.items() if pattern.search(sentence)]


def answer_questions(
    text: str, facts: Facts | None, secrets: list[str], *, limit: int = 4
) -> tuple[ClarifyingAnswer, ...]:
    """The answers to the clarifying questions in `text`, one per (question, topic), each topic once."""
    given = facts.given() if facts is not None else {}
    safe = {t: v for t, v in given.items() if not leaks(v, secrets)}
    answers: list[ClarifyingAnswer] = []
    seen: set[str] = set()
    for sentence in candidate_questions(text):
        topics = [t for t in topics_of(sentence) if t != "context"] or ["context"]
        if "context" in safe and not any(t in safe for t in topics):
            topics = ["context"]  # nothing specific is defined: the general scope answers it
        for topic in topics:
            if topic in seen:
                continue
            seen.add(topic)
            answers.append(ClarifyingAnswer(topic, sentence, safe.get(topic)))
    return tuple(answers[:limit])
