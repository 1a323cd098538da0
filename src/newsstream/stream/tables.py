"""The story engine's ``StateStore`` over a changelog-backed Faust table.

The engine only sees get / set / delete; every key written at the end of a
batch becomes one changelog record, so a restarted worker recovers the stories.
"""

from __future__ import annotations

from typing import Any

_DELETED = object()


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
                    sends.append(
                        table.send_changelog(partition, key, None, value_serializer="raw")
                    )
                    del data[key]
            else:
                sends.append(table.send_changelog(partition, key, value))
                data[key] = value
        self.pending.clear()
        return sends
