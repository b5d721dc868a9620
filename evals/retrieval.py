"""Retrieval eval: recall@k, MRR@10 and nDCG@10 of dense, BM25 and hybrid search on a labeled query set."""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Sequence
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

from ingest.pipeline import ensure_ingested
from ingest.retrieval import Hit, Method, Retriever
from ingest.store import StoredRecord
from interviewer.composition import Components
from interviewer.errors import CorpusError

RETRIEVAL_SET = Path(__file__).with_name("retrieval_set.yaml")
METHODS: tuple[Method, ...] = ("dense", "bm25", "hybrid")
DEPTH = 10
SPLITS = ("tune", "held")  # knobs are tuned on "tune" only; "held" is the honest number next to it


def split_of(query_id: str) -> str:
    """Deterministic half of a query by its id (sha256 parity): stable when queries are added."""
    return SPLITS[int(hashlib.sha256(query_id.encode()).hexdigest(), 16) % 2]


class Label(BaseModel):
    """One relevant item, by a key that survives text edits."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    question: str | None = None
    rubric: str | None = None  # "<rubric_id>#<criterion_id>"
    guide: str | None = None  # source path under corpus/
    section: str | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> Label:
        if sum(x is not None for x in (self.question, self.rubric, self.guide)) != 1:
            raise ValueError("a label names exactly one of question, rubric, guide")
        if (self.guide is None) != (self.section is None):
            raise ValueError("a guide label needs a section (and only a guide label has one)")
        return self

    @property
    def key(self) -> str:
        if self.question:
            return f"question:{self.question}"
        if self.rubric:
            return f"rubric:{self.rubric}"
        return f"guide:{self.guide}#{self.section}"

    def matches(self, meta: dict[str, str | int | float]) -> bool:
        if self.question:
            return meta.get("doc_type") == "question" and meta.get("question_id") == self.question
        if self.rubric:
            return (
                meta.get("doc_type") == "rubric"
                and f"{meta.get('rubric_id')}#{meta.get('criterion_id')}" == self.rubric
            )
        section = str(meta.get("section", ""))
        return meta.get("source") == self.guide and (
            section == self.section or section.startswith(f"{self.section} > ")
        )


class LabeledQuery(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str
    query: str = Field(min_length=3)
    round: str | None = None
    type: str | None = None
    relevant: tuple[Label, ...] = Field(min_length=1)


class RetrievalSet(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    thresholds: dict[str, float] = {}
    queries: tuple[LabeledQuery, ...] = Field(min_length=1)


def load_retrieval_set(path: Path = RETRIEVAL_SET) -> RetrievalSet:
    """The labeled set; CorpusError naming the file if it does not validate."""
    try:
        return RetrievalSet.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (OSError, yaml.YAMLError, ValueError) as exc:
        raise CorpusError(f"{path}: invalid retrieval set: {exc}") from None


def resolve_labels(dataset: RetrievalSet, records: Sequence[StoredRecord]) -> dict[str, set[str]]:
    """Label key -> the chunk ids it covers in the collection (empty set: the label is stale)."""
    resolved: dict[str, set[str]] = {}
    for query in dataset.queries:
        for label in query.relevant:
            if label.key not in resolved:
                resolved[label.key] = {r.id for r in records if label.matches(r.metadata)}
    return resolved


def score_ranking(retrieved: Sequence[str], relevant: Sequence[set[str]]) -> dict[str, float]:
    """Per-query metrics; each relevant item counts once, at the rank of its first retrieved chunk."""
    found_at: list[int] = []
    for item in relevant:
        rank = next((i for i, doc_id in enumerate(retrieved[:DEPTH], 1) if doc_id in item), None)
        if rank is not None:
            found_at.append(rank)
    n = len(relevant)
    dcg = sum(1.0 / math.log2(rank + 1) for rank in found_at)
    ideal = sum(1.0 / math.log2(i + 1) for i in range(1, min(n, DEPTH) + 1))
    metrics = {f"recall@{k}": sum(r <= k for r in found_at) / n for k in range(1, DEPTH + 1)}
    metrics["mrr@10"] = 1.0 / min(found_at) if found_at else 0.0
    metrics["ndcg@10"] = dcg / ideal if ideal else 0.0
    return metrics


def run_retrieval_eval(components: Components, *, quick: bool = False, path: Path = RETRIEVAL_SET) -> dict:
    """Evaluate dense, BM25 and hybrid retrieval on the labeled set (ingesting the corpus if needed)."""
    dataset = load_retrieval_set(path)
    ensure_ingested(components.settings, components.embedder(), components.vector_store())
    retriever = components.retriever()
    resolved = resolve_labels(dataset, retriever.store.get())
    queries = dataset.queries[::3] if quick else dataset.queries
    per_query = [_run_query(retriever, query, resolved) for query in queries]
    methods = _aggregate(per_query)
    unresolved = sorted(key for key, ids in resolved.items() if not ids)
    thresholds = dataset.thresholds
    passed = not unresolved and all(
        methods["hybrid"]["recall@5"] >= v for k, v in thresholds.items() if k == "hybrid_recall_at_5"
    )
    return {
        "queries": len(queries),
        "quick": quick,
        "collection": retriever.store.name,
        "embedder": retriever.embedder.name,
        "fusion": retriever.fusion,
        "alpha": retriever.alpha,
        "rrf_k": retriever.rrf_k,
        "candidate_depth": retriever.depth,
        "methods": methods,
        "splits": {
            name: {"queries": sum(r["split"] == name for r in per_query), "methods": _aggregate(rows)}
            for name in SPLITS
            if (rows := [r for r in per_query if r["split"] == name])
        },
        "thresholds": thresholds,
        "unresolved_labels": unresolved,
        "passed": passed,
        "per_query": per_query,
    }


def _run_query(retriever: Retriever, query: LabeledQuery, resolved: dict[str, set[str]]) -> dict:
    """One labeled query through every method: its metrics, retrieved ids and latencies."""
    relevant = [resolved[label.key] for label in query.relevant]
    row: dict = {
        "id": query.id,
        "split": split_of(query.id),
        "query": query.query,
        "relevant": [label.key for label in query.relevant],
    }
    hits: list[Hit] = []
    for method in METHODS:
        started = time.perf_counter()
        hits = retriever.search(query.query, k=DEPTH, round=query.round, doc_type=query.type, method=method)
        elapsed = time.perf_counter() - started
        metrics = score_ranking([h.id for h in hits], relevant)
        row[method] = {
            **metrics,
            "latency_s": elapsed,
            "retrieved": _ids(hits),
        }
    row["contexts"] = [h.text for h in hits[:5]]  # hybrid, the last method run
    row["reference_contexts"] = [r.text for r in retriever.store.get(ids=sorted(set().union(*relevant)))]
    return row


def _aggregate(rows: Sequence[dict]) -> dict[str, dict[str, float]]:
    """Mean of each metric (and latency in ms) per method over `rows`."""
    n = len(rows)
    return {
        m: {
            **{name: round(sum(r[m][name] for r in rows) / n, 4) for name in _metric_names()},
            "mean_latency_ms": round(1000 * sum(r[m]["latency_s"] for r in rows) / n, 2),
        }
        for m in METHODS
    }


def _metric_names() -> list[str]:
    return [f"recall@{k}" for k in range(1, DEPTH + 1)] + ["mrr@10", "ndcg@10"]


def _ids(hits: list[Hit]) -> list[str]:
    return [h.id for h in hits]


def format_retrieval_table(result: dict) -> str:
    """Markdown tables: one row per method, recall@5/10, MRR@10, nDCG@10, mean latency; all, then halves."""
    fusion = (
        f"score fusion alpha={result['alpha']}"
        if result.get("fusion", "rrf") == "score"
        else f"RRF k={result['rrf_k']}"
    )
    lines = [
        f"Retrieval on {result['queries']} labeled queries ({result['embedder']}, hybrid: {fusion}, "
        f"depth {result['candidate_depth']})",
    ]
    blocks = [("all", result["queries"], result["methods"])]
    blocks += [(name, s["queries"], s["methods"]) for name, s in result.get("splits", {}).items()]
    for name, count, methods in blocks:
        lines += ["", f"{name} ({count} queries)", "", *_method_rows(methods)]
    if result["unresolved_labels"]:
        lines.append("")
        lines.append("unresolved labels (corpus changed?): " + ", ".join(result["unresolved_labels"]))
    return "\n".join(lines)


def _method_rows(methods: dict) -> list[str]:
    rows = ["| method | recall@5 | recall@10 | MRR@10 | nDCG@10 | mean ms |", "|---|---|---|---|---|---|"]
    for method in METHODS:
        m = methods[method]
        rows.append(
            f"| {method} | {m['recall@5']:.3f} | {m['recall@10']:.3f} | {m['mrr@10']:.3f} | "
            f"{m['ndcg@10']:.3f} | {m['mean_latency_ms']:.1f} |"
        )
    return rows
