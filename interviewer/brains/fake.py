"""The fake brain for tests: scripted lines first, then a plain, predictable rendering of the move."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from interviewer.brains.base import BrainContext, Move


class FakeBrain:
    """Says the next scripted line if any, else `[kind] question-or-probe`."""

    name = "fake"

    def __init__(self, lines: Iterable[str] = ()) -> None:
        self.lines = list(lines)
        self.moves: list[Move] = []

    def author(self, move: Move) -> str:
        return self.name

    def stream(self, move: Move, ctx: BrainContext) -> Iterator[str]:
        """Record the move and yield one line."""
        self.moves.append(move)
        if self.lines:
            yield self.lines.pop(0)
            return
        body = move.probe or move.question or move.summary or ""
        yield f"[{move.kind}] {move.note}{body}".rstrip()
