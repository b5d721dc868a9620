"""Grading latency per answer, against the floor any embedding-based grader pays: embedding the
answer's sentences alone, with the same model, in the same run.

New answers are text the process has not seen (the candidate's sentences are embedded); repeated
answers hit the embedding cache. Both are measured after the start-up work a server does once
(model load, first inference, embedding the bank's rubric texts and key points).
"""

from __future__ import annotations

import time
from typing import Any

from evals.bench_stats import latency_summary, target, time_calls
from interviewer.settings import Settings


def bench_grading(settings: Settings, *, quick: bool) -> dict[str, Any]:
    """p50/p99 of grade_answer over the calibration answers, new then repeated, and the embed-only floor."""
    from evals.grading import load_calibration, warm_up_grader
    from interviewer.composition import Components
    from interviewer.domain.rounds import parse_round
    from interviewer.grading.grader import QuestionAttempt
    from interviewer.text import split_sentences

    grader = Components(settings).grader()
    answers = load_calibration()
    if quick:
        answers = answers[::6]
    attempts = []
    for a in answers:
        question = grader.bank.question(a.question_id)
        attempts.append((parse_round(a.round), QuestionAttempt(question, question.prompt, [a.text])))
    prepare_started = time.perf_counter()
    warm_up_grader(grader)
    prepare_s = time.perf_counter() - prepare_started

    def grade(item: tuple[Any, Any]) -> None:
        grader.grade_answer(*item)

    started = time.perf_counter()
    new = time_calls(grade, attempts)
    wall = time.perf_counter() - started
    repeated = time_calls(grade, attempts)
    embedder = grader.analyzer.embedder  # the raw model, no cache
    sentences = [[t for t, _, _ in split_sentences(a.text)] or [""] for a in answers]
    embed_only = time_calls(embedder.embed, sentences)
    p99 = latency_summary(new).get("p99_ms")
    return {
        "answers": len(attempts),
        "start_up_prepare_s": round(prepare_s, 2),
        "grade_new_answer": latency_summary(new),
        "grade_repeated_answer": latency_summary(repeated),
        "embed_answer_sentences_only": latency_summary(embed_only),
        "answers_per_s": round(len(attempts) / wall, 2),
        "targets": [target("grading p99 ms (new answer)", p99, "<", 200)],
    }
