"""Extraction in helper processes, so it runs beside the worker's event loop.

Extraction is pure, CPU-bound and the most expensive stage; with
``NEWSSTREAM_EXTRACT_PROCESSES=N`` each batch is split into N chunks that N
processes extract in parallel while the worker's own process keeps doing
Kafka I/O and consolidation. A batch goes out in chunks of at most
``CHUNK`` records and the worker consolidates each chunk as soon as it is back,
while the processes extract the next ones: the two stages overlap. Results come
back in input order, so decisions do not depend on the setting. Processes are
spawned (never forked from a process with running threads) and warm their
lexicons once.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import multiprocessing
import signal
from concurrent.futures import ProcessPoolExecutor

from newsstream.stream.handlers import IngestLimits, IngestResult, ingest_many


def _init_process() -> None:  # pragma: no cover - runs in the child
    with contextlib.suppress(Exception):  # die with the worker, even after kill -9
        ctypes.CDLL("libc.so.6").prctl(1, signal.SIGTERM)
    from newsstream.core.extraction import warm_up

    warm_up()


def _ready() -> bool:  # pragma: no cover - runs in the child
    return True


CHUNK = 64  # records per task: small enough to overlap, big enough to amortise IPC


class ExtractionPool:
    def __init__(self, processes: int) -> None:
        self.processes = processes
        self._pool: ProcessPoolExecutor | None = None

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                max_workers=self.processes,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_init_process,
            )
        return self._pool

    def warm(self, timeout: float = 120.0) -> None:
        """Start every process and wait until each has loaded its lexicons, so the
        worker's first batch does not pay for it (about 1.5 s per process)."""
        pool = self._executor()
        for future in [pool.submit(_ready) for _ in range(self.processes)]:
            future.result(timeout=timeout)

    def submit(
        self, records: list[tuple[bytes | None, float | None]], limits: IngestLimits
    ) -> list[asyncio.Future[list[IngestResult]]]:
        """Start extracting ``records``; one future per chunk, in input order."""
        if not records:
            return []
        size = max(1, min(CHUNK, -(-len(records) // self.processes)))
        loop = asyncio.get_running_loop()
        pool = self._executor()
        return [
            loop.run_in_executor(pool, ingest_many, records[i : i + size], limits)
            for i in range(0, len(records), size)
        ]

    async def ingest(
        self, records: list[tuple[bytes | None, float | None]], limits: IngestLimits
    ) -> list[IngestResult]:
        """All results of ``records`` at once, in input order."""
        parts = await asyncio.gather(*self.submit(records, limits))
        return [result for part in parts for result in part]

    def shutdown(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)
