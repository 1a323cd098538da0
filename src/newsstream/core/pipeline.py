"""One code path for an article: extract, then consolidate.

Used by the stream worker and by offline ``replay``, so the quality measured
offline is the quality served online.
"""

from __future__ import annotations

from collections.abc import Iterable

from newsstream.core.extraction import extract
from newsstream.core.ports import DictStore
from newsstream.core.stories.engine import EngineConfig, Outcome, StoryEngine
from newsstream.models import Article, StoryRecord


def process_article(engine: StoryEngine, article: Article) -> Outcome:
    return engine.process(article, extract(article))


def replay(
    articles: Iterable[Article], config: EngineConfig | None = None
) -> tuple[dict[str, StoryRecord], list[Outcome]]:
    """Run articles through a fresh engine; the final record of every story."""
    engine = StoryEngine(DictStore(), config)
    final: dict[str, StoryRecord] = {}
    outcomes: list[Outcome] = []
    for article in articles:
        outcome = process_article(engine, article)
        outcomes.append(outcome)
        for record in outcome.records:
            final[record.story_id] = record
    return final, outcomes


def final_story_order(
    records: Iterable[StoryRecord], *, include_merged: bool = False
) -> list[StoryRecord]:
    """Final records, biggest live stories first; merged ones last (or left out)."""
    chosen = [r for r in records if include_merged or r.status != "merged"]
    return sorted(
        chosen,
        key=lambda r: (r.status == "merged", -r.article_count, r.first_published_at, r.story_id),
    )
