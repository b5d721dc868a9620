"""Which files an ingest covers, their content hashes, and turning a file into Documents."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ingest.documents import Document
from ingest.loaders import SUPPORTED_SUFFIXES, bank_documents, load_file
from interviewer.domain.bank import Bank, load_bank
from interviewer.errors import CorpusError

SHIPPED_PREFIXES = ("guides/", "questions/", "rubrics/")
# Part of a question file's stored hash: bump it when question_document changes what a record holds,
# so the next incremental ingest rebuilds stored question records although the files did not change.
QUESTION_RECORD_FORMAT = "q2-model-answer-indexed"


@dataclass
class SourceSet:
    """The files of one ingest: source key -> path and hash, plus which stored sources it owns."""

    files: dict[str, Path]
    hashes: dict[str, str]
    owns: Callable[[str], bool]
    loader: Callable[[list[str]], dict[str, list[Document]]]
    extra: dict[str, object] = field(default_factory=dict)


def file_hash(path: Path) -> str:
    """sha256 of the file's bytes; CorpusError naming the file if it cannot be read."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as exc:
        raise CorpusError(f"{path}: cannot read: {exc.strerror or exc}") from None


def shipped_sources(corpus_dir: Path) -> SourceSet:
    """The shipped corpus: guides, question files, rubric files, keyed by their path under corpus/."""
    if not corpus_dir.is_dir():
        raise CorpusError(f"{corpus_dir}: corpus folder not found (MI_CORPUS_DIR)")
    files: dict[str, Path] = {}
    for folder, pattern in (("guides", "*.md"), ("questions", "*.yaml"), ("rubrics", "*.yaml")):
        for path in sorted((corpus_dir / folder).glob(pattern)):
            files[f"{folder}/{path.name}"] = path
    hashes = {key: file_hash(path) for key, path in files.items()}
    hashes.update(
        {k: f"{h}+{QUESTION_RECORD_FORMAT}" for k, h in hashes.items() if k.startswith("questions/")}
    )

    def load(keys: list[str]) -> dict[str, list[Document]]:
        return _load_shipped(corpus_dir, files, keys)

    return SourceSet(files, hashes, owns=lambda s: s.startswith(SHIPPED_PREFIXES), loader=load)


def _load_shipped(corpus_dir: Path, files: dict[str, Path], keys: list[str]) -> dict[str, list[Document]]:
    out: dict[str, list[Document]] = {key: [] for key in keys}
    bank: Bank | None = None
    if any(not key.startswith("guides/") for key in keys):
        bank = load_bank(corpus_dir)  # validates every question and rubric file together (cross refs)
    for key in keys:
        if key.startswith("guides/"):
            out[key].append(load_file(files[key], source=key))
    if bank is not None:
        owners = _bank_owners(corpus_dir, bank)
        for document in bank_documents(bank, owners):
            if document.source in out:
                out[document.source].append(document)
    for key, documents in out.items():
        if not documents:
            raise CorpusError(f"{files[key]}: no usable content in file")
    return out


_QUESTION_ID = re.compile(r"^\s*-\s*id:\s*['\"]?([a-z0-9][a-z0-9-]*)", re.MULTILINE)
_RUBRIC_ID = re.compile(r"^id:\s*['\"]?([a-z0-9][a-z0-9-]*)", re.MULTILINE)


def _bank_owners(corpus_dir: Path, bank: Bank) -> dict[str, str]:
    """Which file each question and rubric came from (bank objects do not carry their path).

    A text scan, not a second YAML parse: load_bank has already validated these files.
    """
    owners: dict[str, str] = {}
    for path in sorted((corpus_dir / "questions").glob("*.yaml")):
        for question_id in _QUESTION_ID.findall(path.read_text(encoding="utf-8")):
            owners.setdefault(question_id, f"questions/{path.name}")
    for path in sorted((corpus_dir / "rubrics").glob("*.yaml")):
        match = _RUBRIC_ID.search(path.read_text(encoding="utf-8"))
        if match:
            owners[f"rubric:{match.group(1)}"] = f"rubrics/{path.name}"
    missing = [q.id for q in bank.questions if q.id not in owners]
    if missing:
        raise CorpusError(f"{corpus_dir / 'questions'}: cannot tell which file holds question {missing[0]!r}")
    return owners


def path_sources(paths: Sequence[Path]) -> SourceSet:
    """User files and folders (.md .txt .html .pdf), keyed by absolute path."""
    files: dict[str, Path] = {}
    roots: list[str] = []
    for given in paths:
        path = given.expanduser().resolve()
        if path.is_dir():
            roots.append(str(path) + "/")
            for child in sorted(path.rglob("*")):
                if (
                    child.is_file()
                    and child.suffix.lower() in SUPPORTED_SUFFIXES
                    and not _hidden(child, path)
                ):
                    files[str(child)] = child
        elif path.is_file():
            if path.suffix.lower() not in SUPPORTED_SUFFIXES:
                raise CorpusError(
                    f"{path}: unsupported file type; use one of {', '.join(SUPPORTED_SUFFIXES)}"
                )
            roots.append(str(path))
            files[str(path)] = path
        else:
            raise CorpusError(f"{given}: no such file or folder")
    hashes = {key: file_hash(path) for key, path in files.items()}

    def owns(source: str) -> bool:
        return any(source == root or (root.endswith("/") and source.startswith(root)) for root in roots)

    def load(keys: list[str]) -> dict[str, list[Document]]:
        return {key: [load_file(files[key], source=key)] for key in keys}

    return SourceSet(files, hashes, owns=owns, loader=load)


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)
