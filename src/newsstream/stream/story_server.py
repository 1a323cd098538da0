"""``newsstream stories --web``: the live story page, fed from the story topic.

For downstream teams without a worker of their own: reads the compacted story
topic from the beginning (the latest record per story is the truth), keeps
the latest record of each story in a ``StoryFeed`` and serves the same page
as the worker, at ``http://HOST:PORT/stories``.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Callable

from aiohttp import web

from newsstream.settings import Settings
from newsstream.stream.client import follow
from newsstream.web.feed import StoryFeed
from newsstream.web.pages import SCRIPT, TEMPLATE, Asset, since_of


def _respond(asset: Asset) -> web.Response:
    return web.Response(body=asset.body, content_type=asset.content_type, headers=asset.headers())


def story_app(feed: StoryFeed) -> web.Application:
    """An aiohttp application serving the page, its script and its JSON."""

    async def page(request: web.Request) -> web.Response:
        return _respond(TEMPLATE)

    async def script(request: web.Request) -> web.Response:
        return _respond(SCRIPT)

    async def stories(request: web.Request) -> web.Response:
        return _respond(Asset.json(feed.to_json(since_of(request.query.get("since")))))

    async def root(request: web.Request) -> web.Response:
        raise web.HTTPFound("/stories")

    app = web.Application()
    app.router.add_get("/", root)
    app.router.add_get("/stories", page)
    app.router.add_get("/stories.js", script)
    app.router.add_get("/stories.json", stories)
    return app


async def feed_from_topic(settings: Settings, feed: StoryFeed) -> None:
    async for rec in follow(settings, settings.output_topic, from_beginning=True):
        feed.offer(rec.key, rec.value)


async def serve(
    settings: Settings,
    *,
    host: str,
    port: int,
    log: Callable[[str], None],
    stop: asyncio.Event | None = None,
    feed: StoryFeed | None = None,
) -> None:
    """Serve until ``stop`` is set (or SIGINT/SIGTERM when it is None)."""
    feed = feed or StoryFeed(settings.story_page_limit)
    runner = web.AppRunner(story_app(feed), access_log=None)
    await runner.setup()
    stop = stop or _stop_on_signals()
    reader = asyncio.create_task(feed_from_topic(settings, feed))
    try:
        site = web.TCPSite(runner, host, port)
        await site.start()
        log(f"story page of {settings.output_topic}: http://{host}:{port}/stories (Ctrl-C to stop)")
        waiter = asyncio.create_task(stop.wait())
        done, _ = await asyncio.wait({reader, waiter}, return_when=asyncio.FIRST_COMPLETED)
        waiter.cancel()
        if reader in done:
            reader.result()  # the topic reader failed: raise its error
    finally:
        reader.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await reader
        await runner.cleanup()


def _stop_on_signals() -> asyncio.Event:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    return stop


def serve_story_topic(
    settings: Settings, *, host: str, port: int, log: Callable[[str], None]
) -> None:
    """Blocking entry point of ``newsstream stories --web``."""
    asyncio.run(serve(settings, host=host, port=port, log=log))
