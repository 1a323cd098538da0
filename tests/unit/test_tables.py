"""The batched table adapter of the stream shell."""

from __future__ import annotations

from dataclasses import dataclass

from newsstream.stream.tables import BatchedTableStore


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
