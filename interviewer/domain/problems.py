"""Coding and ML-coding problems: the file schema (strict) and its loader.

A problem names an entry point, gives starter code, a reference solution and tests. A test is one call of
the entry point: `args` is a Python tuple expression evaluated in the sandbox after `setup`, `expected`
(JSON) is what it must return; without `expected`, the reference solution's value is the expectation
(the reference is run in the sandbox too). Hidden tests and expected values never reach the candidate.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from interviewer.domain.bank import _validate
from interviewer.errors import CorpusError

CodingRound = Literal["coding", "ml-coding"]
TestKind = Literal["example", "hidden", "edge", "performance"]
Compare = Literal["exact", "close", "unordered", "labels"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ProblemTest(_Strict):
    """One call of the entry point, and how its result is judged."""

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    kind: TestKind
    args: str = Field(min_length=2)
    setup: str = ""
    summary: str = Field("", description="an expression of `result` compared instead of the whole result")
    expected: object = None
    compare: Compare = "exact"
    tolerance: float = Field(1e-6, gt=0)
    time_limit_s: float | None = Field(None, gt=0)
    about: str = Field("", description="what the test checks, in words the candidate may see after a failure")

    @property
    def visible(self) -> bool:
        return self.kind == "example"


class Fact(_Strict):
    """A clarifying question's answer: asked about any of `about`, the interviewer says `answer`."""

    about: tuple[str, ...] = Field(min_length=1)
    answer: str = Field(min_length=5)


class Problem(_Strict):
    """One problem. `reference`, hidden tests and `key_points` are private until feedback."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    round: CodingRound
    title: str = Field(min_length=4)
    topic: str = Field(min_length=2)
    difficulty: Literal["easy", "medium", "hard"]
    statement: str = Field(min_length=40)
    entry: str = Field(pattern=r"^[a-z_][a-z0-9_]*$")
    starter: str
    reference: str
    complexity: str = Field(min_length=3, description="the expected time complexity, e.g. O(n log n)")
    facts: tuple[Fact, ...] = ()
    tests: tuple[ProblemTest, ...]
    hints: tuple[str, ...] = Field(min_length=1)
    follow_ups: tuple[str, ...] = Field(min_length=2)
    key_points: tuple[str, ...] = Field(min_length=3)

    @model_validator(mode="after")
    def _consistent(self) -> Problem:
        defines = re.compile(rf"^def {self.entry}\(", re.M)
        for name in ("starter", "reference"):
            if not defines.search(getattr(self, name)):
                raise ValueError(f"{name} does not define {self.entry}()")
        kinds = {t.kind for t in self.tests}
        if "example" not in kinds or not kinds & {"hidden", "edge"}:
            raise ValueError("needs at least one example test and one hidden or edge test")
        names = [t.name for t in self.tests]
        if len(set(names)) != len(names):
            raise ValueError("test names repeat")
        return self

    @property
    def visible_tests(self) -> tuple[ProblemTest, ...]:
        return tuple(t for t in self.tests if t.visible)

    @property
    def hidden_tests(self) -> tuple[ProblemTest, ...]:
        return tuple(t for t in self.tests if not t.visible)


CRITERIA = ("correctness", "code-quality", "complexity", "testing", "communication")


class CodingCriterion(_Strict):
    """A coding-round rubric criterion, with a descriptor per level (1 = No Hire ... 4 = Strong Hire)."""

    id: Literal["correctness", "code-quality", "complexity", "testing", "communication"]
    name: str = Field(min_length=3)
    weight: float = Field(gt=0, le=1)
    levels: tuple[str, str, str, str]


class CodingRubric(_Strict):
    criteria: tuple[CodingCriterion, ...]

    @model_validator(mode="after")
    def _every_criterion_once(self) -> CodingRubric:
        if sorted(c.id for c in self.criteria) != sorted(CRITERIA):
            raise ValueError(f"the rubric needs exactly the criteria {', '.join(CRITERIA)}")
        if abs(sum(c.weight for c in self.criteria) - 1.0) > 1e-6:
            raise ValueError("criterion weights must sum to 1")
        return self


class ProblemFile(_Strict):
    round: CodingRound
    rubric: CodingRubric
    problems: tuple[Problem, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _same_round(self) -> ProblemFile:
        stray = [p.id for p in self.problems if p.round != self.round]
        if stray:
            raise ValueError(f"problems {stray} are not in round {self.round}")
        return self


def load_problem_files(corpus_dir: Path) -> dict[str, ProblemFile]:
    """Each coding round's file (rubric and problems) under `corpus_dir/problems`, by round."""
    files: dict[str, ProblemFile] = {}
    seen: set[str] = set()
    for path in sorted((corpus_dir / "problems").glob("*.yaml")):
        document: ProblemFile = _validate(ProblemFile, path)  # type: ignore[assignment]
        if document.round in files:
            raise CorpusError(f"{path}: a second file for round {document.round}")
        for problem in document.problems:
            if problem.id in seen:
                raise CorpusError(f"{path}: duplicate problem id {problem.id!r}")
            seen.add(problem.id)
        files[document.round] = document
    return files


def load_problems(corpus_dir: Path) -> dict[str, Problem]:
    """Every problem under `corpus_dir/problems`, by id; CorpusError naming the file and line otherwise."""
    return {p.id: p for document in load_problem_files(corpus_dir).values() for p in document.problems}
