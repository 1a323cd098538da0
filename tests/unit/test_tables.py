"""The batched table adapter of the stream shell, and its batch journal."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

from newsstream.stream import tables
from newsstream.stream.tables import JOURNAL, BatchedTableStore


@dataclass(frozen=True)
class FakeMessage:
    partition: int


@dataclass(frozen=True)
class FakeEvent:
    """Stands in for a Faust event (only its message's partition matters here)."""

    message: FakeMessage


class RecordingTable(dict):
    """Dict-like Faust table: ``data`` holds the values, ``send_changelog`` records
    each changelog send (as the broker would keep it) and returns a token."""

    def __init__(self) -> None:
        super().__init__()
        self.data = self
        self.sent: list[tuple[int, str, Any]] = []

    def send_changelog(
        self, partition: int, key: str, value: Any, value_serializer: str | None = None
    ) -> tuple[str, Any]:
        if value_serializer == "raw":
            assert value is None or isinstance(value, bytes)
            kept = value
        else:  # the table's JSON serializer
            kept = orjson.dumps(value)
        self.sent.append((partition, key, kept))
        return (key, value)


def recover(sent: list[tuple[int, str, Any]]) -> RecordingTable:
    """What a new worker's table holds after reading these changelog records."""
    table = RecordingTable()
    for _, key, raw in sent:
        if raw is None:
            table.pop(key, None)
        else:
            table[key] = orjson.loads(raw)
    return table


def user_keys(table: dict[str, Any]) -> dict[str, Any]:
    """The table without the journal's own keys, as plain JSON values."""
    return {k: orjson.loads(orjson.dumps(v)) for k, v in table.items() if not k.startswith(JOURNAL)}


def test_batched_store_reads_its_writes_and_flushes_each_key_once() -> None:
    table = RecordingTable()
    table["old"] = 0
    store = BatchedTableStore(table)
    e1, e2 = FakeEvent(FakeMessage(0)), FakeEvent(FakeMessage(3))

    store.begin(e1)
    store.set("story", {"v": 1})
    store.set("clock", 1)
    store.begin(e2)
    assert store.get("story") == {"v": 1}
    store.set("story", {"v": 2})
    store.delete("old")
    store.delete("never-there")
    assert store.get("old") is None and table["old"] == 0  # not yet written
    assert table.sent == []

    sends = store.flush()
    assert user_keys(table) == {"story": {"v": 2}, "clock": 1}
    # each key once, to the changelog partition of the event that last touched it,
    # after that partition's journal; a delete of a key that was never there sends
    # nothing but is in the journal
    written = [(p, k, v) for p, k, v in table.sent if not k.startswith(JOURNAL)]
    assert written == [(3, "story", b'{"v":2}'), (3, "old", None), (0, "clock", b"1")]
    journal = [(p, k) for p, k, _ in table.sent if k.startswith(JOURNAL)]
    assert journal == [(3, "~journal:3:1:0"), (3, "~journal:3"), (0, "~journal:0:1:0"),
                       (0, "~journal:0")]  # fmt: skip
    assert len(sends) == len(table.sent)
    assert store.pending == {}
    assert store.flush() == []


def test_each_journal_replaces_the_previous_ones_chunks() -> None:
    table = RecordingTable()
    store = BatchedTableStore(table)
    store.begin(FakeEvent(FakeMessage(0)))
    for n in range(3):
        store.set("k", n)
        store.flush()
    chunks = [k for k in table if k.startswith(JOURNAL + "0:")]
    assert chunks == ["~journal:0:3:0"]  # journal 3; 1 and 2 were deleted
    assert table["~journal:0"] == {"seq": 3, "chunks": 1}
    assert recover(table.sent)["~journal:0"] == {"seq": 3, "chunks": 1}


def test_big_batches_are_journalled_in_chunks(monkeypatch: Any) -> None:
    monkeypatch.setattr(tables, "CHUNK_BYTES", 100)
    table = RecordingTable()
    store = BatchedTableStore(table)
    store.begin(FakeEvent(FakeMessage(0)))
    for n in range(20):
        store.set(f"k{n}", "x" * 30)
    store.flush()
    header = table["~journal:0"]
    assert header["chunks"] > 5
    crashed = recover([s for s in table.sent if s[1].startswith(JOURNAL)])
    again = BatchedTableStore(crashed)
    again.settle([0])
    again.flush()
    assert user_keys(crashed) == user_keys(table)


Batch = list[tuple[str, int | None]]  # (key, value or None to delete)
RECORD = (b"st-1", b'{"version":1}', [("newsstream.article.id", b"a1")])


def run_batch(store: BatchedTableStore, batch: Batch, records: int) -> None:
    store.settle([0])
    store.begin(FakeEvent(FakeMessage(0)))
    for key, value in batch:
        if value is None:
            store.delete(key)
        else:
            store.set(key, {"value": value, "list": [value, key]})
    for n in range(records):
        store.publish((f"st-{n}".encode(), b'{"v":%d}' % n, [("h", bytes([200, n]))]))
    store.flush()


batches = st.lists(
    st.lists(
        st.tuples(st.sampled_from("abcdefgh"), st.one_of(st.none(), st.integers(0, 99))),
        min_size=1,
        max_size=8,
    ),
    min_size=1,
    max_size=5,
)


@settings(max_examples=200, deadline=None)
@given(batches=batches, cut=st.integers(0, 10_000), records=st.integers(0, 3))
def test_a_crash_anywhere_in_a_flush_rolls_forward_to_the_whole_batch(
    batches: list[Batch], cut: int, records: int
) -> None:
    """kill -9 keeps a prefix of the changelog records; a restarted worker that rolls
    the journal forward ends with exactly what the whole batch would have written,
    and publishes the batch's story records again."""
    table = RecordingTable()
    store = BatchedTableStore(table)
    for batch in batches[:-1]:
        run_batch(store, batch, records)
    before = len(table.sent)
    run_batch(store, batches[-1], records)
    last = table.sent[before:]
    kept = table.sent[: before + cut % (len(last) + 1)]

    crashed = recover(kept)
    restarted = BatchedTableStore(crashed)
    replayed = restarted.settle([0])
    restarted.flush()
    header_landed = any(k == "~journal:0" for _, k, _ in last[: cut % (len(last) + 1)])
    if header_landed:
        assert user_keys(crashed) == user_keys(table)
        assert len(replayed.records) == records
        assert all(r[2][0][1][0] == 200 for r in replayed.records)  # header bytes kept
    else:  # nothing of the batch counts yet: it is re-delivered and done again
        reference = RecordingTable()
        ref_store = BatchedTableStore(reference)
        for batch in batches[:-1]:
            run_batch(ref_store, batch, records)
        assert user_keys(crashed) == user_keys(reference)
    # the batch is re-delivered (its offsets were not committed) and done again
    run_batch(restarted, batches[-1], records)
    assert user_keys(crashed) == user_keys(table)


def test_a_partition_is_rolled_forward_once_until_the_next_rebalance() -> None:
    table = RecordingTable()
    store = BatchedTableStore(table)
    store.begin(FakeEvent(FakeMessage(0)))
    store.set("k", 1)
    store.publish((RECORD[0], b'{"version":0}', []))
    store.publish(RECORD)  # a story's last record of the batch is what is journalled
    store.flush()
    restarted = BatchedTableStore(recover(table.sent))
    assert restarted.settle([0]).records == [RECORD]
    assert restarted.settle([0]).records == []
    restarted.flush()  # its own journal now carries the write and the record again
    restarted.unsettle()
    assert restarted.settle([0]).writes == 1


@settings(max_examples=200, deadline=None)
@given(batches=batches, stale=st.integers(1, 3), records=st.integers(0, 3))
def test_a_rebalance_that_re_reads_an_older_changelog_keeps_this_workers_batches(
    batches: list[Batch], stale: int, records: int
) -> None:
    """A rebalance re-reads the changelog over the table up to a mark taken before
    this worker's last batches landed: their values are replaced by older ones and
    the header goes back. The next batch stages the worker's own journals again."""
    table = RecordingTable()
    store = BatchedTableStore(table)
    marks = []
    for batch in batches:
        marks.append(len(table.sent))
        run_batch(store, batch, records)
    full = user_keys(table)
    mark = marks[max(0, len(marks) - stale)]  # the last ``stale`` batches are beyond it
    for _, key, raw in table.sent[:mark]:  # the re-read, applied over the memory
        if raw is None:
            table.pop(key, None)
        else:
            table[key] = orjson.loads(raw)
    store.unsettle()
    replayed = store.settle([0])
    store.flush()
    assert user_keys(table) == full
    again = recover(table.sent)  # and a later restart recovers the same
    assert user_keys(again) == full
    if records:
        assert {r[0] for r in replayed.records} == {f"st-{n}".encode() for n in range(records)}


def test_a_journal_no_longer_kept_is_reported(caplog: Any) -> None:
    table = RecordingTable()
    store = BatchedTableStore(table)
    for n in range(tables.KEPT_JOURNALS + 2):
        run_batch(store, [("k", n)], 0)
    table["~journal:0"] = {"seq": 1, "chunks": 1}  # read back far behind
    store.unsettle()
    store.settle([0])
    assert "no longer kept in memory" in caplog.text
