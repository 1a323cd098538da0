"""Build the public ``StoryRecord`` from a story's internal state.

Deterministic: the same state gives the same record. Entities are summed over
members and ranked by salience; events with the same type, actors and
organisation are one timeline entry listing every reporting article.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime
from typing import Any

from newsstream.models import ArticleRef, EntityRef, StoryEvent, StoryRecord

MAX_ENTITIES = 25


def _members_in_order(story: dict[str, Any]) -> list[dict[str, Any]]:
    return sorted(story["members"].values(), key=lambda m: (m["published"], m["id"]))


def _entities(members: list[dict[str, Any]]) -> list[EntityRef]:
    salience: Counter[str] = Counter()
    mentions: Counter[str] = Counter()
    kinds: dict[str, Counter[str]] = defaultdict(Counter)
    display: dict[str, str] = {}
    aliases: dict[str, set[str]] = defaultdict(set)
    articles: dict[str, list[str]] = defaultdict(list)
    for member in members:
        for entity in member["extraction"]["entities"]:
            key = entity["name"].casefold()
            display.setdefault(key, entity["name"])
            salience[key] += float(entity.get("salience", 0.0))
            mentions[key] += int(entity.get("mentions", 1))
            kinds[key][entity["type"]] += 1
            aliases[key].update(entity.get("aliases", ()))
            if member["id"] not in articles[key]:
                articles[key].append(member["id"])
    ranked = sorted(salience, key=lambda k: (-salience[k], display[k]))[:MAX_ENTITIES]
    return [
        EntityRef(
            name=display[k],
            type=kinds[k].most_common(1)[0][0],  # type: ignore[arg-type]
            aliases=sorted(aliases[k] - {display[k]}),
            mentions=mentions[k],
            articles=articles[k],
            salience=round(salience[k], 4),
        )
        for k in ranked
    ]


def _events(members: list[dict[str, Any]]) -> list[StoryEvent]:
    merged: dict[tuple[str, tuple[str, ...], str], dict[str, Any]] = {}
    for member in members:
        reported = datetime.fromisoformat(member["published_at"])
        for event in member["extraction"]["events"]:
            actors = tuple(sorted(event.get("actors", ())))
            key = (event["type"], actors, (event.get("organization") or "").casefold())
            occurred = (
                datetime.fromisoformat(event["occurred_at"])
                if event.get("occurred_at")
                else reported
            )
            entry = merged.get(key)
            if entry is None:
                merged[key] = {
                    "type": event["type"],
                    "actors": list(actors),
                    "organization": event.get("organization"),
                    "role": event.get("role"),
                    "occurred_at": occurred,
                    "first_reported_at": reported,
                    "article_ids": [member["id"]],
                    "summary": event.get("sentence", "")[:300],
                    "confidence": float(event.get("confidence", 0.5)),
                }
                continue
            entry["occurred_at"] = min(entry["occurred_at"], occurred)
            entry["first_reported_at"] = min(entry["first_reported_at"], reported)
            entry["role"] = entry["role"] or event.get("role")
            entry["confidence"] = max(entry["confidence"], float(event.get("confidence", 0.5)))
            if member["id"] not in entry["article_ids"]:
                entry["article_ids"].append(member["id"])
    timeline = sorted(merged.values(), key=lambda e: (e["occurred_at"], e["type"], e["actors"]))
    return [StoryEvent(**entry) for entry in timeline]


def _representative(members: list[dict[str, Any]]) -> dict[str, Any]:
    originals = [m for m in members if not m.get("duplicate_of")] or members
    return originals[0]


def build_record(story: dict[str, Any]) -> StoryRecord:
    members = _members_in_order(story)
    lead = _representative(members) if members else None
    languages = sorted({m["extraction"]["language"] for m in members})
    sources = sorted({m["source"] for m in members if m["source"]})
    published = [datetime.fromisoformat(m["published_at"]) for m in members]
    updated_at = datetime.fromisoformat(story["updated_at"])
    return StoryRecord(
        story_id=story["id"],
        version=story["version"],
        status=story["status"],
        merged_into=story.get("merged_into"),
        merged_from=list(story.get("merged_from", [])),
        headline=lead["title"] if lead else "",
        summary=(lead["extraction"].get("lead") or lead["title"]) if lead else "",
        languages=languages,
        first_published_at=min(published, default=updated_at),
        last_published_at=max(published, default=updated_at),
        updated_at=updated_at,
        entities=_entities(members),
        events=_events(members),
        articles=[
            ArticleRef(
                id=m["id"],
                url=m.get("url"),
                source=m["source"],
                language=m["extraction"]["language"],
                title=m["title"],
                published_at=datetime.fromisoformat(m["published_at"]),
                duplicate_of=m.get("duplicate_of"),
            )
            for m in members
        ],
        sources=sources,
        article_count=len(members),
        duplicate_count=sum(1 for m in members if m.get("duplicate_of")),
    )
