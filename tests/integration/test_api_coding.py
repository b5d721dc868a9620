"""The coding routes over the real sandbox: a passing, a failing and a hostile submission, clarifying
questions, and no hidden test data or hidden-run output in any response."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.app import build_app
from interviewer.settings import Settings, load_settings
from tests.support.api_support import hashing_services

pytestmark = pytest.mark.slow

PASSING = (
    "import heapq\nfrom collections import Counter\n\n\ndef top_k(items, k):\n"
    "    counts = Counter(items)\n"
    "    return [i for i, _ in heapq.nsmallest(k, counts.items(), key=lambda p: (-p[1], p[0]))]\n"
)
WRONG_ON_TIES = (
    "from collections import Counter\n\ndef top_k(items, k):\n"
    "    return [i for i, _ in Counter(items).most_common(k)]\n"
)
HOSTILE = (
    "import os\n\ndef top_k(items, k):\n"
    "    print(open('/etc/hostname').read(), dict(os.environ))\n    return os.listdir('/')\n"
)


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    app_settings = load_settings(data_dir=settings.data_dir, brain="fake", warm_up=False, sandbox_wall_s=10)
    with TestClient(build_app(hashing_services(app_settings))) as test_client:
        yield test_client


def test_problems_are_listed_per_round_without_private_fields(client: TestClient) -> None:
    listed = client.get("/v1/coding/problems", params={"round": "ml-coding"}).json()["problems"]
    assert listed and {p["round"] for p in listed} == {"ml-coding"}
    shown = client.get("/v1/coding/problems/top-k-frequent").json()
    assert shown["examples"] == [{"name": "basic", "call": "top_k(['b', 'a', 'b', 'c', 'a', 'b'], 2)"}]
    assert "reference" not in shown and "heapq.nsmallest" not in str(shown)
    assert client.get("/v1/coding/problems/nope").status_code == 404


def test_a_clarifying_question_is_answered_from_the_facts(client: TestClient) -> None:
    answer = client.post("/v1/coding/problems/top-k-frequent/ask", json={"question": "How are ties broken?"})
    assert answer.json()["answer"] == "Ties are broken alphabetically, smallest string first."
    hint = client.post("/v1/coding/problems/top-k-frequent/hint", json={"number": 0}).json()["answer"]
    assert hint.startswith("Count with a dict")


def test_a_passing_submission_is_graded_with_evidence(client: TestClient) -> None:
    run = client.post("/v1/coding/problems/top-k-frequent/run", json={"code": PASSING}).json()
    assert run["verdict"] == "ok" and run["passed"] == run["total"] == 1 and run["runs"] == 1
    body = {
        "session_id": run["session_id"],
        "code": PASSING,
        "runs": 40,  # a client's claim: ignored, the session counted one run
        "questions": ["How are ties broken?"],
        "words": ["Counting is O(n) and the heap keeps k items, so O(n + d log k), because k is small."],
    }
    submitted = client.post("/v1/coding/problems/top-k-frequent/submit", json=body).json()
    assert submitted["passed"] == submitted["total"] == 4
    assert submitted["session_id"] == run["session_id"] and submitted["runs"] == 1
    criteria = {c["id"]: c for c in submitted["report"]["criteria"]}
    assert criteria["correctness"]["level"] == 4 and criteria["complexity"]["level"] == 4
    assert "ran the examples 1 time(s) before submitting" in criteria["testing"]["evidence"]
    assert submitted["report"]["label"] in {"Lean Hire", "Strong Hire"}


def test_a_coding_session_is_a_session_like_any_other(client: TestClient) -> None:
    run = client.post("/v1/coding/problems/top-k-frequent/run", json={"code": PASSING}).json()
    sid = run["session_id"]
    listed = client.get("/v1/sessions").json()["items"]
    assert any(s["id"] == sid and s["round"] == "coding" for s in listed)
    sent = client.post(f"/v1/sessions/{sid}/messages", json={"content": f"/submit\n```python\n{PASSING}```"})
    assert sent.status_code == 200 and sent.json()["reply"]["kind"] == "submission"
    assert sent.json()["session"]["runs"] == 1 and sent.json()["session"]["submissions"] == 1
    report = client.post(f"/v1/sessions/{sid}/end").json()
    assert report["round"] == "coding" and report["questions"][0]["question_id"] == "top-k-frequent"
    assert client.get(f"/v1/sessions/{sid}/report").json()["overall"] == report["overall"]
    assert (
        client.post(
            "/v1/coding/problems/top-k-frequent/run", json={"code": PASSING, "session_id": sid}
        ).status_code
        == 409
    )
    other = client.post("/v1/coding/problems/moving-average/run", json={"code": PASSING, "session_id": sid})
    assert other.status_code == 422
    started = client.post("/v1/sessions", json={"round": "ml-coding", "question_id": "kmeans-from-scratch"})
    assert started.status_code == 201 and "K-means" in started.json()["turns"][0]["text"]


def test_a_failing_submission_gets_a_fix_request_naming_only_what_the_test_is_about(
    client: TestClient,
) -> None:
    submitted = client.post("/v1/coding/problems/top-k-frequent/submit", json={"code": WRONG_ON_TIES}).json()
    assert submitted["passed"] < submitted["total"]
    assert "hidden test ties (every item equally frequent) returned a wrong answer" in submitted["reply"]
    assert "['z', 'y', 'x']" not in str(submitted)
    assert submitted["stdout"] == ""


def test_a_hostile_submission_sees_nothing_of_the_server(client: TestClient) -> None:
    run = client.post("/v1/coding/problems/top-k-frequent/run", json={"code": HOSTILE}).json()
    assert run["verdict"] == "error"  # /etc is not there
    assert "FileNotFoundError" in run["first_failure"]
    assert "MI_" not in str(run)
