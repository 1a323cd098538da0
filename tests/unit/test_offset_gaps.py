"""Records the consumer skipped are found (OffsetGaps). The recovery order that prevents
such skips is tested against Faust's own classes in ``test_faust_compat``."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from newsstream.stream.offset_gaps import Gap, OffsetGaps


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
