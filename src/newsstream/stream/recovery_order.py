"""Stream partitions start fetching only after they were sought to their committed offsets.

When a rebalance's table recovery completes, Faust's ``Recovery.on_recovery_completed``
(faust-streaming 0.11 - 0.15) does, in this order:

1. resume the stream partitions (the fetcher may deliver their records again),
2. ``await consumer.perform_seek()``: for each assigned partition in turn, ask the
   broker for its committed offset, seek the client there and reset Faust's
   per-partition *read offset* to it,
3. ``app.flow_control.resume()``, which **clears every stream queue**.

Between 1 and 3 the fetcher is live. Measured in the rebalance test
(``tests/integration/test_crash_recovery.py``, 2026-12-07): a worker kept
``extracted[3]`` across a rebalance with its committed offset at 1817, but its
client's fetch position was still 1820 from before (1817-1819 had been read into
a queue that the rebalance cleared). Right after step 1 the fetcher delivered
1820-1869; step 2 reset the read offset to 1817 while the next record the
fetcher delivered was 1870, and from then on the re-fetched 1817-1819 counted as
already read and were dropped. The three articles were never consolidated and the
partition's commit stalled at 1817. Another run lost 98 articles the same way
(committed 1978, delivered from 2076). Records delivered during step 2 can also sit
in the queue that step 3 clears after the read offset passed them; Faust's gap
tracking may then count the hole as acknowledged and commit over it (likely the
cause of an earlier loss of 16 articles, not observed directly).

``install()`` makes step 1 wait until the whole method has finished: the stream
partitions are resumed once the seek is done and the queues are cleared, so the
first record delivered is the one at the committed offset. It wraps the method
once per process (Faust has no setting for this).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from faust.tables.recovery import Recovery


def resume_after(original: Callable[..., Awaitable[None]]) -> Callable[..., Awaitable[None]]:
    """``on_recovery_completed`` with its stream partitions resumed at its very end."""

    async def on_recovery_completed(self: Any, generation_id: int = 0) -> None:
        consumer = self.app.consumer
        deferred: set[Any] = set()
        consumer.resume_partitions = deferred.update  # shadows the method meanwhile
        try:
            await original(self, generation_id)
        finally:
            del consumer.resume_partitions
        # (a newer rebalance is under way: its own recovery resumes what it assigns)
        if deferred and self.app.consumer_generation_id == generation_id:
            consumer.resume_partitions(deferred)

    on_recovery_completed.resumes_after = original  # type: ignore[attr-defined]
    return on_recovery_completed


def install() -> None:
    """Wrap Faust's ``Recovery.on_recovery_completed`` (once per process)."""
    if not hasattr(Recovery.on_recovery_completed, "resumes_after"):
        Recovery.on_recovery_completed = resume_after(Recovery.on_recovery_completed)  # type: ignore[method-assign]
