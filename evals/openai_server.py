"""Any ChatModel served over the OpenAI chat-completions protocol on 127.0.0.1 (plain and streamed).

The eval uses it to put the scripted "good" model (`interviewer.llm.scripted.GoodScriptedModel`) behind
a real HTTP endpoint, so the LLM path is measured through the same adapter as a real server.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from interviewer.ports import ChatMessage, ChatModel


def _handler(model: ChatModel) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            self._send({"object": "list", "data": [{"id": "scripted-good", "object": "model"}]})

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
            messages = [ChatMessage(m["role"], str(m.get("content", ""))) for m in body.get("messages", [])]
            schema = (body.get("response_format") or {}).get("schema")
            if body.get("stream"):
                self._stream(model.stream(messages))
                return
            text = model.complete(messages, json_schema=schema)
            message = {"role": "assistant", "content": text}
            choice = {"index": 0, "message": message, "finish_reason": "stop"}
            self._send(
                {
                    "id": "c",
                    "object": "chat.completion",
                    "created": 0,
                    "model": "scripted-good",
                    "choices": [choice],
                    "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
                }
            )

        def _send(self, payload: dict) -> None:
            data = json.dumps(payload).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _stream(self, chunks: Iterator[str]) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            for piece in chunks:
                delta = {"index": 0, "delta": {"content": piece}, "finish_reason": None}
                chunk = {
                    "id": "c",
                    "object": "chat.completion.chunk",
                    "created": 0,
                    "model": "scripted-good",
                    "choices": [delta],
                }
                self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
            self.wfile.write(b"data: [DONE]\n\n")

    return Handler


@contextmanager
def serve_model(model: ChatModel) -> Iterator[str]:
    """Serve `model` on a free 127.0.0.1 port; yields the `/v1` base URL; stopped on exit."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(model))
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    finally:
        httpd.shutdown()
        httpd.server_close()
