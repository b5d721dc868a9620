"""ragas's own non-LLM context metrics on the retrieval eval's labeled queries (hybrid top-5)."""

from __future__ import annotations

from typing import Any

from interviewer.settings import Settings

TOP_K = 5


def ragas_context_metrics(settings: Settings, retrieval_result: dict[str, Any]) -> dict[str, Any]:
    """NonLLMContextPrecisionWithReference, NonLLMContextRecall, IDBasedContextPrecision/Recall.

    Text metrics compare the hybrid top-5 chunk texts with the labeled reference chunks' texts; the
    ID metrics compare chunk ids (a labeled guide section may span several chunks, so ID recall is
    stricter than the label-level recall@5 of the retrieval table).
    """
    from evals.ragas_metrics import ContextSample, context_metrics
    from evals.retrieval import load_retrieval_set, resolve_labels
    from interviewer.composition import Components

    retriever = Components(settings).retriever()
    resolved = resolve_labels(load_retrieval_set(), retriever.store.get())
    samples = []
    for row in retrieval_result.get("per_query", []):
        reference_ids = sorted(set().union(*(resolved.get(key, set()) for key in row["relevant"])))
        samples.append(
            ContextSample(
                query=row["query"],
                retrieved_ids=list(row["hybrid"]["retrieved"][:TOP_K]),
                retrieved_texts=list(row["contexts"][:TOP_K]),
                reference_ids=reference_ids,
                reference_texts=list(row["reference_contexts"]),
            )
        )
    return {"method": "hybrid", "k": TOP_K, "queries": len(samples), **context_metrics(samples)}
