"""The store as one ``StoryEngine.process`` call sees it: compute, then apply.

Reads go through to the store; writes and deletes are kept in the batch. A value
the call means to change in place is taken with ``edit``: the batch hands out a
private copy and holds it as a change, so the stored value is never touched
until ``flush``. When the call fails, ``discard`` drops every change and the
store is exactly as it was before the call.

``flush`` writes each changed key once (a story touched three times is one
``set``; deleting a key that is not there is no write), so an article costs one
changelog record per store value it really changed.
"""

from __future__ import annotations

from typing import Any

import orjson

from newsstream.core.ports import StateStore

_GONE = object()


def private_copy(value: Any) -> Any:
    """A deep copy of a JSON-like value (dicts, lists, str, numbers, None).

    State values are JSON-like by contract (they travel over a changelog as
    JSON), and a round trip through orjson copies them several times faster than
    ``copy.deepcopy``."""
    return orjson.loads(orjson.dumps(value))


class WriteBatch:
    """Changes of one ``process`` call, applied to the store only by ``flush``."""

    __slots__ = ("changes", "read", "store")

    def __init__(self, store: StateStore) -> None:
        self.store = store
        self.read = store.get
        self.changes: dict[str, Any] = {}

    def get(self, key: str) -> Any | None:
        """The current value, to read only (it may be the stored object itself)."""
        value = self.changes.get(key, self)
        if value is self:
            return self.read(key)
        return None if value is _GONE else value

    def edit(self, key: str) -> Any | None:
        """The current value, to change in place: the batch's own copy, which it
        writes at ``flush``. None when there is no value."""
        value = self.changes.get(key, self)
        if value is self:
            stored = self.read(key)
            if stored is None:
                return None
            value = self.changes[key] = private_copy(stored)
        return None if value is _GONE else value

    def set(self, key: str, value: Any) -> None:
        self.changes[key] = value

    def delete(self, key: str) -> None:
        self.changes[key] = _GONE

    def flush(self) -> None:
        """Apply the changes to the store (each key once) and start afresh."""
        store = self.store
        for key, value in self.changes.items():
            if value is not _GONE:
                store.set(key, value)
            elif store.get(key) is not None:
                store.delete(key)
        self.changes.clear()

    def discard(self) -> None:
        """Forget every change: the store keeps what it had."""
        self.changes.clear()
