"""Check one author's calibration file: schema, ids, labels and verbatim evidence quotes."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import yaml

RUBRICS = Path(__file__).resolve().parents[3] / "corpus" / "rubrics"
# Each round's criterion ids, read from the shipped rubrics (the one place they are written).
CRITERIA = {
    data["round"]: {c["id"] for c in data["criteria"]}
    for data in (yaml.safe_load(path.read_text()) for path in sorted(RUBRICS.glob("*.yaml")))
}
KINDS = {"genuine", "bluff", "injection"}


def problems(path: Path) -> list[str]:
    data = yaml.safe_load(path.read_text())
    out: list[str] = []
    ids: Counter[str] = Counter()
    for n, answer in enumerate(data.get("answers", []), 1):
        where = f"answer {n} ({answer.get('id')})"
        ids[answer.get("id")] += 1
        round_ = answer.get("round")
        if round_ not in CRITERIA:
            out.append(f"{where}: unknown round {round_!r}")
            continue
        if answer.get("kind") not in KINDS:
            out.append(f"{where}: kind must be one of {sorted(KINDS)}")
        if answer.get("level") not in (1, 2, 3, 4):
            out.append(f"{where}: level must be 1-4")
        labels = answer.get("criteria") or {}
        if set(labels) != CRITERIA[round_]:
            out.append(f"{where}: criteria must be exactly {sorted(CRITERIA[round_])}")
        if any(v not in (1, 2, 3, 4) for v in labels.values()):
            out.append(f"{where}: criterion levels must be 1-4")
        text = answer.get("text") or ""
        for item in answer.get("evidence") or []:
            if item.get("quote", "") not in text or not item.get("quote"):
                out.append(f"{where}: quote not verbatim in text: {item.get('quote')!r}")
            unknown = set(item.get("criteria") or []) - CRITERIA[round_]
            if unknown or not item.get("criteria"):
                out.append(f"{where}: evidence criteria {sorted(unknown)} not in the rubric")
    out += [f"duplicate id {i}" for i, c in ids.items() if c > 1]
    return out


if __name__ == "__main__":
    found = [p for arg in sys.argv[1:] for p in problems(Path(arg))]
    print("\n".join(found) or "ok")
    sys.exit(1 if found else 0)
