"""The listening eval (issue 11): scripted multi-turn conversations with per-turn ground truth.

Each conversation (evals/listening/<author>.yaml) opens a session on one bank question and feeds its
candidate turns through the real engine and the offline brain. Each turn is labelled with the key
points and criteria it covers, whether it asks a clarifying question, whether it is off-question, and
the concepts the candidate commits to. Metrics:
- redundant follow-up rate: follow-ups aimed at a key point or criterion labelled covered in any
  earlier turn (the follow-up's target, and the key point its line leads toward);
- clarifying questions answered in the reply to the same turn, and key points leaked in any reply;
- off-question answers redirected in the very next reply, and redirects of on-question answers;
- concept acknowledgements naming a concept the candidate committed to in that turn; none at wrap-up.
Authors marked `held_out` were never used to tune rules or thresholds; their figures are reported apart.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from pydantic import BaseModel, ConfigDict, Field

from interviewer.brains.guard import leaks
from interviewer.brains.phrasing import ACK_WITH_CONCEPT
from interviewer.composition import Components
from interviewer.domain.bank import Question
from interviewer.domain.session import SessionState
from interviewer.interview.planner import aimed_criterion
from interviewer.interview.round_flows import flow_for

DATA_DIR = Path(__file__).parent / "listening"
LEADS_TO = 0.35  # a follow-up line leads toward the key point it is most similar to, at least this close
_YOUR_CALL = re.compile(r"your call|state your assumption|leave .{1,30} to you", re.IGNORECASE)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LabelledTurn(_Strict):
    text: str = Field(min_length=1)
    kp: tuple[int, ...] = ()
    crit: tuple[str, ...] = ()
    asks: bool = False
    off_question: bool = False
    committed: tuple[str, ...] = ()


class Conversation(_Strict):
    id: str
    question_id: str
    cases: tuple[str, ...] = ()
    turns: tuple[LabelledTurn, ...] = Field(min_length=2)


class AuthorFile(_Strict):
    author: str
    held_out: bool = False
    conversations: tuple[Conversation, ...] = Field(min_length=1)


def load_conversations(data_dir: Path = DATA_DIR) -> list[tuple[AuthorFile, Conversation]]:
    """Every labelled conversation with its author file, authors in file-name order."""
    out = []
    for path in sorted(data_dir.glob("*.yaml")):
        author = AuthorFile.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
        out += [(author, c) for c in author.conversations]
    return out


@dataclass
class Tally:
    """Counts for one group of conversations; `figures` turns them into rates."""

    follow_ups: int = 0
    redundant: int = 0
    asks: int = 0
    asks_answered: int = 0
    answers_to_non_asks: int = 0
    leaked: int = 0
    off: int = 0
    redirected: int = 0
    on: int = 0
    false_redirects: int = 0
    acks: int = 0
    acks_committed: int = 0
    wrap_up_concept_acks: int = 0
    wrap_ups: int = 0
    conversations: int = 0
    turns: int = 0
    examples: list[str] = field(default_factory=list)

    def add(self, other: Tally) -> None:
        for name, value in vars(other).items():
            if isinstance(value, int):
                setattr(self, name, getattr(self, name) + value)
            else:
                getattr(self, name).extend(value)

    def figures(self) -> dict[str, Any]:
        return {
            "conversations": self.conversations,
            "candidate_turns": self.turns,
            "redundant_follow_up_rate": _rate(self.redundant, self.follow_ups, empty=0.0),
            "follow_ups": self.follow_ups,
            "clarifying_answered_same_turn": _rate(self.asks_answered, self.asks),
            "clarifying_questions": self.asks,
            "clarifying_answers_without_a_question": self.answers_to_non_asks,
            "key_points_leaked": self.leaked,
            "off_question_redirected_within_one_turn": _rate(self.redirected, self.off),
            "off_question_answers": self.off,
            "false_redirect_rate": _rate(self.false_redirects, self.on, empty=0.0),
            "concept_acks_committed": _rate(self.acks_committed, self.acks),
            "concept_acks": self.acks,
            "wrap_up_concept_acks": self.wrap_up_concept_acks,
            "wrap_ups_judged": self.wrap_ups,
        }


def _rate(num: int, den: int, empty: float = 1.0) -> float:
    return round(num / den, 4) if den else empty


def _ack_pattern() -> re.Pattern[str]:
    alternatives = [re.escape(t.strip()).replace(re.escape("{concept}"), "(.+?)") for t in ACK_WITH_CONCEPT]
    return re.compile("^(?:" + "|".join(f"(?:{a})" for a in alternatives) + r")(?:\s|$)")


_ACK = _ack_pattern()


def acknowledged_concept(reply: str) -> str | None:
    """The concept an interviewer line opens by acknowledging ("So X is part of your plan."), if any."""
    match = _ACK.match(reply)
    if match is None:
        return None
    return next((v for v in match.groups() if v), None)


def _matches_committed(concept: str, committed: Iterable[str]) -> bool:
    wanted = concept.lower().strip()
    return any(wanted in c.lower() or c.lower() in wanted for c in committed)


class ConversationRunner:
    """Runs one labelled conversation through the engine and tallies what the interviewer did."""

    def __init__(self, components: Components) -> None:
        self.interviewer = components.interviewer()
        self.bank = components.bank()
        self.analyzer = components.analyzer()

    def run(self, conversation: Conversation, seed: int) -> Tally:
        question = self.bank.question(conversation.question_id)
        state = self.interviewer.start(question.round, question_id=question.id, seed=seed)
        state.max_questions = 1
        state.max_follow_ups = len(conversation.turns)  # the script, not the cap, decides the length
        tally = Tally(conversations=1)
        covered_kp: set[int] = set()
        covered_crit: set[str] = set()
        for n, turn in enumerate(conversation.turns, 1):
            if state.status != "active":
                break
            if n == len(conversation.turns):  # the last answer ends the question: the wrap-up is judged too
                state.max_follow_ups = state.questions[0].follow_ups
            state = self.interviewer.advance(self.interviewer.record_candidate(state, turn.text)).state
            tally.turns += 1
            covered_kp |= set(turn.kp)
            covered_crit |= set(turn.crit)
            self._judge(tally, conversation.id, question, state, turn, covered_kp, covered_crit)
        return tally

    def _judge(
        self, tally: Tally, cid: str, question: Question, state: SessionState, turn: LabelledTurn,
        covered_kp: set[int], covered_crit: set[str],
    ) -> None:  # fmt: skip
        reply = state.turns[-1]
        text = reply.text
        if leaks(text.split("\n\n")[0], list(question.key_points)):
            tally.leaked += 1
            tally.examples.append(f"{cid}: leak in {text[:80]!r}")
        answered = _answers_a_question(text, question)
        if turn.asks:
            tally.asks += 1
            tally.asks_answered += answered
            if not answered:
                tally.examples.append(f"{cid}: clarifying question not answered: {text[:80]!r}")
        elif answered:
            tally.answers_to_non_asks += 1
        if turn.off_question:
            tally.off += 1
            tally.redirected += reply.kind == "redirect"
            if reply.kind != "redirect":
                tally.examples.append(f"{cid}: off-question answer not redirected")
        elif not turn.asks:
            tally.on += 1
            if reply.kind == "redirect":
                tally.false_redirects += 1
                tally.examples.append(f"{cid}: false redirect")
        if reply.kind == "follow_up":
            tally.follow_ups += 1
            aims = self._aims(question, state, reply.target or "", state.questions[0].asked_texts[-1])
            hit = (aims[0] & covered_kp) or (aims[1] & covered_crit)
            if hit:
                tally.redundant += 1
                tally.examples.append(f"{cid}: redundant follow-up {reply.target} -> {sorted(map(str, hit))}")
        concept = acknowledged_concept(text)
        tally.wrap_ups += reply.kind == "wrap_up"
        if concept is not None:
            if reply.kind == "wrap_up":
                tally.wrap_up_concept_acks += 1
            tally.acks += 1
            if _matches_committed(concept, turn.committed):
                tally.acks_committed += 1
            else:
                tally.examples.append(f"{cid}: acknowledged {concept!r}, committed {list(turn.committed)}")

    def _aims(
        self, question: Question, state: SessionState, target: str, line: str
    ) -> tuple[set[int], set[str]]:
        """(key points, criteria) a follow-up aims at: its target, and the key point its line leads to."""
        kps: set[int] = set()
        kind, _, rest = target.partition(":")
        if kind == "kp" and rest.isdigit():
            kps.add(int(rest))
        sims = self.analyzer.vectors(list(question.key_points)) @ self.analyzer.vectors([line]).T
        best = int(np.argmax(sims[:, 0]))
        if float(sims[best, 0]) >= LEADS_TO:
            kps.add(best)
        rubric = self.bank.rubric_for(question)
        crits: set[str] = set()
        if kind not in ("kp", "fu"):
            _, criterion = aimed_criterion(target, flow_for(question.round), rubric, question)
            if criterion is not None:
                crits.add(criterion)
        return kps, crits


def _answers_a_question(reply: str, question: Question) -> bool:
    """Whether a reply answers a clarifying question: states one of the question's facts, or "your call"."""
    lowered = reply.lower()
    facts = question.facts.given().values()
    return bool(_YOUR_CALL.search(reply)) or any(f.lower()[:40] in lowered for f in facts)


def run_listening_eval(components: Components, *, quick: bool = False) -> dict[str, Any]:
    """Run every labelled conversation; figures overall, on the tuning and on the held-out authors.

    `quick` changes nothing: the whole set runs in about a minute, and a subset of a few dozen
    follow-ups would make a 2% rate swing on a single line, so CI asserts the same figures as the report.
    """
    runner = ConversationRunner(components)
    groups: dict[str, Tally] = {"overall": Tally(), "tuning": Tally(), "held_out": Tally()}
    by_author: dict[str, Tally] = {}
    for author, conversation in load_conversations():
        tally = runner.run(conversation, seed=components.settings.seed)
        for key in ("overall", "held_out" if author.held_out else "tuning"):
            groups[key].add(tally)
        by_author.setdefault(author.author, Tally()).add(tally)
    result: dict[str, Any] = {key: tally.figures() for key, tally in groups.items()}
    result["by_author"] = {name: tally.figures() for name, tally in by_author.items()}
    result["held_out_authors"] = sorted({a.author for a, _ in load_conversations() if a.held_out})
    result["misses"] = groups["overall"].examples[:40]
    result["headline"] = [
        f"{split}.{name}"
        for split in ("overall", "held_out")
        for name in (
            "redundant_follow_up_rate",
            "clarifying_answered_same_turn",
            "key_points_leaked",
            "off_question_redirected_within_one_turn",
            "false_redirect_rate",
            "concept_acks_committed",
            "wrap_up_concept_acks",
        )
    ]
    return result
