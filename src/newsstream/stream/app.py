"""The Faust app: topics, the story table, the agents, health and metrics pages.

The agents only take batches and hand them to ``batches.Batches``; every use of
Faust internals goes through ``faust_compat`` (version-checked and installed here).

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

from dataclasses import dataclass
from functools import partial
from typing import Any

import faust
from faust.sensors.prometheus import setup_prometheus_sensors
from prometheus_client import CollectorRegistry

from newsstream.metrics import Metrics
from newsstream.settings import Settings
from newsstream.stream import faust_compat
from newsstream.stream.batches import Batches, Stop
from newsstream.stream.connection import faust_credentials
from newsstream.stream.extraction_pool import ExtractionPool
from newsstream.stream.handlers import ConsolidateHandler, IngestHandler
from newsstream.stream.health import Readiness, install_broker_probe, install_health_pages
from newsstream.stream.offset_gaps import OffsetGaps
from newsstream.stream.story_feed import StoryFeed, install_story_page
from newsstream.stream.tables import BatchedTableStore

STORY_TABLE = "story-state"


@dataclass(slots=True)
class Pipeline:
    """The Faust app with its topics, metrics and batch handling (the worker entry
    starts it; the agents call ``batches``)."""

    app: faust.App
    metrics: Metrics
    readiness: Readiness
    settings: Settings
    topics: dict[str, Any]
    batches: Batches

    @property
    def fused(self) -> bool:
        """One input partition: every article already meets in one table partition, so
        extraction and consolidation run in one agent (no internal hop). With more
        partitions, extracted articles are re-keyed by cluster key first."""
        return self.batches.fused

    @property
    def pool(self) -> ExtractionPool | None:
        return self.batches.pool


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
        # its writes acknowledged (``Batches.deliver``): the worker that gets a
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


def create_app(
    settings: Settings, registry: CollectorRegistry | None = None, *, stop: Stop | None = None
) -> Pipeline:
    """The app of one worker. ``stop`` ends the process on a failed batch or send
    (``worker.exit_on``); without it such an error reaches Faust."""
    app = faust.App(settings.app_id, **faust_config(settings))
    faust_compat.prepare(app, fetch_max_wait_ms=settings.fetch_max_wait_ms)
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
    state = BatchedTableStore(app.Table(STORY_TABLE, default=None, partitions=settings.partitions))
    batches = Batches(
        metrics=metrics,
        topics=topics,
        ingest=IngestHandler(settings, metrics),
        consolidate=ConsolidateHandler(settings, metrics, state),
        state=state,
        offsets=OffsetGaps(partial(faust_compat.committed_offset, app)),
        fused=settings.partitions == 1,
        pool=ExtractionPool(settings.extract_processes) if settings.extract_processes else None,
        stop=stop,
        feed=StoryFeed(settings.story_page_limit),
    )
    install_story_page(app, batches.feed)
    install_agents(app, batches, topics, settings)
    return Pipeline(app, metrics, readiness, settings, topics, batches)


def install_agents(app: faust.App, batches: Batches, topics: dict[str, Any], s: Settings) -> None:
    """The agents (a batch at a time, handed to ``batches``) and rebalance hooks."""

    @app.on_partitions_assigned.connect
    async def _assigned(sender: Any, *args: Any, **kwargs: Any) -> None:
        batches.on_assigned()

    @app.on_before_shutdown.connect
    async def _stop_pool(sender: Any, **kwargs: Any) -> None:
        if batches.pool is not None:
            batches.pool.shutdown()

    @app.agent(topics["input"], name="ingest")
    async def ingest_agent(stream: Any) -> None:
        async for events in stream.take_events(s.batch_size, s.batch_timeout_s):
            await batches.ingest_events(events)

    if not batches.fused:

        @app.agent(topics["cluster"], name="consolidate")
        async def consolidate_agent(stream: Any) -> None:
            async for events in stream.take_events(s.batch_size, s.batch_timeout_s):
                await batches.consolidate_events(events)
