"""Progress of long commands (``replay``, ``produce``, ``evaluate``, ``dlq replay``, ``bench``).

On a terminal: a rich progress bar on stderr with count, rate and ETA. When
stdout or stderr is not a terminal (a pipe, a file, CI): one plain line at
most every ``LINE_EVERY_S`` seconds and one at the end. ``--quiet``: nothing.

Library functions take an optional ``Tracker`` (``start(total)``,
``advance(n)``) and never know which of the three they are talking to.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Protocol, TypeVar

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text

T = TypeVar("T")
LINE_EVERY_S = 5.0


class Tracker(Protocol):
    def start(self, total: int | None) -> None: ...

    def advance(self, n: int = 1) -> None: ...


class Silent:
    """``--quiet``: counts, shows nothing."""

    def __init__(self) -> None:
        self.done = 0
        self.total: int | None = None

    def start(self, total: int | None) -> None:
        self.total = total

    def advance(self, n: int = 1) -> None:
        self.done += n


class Lines(Silent):
    """Not a terminal: ``<what>: 1200/5000 articles, 830/s`` every few seconds and at the end."""

    def __init__(
        self,
        what: str,
        unit: str,
        write: Callable[[str], None],
        every_s: float = LINE_EVERY_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__()
        self.what, self.unit, self.write = what, unit, write
        self.every_s, self.clock = every_s, clock
        self.started = self.last = clock()

    def start(self, total: int | None) -> None:
        super().start(total)
        self.started = self.last = self.clock()

    def advance(self, n: int = 1) -> None:
        super().advance(n)
        now = self.clock()
        if now - self.last >= self.every_s:
            self.last = now
            self.write(self.line(now))

    def line(self, now: float) -> str:
        of = f"/{self.total}" if self.total is not None else ""
        rate = self.done / (now - self.started) if now > self.started else 0.0
        return f"{self.what}: {self.done}{of} {self.unit}, {rate:,.0f}/s"

    def finish(self) -> None:
        self.write(self.line(self.clock()) + " (done)")


class RateColumn(ProgressColumn):
    """Items per second, from rich's speed estimate."""

    def __init__(self, unit: str) -> None:
        super().__init__()
        self.unit = unit

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text("-" if speed is None else f"{speed:,.0f} {self.unit}/s", style="cyan")


class Bar(Silent):
    """A terminal: one rich task."""

    def __init__(self, progress: Progress, what: str) -> None:
        super().__init__()
        self.progress = progress
        self.task = progress.add_task(what, total=None)

    def start(self, total: int | None) -> None:
        super().start(total)
        self.progress.reset(self.task, total=total)

    def advance(self, n: int = 1) -> None:
        super().advance(n)
        self.progress.advance(self.task, n)


def interactive() -> bool:
    """A person watches: stdout and stderr are terminals."""
    return sys.stdout.isatty() and sys.stderr.isatty()


@contextmanager
def tracking(
    what: str,
    unit: str,
    *,
    quiet: bool = False,
    console: Console | None = None,
    terminal: bool | None = None,
) -> Iterator[Tracker]:
    """The tracker for one long step; shows a bar, lines or nothing (module docstring)."""
    err = console or Console(stderr=True)
    if quiet:
        yield Silent()
        return
    if not (interactive() if terminal is None else terminal):
        lines = Lines(what, unit, lambda text: err.print(text, highlight=False, markup=False))
        yield lines
        lines.finish()
        return
    columns = (
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        RateColumn(unit),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=err, transient=False) as progress:
        yield Bar(progress, what)


def tracked(items: Iterable[T], tracker: Tracker | None) -> Iterator[T]:
    """``items``, advancing ``tracker`` by one after each is consumed."""
    for item in items:
        yield item
        if tracker is not None:
            tracker.advance()
