"""The service bench in quick mode, shrunk: `serve` on 127.0.0.1, two simulated candidates, no errors.

Structure and correctness only; the latency numbers come from `mock-interviewer bench`, never from here.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from evals.bench_service import bench_service, process_tree, service_targets
from interviewer.settings import load_settings

LATENCY_KEYS = {"n", "p50_ms", "p90_ms", "p99_ms", "min_ms", "max_ms", "mean_ms"}


def test_process_tree_finds_a_child_process() -> None:
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        assert process_tree(os.getpid())[0] == os.getpid() and child.pid in process_tree(os.getpid())
    finally:
        child.kill()
        child.wait()


@pytest.mark.slow
def test_quick_service_bench_runs_full_interviews_without_errors(tmp_path: Path) -> None:
    # The hashing embedder keeps the corpus ingest quick; the server is told to use it too.
    settings = load_settings(data_dir=tmp_path / "data", embedding_model="hashing")
    out = bench_service(settings, quick=True, levels=(2,), think_s=0.05, budget_s=120)

    assert set(out) >= {
        "think_time_s",
        "workers",
        "levels",
        "targets",
        "idle_rss_mb",
        "peak_rss_mb",
        "saturation",
    }
    assert out["workers"] == 2 and out["peak_rss_total_mb"] > out["peak_rss_mb"]  # both workers counted
    assert list(out["levels"]) == ["2"]
    level = out["levels"]["2"]
    assert level["error_rate"] == 0, level["error_examples"]
    assert level["candidates"] == 2 and level["interviews_completed"] == 2
    assert level["requests"] == 2 + level["turns"]  # one start per candidate, then its turns
    assert level["turns"] >= 4  # at least an answer and the /end for each
    assert set(level["turn_latency"]) == LATENCY_KEYS and level["turn_latency"]["n"] == level["turns"]
    assert level["session_start_latency"]["n"] == 2
    assert 0 < out["idle_rss_mb"] <= out["peak_rss_mb"]
    names = [t["name"] for t in out["targets"]]
    assert names == [
        "turn p99 ms at 2 concurrent",
        "error rate (all levels)",
        "peak RSS MB of the API process",
    ]
    assert {"value", "target", "met"} <= set(out["targets"][0])
    assert out["targets"][0]["target"] == "< 250.0" and out["targets"][2]["target"] == "< 1024.0"
    limit = out["encode_limit"]
    assert limit["cores"] >= 1 and limit["turns_per_s_limit"] == pytest.approx(
        limit["cores"] * 1000 / limit["encode_ms_per_turn"], rel=0.01
    )
    saturation = out["saturation"]
    assert saturation["turns_per_s"] == level["turns_per_s"]
    assert saturation["ratio_to_limit"] == pytest.approx(
        level["turns_per_s"] / limit["turns_per_s_limit"], abs=0.001
    )
    assert saturation["offered_turns_per_s"] == 2 / 0.05
    error_target = out["targets"][1]
    assert error_target["value"] == 0 and error_target["met"] is True


def test_targets_at_50_and_100_candidates_when_those_levels_ran() -> None:
    def level(p99: float) -> dict:
        return {"turn_latency": {"p99_ms": p99}, "error_rate": 0.0}

    out = {"levels": {"10": level(90.0), "50": level(240.0), "100": level(650.0)}, "peak_rss_mb": 700.0}
    targets = service_targets(out, (10, 50, 100))
    assert [(t["name"], t["met"]) for t in targets] == [
        ("turn p99 ms at 50 concurrent", True),
        ("turn p99 ms at 100 concurrent", False),
        ("error rate (all levels)", True),
        ("peak RSS MB of the API process", True),
    ]
