"""Read files into Documents: markdown, text, HTML, PDF, and the shipped question bank and rubrics."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import yaml

from ingest.chunking import INDEX_ONLY_TEXT
from ingest.cleaning import clean_web_text
from ingest.documents import Document, Metadata
from interviewer.domain.bank import Bank, Criterion, Question, Rubric
from interviewer.domain.rounds import ROUND_NAMES
from interviewer.errors import CorpusError

SUPPORTED_SUFFIXES = (".md", ".markdown", ".txt", ".html", ".htm", ".pdf")
_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.DOTALL)
_H1 = re.compile(r"^#\s+(.+?)\s*$", re.MULTILINE)


def load_file(path: Path, *, source: str | None = None) -> Document:
    """Read one user or guide file into a Document; CorpusError naming the file if it is unusable."""
    source = source or str(path)
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        text = _pdf_text(path)
        return _document(source, clean_web_text(text, title=_pdf_title(text, path)), path, "txt")
    raw = _read_text(path)
    if suffix in (".html", ".htm"):
        return _document(source, _html_to_markdown(raw, path), path, "html")
    if suffix in (".md", ".markdown"):
        return _markdown_document(source, raw, path)
    if suffix == ".txt":
        return _document(source, clean_web_text(raw, title=None), path, "txt")
    raise CorpusError(f"{path}: unsupported file type {suffix!r}; use one of {', '.join(SUPPORTED_SUFFIXES)}")


def _read_text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CorpusError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if b"\x00" in data[:8192]:
        raise CorpusError(f"{path}: looks like a binary file, not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CorpusError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    if not text.strip():
        raise CorpusError(f"{path}: file is empty")
    return text


def _markdown_document(source: str, raw: str, path: Path) -> Document:
    meta: Metadata = {}
    match = _FRONT_MATTER.match(raw)
    if match:
        try:
            front = yaml.safe_load(match.group(1)) or {}
        except yaml.YAMLError as exc:
            raise CorpusError(f"{path}: invalid YAML front matter: {exc}") from None
        if not isinstance(front, dict):
            raise CorpusError(f"{path}: front matter must be a mapping")
        meta = {str(k): str(v) for k, v in front.items() if isinstance(v, str | int | float)}
        raw = raw[match.end() :]
    return _document(source, raw, path, "md", meta)


def _document(source: str, text: str, path: Path, kind: str, extra: Metadata | None = None) -> Document:
    if not _has_words(text):
        raise CorpusError(f"{path}: no readable text in file")
    heading = _H1.search(text)
    title = str((extra or {}).get("title") or (heading.group(1) if heading else _title_from_name(path)))
    stem = path.stem.lower()
    round_name = str((extra or {}).get("round") or next((r for r in ROUND_NAMES if r in stem), "general"))
    metadata: Metadata = {
        "doc_type": "guide",
        "round": round_name,
        "topic": str((extra or {}).get("topic") or stem),
        "title": title,
        "source": source,
        "format": kind,
    }
    return Document(source=source, title=title, text=text, metadata=metadata)


def _has_words(text: str) -> bool:
    return len(re.findall(r"[A-Za-z]{2,}", text)) >= 3


def _title_from_name(path: Path) -> str:
    return re.sub(r"[-_]+", " ", path.stem).strip().capitalize() or path.name


def _pdf_text(path: Path) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(str(path))
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PyPdfError, OSError, ValueError, KeyError, TypeError) as exc:
        raise CorpusError(f"{path}: unreadable PDF: {exc}") from None
    text = "\n\n".join(pages)
    if not _has_words(text):
        raise CorpusError(f"{path}: PDF has no extractable text (scanned or empty?)")
    return text


def _pdf_title(text: str, path: Path) -> str:
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return first if 0 < len(first) <= 90 else _title_from_name(path)


def _html_to_markdown(raw: str, path: Path) -> str:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(raw, "html.parser")
    for tag in soup(["script", "style", "nav", "header", "footer", "aside", "form", "noscript", "svg"]):
        tag.decompose()
    lines: list[str] = []
    title_tag = soup.find("title")
    for element in soup.find_all(["h1", "h2", "h3", "h4", "p", "li", "pre", "td", "blockquote"]):
        if element.find_parent(["li", "pre", "td", "blockquote"]) is not None and element.name != "pre":
            continue
        text = element.get_text(" ", strip=True)
        if not text:
            continue
        if element.name in ("h1", "h2", "h3", "h4"):
            lines.append("#" * int(element.name[1]) + " " + text)
        elif element.name == "pre":
            lines.extend(["```", element.get_text(), "```"])
        elif element.name == "li":
            lines.append("- " + text)
        else:
            lines.append(text)
    body = "\n\n".join(lines)
    if not body.strip():
        body = soup.get_text("\n")
    title = title_tag.get_text(strip=True) if title_tag else None
    if not _H1.search(body) and title:
        body = f"# {title}\n\n{body}"
    return clean_web_text(body, title=None) if not _H1.search(body) else body


def bank_documents(bank: Bank, sources: dict[str, str]) -> Iterable[Document]:
    """One record per question and one per rubric criterion; `sources` maps ids to their file."""
    for question in bank.questions:
        yield question_document(question, sources.get(question.id, f"questions/{question.round}.yaml"))
    for rubric in bank.rubrics.values():
        for criterion in rubric.criteria:
            source = sources.get(f"rubric:{rubric.id}", f"rubrics/{rubric.id}.yaml")
            yield criterion_document(rubric, criterion, source)


def question_document(question: Question, source: str) -> Document:
    """The searchable face of a question: prompt, topic and follow-ups, never key points or answers.

    The model answer is indexed for BM25 only (INDEX_ONLY_TEXT, stripped from hits): a query worded
    like the answer ("warm up the step size", "0.8 means eight in ten") then finds its question.
    Embedding it as well lowered dense and hybrid recall@5 on the tune half of the retrieval set.
    """
    follow_ups = "\n".join(f"- {f}" for f in question.follow_ups)
    text = f"{question.prompt}\n\nTopic: {question.topic}\nFollow-ups:\n{follow_ups}"
    metadata: Metadata = {
        "doc_type": "question",
        "round": question.round.value,
        "topic": question.topic,
        "title": f"{question.round.value} question",
        "section": question.topic,
        "source": source,
        "question_id": question.id,
        "rubric_id": question.rubric,
        "difficulty": question.difficulty,
        "companies": ",".join(question.companies),
        INDEX_ONLY_TEXT: question.model_answer,
    }
    return Document(
        source=source, title=str(metadata["title"]), text=text, metadata=metadata, prechunked=True
    )


def criterion_document(rubric: Rubric, criterion: Criterion, source: str) -> Document:
    """A rubric criterion record: name, description and the level descriptors (signals if room)."""
    levels = "\n".join(f"Level {d.level} ({d.label}): {d.descriptor}" for d in criterion.levels)
    signals = "\n".join(f"Level {d.level} signals: {'; '.join(d.signals)}" for d in criterion.levels)
    # Signals go last: if the record is over the embedder's budget, the chunker trims from the end.
    text = f"{criterion.name}: {criterion.description}\n\n{levels}\n{signals}"
    metadata: Metadata = {
        "doc_type": "rubric",
        "round": rubric.round.value,
        "topic": criterion.id,
        "title": rubric.title,
        "section": criterion.name,
        "source": source,
        "rubric_id": rubric.id,
        "criterion_id": criterion.id,
    }
    return Document(source=source, title=rubric.title, text=text, metadata=metadata, prechunked=True)
