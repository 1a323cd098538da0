"""The bad-input matrix, through the real broker and a real worker.

Every case is either dead-lettered with a clear reason (original key and bytes
unchanged) or accepted with a documented normalisation. The worker keeps going
and the partition never blocks: a valid article sent after all the bad ones
still becomes a story.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import orjson
import pytest
from aiokafka import AIOKafkaProducer

from newsstream.demo import collect_stories
from newsstream.dlq import DlqHeaders
from newsstream.settings import Settings
from newsstream.stream.client import follow
from newsstream.workers import WorkerProcess

pytestmark = [pytest.mark.integration, pytest.mark.timeout(240)]

BASE = {
    "id": "ok",
    "title": "Harbor Freight Lines names Dana Whitlock chief executive",
    "body": "Harbor Freight Lines appointed Dana Whitlock as chief executive on Monday.",
    "published_at": "2023-11-20T09:00:00+00:00",
    "source": "Test Wire",
}


def row(**changes: object) -> bytes:
    data = {**BASE, **changes}
    return orjson.dumps({k: v for k, v in data.items() if v is not ...})


MANY_NAMES = " ".join(f"Person{i} Surname{i} met Firm{i} Holdings." for i in range(1000))

# (case, key, value, expected DLQ reason or None when accepted)
REJECTED: list[tuple[str, bytes | None, bytes | None, str]] = [
    ("malformed JSON", b"m1", b'{"id": "m1", "title": ', "malformed"),
    ("wrong types", b"m2", row(id="m2", title=["not", "a", "string"]), "schema"),
    ("missing required field", b"m3", row(id="m3", published_at=...), "schema"),
    ("empty title", b"m4", row(id="m4", title=""), "schema"),
    ("body over the size limit", b"m5", row(id="m5", body="x" * 70_000), "oversized"),
    ("invalid UTF-8", b"m6", b'{"id": "m6", "title": "\xff\xfe"}', "malformed"),
    ("binary junk", b"m7", bytes(range(256)) * 4, "malformed"),
    ("naive date", b"m8", row(id="m8", published_at="2023-11-20T09:00:00"), "schema"),
    ("far-future date", b"m9", row(id="m9", published_at="2999-01-01T00:00:00Z"), "schema"),
    ("null value (tombstone)", b"m10", None, "malformed"),
    ("JSON that is not an object", b"m11", b'["id", "m11"]', "malformed"),
]
ACCEPTED: list[tuple[str, bytes | None, bytes]] = [
    ("unknown language", b"l1", row(id="l1", language="xx", title="Zzyx qorp vendal")),
    ("thousands of entities", b"e1", row(id="e1", title="Big meeting of many", body=MANY_NAMES)),
    ("missing key: id comes from the body", None, row(id="k1", title="Keyless article")),
    ("key differs from id: the body's id wins", b"other", row(id="k2", title="Mismatch")),
    (
        "duplicate JSON keys: the last one wins",
        b"d1",
        b'{"id": "d0", "id": "d1", "title": "Duplicated key", '
        b'"published_at": "2023-11-20T10:00:00+00:00"}',
    ),
]


async def _send(settings: Settings, records: list[tuple[bytes | None, bytes | None]]) -> None:
    producer = AIOKafkaProducer(
        bootstrap_servers=settings.bootstrap_servers, max_request_size=2_000_000
    )
    await producer.start()
    try:
        for key, value in records:
            await producer.send_and_wait(settings.input_topic, value=value, key=key)
    finally:
        await producer.stop()


async def _dead_letters(settings: Settings, count: int) -> list:
    got = []
    async for rec in follow(
        settings, settings.dlq_topic, stop=lambda: len(got) >= count, idle_timeout=30
    ):
        got.append(rec)
    return got


def test_bad_input_matrix(
    settings_factory: Callable[..., Settings],
    worker_factory: Callable[[Settings], WorkerProcess],
) -> None:
    settings = settings_factory(max_article_bytes=65_536)
    worker = worker_factory(settings)
    worker.wait_ready(timeout=120)
    records = [(k, v) for _, k, v, _ in REJECTED] + [(k, v) for _, k, v in ACCEPTED]
    records.append((b"ok", row()))  # the partition must not be blocked
    asyncio.run(_send(settings, records))

    accepted_ids = {"l1", "e1", "k1", "k2", "d1", "ok"}
    stories = asyncio.run(collect_stories(settings, accepted_ids, timeout=90))
    placed = {a.id for r in stories.values() for a in r.articles}
    assert accepted_ids <= placed
    assert "d0" not in placed
    by_id = {a.id: (r, a) for r in stories.values() for a in r.articles}
    assert by_id["l1"][1].language == "xx"
    big_story = by_id["e1"][0]
    assert 0 < len(big_story.entities) <= 50  # bounded, whatever the article holds

    dead = asyncio.run(_dead_letters(settings, len(REJECTED)))
    assert len(dead) == len(REJECTED)
    for (case, key, value, reason), rec in zip(REJECTED, dead, strict=True):
        headers = DlqHeaders.from_kafka(rec.headers)
        assert (rec.key, rec.value) == (key, value), case
        assert headers.reason == reason, case
        assert headers.topic == settings.input_topic and headers.exception_message, case
    assert worker.process.poll() is None, "the worker must survive every case"
