"""The grader: evidence -> per-criterion levels -> overall score, recommendation and feedback.

Scores come from the evidence layer and the rubric only; red flags cap them and hints lower them.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
from numpy.typing import ArrayLike

from interviewer.domain.bank import LEVEL_LABELS, Bank, Question, Rubric
from interviewer.domain.report import CriterionScore, GradeReport, Overall, SessionReport
from interviewer.domain.rounds import Round
from interviewer.grading.citations import PROBE_TEXT
from interviewer.grading.evidence import Evidence, EvidenceAnalyzer, criterion_texts
from interviewer.grading.feedback import FeedbackInputs, GuideSearch, build_feedback, merge_feedback
from interviewer.grading.redflags import FLAG_CAPS, NO_KEY_POINTS
from interviewer.ports import GuideRetriever

SKIPPED = "skipped"
HINT_PENALTY = 0.25  # overall points per hint used
MAX_HINT_PENALTY = 0.75
# How much of a criterion's position inside its level band reaches the overall score: its level counts
# as level + TIE_BREAK * (position - 1/2), so answers with the same whole levels but different strengths
# no longer share an overall score (issue #10: adjacent-label ties). 1/2 is the largest value at which a
# whole-level step (1 - TIE_BREAK) is never smaller than a difference within one band (TIE_BREAK).
TIE_BREAK = 0.5
NEAREST_QUESTIONS = 2  # bank questions whose key points stand in for a free-text question's
NEAREST_MIN_SIMILARITY = 0.3
MIN_KEY_POINTS_FOR_FLAG = 3
PREPARE_BATCH = 64  # texts per step of the start-up warm-up, so that a shutdown waits at most one step


@dataclass
class QuestionAttempt:
    """A candidate's turns on one question."""

    question: Question | None  # None for a free-text question not in the bank
    question_text: str
    answers: list[str] = field(default_factory=list)  # the candidate's turns, in order (commands excluded)
    hints_used: int = 0
    skipped: bool = False


def recommendation(score: float) -> str:
    """The hiring label for an overall score on the 1-4 scale."""
    if score < 1.75:
        return LEVEL_LABELS[1]
    if score < 2.5:
        return LEVEL_LABELS[2]
    if score < 3.25:
        return LEVEL_LABELS[3]
    return LEVEL_LABELS[4]


def misses_every_key_point(evidence: Evidence, flags: list[str]) -> bool:
    """A bank question with several key points, none covered, and no stronger flag already raised.

    Generic but fluent answers (a recommender design given for a retention-drop question) otherwise
    earn Lean Hire levels on structure alone. Free-text questions borrow other questions' key
    points, so they are not judged this way.
    """
    return (
        len(evidence.key_points) >= MIN_KEY_POINTS_FOR_FLAG
        and not any(k.covered for k in evidence.key_points)
        and (flag_cap(flags) > FLAG_CAPS[NO_KEY_POINTS])
    )


def flag_cap(flags: tuple[str, ...] | list[str]) -> int:
    """The highest level any criterion may reach under these flags (4 when none caps)."""
    return min([FLAG_CAPS.get(f, 4) for f in flags], default=4)


class GradeReviewer(Protocol):
    """A second opinion on one question's grade, bounded by the evidence (`reviewer.LLMReviewer`)."""

    def review(self, report: GradeReport, rubric: Rubric, answer: str) -> GradeReport: ...


class Grader:
    """Grades answers against the round's rubric and the question's key points.

    With a `reviewer` (MI_LLM_REVIEW=on), every question's grade goes through it before it is returned.
    """

    def __init__(
        self,
        bank: Bank,
        analyzer: EvidenceAnalyzer,
        retriever: GuideRetriever | None = None,
        reviewer: GradeReviewer | None = None,
    ) -> None:
        self.bank = bank
        self.analyzer = analyzer
        self.guides = GuideSearch(retriever)
        self.reviewer = reviewer

    def fixed_texts(self) -> list[str]:
        """The bank's texts every answer is compared with: rubric criteria, key points, prompts, the
        follow-up and probe lines (the planner checks them against what was said), and the citation
        model's probe text; each once."""
        criteria = [c for r in self.bank.rubrics.values() for c in r.criteria]
        texts = [t for c in criteria for t in (*criterion_texts(c), *c.probes)]
        texts += [t for q in self.bank.questions for t in (q.prompt, *q.key_points, *q.follow_ups)]
        texts.append(PROBE_TEXT)
        return list(dict.fromkeys(texts))

    def prepare(self, stop: threading.Event | None = None) -> int:
        """Embed the bank's fixed texts (rubric criteria, key points, prompts) ahead of the first answer.

        A few seconds once per process (the API does it in the background at start-up), so that grading
        a new answer embeds only the candidate's sentences. Stops between batches once `stop` is set.
        Returns the number of texts embedded or found cached.
        """
        texts = self.fixed_texts()
        done = 0
        for start in range(0, len(texts), PREPARE_BATCH):
            if stop is not None and stop.is_set():
                break
            done += len(self.analyzer.vectors(texts[start : start + PREPARE_BATCH]))
        return done

    def grade_answer(self, round_: Round, attempt: QuestionAttempt) -> GradeReport:
        """One question's feedback: criterion levels with verbatim evidence, overall, feedback."""
        question = attempt.question
        rubric = self.bank.rubric_for(question, round_)
        reference = self.reference_questions(round_, question, attempt.question_text)
        key_points = [kp for q in reference for kp in q.key_points]
        text = "\n\n".join(a for a in attempt.answers if a.strip()) if not attempt.skipped else ""
        evidence = self.analyzer.analyze(
            text, rubric, question=question, key_points=key_points, question_text=attempt.question_text
        )
        flags = list(evidence.flags) + ([SKIPPED] if attempt.skipped else [])
        if question is not None and misses_every_key_point(evidence, flags):
            flags.append(NO_KEY_POINTS)
        criteria = criterion_scores(rubric, evidence, flag_cap(flags))
        overall = overall_score(criteria, evidence, flags, attempt.hints_used, text)
        missed = [k.text for k in evidence.uncovered_key_points()]
        inputs = FeedbackInputs(
            round_=round_, rubric=rubric, reference=reference, evidence=evidence, criteria=criteria,
            overall=overall, flags=flags, missed=missed, hints_used=attempt.hints_used,
            free_text=question is None,
        )  # fmt: skip
        report = GradeReport(
            round=round_.value,
            question_id=question.id if question else None,
            question=attempt.question_text or (question.prompt if question else ""),
            overall=overall,
            criteria=criteria,
            flags=flags,
            missed_key_points=missed,
            feedback=build_feedback(inputs, self.guides),
        )
        return self.reviewer.review(report, rubric, text) if self.reviewer is not None else report

    def grade_session(self, round_: Round, attempts: list[QuestionAttempt]) -> SessionReport:
        """A whole session: one report per question, criteria averaged across them, one overall."""
        reports = [self.grade_answer(round_, a) for a in attempts]
        rubric = self.bank.rubric_for_round(round_)
        if not reports:
            empty = self.grade_answer(round_, QuestionAttempt(None, "", [], skipped=True))
            return SessionReport(round=round_.value, overall=empty.overall, criteria=empty.criteria,
                                 questions=[], flags=["no-questions"], feedback=empty.feedback)  # fmt: skip
        criteria = session_criteria(rubric, reports)
        score = round(float(np.mean([r.overall.score for r in reports])), 2)
        confidence = round(float(np.mean([r.overall.confidence for r in reports])), 2)
        flags = sorted({f for r in reports for f in r.flags})
        return SessionReport(
            round=round_.value,
            overall=Overall(score=score, recommendation=recommendation(score), confidence=confidence),
            criteria=criteria,
            questions=reports,
            flags=flags,
            feedback=merge_feedback([r.feedback for r in reports], score, recommendation(score)),
        )

    def reference_questions(self, round_: Round, question: Question | None, text: str) -> list[Question]:
        """Whose key points an answer is graded against: its own question's, else the nearest ones'."""
        return [question] if question else self.nearest_questions(round_, text)

    def nearest_questions(self, round_: Round, text: str) -> list[Question]:
        """The bank questions of `round_` whose prompts are closest to a free-text question."""
        pool = self.bank.by_round(round_)
        if not pool or not text.strip():
            return []
        sims = self.analyzer.vectors([q.prompt for q in pool]) @ self.analyzer.vectors([text])[0]
        order = np.argsort(-sims, kind="stable")[:NEAREST_QUESTIONS]
        return [pool[i] for i in order if sims[i] >= NEAREST_MIN_SIMILARITY] or [pool[int(order[0])]]


def criterion_scores(rubric: Rubric, evidence: Evidence, cap: int) -> list[CriterionScore]:
    """Per criterion: level (capped), the rubric's descriptor for it, verbatim evidence, rubric reference."""
    out = []
    for criterion in rubric.criteria:
        found = evidence.criteria.get(criterion.id)
        level = found.level if found else None
        if level is not None:
            level = min(level, cap)
        descriptor = (
            criterion.descriptor(level).descriptor
            if level is not None
            else f"Insufficient evidence. {criterion.descriptor(1).descriptor}"
        )
        out.append(
            CriterionScore(
                id=criterion.id,
                name=criterion.name,
                score=level,
                evidence=[s.text for s in found.spans] if found and level is not None else [],
                rubric_ref=f"{rubric.id}#{criterion.id}",
                descriptor=descriptor,
                weight=criterion.weight,
                insufficient_evidence=level is None,
                scale=found.scale if found else None,
            )
        )
    return out


def overall_score(
    criteria: list[CriterionScore], evidence: Evidence, flags: list[str], hints_used: int, text: str
) -> Overall:
    """The overall score of `criteria` under `flags`, with its recommendation and confidence."""
    score = weighted_score([(c.weight, c.score, c.scale) for c in criteria], hints_used, flag_cap(flags))
    return Overall(
        score=score, recommendation=recommendation(score), confidence=confidence(criteria, flags, text)
    )


def tie_broken_level(level: ArrayLike, scale: ArrayLike) -> np.ndarray:
    """A criterion's level moved by where its strength sits inside that level's band: `scale` is the
    strength on the level scale (`scoring.level_scale`), clipped to the band of `level` (a capped or
    reviewed level sits at the edge of its band). Elementwise."""
    level = np.asarray(level, dtype=float)
    return level + TIE_BREAK * np.clip(np.asarray(scale, dtype=float) - level, -0.5, 0.5)


def weighted_score(
    weighted_levels: Iterable[tuple[float, int | None, float | None]], hints_used: int, cap: int
) -> float:
    """The one overall-score formula: weighted mean of criterion levels (insufficient = 1), each moved
    within its band by its strength (`tie_broken_level`; a level without a strength is not moved), minus
    HINT_PENALTY per hint (at most MAX_HINT_PENALTY), kept within [1, cap], to two decimals."""
    total = score = 0.0
    for weight, level, scale in weighted_levels:
        whole = level or 1
        total += weight
        score += weight * float(tie_broken_level(whole, whole if scale is None else scale))
    score /= total or 1.0
    score -= min(MAX_HINT_PENALTY, HINT_PENALTY * max(hints_used, 0))
    return round(max(1.0, min(float(cap), score)), 2)


def confidence(criteria: list[CriterionScore], flags: list[str], text: str) -> float:
    """How sure the grade is: high for clear red flags, otherwise grows with evidence and answer length."""
    if any(f in FLAG_CAPS or f == SKIPPED for f in flags):
        return 0.9
    with_evidence = sum(1 for c in criteria if c.score is not None) / max(len(criteria), 1)
    length = min(1.0, len(text.split()) / 200)
    return round(0.35 + 0.35 * with_evidence + 0.3 * length, 2)


def session_criteria(rubric: Rubric, reports: list[GradeReport]) -> list[CriterionScore]:
    """Each criterion across a session's questions: mean level (rounded), evidence from every question."""
    out = []
    for criterion in rubric.criteria:
        per_question = [c for r in reports for c in r.criteria if c.id == criterion.id]
        levels = [c.score for c in per_question if c.score is not None]
        level = round(float(np.mean(levels)) + 1e-9) if levels else None
        evidence = [e for c in per_question for e in c.evidence][:4]
        descriptor = criterion.descriptor(level).descriptor if level else "Insufficient evidence."
        out.append(
            CriterionScore(
                id=criterion.id,
                name=criterion.name,
                score=level,
                evidence=evidence,
                rubric_ref=f"{rubric.id}#{criterion.id}",
                descriptor=descriptor,
                weight=criterion.weight,
                insufficient_evidence=level is None,
            )
        )
    return out
