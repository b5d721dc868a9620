"""matplotlib PNGs for the eval report (Agg backend: no display needed). matplotlib is imported here only."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

_RECALL_KEY = re.compile(r"^recall@(\d+)$")


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def recall_curves(methods: Mapping[str, Mapping[str, Any]]) -> dict[str, list[tuple[int, float]]]:
    """{method: [(k, recall@k), ...]} from a retrieval result's per-method figures."""
    curves: dict[str, list[tuple[int, float]]] = {}
    for method, figures in methods.items():
        if not isinstance(figures, Mapping):
            continue
        points = []
        for key, value in figures.items():
            match = _RECALL_KEY.match(str(key))
            if match and isinstance(value, int | float):
                points.append((int(match.group(1)), float(value)))
        if isinstance(figures.get("recall_at_k"), Mapping):
            points += [(int(k), float(v)) for k, v in figures["recall_at_k"].items()]
        if points:
            curves[method] = sorted(set(points))
    return curves


def plot_recall_curves(curves: Mapping[str, Sequence[tuple[int, float]]], path: Path) -> Path:
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(6, 4))
    for method, points in curves.items():
        ks, values = zip(*points, strict=True)
        ax.plot(ks, values, marker="o", label=method)
    ax.set_xlabel("k")
    ax.set_ylabel("recall@k")
    ax.set_ylim(0, 1.02)
    ax.set_title("Retrieval recall@k by method")
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def plot_confusion(matrix: Sequence[Sequence[int]], labels: Sequence[str], path: Path) -> Path:
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(5, 4.5))
    image = ax.imshow(matrix, cmap="Blues")
    ax.set_xticks(range(len(labels)), labels)
    ax.set_yticks(range(len(labels)), labels)
    ax.set_xlabel("grader level")
    ax.set_ylabel("expected level")
    ax.set_title("Grading confusion matrix")
    peak = max((max(row) for row in matrix if row), default=0)
    for i, row in enumerate(matrix):
        for j, count in enumerate(row):
            colour = "white" if peak and count > peak / 2 else "black"
            ax.text(j, i, str(count), ha="center", va="center", color=colour)
    fig.colorbar(image, ax=ax, shrink=0.8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def plot_scores_by_persona(scores: Mapping[str, Mapping[str, float]], path: Path) -> Path:
    """Grouped bars: persona on x, one bar per round, final overall score on y (1-4)."""
    plt = _pyplot()
    personas = list(scores)
    rounds = sorted({r for per in scores.values() for r in per})
    width = 0.8 / max(len(rounds), 1)
    fig, ax = plt.subplots(figsize=(max(7, len(personas) * 0.9), 4))
    for i, round_name in enumerate(rounds):
        xs = [p + i * width for p in range(len(personas))]
        ys = [scores[persona].get(round_name, 0.0) for persona in personas]
        ax.bar(xs, ys, width=width, label=round_name)
    ax.set_xticks([p + width * (len(rounds) - 1) / 2 for p in range(len(personas))], personas, rotation=30)
    ax.set_ylim(0, 4.1)
    ax.set_ylabel("final overall score (1-4)")
    ax.set_title("Simulated interviews: score by persona")
    ax.legend(fontsize=8)
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def plot_signed_error(by_author: Mapping[str, Mapping[str, Any]], path: Path) -> Path:
    """Mean (score - label) per label level, one line per held-out author: above 0 lenient, below harsh."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(6.5, 4))
    levels = ["1", "2", "3", "4"]
    for author, figures in by_author.items():
        errors = figures.get("signed_error_by_level", {})
        points = [(int(k), v) for k, v in errors.items() if v is not None and k in levels]
        ax.plot([p for p, _ in points], [v for _, v in points], marker="o", label=author)
    ax.axhspan(-0.25, 0.25, color="green", alpha=0.08, label="target ±0.25")
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set_xticks([1, 2, 3, 4])
    ax.set_xlabel("label level")
    ax.set_ylabel("mean score − label")
    ax.set_title("Signed error per label level (held-out authors)")
    ax.legend(fontsize=7, ncol=2)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
