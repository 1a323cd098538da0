"""A ``StateStore`` backed by a changelog-backed Faust table.

The story engine only sees get / set / delete; every ``set`` and ``delete``
becomes a changelog record, so a restarted worker recovers the stories.
"""

from __future__ import annotations

from typing import Any


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
