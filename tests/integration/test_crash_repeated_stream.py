"""kill -9 on a stream that repeats: near-duplicates, corrections, re-deliveries, and
stream time passing a story window inside the stream.

The stream is the labelled dev stream of ``tests/data/stories`` (114 rows in arrival
order: wire copies, corrections, exact re-deliveries; publication dates from Nov 2023
to Sep 2024, so stories expire while it runs), repeated with new ids to 2,000
articles. It is produced in four chunks and the worker is killed with SIGKILL 0.5-3 s
after each of the first three (and restarted). A story that expired before a kill
keeps its last record live on the topic; the articles of it that come back from the
uncommitted tail must be recognised, not placed in a second story.

Afterwards the whole story topic is read: every article is listed by exactly one
live story, ``article_count`` over live stories adds up to the number of articles,
and no story's versions go backwards. (Copies of a round join the stories of the
rounds before as near-duplicates, so a few stories grow past the 300 members a record
lists; their counts stay exact.)
"""

from __future__ import annotations

import asyncio
import json
import random
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path

import orjson
import pytest

from newsstream.broker import free_port
from newsstream.demo import collect_stories
from newsstream.models import StoryRecord
from newsstream.settings import Settings
from newsstream.stream.client import follow, produce_lines
from newsstream.workers import WorkerProcess

pytestmark = [pytest.mark.integration, pytest.mark.slow, pytest.mark.timeout(900)]

STREAM = Path(__file__).resolve().parents[1] / "data" / "stories" / "dev.jsonl"
ARTICLES = 2000
CHUNKS = 4
GOLD = ("story", "case")


def repeated_stream(total: int) -> tuple[list[bytes], set[str]]:
    """The dev stream repeated with new ids until ``total`` distinct articles; rows
    that repeat an id (corrections, re-deliveries) repeat it within their round."""
    rows = [json.loads(line) for line in STREAM.read_text(encoding="utf-8").splitlines()]
    lines: list[bytes] = []
    ids: set[str] = set()
    round_ = 0
    while len(ids) < total:
        for row in rows:
            article_id = f"{row['id']}-r{round_}"
            if article_id not in ids and len(ids) >= total:
                continue
            ids.add(article_id)
            value = {k: v for k, v in row.items() if k not in GOLD} | {"id": article_id}
            lines.append(orjson.dumps(value))
        round_ += 1
    return lines, ids


async def all_records(settings: Settings) -> list[StoryRecord]:
    return [
        StoryRecord.model_validate_json(rec.value)
        async for rec in follow(settings, settings.output_topic, idle_timeout=8)
        if rec.value is not None
    ]


def test_kill_9_on_a_repeated_stream_lists_every_article_once(
    tmp_path: Path,
    settings_factory: Callable[..., Settings],
    worker_factory: Callable[[Settings], WorkerProcess],
) -> None:
    rng = random.Random()
    lines, ids = repeated_stream(ARTICLES)
    assert len(ids) == ARTICLES and len(lines) > ARTICLES  # repeats of ids are in it
    settings = settings_factory()
    worker = worker_factory(settings)
    worker.wait_ready(timeout=120)
    size = -(-len(lines) // CHUNKS)
    for n in range(CHUNKS):
        asyncio.run(produce_lines(settings, lines[n * size : (n + 1) * size]))
        if n < CHUNKS - 1:
            time.sleep(rng.uniform(0.5, 3.0))
            worker.kill()  # SIGKILL: no flush, no commit, no goodbye
            worker = worker_factory(settings.model_copy(update={"web_port": free_port()}))
            worker.wait_ready(timeout=180)
    asyncio.run(collect_stories(settings, ids, timeout=300))
    time.sleep(5.0)  # let re-deliveries that come after the last placement land too

    records = asyncio.run(all_records(settings))
    versions: dict[str, list[int]] = defaultdict(list)
    latest: dict[str, StoryRecord] = {}
    for record in records:
        versions[record.story_id].append(record.version)
        if record.story_id not in latest or record.version >= latest[record.story_id].version:
            latest[record.story_id] = record
    for story_id, seen in versions.items():
        assert seen == sorted(seen), f"versions of {story_id} went backwards: {seen}"

    live = [r for r in latest.values() if r.status != "merged"]
    listed = Counter(a.id for r in live for a in r.articles)
    twice = sorted(i for i, n in listed.items() if n > 1)
    assert not twice, f"{len(twice)} articles in more than one live story: {twice[:8]}"
    assert set(listed) <= ids
    assert sum(r.article_count for r in live) == ARTICLES, sorted(ids - set(listed))[:8]
    # a record lists its latest 300 members; the count stays exact
    assert all(r.article_count == len(r.articles) for r in live if r.article_count <= 300)
