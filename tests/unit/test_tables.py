"""The batched table adapter and the current-event helper of the stream shell."""

from __future__ import annotations

import asyncio

from faust.streams import current_event

from newsstream.stream.tables import BatchedTableStore, make_current


class FakeEvent:
    """Stands in for a Faust event (only identity matters here)."""


class RecordingTable(dict):
    """A dict that records which event was current at each write, like a Faust table."""

    def __init__(self) -> None:
        super().__init__()
        self.writes: list[tuple[str, object, object]] = []

    def __setitem__(self, key: str, value: object) -> None:
        self.writes.append((key, value, current_event()))
        super().__setitem__(key, value)

    def __delitem__(self, key: str) -> None:
        self.writes.append((key, None, current_event()))
        super().__delitem__(key)


def test_make_current_sets_the_event_for_this_task_only() -> None:
    first, second = FakeEvent(), FakeEvent()

    async def other_task() -> object:
        return current_event()

    async def run() -> tuple[object, object]:
        make_current(first)
        seen_here = current_event()
        make_current(second)
        return seen_here, current_event()

    assert asyncio.run(run()) == (first, second)

    async def before() -> object:
        task = asyncio.create_task(other_task())  # created before: its context has no event
        make_current(second)
        return await task

    assert asyncio.run(before()) is None


def test_batched_store_reads_its_writes_and_flushes_each_key_once() -> None:
    table = RecordingTable()
    table["old"] = 0
    table.writes.clear()
    store = BatchedTableStore(table)
    e1, e2 = FakeEvent(), FakeEvent()

    async def batch() -> int:
        store.begin(e1)
        store.set("story", {"v": 1})
        store.set("clock", 1)
        store.begin(e2)
        story = store.get("story")
        assert story == {"v": 1}
        store.set("story", {"v": 2})
        store.delete("old")
        store.delete("never-there")
        assert store.get("old") is None and table["old"] == 0  # not yet written
        return store.flush()

    assert asyncio.run(batch()) == 4
    assert table == {"story": {"v": 2}, "clock": 1}
    # each key once, under the event that last touched it
    assert [(k, ev) for k, _v, ev in table.writes] == [("story", e2), ("clock", e1), ("old", e2)]
    assert store.pending == {}
