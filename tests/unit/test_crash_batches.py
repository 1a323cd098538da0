"""Crashes between batches, as the worker has them (hypothesis).

The worker consolidates a batch, then writes it through the batch journal
(``stream.tables``): after a kill -9 a batch's table writes have either all
landed (the journal is rolled forward, its records published again) or none
did, and in either case any prefix of its story records may have reached the
output topic; the batch is then delivered again. The final story records must
be those of a run without crashes, which needs the engine to be deterministic
and to keep nothing in memory that the store does not hold.
"""

from __future__ import annotations

import copy
from functools import cache
from typing import Any

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsstream.benchmarks.synthetic import generate_articles
from newsstream.core.extracted import Extraction
from newsstream.core.extraction import extract
from newsstream.core.stories.engine import StoryEngine
from newsstream.models import Article, StoryRecord

BATCH = 25
_GONE = object()


@cache
def stream() -> tuple[tuple[Article, Extraction], ...]:
    """Synthetic articles with many concurrent stories, wire copies, corrections,
    re-deliveries and merges."""
    rows = generate_articles(400, seed=5, size=800)  # a seed whose stream holds merges
    articles = [Article.model_validate_json(orjson.dumps(row)) for row in rows]
    return tuple((a, extract(a)) for a in articles)


class BatchStore:
    """The engine's view during one batch: reads go through, writes wait for the end."""

    def __init__(self, durable: dict[str, Any]) -> None:
        self.durable = durable
        self.pending: dict[str, Any] = {}

    def get(self, key: str) -> Any | None:
        value = self.pending.get(key)
        if value is None:
            return self.durable.get(key)
        return None if value is _GONE else value

    def set(self, key: str, value: Any) -> None:
        self.pending[key] = value

    def delete(self, key: str) -> None:
        self.pending[key] = _GONE

    def commit(self) -> None:
        for key, value in self.pending.items():
            if value is _GONE:
                self.durable.pop(key, None)
            else:  # what recovery reads back from the changelog
                self.durable[key] = orjson.loads(orjson.dumps(value))


def run(crashes: dict[int, tuple[bool, int]]) -> dict[str, StoryRecord]:
    """Batch by batch; ``crashes``: batch → (did its writes land, records that got out)."""
    items = stream()
    durable: dict[str, Any] = {}
    topic: dict[str, StoryRecord] = {}
    pending_crashes = dict(crashes)
    start = 0
    while start < len(items):
        batch = BatchStore(durable)
        engine = StoryEngine(batch)  # a fresh worker process reads only the store
        snapshot = copy.deepcopy(durable) if start in pending_crashes else None
        records = [r for a, x in items[start : start + BATCH] for r in engine.process(a, x).records]
        if snapshot is not None:  # kill -9: memory gone, the batch is delivered again
            landed, out = pending_crashes.pop(start)
            durable.clear()
            durable.update(snapshot)
            for record in records[: out % (len(records) + 1)]:
                topic[record.story_id] = record
            if landed:  # the journal made it: rolled forward at restart
                batch.commit()
                for record in records:
                    topic[record.story_id] = record
            continue
        batch.commit()
        for record in records:
            topic[record.story_id] = record
        start += BATCH
    return topic


@cache
def clean() -> dict[str, StoryRecord]:
    return run({})


def test_the_stream_has_merges_corrections_and_copies() -> None:
    records = clean()
    assert any(r.status == "merged" for r in records.values())
    assert any(r.duplicate_count for r in records.values())
    live = [r for r in records.values() if r.status != "merged"]
    assert sum(r.article_count for r in live) == len({a.id for a, _ in stream()})


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    crashes=st.dictionaries(
        st.integers(0, 400 // BATCH - 1).map(lambda b: b * BATCH),
        st.tuples(st.booleans(), st.integers(0, 200)),
        min_size=1,
        max_size=4,
    )
)
def test_crashes_between_and_inside_batches_change_no_final_record(
    crashes: dict[int, tuple[bool, int]],
) -> None:
    assert run(crashes) == clean()
