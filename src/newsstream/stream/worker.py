"""Run one worker: create topics, then start the Faust app in the foreground."""

from __future__ import annotations

import asyncio
import gc
import logging

import faust

from newsstream.core.extraction import warm_up
from newsstream.logs import configure_logging
from newsstream.settings import Settings
from newsstream.stream.admin import ensure_topics
from newsstream.stream.app import create_app

log = logging.getLogger(__name__)


def run_worker(settings: Settings) -> None:
    """Blocks until the worker is stopped (SIGINT/SIGTERM)."""
    # Our logging, not mode's: mode leaves the root logger at DEBUG, which makes
    # every aiokafka/faust debug call build a LogRecord (8% of a busy worker's CPU).
    configure_logging(settings.log_level, json_logs=settings.log_json)
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    loop.run_until_complete(ensure_topics(settings))
    if not settings.extract_processes:
        warm_up()  # lexicons now, not in the first batch
    gc.freeze()  # the lexicons are permanent: keep them out of every GC pass
    pipeline = create_app(settings)
    if pipeline.pool is not None:
        pipeline.pool.warm()  # the processes' lexicons now, before the worker is ready
    worker = faust.Worker(
        pipeline.app,
        loglevel=settings.log_level.upper(),
        loop=loop,
        quiet=True,
        redirect_stdouts=False,
        override_logging=False,
    )
    worker.execute_from_commandline()
