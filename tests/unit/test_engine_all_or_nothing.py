"""``StoryEngine.process`` is all or nothing: a failure at any step leaves the store
exactly as it was, and processing the article again gives what it would have given
had the failure never happened.

The failure is injected with a trace function: it counts the lines the core executes
while the article is processed and raises at the k-th one, so every step of
``process`` (scoring, merging, ageing, markers, the record) can be the one that fails.
The one step left out is the apply itself (``WriteBatch.flush`` handing each changed
value to the store) and what follows it: a store whose own ``set`` fails halfway
cannot be made atomic from above. In the worker that store is
``stream.tables.BatchedTableStore``, whose ``set`` only records the value, and whose
batch journal makes a batch's writes all-or-nothing on the changelog.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from functools import cache
from pathlib import Path
from types import FrameType
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsstream.core.extracted import Extraction
from newsstream.core.extraction import extract
from newsstream.core.ports import DictStore
from newsstream.core.stories.engine import EngineConfig, Outcome, StoryEngine
from newsstream.core.stories.write_batch import WriteBatch
from newsstream.models import Article

STREAM = Path(__file__).resolve().parents[1] / "data" / "stories" / "dev.jsonl"
CORE = str(Path(__file__).resolve().parents[2] / "src" / "newsstream" / "core")
CONFIG = EngineConfig(redelivery_horizon=5)
APPLY = WriteBatch.flush.__code__


class InjectedFault(Exception):
    """The failure the test injects."""


@cache
def stream() -> tuple[tuple[Article, Extraction], ...]:
    rows = [json.loads(line) for line in STREAM.read_text(encoding="utf-8").splitlines()]
    articles = [
        Article.model_validate({k: v for k, v in r.items() if k not in ("story", "case")})
        for r in rows
    ]
    return tuple((a, extract(a)) for a in articles)


def snapshot(store: DictStore) -> bytes:
    return orjson.dumps(store.data, option=orjson.OPT_SORT_KEYS)


def summary(outcome: Outcome) -> tuple[Any, ...]:
    records = [r.model_dump(mode="json") for r in outcome.records]
    return (outcome.decision, outcome.story_id, records, outcome.expired)


@cache
def reference() -> tuple[list[tuple[Any, ...]], bytes]:
    """Every article's outcome and the final store, with no failure."""
    store = DictStore()
    engine = StoryEngine(store, CONFIG)
    outcomes = [summary(engine.process(a, x)) for a, x in stream()]
    return outcomes, snapshot(store)


def in_core(frame: FrameType) -> bool:
    return frame.f_code.co_filename.startswith(CORE)


def run_traced(call: Callable[[], Any], fail_at: int | None) -> int:
    """Run ``call`` counting the core's line events; raise at line ``fail_at``."""
    seen = 0
    applied = False  # once the apply has begun the article is processed: no more faults

    def local(frame: FrameType, event: str, arg: Any) -> Any:
        nonlocal seen
        if event == "line" and not applied:
            seen += 1
            if seen == fail_at:
                where = f"{frame.f_code.co_qualname}:{frame.f_lineno}"
                raise InjectedFault(f"injected at step {seen} in {where}")
        return local

    def calls(frame: FrameType, event: str, arg: Any) -> Any:
        nonlocal applied
        if frame.f_code is APPLY:
            applied = True
        return local if in_core(frame) and not applied else None

    sys.settrace(calls)
    try:
        call()
    finally:
        sys.settrace(None)
    return seen


@cache
def steps(index: int) -> int:
    """How many core lines processing article ``index`` runs (after the ones before)."""
    store = DictStore()
    engine = StoryEngine(store, CONFIG)
    for article, extraction in stream()[:index]:
        engine.process(article, extraction)
    article, extraction = stream()[index]
    return run_traced(lambda: engine.process(article, extraction), None)


def check_failure_at(index: int, fail_at: int) -> None:
    store = DictStore()
    engine = StoryEngine(store, CONFIG)
    items = stream()
    for article, extraction in items[:index]:
        engine.process(article, extraction)
    before = snapshot(store)
    article, extraction = items[index]
    with pytest.raises(InjectedFault) as fault:
        run_traced(lambda: engine.process(article, extraction), fail_at)
    assert snapshot(store) == before, f"article {index}: the store changed: {fault.value}"
    expected, final = reference()
    again = [summary(engine.process(a, x)) for a, x in items[index:]]
    assert again == expected[index:], f"article {index}: replay differs after step {fail_at}"
    assert snapshot(store) == final


def interesting() -> list[int]:
    """Articles whose processing does more than a join: corrections, re-deliveries,
    near-duplicates, merges, expiries."""
    outcomes, _ = reference()
    return [i for i, o in enumerate(outcomes) if o[0] not in ("joined", "created") or o[3]]


def test_the_stream_exercises_every_kind_of_decision() -> None:
    outcomes, _ = reference()
    decisions = {o[0] for o in outcomes}
    assert {"created", "joined", "near_duplicate", "correction", "redelivery"} <= decisions
    assert "merged" in decisions and any(o[3] for o in outcomes)  # a merge and an expiry


@pytest.mark.timeout(600)
@pytest.mark.parametrize("position", [0.0, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99])
def test_a_failure_in_any_interesting_article_changes_nothing(position: float) -> None:
    for index in interesting():
        check_failure_at(index, max(1, int(steps(index) * position)))


@pytest.mark.timeout(600)
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_a_failure_at_any_step_of_any_article_changes_nothing(data: st.DataObject) -> None:
    index = data.draw(st.integers(0, len(stream()) - 1), label="article")
    fail_at = data.draw(st.integers(1, steps(index)), label="step")
    check_failure_at(index, fail_at)


def test_the_injected_fault_really_fires_inside_process() -> None:
    article, extraction = stream()[0]
    engine = StoryEngine(DictStore(), CONFIG)
    with pytest.raises(InjectedFault):
        run_traced(lambda: engine.process(article, extraction), 1)
