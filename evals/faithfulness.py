"""Faithfulness of feedback and of the interviewer's lines, on the simulated sessions.

Offline, always: evidence quotes verbatim in the transcript; rubric references that resolve (and
descriptors that match the rubric's text); feedback sentences supported by a rubric/guide chunk, the
question's revealed reference, the message of a red flag the grader raised, or a transcript span above a
similarity threshold (real embedder); sentences stating a computed figure ("Overall 2.50/4", "Covered 2
of 5 key points") are checked against the report's numbers instead; key-point leakage in interviewer
lines before feedback. With a judge endpoint: ragas Faithfulness and ResponseRelevancy on the same
sessions (NaN counted).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import numpy as np

from evals.leakage import leaked
from evals.suites import EvalOptions
from evals.thresholds import knob
from interviewer.composition import Components
from interviewer.domain.bank import Bank, Question, Rubric
from interviewer.domain.report import Feedback, SessionReport
from interviewer.domain.rounds import Round
from interviewer.errors import MockInterviewerError
from interviewer.grading.embedding_cache import CachedEmbedder
from interviewer.ports import Embedder
from interviewer.text import split_sentences

# Sentences that state a computed figure (score, level, count), not a claim about content: checked for
# consistency with the report's numbers instead of by similarity.
_SCORE_STATEMENT = re.compile(
    r"^(?:Session overall|Overall) \d|^Covered \d+ of \d+ key points|^Every criterion: |"
    r"^(?:Strongest|Weakest) area: |^\d+ hint\(s\) used|^[^:]{1,60} \((?:level \d|insufficient evidence)\):"
)
_OVERALL = re.compile(r"^(?:Session overall|Overall) (\d+\.\d+)/4")
# A short template label before the content ("To reach Lean Hire: <descriptor>"); the content is also scored.
_LABEL = re.compile(r"^[^:.]{1,40}:\s+")


def sentences(text: str, min_words: int = 4) -> list[str]:
    """`text` split into sentences of at least `min_words` words."""
    return [s for s, _, _ in split_sentences(text) if len(s.split()) >= min_words]


def is_score_statement(sentence: str) -> bool:
    return bool(_SCORE_STATEMENT.search(sentence))


def score_consistent(sentence: str, scores: set[str]) -> bool:
    """An "Overall x/4" statement names a score the report holds; other figure statements pass."""
    match = _OVERALL.search(sentence)
    return match is None or match.group(1) in scores


def report_scores(report: SessionReport) -> set[str]:
    """Every overall score in the report, formatted as feedback prints it."""
    return {f"{report.overall.score:.2f}", *(f"{g.overall.score:.2f}" for g in report.questions)}


def flag_messages(report: SessionReport) -> list[str]:
    """The standard explanation of each red flag the report raised (they support feedback saying so)."""
    from interviewer.domain.flags import FLAG_MESSAGES

    raised = {*report.flags, *(f for g in report.questions for f in g.flags)}
    return [FLAG_MESSAGES[f] for f in sorted(raised) if f in FLAG_MESSAGES]


def feedback_texts(feedback: Feedback) -> list[str]:
    """The prose a user reads as feedback (the model-answer outline is the bank's own text, excluded)."""
    items = [*feedback.strengths, *feedback.gaps, *feedback.practice_next]
    return [feedback.summary, *(item.text for item in items)]


def rubric_texts(rubric: Rubric) -> list[str]:
    out = []
    for c in rubric.criteria:
        out += [c.name, c.description, *c.probes, *c.hints]
        for d in c.levels:
            out += [d.descriptor, *d.signals]
    return out


def question_texts(question: Question | None) -> list[str]:
    if question is None:
        return []
    return [question.prompt, *question.key_points, *sentences(question.model_answer, 1)]


def quotes_and_refs(report: SessionReport) -> tuple[list[tuple[str, str]], list[tuple[str, int | None, str]]]:
    """(quote, source-key) pairs and (rubric_ref, score, descriptor) triples from a session report."""
    quotes: list[tuple[str, str]] = []
    refs: list[tuple[str, int | None, str]] = []
    for i, grade in enumerate(report.questions):
        for c in grade.criteria:
            quotes += [(q, f"q{i}") for q in c.evidence]
            refs.append((c.rubric_ref, c.score, c.descriptor))
        items = [*grade.feedback.strengths, *grade.feedback.gaps, *grade.feedback.practice_next]
        quotes += [(q, f"q{i}") for item in items for q in item.evidence]
    for c in report.criteria:
        quotes += [(q, "all") for q in c.evidence]
        refs.append((c.rubric_ref, c.score, c.descriptor))
    return quotes, refs


def resolves(bank: Bank, ref: str, score: int | None, descriptor: str) -> tuple[bool, bool | None]:
    """(reference resolves to a rubric criterion, descriptor is that criterion's text for the score)."""
    rubric_id, _, criterion_id = ref.partition("#")
    rubric = bank.rubrics.get(rubric_id)
    if rubric is None or criterion_id not in {c.id for c in rubric.criteria}:
        return False, None
    if score is None:
        return True, None
    return True, rubric.criterion(criterion_id).descriptor(score).descriptor in descriptor


class SupportScorer:
    """Max cosine similarity of each sentence to a pool of supporting texts."""

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder
        self._cached = CachedEmbedder(embedder)

    def _embed(self, texts: list[str]) -> np.ndarray:
        return self._cached.embed(texts)

    def best(self, claims: list[str], pool: list[str]) -> list[float]:
        """Per claim, the best similarity of the claim (or of its content after a template label)."""
        pool = [p for p in dict.fromkeys(pool) if p.strip()]
        if not claims or not pool:
            return [0.0] * len(claims)
        stripped = [_LABEL.sub("", c, count=1) for c in claims]
        sims = self._embed([*claims, *stripped]) @ self._embed(pool).T
        best = sims.max(axis=1)
        return [float(max(a, b)) for a, b in zip(best[: len(claims)], best[len(claims) :], strict=True)]


def _guide_texts(report: SessionReport) -> list[str]:
    items = [*report.feedback.strengths, *report.feedback.gaps, *report.feedback.practice_next]
    for grade in report.questions:
        items += [*grade.feedback.strengths, *grade.feedback.gaps, *grade.feedback.practice_next]
    return [ref.text or f"{ref.title} {ref.section}" for item in items for ref in item.guide_refs]


def score_interview(interview: Any, bank: Bank, scorer: SupportScorer) -> dict[str, Any]:
    """All offline faithfulness counts for one simulated session."""
    state, report = interview.state, interview.report
    answers = {i: state.answers_for(i) for i in range(len(state.questions))}
    all_text = "\n\n".join(a for per in answers.values() for a in per)
    questions = [bank.question(p.question_id) if p.question_id else None for p in state.questions]
    rubric = bank.rubric_for_round(Round(state.round))
    quotes, refs = quotes_and_refs(report) if report else ([], [])
    verbatim = 0
    for quote, key in quotes:
        source = "\n\n".join(answers.get(int(key[1:]), [])) if key.startswith("q") else all_text
        verbatim += quote in source or quote in all_text
    resolved = [resolves(bank, *ref) for ref in refs]
    claims = [s for text in (feedback_texts(report.feedback) if report else []) for s in sentences(text)]
    for grade in report.questions if report else []:
        claims += [s for text in feedback_texts(grade.feedback) for s in sentences(text)]
    figures = [c for c in claims if is_score_statement(c)]
    claims = [c for c in claims if not is_score_statement(c)]
    scores = report_scores(report) if report else set()
    rubrics = {rubric.id: rubric, **{r.id: r for r in (bank.rubric_for(q) for q in questions if q)}}
    pool = [t for r in rubrics.values() for t in rubric_texts(r)]
    pool += _guide_texts(report) + flag_messages(report) if report else []
    pool += [t for q in questions for t in question_texts(q)] + sentences(all_text, 1)
    support = scorer.best(claims, pool)
    lines = [t for t in state.turns if t.speaker == "interviewer" and t.kind != "wrap_up"]
    secrets = [kp for q in questions if q for kp in q.key_points]
    leaking = [t.text for t in lines if leaked(t.text, secrets)]
    return {
        "quotes": len(quotes),
        "quotes_verbatim": verbatim,
        "refs": len(resolved),
        "refs_resolved": sum(ok for ok, _ in resolved),
        "descriptors_checked": sum(d is not None for _, d in resolved),
        "descriptors_match": sum(bool(d) for _, d in resolved),
        "claims": claims,
        "support": support,
        "score_statements": len(figures),
        "score_statements_consistent": sum(score_consistent(f, scores) for f in figures),
        "interviewer_lines": len(lines),
        "leaking_lines": leaking,
    }


def _share(numerator: float, denominator: float) -> float:
    return float(numerator / denominator) if denominator else float("nan")


def aggregate(rows: Iterable[dict[str, Any]], threshold: float) -> dict[str, Any]:
    rows = list(rows)
    support = [s for r in rows for s in r["support"]]
    claims = [c for r in rows for c in r["claims"]]
    unsupported = sorted(
        ((s, c) for r in rows for c, s in zip(r["claims"], r["support"], strict=True) if s < threshold)
    )[:10]
    keys: tuple[str, ...] = ("quotes", "quotes_verbatim", "refs", "refs_resolved", "descriptors_checked")
    keys += ("descriptors_match", "interviewer_lines", "score_statements", "score_statements_consistent")
    total = {k: sum(r[k] for r in rows) for k in keys}
    leaks = [line for r in rows for line in r["leaking_lines"]]
    return {
        "sessions": len(rows),
        "evidence_quotes_verbatim": _share(total["quotes_verbatim"], total["quotes"]),
        "rubric_refs_resolve": _share(total["refs_resolved"], total["refs"]),
        "descriptors_match_rubric": _share(total["descriptors_match"], total["descriptors_checked"]),
        "feedback_sentences_supported": _share(sum(s >= threshold for s in support), len(support)),
        "score_statements_consistent": _share(
            total["score_statements_consistent"], total["score_statements"]
        ),
        "support_similarity_threshold": threshold,
        "support_similarity_median": float(np.median(support)) if support else float("nan"),
        "key_point_leakage_rate": _share(len(leaks), total["interviewer_lines"]),
        "counts": {**total, "feedback_sentences": len(claims), "leaking_lines": len(leaks)},
        "least_supported_sentences": [{"similarity": round(s, 3), "sentence": c} for s, c in unsupported],
        "leaking_line_examples": leaks[:5],
    }


def judge_samples(interviews: list[Any], bank: Bank, limit: int) -> list[Any]:
    from evals.ragas_metrics import JudgeSample

    samples = []
    for interview in interviews[:limit]:
        if interview.report is None:
            continue
        state = interview.state
        prompt = " ".join(p.prompt for p in state.questions)
        answers = [a for i in range(len(state.questions)) for a in state.answers_for(i)]
        rubric = bank.rubric_for_round(Round(state.round))
        contexts = ["Candidate said: " + "\n".join(answers)] + [
            f"{c.name}: {c.description}" for c in rubric.criteria
        ]
        response = " ".join(feedback_texts(interview.report.feedback))
        samples.append(JudgeSample(f"Give interview feedback on the answer to: {prompt}", response, contexts))
    return samples


def run_faithfulness_eval(components: Components, options: EvalOptions) -> dict[str, Any]:
    """Offline faithfulness figures (and judge metrics with --judge-base-url) over simulated sessions."""
    if "interviews" not in options.shared:
        from evals.simulate import run_simulation_eval

        run_simulation_eval(components, options)
    interviews = options.shared["interviews"]
    bank = components.bank()
    embedder = components.embedder()
    scorer = SupportScorer(embedder)
    result = aggregate(
        (score_interview(i, bank, scorer) for i in interviews), knob("support_similarity", 0.55)
    )
    if options.judge_base_url and options.judge_model:
        from evals.ragas_metrics import judge_metrics

        samples = judge_samples(interviews, bank, limit=3 if options.quick else 12)
        try:
            result["judge"] = judge_metrics(
                samples, base_url=options.judge_base_url, model=options.judge_model, embedder=embedder
            )
        except MockInterviewerError as exc:
            result["judge"] = {"error": str(exc)}
        result["judge_model"] = options.judge_model
    result["headline"] = [
        "evidence_quotes_verbatim", "rubric_refs_resolve", "descriptors_match_rubric",
        "feedback_sentences_supported", "score_statements_consistent", "key_point_leakage_rate", "sessions",
    ]  # fmt: skip
    return result
