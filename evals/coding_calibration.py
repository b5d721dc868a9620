"""Coding-round calibration: graded submissions (`evals/coding_calibration.yaml`) through the real sandbox and
the coding rubric. Figures: ordering accuracy (pairs with different reviewer levels, within a problem, that
the grader orders the same way), hard-coded submissions at or below weak, and each submission's score; the
same figures for the problems the rubric was tuned on (`tuned`) and for the held-out ones (`held_out`).
"""

from __future__ import annotations

from itertools import combinations
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field

from interviewer.grading.coding_rubric import WEAK, Submission, grade_submission
from interviewer.grading.judge import expectations, job_for, judge

CALIBRATION_FILE = Path(__file__).with_name("coding_calibration.yaml")
KINDS = ("correct-clean", "correct-messy", "wrong-edge-cases", "too-slow", "does-not-run", "hard-coded")


class GradedSubmission(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    problem: str
    kind: str = Field(pattern="^(" + "|".join(KINDS) + ")$")
    level: int = Field(ge=1, le=4)
    questions: tuple[str, ...] = ()
    runs: int = Field(0, ge=0)
    words: tuple[str, ...]
    code: str


def load_submissions(path: Path = CALIBRATION_FILE) -> list[GradedSubmission]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [GradedSubmission.model_validate(item) for item in data["submissions"]]


def held_out_problems(path: Path = CALIBRATION_FILE) -> frozenset[str]:
    """The problems whose submissions no scoring change was tuned on."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return frozenset(data.get("held_out_problems") or ())


def run_coding_calibration(components: Any, *, quick: bool = False) -> dict[str, Any]:
    """Grade every calibration submission in the sandbox and compare with the reviewer's levels."""
    files = components.problem_files()
    problems = {p.id: (p, f.rubric) for f in files.values() for p in f.problems}
    runner = components.code_runner()
    linter = components.code_linter()
    expected: dict[str, dict[str, object]] = {}
    rows = []
    items = load_submissions()
    if quick:  # one problem's six kinds
        items = [i for i in items if i.problem == items[0].problem]
    for item in items:
        problem, rubric = problems[item.problem]
        if problem.id not in expected:
            expected[problem.id] = expectations(problem, runner)
        run = runner.run(job_for(problem, item.code, problem.tests))
        judgement = judge(problem, problem.tests, run, expected[problem.id])
        lint = linter.lint(item.code)
        submission = Submission(problem, item.code, judgement, item.words, item.runs, item.questions, lint)
        report = grade_submission(submission, rubric)
        rows.append(
            {
                "id": item.id,
                "problem": item.problem,
                "kind": item.kind,
                "level": item.level,
                "overall": report.overall,
                "label": report.label,
                "capped": report.capped,
                "criteria": {c.id: c.level for c in report.criteria},
            }
        )
    held_out = held_out_problems()
    return {
        "submissions": rows,
        **ordering(rows),
        "tuned": ordering([r for r in rows if r["problem"] not in held_out]),
        "held_out": ordering([r for r in rows if r["problem"] in held_out]),
    }


def ordering(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Ordering accuracy over pairs with different reviewer levels in the same problem; hard-coding cap."""
    pairs = [
        (a, b) for a, b in combinations(rows, 2) if a["problem"] == b["problem"] and a["level"] != b["level"]
    ]
    agree = sum((a["level"] - b["level"]) * (a["overall"] - b["overall"]) > 0 for a, b in pairs)
    hard = [r for r in rows if r["kind"] == "hard-coded"]
    return {
        "pairs": len(pairs),
        "ordering_accuracy": round(agree / len(pairs), 3) if pairs else None,
        "hard_coded_at_or_below_weak": (sum(r["overall"] <= WEAK for r in hard) / len(hard))
        if hard
        else None,
    }


def markdown(result: dict[str, Any]) -> str:
    lines = [
        "| submission | kind | reviewer level | overall | label | capped because |",
        "|---|---|---|---|---|---|",
    ]
    for r in result["submissions"]:
        cells = (r["id"], r["kind"], r["level"], f"{r['overall']:.2f}", r["label"], r["capped"] or "")
        lines.append("| " + " | ".join(str(c) for c in cells) + " |")
    lines.append("")
    lines.append(
        f"Ordering accuracy {result['ordering_accuracy']} over {result['pairs']} pairs; "
        f"hard-coded at or below weak: {result['hard_coded_at_or_below_weak']}."
    )
    for part, title in (("tuned", "Problems the rubric was tuned on"), ("held_out", "Held-out problems")):
        figures = result.get(part) or {}
        if figures.get("pairs"):
            lines.append("")
            lines.append(
                f"{title}: ordering accuracy {figures['ordering_accuracy']} over {figures['pairs']} pairs; "
                f"hard-coded at or below weak: {figures['hard_coded_at_or_below_weak']}."
            )
    return "\n".join(lines) + "\n"


def main() -> None:
    import argparse

    from interviewer.composition import Components
    from interviewer.settings import load_settings

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=None)
    options = parser.parse_args()
    header = (
        "# Coding-round calibration\n\nWritten by `python -m evals.coding_calibration --out "
        "docs/eval/coding-calibration.md` (the `coding` eval suite runs the same code).\n\n"
    )
    text = header + markdown(run_coding_calibration(Components(load_settings())))
    if options.out:
        options.out.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
