"""The state interface the story engine is given (never the store itself).

Values are plain JSON-able Python objects (dicts, lists, str, numbers). The
stream shell backs this with a changelog-backed Faust table; replay and tests
use ``DictStore``.
"""

from __future__ import annotations

from typing import Any, Protocol


class StateStore(Protocol):
    def get(self, key: str) -> Any | None: ...

    def set(self, key: str, value: Any) -> None: ...

    def delete(self, key: str) -> None: ...


class DictStore:
    """A ``StateStore`` over a plain dict (offline replay, unit tests)."""

    def __init__(self, data: dict[str, Any] | None = None) -> None:
        self.data: dict[str, Any] = {} if data is None else data

    def get(self, key: str) -> Any | None:
        return self.data.get(key)

    def set(self, key: str, value: Any) -> None:
        self.data[key] = value

    def delete(self, key: str) -> None:
        self.data.pop(key, None)

    def __len__(self) -> int:
        return len(self.data)


class PrefixedStore:
    """A namespace inside another store: keys are ``<prefix><key>``.

    Each consolidation shard (cluster key) gets its own namespace, so stories,
    indexes and the stream clock of two shards never mix, even when one worker
    holds both shards' partitions in one table.
    """

    def __init__(self, inner: StateStore, prefix: str) -> None:
        self.inner = inner
        self.prefix = prefix

    def get(self, key: str) -> Any | None:
        return self.inner.get(self.prefix + key)

    def set(self, key: str, value: Any) -> None:
        self.inner.set(self.prefix + key, value)

    def delete(self, key: str) -> None:
        self.inner.delete(self.prefix + key)
