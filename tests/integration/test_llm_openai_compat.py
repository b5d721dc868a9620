"""The langchain-openai adapter against a local fake endpoint, and a session surviving endpoint faults."""

from __future__ import annotations

import time

import pytest

from interviewer.composition import Components
from interviewer.domain.rounds import Round
from interviewer.errors import ProviderError
from interviewer.llm.openai_compat import OpenAICompatChatModel
from interviewer.ports import ChatMessage, Embedder
from interviewer.settings import Settings
from tests.support.llm_fault_server import fault_server

pytestmark = pytest.mark.slow  # importing langchain-openai alone takes seconds here

MESSAGES = [ChatMessage("system", "You are an interviewer."), ChatMessage("user", "Say hello.")]


def _model(url: str, timeout: float = 2.0) -> OpenAICompatChatModel:
    return OpenAICompatChatModel(base_url=url, model="m", timeout_s=timeout, max_tokens=64)


def test_complete_and_stream_send_max_tokens_in_the_body() -> None:
    with fault_server(reply="Hello there, candidate.") as (server, url):
        model = _model(url)
        assert model.complete(MESSAGES, max_tokens=32) == "Hello there, candidate."
        assert server.requests[-1]["max_tokens"] == 32
        assert "max_completion_tokens" not in server.requests[-1]
        assert server.requests[-1]["messages"][0] == {"role": "system", "content": "You are an interviewer."}
        chunks = list(model.stream(MESSAGES))
        assert len(chunks) > 1 and "".join(chunks).strip() == "Hello there, candidate."
        assert server.requests[-1]["stream"] is True and server.requests[-1]["max_tokens"] == 64


def test_json_schema_goes_as_json_object_response_format() -> None:
    with fault_server(reply='{"ok": true}') as (server, url):
        schema = {"type": "object", "properties": {"ok": {"type": "boolean"}}}
        _model(url).complete(MESSAGES, json_schema=schema)
        assert server.requests[-1]["response_format"] == {"type": "json_object", "schema": schema}


@pytest.mark.parametrize("mode", ["500", "garbage"])
def test_http_errors_and_garbage_become_provider_errors(mode: str) -> None:
    with fault_server(default=mode) as (_, url):
        model = _model(url)
        with pytest.raises(ProviderError):
            model.complete(MESSAGES)
        with pytest.raises(ProviderError):
            list(model.stream(MESSAGES))


def test_timeout_becomes_a_provider_error_quickly() -> None:
    with fault_server(default="slow") as (server, url):
        server.slow_s = 3.0
        started = time.monotonic()
        with pytest.raises(ProviderError):
            _model(url, timeout=0.5).complete(MESSAGES)
        assert time.monotonic() - started < 2.5


def test_connection_refused_is_a_provider_error() -> None:
    with pytest.raises(ProviderError):
        _model("http://127.0.0.1:9/v1", timeout=1).complete(MESSAGES)


def _llm_settings(settings: Settings, url: str) -> Settings:
    return settings.model_copy(
        update={
            "brain": "llm", "llm_base_url": url, "llm_timeout_s": 0.5, "llm_max_retries": 1,
            "llm_retry_backoff_s": 0.01, "max_follow_ups": 6,
        }
    )  # fmt: skip


@pytest.mark.slow
def test_session_survives_timeout_500_and_garbage_mid_session(
    settings: Settings, real_embedder: Embedder
) -> None:
    with fault_server() as (server, url):
        server.slow_s = 1.5
        server.reword = True  # a capable model: it rewords the planned line, so the validator passes it
        # The validator's on-target threshold is tuned for MiniLM: the real embedder, not the hashing fake.
        interviewer = Components(_llm_settings(settings, url), embedder=real_embedder).interviewer()
        state = interviewer.start(Round.ML_SYSTEM_DESIGN, seed=0)
        assert state.turns[0].brain == "llm"
        answers = ["First answer.", "Second answer.", "Third answer.", "Fourth answer.", "Fifth answer."]
        faults = [[], ["slow", "slow"], ["500", "500"], ["garbage", "garbage"], []]
        for answer, modes in zip(answers, faults, strict=True):
            server.modes.extend(modes)
            state = interviewer.advance(interviewer.record_candidate(state, answer)).state
        candidate = [t.text for t in state.turns if t.speaker == "candidate"]
        assert candidate == answers
        speakers = [t.speaker for t in state.turns]
        assert speakers == ["interviewer"] + ["candidate", "interviewer"] * len(answers)
        brains = [t.brain for t in state.turns if t.speaker == "interviewer"]
        assert brains == ["llm", "llm", "offline", "offline", "offline", "llm"]
        assert [e.kind for e in state.events].count("llm_fallback") == 3
        assert all(t.text.strip() for t in state.turns)
