"""Small statistics and timing helpers shared by the benchmarks."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np


def latency_summary(samples_ms: Sequence[float]) -> dict[str, float | int]:
    """p50 / p90 / p99 / min / max / mean of latencies in milliseconds."""
    if not samples_ms:
        return {"n": 0}
    arr = np.asarray(samples_ms, dtype=float)
    return {
        "n": len(arr),
        "p50_ms": round(float(np.percentile(arr, 50)), 3),
        "p90_ms": round(float(np.percentile(arr, 90)), 3),
        "p99_ms": round(float(np.percentile(arr, 99)), 3),
        "min_ms": round(float(arr.min()), 3),
        "max_ms": round(float(arr.max()), 3),
        "mean_ms": round(float(arr.mean()), 3),
    }


def spread(values: Sequence[float], digits: int = 3) -> dict[str, float | int]:
    """min / median / max over repeated runs."""
    arr = np.asarray(values, dtype=float)
    return {
        "runs": len(arr),
        "min": round(float(arr.min()), digits),
        "median": round(float(np.median(arr)), digits),
        "max": round(float(arr.max()), digits),
    }


def time_calls(fn: Callable[[Any], object], inputs: Sequence[Any]) -> list[float]:
    """Milliseconds of `fn(x)` for each input, in order."""
    out = []
    for x in inputs:
        started = time.perf_counter()
        fn(x)
        out.append((time.perf_counter() - started) * 1000)
    return out


def target(name: str, value: float | None, op: str, bound: float, why: str = "") -> dict[str, Any]:
    """One benchmark target with whether it is met (None/NaN never meets it)."""
    ok = value is not None and value == value  # NaN != NaN
    if ok:
        assert value is not None
        ok = {"<": value < bound, "<=": value <= bound, ">": value > bound, ">=": value >= bound}[op]
    return {"name": name, "value": value, "target": f"{op} {bound}", "met": bool(ok), "why": why}
