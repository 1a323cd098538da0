"""The story engine's ``StateStore`` over a changelog-backed Faust table.

The engine only sees get / set / delete; every key written at the end of a
batch becomes one changelog record, so a restarted worker recovers the stories.

A batch is atomic in the changelog: its writes are followed by one batch-end
record per changelog partition (``BATCH_END``), sent only once the broker has
every write, and recovery applies a partition's records only when their
batch-end arrives (``BatchGate``). A ``kill -9`` during the sends leaves an
unfinished batch at the end of the partition; the next owner ignores it, so
its table is exactly the state after the last finished batch, and the
re-delivered input is processed again from that state, the same way. Without
this, recovery applied whatever prefix of the batch's writes reached the broker
(a story without the marker of its new article, a merge's deleted story without
the survivor that absorbed it, ...), and articles were lost or counted twice.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

import faust

_DELETED = object()

log = logging.getLogger(__name__)

BATCH_END = "\x00batch-end"  # changelog key of the record that closes a batch
RETIRED = "\x00retired|"  # + namespace + "|" + story id: a retired story's last record


class BatchGate:
    """Holds a changelog partition's records until their batch-end arrives.

    ``take`` gets records in changelog order (recovery or standby reading) and
    returns the ones whose batch is complete. Records after the last batch-end
    are an unfinished batch (its writer died) or, on a standby, one still being
    written. A partition read again from an earlier offset starts over.
    ``last[partition]`` is the value of the last batch-end read: which story
    records that batch published (``"out"``) and the keys of the retired
    stories' last records (``"retired"``), so a new owner can publish them
    again (``Pipeline.recovered``).
    """

    def __init__(self) -> None:
        self.held: dict[int, list[Any]] = {}
        self.read_up_to: dict[int, int] = {}
        self.last: dict[int, dict[str, Any]] = {}
        self.closed: set[int] = set()  # partitions whose reading met a batch-end

    def take(self, events: Iterable[Any]) -> list[Any]:
        ready: list[Any] = []
        for event in events:
            message = event.message
            partition, offset = message.partition, message.offset
            held = self.held.setdefault(partition, [])
            seen = self.read_up_to.get(partition)
            if seen is not None and offset <= seen:  # read again from the start
                held.clear()
                self.last.pop(partition, None)
                self.closed.discard(partition)
            self.read_up_to[partition] = offset
            if event.key == BATCH_END:
                ready.extend(held)
                held.clear()
                self.last[partition] = event.value or {}
                self.closed.add(partition)
            else:
                held.append(event)
        return ready

    def legacy(self, partition: int) -> list[Any]:
        """Records of a partition read to its end without a single batch-end: a
        changelog written before batch-ends existed. They are all complete (that
        version wrote no partial batches it could tell apart), so they apply as
        they are, and the first batch-end written now closes them for the next
        reading."""
        if partition in self.closed:
            return []
        self.closed.add(partition)
        return self.held.pop(partition, [])

    def unfinished(self, partition: int) -> list[Any]:
        """Keys written by the unfinished batch at the end of a partition."""
        return list(dict.fromkeys(e.key for e in self.held.get(partition, ())))


class StoryTable(faust.Table):
    """The story table: its changelog is applied one finished batch at a time.

    After recovery, ``on_recovered(partition)`` (set by the pipeline) closes
    each active partition before any input is processed: it publishes the
    last finished batch's story records again (they may not all have reached
    the output topic) and rolls an unfinished batch back in the changelog.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.gate = BatchGate()
        self.on_recovered: Callable[[int], Awaitable[None]] | None = None

    def apply_changelog_batch(self, batch: Iterable[Any]) -> None:
        ready = self.gate.take(batch)
        if ready:
            super().apply_changelog_batch(ready)

    async def on_recovery_completed(self, active_tps: Any, standby_tps: Any) -> None:
        for tp in active_tps:
            legacy = self.gate.legacy(tp.partition)
            if legacy:
                log.info(
                    "story-table partition %d: %d changelog records without batch-ends "
                    "(written by an older version) applied as they are",
                    tp.partition,
                    len(legacy),
                )
                super().apply_changelog_batch(legacy)
        await super().on_recovery_completed(active_tps, standby_tps)
        if self.on_recovered is None:
            return
        generation = self.app.consumer_generation_id
        for tp in sorted(active_tps):
            if self.app.consumer_generation_id != generation:
                return  # rebalancing again: the next recovery closes them
            await self.on_recovered(tp.partition)


class BatchedTableStore:
    """A ``StateStore`` that writes each touched key once per batch.

    Reads see the batch's own writes; ``flush()`` (at the end of a batch)
    writes every touched key once, to the changelog partition of the event that
    last touched it, and returns the changelog sends. A story updated by ten
    articles of one batch is one changelog record instead of ten, and so are the
    stream clock and hot index entries.

    The writes bypass ``table[key] = value`` on purpose: Faust's own path sends
    the changelog record with ``send_soon`` and forgets it, and its commit does
    not wait for every buffered send (its buffer flush gives up after 100 ms
    without progress, and a message taken off the buffer but not yet handed to
    the client is in neither). An offset could then be committed while the
    table write it depends on never reached the broker: after a ``kill -9``
    that article's story lost it. Here the caller awaits the returned sends
    before the batch is acknowledged.
    """

    def __init__(self, table: Any) -> None:
        self.table = table
        self.event: Any = None
        self.pending: dict[str, tuple[Any, Any]] = {}
        self.partitions: set[int] = set()  # written since their last batch-end
        self.published: dict[int, list[list[str]]] = {}  # [namespace, story id]
        self.retiring: dict[int, dict[str, str]] = {}  # retired-record key → record
        self.retired: dict[int, list[str]] = {}  # retired-record keys of the last batch

    def _read(self, key: str) -> Any | None:
        """The stored value, read from the table's store directly.

        ``table.get`` goes through ``Mapping.get``: ``__getitem__`` calls the
        table's get sensor and raises ``KeyError`` for every missing key (most
        index keys are missing), several times the cost of the dict lookup. The
        store is what the table reads anyway (memory store: a plain dict inside;
        RocksDB: its mapping), and the table has no default that a miss would
        have to create.
        """
        store = self.table.data
        inner = getattr(store, "data", None)
        if type(inner) is dict:  # the memory store's dict of decoded values
            return inner.get(key)
        return store.get(key)

    def begin(self, event: Any) -> None:
        """The event whose processing the next writes belong to."""
        self.event = event

    def get(self, key: str) -> Any | None:
        hit = self.pending.get(key)
        if hit is not None:
            value = hit[0]
            return None if value is _DELETED else value
        return self._read(key)

    def set(self, key: str, value: Any) -> None:
        self.pending[key] = (value, self.event)

    def delete(self, key: str) -> None:
        self.pending[key] = (_DELETED, self.event)

    def flush(self) -> list[Any]:
        """Write the pending keys to the table and its changelog.

        Returns the changelog sends (Faust ``FutureMessage``s, resolved when the
        broker acknowledged them), one per key written.
        """
        table, data = self.table, self.table.data
        sends: list[Any] = []
        for key, (value, event) in self.pending.items():
            partition = event.message.partition
            if value is _DELETED:
                if key in data:
                    sends.append(table.send_changelog(partition, key, None, value_serializer="raw"))
                    del data[key]
            else:
                sends.append(table.send_changelog(partition, key, value))
                data[key] = value
            self._own(key, partition)
        self.pending.clear()
        return sends

    def _own(self, key: str, partition: int) -> None:
        """Note in the memory store which partition a key belongs to, as its own
        changelog reading does: a partition that leaves this worker takes its keys
        along instead of leaving stale copies behind."""
        self.partitions.add(partition)
        owners = getattr(self.table.data, "_key_partition", None)
        if owners is not None:
            owners[key] = partition

    def published_record(self, namespace: str, story_id: str, retired: str | None) -> None:
        """The batch publishes a record of this story (``retired``: the record of a
        story that leaves the store, kept until the next batch in case the output
        is lost with the worker)."""
        partition = self.event.message.partition
        self.partitions.add(partition)
        if retired is None:
            self.published.setdefault(partition, []).append([namespace, story_id])
        else:
            key = f"{RETIRED}{namespace}|{story_id}"
            self.retiring.setdefault(partition, {})[key] = retired

    def reopen(self, partition: int, retired: Iterable[str]) -> None:
        """After recovery: the retired-record keys the last finished batch left, and
        a batch-end to write for the partition (it closes an unfinished batch's
        roll-back, the retired records' removal, or, on a fresh or older changelog,
        starts the partition's batches)."""
        self.retired[partition] = list(retired)
        self.partitions.add(partition)  # always a batch-end: a reading starts closed

    def seal(self) -> list[Any]:
        """The writes that complete the batch before its batch-end: keys of an
        unfinished batch found at recovery set back to their value, the last
        batch's retired records deleted, this batch's written."""
        table, data = self.table, self.table.data
        gate = getattr(table, "gate", None)
        sends: list[Any] = []
        for partition in sorted(self.partitions):
            if gate is not None:
                for key in gate.unfinished(partition):
                    value = data.get(key)
                    if value is None:
                        sends.append(
                            table.send_changelog(partition, key, None, value_serializer="raw")
                        )
                    else:
                        sends.append(table.send_changelog(partition, key, value))
                gate.held.pop(partition, None)
            retiring = self.retiring.pop(partition, {})
            for key in self.retired.pop(partition, ()):
                if key not in retiring and data.pop(key, None) is not None:
                    sends.append(table.send_changelog(partition, key, None, value_serializer="raw"))
            for key, record in retiring.items():
                sends.append(table.send_changelog(partition, key, record))
                data[key] = record
                self._own(key, partition)
            self.retired[partition] = list(retiring)
        return sends

    def ends(self) -> list[tuple[int, dict[str, Any]]]:
        """The batch-end of each partition the batch wrote, to send (``send_end``) only
        once the broker has every write of the batch: it is what makes them count.
        Taken synchronously with ``flush`` and ``seal``, so an agent's batch never
        closes another agent's."""
        ends = []
        for partition in sorted(self.partitions):
            published = self.published.pop(partition, [])
            end = {
                "out": [list(k) for k in dict.fromkeys(tuple(x) for x in published)],
                "retired": self.retired.get(partition, []),
            }
            ends.append((partition, end))
        self.partitions.clear()
        self.published.clear()
        return ends

    def send_end(self, partition: int, end: dict[str, Any]) -> Any:
        return self.table.send_changelog(partition, BATCH_END, end)
