"""A small, fast BM25 (Okapi) index on scipy.sparse: precomputed term weights, column-sliced queries."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
from scipy import sparse

from ingest.chunking import INDEX_ONLY_TEXT
from interviewer.text import index_terms

FACETS = ("round", "doc_type")
K1 = 1.2
B = 0.75
# Part of every index key: a change to tokenizing or weighting must invalidate cached indexes.
INDEX_VERSION = "bm25-v4-index-only-text"


def _term_ids(text: str, vocabulary: dict[str, int]) -> list[int]:
    terms = index_terms(text)
    for term in set(terms).difference(vocabulary):
        vocabulary[term] = len(vocabulary)
    return list(map(vocabulary.__getitem__, terms))


class BM25Index:
    """Documents x terms matrix of BM25 weights (CSC, so a query sums a few columns)."""

    def __init__(
        self,
        ids: list[str],
        matrix: sparse.csc_matrix,
        vocabulary: dict[str, int],
        key: str,
        facets: dict[str, np.ndarray] | None = None,
    ) -> None:
        self.ids = ids
        self.matrix = matrix
        self.vocabulary = vocabulary
        self.key = key
        self.facets = facets or {}  # metadata field -> one string per document, for filtering
        self._position = {doc_id: row for row, doc_id in enumerate(ids)}

    @classmethod
    def build(
        cls,
        ids: Sequence[str],
        texts: Sequence[str],
        metadatas: Sequence[Mapping[str, object]] | None = None,
        *,
        k1: float = K1,
        b: float = B,
    ) -> BM25Index:
        """Index `texts` (one per id) with BM25 parameters k1 and b; FACETS of metadata kept for filters.

        A record's INDEX_ONLY_TEXT metadata is indexed with its text (searchable, never shown).
        """
        vocabulary: dict[str, int] = {}
        columns: list[int] = []
        lengths = np.zeros(len(texts), dtype=np.int64)
        for row, text in enumerate(texts):
            hidden = metadatas[row].get(INDEX_ONLY_TEXT) if metadatas is not None else None
            term_ids = _term_ids(f"{text}\n{hidden}" if hidden else text, vocabulary)
            lengths[row] = len(term_ids)
            columns.extend(term_ids)
        rows = np.repeat(np.arange(len(texts)), lengths)
        ones = np.ones(len(columns), dtype=np.float32)
        # Duplicate (row, col) pairs are summed on conversion: that is the term frequency.
        tf_matrix = sparse.csr_matrix(
            (ones, (rows, np.asarray(columns, dtype=np.int64))), shape=(len(texts), len(vocabulary))
        )
        tf_matrix.sum_duplicates()
        cols = tf_matrix.indices
        n_docs = len(texts)
        df = np.bincount(np.asarray(cols, dtype=np.int64), minlength=len(vocabulary)).astype(np.float32)
        idf = np.log1p((n_docs - df + 0.5) / (df + 0.5)).astype(np.float32)
        avg_len = float(lengths.mean()) if n_docs else 1.0
        norm = (k1 * (1 - b + b * lengths / max(avg_len, 1e-9))).astype(np.float32)
        tf_coo = tf_matrix.tocoo()
        weights = tf_coo.data * (k1 + 1) / (tf_coo.data + norm[tf_coo.row]) * idf[tf_coo.col]
        matrix = sparse.csc_matrix(
            (weights.astype(np.float32), (tf_coo.row, tf_coo.col)), shape=tf_matrix.shape
        )
        facets = {
            name: np.asarray([str(m.get(name, "")) for m in metadatas], dtype=np.str_)
            for name in FACETS
            if metadatas is not None
        }
        return cls(list(ids), matrix, vocabulary, content_key(ids), facets)

    def mask(self, where: Mapping[str, str] | None) -> np.ndarray | None:
        """Boolean row mask for equality filters on the facet fields (None when there is no filter)."""
        if not where:
            return None
        result = np.ones(len(self.ids), dtype=bool)
        for name, value in where.items():
            if name not in self.facets:
                raise KeyError(f"BM25 index cannot filter on {name!r}")
            result &= self.facets[name] == value
        return result

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every document for `query` (dense vector, one entry per id)."""
        cols = sorted({self.vocabulary[t] for t in index_terms(query) if t in self.vocabulary})
        if not cols:
            return np.zeros(len(self.ids), dtype=np.float32)
        return np.asarray(self.matrix[:, cols].sum(axis=1)).ravel()

    def top(self, query: str, k: int, mask: np.ndarray | None = None) -> list[tuple[str, float]]:
        """The k best (id, score) pairs with a positive score, optionally only where `mask` is true."""
        scores = self.scores(query)
        if mask is not None:
            scores = np.where(mask, scores, 0.0)
        positive = int(np.count_nonzero(scores > 0))
        k = min(k, positive)
        if k <= 0:
            return []
        best = np.argpartition(-scores, k - 1)[:k]
        best = best[np.argsort(-scores[best], kind="stable")]
        return [(self.ids[i], float(scores[i])) for i in best]

    def row(self, doc_id: str) -> int | None:
        return self._position.get(doc_id)

    def save(self, path: Path) -> None:
        """Write the index as one .npz file (atomically, via a temporary name)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        terms = sorted(self.vocabulary, key=self.vocabulary.__getitem__)
        tmp = path.with_name(path.name + ".tmp.npz")
        arrays: dict[str, np.ndarray] = {
            "data": self.matrix.data,
            "indices": self.matrix.indices,
            "indptr": self.matrix.indptr,
            "shape": np.asarray(self.matrix.shape),
            "ids": np.asarray(self.ids, dtype=np.str_),
            "terms": np.asarray(terms, dtype=np.str_),
            "key": np.asarray(self.key),
        }
        arrays.update({f"facet_{name}": values for name, values in self.facets.items()})
        np.savez(tmp, **arrays)  # type: ignore[arg-type]
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path) -> BM25Index:
        with np.load(path, allow_pickle=False) as data:
            matrix = sparse.csc_matrix(
                (data["data"], data["indices"], data["indptr"]), shape=tuple(int(x) for x in data["shape"])
            )
            terms = [str(t) for t in data["terms"]]
            facets = {name[6:]: data[name] for name in data.files if name.startswith("facet_")}
            ids = [str(i) for i in data["ids"]]
            return cls(ids, matrix, {t: i for i, t in enumerate(terms)}, str(data["key"]), facets)


def content_key(ids: Sequence[str]) -> str:
    """Identifies a collection's content: chunk ids are content hashes, so their set is enough."""
    digest = hashlib.sha256(INDEX_VERSION.encode())
    for doc_id in sorted(ids):
        digest.update(doc_id.encode())
        digest.update(b"\n")
    return digest.hexdigest()[:24]
