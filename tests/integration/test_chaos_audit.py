"""The chaos run's counting: each figure it must report as 0 does count what it names."""

from __future__ import annotations

from evals.chaos_audit import StoredSession, audit
from evals.chaos_client import Attempt


def _answer(
    content: str, reply: str | None, *, key: str | None, at: float, status: int | None = 200
) -> Attempt:
    return Attempt(
        candidate=0, session_id="s", kind="answer", action="test", content=content, key=key,
        sent_at=at, done_at=at + 0.5, status=status, acked=reply is not None, reply=reply,
    )  # fmt: skip


def _stored(*turns: tuple[str, str]) -> dict[str, StoredSession]:
    listed = [("interviewer", "opening"), *turns]
    return {"s": StoredSession(listed, listed)}


def test_a_clean_run_counts_nothing() -> None:
    attempts = [_answer("a", "ra", key="k1", at=1), _answer("b", "rb", key="k2", at=2)]
    figures = audit(attempts, _stored(("candidate", "a"), ("interviewer", "ra"), ("candidate", "b"),
                                      ("interviewer", "rb")), None)  # fmt: skip
    assert figures["acknowledged_answers"] == 2
    for name in ("lost_acknowledged_answers", "keyed_duplicates", "order_violations", "unexpected_errors"):
        assert figures[name] == 0, name


def test_an_acknowledged_answer_missing_or_with_another_reply_is_lost() -> None:
    attempts = [_answer("a", "ra", key="k1", at=1), _answer("b", "rb", key="k2", at=2)]
    figures = audit(attempts, _stored(("candidate", "b"), ("interviewer", "not rb")), None)
    assert figures["lost_acknowledged_answers"] == 2


def test_keyed_duplicates_count_and_unkeyed_repeats_do_not() -> None:
    attempts = [
        _answer("a", "ra", key="k1", at=1), _answer("a", "ra", key="k1", at=1),
        _answer("b", "rb1", key=None, at=3), _answer("b", "rb2", key=None, at=3),
    ]  # fmt: skip
    answers_b = [("candidate", "b"), ("interviewer", "rb1"), ("candidate", "b"), ("interviewer", "rb2")]
    stored = _stored(*[("candidate", "a"), ("interviewer", "ra")] * 2, *answers_b)
    figures = audit(attempts, stored, None)
    assert figures["keyed_duplicates"] == 1 and figures["unkeyed_duplicates"] == 1


def test_an_answer_stored_before_one_acknowledged_earlier_is_an_order_violation() -> None:
    attempts = [_answer("a", "ra", key="k1", at=1), _answer("b", "rb", key="k2", at=5)]
    stored = _stored(("candidate", "b"), ("interviewer", "rb"), ("candidate", "a"), ("interviewer", "ra"))
    assert audit(attempts, stored, None)["order_violations"] == 1


def test_a_keyed_retry_answered_from_an_earlier_stored_attempt_is_in_order() -> None:
    first_try = _answer("b", None, key="kb", at=0.5, status=503)
    first_try.status, first_try.error = None, "RemoteProtocolError"  # stored, then the worker died
    attempts = [first_try, _answer("a", "ra", key="ka", at=1), _answer("b", "rb", key="kb", at=2)]
    stored = _stored(("candidate", "b"), ("interviewer", "rb"), ("candidate", "a"), ("interviewer", "ra"))
    assert audit(attempts, stored, None)["order_violations"] == 0


def test_a_503_counts_as_the_outage_only_inside_its_window() -> None:
    inside = _answer("a", None, key="k", at=10, status=503)
    outside = _answer("a", None, key="k", at=30, status=503)
    server_error = _answer("a", None, key="k", at=10, status=500)
    for attempt in (inside, outside):
        attempt.code = "database_unavailable"
    figures = audit([inside, outside, server_error], _stored(), (9.0, 12.0))
    assert figures["503_during_outage"] == 1 and figures["unexpected_errors"] == 2
