"""CLI commands `ingest`, `search` and `questions`; `interviewer.cli.main` calls `register(app)`."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from ingest.pipeline import ProgressCallback
from interviewer.composition import Components
from interviewer.domain.bank import Question
from interviewer.settings import load_settings


def register(app: typer.Typer) -> None:
    """Add this feature's commands to the app."""
    app.command("ingest")(ingest_command)
    app.command("search")(search_command)
    app.command("questions")(questions_command)


def ingest_command(
    paths: Annotated[list[Path] | None, typer.Argument(help="Files or folders (.md .txt .html .pdf)")] = None,
    collection: Annotated[str | None, typer.Option(help="Collection name (default MI_COLLECTION)")] = None,
    rebuild: Annotated[bool, typer.Option("--rebuild", help="Re-embed everything")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON report")] = False,
) -> None:
    """Ingest the shipped corpus (no PATH) or your own files, incrementally."""
    from ingest.pipeline import ingest

    components = Components(load_settings())
    with _progress(enabled=not as_json and sys.stderr.isatty()) as progress:
        report = ingest(
            components.settings,
            paths or None,
            collection=collection,
            rebuild=rebuild,
            embedder=components.embedder(),
            store=components.vector_store(collection),
            progress=progress,
        )
    for empty in report.empty_files:
        print(f"warning: {empty.source} yielded no chunks: {empty.reason} (recorded, so it is not re-read)",
              file=sys.stderr)  # fmt: skip
    components.grader()  # embeds the bank's fixed texts into the file every later process loads
    if as_json:
        print(json.dumps(report.as_dict()))
        return
    print(
        f"{report.collection}: {report.files_total} files ({report.files_changed} changed, "
        f"{report.files_deleted} removed), {report.chunks_embedded} chunks embedded, "
        f"{report.chunks_deleted} removed, {report.chunks_total} in collection, {report.seconds:.1f}s"
    )


@contextmanager
def _progress(*, enabled: bool) -> Iterator[ProgressCallback | None]:
    """A rich progress bar on stderr when it is a terminal; otherwise a no-op callback (or None)."""
    if not enabled:
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    columns = (TextColumn("embedding"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("embed", total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update


def search_command(
    query: Annotated[str, typer.Argument(help="What to look for")],
    collection: Annotated[str | None, typer.Option(help="Collection name (default MI_COLLECTION)")] = None,
    round_name: Annotated[str | None, typer.Option("--round", help="Only this round")] = None,
    doc_type: Annotated[str | None, typer.Option("--type", help="guide, question or rubric")] = None,
    k: Annotated[int, typer.Option("-k", min=1, max=100, help="Number of hits")] = 5,
    as_json: Annotated[bool, typer.Option("--json", help="Print only a JSON list of hits")] = False,
) -> None:
    """Hybrid (dense + BM25) search over an ingested collection."""
    from ingest.retrieval import build_retriever, validate_filters

    validate_filters(round_name, doc_type)  # a bad --round/--type fails before any model loads
    components = Components(load_settings())
    _ensure_default_corpus(components, collection)
    store = components.vector_store(collection)
    retriever = build_retriever(components.settings, store, components.embedder())
    hits = retriever.search(query, k=k, round=round_name, doc_type=doc_type)
    if as_json:
        print(json.dumps([{"text": h.text, "score": h.score, "metadata": h.metadata} for h in hits]))
        return
    if not hits:
        print("no hits")
    for rank, hit in enumerate(hits, start=1):
        meta = hit.metadata
        label = meta.get("question_id") or meta.get("criterion_id") or meta.get("section") or ""
        where = f"{meta.get('doc_type')}/{meta.get('round')}"
        print(f"{rank}. [{where}] {meta.get('title')} — {label} ({hit.score:.4f})")
        print("   " + " ".join(hit.text.split())[:300])


def _ensure_default_corpus(components: Components, collection: str | None) -> None:
    """Searching the default collection ingests the shipped corpus first if needed (cheap when done)."""
    if collection in (None, components.settings.collection):
        from ingest.pipeline import ensure_ingested

        ensure_ingested(components.settings, components.embedder(), components.vector_store())


def questions_command(
    round_name: Annotated[str | None, typer.Option("--round", help="Only this round")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON list")] = False,
) -> None:
    """List the question bank (prompts and follow-ups only; never key points or model answers)."""
    from interviewer.domain.bank import load_bank
    from interviewer.domain.rounds import parse_round

    settings = load_settings()
    wanted = parse_round(round_name) if round_name else None
    bank = load_bank(settings.corpus_dir)
    questions = [q for q in bank.questions if wanted is None or q.round == wanted]
    public = [public_question(q) for q in questions]
    if as_json:
        print(json.dumps(public))
        return
    for item in public:
        print(f"{item['id']}  [{item['round']}, {item['topic']}, {item['difficulty']}]")
        print(f"    {item['prompt']}")


def public_question(question: Question) -> dict[str, object]:
    """The fields of a bank question that may be shown before feedback."""
    data = question.model_dump(mode="json")
    return {
        key: data[key]
        for key in (
            "id",
            "round",
            "topic",
            "difficulty",
            "level",
            "companies",
            "prompt",
            "follow_ups",
            "rubric",
        )
    }
