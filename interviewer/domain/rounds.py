"""The four interview rounds and the candidate levels."""

from enum import StrEnum

from interviewer.errors import InputError


class Round(StrEnum):
    ML_SYSTEM_DESIGN = "ml-system-design"
    BEHAVIORAL = "behavioral"
    CASE_STUDY = "case-study"
    ML_DEPTH = "ml-depth"


class Level(StrEnum):
    JUNIOR = "junior"
    MID = "mid"
    SENIOR = "senior"
    STAFF = "staff"


LEVEL_ORDER: tuple[Level, ...] = (Level.JUNIOR, Level.MID, Level.SENIOR, Level.STAFF)
ROUND_NAMES: tuple[str, ...] = tuple(r.value for r in Round)


def parse_round(name: str) -> Round:
    """Return the Round called `name`, or raise InputError listing the valid names."""
    try:
        return Round(name.strip().lower())
    except ValueError:
        raise InputError(f"unknown round {name!r}; valid rounds: {', '.join(ROUND_NAMES)}") from None
