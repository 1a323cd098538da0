"""The worker's consumer gets NEWSSTREAM_FETCH_MAX_WAIT_MS, not Faust's 1500 ms."""

from __future__ import annotations

import asyncio

from newsstream.settings import Settings
from newsstream.stream.app import create_app


def test_worker_consumer_uses_the_configured_fetch_wait() -> None:
    async def build() -> int:
        pipeline = create_app(Settings(fetch_max_wait_ms=42))
        app = pipeline.app
        thread = app.consumer._thread
        consumer = thread._create_worker_consumer(app.transport)
        try:
            return consumer._fetch_max_wait_ms
        finally:
            await consumer.stop()

    assert asyncio.run(build()) == 42
