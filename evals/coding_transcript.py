"""`python -m evals.coding_transcript --out docs/eval/coding-transcript.md`: a scripted ML-coding interview
(k-means) through the real flow and sandbox, written as markdown with the runs and the graded feedback.

The candidate's script: two clarifying questions, an approach with its complexity, a first version that
divides by zero on an empty cluster, a run of the examples, a submission that fails a hidden edge case,
the fix, and a passing submission.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from interviewer.interview.coding_flow import CodingInterview

PROBLEM = "kmeans-from-scratch"

FIRST = """import numpy as np


def kmeans(points, k, iters=100):
    x = np.asarray(points, dtype=float)
    centroids = x[:k].copy()
    labels = None
    for _ in range(iters):
        distances = ((x[:, None, :] - centroids[None, :, :]) ** 2).sum(axis=2)
        new_labels = distances.argmin(axis=1)
        if labels is not None and np.array_equal(new_labels, labels):
            break
        labels = new_labels
        for j in range(k):
            centroids[j] = x[labels == j].sum(axis=0) / (labels == j).sum()
    return labels.tolist()
"""

FIXED = FIRST.replace(
    "            centroids[j] = x[labels == j].sum(axis=0) / (labels == j).sum()\n",
    "            members = x[labels == j]\n"
    "            if len(members):  # an empty cluster keeps its centroid\n"
    "                centroids[j] = members.mean(axis=0)\n",
)

APPROACH = (
    "I will vectorise the assignment step: broadcast the points against the centroids to get an n by k "
    "matrix of squared distances and take the argmin, so each iteration costs O(iters n k d) overall, "
    "which means O(n k d) per round. Then I recompute each centroid as the mean of its points, and stop "
    "when no label changes because further rounds cannot move anything."
)
EDGES = (
    "Edge cases I would check: k equal to one, duplicate points so that two initial centroids coincide and "
    "a cluster can be empty, and a tie where a point is equally far from two centroids."
)
FIX = (
    "The hidden failure is the empty cluster: I divided by a zero count and got NaN centroids. Now a cluster "
    "with no points keeps its centroid, instead of producing NaN."
)


def script(interview: CodingInterview) -> None:
    interview.opening()
    interview.ask("How should I initialise the centroids, is there randomness?")
    interview.ask("What should happen to a cluster that loses all its points, an empty cluster?")
    interview.explain(APPROACH)
    interview.run(FIRST)
    interview.explain(EDGES)
    interview.submit(FIRST)
    interview.explain(FIX)
    interview.run(FIXED)
    interview.submit(FIXED)


def markdown(interview: CodingInterview) -> str:
    lines = [
        "# ML-coding transcript: k-means from scratch",
        "",
        "Written by `python -m evals.coding_transcript --out docs/eval/coding-transcript.md`: a scripted",
        f"candidate on problem `{interview.problem.id}`, run in the `{interview.runner.name}` sandbox.",
        "",
    ]
    for role, text in interview.transcript:
        lines += [f"**{role}:**", "", text, ""]
    report = interview.report
    assert report is not None
    lines += ["## Feedback", "", f"Overall {report.overall:.2f} of 4: **{report.label}**"]
    if report.capped:
        lines.append(f"(capped at weak: {report.capped})")
    lines += ["", "| criterion | level | evidence | rubric |", "|---|---|---|---|"]
    for c in report.criteria:
        evidence = "; ".join(c.evidence).replace("|", "\\|").replace("\n", " ")
        lines.append(f"| {c.name} | {c.level} | {evidence} | {c.rubric} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=None)
    options = parser.parse_args()
    from interviewer.composition import Components
    from interviewer.settings import load_settings

    interview = Components(load_settings()).coding_interview(PROBLEM)
    script(interview)
    text = markdown(interview)
    if options.out:
        options.out.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
