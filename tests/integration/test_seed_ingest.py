"""The five messy seed pages ingest into their own collection as clean chunks that answer factual queries."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ingest.pipeline import ingest
from ingest.retrieval import Retriever, build_retriever
from ingest.store import open_store
from interviewer.settings import Settings, load_settings

pytestmark = pytest.mark.slow
SEEDS = Path("/work/shared/seeds")
SEED_FILES = sorted(SEEDS.glob("0*.txt")) if SEEDS.is_dir() else []

# (query, a phrase the right passage contains)
FACTUAL = [
    ("how long does the whole MLE hiring process take from the first recruiter call", "four weeks"),
    ("which company weaves leadership principles into every interview round", "Leadership Principles"),
    ("primary metric instead of accuracy when only a few percent of users churn", "PR-AUC"),
    ("at BCG which round knocks out more strong engineers than the coding screen", "ROI framing"),
    ("do ML engineers face an easier coding bar than software engineers", "LeetCode medium-hard"),
]


@pytest.fixture(scope="module")
def seeds_retriever(tmp_path_factory: pytest.TempPathFactory, real_embedder) -> tuple[Settings, Retriever]:  # type: ignore[no-untyped-def]
    if len(SEED_FILES) != 5:
        pytest.fail(f"expected the five seed guides in {SEEDS}")
    settings = load_settings(data_dir=tmp_path_factory.mktemp("seeds") / "data")
    report = ingest(settings, SEED_FILES, collection="seeds", embedder=real_embedder)
    assert report.files_total == 5 and report.chunks_total > 100
    return settings, build_retriever(settings, open_store(settings, "seeds"), real_embedder)


def test_seed_chunks_are_clean(seeds_retriever: tuple[Settings, Retriever], real_embedder) -> None:  # type: ignore[no-untyped-def]
    settings, _ = seeds_retriever
    records = open_store(settings, "seeds").get()
    assert open_store(settings, "corpus").count() == 0, "seeds go to their own collection"
    texts = [r.text for r in records]
    for debris in ("Skip to main content", "Get My Report", "Get Your Playbook", "profile image"):
        assert not any(debris in t for t in texts), debris
    numbered = re.compile(r"^\d{1,3}(def |import |from |    return|\s{4})", re.MULTILINE)
    assert not any(numbered.search(t) for t in texts), "code listing line numbers are stripped"
    menu = "Software Engineer SWE Product Manager PM"
    assert sum(t.count(menu) for t in texts) <= 1
    assert all(real_embedder.count_tokens(t) + 2 < 256 for t in texts)
    assert sum(1 for r in records if r.metadata.get("section")) > len(records) * 0.8, "headings were inferred"


@pytest.mark.parametrize(("query", "phrase"), FACTUAL)
def test_factual_queries_find_the_passage(
    seeds_retriever: tuple[Settings, Retriever], query: str, phrase: str
) -> None:
    _, retriever = seeds_retriever
    hits = retriever.search(query, k=5)
    assert any(phrase.lower() in hit.text.lower() for hit in hits), [h.text[:120] for h in hits]
