"""Guide pointers in feedback: searched through the retriever, remembered for a while, never fatal."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from interviewer.domain.rounds import Round
from interviewer.grading.feedback import GuideSearch


@dataclass
class Hit:
    id: str
    text: str
    metadata: dict[str, Any]


@dataclass
class CountingRetriever:
    calls: list[tuple[str, str | None]] = field(default_factory=list)
    broken: bool = False

    def search(
        self, query: str, *, k: int = 5, round: str | None = None, doc_type: str | None = None
    ) -> list:
        self.calls.append((query, round))
        if self.broken:
            raise RuntimeError("index unavailable")
        return [
            Hit(f"{query}-{i}", f"Section text {i}.", {"title": "Guide", "section": f"S{i}"})
            for i in range(k)
        ]

    def search_many(
        self, queries: list[str], *, k: int = 5, round: str | None = None, doc_type: str | None = None
    ) -> list[list]:
        return [self.search(q, k=k, round=round, doc_type=doc_type) for q in queries]


def test_the_same_query_is_searched_once_while_fresh() -> None:
    retriever = CountingRetriever()
    guides = GuideSearch(retriever)
    first = guides.refs("Trade-offs calibration", Round.ML_DEPTH)
    again = guides.refs("Trade-offs calibration", Round.ML_DEPTH)
    other_round = guides.refs("Trade-offs calibration", Round.CASE_STUDY)
    assert first == again and len(first) == 2 and first[0].section == "S0"
    assert retriever.calls == [
        ("Trade-offs calibration", "ml-depth"),
        ("Trade-offs calibration", "case-study"),
    ]
    assert other_round[0].chunk_id == "Trade-offs calibration-0"


def test_stale_or_evicted_results_are_searched_again() -> None:
    retriever = CountingRetriever()
    stale = GuideSearch(retriever, ttl_s=0.0)
    stale.refs("a", Round.BEHAVIORAL)
    stale.refs("a", Round.BEHAVIORAL)
    assert len(retriever.calls) == 2
    small = GuideSearch(retriever, capacity=1)
    small.refs("a", Round.BEHAVIORAL)
    small.refs("b", Round.BEHAVIORAL)
    small.refs("a", Round.BEHAVIORAL)
    assert [q for q, _ in retriever.calls[2:]] == ["a", "b", "a"]


def test_a_failing_retriever_gives_no_pointers_and_is_asked_again_later() -> None:
    retriever = CountingRetriever(broken=True)
    guides = GuideSearch(retriever)
    assert guides.refs("a", Round.BEHAVIORAL) == []
    retriever.broken = False
    assert len(guides.refs("a", Round.BEHAVIORAL)) == 2
    assert GuideSearch(None).refs("a", Round.BEHAVIORAL) == []


@dataclass
class BatchingRetriever(CountingRetriever):
    batches: list[list[str]] = field(default_factory=list)

    def search_many(self, queries: list[str], **kw: Any) -> list[list]:
        self.batches.append(list(queries))
        return super().search_many(queries, **kw)


def test_uncached_queries_go_to_the_retriever_in_one_batch() -> None:
    retriever = BatchingRetriever()
    guides = GuideSearch(retriever)
    guides.refs("a", Round.BEHAVIORAL)
    refs = guides.refs_many(["a", "b", "c", "b"], Round.BEHAVIORAL)
    assert retriever.batches == [["a"], ["b", "c"]]  # "a" remembered, "b" asked once
    assert [r[0].chunk_id for r in refs] == ["a-0", "b-0", "c-0", "b-0"]
