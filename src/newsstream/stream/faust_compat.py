"""Every use of Faust / aiokafka internals, in one place, checked against the versions
it was written for.

The rest of ``newsstream`` uses only the public API of Faust and aiokafka. What
follows leans on their internals; each part says why it is needed and what it
relies on. ``tests/unit/test_faust_compat.py`` runs each part against the real
Faust and aiokafka classes (signatures, the source order our fixes assume, and
that a wrapper replaced the method and calls through), so an upgrade that changes
any of them fails CI instead of breaking recovery silently. ``prepare`` runs at
worker start-up and refuses to start with versions other than ``SUPPORTED``:

1. **Recovery order** (``resume_after_recovery``): wraps
   ``faust.tables.recovery.Recovery.on_recovery_completed`` and, while it runs,
   shadows ``Consumer.resume_partitions`` on the app's consumer.
2. **Fetch wait** (``set_fetch_max_wait``): wraps the private
   ``AIOKafkaConsumerThread._create_worker_consumer`` and sets aiokafka's private
   ``AIOKafkaConsumer._fetch_max_wait_ms``.
3. **Held batches** (``held``): one more ``Message.incref`` than ``Stream.take_events``
   acknowledges, relying on how its ``finally`` block acks.
4. **Committed offsets** (``committed_offset``): reads the consumer's private
   ``_committed_offset`` mapping, filled by ``Consumer.perform_seek``.
5. **Partitions without a commit** (``rewind_uncommitted``): wraps
   ``AIOKafkaConsumerThread.seek_to_committed`` (run by ``Consumer.perform_seek``) and
   calls aiokafka's public ``seek_to_beginning``/``position`` in the consumer thread.

To upgrade Faust or aiokafka: run the tests of this module against the new
version, re-read the Faust code each part names, then widen ``SUPPORTED`` and the
pins in ``pyproject.toml`` together (a test checks that they agree).
"""

from __future__ import annotations

import asyncio
import importlib.metadata
import logging
import re
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any
from weakref import WeakKeyDictionary

from aiokafka.errors import IllegalStateError
from faust.tables.recovery import Recovery
from faust.transport.drivers.aiokafka import AIOKafkaConsumerThread

from newsstream.errors import IncompatibleLibrary

log = logging.getLogger(__name__)

Version = tuple[int, int, int]

#: The versions this module was written and tested for: ``[lowest, first unsupported)``.
SUPPORTED: dict[str, tuple[Version, Version]] = {
    "faust-streaming": ((0, 15, 3), (0, 15, 4)),
    "aiokafka": ((0, 14, 0), (0, 15, 0)),
}


def parse_version(text: str) -> Version:
    """``"0.15.3"`` → ``(0, 15, 3)``; a pre-release or local suffix is ignored."""
    major, minor, patch = ([int(p) for p in re.findall(r"\d+", text.split("+")[0])] + [0, 0, 0])[:3]
    return major, minor, patch


def _shown(version: Version) -> str:
    return ".".join(map(str, version))


def check_versions(installed: Callable[[str], str] | None = None) -> None:
    """Raise ``IncompatibleLibrary`` unless every package of ``SUPPORTED`` is installed
    in a version this module was written for (``installed``: package → version,
    ``importlib.metadata.version`` by default)."""
    version = installed or importlib.metadata.version
    for package, (lowest, beyond) in SUPPORTED.items():
        try:
            found = version(package)
        except importlib.metadata.PackageNotFoundError:
            found = "none"
        if found == "none" or not lowest <= parse_version(found) < beyond:
            raise IncompatibleLibrary(
                package, found, f">={_shown(lowest)},<{_shown(beyond)}", __name__
            )


def prepare(app: Any, *, fetch_max_wait_ms: int) -> None:
    """At worker start-up, before the app starts: check the installed versions, then
    install the recovery order, the rewind of partitions without a commit and the
    fetch wait of ``app``."""
    check_versions()
    resume_after_recovery()
    rewind_uncommitted()
    set_fetch_max_wait(app, fetch_max_wait_ms)


# ------------------------------------------------------------------ 1. recovery order
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


def resume_after_recovery() -> None:
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

    ``resume_after_recovery()`` makes step 1 wait until the whole method has finished:
    the stream partitions are resumed once the seek is done and the queues are
    cleared, so the first record delivered is the one at the committed offset. It wraps
    the method once per process (Faust has no setting for this).
    """
    if not hasattr(Recovery.on_recovery_completed, "resumes_after"):
        Recovery.on_recovery_completed = resume_after(Recovery.on_recovery_completed)  # type: ignore[method-assign]


# ----------------------------------------------------------------------- 2. fetch wait
FAUST_FETCH_MAX_WAIT_MS = 1500  # what Faust's _create_worker_consumer passes (a test checks)

_fetch_wait: WeakKeyDictionary[Any, int] = WeakKeyDictionary()  # app → its wait in ms


def _with_fetch_wait(original: Callable[..., Any]) -> Callable[..., Any]:
    def create_worker_consumer(self: Any, transport: Any) -> Any:
        consumer = original(self, transport)
        wait_ms = _fetch_wait.get(self.app)
        if wait_ms is not None:
            consumer._fetch_max_wait_ms = wait_ms
        return consumer

    create_worker_consumer.sets_fetch_wait = original  # type: ignore[attr-defined]
    return create_worker_consumer


def set_fetch_max_wait(app: Any, wait_ms: int) -> bool:
    """How long a fetch of ``app``'s worker consumer may wait at the broker before it
    returns: ``wait_ms``. ``False`` when that is Faust's own value and nothing is
    changed. Call it before the worker starts its consumer.

    Faust creates its worker consumer with ``fetch_max_wait_ms=1500``, hard-coded.
    Apache Kafka answers a fetch as soon as one byte is there, so the value only
    sets how often an idle consumer polls. The embedded broker (Tansu) holds a
    fetch for up to the whole wait even when records are waiting: measured with
    one record every 20 ms, p50 delivery latency was 402 ms at 1500 ms, 138 ms at
    500 ms and 14 ms at 50 ms. ``NEWSSTREAM_FETCH_MAX_WAIT_MS`` sets it for the
    worker's consumer (Faust offers no setting, so its consumer factory is wrapped
    once per process; aiokafka reads the value when the consumer starts).

    **Where it applies.** A Faust worker has one consumer for every topic it reads
    (the ingest agent's input, the consolidate agent's cluster topic and the table
    changelogs alike), so the wait cannot be set per agent: on Tansu every stage pays
    it, the fused agent and both agents of the two-stage mode. It is set per *app*:
    only the apps given to ``set_fetch_max_wait`` get it (the pipeline's and the
    benchmark's passthrough app, for a fair comparison); client-only consumers and
    any other Faust app in the process keep Faust's value. A value equal to Faust's
    own (``FAUST_FETCH_MAX_WAIT_MS``) installs nothing, so a deployment on Apache
    Kafka that sets it back to 1500 ms runs Faust unpatched here.
    """
    if wait_ms == FAUST_FETCH_MAX_WAIT_MS:
        _fetch_wait.pop(app, None)
        return False
    _fetch_wait[app] = int(wait_ms)
    create = AIOKafkaConsumerThread._create_worker_consumer
    if not hasattr(create, "sets_fetch_wait"):
        AIOKafkaConsumerThread._create_worker_consumer = _with_fetch_wait(create)  # type: ignore[method-assign]
    return True


# --------------------------------------------------------------------- 3. held batches
@contextmanager
def held(events: Sequence[Any]) -> Iterator[Sequence[Any]]:
    """Keep a batch unacknowledged until it is done: hold ``events`` while the block
    runs and release them only if it completes. No ``try``/``finally`` on purpose: an
    exception or a cancellation leaves the references taken, so those offsets are
    never committed.

    Faust's ``Stream.take_events`` acknowledges the events of a batch in a ``finally``
    block when the agent asks for the next batch, and also when the agent's loop is
    left by an exception or by cancellation: a worker stopped with SIGTERM in the
    middle of a batch (its agent is cancelled while it waits for extraction or for
    the broker) acknowledged events it never delivered, the consumer committed their
    offsets on its way out, and the articles were lost (a rebalance test lost 12 of
    2,760 articles this way). ``held`` takes one more reference on each event's
    message for the time of the batch and gives it back only when the batch's body
    finished without an exception, so ``take_events``' acknowledgement of an
    unfinished batch does not reach zero and its offsets are not committed: the
    batch is delivered again to whichever worker reads the partition next.
    """
    messages = [event.message for event in events]
    for message in messages:
        message.incref()
    yield events
    for message in messages:
        message.decref()


# ----------------------------------------------------------------- 4. committed offsets
def committed_offset(app: Any, topic: str, partition: int) -> int | None:
    """Where the partition's first batch after the last seek must start: the committed
    offset Faust sought it to (``Consumer.perform_seek`` records it), or, for a
    partition without a commit, the first offset it was rewound to
    (``rewind_uncommitted``); ``None``: unknown. Faust has no public accessor;
    ``offset_gaps`` needs it to check the first batch after an assignment."""
    offset = app.consumer._committed_offset.get((topic, partition))
    if offset is None:
        offset = _first_offsets.get(app, {}).get((topic, partition))
    return offset


# ------------------------------------------------------ 5. partitions without a commit
_first_offsets: WeakKeyDictionary[Any, dict[tuple[str, int], int]] = WeakKeyDictionary()


def _reads_and_acks(app: Any, tp: Any) -> bool:
    """A partition an agent reads and acknowledges (not a table's changelog)."""
    return tp.topic not in app.tables.changelog_topics and bool(
        app.topics.acks_enabled_for(tp.topic)
    )


REWIND_TIMEOUT_S = 30.0  # for the first offset; the seek itself is aiokafka's request timeout


async def _rewind(consumer: Any, tps: list[Any]) -> dict[tuple[str, int], int]:
    """In the consumer thread: ``tps`` back to their first offset; returns the offsets
    it could learn (none for a partition unassigned meanwhile: the next rebalance
    seeks again)."""
    first: dict[tuple[str, int], int] = {}
    try:
        await consumer.seek_to_beginning(*tps)
        for tp in tps:
            offset = await asyncio.wait_for(consumer.position(tp), REWIND_TIMEOUT_S)
            first[(tp.topic, tp.partition)] = offset
    except (IllegalStateError, TimeoutError):
        pass
    return first


def rewinding(original: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
    """``seek_to_committed`` that also rewinds the partitions it left where they were."""

    async def seek_to_committed(self: Any) -> Any:
        committed = await original(self)
        never = [
            tp
            for tp, offset in committed.items()
            if (offset is None or offset <= 0) and _reads_and_acks(self.app, tp)
        ]
        first = await self.call_thread(_rewind, self._ensure_consumer(), never) if never else {}
        _first_offsets[self.app] = first
        for (topic, partition), offset in sorted(first.items()):
            log.info("%s[%d] has no committed offset: read again from offset %d",
                     topic, partition, offset)  # fmt: skip
        return committed

    seek_to_committed.rewinds = original  # type: ignore[attr-defined]
    return seek_to_committed


def rewind_uncommitted() -> None:
    """A partition without a committed offset is read again from its first offset
    whenever Faust seeks "back to the committed offsets".

    Faust discards records it fetched but did not hand to an agent, and relies on
    ``Consumer.perform_seek`` to fetch them again: after a rebalance's table recovery
    (which also clears the stream queues, ``resume_after_recovery``) and whenever
    ``getmany`` finds the flow stopped (it drops the records it fetched and calls
    ``perform_seek``). aiokafka's ``seek_to_committed`` seeks only partitions with a
    committed offset above 0 (``if offset and offset > 0``); any other partition keeps
    its fetch position, past the discarded records, and Faust's read offset becomes
    ``None``, so nothing notices. Those records are never processed, and the first
    commit moves past them (with no committed offset ``Consumer._new_offset`` does not
    compare the acknowledged offsets with anything).

    That is a worker started after a ``kill -9`` before its predecessor's first
    commit (Faust commits every 2.8 s). Traced on Apache Kafka 4.4.0 at load average
    ~8 (docs/reliability.md, issue 20): the restarted worker's position in the input
    partition was 528, the log end, when recovery sought "to the committed offsets",
    although no batch had been handed to it; its first batch started at 528, so
    0-527 were skipped, 391-527 of them never processed by anyone. (Most likely:
    Faust activates an assigned partition before it pauses it for table recovery, and
    what is fetched in between is dropped while the flow is stopped; Apache Kafka
    answers such a fetch at once, the embedded broker holds it.) Had the worker lived
    to its first commit, they were lost, as in CI (offsets 342-569 of the
    repeated-stream test, 372 articles of the kill -9 test).

    The wrapper seeks such partitions (stream topics only; a changelog's position is
    Faust's recovery's business) to their beginning, as ``auto_offset_reset=earliest``
    did when the partition was assigned, and records where that is so ``offset_gaps``
    can check the first batch (``committed_offset``). It does so in every seek Faust
    makes, including the one of ``getmany`` with the flow stopped: records fetched
    right after the seek at the end of recovery can still be dropped there before the
    flow resumes (traced: a worker rewound to 0 at the end of recovery got its first
    batch at 592 when only that seek rewound). The re-read is at-least-once
    re-delivery, which consolidation absorbs. Installed once per process on the class.
    """
    seek = AIOKafkaConsumerThread.seek_to_committed
    if not hasattr(seek, "rewinds"):
        AIOKafkaConsumerThread.seek_to_committed = rewinding(seek)  # type: ignore[method-assign]
