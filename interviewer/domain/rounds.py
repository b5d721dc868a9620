"""The interview rounds and the candidate levels.

`Round` holds the conversation rounds (a bank question, follow-ups, graded by the evidence layer);
`CodingRound` the rounds where the candidate writes code that runs against a problem's tests. Both are
session rounds: stored, listed, resumed and reported the same way. Which engine runs a session is decided
by `is_coding_round`, here and nowhere else.
"""

from enum import StrEnum

from interviewer.errors import InputError


class Round(StrEnum):
    ML_SYSTEM_DESIGN = "ml-system-design"
    BEHAVIORAL = "behavioral"
    CASE_STUDY = "case-study"
    ML_DEPTH = "ml-depth"


class CodingRound(StrEnum):
    CODING = "coding"
    ML_CODING = "ml-coding"


class Level(StrEnum):
    JUNIOR = "junior"
    MID = "mid"
    SENIOR = "senior"
    STAFF = "staff"


SessionRound = Round | CodingRound
LEVEL_ORDER: tuple[Level, ...] = (Level.JUNIOR, Level.MID, Level.SENIOR, Level.STAFF)
ROUND_NAMES: tuple[str, ...] = tuple(r.value for r in Round)
SESSION_ROUND_NAMES: tuple[str, ...] = ROUND_NAMES + tuple(r.value for r in CodingRound)


def is_coding_round(name: str) -> bool:
    """Whether a session of round `name` is a coding round (run by the coding engine)."""
    return name in {r.value for r in CodingRound}


def parse_round(name: str) -> Round:
    """Return the conversation Round called `name`, or raise InputError listing the valid names."""
    try:
        return Round(name.strip().lower())
    except ValueError:
        raise InputError(f"unknown round {name!r}; valid rounds: {', '.join(ROUND_NAMES)}") from None


def parse_session_round(name: str) -> SessionRound:
    """Return the round (conversation or coding) called `name`, or raise InputError listing every one."""
    cleaned = name.strip().lower()
    if is_coding_round(cleaned):
        return CodingRound(cleaned)
    try:
        return Round(cleaned)
    except ValueError:
        valid = ", ".join(SESSION_ROUND_NAMES)
        raise InputError(f"unknown round {name!r}; valid rounds: {valid}") from None
