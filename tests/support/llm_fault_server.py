"""A tiny OpenAI-compatible endpoint for tests that can answer, stream, stall, fail or talk nonsense."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler

from evals.openai_server import completion, read_body, serving, write_body, write_stream
from interviewer.llm.scripted import GoodScriptedModel
from interviewer.ports import ChatMessage


class FaultServer:
    """Modes are consumed one per request: ok, 500, garbage, slow; `default` when the queue is empty.

    An `ok` request answers with the next of `replies` (a script), or with `reply` once it is used up;
    with `reword` set, an empty script is answered by the scripted good model instead (it rewords the
    planned line in the prompt, as a capable model would).
    """

    def __init__(
        self, reply: str = "Thanks. Which metric would you use online?", default: str = "ok"
    ) -> None:
        self.reply = reply
        self.default = default
        self.modes: list[str] = []
        self.replies: list[str] = []
        self.requests: list[dict] = []
        self.slow_s = 3.0
        self.reword = False
        self.lock = threading.Lock()

    def next_mode(self) -> str:
        with self.lock:
            return self.modes.pop(0) if self.modes else self.default

    def next_reply(self, body: dict) -> str:
        with self.lock:
            if self.replies:
                return self.replies.pop(0)
        if self.reword:
            messages = [ChatMessage(m["role"], m["content"]) for m in body.get("messages", [])]
            return GoodScriptedModel().complete(messages)
        return self.reply


def _handler(server_state: FaultServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:  # keep test output quiet
            pass

        def do_POST(self) -> None:
            body = read_body(self)
            server_state.requests.append(body)
            mode = server_state.next_mode()
            if mode == "500":
                write_body(self, 500, "application/json", b'{"error": {"message": "boom"}}')
            elif mode == "garbage":
                write_body(self, 200, "text/html", b"<html>\x00\x01 not json at all {{{")
            elif mode == "slow":
                time.sleep(server_state.slow_s)
                write_body(self, 200, "application/json", b"{}")
            elif body.get("stream"):
                words = server_state.next_reply(body).split(" ")
                write_stream(self, (word + " " for word in words), model="m")
            else:
                text = json.dumps(completion(server_state.next_reply(body), model="m"))
                write_body(self, 200, "application/json", text.encode())

    return Handler


@contextmanager
def fault_server(**kw: object) -> Iterator[tuple[FaultServer, str]]:
    """Run a FaultServer on 127.0.0.1 (free port); yields (state, base_url)."""
    state = FaultServer(**kw)  # type: ignore[arg-type]
    with serving(_handler(state)) as url:
        yield state, url
