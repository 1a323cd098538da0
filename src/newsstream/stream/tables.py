"""The story engine's ``StateStore`` over a changelog-backed Faust table.

The engine only sees get / set / delete; every key written at the end of a
batch becomes one changelog record, so a restarted worker recovers the stories.
"""

from __future__ import annotations

import weakref
from typing import Any

from faust.streams import _current_event


def make_current(event: Any) -> None:
    """Make ``event`` the current event *of this task* while it is processed.

    Faust sends a table write to the changelog partition of the current event;
    in a batch from ``take_events`` that must be each event in turn. Only the
    context variable is set: ``Stream._set_current_event`` would also overwrite
    the stream's ``current_event`` attribute, which ``take_events`` reads in its
    drainer task to pair the next value with its event, and the next event
    would be swapped for a stale one (skipped, then re-read after a restart).
    """
    _current_event.set(weakref.ref(event))


_DELETED = object()


class BatchedTableStore:
    """A ``StateStore`` that writes each touched key once per batch.

    Reads see the batch's own writes; ``flush()`` (at the end of a batch, before
    the batch's output is published and long before its offsets are committed)
    writes every touched key once, to the changelog partition of the event that
    last touched it. A story updated by ten articles of one batch is one
    changelog record instead of ten, and so are the stream clock and hot index
    entries.
    """

    def __init__(self, table: Any) -> None:
        self.table = table
        self.event: Any = None
        self.pending: dict[str, tuple[Any, Any]] = {}

    def begin(self, event: Any) -> None:
        """The event whose processing the next writes belong to."""
        self.event = event

    def get(self, key: str) -> Any | None:
        hit = self.pending.get(key)
        if hit is not None:
            value = hit[0]
            return None if value is _DELETED else value
        return self.table.get(key)

    def set(self, key: str, value: Any) -> None:
        self.pending[key] = (value, self.event)

    def delete(self, key: str) -> None:
        self.pending[key] = (_DELETED, self.event)

    def flush(self) -> int:
        """Write the pending keys; returns how many."""
        written = len(self.pending)
        current = None
        for key, (value, event) in self.pending.items():
            if event is not current and event is not None:
                make_current(event)
                current = event
            if value is _DELETED:
                if key in self.table:
                    del self.table[key]
            else:
                self.table[key] = value
        self.pending.clear()
        return written
