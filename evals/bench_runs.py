"""Consecutive bench runs and their summary: whether each run met each target (`make bench-3`).

Each run's document goes to `<out stem>-run<N>.json` beside `out`; `out` gets the last run (the usual
results file). The summary is Markdown: a table of targets by run, then each run's provenance line.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from interviewer.settings import Settings


def run_path(out: Path, index: int) -> Path:
    """Where run `index` (1-based) of a series writes its document."""
    return out.with_name(f"{out.stem}-run{index}{out.suffix}")


def summarize(docs: Sequence[dict[str, Any]]) -> str:
    """Markdown: one row per target (section and name), one column per run: the value and met / NOT MET."""
    rows: dict[tuple[str, str], list[str]] = {}
    bounds: dict[tuple[str, str], str] = {}
    for index, doc in enumerate(docs):
        for t in doc.get("targets", []):
            key = (t["section"], t["name"])
            cells = rows.setdefault(key, ["not run"] * len(docs))
            cells[index] = f"{t['value']} {'met' if t['met'] else '**NOT MET**'}"
            bounds[key] = t["target"]
        for section, result in doc.get("results", {}).items():
            if "error" in result:
                cells = rows.setdefault((section, "section ran"), ["ok"] * len(docs))
                cells[index] = f"**error**: {result['error'][:60]}"
                bounds[(section, "section ran")] = "no error"
    every = [
        all("NOT MET" not in c and "error" not in c and c != "not run" for c in cells)
        for cells in rows.values()
    ]
    lines = [
        f"# {len(docs)} consecutive bench runs",
        "",
        f"Targets met in every run: {sum(every)} of {len(every)}.",
        "",
        "| section | target | bound | "
        + " | ".join(f"run {i + 1}" for i in range(len(docs)))
        + " | all runs |",
        "|---|---|---|" + "---|" * len(docs) + "---|",
    ]
    for (key, cells), ok in zip(rows.items(), every, strict=True):
        lines.append(
            f"| {key[0]} | {key[1]} | {bounds[key]} | " + " | ".join(cells) + f" | {'yes' if ok else 'no'} |"
        )
    lines.append("")
    for index, doc in enumerate(docs):
        prov = doc.get("provenance", {})
        facts = [f"{k} {prov[k]}" for k in ("timestamp", "git_commit") if k in prov]
        facts.append(f"load average at start {doc.get('load_average', '?')}")
        lines.append(f"- run {index + 1}: {'quick, ' if doc.get('quick') else ''}{', '.join(facts)}")
    return "\n".join(lines) + "\n"


def run_series(
    settings: Settings, *, runs: int, out: Path, summary: Path, quick: bool, only: list[str] | None
) -> list[dict[str, Any]]:
    """`runs` bench runs one after another, each written, then the summary."""
    import json

    from evals.bench import run_bench

    docs = []
    for index in range(1, runs + 1):
        doc = run_bench(settings, out=run_path(out, index), quick=quick, only=only)
        docs.append(doc)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(docs[-1], indent=2, default=str) + "\n", encoding="utf-8")
    summary.parent.mkdir(parents=True, exist_ok=True)
    summary.write_text(summarize(docs), encoding="utf-8")
    return docs
