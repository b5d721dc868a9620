"""The many-author calibration set: answers written by separate authors, each with their own voice.

`evals/calibration/authors/<author>.yaml` (how they are written: SPEC.md beside them) plus the older
single-author ladders of `evals/calibration/*.yaml`, kept as one more author, `house`. Every answer
carries an overall level; the many-author ones also a level per criterion and evidence labels (which
of its sentences support which criterion).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from evals.grading import load_calibration
from interviewer.domain.bank import Bank
from interviewer.errors import CorpusError

AUTHORS_DIR = Path(__file__).with_name("calibration") / "authors"
FREE_TEXT_FILE = AUTHORS_DIR / "free_text_questions.yaml"
HOUSE = "house"
# The old ladders' kinds that stand for a genuine attempt at the question.
_HOUSE_GENUINE = {"strong", "solid", "weak", "minimal"}


@dataclass(frozen=True)
class EvidenceLabel:
    """A verbatim piece of the answer and the criteria it shows."""

    quote: str
    criteria: tuple[str, ...]


@dataclass(frozen=True)
class AuthoredAnswer:
    id: str
    author: str
    round: str
    question_id: str  # a bank id, or a free-text id (ft-...)
    question_text: str
    free_text: bool  # not in the bank: no key points of its own
    kind: str  # genuine | bluff | injection (house: also off_topic, gibberish, empty)
    level: int
    text: str
    criteria: dict[str, int] = field(default_factory=dict)  # empty for the house ladders
    evidence: tuple[EvidenceLabel, ...] = ()
    split: str = ""  # house only: "holdout" answers never train the shipped calibration

    @property
    def trains(self) -> bool:
        """Whether this answer may be used to fit a calibration (genuine, not the house holdout)."""
        return self.kind == "genuine" and self.split != "holdout"


def free_text_questions(path: Path = FREE_TEXT_FILE) -> dict[str, tuple[str, str]]:
    """{id: (round, question)} of the questions deliberately left out of the bank."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {q["id"]: (q["round"], q["question"]) for q in data["questions"]}


def load_authored(bank: Bank, folder: Path = AUTHORS_DIR, *, house: bool = True) -> list[AuthoredAnswer]:
    """Every author's answers (file order), the house ladders last when `house`."""
    free = free_text_questions(folder / FREE_TEXT_FILE.name)
    out = [a for path in sorted(folder.glob("*.yaml")) if path != folder / FREE_TEXT_FILE.name
           for a in _load_author(path, bank, free)]  # fmt: skip
    if house:
        out += house_answers(bank)
    return out


def _load_author(path: Path, bank: Bank, free: dict[str, tuple[str, str]]) -> list[AuthoredAnswer]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    author = data["author"]
    out = []
    for item in data["answers"]:
        qid = item["question_id"]
        if qid in free:
            round_, question_text = free[qid]
        else:
            question = bank.question(qid)
            round_, question_text = question.round.value, " ".join(question.prompt.split())
        if round_ != item["round"]:
            raise CorpusError(f"{path}: {item['id']}: question {qid} is a {round_} question")
        out.append(
            AuthoredAnswer(
                id=item["id"], author=author, round=round_, question_id=qid, question_text=question_text,
                free_text=qid in free, kind=item["kind"], level=int(item["level"]), text=item["text"] or "",
                criteria={k: int(v) for k, v in item["criteria"].items()},
                evidence=tuple(
                    EvidenceLabel(e["quote"], tuple(e["criteria"])) for e in item.get("evidence") or ()
                ),
            )
        )  # fmt: skip
    return out


def house_answers(bank: Bank) -> list[AuthoredAnswer]:
    """The older single-author ladders as the author `house` (overall levels only)."""
    out = []
    for n, a in enumerate(load_calibration(), 1):
        question = bank.question(a.question_id)
        kind = "genuine" if a.kind in _HOUSE_GENUINE else a.kind
        out.append(
            AuthoredAnswer(
                id=f"{HOUSE}-{n:03d}", author=HOUSE, round=a.round, question_id=a.question_id,
                question_text=" ".join(question.prompt.split()), free_text=False, kind=kind, level=a.level,
                text=a.text, split=a.split,
            )
        )  # fmt: skip
    return out
