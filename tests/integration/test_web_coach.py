"""Between interviews in a real browser (Debian chromium, headless): a seeded two-week candidate's
study plan, progress and "practise next", the coach-first report, and /docs with no network."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from api.app import build_app
from api.deps import Services, build_services
from evals.coach_history import TWO_WEEKS, seed_history
from interviewer.composition import Components
from interviewer.domain.bank import Bank
from interviewer.ports import Embedder
from interviewer.settings import REPO_ROOT, Settings
from interviewer.store import User
from tests.integration.test_web import CHROMIUM, FLAGS
from tests.support.api_support import ThreadedServer

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian chromium: run scripts/install-browser.sh"),
]
DOCS = REPO_ROOT / "docs"


@dataclass
class Candidate:
    url: str
    services: Services
    user: User
    key: str


@pytest.fixture(scope="module")
def candidate(
    tmp_path_factory: pytest.TempPathFactory, ingested_settings: Settings, real_embedder: Embedder, bank: Bank
) -> Iterator[Candidate]:
    """The real engine and grader over the ingested corpus, and two weeks of practice already stored."""
    database = tmp_path_factory.mktemp("coach") / "coach.sqlite3"
    update = {"database_url": f"sqlite:///{database}", "require_api_keys": True, "max_follow_ups": 0}
    settings = ingested_settings.model_copy(update=update)
    services = build_services(Components(settings, embedder=real_embedder, bank=bank))
    user, key = services.users.add_user_with_key("returning-candidate")
    seed_history(services.components, user.id, datetime.now(UTC) - timedelta(days=14))
    with ThreadedServer(build_app(services)) as running:
        yield Candidate(running.url, services, user, key)


@pytest.fixture
def page() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS, headless=True)
        context = browser.new_context(viewport={"width": 1200, "height": 1400}, accept_downloads=True)
        page = context.new_page()
        page.set_default_timeout(60_000)
        yield page
        browser.close()


def test_plan_progress_practise_next_and_the_coach_first_report(candidate: Candidate, page) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{candidate.url}/#key={candidate.key}")
    page.get_by_role("button", name="History").click()
    page.locator("#plan li button").first.wait_for()
    page.locator("#chart svg circle").first.wait_for()
    latest = TWO_WEEKS[-1].round
    assert page.locator("#history-round").input_value() == latest  # the chart opens on the latest round
    rows = page.locator("#progress-table tbody tr")
    assert rows.count() == sum(1 for c in newest_criteria(candidate, latest))
    assert page.locator("#weakest").inner_text().startswith("Weakest across rounds: ")
    assert "Questions you saw in the last 3 days are left out." in page.locator("#plan-note").inner_text()
    page.screenshot(path=str(DOCS / "progress.png"), full_page=True)
    with page.expect_download() as download:
        page.get_by_role("button", name="Export CSV").click()
    assert Path(download.value.path()).read_text().startswith("session_id,round,at,overall,criterion_id")
    with page.expect_download() as download:
        page.get_by_role("button", name="Export JSON").click()
    exported = json.loads(Path(download.value.path()).read_text())
    assert exported["latest_round"] == latest and len(exported["points"]) == len(TWO_WEEKS)

    planned = candidate.services.components.practice().plan(candidate.user.id).items[0]
    page.locator("#plan li button").first.click()
    page.locator("#transcript li").first.wait_for()
    newest = candidate.services.sessions.list(candidate.user.id, limit=1)[0]
    assert newest.round == planned.round and newest.questions[0].question_id == planned.question_id

    page.get_by_label("Your answer").fill(
        "I would first agree the goal and the metric with the team, then ship a simple baseline, measure it "
        "offline and online, and only then add the more complex model if the numbers justify the cost."
    )
    page.keyboard.press("Control+Enter")
    page.wait_for_function("!document.querySelector('#send').disabled")
    report = page.locator("#report")
    if report.is_hidden():  # a round with a second question: end it here
        page.get_by_role("button", name="End and get feedback").click()
    report.wait_for(state="visible")
    summary = page.locator("#coach-summary p")
    assert summary.count() >= 2
    assert summary.nth(0).inner_text().split(" — ")[1].split(":")[0] in {
        "No Hire",
        "Lean No Hire",
        "Lean Hire",
        "Strong Hire",
    }
    assert summary.nth(1).inner_text().startswith(("Strongest", "Best-evidenced"))
    order = page.evaluate(
        "[...document.querySelectorAll('#report > *')].map((n) => n.id || n.className || n.tagName)"
    )
    assert order[:3] == ["report-title", "coach-summary", "criteria"]
    assert page.locator("#report details.criteria").get_attribute("open") is not None
    folded = page.locator("#report details:not(.criteria)")
    assert folded.count() >= 1 and all(
        folded.nth(i).get_attribute("open") is None for i in range(folded.count())
    )
    text = report.inner_text()
    assert "None." not in text and "Problem" not in page.locator("#status").inner_text()
    quotes = page.locator("#report blockquote").all_inner_texts()
    assert len(quotes) == len(set(quotes))  # no sentence twice
    page.screenshot(path=str(DOCS / "report.png"), full_page=True)


def test_docs_render_the_operations_list_with_no_network(candidate: Candidate, page) -> None:  # type: ignore[no-untyped-def]
    outside: list[str] = []

    def only_local(route) -> None:  # type: ignore[no-untyped-def]
        if route.request.url.startswith(candidate.url):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", only_local)
    page.goto(f"{candidate.url}/docs")
    page.locator(".opblock").first.wait_for()
    operations = page.locator(".opblock-summary-path").all_inner_texts()
    assert "/v1/plan" in operations and "/v1/progress" in operations and len(operations) >= 10
    assert outside == []
    page.goto(f"{candidate.url}/redoc")
    page.get_by_text("/v1/plan").first.wait_for()
    # ReDoc renders from the bundled script; only its "powered by" badge image points at its site (blocked).
    assert all(url.endswith("logo-mini.svg") for url in outside)


def newest_criteria(candidate: Candidate, round_: str) -> list[str]:
    """The criteria of the user's latest ended session of `round_` (the trend table's rows)."""
    history = candidate.services.components.practice().history(candidate.user.id)
    return list(next(s for s in reversed(history) if s.round == round_).criteria)
