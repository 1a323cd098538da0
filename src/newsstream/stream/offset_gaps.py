"""Offsets an agent was never given: records the consumer skipped.

Our topics are written without transactions and are not compacted, so the
offsets of a partition are contiguous and an agent should see every one of them
at least once: after a rebalance from the committed offset on, then each offset
one after the other. A record that never reaches the agent is lost without any
error. Faust can skip records like that around a rebalance (see
``faust_compat.resume_after_recovery``). Its gap tracking can also count such a hole as acknowledged
when it commits, and then the next owner of the partition does not read it either.

``OffsetGaps`` checks this for each batch. It expects the first offset of a
partition after an assignment to be the committed offset, and every later offset
to follow the last one seen. A lower offset is a re-delivery and is fine. A higher
one is a gap: it is logged as an error and counted, so a skipped record shows up
in ``newsstream_offset_gaps_total`` instead of as a missing article weeks later.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

TopicPartition = tuple[str, int]


@dataclass(frozen=True, slots=True)
class Gap:
    topic: str
    partition: int
    expected: int  # the first offset never seen
    got: int  # the offset seen instead

    @property
    def skipped(self) -> int:
        return self.got - self.expected


@dataclass(slots=True)
class OffsetGaps:
    """The next expected offset of every partition an agent reads.

    ``committed(topic, partition)`` gives the committed offset at the start of an
    assignment, or for a partition without a commit the first offset it is read from
    (``faust_compat.committed_offset``; ``None`` when unknown: nothing is checked then).
    """

    committed: Callable[[str, int], int | None]
    expected: dict[TopicPartition, int] = field(default_factory=dict)

    def reset(self) -> None:
        """A new assignment: the next batch of each partition starts at its committed offset."""
        self.expected.clear()

    def check(self, offsets: Iterable[tuple[str, int, int]]) -> list[Gap]:
        """The gaps in a batch's ``(topic, partition, offset)``, in order."""
        gaps = []
        for topic, partition, offset in offsets:
            tp = (topic, partition)
            want = self.expected.get(tp)
            if want is None:
                want = self.committed(topic, partition)
            if want is not None and offset > want:
                gaps.append(Gap(topic, partition, want, offset))
            self.expected[tp] = offset + 1
        return gaps


def batch_offsets(events: Iterable[Any]) -> list[tuple[str, int, int]]:
    """``(topic, partition, offset)`` of each Faust event, in delivery order."""
    return [(e.message.topic, e.message.partition, e.message.offset) for e in events]
