"""Keep a batch unacknowledged until it is done.

Faust's ``Stream.take_events`` acknowledges the events of a batch in a ``finally``
block when the agent asks for the next batch, and also when the agent's loop is
left by an exception or by cancellation: a worker stopped with SIGTERM in the
middle of a batch (its agent is cancelled while it waits for extraction or for
the broker) acknowledged events it never delivered, the consumer committed their
offsets on its way out, and the articles were lost (a rebalance test lost 12 of
2,760 articles this way). ``held`` takes one more reference on each event's
message for the time of the batch and gives it back only when the batch's body
finished without an exception, so ``take_events``' acknowledgement of an
unfinished batch does not reach zero and its offsets are not committed: the
batch is delivered again to whichever worker reads the partition next.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

log = logging.getLogger(__name__)

EXIT_BATCH_FAILED = 70  # EX_SOFTWARE: restart the worker; the batch was not acknowledged


@contextmanager
def held(events: Sequence[Any]) -> Iterator[Sequence[Any]]:
    """Hold ``events`` unacknowledged while the block runs; release them only if it
    completes. No ``try``/``finally`` on purpose: an exception or a cancellation
    leaves the references taken, so those offsets are never committed."""
    messages = [event.message for event in events]
    for message in messages:
        message.incref()
    yield events
    for message in messages:
        message.decref()


@contextmanager
def exit_on_batch_error(agent: str) -> Iterator[None]:
    """A batch that fails as a whole (not one article: those go to the DLQ) ends the
    worker. Its events are still held, so they are delivered again after the
    restart; letting Faust restart only the agent would skip them until the next
    rebalance, which would then wait for them forever. Cancellation (a stopping
    worker) passes through."""
    try:
        yield
    except Exception as err:
        log.critical(
            "the %s agent failed on a batch (%s: %s); exiting without acknowledging it",
            agent,
            type(err).__name__,
            err,
            exc_info=True,
        )
        logging.shutdown()
        os._exit(EXIT_BATCH_FAILED)
