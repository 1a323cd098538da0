"""What the agents do with one record, without any Kafka I/O.

Handlers turn an input record into the messages to send (DLQ, cluster topic,
story topic) and count metrics; agents only move bytes. Unit tests call the
handlers directly with plain bytes and a ``DictStore``.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import orjson

from newsstream.core.extracted import Extraction
from newsstream.core.extraction import extract
from newsstream.core.ports import PrefixedStore, StateStore
from newsstream.core.stories.engine import EngineConfig, Outcome, StoryEngine
from newsstream.core.stories.facts import ArticleFacts, article_facts
from newsstream.core.validate import parse_article
from newsstream.dlq import DlqHeaders
from newsstream.errors import ArticleRejected, ProcessingFailed
from newsstream.metrics import Metrics
from newsstream.models import Article
from newsstream.settings import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a record came from (for DLQ headers and latency)."""

    topic: str
    partition: int
    offset: int
    timestamp: float | None = None  # seconds since epoch (record timestamp)


@dataclass(slots=True)
class Outgoing:
    """Messages to publish, per destination, in order."""

    dlq: list[tuple[bytes | None, bytes | None, list[tuple[str, bytes]]]] = field(
        default_factory=list
    )
    cluster: list[tuple[bytes, bytes]] = field(default_factory=list)
    stories: list[tuple[bytes, bytes, list[tuple[str, bytes]]]] = field(default_factory=list)


TRACE_ARTICLE = "newsstream.article.id"
TRACE_INGESTED = "newsstream.article.ingested_ms"


def trace_headers(article_id: str, ingested_at: float | None) -> list[tuple[str, bytes]]:
    """Headers on a story record naming the article that caused it (for tracing and
    latency measurement: ingested_ms is the input record's timestamp)."""
    headers = [(TRACE_ARTICLE, article_id.encode())]
    if ingested_at:
        headers.append((TRACE_INGESTED, str(round(ingested_at * 1000)).encode()))
    return headers


@dataclass(frozen=True, slots=True)
class Extracted:
    """An article that passed validation, with its extraction (ingest → consolidate).

    ``facts`` are the article-local values the story engine needs
    (``core.stories.facts``), computed in the ingest stage so that extraction
    processes take them off the event loop; ``facts_s`` is what they cost (counted
    in the consolidate stage). They do not travel on the cluster topic: there the
    engine computes them itself.
    """

    article: Article
    extraction: Extraction
    ingested_at: float | None
    facts: ArticleFacts | None = None
    facts_s: float = 0.0

    def to_bytes(self) -> bytes:
        return orjson.dumps(
            {
                "article": self.article.model_dump(mode="json"),
                "extraction": self.extraction.to_dict(),
                "ingested_at": self.ingested_at,
            }
        )

    @classmethod
    def from_bytes(cls, raw: bytes) -> Extracted:
        data = orjson.loads(raw)
        return cls(
            Article.model_validate(data["article"]),
            Extraction.from_dict(data["extraction"]),
            data.get("ingested_at"),
        )


def cluster_key(article: Article, settings: Settings) -> bytes:
    """Routing key for consolidation; 'global' sends every article to one partition."""
    if settings.cluster_key == "global":
        return b"global"
    value = getattr(article, settings.cluster_key, None) or "other"
    return str(value).encode("utf-8")


@dataclass(frozen=True, slots=True)
class IngestLimits:
    """What ``ingest_record`` needs from the settings (small, picklable)."""

    max_bytes: int
    max_future_hours: float


@dataclass(frozen=True, slots=True)
class IngestResult:
    """The outcome of validate + extract for one record (picklable, no side effects)."""

    extracted: Extracted | None
    error: ArticleRejected | None = None
    stage: str = "validate"
    validate_s: float = 0.0
    extract_s: float = 0.0


def ingest_record(
    raw: bytes | None, ingested_at: float | None, limits: IngestLimits
) -> IngestResult:
    """validate → extract one record. Runs in the worker or in an extraction process."""
    started = time.perf_counter()
    try:
        article = parse_article(
            raw,
            max_bytes=limits.max_bytes,
            not_after=datetime.now(UTC) + timedelta(hours=limits.max_future_hours),
        )
    except ArticleRejected as err:
        return IngestResult(None, err, err.stage)
    validated = time.perf_counter()
    try:
        extraction = extract(article)
    except Exception as err:  # one bad article must not stop the partition
        failure = ProcessingFailed(f"extraction failed: {type(err).__name__}: {err}")
        return IngestResult(None, failure, "extract", validated - started)
    done = time.perf_counter()
    try:
        facts: ArticleFacts | None = article_facts(article, extraction)
    except Exception:  # the engine computes them again and reports the failure there
        facts = None
    prepared = Extracted(article, extraction, ingested_at, facts, time.perf_counter() - done)
    return IngestResult(prepared, None, "", validated - started, done - validated)


def ingest_many(
    records: list[tuple[bytes | None, float | None]], limits: IngestLimits
) -> list[IngestResult]:
    """``ingest_record`` over a chunk (the unit of work sent to an extraction process)."""
    return [ingest_record(raw, ingested_at, limits) for raw, ingested_at in records]


class IngestHandler:
    """validate → extract; rejects become DLQ messages with the original bytes."""

    def __init__(self, settings: Settings, metrics: Metrics) -> None:
        self.settings = settings
        self.metrics = metrics
        self.limits = IngestLimits(settings.max_article_bytes, settings.max_future_hours)

    def handle(
        self, key: bytes | None, raw: bytes | None, origin: Origin, out: Outgoing
    ) -> Extracted | None:
        """The extracted article, or None when the record was dead-lettered."""
        return self.apply(key, raw, origin, ingest_record(raw, origin.timestamp, self.limits), out)

    def apply(
        self,
        key: bytes | None,
        raw: bytes | None,
        origin: Origin,
        result: IngestResult,
        out: Outgoing,
    ) -> Extracted | None:
        """Count metrics for a result and dead-letter a rejected record."""
        m = self.metrics
        m.articles_received.inc()
        if result.error is not None or result.extracted is None:
            error = result.error or ProcessingFailed("no result")
            self._reject(key, raw, origin, error, result.stage, out)
            return None
        m.stage_seconds.labels("validate").observe(result.validate_s)
        m.stage_seconds.labels("extract").observe(result.extract_s)
        extraction = result.extracted.extraction
        for entity in extraction.entities:
            m.entities_extracted.labels(entity.type).inc()
        for event in extraction.events:
            m.events_extracted.labels(event.type).inc()
        return result.extracted

    def route(self, extracted: Extracted, out: Outgoing) -> None:
        """Two-stage mode: send the extracted article to the cluster topic."""
        out.cluster.append((cluster_key(extracted.article, self.settings), extracted.to_bytes()))

    def _reject(
        self,
        key: bytes | None,
        raw: bytes | None,
        origin: Origin,
        error: ArticleRejected,
        stage: str,
        out: Outgoing,
    ) -> None:
        headers = DlqHeaders.for_error(
            error,
            reason=error.reason,
            stage=stage,
            topic=origin.topic,
            partition=origin.partition,
            offset=origin.offset,
        )
        log.warning(
            "rejected record %s[%d]@%d: %s: %s",
            origin.topic,
            origin.partition,
            origin.offset,
            error.reason,
            error.message[:200],
        )
        self.metrics.articles_rejected.labels(error.reason).inc()
        out.dlq.append((key, raw, headers.to_kafka()))


class ConsolidateHandler:
    """extracted article → story engine → story records to publish."""

    def __init__(self, settings: Settings, metrics: Metrics, store: StateStore) -> None:
        self.settings = settings
        self.metrics = metrics
        self.store = store
        self.engines: dict[bytes, StoryEngine] = {}

    def engine_for(self, key: bytes) -> StoryEngine:
        """One engine per cluster key, each in its own namespace of the table."""
        engine = self.engines.get(key)
        if engine is None:
            namespace = PrefixedStore(self.store, key.decode("utf-8", "replace") + "|")
            config = EngineConfig.for_decision(
                self.settings.story_decision, window=self.settings.story_window
            )
            engine = StoryEngine(namespace, config)
            self.engines[key] = engine
        return engine

    def handle(self, raw: bytes, origin: Origin, out: Outgoing) -> Outcome | None:
        """Two-stage mode: a record of the cluster topic."""
        return self.consolidate(Extracted.from_bytes(raw), origin, out)

    def consolidate(
        self,
        item: Extracted,
        origin: Origin,
        out: Outgoing,
        original: tuple[bytes | None, bytes | None] | None = None,
    ) -> Outcome | None:
        """Consolidate one article. ``original`` (key, bytes of the input record) is what
        a failure dead-letters; without it (two-stage mode, where only the extracted
        form travels) the article's JSON is dead-lettered under its id."""
        m = self.metrics
        started = time.perf_counter()
        article, extraction = item.article, item.extraction
        engine = self.engine_for(cluster_key(article, self.settings))
        try:
            outcome = engine.process(article, extraction, item.facts)
        except Exception as err:  # route, count, log once; never block the partition
            failure = ProcessingFailed(f"consolidation failed: {type(err).__name__}: {err}")
            log.exception("consolidation failed for article %s", article.id)
            m.articles_rejected.labels(failure.reason).inc()
            headers = DlqHeaders.for_error(
                failure,
                reason=failure.reason,
                stage="consolidate",
                topic=origin.topic,
                partition=origin.partition,
                offset=origin.offset,
            )
            key, body = original or (article.id.encode(), article.model_dump_json().encode())
            out.dlq.append((key, body, headers.to_kafka()))
            return None
        m.stage_seconds.labels("consolidate").observe(
            time.perf_counter() - started + item.facts_s
        )
        self._count(outcome)
        headers = trace_headers(article.id, item.ingested_at)
        for record in outcome.records:
            value = record.model_dump_json().encode()
            out.stories.append((record.story_id.encode(), value, headers))
        self._observe_latency(item.ingested_at, article, len(outcome.records))
        return outcome

    def _count(self, outcome: Outcome) -> None:
        m = self.metrics
        m.articles_consolidated.inc()
        if outcome.decision == "redelivery":
            m.articles_duplicates.labels("exact").inc()
        elif outcome.decision == "near_duplicate":
            m.articles_duplicates.labels("near").inc()
        elif outcome.decision == "correction":
            m.articles_corrected.inc()
        m.stories_created.inc(outcome.created)
        m.stories_updated.inc(outcome.updated)
        m.stories_merged.inc(outcome.merged)
        m.stories_expired.inc(outcome.expired)
        m.records_emitted.inc(len(outcome.records))
        m.active_stories.set(sum(e.active_story_count() for e in self.engines.values()))

    def _observe_latency(self, ingested_at: float | None, article: Article, emitted: int) -> None:
        if not emitted:
            return
        now = time.time()
        if ingested_at:
            self.metrics.end_to_end_latency.observe(max(0.0, now - ingested_at))
        published = article.published_at.astimezone(UTC)
        delay = (datetime.now(UTC) - published).total_seconds()
        self.metrics.publication_delay.observe(max(0.0, delay))
