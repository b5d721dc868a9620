"""Deciding the next probe: which gap to aim a follow-up or a hint at, never asking the same thing twice.

Sources of follow-up lines, all aimed at something the candidate has not covered yet:
- the round flow's next uncovered phase (STAR part, design phase, case stage, depth level);
- the question's own bank follow-ups, matched to the key points the evidence layer finds uncovered
  (the key point itself is never shown, only the authored follow-up that leads toward it);
- the rubric's probes for the weakest criteria.
Rounds whose flow is "structural first" (behavioral, ML depth) try the flow before key points.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from interviewer.brains.guard import leaks
from interviewer.domain.bank import Question, Rubric
from interviewer.domain.session import QuestionProgress
from interviewer.grading.evidence import Evidence
from interviewer.interview.phases import Phase, RoundFlow
from interviewer.text import content_stems, normalized


@dataclass(frozen=True)
class Probe:
    """A planned follow-up: the line, every key it uses up, and what it aims at."""

    text: str
    keys: tuple[str, ...]
    target: str
    target_name: str


@dataclass(frozen=True)
class Asked:
    """What must not be asked again: this question's used keys, and every probe line of the session."""

    keys: frozenset[str]
    lines: frozenset[str]  # normalised
    covered: frozenset[str] = frozenset()  # kp:<i>, criterion ids, phase:<id> the candidate already covered
    question: Question | None = None
    answered: Callable[[str], bool] | None = None  # whether the conversation already answers a line

    @classmethod
    def of(
        cls,
        progress: QuestionProgress,
        session_lines: Iterable[str] = (),
        question: Question | None = None,
        answered: Callable[[str], bool] | None = None,
    ) -> Asked:
        lines = {normalized(t) for t in (*progress.asked_texts, *session_lines)}
        covered = frozenset(progress.covered)
        return cls(frozenset(progress.asked_keys), frozenset(lines), covered, question, answered)


def line_key_point(question: Question | None, line: str) -> int | None:
    """The key point a follow-up line leads toward (most shared content words, at least two), or None."""
    if question is None:
        return None
    wanted = content_stems(line)
    scored = [(len(wanted & content_stems(kp)), -i) for i, kp in enumerate(question.key_points)]
    best = max(scored, default=(0, 0))
    return -best[1] if best[0] >= 2 else None


def _unused(asked: Asked, key: str, text: str) -> bool:
    """Not asked before, and not leading toward a key point the candidate covered in any earlier turn."""
    if key in asked.keys or normalized(text) in asked.lines:
        return False
    point = line_key_point(asked.question, text) if key.startswith("fu:") else None
    if point is not None and f"kp:{point}" in asked.covered:
        return False
    return asked.answered is None or not asked.answered(text)


def criterion_for_phase(rubric: Rubric, phase: Phase) -> str | None:
    """The rubric criterion whose name, description and keywords best match a flow phase."""
    best, best_score = None, 0
    for criterion in rubric.criteria:
        blob = " ".join([criterion.name, criterion.description, *criterion.keywords])
        score = phase.matches(blob) + len(content_stems(phase.name) & content_stems(criterion.name)) * 2
        if score > best_score:
            best, best_score = criterion.id, score
    return best


def _phase_probe(
    phase: Phase, question: Question | None, rubric: Rubric, asked: Asked, rng: random.Random
) -> Probe | None:
    phase_key = f"phase:{phase.id}"
    if question is not None:
        scored = [
            (phase.matches(line), i, line)
            for i, line in enumerate(question.follow_ups)
            if _unused(asked, f"fu:{i}", line)
        ]
        scored = [s for s in scored if s[0] > 0]
        if scored:
            _, i, line = max(scored, key=lambda s: (s[0], -s[1]))
            return Probe(line, (phase_key, f"fu:{i}"), phase_key, phase.name)
    criterion_id = criterion_for_phase(rubric, phase)
    if criterion_id is not None:
        probes = rubric.criterion(criterion_id).probes
        for j, line in enumerate(probes):
            key = f"probe:{criterion_id}:{j}"
            if _unused(asked, key, line) and phase.matches(line):
                return Probe(line, (phase_key, key), phase_key, phase.name)
    options = [p for p in phase.probes if _unused(asked, phase_key, p)]
    if not options:  # every line for this phase was already asked in this session
        return None
    return Probe(options[rng.randrange(len(options))], (phase_key,), phase_key, phase.name)


def _key_point_probe(question: Question | None, evidence: Evidence | None, asked: Asked) -> Probe | None:
    if question is None or evidence is None:
        return None
    best: tuple[int, int, int] | None = None
    for kp in evidence.uncovered_key_points():
        if f"kp:{kp.index}" in asked.covered:
            continue
        wanted = content_stems(kp.text)
        for i, line in enumerate(question.follow_ups):
            if not _unused(asked, f"fu:{i}", line):
                continue
            overlap = len(wanted & content_stems(line))
            if overlap and (best is None or overlap > best[0]):
                best = (overlap, i, kp.index)
    if best is None:
        return None
    _, i, kp_index = best
    return Probe(
        question.follow_ups[i], (f"fu:{i}", f"kp:{kp_index}"), f"kp:{kp_index}", "a point not yet covered"
    )


def _criterion_probe(rubric: Rubric, evidence: Evidence | None, asked: Asked) -> Probe | None:
    weakest = evidence.uncovered_criteria() if evidence is not None else [c.id for c in rubric.criteria]
    for criterion_id in weakest:
        if criterion_id in asked.covered:
            continue
        criterion = rubric.criterion(criterion_id)
        for j, line in enumerate(criterion.probes):
            key = f"probe:{criterion_id}:{j}"
            if _unused(asked, key, line):
                return Probe(line, (key, f"criterion:{criterion_id}"), criterion_id, criterion.name)
    return None


def _unasked_follow_up(question: Question | None, asked: Asked) -> Probe | None:
    if question is None:
        return None
    for i, line in enumerate(question.follow_ups):
        if _unused(asked, f"fu:{i}", line):
            return Probe(line, (f"fu:{i}",), f"fu:{i}", "the question's follow-up")
    return None


def plan_follow_up(
    *,
    flow: RoundFlow,
    question: Question | None,
    rubric: Rubric,
    evidence: Evidence | None,
    progress: QuestionProgress,
    text: str,
    rng: random.Random,
    session_lines: Iterable[str] = (),
    force_phase: Phase | None = None,
    answered: Callable[[str], bool] | None = None,
) -> Probe | None:
    """The next follow-up for a question, or None when nothing worth asking is left.

    `session_lines` are the probe lines already asked on the session's other questions: a line is
    never asked twice in one session, even where two questions share rubric probes or follow-ups.
    Nothing the candidate covered in any turn so far (`progress.covered`) is asked about again.
    `force_phase` (pacing: the candidate dwelt too long in one phase) is tried first. `answered`
    (semantic, from the engine) says whether a line asks what the conversation already answers.
    """
    skip = [*progress.asked_keys, *(k for k in progress.covered if k.startswith("phase:"))]
    gap = flow.next_gap(text, skip)
    asked = Asked.of(progress, session_lines, question, answered)
    if force_phase is not None:
        forced = _phase_probe(force_phase, question, rubric, asked, rng)
        if forced is not None:
            return forced

    def structural() -> Probe | None:
        return _phase_probe(gap, question, rubric, asked, rng) if gap is not None else None

    def key_points() -> Probe | None:
        return _key_point_probe(question, evidence, asked)

    def criteria() -> Probe | None:
        if evidence is None:  # no evidence layer: fall back to the bank's own follow-ups
            return _unasked_follow_up(question, asked)
        return _criterion_probe(rubric, evidence, asked)

    order = (
        (structural, key_points, criteria) if flow.structural_first else (key_points, structural, criteria)
    )
    for step in order:
        probe = step()
        if probe is not None:
            return probe
    return None


def _closest_criterion(rubric: Rubric, text: str) -> str | None:
    """The criterion sharing the most content words (name, description, keywords, probes) with `text`."""
    wanted = content_stems(text)
    scored = [
        (len(wanted & content_stems(" ".join([c.name, c.description, *c.keywords, *c.probes]))), -i, c.id)
        for i, c in enumerate(rubric.criteria)
    ]
    best = max(scored, default=None)
    return best[2] if best is not None and best[0] > 0 else None


def aimed_criterion(
    aim: str, flow: RoundFlow, rubric: Rubric, question: Question | None
) -> tuple[Phase | None, str | None]:
    """What a follow-up's target asked for: (the flow phase, the rubric criterion), either may be None."""
    ids = [c.id for c in rubric.criteria]
    kind, _, rest = aim.partition(":")
    if aim in ids or (kind == "criterion" and rest in ids):
        return None, rest if kind == "criterion" else aim
    if kind == "phase":
        phase = next((p for p in flow.phases if p.id == rest), None)
        return phase, criterion_for_phase(rubric, phase) if phase else None
    if kind in ("kp", "fu") and rest.isdigit() and question is not None:
        texts = question.key_points if kind == "kp" else question.follow_ups
        index = int(rest)
        return None, _closest_criterion(rubric, texts[index]) if index < len(texts) else None
    return None, None


def _hint_lines(rubric: Rubric, criterion_ids: Iterable[str]) -> list[tuple[str, str]]:
    return [
        (line, f"{cid}:{level}")
        for cid in criterion_ids
        for level, line in enumerate(rubric.criterion(cid).hints)
    ]


def plan_hint(
    *,
    flow: RoundFlow,
    rubric: Rubric,
    evidence: Evidence | None,
    progress: QuestionProgress,
    text: str,
    secrets: list[str],
    aim: str | None = None,
    question: Question | None = None,
) -> tuple[str | None, str | None]:
    """(hint line, hint key): the next, more specific hint, or (None, None).

    With `aim` (the target of the follow-up on the table) the hint is about what that follow-up asked
    for: its flow phase's hint, then its criterion's rubric hints. Otherwise, and once those run out,
    hints for one criterion come in the rubric's order (general to specific), the round flow's first
    gap first, then the weakest criteria. Hint lines that would reveal a key point are skipped.
    """
    candidates: list[tuple[str, str]] = []
    if aim:
        phase, aimed = aimed_criterion(aim, flow, rubric, question)
        if phase is not None:
            candidates.append((phase.hint, f"phase:{phase.id}:0"))
        if aimed is not None:
            candidates += _hint_lines(rubric, [aimed])
    order: list[str] = []
    gap = flow.next_gap(text, [])
    if gap is not None:
        mapped = criterion_for_phase(rubric, gap)
        if mapped:
            order.append(mapped)
    weakest = evidence.uncovered_criteria() if evidence is not None else [c.id for c in rubric.criteria]
    order += [c for c in weakest if c not in order]
    order += [c.id for c in rubric.criteria if c.id not in order]
    for line, key in [*candidates, *_hint_lines(rubric, order)]:
        if key not in progress.hint_keys and not leaks(line, secrets):
            return line, key
    return None, None
