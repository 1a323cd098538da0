"""The Faust app: topics, the story table, the agents, health and metrics pages.

```
news.articles ─► ingest ─► news.articles.extracted ─► consolidate ─► news.stories
                   └─► news.articles.dlq (keyed by cluster key)   (story table)
```
``ingest`` is stateless and scales with input partitions and workers;
``consolidate`` owns the story table, co-partitioned with the cluster topic.
With a single input partition (the default) the two run fused in one agent:
the re-keying hop would route every article to the same partition anyway.
"""

from __future__ import annotations

import asyncio
import logging
import os
from dataclasses import dataclass
from functools import partial
from typing import Any

import faust
from faust.sensors.prometheus import setup_prometheus_sensors
from prometheus_client import CollectorRegistry

from newsstream.metrics import Metrics
from newsstream.settings import Settings
from newsstream.stream.batch_hold import exit_on_batch_error, held
from newsstream.stream.connection import faust_credentials
from newsstream.stream.extraction_pool import ExtractionPool
from newsstream.stream.fetch_wait import set_fetch_max_wait
from newsstream.stream.handlers import (
    ConsolidateHandler,
    Extracted,
    IngestHandler,
    IngestResult,
    Origin,
    Outgoing,
    ingest_many,
)
from newsstream.stream.health import Readiness, install_broker_probe, install_health_pages
from newsstream.stream.offset_gaps import OffsetGaps, batch_offsets
from newsstream.stream.recovery_order import install as seek_before_fetching
from newsstream.stream.tables import BatchedTableStore

STORY_TABLE = "story-state"
EXIT_SEND_FAILED = 75  # EX_TEMPFAIL: restart the worker; nothing was acknowledged

log = logging.getLogger(__name__)


@dataclass(slots=True)
class Pipeline:
    """The Faust app with its topics and handlers; agents call its methods."""

    app: faust.App
    metrics: Metrics
    readiness: Readiness
    settings: Settings
    topics: dict[str, Any]
    ingest: IngestHandler
    consolidate: ConsolidateHandler
    state: BatchedTableStore
    offsets: OffsetGaps
    pool: ExtractionPool | None = None

    @property
    def fused(self) -> bool:
        """One input partition: every article already meets in one table partition, so
        extraction and consolidation run in one agent (no internal hop). With more
        partitions, extracted articles are re-keyed by cluster key first."""
        return self.settings.partitions == 1

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
        ends the worker without acknowledging the batch, so it is re-delivered
        to the next worker instead of being lost.
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
            log.critical("a send failed (%s: %s); exiting without acknowledging the batch",
                         type(err).__name__, err)
            logging.shutdown()
            os._exit(EXIT_SEND_FAILED)

    def check_offsets(self, events: Any) -> None:
        """Count and log records the consumer skipped (``offset_gaps``)."""
        for gap in self.offsets.check(batch_offsets(events)):
            self.metrics.offset_gaps.labels(gap.topic).inc()
            log.error("offsets %d..%d of %s[%d] never reached this worker (%d records "
                      "skipped by the consumer)", gap.expected, gap.got - 1, gap.topic,
                      gap.partition, gap.skipped)  # fmt: skip

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


def faust_config(settings: Settings) -> dict[str, Any]:
    config: dict[str, Any] = {
        "broker": settings.broker,
        "store": settings.store,
        "datadir": str(settings.data_dir),
        "topic_partitions": settings.partitions,
        "topic_replication_factor": settings.replication_factor,
        "topic_disable_leader": True,
        "web_host": settings.web_host,
        "web_port": settings.web_port,
        "web_enabled": True,
        "broker_rebalance_timeout": settings.rebalance_timeout_s,
        "broker_session_timeout": settings.session_timeout_s,
        "broker_heartbeat_interval": settings.heartbeat_interval_s,
        "broker_max_poll_records": settings.max_poll_records,
        "producer_linger": settings.producer_linger_s,
        "consumer_auto_offset_reset": "earliest",
        "autodiscover": False,
        # A rebalance waits until every batch already taken is processed and
        # its writes acknowledged (``Pipeline.deliver``): the worker that gets a
        # partition next, or this one re-reading it, recovers the table from a
        # changelog that already holds them. Without the wait, a batch finishing
        # during table recovery had its newer values overwritten by older
        # changelog records, and the articles it had placed were lost.
        "stream_wait_empty": True,
        # Table keys and values are JSON; the topics override this with raw bytes.
        "key_serializer": "json",
        "value_serializer": "json",
    }
    credentials = faust_credentials(settings)
    if credentials is not None:
        config["broker_credentials"] = credentials
    return config


def _committed(app: faust.App, topic: str, partition: int) -> int | None:
    """The committed offset Faust sought the partition to (``None``: unknown or 0)."""
    return app.consumer._committed_offset.get((topic, partition))


def create_app(settings: Settings, registry: CollectorRegistry | None = None) -> Pipeline:
    set_fetch_max_wait(settings.fetch_max_wait_ms)
    seek_before_fetching()
    app = faust.App(settings.app_id, **faust_config(settings))
    metrics = Metrics.create(registry)
    setup_prometheus_sensors(app, registry=metrics.registry, name_prefix="newsstream_faust")
    readiness = Readiness()
    install_health_pages(app, readiness)
    install_broker_probe(app, settings, metrics)

    raw = {"key_serializer": "raw", "value_serializer": "raw"}
    topics = {
        "input": app.topic(settings.input_topic, **raw),
        "cluster": app.topic(settings.cluster_topic, partitions=settings.partitions, **raw),
        "output": app.topic(settings.output_topic, **raw),
        "dlq": app.topic(settings.dlq_topic, **raw),
    }
    table = app.Table(STORY_TABLE, default=None, partitions=settings.partitions)
    state = BatchedTableStore(table)
    pipeline = Pipeline(
        app=app,
        metrics=metrics,
        readiness=readiness,
        settings=settings,
        topics=topics,
        ingest=IngestHandler(settings, metrics),
        consolidate=ConsolidateHandler(settings, metrics, state),
        state=state,
        offsets=OffsetGaps(partial(_committed, app)),
        pool=ExtractionPool(settings.extract_processes) if settings.extract_processes else None,
    )

    @app.on_partitions_assigned.connect
    async def _assigned(sender: Any, *args: Any, **kwargs: Any) -> None:
        state.unsettle()  # a partition may come back with another worker's last batch
        pipeline.offsets.reset()

    @app.on_before_shutdown.connect
    async def _stop_pool(sender: Any, **kwargs: Any) -> None:
        if pipeline.pool is not None:
            pipeline.pool.shutdown()

    size, within = settings.batch_size, settings.batch_timeout_s

    @app.agent(topics["input"], name="ingest")
    async def ingest_agent(stream: Any) -> None:
        async for events in stream.take_events(size, within):
            pipeline.check_offsets(events)
            with held(events), exit_on_batch_error("ingest"):  # acknowledged once delivered
                await pipeline.deliver(await pipeline.ingest_batch(events))

    if not pipeline.fused:

        @app.agent(topics["cluster"], name="consolidate")
        async def consolidate_agent(stream: Any) -> None:
            async for events in stream.take_events(size, within):
                pipeline.check_offsets(events)
                with held(events), exit_on_batch_error("consolidate"):
                    await pipeline.deliver(pipeline.consolidate_batch(events))

    return pipeline
