"""One batch of an agent, from taking it to acknowledging it.

For each batch ``take_events`` hands an agent, ``Batches``:

1. checks its offsets for records the consumer skipped (``offset_gaps``),
2. holds its events unacknowledged (``faust_compat.held``),
3. rolls forward the journal of partitions new to this worker (``settle``),
4. processes it: validate and extract (ingest), then consolidate (fused) or
   re-key to the cluster topic (two-stage); or consolidate (the cluster topic),
5. writes the table journal and keys, publishes its messages and waits until the
   broker has every one of them (``deliver``),
6. releases the events, so Faust acknowledges them when the agent asks for the next batch.

A batch that fails as a whole raises ``BatchFailed``, a refused send ``SendFailed``,
with the events still held; both go to ``stop``, which the worker entry
(``stream/worker.py``) sets to exit with the error's code. Without a ``stop`` the
error reaches Faust, which restarts the agent (only for tests: the batch would be
skipped until the next rebalance).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from newsstream.errors import BatchFailed, SendFailed, WorkerMustStop
from newsstream.metrics import Metrics
from newsstream.stream.extraction_pool import ExtractionPool
from newsstream.stream.faust_compat import held
from newsstream.stream.handlers import (
    ConsolidateHandler,
    Extracted,
    IngestHandler,
    IngestResult,
    Origin,
    Outgoing,
    ingest_many,
)
from newsstream.stream.offset_gaps import OffsetGaps, batch_offsets
from newsstream.stream.story_feed import StoryFeed
from newsstream.stream.tables import BatchedTableStore

log = logging.getLogger(__name__)

Stop = Callable[[WorkerMustStop], None]  # ends the process; returning re-raises


@contextmanager
def failing_as_batch(agent: str) -> Iterator[None]:
    """Any exception of a batch's body becomes ``BatchFailed`` (``SendFailed`` stays
    itself); cancellation (a stopping worker) passes through."""
    try:
        yield
    except WorkerMustStop:
        raise
    except Exception as err:
        raise BatchFailed(
            f"the {agent} agent failed on a batch ({type(err).__name__}: {err})"
        ) from err


@dataclass(slots=True)
class Batches:
    """What the agents do with each batch; see the module docstring."""

    metrics: Metrics
    topics: dict[str, Any]
    ingest: IngestHandler
    consolidate: ConsolidateHandler
    state: BatchedTableStore
    offsets: OffsetGaps
    fused: bool
    pool: ExtractionPool | None = None
    stop: Stop | None = None
    feed: StoryFeed | None = None  # the story page's latest records

    # ------------------------------------------------------------ the agents' calls
    async def ingest_events(self, events: Sequence[Any]) -> None:
        """A batch of the input topic."""
        await self._run("ingest", events, self._ingest_and_deliver)

    async def consolidate_events(self, events: Sequence[Any]) -> None:
        """A batch of the cluster topic (two-stage mode)."""
        await self._run("consolidate", events, self._consolidate_and_deliver)

    def on_assigned(self) -> None:
        """A rebalance: a partition may come back with another worker's last batch."""
        self.state.unsettle()
        self.offsets.reset()

    async def _run(
        self, agent: str, events: Sequence[Any], work: Callable[[Any], Awaitable[None]]
    ) -> None:
        self.check_offsets(events)
        try:
            with held(events), failing_as_batch(agent):  # acknowledged once delivered
                await work(events)
        except WorkerMustStop as err:
            if self.stop is not None:
                self.stop(err)  # the worker entry exits here
            raise

    async def _ingest_and_deliver(self, events: Any) -> None:
        await self.deliver(await self.ingest_batch(events))

    async def _consolidate_and_deliver(self, events: Any) -> None:
        await self.deliver(self.consolidate_batch(events))

    # ------------------------------------------------------------------ delivery
    def publish(self, out: Outgoing) -> list[Any]:
        """Hand a batch's messages to the producer; returns their sends."""
        dlq, cluster, stories = (self.topics[k] for k in ("dlq", "cluster", "output"))
        sends = [dlq.send_soon(key=k, value=v, headers=h) for k, v, h in out.dlq]
        sends += [cluster.send_soon(key=k, value=v) for k, v in out.cluster]
        sends += [stories.send_soon(key=k, value=v, headers=h) for k, v, h in out.stories]
        return sends

    async def deliver(self, out: Outgoing) -> None:
        """Publish a batch and wait until the broker has every message of it: its
        table writes (changelog), story records, dead letters and re-keyed articles.

        Only then does the agent take the next batch, which is when Faust
        acknowledges this one; an acknowledged offset therefore never has a
        message missing behind it (at-least-once). A send the broker refuses
        raises ``SendFailed`` without acknowledging the batch (the worker exits),
        so it is re-delivered to the next worker instead of being lost.
        """
        writes = self.state.flush()
        self.metrics.state_writes.inc(len(writes))
        try:
            # The journal first: a story record that reached its topic while the
            # batch's journal did not would be published again at a lower version
            # when the batch is re-delivered after a crash (versions going backwards).
            if writes:
                await asyncio.gather(*writes)
            sends = self.publish(out)
            if sends:
                await asyncio.gather(*sends)
        except Exception as err:
            self.metrics.broker_errors.labels("send").inc()
            raise SendFailed(f"a send failed ({type(err).__name__}: {err})") from err
        if self.feed is not None:  # only records the broker has
            self.feed.offer_all((key, value) for key, value, _headers in out.stories)

    def check_offsets(self, events: Any) -> None:
        """Count and log records the consumer skipped (``offset_gaps``)."""
        for gap in self.offsets.check(batch_offsets(events)):
            self.metrics.offset_gaps.labels(gap.topic).inc()
            log.error("offsets %d..%d of %s[%d] never reached this worker (%d records "
                      "skipped by the consumer)", gap.expected, gap.got - 1, gap.topic,
                      gap.partition, gap.skipped)  # fmt: skip

    # ---------------------------------------------------------------- processing
    def _settle(self, events: Any, out: Outgoing) -> None:
        """Before a batch: roll forward the journal of partitions new to this worker
        (``BatchedTableStore.settle``); their records are published again first."""
        replayed = self.state.settle({e.message.partition for e in events})
        out.stories[:0] = replayed.records

    async def ingest_batch(self, events: Any) -> Outgoing:
        out = Outgoing()
        if self.fused:
            self._settle(events, out)
        records = [(e.message.value, e.message.timestamp) for e in events]
        if self.pool is None:
            self._take(events, ingest_many(records, self.ingest.limits), out)
            return out
        done = 0  # consolidate each chunk while the pool extracts the next ones
        for chunk in self.pool.submit(records, self.ingest.limits):
            results = await chunk
            self._take(events[done : done + len(results)], results, out)
            done += len(results)
        if done != len(events):  # pragma: no cover - a pool that lost results
            raise RuntimeError(f"extraction returned {done} results for {len(events)} records")
        return out

    def _take(self, events: Any, results: list[IngestResult], out: Outgoing) -> None:
        """Count, dead-letter or consolidate (fused) / re-key (two-stage) each result."""
        for event, result in zip(events, results, strict=True):
            msg = event.message
            origin = Origin(msg.topic, msg.partition, msg.offset, msg.timestamp)
            extracted = self.ingest.apply(msg.key, msg.value, origin, result, out)
            if extracted is None:
                continue
            if self.fused:
                self._consolidate(event, out, extracted, origin, (msg.key, msg.value))
            else:
                self.ingest.route(extracted, out)

    def consolidate_batch(self, events: Any) -> Outgoing:
        out = Outgoing()
        self._settle(events, out)
        for event in events:
            self.state.begin(event)
            before = len(out.stories)
            msg = event.message
            self.consolidate.handle(msg.value, Origin(msg.topic, msg.partition, msg.offset), out)
            self._journal(out, before)
        return out

    def _consolidate(
        self,
        event: Any,
        out: Outgoing,
        extracted: Extracted,
        origin: Origin,
        original: tuple[bytes | None, bytes | None],
    ) -> None:
        self.state.begin(event)
        before = len(out.stories)
        self.consolidate.consolidate(extracted, origin, out, original)
        self._journal(out, before)

    def _journal(self, out: Outgoing, before: int) -> None:
        """The story records of the current event belong to its partition's batch
        journal, with its table writes."""
        for message in out.stories[before:]:
            self.state.publish(message)
