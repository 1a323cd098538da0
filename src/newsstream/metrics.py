"""Every Prometheus metric of newsstream, created once.

``Metrics.create(registry)`` builds the set on an injectable
``CollectorRegistry`` so tests use a fresh registry; the worker serves the same
registry (with Faust's own sensor metrics) at ``/metrics``.
"""

from __future__ import annotations

from dataclasses import dataclass

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

PREFIX = "newsstream"

STAGE_BUCKETS = (0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0)
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
DELAY_BUCKETS = (1.0, 10.0, 60.0, 300.0, 900.0, 3600.0, 6 * 3600.0, 86400.0, 7 * 86400.0)


@dataclass(frozen=True, slots=True)
class Metrics:
    registry: CollectorRegistry
    articles_received: Counter
    articles_rejected: Counter
    articles_consolidated: Counter
    articles_duplicates: Counter
    articles_corrected: Counter
    stories_created: Counter
    stories_updated: Counter
    stories_merged: Counter
    stories_expired: Counter
    records_emitted: Counter
    entities_extracted: Counter
    events_extracted: Counter
    stage_seconds: Histogram
    end_to_end_latency: Histogram
    publication_delay: Histogram
    active_stories: Gauge
    broker_up: Gauge
    state_writes: Counter
    broker_errors: Counter
    offset_gaps: Counter

    @classmethod
    def create(cls, registry: CollectorRegistry | None = None, prefix: str = PREFIX) -> Metrics:
        reg = registry if registry is not None else CollectorRegistry()

        def counter(name: str, doc: str, labels: tuple[str, ...] = ()) -> Counter:
            return Counter(f"{prefix}_{name}", doc, labels, registry=reg)

        return cls(
            registry=reg,
            articles_received=counter("articles_received", "Input records received."),
            articles_rejected=counter(
                "articles_rejected", "Input records sent to the DLQ, by reason.", ("reason",)
            ),
            articles_consolidated=counter(
                "articles_consolidated", "Articles through consolidation (every decision)."
            ),
            articles_duplicates=counter(
                "articles_duplicates",
                "Duplicates: exact re-deliveries and near-duplicate copies.",
                ("kind",),
            ),
            articles_corrected=counter(
                "articles_corrected", "Articles re-sent with new content (corrections)."
            ),
            stories_created=counter("stories_created", "Stories opened."),
            stories_updated=counter("stories_updated", "Story updates by a new member article."),
            stories_merged=counter("stories_merged", "Stories absorbed into another story."),
            stories_expired=counter("stories_expired", "Stories aged out of the active set."),
            records_emitted=counter("story_records_emitted", "Story records published."),
            entities_extracted=counter(
                "entities_extracted", "Entities extracted, by type.", ("type",)
            ),
            events_extracted=counter("events_extracted", "Events extracted, by type.", ("type",)),
            stage_seconds=Histogram(
                f"{prefix}_stage_seconds",
                "Seconds spent per article in each stage.",
                ("stage",),
                registry=reg,
                buckets=STAGE_BUCKETS,
            ),
            end_to_end_latency=Histogram(
                f"{prefix}_end_to_end_latency_seconds",
                "Ingest (record timestamp on the input topic) to story record emitted.",
                registry=reg,
                buckets=LATENCY_BUCKETS,
            ),
            publication_delay=Histogram(
                f"{prefix}_publication_delay_seconds",
                "Article published_at to story record emitted.",
                registry=reg,
                buckets=DELAY_BUCKETS,
            ),
            active_stories=Gauge(
                f"{prefix}_active_stories", "Stories in the active set.", registry=reg
            ),
            broker_up=Gauge(
                f"{prefix}_broker_up",
                "1 when a bootstrap broker answered the last Kafka ApiVersions probe.",
                registry=reg,
            ),
            state_writes=counter(
                "state_writes",
                "Story-table changelog records written (keys and batch journal), after batching.",
            ),
            broker_errors=counter(
                "broker_errors", "Failed broker operations (probes, sends).", ("operation",)
            ),
            offset_gaps=counter(
                "offset_gaps",
                "Gaps in the offsets an agent received: records the consumer skipped, by topic.",
                ("topic",),
            ),
        )
