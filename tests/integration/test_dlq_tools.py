"""DLQ tooling against the embedded broker: inspect counts, replay keys and bytes."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from aiokafka import AIOKafkaProducer
from typer.testing import CliRunner

from newsstream.cli_dlq import dlq_app
from newsstream.dlq import DlqHeaders
from newsstream.dlq_tools import REPLAY_HEADER, VALUE_HEAD_BYTES, inspect_dlq, replay_dlq
from newsstream.settings import Settings
from newsstream.stream.admin import ensure_topics
from newsstream.stream.client import follow

pytestmark = [pytest.mark.integration, pytest.mark.timeout(120)]

LONG = b'{"id": "s3", "title": "' + b"x" * 600 + b'"}'
# (key, value, reason or None for a record without our headers)
DEAD: list[tuple[bytes | None, bytes, str | None]] = [
    (b"m1", b"{not json", "malformed"),
    (b"s1", b'{"id": "s1"}', "schema"),
    (b"m2", b"\xff\xfe binary", "malformed"),
    (b"s2", b'{"id": "s2", "title": ""}', "schema"),
    (None, b"null-key record", "malformed"),
    (b"s3", LONG, "schema"),
    (b"o1", b'{"id": "o1", "body": "huge"}', "oversized"),
    (b"u1", b"no headers at all", None),
]


def headers_for(settings: Settings, reason: str, offset: int) -> list[tuple[str, bytes]]:
    return DlqHeaders(
        reason=reason,
        exception_class={"malformed": "MalformedRecord", "schema": "SchemaViolation"}.get(
            reason, "OversizedRecord"
        ),
        exception_message=f"test {reason} at {offset}",
        stage="validate",
        timestamp=datetime.now(UTC),
        topic=settings.input_topic,
        partition=0,
        offset=offset,
    ).to_kafka()


async def write_dead_letters(settings: Settings) -> None:
    await ensure_topics(settings)
    producer = AIOKafkaProducer(bootstrap_servers=settings.bootstrap_servers, acks="all")
    await producer.start()
    try:
        for i, (key, value, reason) in enumerate(DEAD):
            headers = headers_for(settings, reason, 100 + i) if reason else []
            await producer.send_and_wait(settings.dlq_topic, value=value, key=key, headers=headers)
    finally:
        await producer.stop()


async def read_all(settings: Settings, topic: str) -> list[tuple[bytes | None, bytes | None]]:
    return [(r.key, r.value) async for r in follow(settings, topic, idle_timeout=2.0)]


async def test_inspect_counts_by_reason_with_samples(
    settings_factory: Callable[..., Settings],
) -> None:
    settings = settings_factory()
    await write_dead_letters(settings)

    report = await inspect_dlq(settings, limit_samples=2, idle_timeout=2.0)

    assert report.topic == settings.dlq_topic
    assert report.total == len(DEAD)
    assert report.counts() == {"malformed": 3, "schema": 3, "oversized": 1, "unknown": 1}
    assert list(report.counts()) == ["malformed", "schema", "oversized", "unknown"]
    schema = report.reasons["schema"]
    assert [s.key for s in schema.samples] == ["s1", "s2"]  # limited to 2, in order
    first = schema.samples[0]
    assert first.offset == 1 and first.partition == 0
    assert first.stage == "validate" and first.exception_class == "SchemaViolation"
    assert first.message == "test schema at 101"
    assert first.source == f"{settings.input_topic}/0/101"
    assert first.value_head == '{"id": "s1"}'
    malformed = report.reasons["malformed"].samples
    assert malformed[1].value_head.startswith("\ufffd")  # undecodable bytes replaced
    unknown = report.reasons["unknown"].samples[0]
    assert unknown.key == "u1" and unknown.stage is None

    full = await inspect_dlq(settings, limit_samples=5, idle_timeout=2.0)
    long = full.reasons["schema"].samples[2]
    assert long.value_bytes == len(LONG)
    assert long.value_head == LONG[:VALUE_HEAD_BYTES].decode()
    assert [s.key for s in full.reasons["malformed"].samples] == ["m1", "m2", None]
    assert json.loads(json.dumps(full.to_dict()))["total"] == len(DEAD)


async def test_inspect_empty_and_missing_topic(settings_factory: Callable[..., Settings]) -> None:
    settings = settings_factory()
    await ensure_topics(settings)
    assert (await inspect_dlq(settings, idle_timeout=1.0)).total == 0
    missing = settings_factory(dlq_topic="does-not-exist-dlq")
    report = await inspect_dlq(missing, idle_timeout=1.0)
    assert report.total == 0 and report.reasons == {}


async def test_replay_filters_by_reason_and_preserves_keys_and_bytes(
    settings_factory: Callable[..., Settings],
) -> None:
    settings = settings_factory()
    await write_dead_letters(settings)

    sent = await replay_dlq(settings, reasons={"schema"}, idle_timeout=2.0)

    assert sent == 3
    replayed = await read_all(settings, settings.input_topic)
    assert replayed == [(k, v) for k, v, r in DEAD if r == "schema"]
    records = [r async for r in follow(settings, settings.input_topic, idle_timeout=1.0)]
    assert [dict(r.headers)[REPLAY_HEADER] for r in records] == [
        f"{settings.dlq_topic}/0/{i}".encode() for i, (*_, r) in enumerate(DEAD) if r == "schema"
    ]
    # The DLQ itself is untouched by a replay.
    assert (await inspect_dlq(settings, idle_timeout=1.0)).total == len(DEAD)


async def test_replay_everything_to_another_topic(
    settings_factory: Callable[..., Settings],
) -> None:
    settings = settings_factory()
    await write_dead_letters(settings)
    target = f"{settings.input_topic}.retry"

    sent = await replay_dlq(settings, reasons=None, target_topic=target, idle_timeout=2.0)

    assert sent == len(DEAD)
    # The target is auto-created with the broker's default partitions: compare as multisets.
    assert sorted(await read_all(settings, target), key=repr) == sorted(
        [(k, v) for k, v, _ in DEAD], key=repr
    )
    assert await read_all(settings, settings.input_topic) == []


async def test_replay_reads_a_snapshot_so_it_cannot_loop(
    settings_factory: Callable[..., Settings],
) -> None:
    """Replaying the DLQ into itself stops at the end offsets seen at the start."""
    settings = settings_factory()
    await write_dead_letters(settings)

    sent = await replay_dlq(settings, target_topic=settings.dlq_topic, idle_timeout=2.0)

    assert sent == len(DEAD)
    again = await read_all(settings, settings.dlq_topic)
    assert again == [(k, v) for k, v, _ in DEAD] * 2


def test_cli_inspect_json_and_replay(settings_factory: Callable[..., Settings]) -> None:
    settings = settings_factory()
    asyncio.run(write_dead_letters(settings))
    env = {
        "NEWSSTREAM_BROKER": settings.broker,
        "NEWSSTREAM_INPUT_TOPIC": settings.input_topic,
        "NEWSSTREAM_DLQ_TOPIC": settings.dlq_topic,
    }
    runner = CliRunner()

    result = runner.invoke(dlq_app, ["inspect", "--json", "--idle-timeout", "1.5"], env=env)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert {r["reason"]: r["count"] for r in data["reasons"]} == {
        "malformed": 3,
        "schema": 3,
        "oversized": 1,
        "unknown": 1,
    }

    table = runner.invoke(dlq_app, ["inspect"], env=env)
    assert table.exit_code == 0 and "malformed" in table.stdout

    declined = runner.invoke(
        dlq_app, ["replay", "--reason", "oversized", "--idle-timeout", "1.5"], env=env, input="n\n"
    )
    assert declined.exit_code == 1  # aborted: nothing sent
    assert asyncio.run(read_all(settings, settings.input_topic)) == []

    args = ["replay", "--reason", "oversized", "--reason", "unknown", "--yes"]
    replayed = runner.invoke(dlq_app, [*args, "--idle-timeout", "1.5"], env=env)
    assert replayed.exit_code == 0, replayed.output
    assert "dlq replay: 8/8 records" in replayed.stderr  # progress over the scanned letters
    assert asyncio.run(read_all(settings, settings.input_topic)) == [
        (b"o1", b'{"id": "o1", "body": "huge"}'),
        (b"u1", b"no headers at all"),
    ]
