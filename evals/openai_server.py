"""Any ChatModel served over the OpenAI chat-completions protocol on 127.0.0.1 (plain and streamed).

The eval uses it to put the scripted "good" model (`interviewer.llm.scripted.GoodScriptedModel`) behind
a real HTTP endpoint, so the LLM path is measured through the same adapter as a real server. The wire
format and the server loop are shared with the tests' fault-injecting endpoint.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from interviewer.ports import ChatMessage, ChatModel

MODEL_ID = "scripted-good"


def completion(text: str, model: str = MODEL_ID) -> dict[str, Any]:
    """A chat.completion body answering `text`."""
    message = {"role": "assistant", "content": text}
    return {
        "id": "c",
        "object": "chat.completion",
        "created": 0,
        "model": model,
        "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


def write_stream(handler: BaseHTTPRequestHandler, pieces: Iterable[str], model: str = MODEL_ID) -> None:
    """Answer `handler`'s request as a server-sent event stream of chat.completion.chunk deltas."""
    handler.send_response(200)
    handler.send_header("Content-Type", "text/event-stream")
    handler.end_headers()
    for piece in pieces:
        delta = {"index": 0, "delta": {"content": piece}, "finish_reason": None}
        chunk = {
            "id": "c",
            "object": "chat.completion.chunk",
            "created": 0,
            "model": model,
            "choices": [delta],
        }
        handler.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
    handler.wfile.write(b"data: [DONE]\n\n")


def write_body(handler: BaseHTTPRequestHandler, status: int, kind: str, data: bytes) -> None:
    """Answer `handler`'s request with `data`; a client that hung up is not an error of the server."""
    try:
        handler.send_response(status)
        handler.send_header("Content-Type", kind)
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)
    except (BrokenPipeError, ConnectionResetError):
        pass


def read_body(handler: BaseHTTPRequestHandler) -> dict[str, Any]:
    """The JSON body of `handler`'s request ({} when empty)."""
    body: dict[str, Any] = json.loads(
        handler.rfile.read(int(handler.headers.get("Content-Length", 0))) or b"{}"
    )
    return body


@contextmanager
def serving(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """Run `handler` on a free 127.0.0.1 port; yields the `/v1` base URL; stopped on exit."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    finally:
        httpd.shutdown()
        httpd.server_close()


def _handler(model: ChatModel) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            listing = {"object": "list", "data": [{"id": MODEL_ID, "object": "model"}]}
            write_body(self, 200, "application/json", json.dumps(listing).encode())

        def do_POST(self) -> None:
            body = read_body(self)
            messages = [ChatMessage(m["role"], str(m.get("content", ""))) for m in body.get("messages", [])]
            if body.get("stream"):
                write_stream(self, model.stream(messages))
                return
            schema = (body.get("response_format") or {}).get("schema")
            text = model.complete(messages, json_schema=schema)
            write_body(self, 200, "application/json", json.dumps(completion(text)).encode())

    return Handler


@contextmanager
def serve_model(model: ChatModel) -> Iterator[str]:
    """Serve `model` on a free 127.0.0.1 port; yields the `/v1` base URL; stopped on exit."""
    with serving(_handler(model)) as url:
        yield url
