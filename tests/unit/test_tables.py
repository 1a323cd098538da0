"""The batched table adapter of the stream shell."""

from __future__ import annotations

from dataclasses import dataclass

from newsstream.stream.tables import BATCH_END, RETIRED, BatchedTableStore, BatchGate


@dataclass(frozen=True)
class FakeMessage:
    partition: int


@dataclass(frozen=True)
class FakeEvent:
    """Stands in for a Faust event (only its message's partition matters here)."""

    message: FakeMessage


class RecordingTable(dict):
    """Dict-like Faust table: ``data`` holds the values, ``send_changelog`` records
    each changelog send and returns a token standing for its future."""

    def __init__(self) -> None:
        super().__init__()
        self.data = self
        self.sent: list[tuple[int, str, object]] = []

    def send_changelog(
        self, partition: int, key: str, value: object, value_serializer: str | None = None
    ) -> tuple[str, object]:
        assert (value is None) == (value_serializer == "raw")  # tombstones go out raw
        self.sent.append((partition, key, value))
        return (key, value)


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
    assert table == {"story": {"v": 2}, "clock": 1}
    # each key once, to the changelog partition of the event that last touched it;
    # a delete of a key that was never there sends nothing
    assert table.sent == [(3, "story", {"v": 2}), (0, "clock", 1), (3, "old", None)]
    assert sends == [("story", {"v": 2}), ("clock", 1), ("old", None)]
    assert store.pending == {}
    assert store.flush() == []


@dataclass(frozen=True)
class LogMessage:
    partition: int
    offset: int


@dataclass(frozen=True)
class LogEvent:
    """A changelog record as Faust's recovery hands it to the table."""

    message: LogMessage
    key: str
    value: object


def changelog(partition: int, *records: tuple[str, object], start: int = 0) -> list[LogEvent]:
    return [
        LogEvent(LogMessage(partition, start + i), key, value)
        for i, (key, value) in enumerate(records)
    ]


def test_gate_applies_a_batch_only_when_its_batch_end_arrives() -> None:
    gate = BatchGate()
    log = changelog(
        0,
        ("s:a", {"v": 1}),
        ("a:x", "a"),
        (BATCH_END, {"out": [["global", "a"]], "retired": []}),
        ("s:a", {"v": 2}),  # the writer died before this batch's end
        ("a:y", "a"),
    )
    ready = gate.take(log[:2])
    assert ready == []  # held: the batch may be incomplete
    ready = gate.take(log[2:])
    assert [e.key for e in ready] == ["s:a", "a:x"]
    assert gate.last[0] == {"out": [["global", "a"]], "retired": []}
    assert gate.unfinished(0) == ["s:a", "a:y"]
    assert gate.legacy(0) == []  # the partition has batch-ends: nothing applies as is


def test_gate_starts_over_when_a_partition_is_read_again() -> None:
    gate = BatchGate()
    first = changelog(1, ("s:a", 1), (BATCH_END, {}), ("s:b", 2))
    gate.take(first)
    assert gate.unfinished(1) == ["s:b"]
    again = gate.take(first[:2])  # recovery re-reads the partition from offset 0
    assert [e.key for e in again] == ["s:a"]
    assert gate.unfinished(1) == []


def test_gate_applies_a_changelog_without_batch_ends_as_it_is() -> None:
    gate = BatchGate()
    old = changelog(2, ("s:a", 1), ("a:x", "a"))  # written before batch-ends existed
    assert gate.take(old) == []
    assert [e.key for e in gate.legacy(2)] == ["s:a", "a:x"]
    assert gate.unfinished(2) == [] and gate.legacy(2) == []


class GatedTable(RecordingTable):
    def __init__(self) -> None:
        super().__init__()
        self.gate = BatchGate()


def test_recovery_rolls_back_an_unfinished_batch_and_writes_a_batch_end() -> None:
    table = GatedTable()
    table["s:a"] = {"v": 1}  # the state after the last finished batch
    table.gate.take(changelog(0, ("s:a", {"v": 1}), (BATCH_END, {}), ("s:a", {"v": 2}),
                              ("a:y", "a")))
    store = BatchedTableStore(table)
    store.reopen(0, [])
    writes = store.seal()
    ends = store.ends()
    # every key of the unfinished batch is written again with its finished value
    assert sorted(writes, key=str) == sorted([("s:a", {"v": 1}), ("a:y", None)], key=str)
    assert ends == [(0, {"out": [], "retired": []})]
    assert table.gate.unfinished(0) == []


def test_batch_end_lists_published_stories_and_keeps_retired_records_one_batch() -> None:
    table = GatedTable()
    store = BatchedTableStore(table)
    store.begin(FakeEvent(FakeMessage(0)))
    store.set("s:a", {"v": 3})
    store.published_record("global", "a", None)
    store.published_record("global", "b", '{"story_id": "b", "status": "merged"}')
    store.flush()
    store.seal()
    retired_key = f"{RETIRED}global|b"
    assert table[retired_key] == '{"story_id": "b", "status": "merged"}'
    assert store.ends() == [(0, {"out": [["global", "a"]], "retired": [retired_key]})]

    store.begin(FakeEvent(FakeMessage(0)))  # the next batch drops the retired record
    store.set("s:a", {"v": 4})
    store.flush()
    table.sent.clear()
    store.seal()
    assert table.sent == [(0, retired_key, None)] and retired_key not in table
    assert store.ends() == [(0, {"out": [], "retired": []})]
