"""Counting the chaos run: the sessions as stored in the database against the client's log.

- lost: an acknowledged answer that is not stored followed by the very reply it was acknowledged with;
- keyed duplicates: an answer sent only under one Idempotency-Key but stored more than once;
- order violations: an answer acknowledged before another was sent, stored after it;
- unexpected errors: any 5xx (or in-band stream error) other than a 503 while PostgreSQL restarted.
Unkeyed repeats (a double-click without a key) may legitimately store twice: counted, not failed.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from evals.chaos_client import Attempt

OUTAGE_GRACE_S = 3.0  # after PostgreSQL is back: requests already waiting on it may still see it down


@dataclass(frozen=True)
class StoredSession:
    """A session as the database holds it: the state's transcript and the message rows beside it."""

    turns: list[tuple[str, str]]
    rows: list[tuple[str, str]]


def _positions(turns: list[tuple[str, str]], answer: Attempt) -> list[int]:
    """Where `answer` is stored followed by the reply it was acknowledged with."""
    return [
        i
        for i, turn in enumerate(turns[:-1])
        if turn == ("candidate", answer.content) and turns[i + 1] == ("interviewer", answer.reply)
    ]


def _order_violations(attempts: list[Attempt], stored: dict[str, StoredSession]) -> list[str]:
    """Pairs where one answer was acknowledged before the other was first sent, yet stored after it.

    A keyed answer counts as sent at its key's first attempt: a retry may be answered from the record
    of an attempt that was stored before the other answer was even sent.
    """
    first_sent: dict[str, float] = {}
    for a in attempts:
        if a.key is not None:
            first_sent[a.key] = min(a.sent_at, first_sent.get(a.key, a.sent_at))
    acked = [a for a in attempts if a.kind == "answer" and a.acked]
    by_session: dict[str, list[tuple[Attempt, int]]] = defaultdict(list)
    for answer in acked:
        session = stored.get(answer.session_id or "")
        where = _positions(session.turns, answer) if session else []
        if where:
            by_session[answer.session_id or ""].append((answer, where[0]))
    violations = []
    for placed in by_session.values():
        for first, at in placed:
            for later, later_at in placed:
                sent = first_sent[later.key] if later.key is not None else later.sent_at
                if first.done_at < sent and not at < later_at:
                    violations.append(f"{first.content!r} at turn {at}, {later.content!r} at {later_at}")
    return violations


def _duplicates(attempts: list[Attempt], stored: dict[str, StoredSession]) -> dict[str, int]:
    groups: dict[tuple[str, str], list[Attempt]] = defaultdict(list)
    for a in attempts:
        if a.kind == "answer" and a.session_id and a.content:
            groups[(a.session_id, a.content)].append(a)
    out = Counter[str]()
    for (session_id, content), group in groups.items():
        session = stored.get(session_id)
        count = session.turns.count(("candidate", content)) if session else 0
        keys = {a.key for a in group}
        kind = "keyed" if None not in keys and len(keys) == 1 else "unkeyed"
        out[f"{kind}_duplicates"] += max(0, count - 1)
        if count and not any(a.acked for a in group):
            out["stored_never_acknowledged"] += 1
    return dict(out)


def _errors(attempts: list[Attempt], outage: tuple[float, float] | None) -> tuple[dict[str, int], list[str]]:
    out, examples = Counter[str](), []
    for a in attempts:
        failed = (a.status or 0) >= 500 or (a.status is None and a.code is not None)
        if a.status is None and a.error:
            out[f"transport_{a.error}"] += 1
        if a.status == 409:
            out[f"409_{a.code}"] += 1
        if not failed:
            continue
        during = outage is not None and outage[0] <= a.done_at and a.sent_at <= outage[1] + OUTAGE_GRACE_S
        if a.code == "database_unavailable" and during:
            out["503_during_outage"] += 1
        else:
            out["unexpected_errors"] += 1
            examples.append(f"{a.kind} {a.action}: HTTP {a.status} {a.code} at {a.sent_at:.1f} s")
    return dict(out), examples[:5]


def audit(
    attempts: list[Attempt], stored: dict[str, StoredSession], outage: tuple[float, float] | None
) -> dict[str, Any]:
    """The run's figures (see the module docstring)."""
    answers = [a for a in attempts if a.kind == "answer"]
    acked = [a for a in answers if a.acked]
    lost = [a for a in acked if not (a.session_id in stored and _positions(stored[a.session_id].turns, a))]
    errors, examples = _errors(attempts, outage)
    duplicates = _duplicates(attempts, stored)
    out_of_order = _order_violations(attempts, stored)
    return {
        "sessions": len(stored),
        "requests": len(attempts),
        "answer_requests": len(answers),
        "acknowledged_answers": len(acked),
        "acknowledged_by_replay": sum(1 for a in acked if a.replayed),
        "lost_acknowledged_answers": len(lost),
        "lost_examples": [a.content for a in lost[:3]],
        "keyed_duplicates": duplicates.get("keyed_duplicates", 0),
        "unkeyed_duplicates": duplicates.get("unkeyed_duplicates", 0),
        "stored_never_acknowledged": duplicates.get("stored_never_acknowledged", 0),
        "order_violations": len(out_of_order),
        "order_violation_examples": out_of_order[:3],
        "transcript_rows_mismatched": sum(1 for s in stored.values() if s.rows != s.turns),
        "unexpected_errors": errors.pop("unexpected_errors", 0),
        "unexpected_examples": examples,
        "503_during_outage": errors.pop("503_during_outage", 0),
        "other_outcomes": dict(sorted(errors.items())),
        "actions": dict(sorted(Counter(a.action for a in answers).items())),
    }
