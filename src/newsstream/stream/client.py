"""Plain aiokafka clients for the CLI: produce articles, follow story records."""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass

import orjson
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.errors import KafkaError

from newsstream.errors import BrokerError
from newsstream.settings import Settings
from newsstream.stream.connection import client_kwargs

log = logging.getLogger(__name__)


def article_key(line: bytes) -> bytes | None:
    """The article id of a JSON line, used as the record key (None if unreadable)."""
    try:
        data = orjson.loads(line)
    except orjson.JSONDecodeError:
        return None
    if isinstance(data, dict) and isinstance(data.get("id"), str):
        return data["id"].encode("utf-8")
    return None


async def start_with_retry(
    client: AIOKafkaProducer | AIOKafkaConsumer, what: str, attempts: int = 20
) -> None:
    for attempt in range(1, attempts + 1):
        try:
            await client.start()
            return
        except (KafkaError, OSError) as exc:
            if attempt == attempts:
                raise BrokerError(f"{what}: broker unreachable: {exc}") from exc
            log.warning("%s: broker unreachable (attempt %d): %s", what, attempt, exc)
            await asyncio.sleep(min(0.5 * attempt, 5.0))


async def produce_lines(
    settings: Settings, lines: Iterable[bytes], topic: str | None = None
) -> int:
    """Send each non-empty line as one record, keyed by its article id. Returns the count."""
    producer = AIOKafkaProducer(
        bootstrap_servers=settings.bootstrap_servers,
        acks="all",
        linger_ms=5,
        enable_idempotence=False,
        **client_kwargs(settings),
    )
    await start_with_retry(producer, "producer")
    sent = 0
    try:
        futures = []
        for line in lines:
            line = line.strip()
            if not line:
                continue
            futures.append(
                await producer.send(
                    topic or settings.input_topic, value=line, key=article_key(line)
                )
            )
            sent += 1
        await producer.flush()
        for future in futures:
            await future
    finally:
        await producer.stop()
    return sent


@dataclass(frozen=True, slots=True)
class Received:
    key: bytes | None
    value: bytes | None
    headers: tuple[tuple[str, bytes], ...]
    partition: int
    offset: int


async def follow(
    settings: Settings,
    topic: str,
    *,
    from_beginning: bool = True,
    idle_timeout: float | None = None,
    stop: Callable[[], bool] | None = None,
) -> AsyncIterator[Received]:
    """Yield records of ``topic``; ends after ``idle_timeout`` seconds without one."""
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=settings.bootstrap_servers,
        group_id=None,
        client_id=f"newsstream-follow-{uuid.uuid4().hex[:8]}",
        auto_offset_reset="earliest" if from_beginning else "latest",
        enable_auto_commit=False,
        fetch_max_wait_ms=settings.fetch_max_wait_ms,
        **client_kwargs(settings),
    )
    await start_with_retry(consumer, "consumer")
    try:
        last = time.monotonic()
        while True:
            batch = await consumer.getmany(timeout_ms=200, max_records=1000)
            got = False
            for records in batch.values():
                for rec in records:
                    got = True
                    yield Received(
                        rec.key, rec.value, tuple(rec.headers or ()), rec.partition, rec.offset
                    )
            now = time.monotonic()
            if got:
                last = now
            if stop is not None and stop():
                return
            if idle_timeout is not None and now - last > idle_timeout:
                return
    finally:
        await consumer.stop()
