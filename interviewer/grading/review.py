"""LLM-mode review: an LLM may propose per-criterion scores, quotes and prose; the evidence layer decides.

`reconcile` is a pure function: every quote is checked verbatim against the transcript (unverifiable ones are
dropped), every score is kept within +-1 of the evidence level and never above the red-flag cap, and every
change is listed in `feedback.adjustments`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from interviewer.domain.report import CriterionScore, FeedbackItem, GradeReport, Overall
from interviewer.grading.grader import flag_cap, recommendation, weighted_score
from interviewer.text import split_sentences

_QUOTED = re.compile(r"[\"“]([^\"”]{12,})[\"”]")


@dataclass(frozen=True)
class ProposedCriterion:
    id: str
    score: int | None
    quotes: tuple[str, ...] = ()
    rationale: str = ""


@dataclass(frozen=True)
class ProposedItem:
    text: str
    quote: str = ""


@dataclass(frozen=True)
class LLMProposal:
    """What an LLM grader proposed (parsed from its JSON)."""

    criteria: tuple[ProposedCriterion, ...] = ()
    summary: str = ""
    strengths: tuple[ProposedItem, ...] = ()
    gaps: tuple[ProposedItem, ...] = ()

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> LLMProposal:
        """Lenient parse of `{"criteria": [{"id", "score", "quotes", "rationale"}], "summary", ...}`."""
        criteria = tuple(
            ProposedCriterion(
                id=str(c.get("id", "")),
                score=_as_level(c.get("score")),
                quotes=tuple(str(q) for q in c.get("quotes", []) or []),
                rationale=str(c.get("rationale", "")),
            )
            for c in data.get("criteria", []) or []
            if isinstance(c, Mapping)
        )
        summary = str(data.get("summary", ""))
        return cls(criteria, summary, _items(data.get("strengths")), _items(data.get("gaps")))


def _as_level(value: object) -> int | None:
    try:
        return None if value is None else max(1, min(4, round(float(value))))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def _items(raw: object) -> tuple[ProposedItem, ...]:
    out = []
    for item in raw if isinstance(raw, list) else []:
        if isinstance(item, Mapping):
            out.append(ProposedItem(str(item.get("text", "")), str(item.get("quote", ""))))
        elif isinstance(item, str):
            out.append(ProposedItem(item))
    return tuple(out)


@dataclass
class _Ledger:
    adjustments: list[str] = field(default_factory=list)

    def note(self, message: str) -> None:
        self.adjustments.append(message)


def verified(quote: str, transcript: str) -> str | None:
    """The quote as found in the transcript (outer quote marks and space trimmed), or None when absent."""
    clean = quote.strip().strip("\"'“”‘’").strip()
    return clean if clean and clean in transcript else None


def reconcile(
    proposal: LLMProposal | Mapping[str, Any], evidence_report: GradeReport, transcript: str | Sequence[str]
) -> tuple[GradeReport, list[str]]:
    """The evidence report with the LLM's proposal applied inside the evidence band, plus every adjustment."""
    if not isinstance(proposal, LLMProposal):
        proposal = LLMProposal.from_dict(proposal)
    text = transcript if isinstance(transcript, str) else "\n\n".join(transcript)
    ledger = _Ledger()
    cap = flag_cap(evidence_report.flags)
    by_id = {c.id: c for c in proposal.criteria}
    for unknown in sorted(set(by_id) - {c.id for c in evidence_report.criteria}):
        ledger.note(f"ignored a score for unknown criterion {unknown!r}")
    criteria = [_criterion(c, by_id.get(c.id), text, cap, ledger) for c in evidence_report.criteria]
    overall = _overall(criteria, evidence_report, cap)
    if overall.score != evidence_report.overall.score:
        before = evidence_report.overall.score
        ledger.note(f"overall recomputed from criteria: {before:.2f} -> {overall.score:.2f}")
    feedback = evidence_report.feedback.model_copy(deep=True)
    feedback.summary = _summary(proposal.summary, text, ledger) or feedback.summary
    feedback.strengths = _strengths(proposal.strengths, text, ledger) or feedback.strengths
    feedback.gaps = [FeedbackItem(text=g.text) for g in proposal.gaps if g.text] or feedback.gaps
    feedback.adjustments = [*feedback.adjustments, *ledger.adjustments]
    update = {"criteria": criteria, "overall": overall, "feedback": feedback}
    report = evidence_report.model_copy(update=update)
    return report, list(ledger.adjustments)


def _criterion(
    base: CriterionScore, proposed: ProposedCriterion | None, text: str, cap: int, ledger: _Ledger
) -> CriterionScore:
    if proposed is None:
        ledger.note(f"{base.id}: no LLM score; evidence level {base.score} kept")
        return base
    quotes = []
    for quote in proposed.quotes:
        found = verified(quote, text)
        if found is None:
            ledger.note(f"{base.id}: dropped quote not found verbatim in the transcript: {quote[:80]!r}")
        elif found not in quotes:
            quotes.append(found)
    level = _bounded_level(base, proposed.score, bool(quotes), cap, ledger)
    if level != base.score:
        ledger.note(f"{base.id}: accepted level {base.score} -> {level} (quotes: {quotes[:1]!r})")
    evidence = quotes + [e for e in base.evidence if e not in quotes]
    descriptor = base.descriptor if level == base.score else _descriptor_note(base, level)
    update = {
        "score": level,
        "evidence": evidence if level is not None else [],
        "descriptor": descriptor,
        "insufficient_evidence": level is None,
    }
    return base.model_copy(update=update)


def _bounded_level(
    base: CriterionScore, proposed: int | None, has_quotes: bool, cap: int, ledger: _Ledger
) -> int | None:
    anchor = base.score or 1
    low, high = max(1, anchor - 1), min(4, anchor + 1, cap)
    if not has_quotes and not base.evidence:
        high = min(high, anchor)  # a higher score needs at least one verified quote
    if proposed is None:
        if anchor <= 2:
            return None if base.score is None else base.score
        ledger.note(f"{base.id}: LLM said insufficient evidence; kept within band at {anchor - 1}")
        return anchor - 1
    level = max(low, min(high, proposed))
    if level != proposed:
        why = "red-flag cap" if proposed > cap else "evidence band"
        band = f"{why} {low}-{high}, evidence level {base.score}"
        ledger.note(f"{base.id}: LLM score {proposed} -> {level} ({band})")
    return level


def _descriptor_note(base: CriterionScore, level: int | None) -> str:
    return f"Adjusted to level {level} within the evidence band. Evidence-layer descriptor: {base.descriptor}"


def _overall(criteria: list[CriterionScore], report: GradeReport, cap: int) -> Overall:
    score = weighted_score([(c.weight, c.score, c.scale) for c in criteria], report.feedback.hints_used, cap)
    return Overall(score=score, recommendation=recommendation(score), confidence=report.overall.confidence)


def _summary(summary: str, text: str, ledger: _Ledger) -> str:
    kept = []
    for sentence, _, _ in split_sentences(summary):
        bad = [q for q in _QUOTED.findall(sentence) if verified(q, text) is None]
        if bad:
            ledger.note(f"summary: dropped a sentence quoting words not in the transcript: {bad[0][:60]!r}")
        elif sentence:
            kept.append(sentence)
    return " ".join(kept)


def _strengths(items: Sequence[ProposedItem], text: str, ledger: _Ledger) -> list[FeedbackItem]:
    out = []
    for item in items:
        found = verified(item.quote, text) if item.quote else None
        if found is None:
            ledger.note(f"strength dropped (no verbatim quote backs it): {item.text[:60]!r}")
            continue
        out.append(FeedbackItem(text=item.text, evidence=[found]))
    return out
