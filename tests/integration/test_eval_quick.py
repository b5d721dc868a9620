"""CI gate: `eval all --quick` with thresholds asserted, and the bench sections' shape in quick mode.

Quality thresholds are assertions here; latency is never asserted by a test (thresholds marked
`ci: false` are report-only in quick mode; bench targets are checked for presence, not for being met).
"""

from __future__ import annotations

import json
import math
import sys
from io import StringIO
from pathlib import Path

import pytest
from rich.console import Console

pytestmark = pytest.mark.slow


def test_eval_all_quick_meets_its_thresholds_and_writes_the_report(
    ingested_settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys
) -> None:  # type: ignore[no-untyped-def]
    from interviewer.cli import main as cli

    report = tmp_path / "eval-quick"
    monkeypatch.setenv("MI_DATA_DIR", str(ingested_settings.data_dir))  # the corpus ingested once per run
    monkeypatch.setattr(sys, "argv", ["mock-interviewer", "eval", "all", "--quick", "--report", str(report)])
    with pytest.raises(SystemExit) as exit_info:
        cli.main()
    output = capsys.readouterr().out
    assert exit_info.value.code in (0, None), output[-3000:]
    pictures = ("score_by_persona.png", "recall_at_k.png", "signed_error.png", "calibration_confusion.png")
    for name in ("report.json", "report.md", "report.html", *pictures):
        assert (report / name).stat().st_size > 0, name
    doc = json.loads((report / "report.json").read_text())
    assert set(doc["results"]) == {
        "retrieval",
        "grading",
        "calibration",
        "simulate",
        "faithfulness",
        "coding",
        "listening",
    }  # llm is left out of the quick run: it needs the local model for minutes
    assert all("error" not in r for r in doc["results"].values())
    asserted = [t for t in doc["thresholds"] if not t["report_only"]]
    assert len(asserted) >= 15 and all(t["passed"] for t in asserted)
    report_only = [t["check"] for t in doc["thresholds"] if t["report_only"]]
    assert report_only[0] == "grading.latency_p99_ms < 200.0"
    assert all(c.startswith("calibration.held_out.") for c in report_only[1:])  # issue 10 targets
    calibration = doc["results"]["calibration"]
    assert calibration["n_authors"] == 7 and set(calibration["by_author"]) >= {"house", "terse-senior"}
    assert "### Worst misses" in (report / "report.md").read_text()
    assert "report-only in quick/CI mode" in output
    simulate = doc["results"]["simulate"]
    assert simulate["interviews_run"] >= 12
    personas = {row["persona"] for row in simulate["interviews"]}
    assert {"expert", "weak"} <= personas and personas & {"bluffer", "silent", "prompt-injector", "off-topic"}
    assert not math.isnan(float(simulate["persona_rank_correlation"]))


def test_bench_sections_in_quick_mode_report_figures_and_targets(
    ingested_settings, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    from evals import bench_search
    from evals.bench import run_sections

    # The shape is under test, not the numbers: a smaller synthetic collection than `bench --quick` builds.
    monkeypatch.setattr(bench_search, "QUICK_SIZE", 500)
    console = Console(file=StringIO())
    sections = ["ingest", "search", "grading", "encode"]
    results = run_sections(ingested_settings, sections, quick=True, console=console)
    expected = {
        "encode": {"ONNX fp32 min cosine to torch", "ONNX int8 min cosine to torch (ship only if met)"},
        "ingest": {"ingest pipeline / raw encode", "re-ingest unchanged speedup (x)"},
        "search": {"hybrid search p99 ms at 500 chunks", "HNSW recall@10 vs exact at 500"},
        "grading": {"grading p99 ms (new answer)"},
    }
    for section, names in expected.items():
        result = results[section]
        assert "error" not in result, result.get("traceback", result.get("error"))
        targets = {t["name"]: t for t in result["targets"]}
        assert set(targets) == names
        for t in targets.values():  # a figure and its target are present; whether it is met is not asserted
            assert isinstance(t["value"], int | float) and t["target"] and isinstance(t["met"], bool)
    assert results["ingest"]["chunks"] > 0 and results["ingest"]["raw_encode_chunks_per_s"]["median"] > 0
    assert results["search"]["shipped_corpus"]["hybrid"]["n"] > 0
    for backend in ("torch_fp32", "onnx_fp32", "onnx_int8"):
        assert results["encode"][backend]["batch_latency"]["n"] == results["encode"]["batches"] > 0
    assert 0.0 <= results["search"]["hnsw_vs_exact"]["recall"] <= 1.0
    assert (
        results["grading"]["answers"] > 0
        and results["grading"]["grade_new_answer"]["n"] == results["grading"]["answers"]
    )
