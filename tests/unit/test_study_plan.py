"""Spaced review (FSRS) over practice levels, progress trends, and a study plan over a simulated two weeks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from interviewer.domain.bank import Bank
from interviewer.domain.rounds import Round
from interviewer.practice.history import QuestionLevel, SessionLevels
from interviewer.practice.plan import StudyPlanner
from interviewer.practice.progress import summarise
from interviewer.practice.scheduler import ReviewScheduler

T0 = datetime(2026, 11, 2, 18, tzinfo=UTC)


def interval(*levels: int, gap_days: float = 3) -> float:
    history = [(T0 + timedelta(days=gap_days * n), level) for n, level in enumerate(levels)]
    return ReviewScheduler().review(history).interval_days


def test_a_low_level_comes_back_sooner_and_a_good_one_later() -> None:
    first = [interval(level) for level in (1, 2, 3, 4)]
    assert first == sorted(first) and first[0] == 1.0 and first[3] >= 4 * first[0]
    assert interval(3) < interval(4)


def test_intervals_grow_with_repeated_success_and_shrink_after_a_lapse() -> None:
    assert interval(3, 3, 3) > interval(3, 3) > interval(3)
    assert interval(4, 4, 1) <= 2.0 < interval(4) < interval(4, 4)  # a lapse after two easy ones: days
    assert interval(1, 2, 3) > interval(1)


def test_insufficient_evidence_counts_as_the_lowest_level() -> None:
    scheduler = ReviewScheduler()
    assert scheduler.review([(T0, None)]).due == scheduler.review([(T0, 1)]).due


def session(
    day: float, round_: str, levels: dict[str, int | None], questions: dict[str, int]
) -> SessionLevels:
    return SessionLevels(
        session_id=f"s{day}", round=round_, at=T0 + timedelta(days=day), overall=2.0, criteria=levels,
        names={cid: cid.replace("-", " ") for cid in levels},
        questions=[QuestionLevel(qid, f"prompt of {qid}", level) for qid, level in questions.items()],
    )  # fmt: skip


@pytest.fixture
def two_weeks(bank: Bank) -> list[SessionLevels]:
    """Two weeks of practice on real bank questions: design improving, behavioral weak, depth recent."""
    design = [q.id for q in bank.by_round(Round.ML_SYSTEM_DESIGN)][:3]
    behavioral = [q.id for q in bank.by_round(Round.BEHAVIORAL)][:2]
    depth = [q.id for q in bank.by_round(Round.ML_DEPTH)][:1]
    return [
        session(0, "ml-system-design", {"metrics": 1, "modeling": 2}, {design[0]: 1}),
        session(3, "behavioral", {"ownership": 1, "result": None}, {behavioral[0]: 1}),
        session(6, "ml-system-design", {"metrics": 3, "modeling": 2}, {design[1]: 3}),
        session(9, "behavioral", {"ownership": 2, "result": 1}, {behavioral[1]: 2}),
        session(12, "ml-system-design", {"metrics": 4, "modeling": 3}, {design[2]: 4}),
        session(13, "ml-depth", {"correctness": 1}, {depth[0]: 1}),
    ]


def test_progress_trends_and_the_weakest_criteria_across_rounds(two_weeks: list[SessionLevels]) -> None:
    summary = summarise(two_weeks)
    assert summary.latest_round == "ml-depth"
    trends = {(t.round, t.criterion_id): t for t in summary.trends}
    assert trends[("ml-system-design", "metrics")].levels == [1, 3, 4]
    assert trends[("ml-system-design", "metrics")].trend == "improving"
    assert trends[("ml-system-design", "modeling")].trend == "improving"
    assert trends[("behavioral", "result")].levels == [None, 1]
    assert [(t.round, t.criterion_id) for t in summary.weakest] == [
        ("behavioral", "result"), ("ml-depth", "correctness"), ("behavioral", "ownership"),
    ]  # fmt: skip


def test_the_plan_puts_weak_items_first_and_leaves_recent_questions_out(
    bank: Bank, two_weeks: list[SessionLevels]
) -> None:
    planner = StudyPlanner(bank, ReviewScheduler(), recent_days=3)
    now = T0 + timedelta(days=14)
    plan = planner.plan(two_weeks, now, limit=50)
    recent = {q.question_id for s in two_weeks if s.at > now - timedelta(days=3) for q in s.questions}
    assert recent and not recent & {i.question_id for i in plan.items}
    assert [i.due for i in plan.items] == sorted(i.due for i in plan.items)
    first = plan.items[0]
    assert first.due <= now and first.last_level <= 2
    by_criterion = {(i.round, i.criterion_id): i for i in plan.items if i.kind == "criterion"}
    assert by_criterion[("ml-system-design", "metrics")].due > by_criterion[("behavioral", "ownership")].due
    assert by_criterion[("ml-system-design", "metrics")].interval_days > 7
    design_seen = {q.question_id for s in two_weeks for q in s.questions}
    for item in by_criterion.values():  # a criterion is practised on a question not seen yet
        assert item.question_id is not None and item.question_id not in design_seen
    assert len({i.question_id for i in by_criterion.values()}) == len(by_criterion)


def test_asking_for_recent_questions_brings_them_back(bank: Bank, two_weeks: list[SessionLevels]) -> None:
    planner = StudyPlanner(bank, ReviewScheduler(), recent_days=3)
    now = T0 + timedelta(days=14)
    recent = {q.question_id for q in two_weeks[-1].questions}
    questions = {i.question_id for i in planner.plan(two_weeks, now, include_recent=True, limit=50).items}
    assert recent <= questions
    assert not recent & {i.question_id for i in planner.plan(two_weeks, now, limit=50).items}


def test_no_history_gives_an_empty_plan(bank: Bank) -> None:
    assert StudyPlanner(bank, ReviewScheduler(), recent_days=3).plan([], T0).items == []
