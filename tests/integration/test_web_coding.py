"""The coding page in a real browser (Debian chromium via Playwright): the vendored CodeMirror editor, a
passing submission with its report, a failing run with the fix request, and a hostile submission."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlparse

import pytest

from api.app import build_app
from interviewer.settings import Settings, load_settings
from tests.integration.test_web import CHROMIUM, FLAGS
from tests.support.api_support import ThreadedServer, hashing_services

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian chromium: run scripts/install-browser.sh"),
]

PASSING = """from collections import Counter


def top_k(items, k):
    counts = Counter(items)
    return sorted(counts, key=lambda item: (-counts[item], item))[:k]
"""
FAILING = """def top_k(items, k):
    return sorted(set(items))[:k]
"""
HOSTILE = """import os, socket


def top_k(items, k):
    print(sorted(os.environ))
    socket.create_connection(("127.0.0.1", 80), 1)
"""


@pytest.fixture
def site(settings: Settings) -> Iterator[tuple[str, str]]:
    app_settings = load_settings(
        data_dir=settings.data_dir, brain="fake", warm_up=False, require_api_keys=True
    )
    services = hashing_services(app_settings)
    _, key = services.users.add_user_with_key("coder")
    with ThreadedServer(build_app(services)) as running:
        yield running.url, key


@pytest.fixture
def page() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    outside: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS, headless=True)
        context = browser.new_context(viewport={"width": 1200, "height": 1600})

        def only_local(route) -> None:  # type: ignore[no-untyped-def]
            if urlparse(route.request.url).hostname == "127.0.0.1":
                route.continue_()
            else:
                outside.append(route.request.url)
                route.abort()

        context.route("**/*", only_local)
        page = context.new_page()
        page.set_default_timeout(30_000)
        yield page
        browser.close()
    assert not outside, f"the page asked for something off this machine: {outside}"


def _open(page, site: tuple[str, str]) -> None:  # type: ignore[no-untyped-def]
    url, key = site
    page.goto(f"{url}/static/coding.html#key={key}")
    page.locator("#problem option[value='top-k-frequent']").wait_for(state="attached")
    page.locator("#problem").select_option("top-k-frequent")
    page.wait_for_function(
        "document.querySelector('.CodeMirror').CodeMirror.getValue().includes('def top_k')"
    )


def _write(page, code: str) -> None:  # type: ignore[no-untyped-def]
    page.evaluate("code => document.querySelector('.CodeMirror').CodeMirror.setValue(code)", code)


def test_a_passing_submission_shows_every_test_and_the_report(page, site: tuple[str, str]) -> None:  # type: ignore[no-untyped-def]
    _open(page, site)
    assert page.evaluate("typeof CodeMirror") == "function"
    page.get_by_label("Clarifying question").fill("How are ties broken?")
    page.get_by_role("button", name="Ask").click()
    page.get_by_text("interviewer: Ties are broken alphabetically").wait_for()
    _write(page, PASSING)
    page.get_by_role("button", name="Run examples").click()
    page.locator("#results tr.pass").first.wait_for()
    page.get_by_label("Your approach, complexity and edge cases").fill(
        "Count with a Counter, sort by negative count then name so ties are alphabetical: O(n + d log d)."
    )
    page.get_by_role("button", name="Submit").click()
    page.locator("#report .score").wait_for()
    assert page.locator("#results tr.pass").count() == 4
    assert page.locator("#results tr.fail").count() == 0
    assert "All 4 tests pass" in page.locator("#reply").inner_text()
    # One stored session for the question, the run and the submission; the grade counts the run it saw.
    assert "ran the examples 1 time(s) before submitting" in page.locator("#report").inner_text()
    assert "1 clarifying question(s)" in page.locator("#report").inner_text()


def test_a_failing_run_asks_for_a_fix(page, site: tuple[str, str]) -> None:  # type: ignore[no-untyped-def]
    _open(page, site)
    _write(page, FAILING)
    page.get_by_role("button", name="Run examples").click()
    page.locator("#results tr.fail").wait_for()
    reply = page.locator("#reply").inner_text()
    assert "expected" in reply and "fix" in reply


def test_a_hostile_submission_is_contained_and_reported(page, site: tuple[str, str]) -> None:  # type: ignore[no-untyped-def]
    _open(page, site)
    _write(page, HOSTILE)
    page.get_by_role("button", name="Run examples").click()
    page.locator("#results tr.fail").wait_for()
    assert (
        "OSError" in page.locator("#results").inner_text()
        or "ConnectionRefused" in page.locator("#results").inner_text()
    )
    assert "MI_" not in page.locator("#output").inner_text()


def test_a_problem_named_in_the_address_opens_chosen(page, site: tuple[str, str]) -> None:  # type: ignore[no-untyped-def]
    # The main page's "Practise next" on a coding item lands here with #problem=<id>.
    url, key = site
    page.goto(f"{url}/static/coding.html#key={key}&problem=kmeans-from-scratch")
    page.wait_for_function("document.querySelector('#problem').value === 'kmeans-from-scratch'")
    page.wait_for_function("document.querySelector('.CodeMirror').CodeMirror.getValue().includes('def ')")
    assert "k-means" in page.locator("#statement").inner_text()
    assert "#" not in page.url  # the key and the problem leave the address once read
