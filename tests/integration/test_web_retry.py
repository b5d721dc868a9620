"""The web page's retries in a real browser: a fresh Idempotency-Key per answer, the same key on its own
retry, so an answer whose response was lost on the way back is shown and stored once."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.app import build_app
from api.deps import build_services
from ingest.embedder import HashingEmbedder
from interviewer.composition import Components
from interviewer.settings import load_settings
from tests.support.api_support import ThreadedServer

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian chromium: run scripts/install-browser.sh"),
]
ANSWERS = ["First: I would frame it as ranking with a clear metric.", "Second: a simple baseline first."]


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    settings = load_settings(data_dir=tmp_path / "data", brain="fake", warm_up=False)
    services = build_services(Components(settings, embedder=HashingEmbedder()))
    with ThreadedServer(build_app(services)) as running:
        yield running.url
    services.sessions.engine.dispose()


@pytest.fixture
def page() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS, headless=True)
        page = browser.new_page()
        page.set_default_timeout(30_000)
        yield page
        browser.close()


def test_a_lost_response_is_retried_with_its_key_and_stored_once(server: str, page: Any) -> None:
    keys: list[tuple[str, str]] = []
    dropped: list[str] = []

    def lose_the_first_response(route: Any) -> None:
        request = route.request
        keys.append((request.post_data_json["content"], request.headers["idempotency-key"]))
        if not dropped:  # the server stores the turn; the page sees the connection drop
            dropped.append(route.fetch().text())
            route.abort("connectionreset")
            return
        route.continue_()

    page.route("**/v1/sessions/*/messages", lose_the_first_response)
    page.goto(server)
    page.locator("#round").select_option("ml-depth")
    with page.expect_request("**/v1/sessions") as started:
        page.locator("#start").click()
    assert started.value.headers["idempotency-key"]
    for answer in ANSWERS:
        page.locator("#answer").fill(answer)
        page.locator("#send").click()  # disables Send until the reply is in (or the retries give up)
        page.wait_for_selector("#send:not([disabled])")
    assert "event: done" in dropped[0]  # the lost response was complete: the turn was stored
    assert [content for content, _ in keys] == [ANSWERS[0], ANSWERS[0], ANSWERS[1]]
    assert keys[0][1] == keys[1][1] != keys[2][1]  # the retry reuses its key; the next answer has a new one
    sessions = httpx.get(f"{server}/v1/sessions").json()["items"]
    turns = httpx.get(f"{server}/v1/sessions/{sessions[0]['id']}").json()["turns"]
    assert [t["text"] for t in turns if t["role"] == "candidate"] == ANSWERS
    shown = page.locator("#transcript li .text").all_inner_texts()
    assert shown == [t["text"] for t in turns]
