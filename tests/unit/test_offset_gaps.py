"""Records the consumer skipped are found (OffsetGaps), and Faust's recovery resumes the
stream partitions only after its seek and queue clearing (recovery_order)."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from types import SimpleNamespace
from typing import Any

from faust.tables.recovery import Recovery
from hypothesis import given
from hypothesis import strategies as st

from newsstream.stream.offset_gaps import Gap, OffsetGaps
from newsstream.stream.recovery_order import install, resume_after


def committed_at(offsets: dict[tuple[str, int], int]) -> OffsetGaps:
    return OffsetGaps(lambda topic, partition: offsets.get((topic, partition)))


def test_contiguous_offsets_from_the_committed_one_have_no_gap() -> None:
    gaps = committed_at({("a", 0): 10, ("a", 1): 3})
    assert gaps.check([("a", 0, 10), ("a", 1, 3), ("a", 0, 11), ("a", 1, 4)]) == []
    assert gaps.check([("a", 0, 12), ("a", 1, 5)]) == []


def test_a_first_offset_past_the_committed_one_is_a_gap() -> None:
    # the rebalance failure of 2026-12-07: committed 1817, first record delivered 1820
    gaps = committed_at({("x", 3): 1817})
    found = gaps.check([("x", 3, 1820), ("x", 3, 1821)])
    assert found == [Gap("x", 3, 1817, 1820)]
    assert found[0].skipped == 3


def test_a_jump_inside_an_assignment_is_a_gap_and_checking_goes_on_after_it() -> None:
    gaps = committed_at({})
    assert gaps.check([("x", 0, 5), ("x", 0, 6)]) == []  # committed unknown: start anywhere
    assert gaps.check([("x", 0, 9)]) == [Gap("x", 0, 7, 9)]
    assert gaps.check([("x", 0, 10)]) == []


def test_re_deliveries_go_back_without_a_gap() -> None:
    gaps = committed_at({("x", 0): 0})
    assert gaps.check([("x", 0, 0), ("x", 0, 1), ("x", 0, 2)]) == []
    assert gaps.check([("x", 0, 1), ("x", 0, 2), ("x", 0, 3)]) == []  # after a seek back


def test_reset_starts_again_from_the_committed_offset() -> None:
    committed = {("x", 0): 0}
    gaps = committed_at(committed)
    gaps.check([("x", 0, 0), ("x", 0, 1)])
    committed[("x", 0)] = 40  # another worker had the partition meanwhile
    gaps.reset()
    assert gaps.check([("x", 0, 40)]) == []
    gaps.reset()
    assert gaps.check([("x", 0, 45)]) == [Gap("x", 0, 40, 45)]


@given(
    size=st.integers(2, 60),
    start=st.integers(0, 1000),
    cuts=st.lists(st.integers(1, 59), max_size=5),
    drop=st.data(),
)
def test_exactly_the_dropped_runs_are_reported(
    size: int, start: int, cuts: list[int], drop: st.DataObject
) -> None:
    """Any batching of a partition's offsets, with some runs of records removed: one gap
    per removed run (not at the end), each with the right first missing offset."""
    offsets = list(range(start, start + size))
    missing = set(drop.draw(st.sets(st.sampled_from(offsets), max_size=size - 1)))
    seen = [o for o in offsets if o not in missing]
    bounds = sorted({c for c in cuts if c < len(seen)} | {0, len(seen)})
    gaps = committed_at({("t", 0): start})
    found: list[Gap] = []
    for lo, hi in itertools.pairwise(bounds):
        found += gaps.check([("t", 0, o) for o in seen[lo:hi]])
    expected_starts = [o for o in offsets if o in missing and (o - 1 not in missing)]
    expected = [s for s in expected_starts if any(o > s for o in seen)]
    assert [g.expected for g in found] == expected
    assert sum(g.skipped for g in found) == len([o for o in missing if o < seen[-1]])


class FakeConsumer:
    def __init__(self, log: list[str]) -> None:
        self.log = log
        self.resumed: set[Any] = set()

    def resume_partitions(self, tps: set[Any]) -> None:
        self.log.append(f"resume {sorted(tps)}")
        self.resumed |= set(tps)


def fake_recovery(generation: int) -> tuple[Any, list[str]]:
    log: list[str] = []
    app = SimpleNamespace(consumer=FakeConsumer(log), consumer_generation_id=generation)
    return SimpleNamespace(app=app), log


async def faust_like(self: Any, generation_id: int = 0) -> None:
    """The order of Faust's on_recovery_completed: resume, await the seek, clear queues."""
    self.app.consumer.resume_partitions({"articles-0", "articles-1"})
    await asyncio.sleep(0)  # perform_seek: the fetcher could run here
    self.app.consumer.log.append("seek done")
    self.app.consumer.log.append("queues cleared")


def test_stream_partitions_are_resumed_after_the_seek_and_the_queue_clearing() -> None:
    recovery, log = fake_recovery(generation=3)
    asyncio.run(resume_after(faust_like)(recovery, 3))
    assert log == ["seek done", "queues cleared", "resume ['articles-0', 'articles-1']"]
    assert "resume_partitions" not in vars(recovery.app.consumer)  # the method is back


def test_a_newer_rebalance_resumes_nothing_and_a_failure_restores_the_method() -> None:
    recovery, _ = fake_recovery(generation=4)  # generation moved on during recovery
    asyncio.run(resume_after(faust_like)(recovery, 3))
    assert recovery.app.consumer.resumed == set()

    async def failing(self: Any, generation_id: int = 0) -> None:
        self.app.consumer.resume_partitions({"articles-0"})
        raise RuntimeError("seek timed out")

    recovery, _ = fake_recovery(generation=3)
    with contextlib.suppress(RuntimeError):
        asyncio.run(resume_after(failing)(recovery, 3))
    assert recovery.app.consumer.resumed == set()
    assert "resume_partitions" not in vars(recovery.app.consumer)


def test_install_wraps_faust_once() -> None:
    install()
    wrapped = Recovery.on_recovery_completed
    install()
    assert Recovery.on_recovery_completed is wrapped
    assert wrapped.resumes_after.__qualname__ == "Recovery.on_recovery_completed"
