"""Through the real embedded broker: produce → worker → news.stories / DLQ / metrics."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable

import orjson
import pytest

from newsstream.demo import collect_stories
from newsstream.dlq import DlqHeaders
from newsstream.settings import Settings
from newsstream.stream.client import Received, follow, produce_lines
from newsstream.workers import WorkerProcess

pytestmark = [pytest.mark.integration, pytest.mark.timeout(180)]


def article(id_: str, title: str, body: str, when: str, lang: str = "en", **extra: object) -> bytes:
    row = {
        "id": id_,
        "title": title,
        "body": body,
        "published_at": when,
        "source": "Test Wire",
        "language": lang,
        **extra,
    }
    return orjson.dumps(row)


FIRING_DE = article(
    "de-1",
    "OpenAI-Vorstand entlässt Sam Altman",
    "Der Vorstand von OpenAI hat Sam Altman am Freitag als CEO entlassen. "
    "Greg Brockman verlässt OpenAI ebenfalls.",
    "2023-11-17T21:00:00+01:00",
    "de",
)
HIRE_EN = article(
    "en-1",
    "Microsoft hires Sam Altman",
    "Microsoft has hired Sam Altman and Greg Brockman to lead a new AI research team, "
    "Satya Nadella said, days after OpenAI fired Altman.",
    "2023-11-20T08:00:00+00:00",
)
OTHER = article(
    "en-2",
    "Harbor Freight Lines names new chief",
    "Harbor Freight Lines appointed Dana Whitlock as chief executive on Monday.",
    "2023-11-20T09:00:00+00:00",
)


async def _records(settings: Settings, topic: str, count: int, timeout: float) -> list[Received]:
    got: list[Received] = []
    async for rec in follow(settings, topic, stop=lambda: len(got) >= count, idle_timeout=timeout):
        got.append(rec)
    return got


def _ready(
    worker_factory: Callable[[Settings], WorkerProcess], settings: Settings
) -> WorkerProcess:
    worker = worker_factory(settings)
    worker.wait_ready(timeout=120)
    return worker


def test_articles_become_stories_and_bad_records_go_to_dlq(
    settings_factory: Callable[..., Settings],
    worker_factory: Callable[[Settings], WorkerProcess],
) -> None:
    settings = settings_factory()
    worker = _ready(worker_factory, settings)
    bad = [
        b"{not json",
        b'{"id": "x1", "title": "", "published_at": "2023-11-20T09:00:00Z"}',
        b"\xff\xfe\x00binary",
    ]
    sent = asyncio.run(produce_lines(settings, [FIRING_DE, HIRE_EN, OTHER, FIRING_DE, *bad]))
    assert sent == 7

    stories = asyncio.run(collect_stories(settings, {"de-1", "en-1", "en-2"}, timeout=60))
    live = [r for r in stories.values() if r.status != "merged"]
    by_article = {a.id: r.story_id for r in live for a in r.articles}
    assert by_article["de-1"] == by_article["en-1"], "German firing and English hire: one story"
    assert by_article["en-2"] != by_article["en-1"]
    altman = stories[by_article["en-1"]]
    assert set(altman.languages) == {"de", "en"}
    assert altman.article_count == 2  # the re-delivered German article is not counted twice

    dead = asyncio.run(_records(settings, settings.dlq_topic, 3, timeout=30))
    assert [d.value for d in dead] == bad  # original bytes, unchanged, in order
    reasons = [DlqHeaders.from_kafka(d.headers).reason for d in dead]
    assert reasons == ["malformed", "schema", "malformed"]
    first = DlqHeaders.from_kafka(dead[0].headers)
    assert first.topic == settings.input_topic and first.stage == "validate"

    status, body = worker.get("/metrics")
    assert status == 200
    text = body.decode()
    assert "newsstream_articles_received_total 7.0" in text
    assert 'newsstream_articles_rejected_total{reason="malformed"} 2.0' in text
    assert 'newsstream_articles_duplicates_total{kind="exact"} 1.0' in text
    assert "newsstream_faust_" in text  # Faust's own sensor metrics on the same endpoint


def test_health_endpoints(
    settings_factory: Callable[..., Settings],
    worker_factory: Callable[[Settings], WorkerProcess],
) -> None:
    worker = _ready(worker_factory, settings_factory())
    status, body = worker.get("/healthz")
    assert status == 200 and json.loads(body)["status"] == "ok"
    status, body = worker.get("/readyz")
    assert status == 200 and json.loads(body)["ready"] is True


def test_story_topic_is_compacted(
    settings_factory: Callable[..., Settings],
    worker_factory: Callable[[Settings], WorkerProcess],
) -> None:
    from aiokafka.admin import AIOKafkaAdminClient
    from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

    settings = settings_factory()
    worker_factory(settings)  # creates the topics before the worker starts

    async def cleanup_policy() -> str:
        admin = AIOKafkaAdminClient(bootstrap_servers=settings.bootstrap_servers)
        await admin.start()
        try:
            described = await admin.describe_configs(
                [ConfigResource(ConfigResourceType.TOPIC, settings.output_topic)]
            )
        finally:
            await admin.close()
        for response in described:
            for resource in response.resources:
                for entry in resource[4]:
                    if entry[0] == "cleanup.policy":
                        return str(entry[1])
        return ""

    assert asyncio.run(cleanup_policy()) == "compact"


def test_two_stage_routing_with_several_partitions(
    settings_factory: Callable[..., Settings],
    worker_factory: Callable[[Settings], WorkerProcess],
) -> None:
    """With more than one partition, extracted articles are re-keyed by cluster key
    through the internal topic; stories still meet across partitions."""
    settings = settings_factory(partitions=3)
    _ready(worker_factory, settings)
    asyncio.run(produce_lines(settings, [FIRING_DE, HIRE_EN, OTHER]))
    stories = asyncio.run(collect_stories(settings, {"de-1", "en-1", "en-2"}, timeout=60))
    by_article = {a.id: r.story_id for r in stories.values() for a in r.articles}
    assert by_article["de-1"] == by_article["en-1"] != by_article["en-2"]
    routed = asyncio.run(_records(settings, settings.cluster_topic, 3, timeout=20))
    assert {r.key for r in routed} == {b"global"}


def test_records_arriving_during_a_batch_are_each_processed_once(
    settings_factory: Callable[..., Settings],
    worker_factory: Callable[[Settings], WorkerProcess],
) -> None:
    """A trickle of records while batches are being processed (here: awaiting the
    extraction process): every record is processed exactly once, none is swapped
    for another (regression: a stale current event made take_events skip one)."""
    from newsstream.benchmarks.synthetic import generate_articles

    settings = settings_factory(extract_processes=1, batch_size=7)
    worker = _ready(worker_factory, settings)
    rows = generate_articles(240, seed=3, size=800)
    lines = [orjson.dumps(r) for r in rows]
    for start in range(0, len(lines), 8):
        asyncio.run(produce_lines(settings, lines[start : start + 8]))
    ids = {r["id"] for r in rows}
    stories = asyncio.run(collect_stories(settings, ids, timeout=120))
    placed = [a.id for r in stories.values() if r.status != "merged" for a in r.articles]
    assert set(placed) == ids and len(placed) == len(ids)
    _status, body = worker.get("/metrics")
    received = [
        ln
        for ln in body.decode().splitlines()
        if ln.startswith("newsstream_articles_received_total ")
    ]
    assert received == [f"newsstream_articles_received_total {float(len(lines))}"]


def test_extraction_processes_give_the_same_stories(
    settings_factory: Callable[..., Settings],
    worker_factory: Callable[[Settings], WorkerProcess],
) -> None:
    settings = settings_factory(extract_processes=2)
    _ready(worker_factory, settings)
    bad = b"{not json"
    asyncio.run(produce_lines(settings, [FIRING_DE, bad, HIRE_EN, OTHER]))
    stories = asyncio.run(collect_stories(settings, {"de-1", "en-1", "en-2"}, timeout=90))
    by_article = {a.id: r.story_id for r in stories.values() for a in r.articles}
    assert by_article["de-1"] == by_article["en-1"] != by_article["en-2"]
    dead = asyncio.run(_records(settings, settings.dlq_topic, 1, timeout=30))
    assert [d.value for d in dead] == [bad]
