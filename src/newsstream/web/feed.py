"""The latest record of each story, for the live story page (``/stories``).

The worker offers every story record once the broker has acknowledged it
(``Pipeline.deliver``); ``newsstream stories --web`` offers the records it
reads from the story topic. Both serve the same page from a ``StoryFeed``.

``offer`` is O(1) and parses nothing (it runs on the worker's hot path): it
keeps the raw bytes of the latest record per story key; they are parsed when
the page asks for them, at most once per change.

Bounded: at most ``limit`` stories, the ones changed least recently leave
first. A merged story leaves the page (its survivor carries its articles);
an older version than the one held (a re-delivery) changes nothing. Records
are kept as parsed JSON, so fields added to ``StoryRecord`` later (such as
the events' ``evidence``) reach the page without a change here.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable
from typing import Any

import orjson

DEFAULT_LIMIT = 200


class StoryFeed:
    def __init__(self, limit: int = DEFAULT_LIMIT) -> None:
        if limit < 1:
            raise ValueError("limit must be at least 1")
        self.limit = limit
        self.seq = 0  # increases with every change the page should show
        self._stories: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self._pending: OrderedDict[bytes, bytes] = OrderedDict()
        self._cache: tuple[int, bytes] | None = None

    def __len__(self) -> int:
        self._apply_pending()
        return len(self._stories)

    def offer(self, key: bytes | None, value: bytes | None) -> None:
        """Keep a story record (key = story id) for the page, unparsed."""
        if key is None or value is None:
            return
        self._pending.pop(key, None)
        self._pending[key] = value
        if len(self._pending) > self.limit:  # older changes would be evicted anyway
            self._pending.popitem(last=False)
        self.seq += 1

    def offer_all(self, messages: Iterable[tuple[bytes | None, bytes | None]]) -> None:
        for key, value in messages:
            self.offer(key, value)

    def _apply_pending(self) -> None:
        pending, self._pending = self._pending, OrderedDict()
        for value in pending.values():
            self._apply(value)

    def add(self, value: bytes | None) -> bool:
        """Take one story record (JSON bytes) now; True if the page changes."""
        self._apply_pending()
        changed = self._apply(value)
        if changed:
            self.seq += 1
        return changed

    def _apply(self, value: bytes | None) -> bool:
        if value is None:
            return False
        try:
            record = orjson.loads(value)
        except orjson.JSONDecodeError:
            return False
        story_id = record.get("story_id") if isinstance(record, dict) else None
        if not isinstance(story_id, str):
            return False
        held = self._stories.get(story_id)
        version = record.get("version")
        if held is not None and isinstance(version, int) and version < held.get("version", 0):
            return False
        if record.get("status") == "merged":
            if held is None:
                return False
            del self._stories[story_id]
        else:
            self._stories[story_id] = record
            self._stories.move_to_end(story_id)
            while len(self._stories) > self.limit:
                self._stories.popitem(last=False)
        return True

    def stories(self) -> list[dict[str, Any]]:
        """Newest first: by the latest article's time, then the latest change."""
        self._apply_pending()
        order = {story_id: n for n, story_id in enumerate(self._stories)}
        return sorted(
            self._stories.values(),
            key=lambda r: (str(r.get("last_published_at", "")), order[r["story_id"]]),
            reverse=True,
        )

    def to_json(self, since: int | None = None) -> bytes:
        """``{"seq", "stories"}``; only ``{"seq"}`` when nothing changed after ``since``."""
        if since is not None and since == self.seq:
            return orjson.dumps({"seq": self.seq})
        self._apply_pending()
        if self._cache is None or self._cache[0] != self.seq:
            self._cache = (self.seq, orjson.dumps({"seq": self.seq, "stories": self.stories()}))
        return self._cache[1]
