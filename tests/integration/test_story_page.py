"""The live story page in a real browser (Debian's headless Chromium, driven by Playwright).

A worker runs on the embedded broker; the sample articles go in; the page at
/stories on the worker's web server shows the OpenAI story with its German
and English reports, and a later article appears without a reload. A headline
with markup shows as text. ``newsstream stories --web`` serves the same page
from the story topic.

Set NEWSSTREAM_SCREENSHOT=docs/story-page.png to keep the worker page's
screenshot (that is how the README's picture is made).
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import orjson
import pytest

from newsstream.broker import free_port
from newsstream.settings import Settings
from newsstream.stream.client import produce_lines
from newsstream.workers import WorkerProcess, settings_env

pytestmark = [pytest.mark.integration, pytest.mark.timeout(300)]

T = TypeVar("T")
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SAMPLE = Path(__file__).resolve().parents[2] / "src/newsstream/data/sample_articles.jsonl"
LATE_ID = "a-0014"  # "Kehrtwende: Altman kehrt an die Spitze von OpenAI zurück" (de)
WAIT_MS = 90_000


def off_loop(fn: Callable[..., T], *args: Any) -> T:
    """Run ``fn`` in another thread: Playwright's sync API keeps an event loop running in
    this one, so ``asyncio.run`` (producing, creating topics) must happen elsewhere."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(fn, *args).result()


def produce(settings: Settings, lines: list[bytes]) -> None:
    off_loop(asyncio.run, produce_lines(settings, lines))


def sample_lines() -> dict[str, bytes]:
    lines = [line for line in SAMPLE.read_bytes().splitlines() if line.strip()]
    return {orjson.loads(line)["id"]: line for line in lines}


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install -y chromium; .ci/run does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1100, "height": 1400})
    try:
        yield context.new_page()
    finally:
        context.close()


def ready_worker(
    settings_factory: Callable[..., Settings], worker_factory: Callable[[Settings], WorkerProcess]
) -> WorkerProcess:
    worker = off_loop(worker_factory, settings_factory())
    worker.wait_ready(timeout=120)
    return worker


def story_card(page: Any, title: str) -> Any:
    """The story card that lists an article with this title."""
    return page.locator("article.story").filter(
        has=page.locator("ul.articles .title", has_text=title)
    )


def test_the_worker_page_shows_the_openai_story_live(
    settings_factory: Callable[..., Settings],
    worker_factory: Callable[[Settings], WorkerProcess],
    page: Any,
) -> None:
    worker = ready_worker(settings_factory, worker_factory)
    lines = sample_lines()
    late = lines.pop(LATE_ID)
    produce(worker.settings, list(lines.values()))

    page.goto(f"{worker.base_url}/stories")
    german = "Paukenschlag bei OpenAI: Sam Altman muss gehen"
    english = "OpenAI board pushes out Sam Altman, citing lack of candour"
    card = story_card(page, german)
    card.locator("ul.articles .title", has_text=english).wait_for(timeout=WAIT_MS)
    assert card.count() == 1
    languages = card.locator("li.article").evaluate_all("els => els.map(e => e.dataset.language)")
    assert {"de", "en"} <= set(languages)
    assert "de, en" in card.locator(".meta").inner_text()
    assert card.locator("ol.timeline li.event .type", has_text="dismissal").count() >= 1
    assert "OpenAI" in card.locator("ol.timeline").inner_text()
    before = int(card.locator(".meta").inner_text().split("articles")[1].split()[0])

    page.evaluate("window.__sameDocument = true")  # gone if the page reloads
    produce(worker.settings, [late])
    late_title = orjson.loads(late)["title"]
    card.locator("ul.articles .title", has_text=late_title).wait_for(timeout=WAIT_MS)
    assert page.evaluate("window.__sameDocument") is True
    after = int(card.locator(".meta").inner_text().split("articles")[1].split()[0])
    assert after > before  # (earlier sample articles may still be arriving: not == +1)
    headlines = page.locator("article.story h2").all_inner_texts()
    assert len(headlines) == 3  # OpenAI, Kestrel Robotics, FC Rheinhafen
    latest = page.locator("article.story").evaluate_all(
        "els => els.map(e => e.dataset.lastPublishedAt)"
    )
    assert latest == sorted(latest, reverse=True), "the story with the newest article comes first"

    screenshot = os.environ.get("NEWSSTREAM_SCREENSHOT")
    if screenshot:
        page.screenshot(path=screenshot, full_page=True)


MARKUP = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2"><b>bold</b>'


def test_a_headline_with_markup_shows_as_text(
    settings_factory: Callable[..., Settings],
    worker_factory: Callable[[Settings], WorkerProcess],
    page: Any,
) -> None:
    worker = ready_worker(settings_factory, worker_factory)
    article = {
        "id": "markup-1",
        "title": f"Harbour strike ends {MARKUP}",
        "body": "Dock workers in Rotterdam ended their strike on Monday after a new wage deal.",
        "published_at": "2023-11-20T09:00:00+00:00",
        "source": "Harbor Ledger",
        "language": "en",
    }
    produce(worker.settings, [orjson.dumps(article)])
    page.goto(f"{worker.base_url}/stories")
    card = story_card(page, "Harbour strike ends")
    card.wait_for(timeout=WAIT_MS)
    assert card.locator("h2").inner_text() == article["title"]
    assert card.locator("ul.articles .title").inner_text() == article["title"]
    assert card.locator("script, img").count() == 0
    assert card.locator("b", has_text="bold").count() == 0  # the page's own <b> are labels
    assert page.locator("body script").count() == 0
    time.sleep(0.5)  # an onerror handler would have fired by now
    assert page.evaluate("window.__pwned") is None


def test_stories_web_serves_the_same_page_from_the_story_topic(
    settings_factory: Callable[..., Settings],
    worker_factory: Callable[[Settings], WorkerProcess],
    page: Any,
    tmp_path: Path,
) -> None:
    worker = ready_worker(settings_factory, worker_factory)
    produce(worker.settings, list(sample_lines().values()))
    port = free_port()
    env = {**os.environ, **settings_env(worker.settings), "PYTHONUNBUFFERED": "1"}
    log = (tmp_path / "stories-web.log").open("wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "newsstream", "stories", "--web", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{port}/stories"
        deadline = time.monotonic() + 60
        while url not in (tmp_path / "stories-web.log").read_text() and time.monotonic() < deadline:
            assert server.poll() is None, (tmp_path / "stories-web.log").read_text()
            time.sleep(0.2)
        page.goto(url)
        card = story_card(page, "Kehrtwende: Altman kehrt an die Spitze von OpenAI zurück")
        card.locator("ul.articles .title", has_text="Microsoft hires Sam Altman").wait_for(
            timeout=WAIT_MS
        )
        assert page.locator("article.story").count() == 3
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)
        log.close()
    assert server.returncode == 0, (tmp_path / "stories-web.log").read_text()
