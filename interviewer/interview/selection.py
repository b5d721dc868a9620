"""Question choice: by round, company, level and topic; unseen questions first; deterministic per seed."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from interviewer.domain.bank import Bank, Question
from interviewer.domain.rounds import Level, Round
from interviewer.errors import InputError


@dataclass
class Selection:
    """The questions chosen for a session, in order, plus notes on any filter that had to be relaxed."""

    questions: list[Question]
    notes: list[str] = field(default_factory=list)


def _by_topic(pool: list[Question], topic: str) -> list[Question]:
    """Questions on exactly this topic, else on a topic containing it ("recsys" in "graph-recsys")."""
    wanted = topic.strip().lower()
    exact = [q for q in pool if q.topic.lower() == wanted]
    return exact or [q for q in pool if wanted in q.topic.lower()]


def choose_questions(
    bank: Bank,
    round_: Round,
    *,
    count: int,
    seed: int,
    company: str | None = None,
    level: Level | None = None,
    topic: str | None = None,
    seen: frozenset[str] = frozenset(),
) -> Selection:
    """Order the round's questions: unseen before seen, then company match, shuffled by `seed`.

    A topic with no question in the round is an InputError naming the topics there are. A level or
    company with no match is relaxed (and noted), so a session can always start.
    """
    pool = bank.by_round(round_)
    if not pool:
        raise InputError(f"the question bank has no {round_} questions")
    notes: list[str] = []
    if topic:
        pool = _by_topic(pool, topic)
        if not pool:
            topics = sorted({q.topic for q in bank.by_round(round_)})
            raise InputError(f"no {round_} question on topic {topic!r}; topics: {', '.join(topics)}")
    if level is not None:
        at_level = [q for q in pool if q.level.includes(level)]
        if at_level:
            pool = at_level
        else:
            notes.append(f"no question targets level {level}; using all levels")
    wanted = company.strip().lower() if company else None
    if wanted and not any(wanted in q.companies for q in pool):
        notes.append(f"no question is tagged for {company}; using general questions")
    rng = random.Random(f"{seed}:{round_}:{topic or ''}")
    shuffled = sorted(pool, key=lambda q: q.id)
    rng.shuffle(shuffled)
    ordered = sorted(
        shuffled,
        key=lambda q: (q.id in seen, not (wanted is not None and wanted in q.companies)),
    )
    return Selection(questions=ordered[: max(count, 1)], notes=notes)


def with_question_first(bank: Bank, selection: Selection, round_: Round, question_id: str) -> Selection:
    """`selection` opening on `question_id` (practise a chosen question); InputError if it is not a
    question of `round_`, naming the command that lists the ids."""
    try:
        question = bank.question(question_id)
    except InputError:
        raise InputError(
            f"no question with id {question_id!r}; `mock-interviewer questions` lists the ids"
        ) from None
    if question.round != round_:
        raise InputError(f"question {question_id!r} belongs to the {question.round} round, not {round_}")
    rest = [q for q in selection.questions if q.id != question_id]
    return Selection(questions=[question, *rest], notes=selection.notes)
