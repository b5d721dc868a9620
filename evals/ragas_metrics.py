"""The ragas adapter: every ragas (and judge-LLM) import lives here and nowhere else.

ragas 0.4.3 facts (STACK.md): the new `ragas.metrics.collections` metrics do not work with
`evaluate()`, so the legacy metric classes are scored one sample at a time with
`single_turn_ascore`; LLM metrics give NaN when the judge's JSON fails, which we count, not hide.
"""

from __future__ import annotations

import asyncio
import math
import os
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from interviewer.ports import Embedder


@dataclass(frozen=True)
class ContextSample:
    """One retrieval query: what came back and what should have."""

    query: str
    retrieved_ids: list[str]
    retrieved_texts: list[str]
    reference_ids: list[str]
    reference_texts: list[str]


@dataclass(frozen=True)
class JudgeSample:
    """One (question, response, contexts) triple for the judge metrics."""

    user_input: str
    response: str
    contexts: list[str]


CONTEXT_METRIC_NAMES = (
    "non_llm_context_precision_with_reference",
    "non_llm_context_recall",
    "id_based_context_precision",
    "id_based_context_recall",
)


def _quiet_ragas() -> None:
    os.environ.setdefault("RAGAS_DO_NOT_TRACK", "true")
    warnings.filterwarnings("ignore", category=DeprecationWarning, module="ragas")


def _mean_and_nan(values: Sequence[float]) -> dict[str, float | int]:
    finite = [v for v in values if v is not None and not math.isnan(v)]
    nan_count = len(values) - len(finite)
    return {
        "mean": float(np.mean(finite)) if finite else float("nan"),
        "n": len(values),
        "nan_count": nan_count,
    }


def context_metrics(samples: Sequence[ContextSample]) -> dict[str, dict[str, float | int]]:
    """ragas's non-LLM context metrics, computed by ragas itself, averaged over `samples`."""
    _quiet_ragas()
    from ragas.dataset_schema import SingleTurnSample
    from ragas.metrics._context_precision import (
        IDBasedContextPrecision,
        NonLLMContextPrecisionWithReference,
    )
    from ragas.metrics._context_recall import IDBasedContextRecall, NonLLMContextRecall

    metrics = [
        NonLLMContextPrecisionWithReference(),
        NonLLMContextRecall(),
        IDBasedContextPrecision(),
        IDBasedContextRecall(),
    ]

    async def score_all() -> dict[str, list[float]]:
        scores: dict[str, list[float]] = {m.name: [] for m in metrics}
        for s in samples:
            sample = SingleTurnSample(
                user_input=s.query,
                retrieved_contexts=s.retrieved_texts or [""],
                reference_contexts=s.reference_texts or [""],
                retrieved_context_ids=list[str | int](s.retrieved_ids),
                reference_context_ids=list[str | int](s.reference_ids),
            )
            for m in metrics:
                scores[m.name].append(float(await m.single_turn_ascore(sample)))
        return scores

    raw = asyncio.run(score_all())
    return {name: _mean_and_nan(values) for name, values in raw.items()}


def _judge_embeddings(embedder: Embedder) -> Any:
    from langchain_core.embeddings import Embeddings
    from ragas.embeddings import LangchainEmbeddingsWrapper

    class _Adapter(Embeddings):
        def embed_documents(self, texts: list[str]) -> list[list[float]]:
            return [list(map(float, row)) for row in embedder.embed(texts)]

        def embed_query(self, text: str) -> list[float]:
            return self.embed_documents([text])[0]

    return LangchainEmbeddingsWrapper(_Adapter())


def _judge_llm(base_url: str, model: str, timeout_s: float, max_tokens: int) -> Any:
    from langchain_openai import ChatOpenAI
    from ragas.llms import LangchainLLMWrapper

    chat = ChatOpenAI(
        base_url=base_url,
        model=model,
        api_key=os.environ.get("MI_JUDGE_API_KEY", "not-needed"),  # type: ignore[arg-type]
        timeout=timeout_s,
        max_retries=0,
        temperature=0,
        # llama.cpp servers ignore max_completion_tokens (STACK.md): send max_tokens in the body.
        extra_body={"max_tokens": max_tokens},
    )
    return LangchainLLMWrapper(chat)


def judge_metrics(
    samples: Sequence[JudgeSample],
    *,
    base_url: str,
    model: str,
    embedder: Embedder,
    timeout_s: float = 60.0,
    max_tokens: int = 512,
) -> dict[str, dict[str, float | int]]:
    """ragas Faithfulness and ResponseRelevancy through a judge endpoint; NaN counted per metric.

    A sample whose judge call fails, times out or returns unparsable JSON scores NaN (as ragas does);
    the report shows how many.
    """
    _quiet_ragas()
    from ragas.dataset_schema import SingleTurnSample
    from ragas.metrics._answer_relevance import ResponseRelevancy
    from ragas.metrics._faithfulness import Faithfulness
    from ragas.run_config import RunConfig

    llm = _judge_llm(base_url, model, timeout_s, max_tokens)
    run_config = RunConfig(timeout=int(timeout_s), max_retries=0, max_wait=1)
    faithfulness = Faithfulness(llm=llm)
    relevancy = ResponseRelevancy(llm=llm, embeddings=_judge_embeddings(embedder), strictness=1)
    for metric in (faithfulness, relevancy):
        metric.init(run_config)

    async def score_all() -> dict[str, list[float]]:
        scores: dict[str, list[float]] = {faithfulness.name: [], relevancy.name: []}
        for s in samples:
            sample = SingleTurnSample(
                user_input=s.user_input, response=s.response, retrieved_contexts=s.contexts or [""]
            )
            for metric in (faithfulness, relevancy):
                try:
                    value = float(await metric.single_turn_ascore(sample, timeout=timeout_s))
                except Exception:  # noqa: BLE001 - a failed judge call is a NaN sample, reported as such
                    value = float("nan")
                scores[metric.name].append(value)
        return scores

    raw = asyncio.run(score_all())
    return {name: _mean_and_nan(values) for name, values in raw.items()}
