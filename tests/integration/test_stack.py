"""`make stack` without Docker: a Chroma server, PostgreSQL and two API worker processes sharing them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from api.stack import Stack, StackConfig
from tests.support.api_support import free_port, throwaway_postgres_database

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

ANSWER = (
    "I would size it first: 10 million users, 5% convert, so 500k orders a month. Then I would run an A/B "
    "test on the ranking change with conversion as the primary KPI and revenue per user as a guardrail."
)


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    data_dir: Path = tmp_path_factory.mktemp("stack")
    with throwaway_postgres_database() as url:
        config = StackConfig(
            data_dir=data_dir,
            database_url=url,
            chroma_port=free_port(),
            api_ports=(free_port(), free_port()),
            require_api_keys=True,
        )
        running = Stack(config)
        try:
            running.start(timeout=240)
            yield running
        finally:
            running.stop()


def test_both_workers_are_ready_on_the_shared_services(stack: Stack) -> None:
    for url in stack.api_urls:
        ready = httpx.get(f"{url}/readyz", timeout=60)
        assert ready.status_code == 200
        assert ready.json()["checks"] == {
            "database": "ok",
            "bank": "ok",
            "embedder": "ok",
            "vector_store": "ok",
            "warm_up": "ok",
        }
    heartbeat = httpx.get(f"{stack.chroma_url}/api/v2/heartbeat", timeout=10)
    assert heartbeat.status_code == 200


def test_a_session_moves_between_workers_with_identical_results(stack: Stack) -> None:
    from interviewer.settings import load_settings
    from interviewer.store import build_stores

    settings = load_settings(data_dir=stack.config.data_dir, database_url=stack.config.database_url)
    _, users = build_stores(settings)
    _, key = users.add_user_with_key("stack-tester")
    auth = {"Authorization": f"Bearer {key}"}
    one, two = (httpx.Client(base_url=url, headers=auth, timeout=180) for url in stack.api_urls)
    sid = one.post("/v1/sessions", json={"round": "case-study"}).json()["id"]
    assert two.get(f"/v1/sessions/{sid}").json() == one.get(f"/v1/sessions/{sid}").json()
    reply = two.post(f"/v1/sessions/{sid}/messages", json={"content": ANSWER})
    assert reply.status_code == 200, reply.text
    hint = one.post(f"/v1/sessions/{sid}/messages", json={"content": "/hint"})
    assert hint.status_code == 200 and len(hint.json()["session"]["turns"]) == 5
    report = two.post(f"/v1/sessions/{sid}/end").json()
    assert one.get(f"/v1/sessions/{sid}/report").json() == report
    assert one.get("/v1/progress").json() == two.get("/v1/progress").json()
    assert len(one.get("/v1/progress").json()["points"]) == 1
    body = {"round": "case-study", "question": "How would you grow order volume?", "answer": ANSWER}
    graded = [client.post("/v1/grade", json=body).json() for client in (one, two)]
    assert graded[0] == graded[1] and graded[0]["overall"]["score"] >= 1
    search_like = [client.get("/v1/questions?round=case-study").json() for client in (one, two)]
    assert search_like[0] == search_like[1] and search_like[0]["total"] > 0
    assert one.get("/v1/sessions").status_code == 200
    anonymous = httpx.get(f"{stack.api_urls[0]}/v1/sessions", timeout=30)
    assert anonymous.status_code == 401
