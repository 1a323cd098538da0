"""Summarise aiokafka's connection noise: a broker that is down makes aiokafka log
the same error for every attempt (about 40 lines a minute per client).

``RepeatSummary`` lets the first record of each message template of the
``aiokafka`` loggers through; repeats within ``window_s`` are counted, and the
next record that passes after the window says how many were left out.
Our own loggers are never filtered.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

NOISY_LOGGERS = ("aiokafka",)
MAX_TEMPLATES = 500


@dataclass(slots=True)
class _Seen:
    since: float
    left_out: int = 0


class RepeatSummary(logging.Filter):
    def __init__(
        self,
        window_s: float = 60.0,
        prefixes: tuple[str, ...] = NOISY_LOGGERS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__()
        self.window_s = window_s
        self.prefixes = prefixes
        self.clock = clock
        self.seen: dict[tuple[str, str], _Seen] = {}

    def _noisy(self, name: str) -> bool:
        return any(name == p or name.startswith(p + ".") for p in self.prefixes)

    def filter(self, record: logging.LogRecord) -> bool:
        if not self._noisy(record.name):
            return True
        key = (record.name, str(record.msg))
        now = self.clock()
        seen = self.seen.get(key)
        if seen is not None and now - seen.since < self.window_s:
            seen.left_out += 1
            return False
        if seen is not None and seen.left_out:
            record.msg = (
                f"{record.getMessage()} (and {seen.left_out} more like it in the last "
                f"{now - seen.since:.0f} s)"
            )
            record.args = None
        if len(self.seen) >= MAX_TEMPLATES:
            self.seen.clear()
        self.seen[key] = _Seen(since=now)
        return True


def summarise_noise(handler: logging.Handler, window_s: float = 60.0) -> None:
    """Attach one ``RepeatSummary`` to ``handler`` (idempotent)."""
    if not any(isinstance(f, RepeatSummary) for f in handler.filters):
        handler.addFilter(RepeatSummary(window_s))
