"""Agent logic without Kafka: handlers route rejects to the DLQ and count metrics."""

from __future__ import annotations

import orjson
from prometheus_client import CollectorRegistry

from newsstream.core.ports import DictStore
from newsstream.dlq import DlqHeaders
from newsstream.metrics import Metrics
from newsstream.settings import Settings
from newsstream.stream.handlers import ConsolidateHandler, IngestHandler, Origin, Outgoing

ORIGIN = Origin("news.articles", 0, 41, 1_700_000_000.0)
GOOD = orjson.dumps(
    {
        "id": "a1",
        "title": "OpenAI board fires Sam Altman",
        "body": "The board of OpenAI fired Sam Altman on Friday.",
        "published_at": "2023-11-17T20:28:00+00:00",
        "source": "Wire",
    }
)


def sample(metrics: Metrics, name: str, labels: dict[str, str] | None = None) -> float:
    value = metrics.registry.get_sample_value(name, labels or {})
    return 0.0 if value is None else value


def test_reject_goes_to_dlq_with_original_bytes_and_reason() -> None:
    metrics = Metrics.create(CollectorRegistry())
    handler = IngestHandler(Settings(), metrics)
    out = Outgoing()
    assert handler.handle(b"k", b"{oops", ORIGIN, out) is None
    assert out.cluster == [] and len(out.dlq) == 1
    key, value, headers = out.dlq[0]
    assert (key, value) == (b"k", b"{oops")
    parsed = DlqHeaders.from_kafka(headers)
    assert (parsed.reason, parsed.stage, parsed.offset) == ("malformed", "validate", 41)
    assert sample(metrics, "newsstream_articles_rejected_total", {"reason": "malformed"}) == 1


def test_valid_article_is_extracted_then_consolidated() -> None:
    metrics = Metrics.create(CollectorRegistry())
    settings = Settings()
    out = Outgoing()
    ingest = IngestHandler(settings, metrics)
    extracted = ingest.handle(b"a1", GOOD, ORIGIN, out)
    assert extracted is not None and extracted.article.id == "a1"
    ingest.route(extracted, out)  # two-stage mode: via the cluster topic
    assert out.dlq == [] and len(out.cluster) == 1
    key, payload = out.cluster[0]
    assert key == b"global"
    consolidate = ConsolidateHandler(settings, metrics, DictStore())
    stories = Outgoing()
    outcome = consolidate.handle(payload, Origin("news.articles.extracted", 0, 0), stories)
    assert outcome is not None and outcome.decision == "created"
    assert len(stories.stories) == 1
    _key, _value, headers = stories.stories[0]
    assert dict(headers) == {
        "newsstream.article.id": b"a1",
        "newsstream.article.ingested_ms": b"1700000000000",
    }
    assert sample(metrics, "newsstream_articles_received_total") == 1
    assert sample(metrics, "newsstream_stories_created_total") == 1
    assert sample(metrics, "newsstream_active_stories") == 1
    assert sample(metrics, "newsstream_end_to_end_latency_seconds_count") == 1
    consolidate.handle(payload, Origin("news.articles.extracted", 0, 1), stories)
    assert sample(metrics, "newsstream_articles_duplicates_total", {"kind": "exact"}) == 1
    assert sample(metrics, "newsstream_articles_consolidated_total") == 2


def test_cluster_key_by_section() -> None:
    metrics = Metrics.create(CollectorRegistry())
    out = Outgoing()
    row = orjson.loads(GOOD) | {"section": "tech"}
    ingest = IngestHandler(Settings(cluster_key="section"), metrics)
    extracted = ingest.handle(b"a1", orjson.dumps(row), ORIGIN, out)
    assert extracted is not None
    ingest.route(extracted, out)
    assert out.cluster[0][0] == b"tech"


def test_cluster_keys_are_separate_namespaces() -> None:
    """Sharded by section, the same names in two sections make two stories."""
    metrics = Metrics.create(CollectorRegistry())
    settings = Settings(cluster_key="section")
    ingest = IngestHandler(settings, metrics)
    store = DictStore()
    consolidate = ConsolidateHandler(settings, metrics, store)
    out = Outgoing()
    ids = []
    for i, section in enumerate(("tech", "business", "tech")):
        row = orjson.loads(GOOD) | {"id": f"a{i}", "section": section}
        extracted = ingest.handle(b"k", orjson.dumps(row), ORIGIN, out)
        assert extracted is not None
        outcome = consolidate.consolidate(extracted, ORIGIN, out)
        assert outcome is not None
        ids.append(outcome.story_id)
    assert ids[0] == ids[2] != ids[1]
    assert {k.split("|", 1)[0] for k in store.data} == {"tech", "business"}
    assert sample(metrics, "newsstream_active_stories") == 2


def test_consolidation_failure_dead_letters_the_original_record() -> None:
    metrics = Metrics.create(CollectorRegistry())
    settings = Settings()
    out = Outgoing()
    extracted = IngestHandler(settings, metrics).handle(b"a1", GOOD, ORIGIN, out)
    assert extracted is not None

    class Broken(DictStore):
        def set(self, key: str, value: object) -> None:
            raise RuntimeError("disk on fire")

    handler = ConsolidateHandler(settings, metrics, Broken())
    assert handler.consolidate(extracted, ORIGIN, out, (b"a1", GOOD)) is None
    assert out.stories == []
    key, value, headers = out.dlq[0]
    assert (key, value) == (b"a1", GOOD)
    parsed = DlqHeaders.from_kafka(headers)
    assert (parsed.reason, parsed.stage) == ("processing", "consolidate")
    assert "disk on fire" in parsed.exception_message
    assert sample(metrics, "newsstream_articles_rejected_total", {"reason": "processing"}) == 1
