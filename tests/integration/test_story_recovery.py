"""A worker restart in the middle of a stream loses and double-counts nothing.

Articles go through the embedded broker; the worker is stopped (SIGTERM) while
the first half is still being consolidated, and a new worker with the same
settings (app id, topics: the story table recovers from its changelog) takes
over before the second half is produced. At the end every article sits in
exactly one live story, the Altman story holds all of its articles, and each
story's versions only ever step up by one (a repeated version, re-emitted after
the restart, carries the same articles).
"""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path

import orjson
import pytest

from newsstream.demo import collect_stories
from newsstream.models import StoryRecord
from newsstream.settings import Settings
from newsstream.stream.client import follow, produce_lines
from newsstream.workers import WorkerProcess

pytestmark = [pytest.mark.integration, pytest.mark.timeout(240)]

DEV = Path(__file__).resolve().parents[1] / "data" / "stories" / "dev.jsonl"
UNTIL = "2023-11-24"  # the first week: Ignite, Altman, Binance, the Dutch election


def labelled_rows() -> list[tuple[bytes, str, str]]:
    """(article JSON without labels, article id, gold story) of the first week."""
    rows = []
    for line in DEV.read_bytes().splitlines():
        data = orjson.loads(line)
        if data["published_at"] >= UNTIL:
            break
        story = data.pop("story")
        data.pop("case", None)
        rows.append((orjson.dumps(data), data["id"], story))
    return rows


async def all_records(settings: Settings) -> list[StoryRecord]:
    records = []
    async for rec in follow(settings, settings.output_topic, idle_timeout=3.0):
        if rec.value is not None:
            records.append(StoryRecord.model_validate_json(rec.value))
    return records


def wait_until_placed(settings: Settings, ids: set[str], share: float, timeout: float) -> None:
    """Return once ``share`` of ``ids`` sit in live stories (the worker is mid-stream)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        stories = asyncio.run(collect_stories(settings, ids, timeout=2.0))
        placed = {a.id for r in stories.values() if r.status != "merged" for a in r.articles}
        if len(placed & ids) >= share * len(ids):
            return
    raise AssertionError(f"fewer than {share:.0%} of {len(ids)} articles placed in {timeout}s")


def test_restart_mid_stream_recovers_state_without_loss_or_double_counting(
    settings_factory: Callable[..., Settings],
    worker_factory: Callable[[Settings], WorkerProcess],
) -> None:
    rows = labelled_rows()
    gold = {article_id: story for _, article_id, story in rows}
    half = len(rows) // 2
    settings = settings_factory()

    first = worker_factory(settings)
    first.wait_ready(timeout=120)
    asyncio.run(produce_lines(settings, [line for line, _, _ in rows[:half]]))
    wait_until_placed(settings, {i for _, i, _ in rows[:half]}, share=0.5, timeout=60)
    assert first.stop(timeout=30) is not None  # SIGTERM while the rest is in flight

    second = worker_factory(settings)  # same app id and topics: state from the changelog
    second.wait_ready(timeout=120)
    asyncio.run(produce_lines(settings, [line for line, _, _ in rows[half:]]))
    latest = asyncio.run(collect_stories(settings, set(gold), timeout=90))

    live = [r for r in latest.values() if r.status != "merged"]
    holders: dict[str, list[str]] = defaultdict(list)
    for record in live:
        for ref in record.articles:
            holders[ref.id].append(record.story_id)
    assert set(holders) == set(gold), f"lost: {set(gold) - set(holders)}"
    assert all(len(h) == 1 for h in holders.values()), {i: h for i, h in holders.items()}

    altman_ids = {i for i, story in gold.items() if story == "openai-altman"}
    (altman,) = {holders[i][0] for i in altman_ids}
    story = latest[altman]
    assert {a.id for a in story.articles} == altman_ids
    assert story.article_count == len(altman_ids)  # re-deliveries and restarts not counted
    assert set(story.languages) == {"de", "en"}

    emitted: dict[str, list[StoryRecord]] = defaultdict(list)
    for record in asyncio.run(all_records(settings)):
        emitted[record.story_id].append(record)
    for sid, records in emitted.items():
        versions = [r.version for r in records]
        assert versions[0] == 1, (sid, versions)
        seen: dict[int, set[str]] = {}
        for before, after in pairwise(records):
            assert after.version in (before.version, before.version + 1), (sid, versions)
        for record in records:
            ids = {a.id for a in record.articles}
            assert seen.setdefault(record.version, ids) == ids, (sid, record.version)
            assert record.article_count == len(ids)
