"""Every text rule in one place: tokenizers, stemmers, stopword lists and the sentence splitter.

One function per purpose, sharing the primitives:
- `words`: plain alphanumeric runs (output guard, hashing embedder, line normalisation);
- `tokens`: words that keep an apostrophe ("don't"), for the evidence layer's stems and phrases;
- `index_terms`: BM25 terms: compounds kept ("p99", "k-means") with their hyphen parts, Snowball stems;
- `split_sentences`: sentences with exact offsets, abbreviations ("e.g.") kept inside a sentence.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Protocol

import snowballstemmer


class _SpanLike(Protocol):
    text: str
    start: int
    end: int


_BOUNDARY = re.compile(r"[.!?]+[\"')\]]*(?=\s|$)|\n")
_ABBREVIATIONS = frozenset(
    {"e.g", "i.e", "etc", "vs", "approx", "dr", "mr", "mrs", "ms", "fig", "no", "eg", "ie"}
)
# In a stream, a sentence is complete once whitespace follows its end: "3." may still become "3.5".
_STREAM_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+|\n+")
_HAS_WORD = re.compile(r"[A-Za-z0-9]")
_WORD = re.compile(r"[a-z0-9]+")
_TOKEN = re.compile(r"[a-z0-9]+(?:['][a-z]+)?")
_INDEX_TOKEN = re.compile(r"[a-z0-9]+(?:[-+.][a-z0-9]+)*")
_HYPHENATED = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)+")
_SUFFIXES = ("ations", "ation", "ings", "ing", "ies", "ied", "ers", "er", "ed", "es", "ly", "s")

_STOPWORD_TEXT = """a an the and or but if then else of to in on at by for with from as is are was were be
    been being it its
    this that these those there here i me my we our you your they them their he she his her so do does did not
    no yes can could would should will shall may might must have has had what which who whom how when
    where why
    into out up down over under about than too very just also only any all some more most such each other both
    one own same s t don now get got make made use using used way ways thing things lot"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())

# BM25 keeps some of STOPWORDS as index terms ("scale up", "one-hot", "use case") and drops a few more.
_INDEX_STOPWORD_TEXT = """
a an and are as at be but by can could did do does for from had has have how i if in into is it its
me my no not of on or our should so than that the their them then there these they this to too us
was we were what when where which while who why will with would you your yours about after also any
because been before being between both each few more most other over same some such only own very just
"""
INDEX_STOPWORDS = frozenset(_INDEX_STOPWORD_TEXT.split())
_SNOWBALL = snowballstemmer.stemmer("english")
_SNOWBALL_LOCK = threading.Lock()


def split_sentences(text: str) -> list[tuple[str, int, int]]:
    """Sentences (and lines) of `text` as (text, start, end) , text == source[start:end], trimmed."""
    pieces: list[tuple[str, int, int]] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        end = match.end()
        if match.group() != "\n" and _is_abbreviation(text, match.start()):
            continue
        _append_trimmed(text, start, end, pieces)
        start = end
    _append_trimmed(text, start, len(text), pieces)
    return pieces


def stream_sentence_end(buffer: str) -> re.Match[str] | None:
    """The end of the first complete sentence in a growing stream (the separator it ends with), if any."""
    return _STREAM_SENTENCE_END.search(buffer)


def _is_abbreviation(text: str, dot: int) -> bool:
    before = re.search(r"([A-Za-z.]+)$", text[max(0, dot - 6) : dot])
    return bool(before) and before.group(1).lower().strip(".") in _ABBREVIATIONS  # type: ignore[union-attr]


def _append_trimmed(text: str, start: int, end: int, out: list[tuple[str, int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start and _HAS_WORD.search(text, start, end):
        out.append((text[start:end], start, end))


def words(text: str) -> list[str]:
    """Lower-case alphanumeric runs ("don't" -> "don", "t"; "k-means" -> "k", "means")."""
    return _WORD.findall(text.lower())


def normalized(text: str) -> str:
    """`text` as its lower-case words joined by single spaces: the same line however it is punctuated."""
    return " ".join(words(text))


def tokens(text: str) -> list[str]:
    """Lower-case word tokens that keep an apostrophe suffix ("don't"), for the evidence layer."""
    return _TOKEN.findall(text.lower())


def hyphenated_words(text: str) -> list[str]:
    """Lower-case hyphenated compounds only ("state-of-the-art", "ai-driven")."""
    return _HYPHENATED.findall(text.lower())


def index_terms(text: str) -> list[str]:
    """BM25 terms: lower-case tokens minus INDEX_STOPWORDS, Snowball-stemmed; a compound adds its parts.

    'training-serving' stays one term (an exact compound match is strong evidence) and adds 'training'
    and 'serving', so the query 'learning rate' meets the corpus's 'learning-rate-schedules'.
    """
    raw = _INDEX_TOKEN.findall(text.lower())
    raw += [part for token in raw if "-" in token for part in token.split("-")]
    # map/filter keep the per-token work in C (the cache is C too): this loop dominates indexing 100k chunks.
    return list(filter(None, map(_index_term, raw)))


@lru_cache(maxsize=1 << 18)
def _index_term(token: str) -> str:
    """The stemmed index term of one raw token, "" for a stopword."""
    return "" if token in INDEX_STOPWORDS else snowball_stem(token)


def snowball_stem(word: str) -> str:
    """Snowball (Porter 2) English stem: 'recommending'/'recommendations', 'deploy'/'deployment' meet."""
    with _SNOWBALL_LOCK:  # the stemmer object keeps per-call state
        return str(_SNOWBALL.stemWord(word))


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A crude, deterministic suffix stripper: "caching" matches "cache"."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            word = word[: -len(suffix)]
            break
    return word.rstrip("e") if len(word) > 4 else word


def stems(text: str) -> list[str]:
    """Stems of every token of `text` (stopwords kept, so phrases still match in order)."""
    return [stem(t) for t in tokens(text)]


def content_stems(text: str) -> set[str]:
    """Stems of the non-stopword tokens of `text`."""
    return {stem(t) for t in tokens(text) if t not in STOPWORDS and len(t) > 1}


@lru_cache(maxsize=8192)
def phrase_key(phrase: str) -> str:
    """A normalised form of a (multi-word) phrase for containment tests against `stem_line`."""
    return " " + " ".join(stems(phrase.replace("-", " "))) + " "


@lru_cache(maxsize=4096)
def stem_line(text: str) -> str:
    """The whole text as a space-delimited stem string; `phrase_key(p) in stem_line(t)` tests containment."""
    return " " + " ".join(stems(text.replace("-", " "))) + " "


def matched_phrases(phrases: Iterable[str], line: str) -> list[str]:
    """The phrases (original spelling) whose stems occur in order in a `stem_line`."""
    return [p for p in phrases if (key := phrase_key(p)).strip() and key in line]


def overlap(reference: set[str], candidate: set[str]) -> float:
    """Fraction of `reference` stems present in `candidate` (0 when the reference is empty)."""
    return len(reference & candidate) / len(reference) if reference else 0.0


def word_count(text: str) -> int:
    return len(tokens(text))


def covering(spans: Sequence[_SpanLike], start: int, end: int) -> list[_SpanLike]:
    """Spans overlapping [start, end)."""
    return [s for s in spans if s.start < end and s.end > start]
