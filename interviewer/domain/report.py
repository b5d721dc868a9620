"""Feedback report schemas: the boundary shape shared by `grade --json`, the session `/end` and the API.

CONTRACT: the grader fills these; the engine, CLI and API only pass them on. Additive changes only.
"""

from __future__ import annotations

from pydantic import BaseModel, Field, computed_field

from interviewer.domain.flags import FLAG_MESSAGES


class Overall(BaseModel):
    score: float = Field(ge=1, le=4)  # weighted mean of criterion levels, computed, never asked of a model
    recommendation: str  # No Hire / Lean No Hire / Lean Hire / Strong Hire
    confidence: float = Field(ge=0, le=1)


class CriterionScore(BaseModel):
    id: str
    name: str
    score: int | None  # 1..4; None = insufficient evidence
    evidence: list[str]  # verbatim spans of the candidate's words
    rubric_ref: str  # "<rubric id>#<criterion id>"
    descriptor: str  # the rubric's descriptor for the level given (or what was missing)
    weight: float = 0.0
    insufficient_evidence: bool = False
    # The strength on the level scale (`scoring.level_scale`): breaks ties in the overall score only;
    # what is shown and stored is the whole level.
    scale: float | None = Field(default=None, exclude=True)


class GuideRef(BaseModel):
    chunk_id: str
    title: str
    section: str
    text: str = ""


class FeedbackItem(BaseModel):
    text: str
    criterion_id: str | None = None
    evidence: list[str] = []
    guide_refs: list[GuideRef] = []


class Feedback(BaseModel):
    summary: str
    strengths: list[FeedbackItem] = []
    gaps: list[FeedbackItem] = []
    practice_next: list[FeedbackItem] = []
    model_answer: str = ""
    hints_used: int = 0
    adjustments: list[str] = []  # every change the evidence layer made to an LLM's proposal


class StrengthLine(BaseModel):
    """The strongest thing the candidate did: a criterion and their own words for it."""

    criterion_id: str
    criterion: str
    level: int | None
    quote: str
    reached_lean_hire: bool  # False: the best-evidenced criterion, said honestly as below Lean Hire


class PractiseLine(BaseModel):
    """The one thing to practise next, with the guide section that teaches it."""

    criterion_id: str | None
    criterion: str
    text: str
    guide: GuideRef | None = None


class CoachSummary(BaseModel):
    """The top of a report, read like a coach: the level and why, the strength, the next practice.

    `lines` is the wording every surface prints (CLI, web page), so it is written once, here.
    """

    level: str
    score: float
    reason: str
    strength: StrengthLine | None
    practise: PractiseLine | None
    lines: list[str]


def coach_summary(
    overall: Overall, criteria: list[CriterionScore], feedback: Feedback, flags: list[str]
) -> CoachSummary:
    """The three top lines of a report, derived from its scores, evidence and practice items."""
    reason = _reason(criteria, flags)
    strength = _strength(criteria)
    practise = _practise(criteria, feedback)
    lines = [f"{overall.recommendation}: {reason}"]  # each surface shows the score beside it
    if strength is None:
        lines.append("Strongest: no criterion has evidence in your words yet, so there is nothing to quote.")
    else:
        lead = "Strongest" if strength.reached_lean_hire else "Best-evidenced (still below Lean Hire)"
        lines.append(f"{lead}: {strength.criterion}, level {strength.level}: \u201c{strength.quote}\u201d")
    if practise is not None:
        where = f" Read: {practise.guide.title} \u203a {practise.guide.section}." if practise.guide else ""
        lead = f"Practise next, {practise.criterion}" if practise.criterion else "Practise next"
        lines.append(f"{lead}: {practise.text}{where}")
    return CoachSummary(
        level=overall.recommendation, score=overall.score, reason=reason, strength=strength,
        practise=practise, lines=lines,
    )  # fmt: skip


def _reason(criteria: list[CriterionScore], flags: list[str]) -> str:
    good = [c for c in criteria if (c.score or 0) >= 3]
    capping = [FLAG_MESSAGES[f] for f in flags if f in FLAG_MESSAGES]
    if capping and not good:
        return capping[0]
    if not criteria:
        return "There was nothing to grade."
    weakest = min(criteria, key=lambda c: (c.score or 0, -c.weight))
    if weakest.score is None:
        weak_text = "had no evidence"
    elif not weakest.evidence:
        weak_text = f"had no evidence (level {weakest.score})"
    else:
        weak_text = f"stayed at level {weakest.score}"
    if len(good) == len(criteria):
        return f"All {len(criteria)} criteria reached Lean Hire or better."
    return (
        f"{len(good)} of {len(criteria)} criteria reached Lean Hire or better; "
        f"the weakest, {weakest.name}, {weak_text}."
    )


def _strength(criteria: list[CriterionScore]) -> StrengthLine | None:
    evidenced = [c for c in criteria if c.evidence and c.score is not None]
    if not evidenced:
        return None
    best = max(evidenced, key=lambda c: (c.score or 0, len(c.evidence), c.weight))
    return StrengthLine(
        criterion_id=best.id, criterion=best.name, level=best.score, quote=best.evidence[0],
        reached_lean_hire=(best.score or 0) >= 3,
    )  # fmt: skip


def _practise(criteria: list[CriterionScore], feedback: Feedback) -> PractiseLine | None:
    names = {c.id: c.name for c in criteria}
    for item in feedback.practice_next:
        guide = item.guide_refs[0] if item.guide_refs else None
        name = names.get(item.criterion_id or "", "")
        text = item.text.removeprefix(f"Practise {name.lower()}: ")  # the line names the criterion itself
        return PractiseLine(criterion_id=item.criterion_id, criterion=name, text=text, guide=guide)
    return None


def distinct_evidence(criteria: list[CriterionScore]) -> dict[str, list[str]]:
    """Each criterion's quotes with any quote already shown under an earlier criterion left out."""
    shown: set[str] = set()
    out: dict[str, list[str]] = {}
    for c in criteria:
        out[c.id] = [q for q in c.evidence if q not in shown]
        shown.update(c.evidence)
    return out


class ReportSection(BaseModel):
    """A folded part of a report: a title and its lines (never an empty section)."""

    title: str
    lines: list[str]


def report_details(questions: list[GradeReport], feedback: Feedback) -> list[ReportSection]:
    """Below the criteria: missed key points, the model answer outline, the gaps in full, more practice."""
    missed = [p for q in questions for p in q.missed_key_points]
    outline = [
        line.removeprefix("- ") for q in questions for line in q.feedback.model_answer.splitlines()[1:]
    ]
    gaps = [g.text for g in feedback.gaps if g.criterion_id]  # the others repeat the missed key points
    more = [
        item.text + "".join(f" (see {r.title} \u203a {r.section})" for r in item.guide_refs[:1])
        for item in feedback.practice_next[1:]
    ]
    sections = [
        ("Key points you missed", missed),
        ("Model answer outline", outline),
        ("Gaps, in full", gaps),
        ("Also worth practising", more),
    ]
    return [ReportSection(title=t, lines=list(dict.fromkeys(lines))) for t, lines in sections if lines]


class GradeReport(BaseModel):
    """Feedback on one answer (or all of a candidate's turns on one question)."""

    round: str
    question_id: str | None = None
    question: str
    overall: Overall
    criteria: list[CriterionScore]
    flags: list[str] = []
    missed_key_points: list[str] = []
    feedback: Feedback

    @computed_field  # type: ignore[prop-decorator]
    @property
    def summary(self) -> CoachSummary:
        """The coach-first top of the report (derived, so it always matches the scores below it)."""
        return coach_summary(self.overall, self.criteria, self.feedback, self.flags)


class SessionReport(BaseModel):
    """Feedback on a whole session: one GradeReport per question plus criterion scores across them."""

    round: str
    overall: Overall
    criteria: list[CriterionScore]
    questions: list[GradeReport]
    flags: list[str] = []
    feedback: Feedback

    @computed_field  # type: ignore[prop-decorator]
    @property
    def summary(self) -> CoachSummary:
        """The coach-first top of the report (derived, so it always matches the scores below it)."""
        return coach_summary(self.overall, self.criteria, self.feedback, self.flags)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def details(self) -> list[ReportSection]:
        """The folded sections below the criteria, in the order every surface shows them."""
        return report_details(self.questions, self.feedback)
