"""The worker's live story page: ``/stories``, ``/stories.js`` and ``/stories.json``
on the Faust web server that also serves ``/metrics``, ``/healthz`` and ``/readyz``.

``Pipeline.deliver`` adds each story record to the ``StoryFeed`` once the broker
has acknowledged it, so the page shows what downstream consumers can read.
"""

from __future__ import annotations

from typing import Any

from newsstream.web.feed import StoryFeed
from newsstream.web.pages import SCRIPT, TEMPLATE, Asset, since_of

__all__ = ["StoryFeed", "install_story_page"]


def install_story_page(app: Any, feed: StoryFeed) -> None:
    """Serve the story page, its script and its JSON from the Faust app's web server."""

    def respond(web: Any, asset: Asset) -> Any:
        return web.bytes(asset.body, content_type=asset.content_type, headers=asset.headers())

    @app.page("/stories")
    async def story_page(web: Any, request: Any) -> Any:
        return respond(web, TEMPLATE)

    @app.page("/stories.js")
    async def story_script(web: Any, request: Any) -> Any:
        return respond(web, SCRIPT)

    @app.page("/stories.json")
    async def story_json(web: Any, request: Any) -> Any:
        body = feed.to_json(since_of(request.query.get("since")))
        return respond(web, Asset.json(body))
