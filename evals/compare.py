"""Compare two eval reports figure by figure: `python -m evals.compare OLD/report.json NEW/report.json`.

Timings, provenance and session ids change on every run, so they are left out; what remains are the
quality figures. Each report's figures digest (sha256 of those figures) is printed: equal digests mean
the same figures. Exit code 1 when a figure differs.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

# Keys whose values are measurements of time or identity of a run, never quality.
VOLATILE = ("seconds", "latency", "_ms", "cpu", "provenance", "timestamp", "session_id", "traceback")
# Pass/fail flags that fold a latency check in with the quality checks.
LATENCY_FLAGS = ("results.grading.passed",)


def figures(report: dict[str, Any]) -> dict[str, Any]:
    """Every leaf of `results` (dotted path -> value) except the volatile ones."""
    return {
        path: value
        for path, value in _leaves(report.get("results", {}), "results")
        if not any(v in path.lower() for v in VOLATILE) and path not in LATENCY_FLAGS
    }


def digest(found: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(found, sort_keys=True, default=str).encode()).hexdigest()


def _leaves(node: Any, path: str) -> Iterator[tuple[str, Any]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _leaves(value, f"{path}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _leaves(value, f"{path}[{i}]")
    else:
        yield path, node


def main(argv: list[str]) -> int:
    old, new = (figures(json.loads(Path(p).read_text(encoding="utf-8"))) for p in argv[:2])
    differing = sorted(k for k in old.keys() | new.keys() if old.get(k) != new.get(k))
    for key in differing[:80]:
        print(f"{key}: {old.get(key)!r} -> {new.get(key)!r}")
    print(f"{len(differing)} differing figures of {len(old.keys() | new.keys())}")
    print(f"figures digest: {digest(old)[:16]} (old), {digest(new)[:16]} (new)")
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
