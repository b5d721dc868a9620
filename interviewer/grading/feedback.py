"""Offline feedback: strengths and gaps tied to evidence or missing key points, a model-answer outline,
and what to practise next with pointers to the guide sections that teach it."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from cachetools import TTLCache

from interviewer.domain.bank import Question, Rubric
from interviewer.domain.flags import FLAG_MESSAGES
from interviewer.domain.report import CriterionScore, Feedback, FeedbackItem, GuideRef, Overall
from interviewer.domain.rounds import Round
from interviewer.grading.evidence import Evidence, criterion_texts
from interviewer.ports import GuideHit, GuideRetriever
from interviewer.text import split_sentences

MAX_STRENGTHS = 3
MAX_GAPS = 4
MAX_PRACTICE = 3


@dataclass(frozen=True)
class FeedbackInputs:
    round_: Round
    rubric: Rubric
    reference: list[Question]  # the question (or the nearest bank questions for free text)
    evidence: Evidence
    criteria: list[CriterionScore]
    overall: Overall
    flags: list[str]
    missed: list[str]
    hints_used: int
    free_text: bool = False


class GuideSearch:
    """Guide sections for a topic through the optional retriever; empty when there is none or it fails.

    Results are remembered for `ttl_s` (the same question, criterion and missed point give the same
    query in every session, and a search costs a query embedding plus a vector query); the time
    limit lets a re-ingested corpus show through without a restart.
    """

    def __init__(self, retriever: GuideRetriever | None, capacity: int = 2048, ttl_s: float = 600.0) -> None:
        self.retriever = retriever
        self._found: TTLCache[tuple[str, str, int], list[GuideRef]] = TTLCache(capacity, ttl_s)
        self._lock = threading.Lock()  # cachetools caches are not thread-safe

    def refs(self, query: str, round_: Round, k: int = 2) -> list[GuideRef]:
        return self.refs_many([query], round_, k)[0]

    def refs_many(self, queries: list[str], round_: Round, k: int = 2) -> list[list[GuideRef]]:
        """Guide sections for each query; the ones not remembered are searched in one batch."""
        if self.retriever is None:
            return [[] for _ in queries]
        with self._lock:  # a hit becomes the most recently used
            found = {q: refs for q in queries if (refs := self._found.get((q, round_.value, k))) is not None}
        missing = [q for q in dict.fromkeys(queries) if q not in found]
        if missing:
            found.update(self._search(missing, round_, k))
        return [list(found.get(q, [])) for q in queries]

    def _search(self, queries: list[str], round_: Round, k: int) -> dict[str, list[GuideRef]]:
        retriever = self.retriever
        if retriever is None:
            return {}
        try:
            batches = retriever.search_many(queries, k=k, round=round_.value, doc_type="guide")
        except Exception:  # noqa: BLE001 - a broken index must not break feedback
            return {}
        out = {q: [_guide_ref(h) for h in hits] for q, hits in zip(queries, batches, strict=True)}
        with self._lock:
            self._found.update({(q, round_.value, k): refs for q, refs in out.items()})
        return out


def _guide_ref(hit: GuideHit) -> GuideRef:
    return GuideRef(
        chunk_id=str(hit.id),
        title=str(hit.metadata.get("title", "")),
        section=str(hit.metadata.get("section", "")),
        text=_excerpt(hit.text),
    )


def build_feedback(inputs: FeedbackInputs, guides: GuideSearch) -> Feedback:
    """The whole feedback block for one graded question."""
    return Feedback(
        summary=_summary(inputs),
        strengths=_strengths(inputs),
        gaps=_gaps(inputs),
        practice_next=_practice(inputs, guides),
        model_answer=_outline(inputs),
        hints_used=inputs.hints_used,
    )


def _summary(inputs: FeedbackInputs) -> str:
    o = inputs.overall
    covered = len(inputs.evidence.key_points) - len(inputs.missed)
    parts = [f"Overall {o.score:.2f}/4 ({o.recommendation}, confidence {o.confidence:.2f})."]
    levels = {c.score for c in inputs.criteria}
    if len(levels) == 1:
        parts.append(f"Every criterion: {_level_text(inputs.criteria[0])}.")
    else:
        best = max(inputs.criteria, key=lambda c: (c.score or 0, c.weight))
        weakest = min(inputs.criteria, key=lambda c: (c.score or 0, -c.weight))
        parts.append(f"Strongest area: {best.name} ({_level_text(best)}).")
        parts.append(f"Weakest area: {weakest.name} ({_level_text(weakest)}).")
    if inputs.evidence.key_points:
        parts.append(f"Covered {covered} of {len(inputs.evidence.key_points)} key points.")
    parts.extend(FLAG_MESSAGES[f] for f in inputs.flags if f in FLAG_MESSAGES)
    if inputs.hints_used:
        parts.append(f"{inputs.hints_used} hint(s) used, which lowers the score.")
    if inputs.free_text:
        names = ", ".join(q.id for q in inputs.reference) or "none"
        parts.append(f"Free-text question: key points taken from the closest bank questions ({names}).")
    return " ".join(parts)


def _level_text(c: CriterionScore) -> str:
    return f"level {c.score}" if c.score is not None else "insufficient evidence"


def _strengths(inputs: FeedbackInputs) -> list[FeedbackItem]:
    good = [c for c in inputs.criteria if c.score is not None and c.score >= 3 and c.evidence]
    good.sort(key=lambda c: (-(c.score or 0), -c.weight))
    items = [
        FeedbackItem(text=f"{c.name}: {c.descriptor}", criterion_id=c.id, evidence=c.evidence[:2])
        for c in good[:MAX_STRENGTHS]
    ]
    covered = [k for k in inputs.evidence.key_points if k.covered and k.spans]
    if len(items) < MAX_STRENGTHS and not _capped(inputs):
        for k in covered[: MAX_STRENGTHS - len(items)]:
            items.append(FeedbackItem(text=f"You covered: {k.text}", evidence=[k.spans[0].text]))
    return [] if _capped(inputs) else items


def _capped(inputs: FeedbackInputs) -> bool:
    return any(f in FLAG_MESSAGES for f in inputs.flags)


def _gaps(inputs: FeedbackInputs) -> list[FeedbackItem]:
    items = []
    weak = [c for c in inputs.criteria if c.score is None or c.score <= 2]
    weak.sort(key=lambda c: ((c.score or 0), -c.weight))
    for c in weak[:MAX_GAPS]:
        criterion = inputs.rubric.criterion(c.id)
        target = criterion.descriptor(min((c.score or 1) + 1, 4) if c.score else 3)
        said = "No evidence in your answer." if not c.evidence else "Your answer stays at this level."
        items.append(
            FeedbackItem(
                text=f"{c.name} ({_level_text(c)}): {said} To reach {target.label}: {target.descriptor}",
                criterion_id=c.id,
                evidence=c.evidence[:1],
            )
        )
    for point in inputs.missed[: max(0, MAX_GAPS + 2 - len(items))]:
        items.append(FeedbackItem(text=f"Missing key point: {point}"))
    return items


def _practice(inputs: FeedbackInputs, guides: GuideSearch) -> list[FeedbackItem]:
    ranked = sorted(inputs.criteria, key=lambda c: ((c.score or 0), -c.weight))
    items, queries = [], []
    for index, c in enumerate(ranked[:MAX_PRACTICE]):
        criterion = inputs.rubric.criterion(c.id)
        point = inputs.missed[index] if index < len(inputs.missed) else ""
        text = f"Practise {c.name.lower()}: {criterion.hints[-1]}"
        if point:
            text += f" For this question that means: {point}."
        items.append(FeedbackItem(text=text, criterion_id=c.id))
        # Both queries are among the bank's fixed texts, whose vectors every process loads at start:
        # a query made up per session cost an embedding at every wrap-up (38% of a turn's server time).
        queries.append(point or criterion_texts(criterion)[0])
    for item, refs in zip(items, guides.refs_many(queries, inputs.round_), strict=True):
        item.guide_refs = refs
    return items


def _outline(inputs: FeedbackInputs) -> str:
    if not inputs.reference:
        return ""
    question = inputs.reference[0]
    bullets = [f"- {s}" for s, _, _ in split_sentences(question.model_answer)]
    head = "Outline of a strong answer"
    if inputs.free_text:
        head += f" to the closest bank question ({question.id})"
    return head + ":\n" + "\n".join(bullets)


def merge_feedback(parts: list[Feedback], score: float, label: str) -> Feedback:
    """Session feedback: the per-question items, de-duplicated and trimmed."""
    summary = f"Session overall {score:.2f}/4 ({label}) over {len(parts)} question(s). " + " ".join(
        p.summary for p in parts[:3]
    )
    return Feedback(
        summary=summary,
        strengths=_dedupe([i for p in parts for i in p.strengths])[:MAX_STRENGTHS],
        gaps=_dedupe([i for p in parts for i in p.gaps])[: MAX_GAPS + 2],
        practice_next=_dedupe([i for p in parts for i in p.practice_next])[:MAX_PRACTICE],
        model_answer="\n\n".join(p.model_answer for p in parts if p.model_answer),
        hints_used=sum(p.hints_used for p in parts),
        adjustments=[a for p in parts for a in p.adjustments],
    )


def _dedupe(items: list[FeedbackItem]) -> list[FeedbackItem]:
    seen: set[str] = set()
    out = []
    for item in items:
        key = item.criterion_id or item.text
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out


def _excerpt(text: str, limit: int = 280) -> str:
    return text if len(text) <= limit else text[: text.rfind(" ", 0, limit)] + " ..."
