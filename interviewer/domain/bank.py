"""The corpus's question bank and rubrics: file schemas (strict) and loaders with file/line errors."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from interviewer.domain.rounds import LEVEL_ORDER, Level, Round
from interviewer.errors import CorpusError, InputError

LEVEL_LABELS = {1: "No Hire", 2: "Lean No Hire", 3: "Lean Hire", 4: "Strong Hire"}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LevelRange(_Strict):
    min: Level
    max: Level

    @model_validator(mode="after")
    def _ordered(self) -> LevelRange:
        if LEVEL_ORDER.index(self.min) > LEVEL_ORDER.index(self.max):
            raise ValueError(f"level.min {self.min} is above level.max {self.max}")
        return self

    def includes(self, level: Level) -> bool:
        return LEVEL_ORDER.index(self.min) <= LEVEL_ORDER.index(level) <= LEVEL_ORDER.index(self.max)


FACT_TOPICS = ("scale", "latency", "data", "team", "constraints", "out_of_scope", "context")


class Facts(_Strict):
    """What the interviewer tells a candidate who asks: given on request, never a key point."""

    scale: str | None = None
    latency: str | None = None
    data: str | None = None
    team: str | None = None
    constraints: str | None = None
    out_of_scope: str | None = None
    context: str | None = None

    @model_validator(mode="after")
    def _at_least_one(self) -> Facts:
        if not self.given():
            raise ValueError("facts: give at least one of " + ", ".join(FACT_TOPICS))
        return self

    def given(self) -> dict[str, str]:
        """The defined facts by topic, in FACT_TOPICS order."""
        return {t: v for t in FACT_TOPICS if (v := getattr(self, t))}


class Question(_Strict):
    """One bank question. `key_points` and `model_answer` are private until feedback."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    round: Round
    topic: str = Field(min_length=2)
    difficulty: Literal["easy", "medium", "hard"]
    level: LevelRange
    companies: tuple[str, ...] = ()
    prompt: str = Field(min_length=20)
    follow_ups: tuple[str, ...] = Field(min_length=2)
    key_points: tuple[str, ...] = Field(min_length=4)
    model_answer: str = Field(min_length=40)
    facts: Facts
    rubric: str

    @field_validator("companies")
    @classmethod
    def _lower_companies(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(c.strip().lower() for c in value)


class LevelDescriptor(_Strict):
    level: int = Field(ge=1, le=4)
    label: Literal["No Hire", "Lean No Hire", "Lean Hire", "Strong Hire"]
    descriptor: str = Field(min_length=10)
    signals: tuple[str, ...] = Field(min_length=1)


class Criterion(_Strict):
    """One rubric criterion: what it judges, how each level looks, and how to probe for it."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: str
    weight: float = Field(gt=0, le=1)
    description: str = Field(min_length=10)
    keywords: tuple[str, ...] = Field(min_length=3)
    probes: tuple[str, ...] = Field(min_length=2)
    hints: tuple[str, ...] = Field(min_length=2)
    levels: tuple[LevelDescriptor, ...] = Field(min_length=4, max_length=4)

    @model_validator(mode="after")
    def _levels_one_to_four(self) -> Criterion:
        found = [d.level for d in self.levels]
        if found != [1, 2, 3, 4]:
            raise ValueError(f"criterion {self.id}: levels must be 1, 2, 3, 4 in order, got {found}")
        for d in self.levels:
            if d.label != LEVEL_LABELS[d.level]:
                raise ValueError(
                    f"criterion {self.id}: level {d.level} must be labelled {LEVEL_LABELS[d.level]!r}"
                )
        return self

    def descriptor(self, level: int) -> LevelDescriptor:
        return self.levels[level - 1]


class Rubric(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    round: Round
    title: str
    criteria: tuple[Criterion, ...] = Field(min_length=4, max_length=6)

    @model_validator(mode="after")
    def _weights_sum_to_one(self) -> Rubric:
        total = sum(c.weight for c in self.criteria)
        if abs(total - 1.0) > 1e-6:
            raise ValueError(f"rubric {self.id}: criterion weights sum to {total:.3f}, not 1.0")
        ids = [c.id for c in self.criteria]
        if len(set(ids)) != len(ids):
            raise ValueError(f"rubric {self.id}: duplicate criterion ids")
        return self

    def criterion(self, criterion_id: str) -> Criterion:
        for c in self.criteria:
            if c.id == criterion_id:
                return c
        raise InputError(f"rubric {self.id} has no criterion {criterion_id!r}")


class QuestionFile(_Strict):
    questions: tuple[Question, ...] = Field(min_length=1)


@dataclass(frozen=True)
class Bank:
    """The loaded question bank and rubrics, with lookups."""

    questions: tuple[Question, ...]
    rubrics: dict[str, Rubric]

    def question(self, question_id: str) -> Question:
        for q in self.questions:
            if q.id == question_id:
                return q
        raise InputError(f"no question with id {question_id!r} in the bank")

    def rubric_for_round(self, round_: Round) -> Rubric:
        for r in self.rubrics.values():
            if r.round == round_:
                return r
        raise CorpusError(f"no rubric for round {round_}")

    def rubric_for(self, question: Question | None, round_: Round | None = None) -> Rubric:
        """The rubric an answer is graded on: the question's own, or the round's for a free-text question."""
        if question is not None:
            return self.rubrics[question.rubric]
        if round_ is None:
            raise ValueError("rubric_for needs a question or a round")
        return self.rubric_for_round(round_)

    def by_round(self, round_: Round) -> list[Question]:
        return [q for q in self.questions if q.round == round_]


def _read_yaml(path: Path) -> object:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CorpusError(f"{path}: cannot read: {exc}") from None
    try:
        # libyaml's loader is ~20x faster than the pure-Python one; the bank loads on every start-up.
        return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark is not None else str(path)
        raise CorpusError(f"{where}: invalid YAML: {getattr(exc, 'problem', exc)}") from None


def _line_of(path: Path, loc: tuple[int | str, ...]) -> str:
    """Best-effort line number for a validation error location (the id line of the item)."""
    try:
        node = yaml.compose(path.read_text(encoding="utf-8"))
        for key in loc:
            if node is None:
                break
            if isinstance(key, int) and isinstance(node, yaml.SequenceNode):
                node = node.value[key]
            elif isinstance(node, yaml.MappingNode):
                node = next((v for k, v in node.value if k.value == key), node)
            else:
                break
        return f"{path}:{node.start_mark.line + 1}" if node is not None else str(path)
    except Exception:  # noqa: BLE001 - line numbers are a courtesy, never a second failure
        return str(path)


def _validate(model: type[BaseModel], path: Path) -> BaseModel:
    data = _read_yaml(path)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = tuple(first["loc"])
        dotted = ".".join(str(part) for part in loc)
        raise CorpusError(
            f"{_line_of(path, loc)}: {dotted}: {first['msg']} ({exc.error_count()} error(s) in file)"
        ) from None


def load_questions(path: Path) -> tuple[Question, ...]:
    return _validate(QuestionFile, path).questions  # type: ignore[attr-defined, no-any-return]


def load_rubric(path: Path) -> Rubric:
    return _validate(Rubric, path)  # type: ignore[return-value]


def load_bank(corpus_dir: Path) -> Bank:
    """Load and cross-check every question and rubric file under `corpus_dir`."""
    rubrics: dict[str, Rubric] = {}
    for path in sorted((corpus_dir / "rubrics").glob("*.yaml")):
        rubric = load_rubric(path)
        if rubric.id in rubrics:
            raise CorpusError(f"{path}: duplicate rubric id {rubric.id!r}")
        rubrics[rubric.id] = rubric
    questions: list[Question] = []
    seen: set[str] = set()
    for path in sorted((corpus_dir / "questions").glob("*.yaml")):
        for q in load_questions(path):
            if q.id in seen:
                raise CorpusError(f"{path}: duplicate question id {q.id!r}")
            if q.rubric not in rubrics:
                raise CorpusError(f"{path}: question {q.id} names unknown rubric {q.rubric!r}")
            if rubrics[q.rubric].round != q.round:
                raise CorpusError(f"{path}: question {q.id} is {q.round} but rubric {q.rubric} is not")
            seen.add(q.id)
            questions.append(q)
    return Bank(questions=tuple(questions), rubrics=rubrics)
