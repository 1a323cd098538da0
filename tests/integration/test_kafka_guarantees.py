"""Apache Kafka's own guarantees, checked with our topics (issue 20).

- ``news.stories`` is compacted: after many story versions and a forced segment roll,
  a new consumer reading from the start sees the latest version of every story only.
- A 3-node cluster (replication 3, ``min.insync.replicas`` 2) loses one broker to
  ``kill -9`` while 5,000 articles stream: every valid article ends in exactly one
  live story, none is lost, story versions never go backwards.

These run on Apache Kafka only (the embedded broker neither compacts nor replicates).
"""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path

import orjson
import pytest
from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from newsstream.benchmarks.synthetic import generate_articles
from newsstream.broker import free_port
from newsstream.demo import collect_stories
from newsstream.kafka_cluster import KafkaCluster
from newsstream.models import StoryRecord
from newsstream.settings import Settings
from newsstream.stream.client import Received, follow, produce_lines
from newsstream.workers import WorkerProcess
from tests.conftest import require_kafka
from tests.integration.test_crash_recovery import check_outcome, make_stream, produce_in_background

pytestmark = [
    pytest.mark.integration,
    pytest.mark.timeout(900),
    pytest.mark.parametrize("broker", ["kafka"], indirect=True),
]

# Compaction that shows within seconds: every append after 200 ms rolls a segment, and
# the cleaner takes any log with a dirty record.
FAST_COMPACTION = {
    "cleanup.policy": "compact",
    "segment.ms": "200",
    "min.cleanable.dirty.ratio": "0.01",
    "min.compaction.lag.ms": "0",
    "delete.retention.ms": "100",
}
ROLL_KEY = b"__segment-roll__"


async def create_topic(settings: Settings, name: str, config: dict[str, str]) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.bootstrap_servers)
    await admin.start()
    try:
        await admin.create_topics(
            [NewTopic(name, settings.partitions, settings.replication_factor, topic_configs=config)]
        )
    finally:
        await admin.close()


async def send_one(settings: Settings, topic: str, key: bytes, value: bytes | None) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=settings.bootstrap_servers, acks="all")
    await producer.start()
    try:
        await producer.send_and_wait(topic, value=value, key=key)
    finally:
        await producer.stop()


async def read_all(settings: Settings, topic: str) -> list[Received]:
    return [rec async for rec in follow(settings, topic, idle_timeout=3)]


def versions_by_story(records: list[Received]) -> dict[str, list[int]]:
    seen: dict[str, list[int]] = defaultdict(list)
    for rec in records:
        if rec.key == ROLL_KEY or rec.value is None:
            continue
        story = StoryRecord.model_validate_json(rec.value)
        seen[story.story_id].append(story.version)
    return seen


def test_story_topic_compacts_to_the_latest_version_of_every_story(
    settings_factory: Callable[..., Settings],
    worker_factory: Callable[[Settings], WorkerProcess],
) -> None:
    settings = settings_factory()
    asyncio.run(create_topic(settings, settings.output_topic, FAST_COMPACTION))
    rows = generate_articles(600, seed=5, size=800)
    worker = worker_factory(settings)
    worker.wait_ready(timeout=120)
    # Small chunks, so that stories get many versions across many segments.
    for start in range(0, len(rows), 25):
        asyncio.run(produce_lines(settings, [orjson.dumps(r) for r in rows[start : start + 25]]))
        time.sleep(0.1)
    ids = {r["id"] for r in rows}  # the generator re-sends and corrects some articles
    latest = asyncio.run(collect_stories(settings, ids, timeout=300))
    worker.stop()
    assert sum(r.article_count for r in latest.values() if r.status != "merged") == len(ids)

    # The last story records sit in the active segment, which the cleaner never touches:
    # one more record after segment.ms rolls it.
    time.sleep(1.0)
    asyncio.run(send_one(settings, settings.output_topic, ROLL_KEY, None))
    # Versions count from 1 per emitted record: the topic held older records to clean.
    assert sum(r.version - 1 for r in latest.values()) > 100
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        seen = versions_by_story(asyncio.run(read_all(settings, settings.output_topic)))
        if all(len(v) == 1 for v in seen.values()):
            break
        time.sleep(2.0)
    assert seen.keys() == latest.keys()
    stale = {sid: v for sid, v in seen.items() if v != [latest[sid].version]}
    assert not stale, f"older versions left after compaction: {list(stale.items())[:5]}"


# --- a 3-node cluster loses a broker ---------------------------------------------------------


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[KafkaCluster]:
    require_kafka()
    with KafkaCluster(size=3, workdir=tmp_path / "kafka", heap_mb=384) as running:
        yield running


async def leader_of(cluster: KafkaCluster, topic: str) -> int:
    admin = AIOKafkaAdminClient(bootstrap_servers=cluster.bootstrap)
    await admin.start()
    try:
        described = await admin.describe_topics([topic])
        return int(described[0]["partitions"][0]["leader"])
    finally:
        await admin.close()


@pytest.mark.slow
def test_kill_9_of_one_broker_of_three_loses_nothing(
    tmp_path: Path,
    broker: KafkaCluster,  # the session's one-node Kafka: this test needs Kafka to run
    cluster: KafkaCluster, worker_factory: Callable[[Settings], WorkerProcess]
) -> None:
    prefix = f"k3-{tmp_path.name[-12:]}"
    settings = Settings(
        broker=cluster.url,
        replication_factor=3,
        app_id=f"newsstream-{prefix}",
        input_topic=f"{prefix}.articles",
        output_topic=f"{prefix}.stories",
        dlq_topic=f"{prefix}.articles.dlq",
        cluster_topic=f"{prefix}.articles.extracted",
        web_port=free_port(),
        data_dir=tmp_path / "data",
    )
    stream = make_stream(5000, seed=13)
    worker = worker_factory(settings)
    worker.wait_ready(timeout=180)
    produce_in_background(settings, stream, chunk=250, pause=0.5)
    time.sleep(4.0)
    victim = asyncio.run(leader_of(cluster, settings.input_topic))
    cluster.kill(victim)  # SIGKILL: the input partition's leader goes away mid-stream
    assert stream.done.wait(timeout=400)
    assert worker.process.poll() is None, worker.log_tail()
    check_outcome(settings, stream, tmp_path)

