"""Judge plumbing for ragas Faithfulness / ResponseRelevancy against a real HTTP endpoint on 127.0.0.1.

The fake judge answers each ragas prompt with the JSON shape that prompt asks for (statements, NLI
verdicts, generated question), or with garbage, or too slowly, so NaN counting and timeouts are
exercised through ragas's own code path. Numbers are not the point; the plumbing is.
"""

from __future__ import annotations

import json
import math
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from evals.ragas_metrics import JudgeSample, judge_metrics

pytestmark = pytest.mark.slow


class JudgeState:
    def __init__(self, mode: str) -> None:
        self.mode = mode  # "ok" | "garbage" | "slow"
        self.requests = 0


def _reply_for(prompt: str) -> dict:
    if "verdict" in prompt:
        return {
            "statements": [{"statement": "The answer names a metric.", "reason": "said so", "verdict": 1}]
        }
    if "noncommittal" in prompt:
        return {"question": "How should the answer be graded?", "noncommittal": 0}
    return {"statements": ["The answer names a metric."]}


def _handler(state: JudgeState) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
            state.requests += 1
            prompt = " ".join(str(m.get("content", "")) for m in body.get("messages", []))
            if state.mode == "slow":
                time.sleep(4)
            content = "this is { not json" if state.mode == "garbage" else json.dumps(_reply_for(prompt))
            data = json.dumps(
                {
                    "id": "j", "object": "chat.completion", "created": 0, "model": "judge",
                    "choices": [{"index": 0, "message": {"role": "assistant", "content": content},
                                 "finish_reason": "stop"}],
                    "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
                }
            ).encode()  # fmt: skip
            try:
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass

    return Handler


@contextmanager
def judge_server(mode: str) -> Iterator[tuple[JudgeState, str]]:
    state = JudgeState(mode)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield state, f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    finally:
        httpd.shutdown()
        httpd.server_close()


SAMPLES = [
    JudgeSample(
        "Give interview feedback on: design a feed ranker",
        "The answer names a metric. It should add a latency budget.",
        [
            "Candidate said: I would use NDCG as the offline metric.",
            "Requirements and metrics: names metrics",
        ],
    ),
    JudgeSample(
        "Give feedback on: explain dropout", "The answer names a metric.", ["Candidate said: dropout."]
    ),
]


def test_judge_metrics_score_through_ragas(fake_embedder) -> None:
    with judge_server("ok") as (state, url):
        result = judge_metrics(SAMPLES, base_url=url, model="judge", embedder=fake_embedder, timeout_s=20)
    assert state.requests >= 4  # statements + verdicts + relevancy question, per sample
    faith = result["faithfulness"]
    assert faith["n"] == 2 and faith["nan_count"] == 0
    assert faith["mean"] == pytest.approx(1.0)
    relevancy = result["answer_relevancy"]
    assert relevancy["nan_count"] == 0 and not math.isnan(float(relevancy["mean"]))


def test_garbage_judge_json_is_counted_as_nan(fake_embedder) -> None:
    with judge_server("garbage") as (_, url):
        result = judge_metrics(SAMPLES, base_url=url, model="judge", embedder=fake_embedder, timeout_s=20)
    assert result["faithfulness"]["nan_count"] == 2
    assert math.isnan(float(result["faithfulness"]["mean"]))


def test_slow_judge_times_out_to_nan(fake_embedder) -> None:
    started = time.monotonic()
    with judge_server("slow") as (_, url):
        result = judge_metrics(
            SAMPLES[:1], base_url=url, model="judge", embedder=fake_embedder, timeout_s=1.5
        )
    assert result["faithfulness"]["nan_count"] == 1
    assert result["answer_relevancy"]["nan_count"] == 1
    assert time.monotonic() - started < 30


def test_unreachable_judge_is_nan_not_a_crash(fake_embedder) -> None:
    result = judge_metrics(
        SAMPLES[:1], base_url="http://127.0.0.1:9/v1", model="judge", embedder=fake_embedder, timeout_s=2
    )
    assert result["faithfulness"]["nan_count"] == 1
