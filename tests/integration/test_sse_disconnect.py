"""A client that disconnects mid-stream: the turn still completes and is stored exactly once; the next
GET shows it, and a retry with the same Idempotency-Key returns it (as JSON or as the stream's `done`)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from api.app import build_app
from api.deps import build_services
from ingest.embedder import HashingEmbedder
from interviewer.composition import Components
from interviewer.llm.scripted import ScriptedChatModel
from interviewer.ports import ChatMessage
from interviewer.settings import load_settings
from tests.support.api_support import ThreadedServer
from tests.support.servers import DATABASES, database_url

pytestmark = pytest.mark.slow
# One question and no praise, so the validator lets it stream to its end (~30 chunks) before judging it.
REPLY = (
    "Thanks for walking me through that, it helps to see where you would begin. How would you check the "
    "model offline before launch, and which single metric would you watch first once it serves traffic?"
)
CHUNK_DELAY_S = 0.15  # ~30 chunks: the reply takes seconds, the client leaves after the first


class SlowChatModel(ScriptedChatModel):
    """The scripted model; after the opening line, one word at a time with a pause (a slow endpoint)."""

    def stream(self, messages: list[ChatMessage], *, max_tokens: int | None = None) -> Iterator[str]:
        for chunk in super().stream(messages, max_tokens=max_tokens):
            if len(self.calls) > 1:
                time.sleep(CHUNK_DELAY_S)
            yield chunk


@pytest.fixture(params=DATABASES)
def server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The real app over uvicorn on 127.0.0.1 with the llm brain on the slow scripted model."""
    with database_url(request.param, tmp_path / "data") as url:
        settings = load_settings(data_dir=tmp_path / "data", database_url=url, brain="llm", warm_up=False)
        components = Components(settings, embedder=HashingEmbedder(), chat_model=SlowChatModel(default=REPLY))
        services = build_services(components)
        with ThreadedServer(build_app(services)) as running:
            yield running.url
        services.sessions.engine.dispose()


def _events(text: str) -> list[tuple[str, dict]]:
    out = []
    for block in text.strip().split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines())
        out.append((lines["event"], json.loads(lines["data"])))
    return out


def test_a_turn_whose_client_left_mid_stream_is_stored_once_and_replayed(server: str) -> None:
    client = httpx.Client(base_url=server, timeout=60)
    sid = client.post("/v1/sessions", json={"round": "ml-depth"}).json()["id"]
    answer = {"content": "I would compare it against last quarter's model on a held-out week."}
    headers = {"Accept": "text/event-stream", "Idempotency-Key": "turn-1"}
    path = f"/v1/sessions/{sid}/messages"
    with (  # its own connection, closed mid-stream
        httpx.Client(base_url=server, timeout=60) as leaving,
        leaving.stream("POST", path, json=answer, headers=headers) as stream,
    ):
        assert stream.status_code == 200
        first = next(line for line in stream.iter_lines() if line.startswith("event: "))
        assert first == "event: token"
    # The llm brain shows a reply only once the validator passed all of it, so by the first token the reply
    # exists; the store may already hold the turn here. What matters: stored once, and replayed.

    deadline = time.monotonic() + 30
    while len(turns := client.get(path.removesuffix("/messages")).json()["turns"]) == 1:
        assert time.monotonic() < deadline, "the turn was never stored"
        time.sleep(0.2)
    assert [t["role"] for t in turns] == ["interviewer", "candidate", "interviewer"]
    # The stored reply is the model's line or, when the validator rejected it, the planned offline one.
    assert turns[1]["text"] == answer["content"] and turns[2]["text"].strip()

    again = client.post(f"/v1/sessions/{sid}/messages", json=answer, headers={"Idempotency-Key": "turn-1"})
    assert again.status_code == 200 and again.headers["Idempotent-Replayed"] == "true"
    assert again.json()["reply"]["text"] == turns[2]["text"] and again.json()["session"]["turns"] == turns
    streamed = client.post(f"/v1/sessions/{sid}/messages", json=answer, headers=headers)
    assert _events(streamed.text) == [("done", again.json())]
    assert client.get(f"/v1/sessions/{sid}").json()["turns"] == turns  # still exactly once
