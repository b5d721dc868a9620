"""The web page in a real browser: Debian chromium, headless, driven by Playwright."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from api.app import build_app
from api.deps import Services, build_services
from interviewer.brains.llm import OFFLINE_MOVES
from interviewer.composition import Components
from interviewer.domain.bank import Bank
from interviewer.ports import Embedder
from interviewer.settings import REPO_ROOT, Settings, load_settings
from tests.support.api_support import ThreadedServer

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian chromium: run scripts/install-browser.sh"),
]


@pytest.fixture
def server(
    tmp_path: Path, ingested_settings: Settings, real_embedder: Embedder, bank: Bank
) -> Iterator[tuple[ThreadedServer, Services, str]]:
    """The real engine and grader over the ingested corpus; a fresh database."""
    settings = ingested_settings.model_copy(
        update={"database_url": f"sqlite:///{tmp_path / 'web.sqlite3'}", "require_api_keys": True}
    )
    services = build_services(Components(settings, embedder=real_embedder, bank=bank))
    services.components.interviewer()  # build the engine before the browser's first click
    _, key = services.users.add_user_with_key("web-tester")
    with ThreadedServer(build_app(services)) as running:
        yield running, services, key


@pytest.fixture
def page() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS, headless=True)
        context = browser.new_context(viewport={"width": 1200, "height": 1400})
        page = context.new_page()
        page.set_default_timeout(60_000)
        yield page
        browser.close()


ANSWERS = [
    "I would start by clarifying the goal: rank items to maximise long-term engagement, "
    "about 50 million daily users and a 100 ms latency budget. "
    "Success metric: click-through and retention, measured offline with NDCG and online with an A/B test.",
    "For data I would log impressions and clicks, build features like user history embeddings and item "
    "popularity, then train a two-tower retrieval model and a gradient boosted ranker because it is fast.",
]


def test_full_interview_to_the_report_and_history(server: tuple[ThreadedServer, Services, str], page) -> None:  # type: ignore[no-untyped-def]
    running, _, key = server
    page.goto(f"{running.url}/#key={key}")
    assert "#key" not in page.url  # the key is taken out of the address bar
    page.get_by_label("Round", exact=True).select_option("ml-system-design")
    page.get_by_label("Level").select_option("senior")
    page.get_by_role("button", name="Start interview").click()
    transcript = page.locator("#transcript li")
    transcript.first.wait_for()
    assert page.locator("#transcript").get_attribute("aria-live") == "polite"
    for answer in ANSWERS:
        count = transcript.count()
        page.get_by_label("Your answer").fill(answer)
        page.keyboard.press("Control+Enter")
        page.wait_for_function(
            f"document.querySelectorAll('#transcript li').length >= {count + 2}"
            " && !document.querySelector('#send').disabled"
        )
        assert transcript.nth(count + 1).inner_text().strip() != "Interviewer"
    page.get_by_role("button", name="Hint").click()
    page.wait_for_function("!document.querySelector('#send').disabled")
    page.get_by_role("button", name="End and get feedback").click()
    report = page.locator("#report")
    report.wait_for(state="visible")
    text = report.inner_text()
    assert (
        "Feedback report" in text
        and "/ 4" in text
        and "Practise next" in text
        and "Key points you missed" in text
    )
    criteria = page.locator("#report table tbody tr").count()
    assert criteria >= 4
    assert "Question" not in page.locator("#status").inner_text()
    os.makedirs(REPO_ROOT / "docs", exist_ok=True)
    page.screenshot(path=str(REPO_ROOT / "docs" / "screenshot.png"), full_page=True)
    page.get_by_role("button", name="History").click()
    page.get_by_label("Round to chart").select_option("ml-system-design")
    page.locator("#chart svg circle").first.wait_for()
    assert page.locator("#progress-table tbody tr").count() == criteria  # one trend row per criterion
    page.locator("#sessions li").first.wait_for()  # loaded after the chart and the plan
    assert page.locator("#sessions li").count() == 1


def test_a_line_the_offline_brain_wrote_in_an_llm_session_is_marked(
    tmp_path: Path, page, real_embedder: Embedder, bank: Bank
) -> None:  # type: ignore[no-untyped-def]
    from api.http_wait import free_port

    settings = load_settings(
        data_dir=tmp_path / "data",
        brain="llm",
        llm_base_url=f"http://127.0.0.1:{free_port()}/v1",  # nothing listens: every turn falls back
        llm_max_retries=0,
        warm_up=False,
    )
    services = build_services(Components(settings, embedder=real_embedder, bank=bank))
    with ThreadedServer(build_app(services)) as running:
        page.goto(running.url)
        page.get_by_label("Round", exact=True).select_option("case-study")
        page.get_by_role("button", name="Start interview").click()
        opening = page.locator("#transcript li").first
        opening.wait_for()
        assert "offline interviewer stood in" in opening.locator(".who").inner_text()
        page.get_by_label("Your answer").fill(ANSWERS[0])
        page.keyboard.press("Control+Enter")
        page.wait_for_function(
            "document.querySelectorAll('#transcript li').length >= 3"
            " && !document.querySelector('#send').disabled"
        )
        assert "offline interviewer stood in" in page.locator("#transcript li").nth(2).inner_text()


def _question_of_session(page, key: str, session_id: str) -> str:  # type: ignore[no-untyped-def]
    script = (
        "async ([key, id]) => (await (await fetch('/v1/sessions/' + id,"
        " {headers: {Authorization: 'Bearer ' + key}})).json()).question_id"
    )
    return str(page.evaluate(script, [key, session_id]))


def test_practise_this_question_again_opens_a_new_session_on_the_same_question(
    server: tuple[ThreadedServer, Services, str], page
) -> None:  # type: ignore[no-untyped-def]
    running, services, key = server
    page.goto(f"{running.url}/#key={key}")
    page.get_by_label("Round", exact=True).select_option("ml-system-design")
    page.get_by_role("button", name="Start interview").click()
    page.locator("#transcript li").first.wait_for()
    assert "Elapsed" in page.locator("#pace").inner_text()
    page.get_by_label("Your answer").fill(ANSWERS[0])
    page.keyboard.press("Control+Enter")
    page.wait_for_function(
        "document.querySelectorAll('#transcript li').length >= 3 && !document.querySelector('#send').disabled"
    )
    page.get_by_role("button", name="End and get feedback").click()
    page.locator("#report").wait_for(state="visible")
    again = page.locator("#report button.practise-again")
    assert again.count() == 1
    again.first.click()
    page.wait_for_function("document.querySelector('#report').hidden")
    page.locator("#transcript li").first.wait_for()
    opening = page.locator("#transcript li").first.inner_text()
    listing = (
        "async (key) => (await (await fetch('/v1/sessions?limit=5',"
        " {headers: {Authorization: 'Bearer ' + key}})).json()).items"
    )
    newest, first = page.evaluate(listing, key)
    asked = _question_of_session(page, key, first["id"])
    assert _question_of_session(page, key, newest["id"]) == asked
    assert " ".join(services.bank().question(asked).prompt.split())[:60] in opening


@pytest.mark.llm_server
def test_one_llm_session_against_the_local_model(
    tmp_path: Path, page, real_embedder: Embedder, bank: Bank
) -> None:  # type: ignore[no-untyped-def]
    """The page over the real llm brain on the packaged SmolLM2: every line is the model's own, or marked
    as the offline interviewer's exactly when the stored session says the model's line was not used."""
    pytest.importorskip("llama_cpp", reason="needs the llm-server extra")
    from api.local_llm import local_llm

    with local_llm() as url:
        settings = load_settings(
            data_dir=tmp_path / "data", brain="llm", llm_base_url=url, llm_max_retries=0, warm_up=False
        )
        services = build_services(Components(settings, embedder=real_embedder, bank=bank))
        with ThreadedServer(build_app(services)) as running:
            page.goto(running.url)
            page.get_by_label("Round", exact=True).select_option("ml-depth")
            page.get_by_role("button", name="Start interview").click()
            page.locator("#transcript li").first.wait_for()
            page.get_by_label("Your answer").fill(ANSWERS[1])
            page.keyboard.press("Control+Enter")
            page.wait_for_function(
                "document.querySelectorAll('#transcript li').length >= 3"
                " && !document.querySelector('#send').disabled"
            )
            page.get_by_role("button", name="Hint").click()
            page.wait_for_function("!document.querySelector('#send').disabled")
            shown = [t.strip() for t in page.locator("#transcript li .who").all_inner_texts()]
    state = services.sessions.list(services.local_user().id)[0]
    interviewer = [t for t in state.turns if t.speaker == "interviewer"]
    marks = [who for who in shown if who.startswith("Interviewer")]
    assert len(marks) == len(interviewer) >= 3
    for turn, mark in zip(interviewer, marks, strict=True):
        assert ("stood in" in mark) == (turn.brain == "offline" and turn.kind not in OFFLINE_MOVES), (
            turn,
            mark,
        )
        if "rejected" in mark:
            assert any(e.kind == "llm_rejected" and e.turn_index == turn.index for e in state.events)
