"""A batch from taking it to acknowledging it (``stream/batches.py``), and the worker
entry's exit on a failed batch (``stream/worker.py``).

The events are Faust's own (``ConsumerMessage`` and ``Event`` of a real app that never
connects); the table and topics record what would be sent, the way the broker
would keep it.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections.abc import Callable
from typing import Any

import faust
import orjson
import pytest
from faust.events import Event
from faust.transport.consumer import ConsumerMessage
from faust.types import TP
from prometheus_client import CollectorRegistry

from newsstream.errors import BatchFailed, SendFailed, WorkerMustStop
from newsstream.metrics import Metrics
from newsstream.settings import Settings
from newsstream.stream import worker
from newsstream.stream.batches import Batches
from newsstream.stream.handlers import ConsolidateHandler, Extracted, IngestHandler
from newsstream.stream.offset_gaps import OffsetGaps
from newsstream.stream.tables import BatchedTableStore
from tests.unit.test_tables import RecordingTable

pytestmark = pytest.mark.timeout(60)

_ids = itertools.count()


def article(n: int) -> bytes:
    return orjson.dumps(
        {
            "id": f"a{n}",
            "title": "OpenAI board fires Sam Altman",
            "body": "The board of OpenAI fired Sam Altman on Friday. Mira Murati leads.",
            "published_at": "2023-11-17T20:28:00+00:00",
            "source": f"Wire {n}",
        }
    )


def done(value: Any = None, error: Exception | None = None) -> asyncio.Future[Any]:
    future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
    if error is None:
        future.set_result(value)
    else:
        future.set_exception(error)
    return future


class Table(RecordingTable):
    """Changelog sends resolve like Faust's ``FutureMessage``s."""

    def send_changelog(self, *args: Any, **kwargs: Any) -> Any:
        return done(super().send_changelog(*args, **kwargs))


class Topic:
    """An outbound topic: ``send_soon`` records the message and returns its send."""

    def __init__(self) -> None:
        self.sent: list[tuple[bytes | None, bytes | None]] = []
        self.error: Exception | None = None
        self.slow = False  # sends never complete

    def send_soon(self, key: bytes | None, value: bytes | None, headers: Any = None) -> Any:
        self.sent.append((key, value))
        if self.slow:
            return asyncio.get_running_loop().create_future()
        return done(error=self.error)


class Stopped(Exception):
    """What ``stop`` raises here instead of ending the process."""


def make_batches(
    *, partitions: int = 1, stop: Callable[[WorkerMustStop], None] | None = None
) -> tuple[Batches, dict[str, Topic], faust.App]:
    settings = Settings(partitions=partitions)
    metrics = Metrics.create(CollectorRegistry())
    topics = {name: Topic() for name in ("input", "cluster", "output", "dlq")}
    state = BatchedTableStore(Table())
    batches = Batches(
        metrics=metrics,
        topics=topics,  # type: ignore[arg-type]
        ingest=IngestHandler(settings, metrics),
        consolidate=ConsolidateHandler(settings, metrics, state),
        state=state,
        offsets=OffsetGaps(lambda topic, partition: None),
        fused=partitions == 1,
        stop=stop,
    )
    return batches, topics, faust.App(f"batches-{next(_ids)}", broker="kafka://127.0.0.1:1")


def events_of(app: faust.App, values: list[bytes], topic: str = "news.articles") -> list[Event]:
    """Events as ``take_events`` hands them over: each message has the stream's reference."""
    events = []
    for offset, value in enumerate(values):
        tp = TP(topic, 0)
        message = ConsumerMessage(topic, 0, offset, 1.7e9, 0, [], b"k", value, None, tp=tp)
        message.incref()
        events.append(Event(app, b"k", value, [], message))
    return events


def refcounts(events: list[Event]) -> list[int]:
    return [e.message.refcount for e in events]


def test_a_fused_batch_is_processed_published_and_released() -> None:
    stopped: list[WorkerMustStop] = []
    batches, topics, app = make_batches(stop=stopped.append)
    events = events_of(app, [article(1), b"{oops", article(2)])
    asyncio.run(batches.ingest_events(events))
    assert stopped == []
    assert [key for key, _ in topics["dlq"].sent] == [b"k"]  # the malformed record
    assert topics["output"].sent and topics["cluster"].sent == []
    latest: dict[str, Any] = {}
    for _, value in topics["output"].sent:  # in order: the last record of a story wins
        record = orjson.loads(value)
        latest[record["story_id"]] = record
    assert sum(r["article_count"] for r in latest.values()) == 2
    assert isinstance(batches.state.table, Table) and batches.state.table.sent  # changelog
    assert refcounts(events) == [1, 1, 1]  # only take_events' reference is left


def test_a_refused_send_stops_the_worker_with_the_batch_still_held() -> None:
    stopped: list[WorkerMustStop] = []
    batches, topics, app = make_batches(stop=stopped.append)
    topics["output"].error = RuntimeError("MessageSizeTooLarge")
    events = events_of(app, [article(1)])
    with pytest.raises(SendFailed):
        asyncio.run(batches.ingest_events(events))
    assert len(stopped) == 1 and isinstance(stopped[0], SendFailed)
    assert isinstance(stopped[0].__cause__, RuntimeError)
    assert "a send failed (RuntimeError: MessageSizeTooLarge)" in str(stopped[0])
    errors = batches.metrics.registry.get_sample_value(
        "newsstream_broker_errors_total", {"operation": "send"}
    )
    assert errors == 1.0
    assert refcounts(events) == [2]  # held: take_events' ack does not release it


def test_a_batch_that_fails_as_a_whole_stops_the_worker_with_the_batch_held() -> None:
    def broken(*args: Any) -> None:
        raise KeyError("pool lost a result")

    stopped: list[WorkerMustStop] = []
    batches, topics, app = make_batches(stop=stopped.append)
    batches.ingest.apply = broken  # type: ignore[method-assign]
    events = events_of(app, [article(1), article(2)])
    with pytest.raises(BatchFailed, match="the ingest agent failed on a batch"):
        asyncio.run(batches.ingest_events(events))
    assert len(stopped) == 1 and isinstance(stopped[0].__cause__, KeyError)
    assert topics["output"].sent == [] and topics["dlq"].sent == []
    assert refcounts(events) == [2, 2]


def test_without_stop_the_typed_error_reaches_the_caller() -> None:
    batches, topics, app = make_batches()
    topics["dlq"].error = RuntimeError("topic deleted")
    with pytest.raises(SendFailed):
        asyncio.run(batches.ingest_events(events_of(app, [b"not json"])))


def test_a_stopping_worker_cancels_a_batch_without_stop_and_keeps_it_held() -> None:
    stopped: list[WorkerMustStop] = []
    batches, topics, app = make_batches(stop=stopped.append)
    events = events_of(app, [article(1)])
    topics["output"].slow = True  # the broker does not answer

    async def main() -> None:
        task = asyncio.create_task(batches.ingest_events(events))
        await asyncio.sleep(0.05)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(main())
    assert stopped == [] and refcounts(events) == [2]


def test_two_stages_re_key_then_consolidate() -> None:
    batches, topics, app = make_batches(partitions=2)
    asyncio.run(batches.ingest_events(events_of(app, [article(1), article(2)])))
    assert topics["output"].sent == [] and len(topics["cluster"].sent) == 2
    assert [Extracted.from_bytes(v).article.id for _, v in topics["cluster"].sent] == ["a1", "a2"]
    cluster = events_of(app, [v for _, v in topics["cluster"].sent], "news.articles.extracted")
    asyncio.run(batches.consolidate_events(cluster))
    assert topics["output"].sent
    assert refcounts(cluster) == [1, 1]


def test_a_new_assignment_checks_offsets_and_journals_afresh() -> None:
    batches, _, app = make_batches()
    asyncio.run(batches.ingest_events(events_of(app, [article(1)])))
    assert batches.state.settled and batches.offsets.expected
    batches.on_assigned()
    assert batches.state.settled == set() and batches.offsets.expected == {}


def test_skipped_offsets_are_counted() -> None:
    batches, _, app = make_batches()
    batches.offsets.committed = lambda topic, partition: 0
    events = events_of(app, [article(1), article(2)])[1:]  # offset 0 never arrives
    asyncio.run(batches.ingest_events(events))
    gaps = batches.metrics.registry.get_sample_value(
        "newsstream_offset_gaps_total", {"topic": "news.articles"}
    )
    assert gaps == 1.0


# ------------------------------------------------------------------ the worker entry
def test_each_typed_error_has_its_exit_code() -> None:
    class Refused(SendFailed):
        pass

    assert worker.exit_code(SendFailed("x")) == 75
    assert worker.exit_code(BatchFailed("x")) == 70
    assert worker.exit_code(Refused("x")) == 75
    assert worker.exit_code(WorkerMustStop("x")) == 70


def test_the_worker_entry_logs_and_exits_with_the_code(monkeypatch: Any, caplog: Any) -> None:
    def exit_now(code: int) -> None:
        raise Stopped(code)

    monkeypatch.setattr(worker.os, "_exit", exit_now)
    monkeypatch.setattr(worker.logging, "shutdown", lambda: None)
    try:
        raise RuntimeError("broker gone")
    except RuntimeError as cause:
        err = SendFailed("a send failed (RuntimeError: broker gone)")
        err.__cause__ = cause
    with caplog.at_level(logging.CRITICAL), pytest.raises(Stopped) as stopped:
        worker.exit_on(err)
    assert stopped.value.args == (75,)
    assert "a send failed (RuntimeError: broker gone); exiting with code 75 without " \
           "acknowledging the batch" in caplog.text  # fmt: skip


def test_the_app_hands_failed_batches_to_the_entrys_stop() -> None:
    from newsstream.stream.app import create_app

    fused = create_app(Settings(), registry=CollectorRegistry(), stop=worker.exit_on)
    assert fused.batches.stop is worker.exit_on
    assert fused.fused and set(fused.app.agents) == {"ingest"}
    staged = create_app(Settings(partitions=3), registry=CollectorRegistry())
    assert not staged.fused and set(staged.app.agents) == {"ingest", "consolidate"}
    assert staged.batches.stop is None
