"""The baseline of ``newsstream bench``: a raw Faust passthrough worker.

Same Faust settings as the pipeline (poll size, batching with ``take_events``,
``send_soon``, linger, acks), the same delivery discipline (a batch's sends are
awaited before the next batch, which is when Faust acknowledges it) and the same
payloads; it only parses each JSON record and writes it out again: no
validation, extraction or consolidation.
Run as ``python -m newsstream.benchmarks.passthrough`` with NEWSSTREAM_* set.
"""

from __future__ import annotations

import asyncio
from typing import Any

import faust
import orjson

from newsstream.logs import configure_logging
from newsstream.settings import Settings
from newsstream.stream.admin import ensure_topics
from newsstream.stream.app import faust_config
from newsstream.stream.faust_compat import held, prepare


def create_passthrough_app(settings: Settings) -> faust.App:
    app = faust.App(f"{settings.app_id}-passthrough", **faust_config(settings))
    prepare(app, fetch_max_wait_ms=settings.fetch_max_wait_ms)  # the pipeline's consumer
    raw = {"key_serializer": "raw", "value_serializer": "raw"}
    source = app.topic(settings.input_topic, **raw)
    sink = app.topic(settings.output_topic, **raw)

    @app.page("/readyz")
    async def readyz(web: Any, request: Any) -> Any:
        ready = not app.rebalancing and app.consumer.assignment() != set()
        return web.json({"ready": ready}, status=200 if ready else 503)

    @app.agent(source, name="passthrough")
    async def passthrough(stream: Any) -> None:
        async for events in stream.take_events(settings.batch_size, settings.batch_timeout_s):
            with held(events):  # the same acknowledgement discipline as the pipeline
                sends = [
                    sink.send_soon(
                        key=e.message.key, value=orjson.dumps(orjson.loads(e.message.value))
                    )
                    for e in events
                ]
                await asyncio.gather(*sends)

    return app


def main() -> None:
    settings = Settings()
    configure_logging(settings.log_level, json_logs=settings.log_json)
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    loop.run_until_complete(ensure_topics(settings))
    app = create_passthrough_app(settings)
    worker = faust.Worker(
        app, loop=loop, quiet=True, redirect_stdouts=False, override_logging=False
    )
    worker.execute_from_commandline()


if __name__ == "__main__":
    main()
