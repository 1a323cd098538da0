"""The table adapter and the current-event helper of the stream shell."""

from __future__ import annotations

import asyncio

from faust.streams import current_event

from newsstream.stream.tables import TableStore, make_current


class FakeEvent:
    """Stands in for a Faust event (only identity matters here)."""


def test_make_current_sets_the_event_for_this_task_only() -> None:
    first, second = FakeEvent(), FakeEvent()

    async def other_task() -> object:
        return current_event()

    async def run() -> tuple[object, object, object]:
        make_current(first)
        seen_here = current_event()
        seen_elsewhere = await asyncio.create_task(other_task())
        make_current(second)
        return seen_here, seen_elsewhere, current_event()

    here, elsewhere, after = asyncio.run(run())
    assert here is first and after is second
    assert elsewhere is first  # a task created afterwards copies the context …

    async def before() -> object:
        task = asyncio.create_task(other_task())  # … one created before does not change
        make_current(second)
        return await task

    assert asyncio.run(before()) is None


def test_table_store_maps_get_set_delete() -> None:
    table: dict[str, object] = {}
    store = TableStore(table)
    store.set("a", {"x": 1})
    assert store.get("a") == {"x": 1} and len(store) == 1
    store.delete("a")
    store.delete("missing")
    assert store.get("a") is None and table == {}
