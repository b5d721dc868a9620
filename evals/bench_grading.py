"""Grading latency per answer (new text: cold embedding cache; repeated text: warm), against the cost
of embedding the same answer alone (the floor any embedding-based grader pays)."""

from __future__ import annotations

import time
from typing import Any

from evals.bench_stats import latency_summary, target, time_calls
from interviewer.settings import Settings


def bench_grading(settings: Settings, *, quick: bool) -> dict[str, Any]:
    """p50/p99 of grade_answer over the calibration answers, cold then warm, and embed-only reference."""
    from evals.grading import load_calibration
    from interviewer.grader import QuestionAttempt, build_grader
    from interviewer.rounds import parse_round

    grader = build_grader(settings)
    answers = load_calibration()
    if quick:
        answers = answers[::6]
    bank = grader.bank
    attempts = []
    for a in answers:
        question = bank.question(a.question_id)
        attempts.append((parse_round(a.round), QuestionAttempt(question, question.prompt, [a.text])))
    grader.grade_answer(attempts[0][0], QuestionAttempt(None, "warm-up question about ranking", ["warm up"]))

    def grade(item: tuple[Any, Any]) -> None:
        grader.grade_answer(*item)

    started = time.perf_counter()
    cold = time_calls(grade, attempts)
    wall = time.perf_counter() - started
    warm = time_calls(grade, attempts)
    embedder = grader.analyzer.embedder
    embed_only = time_calls(lambda item: embedder.embed([f"{item[1].answers[0]} (bench)"]), attempts)
    p99 = latency_summary(cold).get("p99_ms")
    return {
        "answers": len(attempts),
        "grade_new_answer": latency_summary(cold),
        "grade_repeated_answer": latency_summary(warm),
        "embed_answer_only": latency_summary(embed_only),
        "answers_per_s": round(len(attempts) / wall, 2),
        "targets": [target("grading p99 ms (new answer)", p99, "<", 200)],
    }
