"""``newsstream demo``: embedded broker + worker + sample articles + printed stories.

The worker runs as a child process exactly as in production (``newsstream
worker``); the demo talks to it only through Kafka topics and its HTTP port.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import orjson
from rich.console import Console

from newsstream.core.pipeline import final_story_order
from newsstream.models import StoryRecord
from newsstream.render import print_stories
from newsstream.settings import Settings
from newsstream.stream.client import follow, produce_lines
from newsstream.workers import local_stack


def sample_lines() -> list[bytes]:
    text = resources.files("newsstream.data").joinpath("sample_articles.jsonl").read_bytes()
    return [line for line in text.splitlines() if line.strip()]


async def collect_stories(
    settings: Settings, expected_articles: set[str], timeout: float
) -> dict[str, StoryRecord]:
    """Latest record per story until every expected article sits in a live story."""
    latest: dict[str, StoryRecord] = {}
    deadline = time.monotonic() + timeout

    def placed() -> set[str]:
        return {a.id for r in latest.values() if r.status != "merged" for a in r.articles}

    def counted() -> int:  # big stories list only their latest members
        return sum(r.article_count for r in latest.values() if r.status != "merged")

    def done() -> bool:
        return (
            expected_articles <= placed()
            or counted() >= len(expected_articles)
            or time.monotonic() > deadline
        )

    async for rec in follow(settings, settings.output_topic, stop=done):
        if rec.value is None:
            continue
        record = StoryRecord.model_validate_json(rec.value)
        current = latest.get(record.story_id)
        if current is None or record.version >= current.version:
            latest[record.story_id] = record
    return latest


@dataclass
class DemoResult:
    stories: list[StoryRecord]
    expected: set[str]
    metrics_status: int
    metrics_lines: list[str]

    @property
    def placed(self) -> set[str]:
        return {a.id for r in self.stories for a in r.articles}


SUMMARY_METRICS = (
    "newsstream_articles_received_total",
    "newsstream_stories_created_total",
    "newsstream_stories_updated_total",
    "newsstream_articles_duplicates_total",
    "newsstream_story_records_emitted_total",
)


def run_sample_stack(out: Console, timeout: float = 90.0) -> DemoResult:
    """Start broker and worker, produce the samples, return the live stories."""
    lines = sample_lines()
    ids = {orjson.loads(line)["id"] for line in lines}
    with (
        tempfile.TemporaryDirectory(prefix="newsstream-demo-") as tmp,
        local_stack(Path(tmp)) as (broker, worker),
    ):
        ready = worker.wait_ready()
        out.print(
            f"broker at [cyan]{broker.bootstrap}[/cyan]; worker ready in {ready:.1f}s; "
            f"metrics at [cyan]{worker.base_url}/metrics[/cyan]"
        )
        sent = asyncio.run(produce_lines(worker.settings, lines))
        out.print(f"produced {sent} sample articles to {worker.settings.input_topic}")
        stories = asyncio.run(collect_stories(worker.settings, ids, timeout))
        status, body = worker.get("/metrics")
        wanted = (
            [line for line in body.decode().splitlines() if line.startswith(SUMMARY_METRICS)]
            if status == 200
            else []
        )
        return DemoResult(final_story_order(stories.values()), ids, status, wanted)


def run_demo(console: Console | None = None, timeout: float = 90.0) -> int:
    out = console or Console()
    started = time.monotonic()
    out.print("[bold]newsstream demo[/bold]: starting the embedded broker and a worker …")
    result = run_sample_stack(out, timeout)
    print_stories(result.stories, out)
    out.print(
        f"{len(result.stories)} stories from {len(result.placed)} of {len(result.expected)} "
        f"articles; the worker served /metrics (HTTP {result.metrics_status}):"
    )
    for line in result.metrics_lines:
        out.print(f"  {line}")
    out.print(f"stopped worker and broker; demo took {time.monotonic() - started:.1f}s")
    if result.placed != result.expected:
        out.print(f"[red]missing articles: {sorted(result.expected - result.placed)}[/red]")
        return 1
    return 0
