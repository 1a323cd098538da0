"""/metrics after a known mix of records through the real broker (issue 5, Observability).

A hand-written mix goes through the embedded broker and a worker child process:
two unrelated stories, a follow-up joining one of them, an exact re-delivery, a
near-duplicate wire copy, a correction, and invalid records of every cheap reason.
Every ``newsstream_*`` counter must then have moved by exactly the expected amount,
the gauges must agree with the stories on the output topic, the latency histograms
must have exactly one observation per expected event, and Faust's own sensor
metrics must be on the same page.

Expected numbers come twice: from the pure core run offline on the same records
(``parse_article`` → ``extract`` → ``StoryEngine`` on a ``DictStore``), and as
literals for the key facts, so the test cannot pass vacuously when both the worker
and the core change the same way.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import orjson
import pytest
from prometheus_client.parser import text_string_to_metric_families

from newsstream.core.extraction import extract
from newsstream.core.ports import DictStore
from newsstream.core.stories.engine import StoryEngine
from newsstream.core.validate import parse_article
from newsstream.dlq import DlqHeaders
from newsstream.errors import ArticleRejected
from newsstream.metrics import PREFIX, Metrics
from newsstream.models import StoryRecord
from newsstream.settings import Settings
from newsstream.stream.client import Received, follow, produce_lines
from newsstream.workers import WorkerProcess

pytestmark = [pytest.mark.integration, pytest.mark.timeout(180)]

MAX_BYTES = 4096  # small, so that an oversized record is cheap to send
FAUST = f"{PREFIX}_faust_"


def article(id_: str, title: str, body: str, when: str, **extra: object) -> bytes:
    row = {
        "id": id_,
        "title": title,
        "body": body,
        "published_at": when,
        "source": "Metrics Wire",
        "language": "en",
        **extra,
    }
    return orjson.dumps(row)


# Story 1: Amazon's second investment in Anthropic (Nov 2024).
AMAZON = article(
    "amzn-1",
    "Amazon invests another $4 billion in Anthropic",
    "Amazon said on Friday it will invest a further $4 billion in Anthropic, the San "
    "Francisco start-up behind the Claude chatbot, doubling its total stake to $8 billion. "
    "Anthropic will train its future models on chips designed by Amazon Web Services.",
    "2024-11-22T15:00:00+00:00",
)
# The same id with a changed body and a newer updated_at: a correction.
AMAZON_FIXED = article(
    "amzn-1",
    "Amazon invests another $4 billion in Anthropic",
    "Amazon said on Friday it will invest a further $4 billion in Anthropic, the San "
    "Francisco start-up behind the Claude chatbot, bringing its total investment to $8 "
    "billion. Amazon Web Services becomes Anthropic's primary training partner. (Corrects "
    "the description of the stake.)",
    "2024-11-22T15:00:00+00:00",
    updated_at="2024-11-22T18:00:00+00:00",
)
# Story 2: Pat Gelsinger leaves Intel (Dec 2024) ...
INTEL = article(
    "intc-1",
    "Intel chief executive Pat Gelsinger retires",
    "Intel said on Monday that Pat Gelsinger has retired as chief executive and left the "
    "board, ending a tenure of almost four years. Chief financial officer David Zinsner and "
    "Michelle Johnston Holthaus were named interim co-chief executives while the board "
    "searches for a successor.",
    "2024-12-02T13:30:00+00:00",
)
# ... a follow-up the next day that joins it ...
INTEL_FOLLOW_UP = article(
    "intc-2",
    "Intel board pushed Gelsinger out, people familiar say",
    "Pat Gelsinger was given the choice to retire or be removed by the Intel board, people "
    "familiar with the matter said, after directors lost confidence in his turnaround plan. "
    "David Zinsner and Michelle Johnston Holthaus now lead Intel as interim co-chief "
    "executives.",
    "2024-12-03T09:00:00+00:00",
)
# ... and another agency's copy of the first report (new id, a few words changed).
INTEL_WIRE_COPY = article(
    "intc-1-wire",
    "Intel chief executive Pat Gelsinger retires",
    "Intel said on Monday that Pat Gelsinger has retired as chief executive and stepped "
    "down from the board, ending a tenure of almost four years. Chief financial officer "
    "David Zinsner and Michelle Johnston Holthaus were named interim co-chief executives "
    "while the board searches for a successor.",
    "2024-12-02T13:45:00+00:00",
    source="Other Wire",
)

NOT_JSON = b"{this is not json"
NOT_UTF8 = b"\xff\xfe\x00 binary garbage"
NO_TITLE = orjson.dumps(
    {"id": "bad-no-title", "published_at": "2024-12-02T10:00:00+00:00", "body": "No headline."}
)
FUTURE = orjson.dumps(
    {
        "id": "bad-future",
        "title": "Dispatch from the future",
        "published_at": "2999-01-01T00:00:00Z",
    }
)
OVERSIZED = article(
    "bad-huge",
    "A very long article",
    "Lorem ipsum dolor sit amet. " * 200,  # about 5.6 kB, above MAX_BYTES
    "2024-12-02T12:00:00+00:00",
)

# Invalid records interleaved with valid ones: a reject must not disturb its neighbours.
MIX = [
    AMAZON,
    NOT_JSON,
    INTEL,
    INTEL_FOLLOW_UP,
    NOT_UTF8,
    INTEL,  # exact re-delivery: same id, same bytes
    INTEL_WIRE_COPY,
    NO_TITLE,
    AMAZON_FIXED,
    FUTURE,
    OVERSIZED,
]


@dataclass
class Expected:
    """What every metric should read after MIX, worked out by the pure core."""

    received: int = 0
    rejected: Counter[str] = field(default_factory=Counter)
    valid: int = 0
    decisions: Counter[str] = field(default_factory=Counter)
    created: int = 0
    updated: int = 0
    merged: int = 0
    expired: int = 0
    records: int = 0
    with_records: int = 0  # consolidations that emitted at least one story record
    entities: Counter[str] = field(default_factory=Counter)
    events: Counter[str] = field(default_factory=Counter)
    active: int = 0


def expected_from_core(lines: list[bytes], max_bytes: int, max_future_hours: float) -> Expected:
    exp = Expected()
    engine = StoryEngine(DictStore())
    not_after = datetime.now(UTC) + timedelta(hours=max_future_hours)
    for raw in lines:
        exp.received += 1
        try:
            parsed = parse_article(raw, max_bytes=max_bytes, not_after=not_after)
        except ArticleRejected as err:
            exp.rejected[err.reason] += 1
            continue
        exp.valid += 1
        extraction = extract(parsed)
        # counted at ingest, for every valid record (duplicates and corrections too)
        exp.entities.update(e.type for e in extraction.entities)
        exp.events.update(e.type for e in extraction.events)
        outcome = engine.process(parsed, extraction)
        exp.decisions[outcome.decision] += 1
        exp.created += outcome.created
        exp.updated += outcome.updated
        exp.merged += outcome.merged
        exp.expired += outcome.expired
        exp.records += len(outcome.records)
        exp.with_records += bool(outcome.records)
    exp.active = engine.active_story_count()
    return exp


Samples = dict[str, dict[frozenset[tuple[str, str]], float]]


def parse_metrics(text: str) -> tuple[Samples, dict[str, str]]:
    """Samples by sample name then label set (``_created`` timestamps left out), and
    the type of every family."""
    samples: Samples = {}
    types: dict[str, str] = {}
    for family in text_string_to_metric_families(text):
        # the text format puts a counter's or histogram's _created timestamps in a
        # gauge family of their own (not to be confused with stories_created)
        if family.type == "gauge" and family.name.endswith("_created"):
            continue
        types[family.name] = family.type
        for sample in family.samples:
            samples.setdefault(sample.name, {})[frozenset(sample.labels.items())] = sample.value
    return samples, types


def scrape(worker: WorkerProcess) -> tuple[Samples, dict[str, str]]:
    status, body = worker.get("/metrics")
    assert status == 200
    return parse_metrics(body.decode())


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get(name, {}).get(frozenset(labels.items()), 0.0)


def by_label(samples: Samples, name: str, label: str) -> dict[str, float]:
    """A labelled counter as {label value: count}, zeros left out."""
    return {dict(key)[label]: v for key, v in samples.get(name, {}).items() if v != 0.0}


def poll(
    worker: WorkerProcess, done: Callable[[Samples], bool], timeout: float, what: str
) -> Samples:
    deadline = time.monotonic() + timeout
    while True:
        samples, _ = scrape(worker)
        if done(samples):
            return samples
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}; log:\n{worker.log_tail()}")
        time.sleep(0.25)


def committed(samples: Samples, topic: str) -> float:
    """The offset Faust's sensor last saw committed on partition 0 of ``topic``."""
    return value(samples, f"{FAUST}topic_partition_offset_commited", partition="0", topic=topic)


async def read_all(settings: Settings, topic: str, idle: float = 3.0) -> list[Received]:
    return [rec async for rec in follow(settings, topic, idle_timeout=idle)]


async def read_outputs(settings: Settings) -> tuple[list[Received], list[Received]]:
    stories, dead = await asyncio.gather(
        read_all(settings, settings.output_topic), read_all(settings, settings.dlq_topic)
    )
    return stories, dead


def test_every_metric_moves_by_exactly_the_expected_amount(
    settings_factory: Callable[..., Settings],
    worker_factory: Callable[[Settings], WorkerProcess],
) -> None:
    settings = settings_factory(max_article_bytes=MAX_BYTES)
    exp = expected_from_core(MIX, settings.max_article_bytes, settings.max_future_hours)

    # The mix is what it claims to be (literal facts, checked against the core).
    assert len(OVERSIZED) > MAX_BYTES >= max(len(r) for r in MIX if r is not OVERSIZED)
    assert exp.received == 11 and exp.valid == 6
    assert exp.rejected == {"malformed": 2, "schema": 2, "oversized": 1}
    assert exp.decisions == {
        "created": 2,  # Amazon/Anthropic, Intel/Gelsinger: unrelated stories
        "joined": 1,  # the follow-up
        "redelivery": 1,
        "near_duplicate": 1,
        "correction": 1,
    }
    assert (exp.created, exp.updated, exp.merged, exp.expired) == (2, 3, 0, 0)
    assert exp.records == exp.with_records == 6  # a re-delivery re-emits its story's record
    assert exp.active == 2
    assert exp.entities["PERSON"] > 0 and exp.entities["ORG"] > 0
    assert exp.events["resignation"] > 0 and exp.events["investment"] > 0

    worker = worker_factory(settings)
    worker.wait_ready(timeout=120)
    before, types = scrape(worker)
    assert value(before, f"{PREFIX}_articles_received_total") == 0.0

    # Every counter newsstream defines is checked below; a new one must be added here.
    defined = {f.name for f in Metrics.create().registry.collect() if f.type == "counter"}
    ours = {
        name
        for name, kind in types.items()
        if name.startswith(f"{PREFIX}_") and not name.startswith(FAUST) and kind == "counter"
    }
    assert ours == defined
    checked = {
        f"{PREFIX}_{name}"
        for name in (
            "articles_received",
            "articles_rejected",
            "articles_consolidated",
            "articles_duplicates",
            "articles_corrected",
            "stories_created",
            "stories_updated",
            "stories_merged",
            "stories_expired",
            "story_records_emitted",
            "entities_extracted",
            "events_extracted",
            "state_writes",
            "broker_errors",
            "offset_gaps",
        )
    }
    assert checked == defined

    assert asyncio.run(produce_lines(settings, MIX)) == len(MIX)

    # Settle: every record counted (one batch is counted without yielding to the event
    # loop, so a scrape never sees half of one), and Faust committed at least once.
    received = f"{PREFIX}_articles_received_total"
    poll(worker, lambda s: value(s, received) >= exp.received, 60, "articles_received")
    poll(
        worker,
        lambda s: committed(s, settings.input_topic) >= len(MIX),
        30,
        "Faust to commit the input offsets",
    )
    stories, dead = asyncio.run(read_outputs(settings))
    s, _ = scrape(worker)  # the final scrape, after the output topics went quiet

    def total(name: str, **labels: str) -> float:
        return value(s, f"{PREFIX}_{name}_total", **labels)

    # counters
    assert total("articles_received") == exp.received == 11
    assert by_label(s, f"{PREFIX}_articles_rejected_total", "reason") == exp.rejected
    assert total("articles_consolidated") == exp.valid == 6
    assert (
        by_label(s, f"{PREFIX}_articles_duplicates_total", "kind")
        == {
            "exact": exp.decisions["redelivery"],
            "near": exp.decisions["near_duplicate"],
        }
        == {"exact": 1, "near": 1}
    )
    assert total("articles_corrected") == exp.decisions["correction"] == 1
    assert total("stories_created") == exp.created == 2
    assert total("stories_updated") == exp.updated == 3
    assert total("stories_merged") == exp.merged == 0
    assert total("stories_expired") == exp.expired == 0
    assert total("story_records_emitted") == exp.records == 6
    assert by_label(s, f"{PREFIX}_entities_extracted_total", "type") == exp.entities
    assert by_label(s, f"{PREFIX}_events_extracted_total", "type") == exp.events
    # How many table keys a batch writes depends on how the records fell into batches
    # (a key touched twice in one batch is written once): no fixed number to expect,
    # but each write is one changelog record, which Faust's sensor counts on its own.
    assert total("state_writes") > 0
    changelog = {
        dict(key)["topic"]: v
        for key, v in s.get(f"{FAUST}topic_messages_sent_total", {}).items()
        if dict(key)["topic"].endswith("-story-state-changelog")
    }
    assert list(changelog.values()) == [total("state_writes")], changelog
    assert by_label(s, f"{PREFIX}_broker_errors_total", "operation") == {}
    assert by_label(s, f"{PREFIX}_offset_gaps_total", "topic") == {}

    # the counters agree with what really went out
    assert len(stories) == total("story_records_emitted")
    latest: dict[str, StoryRecord] = {}
    for rec in stories:
        assert rec.value is not None
        record = StoryRecord.model_validate_json(rec.value)
        if record.story_id not in latest or record.version >= latest[record.story_id].version:
            latest[record.story_id] = record
    live = [r for r in latest.values() if r.status != "merged"]
    assert Counter(DlqHeaders.from_kafka(d.headers).reason for d in dead) == exp.rejected

    # gauges
    assert value(s, f"{PREFIX}_active_stories") == len(live) == exp.active == 2
    assert value(s, f"{PREFIX}_broker_up") == 1.0

    # histograms: validate and extract once per valid record, consolidate once per
    # consolidated article, latency and delay once per consolidation that emitted
    # records (handlers.ConsolidateHandler._observe_latency)
    observations = {
        ("stage_seconds", "validate"): exp.valid,
        ("stage_seconds", "extract"): exp.valid,
        ("stage_seconds", "consolidate"): exp.valid,
        ("end_to_end_latency_seconds", None): exp.with_records,
        ("publication_delay_seconds", None): exp.with_records,
    }
    assert set(observations.values()) == {6}
    for (name, stage), count in observations.items():
        labels = {"stage": stage} if stage else {}
        where = f"{name}{labels or ''}"
        assert value(s, f"{PREFIX}_{name}_count", **labels) == count, where
        assert value(s, f"{PREFIX}_{name}_sum", **labels) > 0, where
        assert value(s, f"{PREFIX}_{name}_bucket", le="+Inf", **labels) == count, where
    assert set(by_label(s, f"{PREFIX}_stage_seconds_count", "stage")) == {
        "validate",
        "extract",
        "consolidate",
    }
    # every article is from 2024: published long before it was emitted
    assert value(s, f"{PREFIX}_publication_delay_seconds_sum") > 6 * 86400

    # Faust's own sensor metrics, on the same page
    faust = {name for name in s if name.startswith(FAUST)}
    assert f"{FAUST}messages_received_total" in faust
    assert value(s, f"{FAUST}messages_received_total") >= len(MIX)
    assert value(s, f"{FAUST}messages_received_per_topic_total", topic=settings.input_topic) == (
        len(MIX)
    )
    assert committed(s, settings.input_topic) == len(MIX)  # every input record acknowledged
    assert value(s, f"{FAUST}consumer_commit_latency_count") > 0
