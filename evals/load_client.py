"""The load bench's HTTP client: one keep-alive HTTP/1.1 connection per simulated candidate, JSON in
and out, on asyncio streams.

The load generator shares the two cores with the server it measures, so its own cost is part of
every figure. httpx's async client spent 8 ms of CPU per request at 100 candidates (its connection
pool is scanned on every request; one pool per candidate still cost 4 ms, most of it building each
client's SSL context); this spends a fraction of a millisecond, leaving the cores to the server.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Any


class LoadClientError(Exception):
    """The connection failed or the server's answer was not HTTP/1.1 with a Content-Length body."""


class LoadClient:
    """POSTs JSON to one host:port over a single connection, opened on first use."""

    def __init__(self, host: str, port: int, timeout_s: float) -> None:
        self.host, self.port, self.timeout_s = host, port, timeout_s
        self._streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def post(self, path: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """(status, JSON body); LoadClientError on a network failure or a malformed answer."""
        try:
            return await asyncio.wait_for(self._exchange(path, body), self.timeout_s)
        except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError) as exc:
            await self.close()
            raise LoadClientError(f"{type(exc).__name__}: {exc}") from exc

    async def _exchange(self, path: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if self._streams is None:
            self._streams = await asyncio.open_connection(self.host, self.port)
        reader, writer = self._streams
        payload = json.dumps(body).encode()
        head = (
            f"POST {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n\r\n"
        )
        writer.write(head.encode() + payload)
        await writer.drain()
        status_line = await reader.readline()
        parts = status_line.split()
        if len(parts) < 2 or not parts[0].startswith(b"HTTP/1."):
            raise ValueError(f"not an HTTP/1.1 status line: {status_line[:60]!r}")
        length = None
        while (line := await reader.readline()) not in (b"\r\n", b"\n", b""):
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value.strip())
        if length is None:
            raise ValueError("no Content-Length in the answer")
        data = await reader.readexactly(length)
        return int(parts[1]), json.loads(data) if data else {}

    async def close(self) -> None:
        if self._streams is not None:
            writer = self._streams[1]
            self._streams = None
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()
