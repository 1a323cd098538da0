"""Ageing: stories that go quiet for a window leave the active set.

Stream time is the latest ``published_at`` seen (never the wall clock, so a
replay ages exactly like the live run). Stories wait in day buckets for the day
their window would end. Joins do not move a story between buckets (no writes on
the hot path): when a bucket's day passes, each story in it is checked, and one
that saw an article since is put in the bucket of its new expiry day instead of
being expired.

A day's bucket is a chain of small chunks (``b:<day>:<n>`` → at most ``CHUNK``
story ids), so scheduling a story rewrites one small value however many
stories expire that day. The clock (``clock``: stream time, the last day swept,
the active count) is one small value, written once per article (stream time
moves); the chunk count per pending day (``days``) only when a chunk is opened
or a day swept.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from newsstream.core.ports import StateStore

DAY = 86_400.0
CLOCK = "clock"
DAYS = "days"
CHUNK = 64


def expiry_day(last_published: float, window: timedelta) -> int:
    return int((last_published + window.total_seconds()) // DAY) + 1


class Ageing:
    def __init__(self, store: StateStore, window: timedelta) -> None:
        self.store = store
        self.window = window

    def clock(self) -> dict[str, Any]:
        return self.store.get(CLOCK) or {"now": 0.0, "swept": None, "active": 0}

    def _set_clock(self, **changes: Any) -> None:
        clock = {**self.clock(), **changes}
        clock.pop("chunks", None)  # kept in ``days`` now
        self.store.set(CLOCK, clock)

    def _days(self) -> dict[str, int]:
        days = self.store.get(DAYS)
        if days is None:  # a store written before ``days`` existed
            days = self.clock().get("chunks", {})
        return days

    def now(self) -> float:
        return float(self.clock()["now"])

    def active(self) -> int:
        return int(self.clock().get("active", 0))

    def count(self, delta: int) -> None:
        self._set_clock(active=self.active() + delta)

    def schedule(self, story: dict[str, Any]) -> None:
        """Put a story in the bucket of the day its window ends."""
        day = expiry_day(story["last"], self.window)
        if story.get("expires") == day:
            return
        days = self._days()
        last = max(0, int(days.get(str(day), 1)) - 1)
        ids = self.store.get(f"b:{day}:{last}") or []
        if len(ids) >= CHUNK:
            last += 1
            ids = []
        if str(day) not in days or last + 1 > int(days[str(day)]):
            self.store.set(DAYS, {**days, str(day): last + 1})
        self.store.set(f"b:{day}:{last}", [*ids, story["id"]])
        story["expires"] = day

    def advance(self, published: float) -> list[str]:
        """Move stream time to ``published`` (if later); ids of the buckets now due.

        The caller checks each story (it may have seen an article since it was
        scheduled) and expires or re-schedules it.
        """
        clock = self.clock()
        now = max(float(clock["now"]), published)
        today = int(now // DAY)
        swept = clock.get("swept")
        if swept is not None and today <= int(swept):
            if now != clock["now"]:
                self._set_clock(now=now)
            return []
        due: list[str] = []
        days = dict(self._days())
        for day in sorted(int(d) for d in days):
            if day > today:
                continue
            for n in range(int(days.pop(str(day)))):
                due.extend(self.store.get(f"b:{day}:{n}") or ())
                self.store.delete(f"b:{day}:{n}")
        self.store.set(DAYS, days)
        self._set_clock(now=now, swept=today)
        return due

    def expired(self, story: dict[str, Any]) -> bool:
        return story["last"] + self.window.total_seconds() <= self.now()
