"""Story consolidation: decide, per article, which story it belongs to.

``StoryEngine.process(article, extraction)`` is pure given its ``StateStore``:
the same input order gives the same stories, ids and versions. Decisions:

- exact re-delivery (same id, same content) → nothing changes; the current
  record is re-emitted with the same version, so output lost in a crash
  between state write and publish is recovered (at-least-once safe);
- correction (same id, new content) → the article leaves its story and is
  placed again, never counted twice;
- near-duplicate of a member (MinHash Jaccard) → joins, ``duplicate_of`` set;
- shared salient names with an active story → joins (``matching.score``);
- strong evidence for two stories at once → they merge;
- otherwise → a new story.

State layout (keys of the store):
``a:<article id>`` → where the article lives and its content hash;
``s:<story id>`` → the story (members with their extraction);
``e:<name>`` → ids of active stories naming that entity (candidate index);
``b:<day>`` → ids of stories last touched that day (ageing buckets);
``clock`` → stream time (max published_at seen) and the last swept day.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson

from newsstream.core.extracted import Extraction
from newsstream.core.matching import MatchConfig, best_matches, near_duplicate_of
from newsstream.core.ports import StateStore
from newsstream.core.record import build_record
from newsstream.models import Article, StoryRecord

DAY_SECONDS = 86_400


@dataclass(frozen=True, slots=True)
class EngineConfig:
    window: timedelta = timedelta(days=7)
    match: MatchConfig = field(default_factory=MatchConfig)


@dataclass(slots=True)
class Outcome:
    """What one article did: the decision and the records to publish, in order."""

    decision: str
    story_id: str | None
    records: list[StoryRecord] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    merged: int = 0
    expired: int = 0


def content_hash(article: Article) -> str:
    payload = article.model_dump(mode="json", exclude_none=True)
    return hashlib.sha256(orjson.dumps(payload, option=orjson.OPT_SORT_KEYS)).hexdigest()[:32]


def story_id_for(article_id: str) -> str:
    """Stable story id: derived from the id of the article that opened it."""
    return "st-" + hashlib.sha1(article_id.encode()).hexdigest()[:16]


def _ts(moment: datetime) -> float:
    return moment.astimezone(UTC).timestamp()


def _change_time(article: Article) -> datetime:
    return article.updated_at or article.published_at


class StoryEngine:
    """Online story consolidation over a ``StateStore``."""

    def __init__(self, store: StateStore, config: EngineConfig | None = None) -> None:
        self.store = store
        self.config = config or EngineConfig()

    # ------------------------------------------------------------------ public
    def process(self, article: Article, extraction: Extraction) -> Outcome:
        expired = self._advance_clock(article.published_at)
        digest = content_hash(article)
        marker = self.store.get(f"a:{article.id}")
        if marker is not None:
            outcome = self._seen_before(article, extraction, digest, marker)
        else:
            outcome = self._place(article, extraction, digest)
        outcome.expired = expired
        return outcome

    def active_story_count(self) -> int:
        clock = self.store.get("clock") or {}
        return int(clock.get("active", 0))

    # --------------------------------------------------------------- decisions
    def _seen_before(
        self, article: Article, extraction: Extraction, digest: str, marker: dict[str, Any]
    ) -> Outcome:
        story = self.store.get(f"s:{marker['story']}")
        stale = marker.get("changed", 0.0) > _ts(_change_time(article))
        if story is None:
            # The story aged out: the article is news again only if its content changed.
            self.store.delete(f"a:{article.id}")
            if marker["hash"] == digest:
                return Outcome("expired", None)
            return self._place(article, extraction, digest)
        if marker["hash"] == digest or stale:
            record = build_record(story)
            return Outcome("redelivery", story["id"], [record])
        # Correction: take the old version out, then place the new one.
        self._remove_member(story, article.id)
        removed_record: list[StoryRecord] = []
        alone = not story["members"]
        outcome = self._place(article, extraction, digest, fallback=story if alone else None)
        if story["members"] and story["id"] != outcome.story_id:
            removed_record.append(self._bump(story, _change_time(article)))
        elif not story["members"] and story["id"] != outcome.story_id:
            story["status"] = "merged"
            story["merged_into"] = outcome.story_id
            removed_record.append(self._bump(story, _change_time(article), keep_status=True))
            self._forget_story(story)
        outcome.decision = "correction"
        outcome.records = removed_record + outcome.records
        return outcome

    def _place(
        self,
        article: Article,
        extraction: Extraction,
        digest: str,
        fallback: dict[str, Any] | None = None,
    ) -> Outcome:
        """Near-duplicate, else best match, else ``fallback`` (a corrected article's own
        story when it was alone there), else a new story."""
        candidates = self._candidates(extraction)
        member = _member(article, extraction, digest)
        duplicate = near_duplicate_of(extraction, candidates, self.config.match)
        if duplicate is not None:
            story, member["duplicate_of"] = duplicate
            return self._join(story, member, article, "near_duplicate")
        matches = best_matches(extraction, candidates, self.config.match)
        if not matches:
            if fallback is not None:
                return self._join(fallback, member, article, "joined")
            return self._create(member, article)
        target = matches[0]
        outcome = self._join(target, member, article, "joined")
        for other in matches[1:]:
            outcome.records.extend(self._merge(other, target, _change_time(article)))
            outcome.merged += 1
        if outcome.merged:
            outcome.records.append(self._bump(target, _change_time(article)))
            outcome.decision = "merged"
        return outcome

    def _create(self, member: dict[str, Any], article: Article) -> Outcome:
        sid = story_id_for(article.id)
        existing = self.store.get(f"s:{sid}")
        if existing is not None:  # an id reused after ageing: keep ids unique
            sid = story_id_for(f"{article.id}@{_ts(_change_time(article))}")
        story: dict[str, Any] = {
            "id": sid,
            "version": 0,
            "status": "new",
            "merged_into": None,
            "merged_from": [],
            "members": {},
            "bucket": None,
            "names": [],
        }
        self._add_member(story, member)
        record = self._bump(story, _change_time(article), keep_status=True)
        self._bump_active(+1)
        return Outcome("created", sid, [record], created=1)

    def _join(
        self, story: dict[str, Any], member: dict[str, Any], article: Article, decision: str
    ) -> Outcome:
        self._add_member(story, member)
        record = self._bump(story, _change_time(article))
        return Outcome(decision, story["id"], [record], updated=1)

    def _merge(
        self, loser: dict[str, Any], survivor: dict[str, Any], when: datetime
    ) -> list[StoryRecord]:
        for member in loser["members"].values():
            self._add_member(survivor, member, reindex=False)
        survivor["merged_from"] = sorted({*survivor["merged_from"], loser["id"]})
        self._index(survivor)
        loser["status"] = "merged"
        loser["merged_into"] = survivor["id"]
        record = self._bump(loser, when, keep_status=True)
        self._forget_story(loser)
        return [record]

    # ----------------------------------------------------------------- helpers
    def _candidates(self, extraction: Extraction) -> list[dict[str, Any]]:
        ids: dict[str, None] = {}
        for name in _index_names(extraction):
            for sid in self.store.get(f"e:{name}") or ():
                ids.setdefault(sid, None)
        stories = []
        for sid in ids:
            story = self.store.get(f"s:{sid}")
            if story is not None and story["status"] != "merged" and story["members"]:
                stories.append(story)
        return stories

    def _add_member(
        self, story: dict[str, Any], member: dict[str, Any], *, reindex: bool = True
    ) -> None:
        story["members"][member["id"]] = member
        self.store.set(
            f"a:{member['id']}",
            {"story": story["id"], "hash": member["hash"], "changed": member["changed"]},
        )
        if reindex:
            self._index(story)

    def _remove_member(self, story: dict[str, Any], article_id: str) -> None:
        story["members"].pop(article_id, None)
        for member in story["members"].values():
            if member.get("duplicate_of") == article_id:
                member["duplicate_of"] = None
        self.store.delete(f"a:{article_id}")
        self._index(story)

    def _index(self, story: dict[str, Any]) -> None:
        """Point the entity index and the ageing bucket at the story's current state."""
        names = sorted({n for m in story["members"].values() for n in m["keys"]})
        for gone in set(story["names"]) - set(names):
            self._index_remove(f"e:{gone}", story["id"])
        for new in set(names) - set(story["names"]):
            ids = self.store.get(f"e:{new}") or []
            if story["id"] not in ids:
                self.store.set(f"e:{new}", [*ids, story["id"]])
        story["names"] = names
        last = max((m["published"] for m in story["members"].values()), default=0.0)
        bucket = int(last // DAY_SECONDS)
        if bucket != story["bucket"]:
            if story["bucket"] is not None:
                self._index_remove(f"b:{story['bucket']}", story["id"])
            ids = self.store.get(f"b:{bucket}") or []
            self.store.set(f"b:{bucket}", [*ids, story["id"]])
            story["bucket"] = bucket
        self.store.set(f"s:{story['id']}", story)

    def _index_remove(self, key: str, story_id: str) -> None:
        ids = [i for i in (self.store.get(key) or ()) if i != story_id]
        if ids:
            self.store.set(key, ids)
        else:
            self.store.delete(key)

    def _forget_story(self, story: dict[str, Any]) -> None:
        """Drop a merged or expired story from every index; its record stays downstream."""
        for name in story["names"]:
            self._index_remove(f"e:{name}", story["id"])
        if story["bucket"] is not None:
            self._index_remove(f"b:{story['bucket']}", story["id"])
        self.store.delete(f"s:{story['id']}")
        self._bump_active(-1)

    def _bump(
        self, story: dict[str, Any], when: datetime, *, keep_status: bool = False
    ) -> StoryRecord:
        story["version"] += 1
        if not keep_status:
            story["status"] = "updated" if story["version"] > 1 else "new"
        story["updated_at"] = when.isoformat()
        if story["status"] != "merged":
            self.store.set(f"s:{story['id']}", story)
        return build_record(story)

    def _bump_active(self, delta: int) -> None:
        clock = dict(self.store.get("clock") or {})
        clock["active"] = int(clock.get("active", 0)) + delta
        self.store.set("clock", clock)

    def _advance_clock(self, published_at: datetime) -> int:
        """Move stream time forward and age out stories older than the window."""
        clock = dict(self.store.get("clock") or {"now": 0.0, "swept": None, "active": 0})
        now = max(float(clock.get("now", 0.0)), _ts(published_at))
        clock["now"] = now
        horizon = int((now - self.config.window.total_seconds()) // DAY_SECONDS)
        swept = clock.get("swept")
        expired = 0
        if swept is None:
            clock["swept"] = horizon
            self.store.set("clock", clock)
            return 0
        self.store.set("clock", clock)
        for day in range(int(swept), horizon):
            for sid in list(self.store.get(f"b:{day}") or ()):
                story = self.store.get(f"s:{sid}")
                if story is not None:
                    for article_id in story["members"]:
                        self.store.delete(f"a:{article_id}")
                    self._forget_story(story)
                    expired += 1
            self.store.delete(f"b:{day}")
        if horizon > int(swept):
            clock = dict(self.store.get("clock") or clock)
            clock["swept"] = horizon
            self.store.set("clock", clock)
        return expired


def _index_names(extraction: Extraction, limit: int = 6) -> list[str]:
    names = [e.name.casefold() for e in extraction.entities if e.type in ("PERSON", "ORG")]
    return names[:limit]


def _member(article: Article, extraction: Extraction, digest: str) -> dict[str, Any]:
    return {
        "id": article.id,
        "url": article.url,
        "source": article.source,
        "title": article.title,
        "published_at": article.published_at.isoformat(),
        "published": _ts(article.published_at),
        "changed": _ts(_change_time(article)),
        "hash": digest,
        "duplicate_of": None,
        "keys": _index_names(extraction),
        "extraction": extraction.to_dict(),
    }
