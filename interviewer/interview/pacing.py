"""Pacing like a real round: the phase being discussed, a move-on nudge, elapsed time and the time box.

A system design round walks requirements -> metrics -> data -> model -> serving -> monitoring. When
the candidate's last `DWELL_TURNS` answers all dwell on one phase while a later phase is still
uncovered, the next follow-up moves them on ("let's talk about serving").
"""

from __future__ import annotations

from interviewer.domain.rounds import Round
from interviewer.domain.session import QuestionProgress, SessionState
from interviewer.interview.phases import Phase, RoundFlow
from interviewer.interview.round_flows import flow_for

DWELL_TURNS = 2


def note_phase(flow: RoundFlow, progress: QuestionProgress, answer: str) -> None:
    """Record the phase the latest answer dwelt on (or "" when it touched none)."""
    phase = flow.dominant(answer)
    progress.phase_turns.append(phase.id if phase else "")
    if phase is not None:
        progress.current_phase = phase.id


def move_on_to(flow: RoundFlow, progress: QuestionProgress, covered_text: str) -> Phase | None:
    """The later phase to nudge the candidate to, when the last answers dwelt on one phase; else None."""
    recent = progress.phase_turns[-DWELL_TURNS:]
    if not flow.paced or len(recent) < DWELL_TURNS or len(set(recent)) != 1 or not recent[0]:
        return None
    ids = [p.id for p in flow.phases]
    later = flow.phases[ids.index(recent[0]) + 1 :]
    asked = set(progress.asked_keys)
    return next((p for p in later if not p.covered(covered_text) and f"phase:{p.id}" not in asked), None)


def elapsed_seconds(state: SessionState, now: float) -> int | None:
    """Seconds since the session opened (None for a session saved before start times were kept)."""
    return None if state.started_at is None else max(0, int(now - state.started_at))


def time_is_up(state: SessionState, now: float) -> bool:
    """Whether the session's time box (if any) has run out."""
    spent = elapsed_seconds(state, now)
    return state.time_box_minutes is not None and spent is not None and spent >= state.time_box_minutes * 60


def clock_label(seconds: int | None) -> str:
    """ "12:05" for 725 seconds ("" when unknown)."""
    return "" if seconds is None else f"{seconds // 60:02d}:{seconds % 60:02d}"


def phase_name(state: SessionState) -> str | None:
    """The name of the round phase being discussed on the current question ("serving"), if known."""
    progress = state.current
    if progress is None or progress.current_phase is None:
        return None
    flow = flow_for(Round(state.round))
    return next((p.name for p in flow.phases if p.id == progress.current_phase), None)


def status_line(state: SessionState, now: float) -> str:
    """ "12:05 · phase: serving · time box 45 min" for the CLI (parts left out when unknown)."""
    parts = [clock_label(elapsed_seconds(state, now))]
    phase = phase_name(state)
    if phase:
        parts.append(f"phase: {phase}")
    if state.time_box_minutes:
        parts.append(f"time box {state.time_box_minutes} min")
    return " · ".join(p for p in parts if p)
