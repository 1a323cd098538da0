"""Run one worker: create topics, then start the Faust app in the foreground.

The worker entry owns the process exit: a batch that failed as a whole or a send
the broker refused (``WorkerMustStop``, raised by ``stream/batches.py`` with the
batch still unacknowledged) ends the process at once with the code of
``EXIT_CODES``, so the batch is delivered again after the restart. Letting Faust
restart only the agent would skip it until the next rebalance, which would then
wait for it forever.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import os
from typing import NoReturn

import faust

from newsstream.core.extraction import warm_up
from newsstream.errors import BatchFailed, SendFailed, WorkerMustStop
from newsstream.logs import configure_logging
from newsstream.settings import Settings
from newsstream.stream import faust_compat
from newsstream.stream.admin import ensure_topics
from newsstream.stream.app import create_app

log = logging.getLogger(__name__)

EXIT_CODES: dict[type[WorkerMustStop], int] = {
    SendFailed: 75,  # EX_TEMPFAIL: restart the worker; nothing was acknowledged
    BatchFailed: 70,  # EX_SOFTWARE: restart the worker; the batch was not acknowledged
}


def exit_code(err: WorkerMustStop) -> int:
    """The process exit code for ``err`` (its closest class in ``EXIT_CODES``)."""
    for cls in type(err).__mro__:
        if cls in EXIT_CODES:
            return EXIT_CODES[cls]
    return EXIT_CODES[BatchFailed]


def exit_on(err: WorkerMustStop) -> NoReturn:
    """End the worker without acknowledging the batch: no cleanup that could commit
    offsets or flush the producer on the way out."""
    code = exit_code(err)
    log.critical("%s; exiting with code %d without acknowledging the batch", err, code,
                 exc_info=err.__cause__ or err)  # fmt: skip
    logging.shutdown()
    os._exit(code)


def run_worker(settings: Settings) -> None:
    """Blocks until the worker is stopped (SIGINT/SIGTERM)."""
    faust_compat.check_versions()  # before anything else: a clear error, not a silent patch
    # Our logging, not mode's: mode leaves the root logger at DEBUG, which makes
    # every aiokafka/faust debug call build a LogRecord (8% of a busy worker's CPU).
    configure_logging(settings.log_level, json_logs=settings.log_json)
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    loop.run_until_complete(ensure_topics(settings))
    if not settings.extract_processes:
        warm_up()  # lexicons now, not in the first batch
    gc.freeze()  # the lexicons are permanent: keep them out of every GC pass
    pipeline = create_app(settings, stop=exit_on)
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
