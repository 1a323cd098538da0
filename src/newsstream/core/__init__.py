"""The functional core: pure, synchronous, deterministic.

The data flows through four layers, each a subpackage that imports only the ones
before it (``tests/unit/test_core_boundary.py`` checks both rules)::

    text ──► entities ──► events ──► stories
    (sentences,  (gazetteer,   (triggers,   (evidence, matching, state,
     dates, ...)  mentions)     actors ...)  timeline, engine, ...)

Between them sit a few shared modules: ``extracted`` (what extraction produces),
``extraction`` (runs the first three layers on one article: ``extract``), ``ports`` (the state
interface the engine is given), ``validate`` and ``pipeline`` (one article through
extraction and the engine; offline ``replay``).

The public entry is small: ``extract``, ``StoryEngine`` and ``replay``. Nothing
under ``newsstream.core`` may import faust, aiokafka, asyncio or prometheus_client.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from newsstream.core.extraction import extract
    from newsstream.core.pipeline import replay
    from newsstream.core.stories.engine import StoryEngine

__all__ = ["StoryEngine", "extract", "replay"]

_HOMES = {
    "extract": "newsstream.core.extraction",
    "replay": "newsstream.core.pipeline",
    "StoryEngine": "newsstream.core.stories.engine",
}


def __getattr__(name: str) -> Any:
    """Import the public entry points on first use (importing one text module does not
    load the whole core)."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'newsstream.core' has no attribute {name!r}")
    from importlib import import_module

    return getattr(import_module(home), name)
