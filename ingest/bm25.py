"""BM25 (Okapi) search over our own tokens: bm25s holds the sparse term weights, we tokenize and filter."""

from __future__ import annotations

import hashlib
import logging
import shutil
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

import bm25s
import numpy as np

from ingest.chunking import INDEX_ONLY_TEXT
from interviewer.text import index_terms

FACETS = ("round", "doc_type")
K1 = 1.2
B = 0.75
# Part of every index key: a change to tokenizing or weighting must invalidate cached indexes.
INDEX_VERSION = "bm25-v5-bm25s"
_META = "documents.npz"  # our ids, key and facets beside the files bm25s saves
_ABANDONED_S = 3600.0  # a temporary folder this old was left by a crashed save
logging.getLogger("bm25s").setLevel(logging.WARNING)  # it sets itself to DEBUG on import


def _term_ids(text: str, vocabulary: dict[str, int]) -> list[int]:
    terms = index_terms(text)
    for term in set(terms).difference(vocabulary):
        vocabulary[term] = len(vocabulary)
    return list(map(vocabulary.__getitem__, terms))


def _bm25(k1: float, b: float) -> bm25s.BM25:
    """Our weighting in bm25s: ATIRE's term part tf*(k1+1)/(tf+k1*norm) with Lucene's idf log(1+...)."""
    return bm25s.BM25(k1=k1, b=b, method="atire", idf_method="lucene")


class BM25Index:
    """A bm25s index over our own tokens, plus the ids and filter facets of its documents."""

    def __init__(
        self,
        ids: list[str],
        model: bm25s.BM25,
        key: str,
        facets: dict[str, np.ndarray] | None = None,
    ) -> None:
        self.ids = ids
        self.model = model
        self.vocabulary: dict[str, int] = model.vocab_dict
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
        corpus: list[list[int]] = []
        for row, text in enumerate(texts):
            hidden = metadatas[row].get(INDEX_ONLY_TEXT) if metadatas is not None else None
            corpus.append(_term_ids(f"{text}\n{hidden}" if hidden else text, vocabulary))
        model = _bm25(k1, b)
        if corpus:
            with np.errstate(invalid="ignore", divide="ignore"):  # documents that are all stopwords
                model.index((corpus, vocabulary), create_empty_token=False, show_progress=False)
        else:  # bm25s cannot average the lengths of no documents: an empty index, as its loader makes
            model.vocab_dict, model.nonoccurrence_array = {}, None
            none = np.zeros(0, np.int32)
            model.scores = {"data": none.astype(np.float32), "indices": none, "indptr": np.zeros(1, np.int32)}
            model.scores["num_docs"] = 0
        facets = {
            name: np.asarray([str(m.get(name, "")) for m in metadatas], dtype=np.str_)
            for name in FACETS
            if metadatas is not None
        }
        return cls(list(ids), model, content_key(ids), facets)

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
        """BM25 score of every document for `query` (dense vector, one entry per id).

        Each query term counts once, however often the query repeats it.
        """
        term_ids = sorted({self.vocabulary[t] for t in index_terms(query) if t in self.vocabulary})
        if not term_ids:
            return np.zeros(len(self.ids), dtype=np.float32)
        return np.asarray(self.model.get_scores_from_ids(term_ids))

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
        """Write the index under the folder `path`, in a subfolder named by its content key.

        The subfolder is filled under a temporary name and renamed into place, so a reader never sees
        a half-written one; when that key is already saved (by another process: the key names the
        content) the saved one stays. Other keys' subfolders, and temporary ones a crash left, go.
        """
        path.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=path))
        try:
            self.model.save(tmp, show_progress=False)
            arrays: dict[str, np.ndarray] = {f"facet_{name}": values for name, values in self.facets.items()}
            arrays.update(ids=np.asarray(self.ids, dtype=np.str_), key=np.asarray(self.key))
            np.savez(tmp / _META, **arrays)  # type: ignore[arg-type]
            try:
                tmp.rename(path / self.key)
            except OSError:
                if not (path / self.key).is_dir():
                    raise
                shutil.rmtree(tmp, ignore_errors=True)  # another process saved the same content first
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        for old in path.iterdir():
            abandoned = old.name.startswith(".tmp-") and time.time() - old.stat().st_mtime > _ABANDONED_S
            if abandoned or (old.name != self.key and not old.name.startswith(".")):
                shutil.rmtree(old, ignore_errors=True)

    @classmethod
    def load(cls, path: Path, key: str | None = None) -> BM25Index:
        """The index saved under `path` for content `key` (the newest saved when key is None).

        FileNotFoundError when there is none.
        """
        if key is None:
            saved = [p for p in path.iterdir() if not p.name.startswith(".")] if path.is_dir() else []
            if not saved:
                raise FileNotFoundError(f"no BM25 index under {path}")
            key = max(saved, key=lambda p: p.stat().st_mtime).name
        folder = path / key
        with np.load(folder / _META, allow_pickle=False) as data:
            ids = [str(i) for i in data["ids"]]
            facets = {name[6:]: data[name] for name in data.files if name.startswith("facet_")}
            stored_key = str(data["key"])
        model = bm25s.BM25.load(folder, show_progress=False)
        return cls(ids, model, stored_key, facets)


def content_key(ids: Sequence[str]) -> str:
    """Identifies a collection's content: chunk ids are content hashes, so their set is enough."""
    digest = hashlib.sha256(INDEX_VERSION.encode())
    for doc_id in sorted(ids):
        digest.update(doc_id.encode())
        digest.update(b"\n")
    return digest.hexdigest()[:24]
