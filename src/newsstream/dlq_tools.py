"""Operator tools for the dead-letter topic: inspect it, replay it after a fix.

Both read the DLQ from the beginning up to the end offsets seen when they
start (a *snapshot*), never further: a replay whose records fail again lands
them behind that snapshot, so it can never loop on its own output.

``replay_dlq`` re-sends each record's original key and value, unchanged, to the
input topic (or ``target_topic``), so keys — the article ids — keep routing
corrections to the same partition. It adds one header,
``newsstream.replayed.from`` = ``<dlq topic>/<partition>/<offset>``, so a record
that fails again can be traced to its previous dead letter. Replay is
at-least-once: run it twice and the records are sent twice; the worker treats a
re-delivered article as a no-op (it re-emits the story's current record).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.errors import KafkaError
from pydantic import ValidationError

from newsstream.dlq import HEADER_PREFIX, DlqHeaders
from newsstream.errors import BrokerError
from newsstream.progress import Tracker
from newsstream.settings import Settings
from newsstream.stream.client import Received, follow, start_with_retry
from newsstream.stream.connection import client_kwargs

VALUE_HEAD_BYTES = 200
REPLAY_HEADER = "newsstream.replayed.from"
UNKNOWN_REASON = "unknown"


@dataclass(frozen=True, slots=True)
class DlqSample:
    """One dead letter, enough to see what went wrong without dumping the payload."""

    partition: int
    offset: int
    key: str | None
    reason: str
    stage: str | None
    exception_class: str | None
    message: str
    source: str | None  # "<topic>/<partition>/<offset>" the record was read from
    timestamp: str | None
    value_bytes: int
    value_head: str  # first VALUE_HEAD_BYTES bytes, decoded with replacement

    def to_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__slots__}


@dataclass(slots=True)
class ReasonSummary:
    reason: str
    count: int = 0
    samples: list[DlqSample] = field(default_factory=list)


@dataclass(slots=True)
class DlqReport:
    """Counts per reason (most frequent first) and a few samples of each."""

    topic: str
    total: int = 0
    reasons: dict[str, ReasonSummary] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        return {r.reason: r.count for r in self.by_count()}

    def by_count(self) -> list[ReasonSummary]:
        return sorted(self.reasons.values(), key=lambda r: (-r.count, r.reason))

    def to_dict(self) -> dict[str, Any]:
        return {
            "topic": self.topic,
            "total": self.total,
            "reasons": [
                {
                    "reason": r.reason,
                    "count": r.count,
                    "samples": [s.to_dict() for s in r.samples],
                }
                for r in self.by_count()
            ],
        }


def _decode(raw: bytes | None) -> str | None:
    return None if raw is None else raw.decode("utf-8", "replace")


def reason_of(headers: tuple[tuple[str, bytes], ...]) -> str:
    """The ``reason`` header of a dead letter, or ``unknown`` when it has none."""
    for name, value in headers:
        if name == HEADER_PREFIX + "reason":
            return value.decode("utf-8", "replace") or UNKNOWN_REASON
    return UNKNOWN_REASON


def sample_of(rec: Received) -> DlqSample:
    """Describe one dead letter; records without (complete) headers still get a sample."""
    value = rec.value or b""
    try:
        h = DlqHeaders.from_kafka(rec.headers)
    except ValidationError:
        return DlqSample(
            partition=rec.partition,
            offset=rec.offset,
            key=_decode(rec.key),
            reason=reason_of(rec.headers),
            stage=None,
            exception_class=None,
            message="(no complete newsstream.errors.* headers)",
            source=None,
            timestamp=None,
            value_bytes=len(value),
            value_head=value[:VALUE_HEAD_BYTES].decode("utf-8", "replace"),
        )
    return DlqSample(
        partition=rec.partition,
        offset=rec.offset,
        key=_decode(rec.key),
        reason=h.reason,
        stage=h.stage,
        exception_class=h.exception_class,
        message=h.exception_message,
        source=f"{h.topic}/{h.partition}/{h.offset}",
        timestamp=h.timestamp.isoformat(),
        value_bytes=len(value),
        value_head=value[:VALUE_HEAD_BYTES].decode("utf-8", "replace"),
    )


async def offset_range(
    settings: Settings, topic: str, *, timeout: float = 10.0
) -> dict[int, tuple[int, int]]:
    """``{partition: (first offset, end offset)}`` of ``topic`` now; empty if it does not exist."""
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=settings.bootstrap_servers,
        group_id=None,
        enable_auto_commit=False,
        **client_kwargs(settings),
    )
    await start_with_retry(consumer, "consumer", settings.connect_timeout_s)
    try:
        if topic not in await consumer.topics():
            return {}
        deadline = time.monotonic() + timeout
        # Without a group the consumer assigns itself every partition once metadata arrives.
        while not consumer.assignment() and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        partitions = list(consumer.assignment())
        if not partitions:
            return {}
        firsts = await consumer.beginning_offsets(partitions)
        ends = await consumer.end_offsets(partitions)
        return {tp.partition: (firsts[tp], ends[tp]) for tp in partitions}
    finally:
        await consumer.stop()


class _Snapshot:
    """Reading a topic up to the end offsets it had when we started."""

    def __init__(self, ranges: dict[int, tuple[int, int]]) -> None:
        self.ends = {p: end for p, (_, end) in ranges.items()}
        self.next = {p: first for p, (first, _) in ranges.items()}

    def take(self, rec: Received) -> bool:
        """True if ``rec`` is inside the snapshot (and notes the progress)."""
        if rec.offset >= self.ends.get(rec.partition, 0):
            return False
        self.next[rec.partition] = max(self.next.get(rec.partition, 0), rec.offset + 1)
        return True

    def done(self) -> bool:
        return all(self.next.get(p, 0) >= end for p, end in self.ends.items())


def snapshot_ranges(snapshot: _Snapshot) -> list[tuple[int, int]]:
    """(first, end) offsets of each partition of a snapshot."""
    return [(snapshot.next[p], end) for p, end in snapshot.ends.items()]


async def snapshot_records(
    settings: Settings,
    topic: str,
    idle_timeout: float = 2.0,
    tracker: Tracker | None = None,
) -> AsyncIterator[Received]:
    """Records of ``topic`` from the start up to its end offsets at call time.

    Ends when every partition reached its snapshot end, or after ``idle_timeout``
    seconds without a record (a safety net, e.g. for offsets left by transaction markers).
    """
    snapshot = _Snapshot(await offset_range(settings, topic))
    if tracker is not None:
        tracker.start(sum(end - first for first, end in snapshot_ranges(snapshot)))
    if snapshot.done():
        return
    async for rec in follow(settings, topic, idle_timeout=idle_timeout, stop=snapshot.done):
        if snapshot.take(rec):
            if tracker is not None:
                tracker.advance()
            yield rec


async def inspect_dlq(
    settings: Settings, limit_samples: int = 3, idle_timeout: float = 2.0
) -> DlqReport:
    """Count the dead letters by reason and keep up to ``limit_samples`` of each."""
    report = DlqReport(topic=settings.dlq_topic)

    async for rec in snapshot_records(settings, settings.dlq_topic, idle_timeout):
        reason = reason_of(rec.headers)
        summary = report.reasons.setdefault(reason, ReasonSummary(reason))
        summary.count += 1
        report.total += 1
        if len(summary.samples) < limit_samples:
            summary.samples.append(sample_of(rec))
    return report


async def replay_dlq(
    settings: Settings,
    reasons: set[str] | None = None,
    target_topic: str | None = None,
    idle_timeout: float = 2.0,
    tracker: Tracker | None = None,
) -> int:
    """Re-send dead letters (all, or those whose reason is in ``reasons``) with their
    original key and value to ``target_topic`` (default: the input topic). Returns the count.
    """
    topic = target_topic or settings.input_topic
    producer = AIOKafkaProducer(
        bootstrap_servers=settings.bootstrap_servers,
        acks="all",
        linger_ms=5,
        enable_idempotence=False,
        **client_kwargs(settings),
    )
    await start_with_retry(producer, "producer", settings.connect_timeout_s)
    futures: list[asyncio.Future[Any]] = []
    try:
        async for rec in snapshot_records(settings, settings.dlq_topic, idle_timeout, tracker):
            if reasons is not None and reason_of(rec.headers) not in reasons:
                continue
            origin = f"{settings.dlq_topic}/{rec.partition}/{rec.offset}"
            futures.append(
                await producer.send(
                    topic,
                    key=rec.key,
                    value=rec.value,
                    headers=[(REPLAY_HEADER, origin.encode("utf-8"))],
                )
            )
        await producer.flush()
        for future in futures:
            await future
    except KafkaError as exc:  # e.g. the target topic does not exist on the cluster
        raise BrokerError(f"replay to {topic} failed after {len(futures)} sends: {exc}") from exc
    finally:
        await producer.stop()
    return len(futures)
