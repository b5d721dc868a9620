"""The start-up bench, one run: `serve` on 127.0.0.1 with two workers until ready, and one cold `grade`.

Structure and correctness only (the hashing embedder keeps it quick); the timings come from
`mock-interviewer bench`, never from here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from evals.bench_startup import bench_startup
from interviewer.settings import load_settings


@pytest.mark.slow
def test_startup_bench_times_ready_and_a_cold_grade(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path / "data", embedding_model="hashing")
    out = bench_startup(settings, quick=True)

    assert out["runs"] == 1 and out["workers"] == 2
    assert len(out["readyz_s"]) == 1 and out["readyz_s"][0] > 0
    assert len(out["grade_cold_s"]) == 1 and out["grade_cold_s"][0] > 0
    assert [t["name"] for t in out["targets"]] == [
        "/readyz ready s (2 workers, slowest run)",
        "CLI grade cold s (slowest run)",
    ]
    assert [t["target"] for t in out["targets"]] == ["< 10.0", "< 3.0"]
    # the bank's fixed vectors were written before the processes ran, which loaded them
    assert list((settings.data_dir / "fixed-vectors").glob("corpus-*.npy"))
    # and the collection's snapshot, which they search instead of opening Chroma
    assert (settings.data_dir / "snapshots" / "corpus.npz").is_file()
