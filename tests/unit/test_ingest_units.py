"""Ingest building blocks with fakes: cleaning, loaders, chunking rules, BM25, RRF, the in-memory store."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from ingest.bm25 import BM25Index
from ingest.chunking import INDEX_ONLY_TEXT, Chunker, chunk_id
from ingest.cleaning import clean_web_text
from ingest.documents import Document
from ingest.embedder import HashingEmbedder
from ingest.loaders import criterion_document, load_file, question_document
from ingest.retrieval import Retriever, reciprocal_rank_fusion, validate_filters
from ingest.store import InMemoryStore
from interviewer.errors import CorpusError, InputError
from interviewer.settings import Settings
from interviewer.text import index_terms

MESSY = """Skip to main content
Share
Prep by Company
Software Engineer SWE Product Manager PM Data Scientist DS Data Engineer DE ML Engineer MLE Technical PM
Software Engineer SWE Product Manager PM Data Scientist DS Data Engineer DE ML Engineer MLE Technical PM
How the Loop Works
The onsite loop usually has five rounds covering coding, ML depth, system design and behavioral questions.
We accept cookies to improve your experience, see our cookie policy
Python
1import numpy as np
2
3def mean(xs):
4    return float(np.mean(xs))
Get My Report
Feature Stores Explained
A feature store keeps training and serving features consistent so that models do not suffer from skew.
"""


def test_cleaning_strips_debris_line_numbers_and_infers_headings() -> None:
    cleaned = clean_web_text(MESSY)
    for debris in ("Skip to main content", "Share\n", "cookie", "Get My Report"):
        assert debris not in cleaned
    assert cleaned.count("Software Engineer SWE") == 1
    assert "## How the Loop Works" in cleaned
    assert "## Feature Stores Explained" in cleaned
    assert "```\nimport numpy as np" in cleaned
    assert "def mean(xs):" in cleaned and "3def" not in cleaned


def test_load_file_kinds_and_bad_files(tmp_path: Path) -> None:
    md = tmp_path / "ml-depth-notes.md"
    md.write_text("# Notes\n\n## Dropout\n\nDropout zeroes random activations during training only.\n")
    doc = load_file(md, source="x/ml-depth-notes.md")
    assert (
        doc.title == "Notes" and doc.metadata["round"] == "ml-depth" and doc.metadata["doc_type"] == "guide"
    )
    html = tmp_path / "page.html"
    html.write_text(
        "<html><head><title>T</title><script>var x=1;</script></head><body><nav>Home Menu</nav>"
        "<h1>Serving</h1><p>Batch inference precomputes scores for every user overnight.</p></body></html>"
    )
    text = load_file(html).text
    assert "# Serving" in text and "precomputes" in text and "var x" not in text and "Home Menu" not in text
    binary = tmp_path / "blob.txt"
    binary.write_bytes(b"\x00\x01\x02binary")
    empty = tmp_path / "empty.md"
    empty.write_text("  \n")
    for bad in (binary, empty):
        with pytest.raises(CorpusError, match=bad.name):
            load_file(bad)


def test_question_record_never_contains_key_points_or_model_answer(bank) -> None:  # type: ignore[no-untyped-def]
    for question in bank.questions:
        document = question_document(question, "questions/x.yaml")
        assert question.prompt in document.text
        for secret in (*question.key_points, question.model_answer):
            assert secret not in document.text
        # The model answer is only in the index-only field; key points are nowhere in the record.
        assert document.metadata[INDEX_ONLY_TEXT] == question.model_answer
        assert not any(kp in str(v) for kp in question.key_points for v in document.metadata.values())


def test_index_only_text_is_searchable_but_never_shown(bank) -> None:  # type: ignore[no-untyped-def]
    question = next(q for q in bank.questions if q.id == "md-calibration")
    chunker = Chunker(HashingEmbedder().count_tokens)
    (record,) = chunker.chunk(question_document(question, "questions/ml-depth.yaml"))
    assert record.id != chunk_id("questions/ml-depth.yaml", record.text), "the id covers the hidden text"
    embedder, store = HashingEmbedder(), InMemoryStore()
    texts = [record.text, "Probability calibration guide: reliability of scores"]
    metas = [record.metadata, {"doc_type": "guide", "round": "ml-depth"}]
    store.upsert([record.id, "guide"], texts, embedder.embed(texts), metas)
    retriever = Retriever(store, embedder)
    assert [h.id for h in retriever.search("Brier", k=2, method="bm25")] == [record.id]  # answer-only word
    for method in ("dense", "bm25", "hybrid"):
        hits = retriever.search("Brier score", k=2, method=method)
        assert record.id in {h.id for h in hits}, method
        assert all("Brier" not in h.text and INDEX_ONLY_TEXT not in h.metadata for h in hits)


def test_chunks_fit_the_limit_and_carry_their_section() -> None:
    count = HashingEmbedder().count_tokens
    body = " ".join(f"word{i}" for i in range(900))
    document = Document(
        source="s.md",
        title="Guide",
        text=f"# Guide\n\n## Part A\n\n### Detail\n\n{body}\n",
        metadata={"doc_type": "guide"},
    )
    chunks = Chunker(count, chunk_tokens=100, overlap_tokens=20).chunk(document)
    assert len(chunks) >= 9
    for chunk in chunks:
        assert count(chunk.text) <= 100
        assert chunk.text.startswith("Guide > Part A > Detail\n\n")
        assert chunk.metadata["section"] == "Part A > Detail"
    first_words, second_words = chunks[0].text.split(), chunks[1].text.split()
    assert set(first_words[-10:]) & set(second_words), "consecutive chunks overlap"
    assert len({c.id for c in chunks}) == len(chunks)
    assert chunks[0].id == chunk_id("s.md", chunks[0].text)


def test_rubric_record_is_trimmed_from_the_end_to_fit(bank) -> None:  # type: ignore[no-untyped-def]
    rubric = next(iter(bank.rubrics.values()))
    criterion = rubric.criteria[0]
    chunker = Chunker(HashingEmbedder().count_tokens, chunk_tokens=60)
    (chunk,) = chunker.chunk(criterion_document(rubric, criterion, "rubrics/x.yaml"))
    assert HashingEmbedder().count_tokens(chunk.text) <= 60
    assert chunk.text.startswith(f"{rubric.title} > {criterion.name}\n{criterion.name}:")
    assert chunk.metadata["criterion_id"] == criterion.id and chunk.metadata["rubric_id"] == rubric.id


def test_bm25_ranks_term_matches_and_filters() -> None:
    texts = [
        "gradient boosting with shallow trees",
        "random forests average deep trees",
        "cooking pasta at home",
    ]
    metas = [{"round": "ml-depth", "doc_type": "guide"}, {"round": "ml-depth", "doc_type": "question"}, {}]
    index = BM25Index.build(["a", "b", "c"], texts, metas)
    assert [doc for doc, _ in index.top("boosted trees", 3)] == ["a", "b"]
    assert [doc for doc, _ in index.top("trees", 3, index.mask({"doc_type": "question"}))] == ["b"]
    assert index.top("nothing matches", 3) == []
    assert index_terms("The Models were modeling") == ["model", "model"]


def test_bm25_save_load_round_trip(tmp_path: Path) -> None:
    index = BM25Index.build(["a", "b"], ["alpha beta", "beta gamma"], [{"round": "x"}, {"round": "y"}])
    index.save(tmp_path / "index")
    loaded = BM25Index.load(tmp_path / "index")
    assert loaded.key == index.key and loaded.ids == ["a", "b"]
    assert np.allclose(loaded.scores("beta gamma"), index.scores("beta gamma"))
    assert loaded.mask({"round": "y"}).tolist() == [False, True]


def test_bm25_is_saved_per_content_key_and_other_keys_go(tmp_path: Path) -> None:
    first = BM25Index.build(["a"], ["alpha"])
    first.save(tmp_path)
    second = BM25Index.build(["a", "b"], ["alpha", "beta"])
    second.save(tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == [second.key]
    assert BM25Index.load(tmp_path, second.key).top("beta", 2) == second.top("beta", 2)
    with pytest.raises(FileNotFoundError):
        BM25Index.load(tmp_path, first.key)
    empty = BM25Index.build([], [])
    empty.save(tmp_path / "empty")
    assert BM25Index.load(tmp_path / "empty").top("alpha", 3) == []


def test_reciprocal_rank_fusion_rewards_agreement() -> None:
    fused = reciprocal_rank_fusion([["a", "b", "c"], ["b", "d"]], k=60)
    assert fused[0][0] == "b"
    assert fused[0][1] == pytest.approx(1 / 62 + 1 / 61)
    weighted = reciprocal_rank_fusion([["a"], ["b"]], k=60, weights=[1.0, 0.5])
    assert [doc for doc, _ in weighted] == ["a", "b"]


def test_filters_validate_round_and_type() -> None:
    assert validate_filters("ML-Depth", "rubric") == {"round": "ml-depth", "doc_type": "rubric"}
    assert validate_filters(None, None) is None
    with pytest.raises(InputError, match="valid rounds: ml-system-design"):
        validate_filters("astrology", None)
    with pytest.raises(InputError, match="guide, question, rubric"):
        validate_filters(None, "video")


def test_retriever_hybrid_with_fake_store_and_filters() -> None:
    embedder = HashingEmbedder()
    store = InMemoryStore()
    texts = ["drift monitoring alerts", "star stories for behavioral rounds", "drift in labels over time"]
    metas = [
        {"round": "ml-system-design", "doc_type": "guide"},
        {"round": "behavioral", "doc_type": "guide"},
        {"round": "ml-depth", "doc_type": "question"},
    ]
    store.upsert(["1", "2", "3"], texts, embedder.embed(texts), metas)
    retriever = Retriever(store, embedder)
    ids = [hit.id for hit in retriever.search("drift monitoring", k=3)]
    assert ids[0] == "1" and "3" in ids
    only_questions = retriever.search("drift", k=3, doc_type="question")
    assert [hit.id for hit in only_questions] == ["3"]
    assert retriever.search("drift", k=3, round="behavioral", method="bm25") == []
    assert retriever.search("   ", k=3) == []


def test_settings_errors_name_the_variable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ingest.store import open_store
    from interviewer.errors import ConfigError
    from interviewer.settings import load_settings

    monkeypatch.setenv("MI_CHROMA_URL", "not-a-url")
    with pytest.raises(ConfigError, match="MI_CHROMA_URL"):
        open_store(load_settings(data_dir=tmp_path))
    monkeypatch.delenv("MI_CHROMA_URL")
    monkeypatch.setenv("MI_CHUNK_TOKENS", "4000")
    with pytest.raises(ConfigError, match="MI_CHUNK_TOKENS"):
        load_settings(data_dir=tmp_path)


def test_pipeline_embeds_in_length_order_and_keeps_rows_aligned(tmp_path: Path) -> None:
    from ingest.pipeline import ingest

    notes = tmp_path / "notes"
    notes.mkdir()
    for i, size in enumerate((40, 3, 25, 9)):
        (notes / f"n{i}.md").write_text(
            f"# Note {i}\n\n" + " ".join(f"topic{i} word{j}." for j in range(size)) + "\n"
        )
    store, embedder = InMemoryStore(), HashingEmbedder()
    ingest(Settings(data_dir=tmp_path / "data"), [notes], embedder=embedder, store=store)
    records = store.get()
    assert len(records) >= 4
    for record in records:
        (row,) = store.query(embedder.embed([record.text])[0], 1)
        assert row.id == record.id and row.distance < 1e-5


def test_filtered_dense_search_equals_the_store_filter() -> None:
    embedder = HashingEmbedder()
    store = InMemoryStore()
    texts = [f"topic {i % 7} note {i} about drift and latency" for i in range(300)]
    rounds = ("behavioral", "ml-depth", "case-study")
    metas = [{"round": rounds[i % 3], "doc_type": "guide"} for i in range(300)]
    store.upsert([str(i) for i in range(300)], texts, embedder.embed(texts), metas)
    retriever = Retriever(store, embedder)
    for round_name in ("behavioral", "ml-depth"):
        expected = store.query(embedder.embed(["drift note 17"])[0], 20, {"round": round_name})
        got = retriever.search("drift note 17", k=20, round=round_name, method="dense")
        assert [h.id for h in got] == [r.id for r in expected]
    rare = retriever.search("drift", k=5, doc_type="question", method="dense")
    assert rare == []


def test_score_fusion_keeps_a_clear_dense_lead() -> None:
    from ingest.retrieval import reciprocal_rank_fusion, score_fusion

    dense = [("lead", 0.62), ("b", 0.40), ("c", 0.39)]
    lexical = [("b", 9.0), ("c", 8.0), ("lead", 1.0)]
    # Rank fusion only sees positions, so agreement on b outweighs the dense margin of "lead".
    assert reciprocal_rank_fusion([[d for d, _ in dense], [d for d, _ in lexical]])[0][0] == "b"
    fused = score_fusion(dense, lexical, alpha=0.7)
    assert fused[0][0] == "lead"
    # A BM25-only hit gets the lowest dense score, so a strong keyword match can still rank.
    fused = score_fusion([("x", 0.5), ("y", 0.3)], [("kw", 10.0), ("y", 1.0)], alpha=0.5)
    assert [doc for doc, _ in fused] == ["kw", "x", "y"]
    assert score_fusion([], []) == []


def test_repeated_sections_go_after_other_sections() -> None:
    from ingest.retrieval import demote_repeated_sections

    meta = {
        "a1": {"source": "g.md", "section": "A"},
        "a2": {"source": "g.md", "section": "A"},
        "b": {"source": "g.md", "section": "B"},
        "q1": {"source": "q.yaml", "section": "recommendation", "question_id": "q1"},
        "q2": {"source": "q.yaml", "section": "recommendation", "question_id": "q2"},
    }
    ranked = [("a1", 0.9), ("a2", 0.8), ("q1", 0.7), ("q2", 0.6), ("b", 0.5), ("unknown", 0.4)]
    assert [d for d, _ in demote_repeated_sections(ranked, meta)] == ["a1", "q1", "q2", "b", "unknown", "a2"]


def test_bm25_hyphenated_words_also_match_their_parts() -> None:
    from ingest.bm25 import BM25Index
    from interviewer.text import index_terms

    terms = index_terms("learning-rate schedules")
    assert {"learn", "rate", "schedul"} <= set(terms) and len(terms) == 4  # the compound is kept too
    index = BM25Index.build(["sched", "other"], ["learning-rate-schedules and warmup", "a learning curve"])
    assert [doc for doc, _ in index.top("how to pick the learning rate", 2)] == ["sched", "other"]
