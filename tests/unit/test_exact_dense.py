"""Exact in-memory dense search: the same answers as the store's own search, filters, size cut-off."""

from __future__ import annotations

import numpy as np

from ingest.embedder import HashingEmbedder
from ingest.exact_dense import ExactDense
from ingest.retrieval import Retriever
from ingest.store import InMemoryStore

TEXTS = [
    "feature store for online serving",
    "calibration of predicted probabilities",
    "two-tower retrieval with an ANN index",
    "STAR structure for behavioral stories",
    "sizing a market for a case study",
    "monitoring drift and retraining cadence",
]


def _store() -> InMemoryStore:
    store = InMemoryStore()
    embedder = HashingEmbedder()
    metas = [{"doc_type": "guide", "round": "ml-depth" if i % 2 else "behavioral"} for i in range(len(TEXTS))]
    store.upsert([f"c{i}" for i in range(len(TEXTS))], TEXTS, embedder.embed(TEXTS), metas)
    return store


def test_exact_top_matches_the_store_search_with_and_without_filters() -> None:
    store = _store()
    exact = ExactDense.load(store)
    query = HashingEmbedder().embed(["drift monitoring and retraining"])[0]
    for where in (None, {"round": "ml-depth"}, {"round": "behavioral", "doc_type": "guide"}):
        got = [(r.id, round(r.distance, 5)) for r in exact.top(query, 3, where)]
        assert got == [(r.id, round(r.distance, 5)) for r in store.query(query, 3, where)]
    assert len(exact.top(query, 50)) == len(TEXTS)
    assert exact.top(query, 5, {"round": "no-such-round"}) == []


def test_the_retriever_searches_small_collections_in_memory_and_large_ones_in_the_store() -> None:
    store = _store()
    calls: list[int] = []
    original = store.query

    def counting_query(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        return original(*args, **kwargs)

    store.query = counting_query  # type: ignore[method-assign]
    small = Retriever(store, HashingEmbedder())
    in_memory = small.search("drift monitoring", k=2, round="ml-depth")
    assert calls == [] and in_memory[0].id == "c5"
    large = Retriever(store, HashingEmbedder(), exact_max=3)
    assert [h.id for h in large.search("drift monitoring", k=2, round="ml-depth")] == [
        h.id for h in in_memory
    ]
    assert calls  # the store's own search served the collection over the cut-off
    assert np.isclose(in_memory[0].score, large.search("drift monitoring", k=1, round="ml-depth")[0].score)


def test_search_many_embeds_once_and_answers_like_search() -> None:
    class Counting(HashingEmbedder):
        calls = 0

        def embed(self, texts):  # type: ignore[no-untyped-def]
            Counting.calls += 1
            return super().embed(texts)

    retriever = Retriever(_store(), Counting())
    queries = ["drift monitoring", "", "market sizing"]
    many = retriever.search_many(queries, k=2, round="ml-depth")
    assert Counting.calls == 1 and many[1] == []
    for query, hits in zip(queries, many, strict=True):
        assert hits == retriever.search(query, k=2, round="ml-depth")
