"""A tiny OpenAI-compatible endpoint for tests that can answer, stream, stall, fail or talk nonsense."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

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
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
            server_state.requests.append(body)
            mode = server_state.next_mode()
            if mode == "500":
                self._send(500, "application/json", b'{"error": {"message": "boom"}}')
            elif mode == "garbage":
                self._send(200, "text/html", b"<html>\x00\x01 not json at all {{{")
            elif mode == "slow":
                time.sleep(server_state.slow_s)
                self._send(200, "application/json", b"{}")
            elif body.get("stream"):
                self._stream(server_state.next_reply(body))
            else:
                completion = _completion(server_state.next_reply(body))
                self._send(200, "application/json", json.dumps(completion).encode())

        def _send(self, status: int, kind: str, data: bytes) -> None:
            try:
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def _stream(self, text: str) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            for word in text.split(" "):
                delta = {"index": 0, "delta": {"content": word + " "}, "finish_reason": None}
                chunk = {
                    "id": "c",
                    "object": "chat.completion.chunk",
                    "created": 0,
                    "model": "m",
                    "choices": [delta],
                }
                self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
            self.wfile.write(b"data: [DONE]\n\n")

    return Handler


def _completion(text: str) -> dict:
    return {
        "id": "c",
        "object": "chat.completion",
        "created": 0,
        "model": "m",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


@contextmanager
def fault_server(**kw: object) -> Iterator[tuple[FaultServer, str]]:
    """Run a FaultServer on 127.0.0.1 (free port); yields (state, base_url)."""
    state = FaultServer(**kw)  # type: ignore[arg-type]
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield state, f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    finally:
        httpd.shutdown()
        httpd.server_close()
