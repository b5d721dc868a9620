"""The eval report writer and the threshold checks, on synthetic suite results."""

from __future__ import annotations

import json
from pathlib import Path

from evals.report import corpus_fingerprint, flatten, write_report
from evals.suites import EvalOptions
from evals.thresholds import evaluate, lookup

RESULTS = {
    "retrieval": {  # the shape evals.retrieval.run_retrieval_eval returns
        "methods": {
            "hybrid": {"recall@5": 0.93, "recall@10": 0.97, "mrr@10": 0.81},
            "dense": {"recall@5": 0.80, "recall@10": 0.90, "mrr@10": 0.70},
        }
    },
    "grading": {"qwk": 0.8, "confusion_matrix": [[3, 1, 0, 0], [0, 4, 1, 0], [0, 0, 5, 0], [0, 0, 1, 6]]},
    "simulate": {
        "scores_by_persona": {"expert": {"behavioral": 3.6}, "weak": {"behavioral": 1.8}},
        "interviews": [{"persona": "expert", "round": "behavioral", "final_score": 3.6}],
        "totals": {"repeated_questions": 0},
    },
}


def test_write_report_produces_json_md_html_and_plots(settings, tmp_path: Path) -> None:
    outcomes = evaluate("retrieval", RESULTS["retrieval"])
    paths = write_report(tmp_path / "rep", RESULTS, outcomes, settings, EvalOptions(quick=True))
    names = {p.name for p in paths}
    assert {"report.json", "report.md", "report.html"} <= names
    assert {"recall_at_k.png", "grading_confusion.png", "score_by_persona.png"} <= names
    for p in paths:
        assert p.stat().st_size > 0
        if p.suffix == ".png":
            assert p.read_bytes()[:4] == b"\x89PNG"
    doc = json.loads((tmp_path / "rep" / "report.json").read_text())
    prov = doc["provenance"]
    assert prov["corpus"]["sha256"] == corpus_fingerprint(settings.corpus_dir)["sha256"]
    assert prov["embedding_model"] == settings.embedding_model
    assert prov["options"]["quick"] is True
    assert doc["results"]["retrieval"]["methods"]["hybrid"]["recall@5"] == 0.93
    md = (tmp_path / "rep" / "report.md").read_text()
    assert "retrieval.methods.hybrid.recall@5 >= 0.9" in md and "![simulate](score_by_persona.png)" in md
    html = (tmp_path / "rep" / "report.html").read_text()
    assert "<img src='recall_at_k.png'" in html and "<table>" in html


def test_thresholds_pass_miss_missing_and_nan() -> None:
    thresholds = {
        "s": [
            {"path": "a.recall@5", "op": ">=", "value": 0.9},
            {"path": "b", "op": "==", "value": 0},
            {"path": "missing", "op": ">=", "value": 0},
            {"path": "nan", "op": ">=", "value": 0},
        ]
    }
    result = {"a": {"recall@5": 0.95}, "b": 2, "nan": float("nan")}
    passed = [o.passed for o in evaluate("s", result, thresholds)]
    assert passed == [True, False, False, False]


def test_lookup_keys_with_dots_and_flatten_skips_bulky_lists() -> None:
    assert lookup({"hybrid": {"recall@5": 1.0}}, "hybrid.recall@5") == 1.0
    assert lookup({"x.y": {"z": 2}}, "x.y.z") == 2
    rows = dict(flatten(RESULTS["simulate"]))
    assert "totals.repeated_questions" in rows
    assert not any(k.startswith("interviews") for k in rows)
