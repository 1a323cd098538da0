"""``held`` keeps an unfinished batch from being acknowledged by ``take_events``.

Uses Faust's own ``Message`` reference counting: ``take_events`` acknowledges every
event of a batch (one ``Message.ack`` each) when the agent moves on, leaves its loop
with an exception, or is cancelled.
"""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

import pytest
from faust.types.tuples import Message

from newsstream.stream.batch_hold import held


def batch(n: int) -> list[SimpleNamespace]:
    events = []
    for offset in range(n):
        message = Message("articles", 0, offset, 0.0, 0, None, b"k", b"v", None)
        message.incref()  # the stream's own reference, taken when it is delivered
        events.append(SimpleNamespace(message=message))
    return events


def take_events_ack(events: list[SimpleNamespace]) -> list[bool]:
    """What ``take_events``' ``finally`` does: ack each event once."""
    return [e.message.ack(consumer=None) for e in events]


def test_a_finished_batch_is_acknowledged() -> None:
    events = batch(3)
    with held(events):
        assert not any(e.message.acked for e in events)
    assert take_events_ack(events) == [True, True, True]
    assert all(e.message.acked for e in events)


def test_a_batch_that_raised_is_not_acknowledged() -> None:
    events = batch(3)
    with pytest.raises(RuntimeError), held(events):
        raise RuntimeError("the extraction pool broke")
    assert take_events_ack(events) == [False, False, False]
    assert not any(e.message.acked for e in events)


def test_a_cancelled_batch_is_not_acknowledged() -> None:
    """SIGTERM cancels the agent while it waits for the broker: the rebalance loss."""
    events = batch(2)

    async def agent_body() -> None:
        with held(events):
            await asyncio.sleep(10)  # waiting for sends

    async def main() -> None:
        task = asyncio.create_task(agent_body())
        await asyncio.sleep(0.01)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(main())
    assert take_events_ack(events) == [False, False]
