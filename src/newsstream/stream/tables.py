"""A ``StateStore`` backed by a changelog-backed Faust table.

The story engine only sees get / set / delete; every ``set`` and ``delete``
becomes a changelog record, so a restarted worker recovers the stories.
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


class TableStore:
    def __init__(self, table: Any) -> None:
        self.table = table

    def get(self, key: str) -> Any | None:
        return self.table.get(key)

    def set(self, key: str, value: Any) -> None:
        self.table[key] = value

    def delete(self, key: str) -> None:
        if key in self.table:
            del self.table[key]

    def __len__(self) -> int:
        return len(self.table)
