"""Ingest names a file that yields no chunks, says why, and records its hash so it is not re-read."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from ingest.embedder import HashingEmbedder
from ingest.pipeline import EmptyFile, ingest
from ingest.store import InMemoryStore
from interviewer.settings import Settings


@pytest.fixture
def notes(tmp_path: Path) -> Path:
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "heading.md").write_text("# Feature stores in practice\n")
    (folder / "headings.md").write_text("# Serving\n\n## Online feature lookups\n")
    (folder / "real.md").write_text("# Caching\n\nCache the candidate set for ten minutes.\n")
    return folder


def test_empty_files_are_named_with_the_reason_and_not_re_read(settings: Settings, notes: Path) -> None:
    store = InMemoryStore()
    first = ingest(settings, [notes], embedder=HashingEmbedder(), store=store)
    assert sorted(first.empty_files, key=lambda e: e.source) == [
        EmptyFile(str(notes / "heading.md"), "only headings, with no text under them"),
        EmptyFile(str(notes / "headings.md"), "only headings, with no text under them"),
    ]
    assert first.files_changed == 3 and first.chunks_embedded >= 1
    again = ingest(settings, [notes], embedder=HashingEmbedder(), store=store)
    assert again.files_changed == 0 and again.empty_files == ()
    (notes / "heading.md").write_text("# Feature stores in practice\n\nOne definition, two stores.\n")
    edited = ingest(settings, [notes], embedder=HashingEmbedder(), store=store)
    assert edited.files_changed == 1 and edited.empty_files == () and edited.chunks_embedded == 1
    (notes / "headings.md").unlink()
    removed = ingest(settings, [notes], embedder=HashingEmbedder(), store=store)
    assert removed.files_deleted == 1
    assert ingest(settings, [notes], embedder=HashingEmbedder(), store=store).files_deleted == 0


def test_the_ingest_command_warns_on_stderr(
    settings: Settings, notes: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import typer

    from interviewer.cli import ingest as ingest_commands

    monkeypatch.setenv("MI_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("MI_EMBEDDING_MODEL", "hashing-384")
    app = typer.Typer()
    ingest_commands.register(app)
    result = CliRunner().invoke(app, ["ingest", str(notes / "heading.md"), "--collection", "mine"])
    assert result.exit_code == 0, result.output
    assert f"warning: {notes / 'heading.md'} yielded no chunks: only headings" in result.stderr
    assert "1 files" in result.stdout
    quiet = CliRunner().invoke(app, ["ingest", str(notes / "heading.md"), "--collection", "mine"])
    assert quiet.exit_code == 0 and "warning" not in quiet.stderr and "(0 changed" in quiet.stdout
