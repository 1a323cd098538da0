"""The story engine's ``StateStore`` over a changelog-backed Faust table.

The engine only sees get / set / delete; every key written at the end of a
batch becomes one changelog record, so a restarted worker recovers the stories.
A batch's writes are all-or-nothing through a journal (``BatchJournal``).
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import orjson

log = logging.getLogger(__name__)

_DELETED = object()

JOURNAL = "~journal:"  # + partition: the header; + partition:seq:n: its chunks
CHUNK_BYTES = 256 * 1024  # journal chunk size (well below a 1 MB message limit)
KEPT_JOURNALS = 4  # this worker's last journals per partition, kept in memory

StoryMessage = tuple[bytes, bytes, list[tuple[str, bytes]]]


def header_key(partition: int) -> str:
    return f"{JOURNAL}{partition}"


def chunk_key(partition: int, seq: int, n: int) -> str:
    return f"{JOURNAL}{partition}:{seq}:{n}"


@dataclass(slots=True)
class Replayed:
    """What rolling a partition's journal forward staged again."""

    writes: int = 0
    records: list[StoryMessage] = field(default_factory=list)


@dataclass(slots=True)
class _Journal:
    """One journal this worker wrote: its writes (``_DELETED`` for a delete) and records."""

    seq: int
    writes: list[tuple[str, Any]]
    records: list[StoryMessage]


class BatchedTableStore:
    """A ``StateStore`` that writes each touched key once per batch, atomically.

    Reads see the batch's own writes; ``flush()`` (at the end of a batch)
    writes every touched key once, to the changelog partition of the event that
    last touched it, and returns the changelog sends. A story updated by ten
    articles of one batch is one changelog record instead of ten, and so are the
    stream clock and hot index entries.

    **All or nothing.** A ``kill -9`` in the middle of a flush leaves the changelog
    with a *prefix* of the batch's records (one producer, one partition, in order),
    and no prefix is a consistent state: a merge could keep the survivor's old value
    but lose the merged story, a correction move an article into its new story but
    keep it in the old one. So each partition's writes of a batch, together with the
    story records the batch publishes (the last of each story), are first written as
    a **journal** (chunks, then a header naming them), and only then key by key.
    After a restart or a rebalance the first batch of a partition *rolls the journal
    forward* (``settle``): the header that survived names a journal whose chunks are
    all there (they precede it), and staging its writes and records again completes
    whatever prefix of that batch made it. When the last batch did complete, this
    rewrites values equal to the current ones: harmless. Compaction keeps the latest
    header and the latest value of every key, which is all the roll-forward needs.

    **A rebalance re-reads the changelog over the table.** Faust recovers a partition
    the worker keeps from the offset it last recovered to, up to a high-water mark
    taken when the rebalance starts, and applies those records over the in-memory
    values. A batch that flushed around that moment has its values replaced by
    older ones while its records sit in the changelog beyond that mark, so the
    header read back is an earlier journal than this worker wrote. The worker keeps
    its last ``KEPT_JOURNALS`` journals per partition in memory (references to the
    values, no copies) and, when the header is behind, stages them again on top of
    the header's journal: newest value of each key wins, records in order.

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
        self.partition = 0
        self.pending: dict[str, tuple[Any, int]] = {}
        self.records: dict[int, list[StoryMessage]] = {}
        self.settled: set[int] = set()  # partitions whose journal was rolled forward
        self.journals: dict[int, tuple[int, int]] = {}  # partition → (seq, chunks)
        self.history: dict[int, deque[_Journal]] = {}  # partition → its last journals

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
        self.partition = event.message.partition

    def get(self, key: str) -> Any | None:
        hit = self.pending.get(key)
        if hit is not None:
            value = hit[0]
            return None if value is _DELETED else value
        return self._read(key)

    def set(self, key: str, value: Any) -> None:
        self.pending[key] = (value, self.partition)

    def delete(self, key: str) -> None:
        self.pending[key] = (_DELETED, self.partition)

    def publish(self, message: StoryMessage) -> None:
        """A story record of the current event: it goes into the partition's journal."""
        self.records.setdefault(self.partition, []).append(message)

    # ------------------------------------------------------------ the journal
    def unsettle(self) -> None:
        """A rebalance: partitions (re)assigned must roll their journal forward again."""
        self.settled.clear()

    def settle(self, partitions: Iterable[int]) -> Replayed:
        """Roll the journal of each partition not yet settled forward: stage its
        writes again and return its story records, to be published again first.
        Call it before the batch's first write."""
        replayed = Replayed()
        for partition in sorted(set(partitions) - self.settled):
            self.settled.add(partition)
            header = self._read(header_key(partition))
            if not header:
                self.journals[partition] = (0, 0)
                continue
            seq, chunks = int(header["seq"]), int(header["chunks"])
            known = self.journals.get(partition)
            own: list[_Journal] = []
            if known is not None and known[0] > seq:
                own = self._own_since(partition, seq, known[0])
            else:
                self.journals[partition] = (seq, chunks)
            for journal in reversed(own):  # newest first: the newest value of a key wins
                replayed.writes += self._stage_own(partition, journal)
            staged = self._stage(partition, seq, chunks)
            records = staged[1] if staged is not None else []
            replayed.writes += staged[0] if staged is not None else 0
            for journal in own:
                records = records + journal.records
            replayed.records.extend(records)
            # they are part of this batch now: its own journal carries them again
            self.records.setdefault(partition, [])[:0] = records
        return replayed

    def _own_since(self, partition: int, seq: int, newest: int) -> list[_Journal]:
        """This worker's journals after ``seq``, oldest first: the table was re-read
        from the changelog over values this worker had written since."""
        own = [j for j in self.history.get(partition, ()) if j.seq > seq]
        log.warning("journal header of partition %d read back at seq %d, but this worker "
                    "wrote up to seq %d: staging its own %d journal(s) again",
                    partition, seq, newest, len(own))  # fmt: skip
        if not own or own[0].seq != seq + 1:
            log.error("journals %d..%d of partition %d are no longer kept in memory; "
                      "their writes may be lost", seq + 1,
                      own[0].seq - 1 if own else newest, partition)  # fmt: skip
        return own

    def _stage_own(self, partition: int, journal: _Journal) -> int:
        writes = 0
        for key, value in journal.writes:
            if key not in self.pending:
                self.pending[key] = (value, partition)
                writes += 1
        return writes

    def _stage(
        self, partition: int, seq: int, chunks: int
    ) -> tuple[int, list[StoryMessage]] | None:
        bodies = [self._read(chunk_key(partition, seq, n)) for n in range(chunks)]
        bodies = [orjson.loads(b) if isinstance(b, bytes | str) else b for b in bodies]
        if any(body is None for body in bodies):  # cannot happen with ordered writes
            log.error("journal %s of partition %d is incomplete; not rolled forward",
                      seq, partition)
            return None
        writes, records = 0, []
        for body in bodies:
            for key, value in body["w"]:
                if key not in self.pending:  # (a batch's own writes are newer)
                    self.pending[key] = (_DELETED if value is None else value, partition)
                    writes += 1
            for key, value, headers in body["r"]:
                records.append(
                    (key.encode("latin-1"), value.encode(),
                     [(name, raw.encode("latin-1")) for name, raw in headers])
                )  # fmt: skip
        if writes:
            log.info("rolled journal %d of partition %d forward: %d writes, %d records",
                     seq, partition, writes, len(records))
        return writes, records

    def flush(self) -> list[Any]:
        """Write the batch's journal, then the pending keys, to the table and its changelog.

        Returns the changelog sends (Faust ``FutureMessage``s, resolved when the
        broker acknowledged them): per partition the journal's chunks and header,
        one per key written, then tombstones for the previous journal's chunks.
        """
        by_partition: dict[int, list[tuple[str, Any, bytes | None]]] = {}
        for key, (value, partition) in self.pending.items():
            raw = None if value is _DELETED else orjson.dumps(value)
            by_partition.setdefault(partition, []).append((key, value, raw))
        for partition in self.records:
            by_partition.setdefault(partition, [])
        sends: list[Any] = []
        for partition, writes in by_partition.items():
            previous = self._journal_of(partition)
            sends += self._write_journal(partition, previous[0] + 1, writes)
            sends += self._write_keys(partition, writes)
            sends += self._drop_chunks(partition, *previous)
        self.pending.clear()
        self.records.clear()
        return sends

    def _journal_of(self, partition: int) -> tuple[int, int]:
        known = self.journals.get(partition)
        if known is None:
            header = self._read(header_key(partition))
            known = (int(header["seq"]), int(header["chunks"])) if header else (0, 0)
            self.journals[partition] = known
        return known

    def _write_journal(
        self, partition: int, seq: int, writes: list[tuple[str, Any, bytes | None]]
    ) -> list[Any]:
        pieces = [b"[" + orjson.dumps(key) + b"," + (raw or b"null") + b"]"
                  for key, _, raw in writes]  # fmt: skip
        latest = {m[0]: m for m in self.records.get(partition, [])}  # a story's last record
        stories = [
            orjson.dumps([key.decode("latin-1"), value.decode(),
                          [[name, raw.decode("latin-1")] for name, raw in headers]])
            for key, value, headers in latest.values()
        ]  # fmt: skip
        bodies = _chunks(pieces, stories)
        table, data = self.table, self.table.data
        sends = []
        for n, body in enumerate(bodies):
            key = chunk_key(partition, seq, n)
            sends.append(table.send_changelog(partition, key, body, value_serializer="raw"))
            data[key] = body  # (recovery decodes it; ``_stage`` reads either)
        header = {"seq": seq, "chunks": len(bodies)}
        sends.append(table.send_changelog(partition, header_key(partition), header))
        data[header_key(partition)] = header
        self.journals[partition] = (seq, len(bodies))
        kept = self.history.setdefault(partition, deque(maxlen=KEPT_JOURNALS))
        kept.append(_Journal(seq, [(key, value) for key, value, _ in writes],
                             list(latest.values())))  # fmt: skip
        return sends

    def _write_keys(self, partition: int, writes: list[tuple[str, Any, bytes | None]]) -> list[Any]:
        table, data = self.table, self.table.data
        sends = []
        for key, value, raw in writes:
            if raw is None:
                if key in data:
                    sends.append(table.send_changelog(partition, key, None, value_serializer="raw"))
                    del data[key]
            else:
                sends.append(table.send_changelog(partition, key, raw, value_serializer="raw"))
                data[key] = value
        return sends

    def _drop_chunks(self, partition: int, seq: int, chunks: int) -> list[Any]:
        """Tombstones for the previous journal's chunks (after the new header)."""
        table, data = self.table, self.table.data
        sends = []
        for n in range(chunks):
            key = chunk_key(partition, seq, n)
            data.pop(key, None)
            sends.append(table.send_changelog(partition, key, None, value_serializer="raw"))
        return sends


def _chunks(writes: list[bytes], records: list[bytes]) -> list[bytes]:
    """Journal bodies ``{"w": [[key, value], ...], "r": [[key, value, headers], ...]}``
    of at most about ``CHUNK_BYTES`` each (a bigger single value gets its own)."""
    bodies: list[bytes] = []
    w: list[bytes] = []
    r: list[bytes] = []
    size = 0

    def close() -> None:
        nonlocal size
        bodies.append(b'{"w":[' + b",".join(w) + b'],"r":[' + b",".join(r) + b"]}")
        w.clear()
        r.clear()
        size = 0

    for target, items in ((w, writes), (r, records)):
        for item in items:
            if size and size + len(item) > CHUNK_BYTES:
                close()
            target.append(item)
            size += len(item) + 1
    if w or r or not bodies:
        close()
    return bodies
