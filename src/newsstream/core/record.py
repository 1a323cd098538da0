"""Build the public ``StoryRecord`` from a story's state.

Deterministic: the same state gives the same record, so a re-delivered article
re-emits exactly the record (and version) that was emitted before. Members are
listed in publication order; entities and the timeline come from their
aggregated tables (``core.entity_table``, ``core.timeline``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from newsstream.core.entity_table import entity_refs
from newsstream.core.timeline import story_events
from newsstream.models import ArticleRef, StoryRecord


def members_in_order(story: dict[str, Any]) -> list[dict[str, Any]]:
    return sorted(story["members"], key=lambda m: (m["published"], m["id"]))


def _moment(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, tz=UTC)


def build_record(story: dict[str, Any]) -> StoryRecord:
    members = members_in_order(story)
    updated_at = datetime.fromisoformat(story["updated_at"])
    lead = story.get("lead") or {}
    return StoryRecord(
        story_id=story["id"],
        version=story["version"],
        status=story["status"],
        merged_into=story.get("merged_into"),
        merged_from=list(story.get("merged_from", [])),
        headline=lead.get("title", ""),
        summary=lead.get("summary", "") or lead.get("title", ""),
        languages=sorted({m["lang"] for m in members}),
        first_published_at=_moment(members[0]["published"]) if members else updated_at,
        last_published_at=_moment(members[-1]["published"]) if members else updated_at,
        updated_at=updated_at,
        entities=entity_refs(story["entities"]),
        events=story_events(story["events"]),
        articles=[
            ArticleRef(
                id=m["id"],
                url=m.get("url"),
                source=m["source"],
                language=m["lang"],
                title=m["title"],
                published_at=datetime.fromisoformat(m["published_at"]),
                duplicate_of=m.get("dup"),
            )
            for m in members
        ],
        sources=sorted({m["source"] for m in members if m["source"]}),
        article_count=len(members),
        duplicate_count=sum(1 for m in members if m.get("dup")),
    )
