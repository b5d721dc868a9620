"""Scripted candidate personas: answer scripts are data (`*.yaml` here); this module plays them.

A persona sees only what a real candidate sees: the question's prompt and topic, the interviewer's
last line, and the rubric (public). It never reads the question's key points or model answer.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from interviewer.domain.bank import Question, Rubric
from interviewer.errors import CorpusError

PERSONA_DIR = Path(__file__).parent
_KW = re.compile(r"\{kw:([a-z0-9-]+)\}")


@dataclass
class PersonaContext:
    """What the candidate knows when answering one turn."""

    round: str
    prompt: str
    topic: str
    rubric: Rubric
    last_line: str = ""
    aim: str | None = None  # the rubric criterion the interviewer's last line seems to ask about
    step: int = 0  # how many answers this persona has already given on the current question


@dataclass
class Persona:
    """One scripted candidate. `rank` orders expected quality (1 = best); `kind` content|adversarial."""

    name: str
    rank: int
    kind: str
    description: str
    rounds: dict[str, dict[str, Any]]
    opening_criteria: str = "all"
    _used: set[tuple[str, int]] = field(default_factory=set, repr=False)

    def reset(self) -> None:
        """Forget which lines were used (call at the start of each interview)."""
        self._used.clear()

    def script(self, round_name: str) -> dict[str, Any]:
        return self.rounds.get(round_name) or self.rounds.get("default") or {}

    def answer(self, ctx: PersonaContext) -> str:
        """The persona's next turn."""
        script = self.script(ctx.round)
        if "by_criterion" in script:
            text = self._structured(script, ctx)
        else:
            turns = script.get("turns", [""])
            text = turns[0] if script.get("repeat") else turns[ctx.step % len(turns)]
        return _fill(text, ctx)

    def _structured(self, script: dict[str, Any], ctx: PersonaContext) -> str:
        by_criterion: dict[str, list[str]] = script["by_criterion"]
        if ctx.step == 0:
            ids = [c.id for c in ctx.rubric.criteria if c.id in by_criterion]
            if self.opening_criteria == "first-half":
                ids = ids[: math.ceil(len(ids) / 2)]
            for cid in ids:
                self._used.add((cid, 0))
            return " ".join([script.get("prefix", ""), *(by_criterion[c][0] for c in ids)]).strip()
        order = [ctx.aim] if ctx.aim in by_criterion else []
        order += [c for c in by_criterion if c not in order]
        for cid in order:
            for i, line in enumerate(by_criterion[cid]):
                if (cid, i) not in self._used:
                    self._used.add((cid, i))
                    return line
        fallback = script.get("fallback", ["I think I've covered what I can."])
        return fallback[ctx.step % len(fallback)]


def _fill(template: str, ctx: PersonaContext) -> str:
    def keywords(match: re.Match[str]) -> str:
        try:
            words = ctx.rubric.criterion(match.group(1)).keywords[:2]
        except Exception:  # noqa: BLE001 - an unknown criterion id leaves the phrase generic
            return "the main points"
        return " and ".join(words)

    text = _KW.sub(keywords, template)
    return text.replace("{topic}", ctx.topic.replace("-", " ")).replace("{prompt}", ctx.prompt)


def _load(path: Path) -> Persona:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return Persona(
            name=str(data["name"]),
            rank=int(data["rank"]),
            kind=str(data.get("kind", "content")),
            description=str(data.get("description", "")),
            rounds=dict(data["rounds"]),
            opening_criteria=str(data.get("opening_criteria", "all")),
        )
    except (OSError, yaml.YAMLError, KeyError, TypeError, ValueError) as exc:
        raise CorpusError(f"{path}: invalid persona file: {exc}") from None


@cache
def load_personas(directory: Path = PERSONA_DIR) -> tuple[Persona, ...]:
    """Every persona under `directory`, best expected first."""
    personas = [_load(p) for p in sorted(directory.glob("*.yaml"))]
    return tuple(sorted(personas, key=lambda p: (p.rank, p.name)))


def persona_context(
    round_name: str, question: Question | None, prompt: str, rubric: Rubric
) -> PersonaContext:
    """A fresh context for the first answer to a question."""
    topic = question.topic if question is not None else "this problem"
    return PersonaContext(round=round_name, prompt=prompt, topic=topic, rubric=rubric)
