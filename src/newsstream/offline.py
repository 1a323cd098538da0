"""Offline helpers: read article JSONL, run the core, no broker."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from newsstream.core.pipeline import replay
from newsstream.core.stories.engine import EngineConfig
from newsstream.core.validate import parse_article
from newsstream.errors import ArticleRejected
from newsstream.models import Article, StoryRecord
from newsstream.progress import Tracker, tracked

MAX_LINE_BYTES = 10_000_000


def load_articles(path: Path) -> tuple[list[Article], list[tuple[int, str]]]:
    """Articles of a JSONL file in order, and (line number, reason) of rejected lines."""
    articles: list[Article] = []
    rejected: list[tuple[int, str]] = []
    with path.open("rb") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                articles.append(parse_article(line.strip(), max_bytes=MAX_LINE_BYTES))
            except ArticleRejected as exc:
                rejected.append((number, f"{exc.reason}: {exc.message}"))
    return articles, rejected


def replay_file(
    articles: list[Article],
    tracker: Tracker | None = None,
    config: EngineConfig | None = None,
    explanations: list[dict[str, Any]] | None = None,
) -> dict[str, StoryRecord]:
    """Final records of the stories; with ``explanations`` (and ``config.explain``), the
    reason for each article's placement is appended to that list, in order."""
    if tracker is not None:
        tracker.start(len(articles))
    final, outcomes = replay(tracked(articles, tracker), config)
    if explanations is not None:
        explanations.extend(o.explanation for o in outcomes if o.explanation is not None)
    return final
