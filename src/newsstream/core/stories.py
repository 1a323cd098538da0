"""Story consolidation: decide, per article, which story it belongs to.

``StoryEngine.process(article, extraction)`` is pure given its ``StateStore``:
the same input order gives the same stories, ids and versions, whether the
stream runs in one go, in batches, or restarts from a recovered copy of the
store (nothing that decides is kept outside the store). Decisions:

- ``redelivery``: same id, same content (or an older ``updated_at``: a stale
  copy) → nothing changes; the story's *current* record is re-emitted with
  its current version, so output lost in a crash between state write and
  publish is recovered (at-least-once safe);
- ``correction``: same id, new content → the old version's contribution is
  taken out of its story and the article is placed again (it may move; the
  story it left is re-emitted, or retired as merged if it is now empty);
- ``near_duplicate``: a wire copy of a recent member → joins, ``duplicate_of``;
- ``joined``: enough shared evidence with an active story → joins the best one;
- ``merged``: the article joins one story and also fits another that then
  largely overlaps it, and the two stories' first articles already shared a
  name (roundups naming two unrelated stories do not merge them) → they
  merge into the biggest (then oldest); each absorbed story is emitted once
  more with ``status=merged`` and ``merged_into``;
- ``created``: otherwise a new story.

Cost per article does not grow with the number of active stories: candidates
come from bounded inverted indexes (``core.candidates``), each candidate is
scored against its compact profile (``core.profile``), and stories that went
quiet for ``window`` leave the store (``core.ageing``).

Store keys: ``s:<story>`` story state (``core.story_state``); ``a:<article>``
marker (story, content hash, change time, what the article contributed);
``k:…``/``h:…`` candidate index; ``b:<day>:<n>`` ageing buckets; ``clock``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson

from newsstream.core import story_state
from newsstream.core.ageing import Ageing
from newsstream.core.candidates import MIN_INDEX_WEIGHT, CandidateIndex
from newsstream.core.duplicates import band_keys, compact, is_near_duplicate, jaccard
from newsstream.core.evidence import Evidence, gather, word_count
from newsstream.core.extracted import Extraction
from newsstream.core.matching import MatchConfig, bridged, ranked, score
from newsstream.core.ports import StateStore
from newsstream.core.record import build_record
from newsstream.core.story_state import Story
from newsstream.models import Article, StoryRecord

CONTENT_FIELDS = frozenset(
    {"id", "title", "body", "published_at", "source", "url", "language", "updated_at",
     "authors", "section"}
)  # fmt: skip
MAX_SUMMARY = 300


@dataclass(frozen=True, slots=True)
class EngineConfig:
    window: timedelta = timedelta(days=30)
    match: MatchConfig = field(default_factory=MatchConfig)
    pinned_signatures: int = 3  # originals per story whose LSH bands are indexed


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
    """Hash of the article's own fields (extra fields, e.g. evaluation labels, are ignored)."""
    payload = article.model_dump(mode="json", include=set(CONTENT_FIELDS))
    return hashlib.sha256(orjson.dumps(payload, option=orjson.OPT_SORT_KEYS)).hexdigest()[:32]


def story_id_for(seed: str) -> str:
    """Stable story id: derived from the id of the article that opened it."""
    return "st-" + hashlib.sha1(seed.encode()).hexdigest()[:16]


def _change_time(article: Article) -> datetime:
    return article.updated_at or article.published_at


def _ts(moment: datetime) -> float:
    return moment.astimezone(UTC).timestamp()


@dataclass(frozen=True, slots=True)
class Incoming:
    """An article with everything the engine derives from it, computed once."""

    article: Article
    extraction: Extraction
    evidence: Evidence
    digest: str
    signature: str
    size: int
    bands: list[str]

    @classmethod
    def of(cls, article: Article, extraction: Extraction) -> Incoming:
        signature = compact(extraction.fingerprint.minhash)
        return cls(
            article=article,
            extraction=extraction,
            evidence=gather(article, extraction),
            digest=content_hash(article),
            signature=signature,
            size=max(1, word_count(article) - 2),
            bands=band_keys(signature),
        )

    @property
    def changed(self) -> float:
        return _ts(_change_time(self.article))


class StoryEngine:
    """Online story consolidation over a ``StateStore``."""

    def __init__(self, store: StateStore, config: EngineConfig | None = None) -> None:
        self.store = store
        self.config = config or EngineConfig()
        self.index = CandidateIndex(store)
        self.ageing = Ageing(store, self.config.window)

    # ------------------------------------------------------------------ public
    def process(self, article: Article, extraction: Extraction) -> Outcome:
        expired = self._age(story_state.epoch(article))
        incoming = Incoming.of(article, extraction)
        marker = self.store.get(f"a:{article.id}")
        seen = marker is not None
        outcome = self._seen_before(incoming, marker) if seen else self._place(incoming)
        outcome.expired = expired
        return outcome

    def active_story_count(self) -> int:
        return self.ageing.active()

    # --------------------------------------------------------------- decisions
    def _seen_before(self, incoming: Incoming, marker: dict[str, Any]) -> Outcome:
        article = incoming.article
        story = self._load(marker["story"])
        if story is None:  # defensive: markers leave with their story
            self.store.delete(f"a:{article.id}")
            return self._place(incoming)
        stale = float(marker["changed"]) > incoming.changed
        if marker["hash"] == incoming.digest or stale:
            return Outcome("redelivery", story["id"], [build_record(story)])
        if story_state.remove_member(story, article.id, marker["share"]):
            self._choose_lead(story)
        self.store.delete(f"a:{article.id}")
        outcome = self._place(incoming, home=story)
        outcome.decision = "correction"
        if outcome.story_id == story["id"] or story["status"] == "merged":
            return outcome
        when = _change_time(article)
        if story["members"]:
            outcome.records.insert(0, self._bump(story, when))
            outcome.updated += 1
        else:  # the article was all of it: retire the story into where it went
            story["merged_into"] = outcome.story_id
            outcome.records.insert(0, self._retire(story, when))
            outcome.merged += 1
        return outcome

    def _place(self, incoming: Incoming, home: Story | None = None) -> Outcome:
        config = self.config.match
        stories, banded = self._candidates(incoming, home)
        scores = {
            sid: score(incoming.evidence, s["profile"], config, story_state.people(s))
            for sid, s in stories.items()
        }
        by_score = ranked(scores)
        suspects = banded | {sid for sid, _ in by_score[: config.duplicate_suspects]}
        duplicate = self._near_duplicate(
            incoming, {s: stories[s] for s in suspects & stories.keys()}
        )
        if duplicate is not None:
            target, original = duplicate
            return self._join(incoming, target, "near_duplicate", duplicate_of=original)
        order = [item for item in by_score if item[1].joins(config)]
        if not order:
            if home is not None and not home["members"]:
                return self._join(incoming, home, "joined")  # it was alone there: stay
            return self._create(incoming, corrected=home is not None)
        best = stories[order[0][0]]
        self._attach(incoming, best, None)
        profiles = {sid: s["profile"] for sid, s in stories.items()}
        group = [best]
        for sid, found in order[1:]:
            other = stories[sid]
            # the stories' first articles must share a name: roundups naming two
            # unrelated stories do not make them one
            common = story_state.shared_founders(best, other, config.merge_founder_weight)
            if common and bridged(order[0], (sid, found), profiles, config):
                group.append(other)
        when = _change_time(incoming.article)
        survivor = max(group, key=lambda s: (len(s["members"]), -s["first"], s["id"]))
        records = [self._merge(loser, survivor, when) for loser in group if loser is not survivor]
        records.append(self._bump(survivor, when))
        decision = "merged" if records[:-1] else "joined"
        return Outcome(decision, survivor["id"], records, updated=1, merged=len(records) - 1)

    def _join(
        self, incoming: Incoming, story: Story, decision: str, duplicate_of: str | None = None
    ) -> Outcome:
        self._attach(incoming, story, duplicate_of)
        record = self._bump(story, _change_time(incoming.article))
        return Outcome(decision, story["id"], [record], updated=1)

    def _create(self, incoming: Incoming, *, corrected: bool = False) -> Outcome:
        story = story_state.new_story(self._new_id(incoming, corrected))
        self._attach(incoming, story, None)
        self.ageing.count(+1)
        self.ageing.schedule(story)
        record = self._bump(story, _change_time(incoming.article))
        return Outcome("created", story["id"], [record], created=1)

    def _merge(self, loser: Story, survivor: Story, when: datetime) -> StoryRecord:
        keys = list(loser["ix"])
        story_state.absorb(survivor, loser)
        self.index.forget(loser)
        self.index.index_keys(survivor, keys)
        for member in loser["members"]:
            marker = self.store.get(f"a:{member['id']}")
            if marker is not None:
                self.store.set(f"a:{member['id']}", {**marker, "story": survivor["id"]})
        loser["merged_into"] = survivor["id"]
        return self._retire(loser, when)

    # ----------------------------------------------------------------- helpers
    def _candidates(
        self, incoming: Incoming, home: Story | None
    ) -> tuple[dict[str, Story], set[str]]:
        limit = self.config.match.candidates
        ids, banded = self.index.lookup(incoming.evidence, incoming.bands, limit)
        stories: dict[str, Story] = {}
        for sid in ids:
            story = home if home is not None and sid == home["id"] else self._load(sid)
            if story is not None and story["members"]:
                stories[sid] = story
        if home is not None and home["members"]:
            stories[home["id"]] = home
        return stories, banded

    def _near_duplicate(
        self, incoming: Incoming, stories: dict[str, Story]
    ) -> tuple[Story, str] | None:
        """The story and member this article nearly copies (most similar first)."""
        config = self.config.match
        best: tuple[float, str, str] | None = None
        for sid in sorted(stories):
            for article_id, signature, size in stories[sid]["sigs"]:
                if article_id == incoming.article.id:
                    continue
                similarity = jaccard(incoming.signature, signature)
                if not is_near_duplicate(
                    similarity,
                    incoming.size,
                    size,
                    min_jaccard=config.duplicate_jaccard,
                    min_containment=config.duplicate_containment,
                    floor=config.duplicate_floor,
                ):
                    continue
                if best is None or similarity > best[0]:
                    best = (similarity, sid, article_id)
        return (stories[best[1]], best[2]) if best else None

    def _attach(self, incoming: Incoming, story: Story, duplicate_of: str | None) -> None:
        """Add the article to the story, its index entries and its marker (no version bump)."""
        article = incoming.article
        share = story_state.add_member(
            story,
            article,
            incoming.extraction,
            incoming.evidence,
            (incoming.signature, incoming.size),
            duplicate_of,
        )
        if (
            duplicate_of is None
            and incoming.bands
            and story["pinned"] < self.config.pinned_signatures
        ):
            self.index.index_bands(story["id"], incoming.bands)
            story["bands"] = [*story["bands"], *incoming.bands]
            story["pinned"] += 1
        weighty = [k for k, w in incoming.evidence.keys.items() if w >= MIN_INDEX_WEIGHT]
        self.index.index_keys(story, weighty)
        self.store.set(
            f"a:{article.id}",
            {
                "story": story["id"],
                "hash": incoming.digest,
                "changed": incoming.changed,
                "share": share,
                "summary": incoming.extraction.lead[:MAX_SUMMARY],
            },
        )

    def _choose_lead(self, story: Story) -> None:
        member = story_state.best_member(story)
        if member is not None:
            marker = self.store.get(f"a:{member['id']}") or {}
            story_state.set_lead(story, member, marker.get("summary") or member["title"])

    def _bump(self, story: Story, when: datetime) -> StoryRecord:
        story["version"] += 1
        story["status"] = "new" if story["version"] == 1 else "updated"
        story["updated_at"] = when.isoformat()
        self.store.set(f"s:{story['id']}", story)
        return build_record(story)

    def _retire(self, story: Story, when: datetime) -> StoryRecord:
        """Emit a story one last time as merged and drop it from the store."""
        story["version"] += 1
        story["status"] = "merged"
        story["updated_at"] = when.isoformat()
        record = build_record(story)
        self.index.forget(story)
        self.store.delete(f"s:{story['id']}")
        self.ageing.count(-1)
        return record

    def _load(self, story_id: str) -> Story | None:
        return self.store.get(f"s:{story_id}")

    def _new_id(self, incoming: Incoming, corrected: bool) -> str:
        """``st-`` + hash of the opening article's id; never an id used before.

        A corrected article that moves out opens ``id@change time``; a late
        article (older than the window) ``id@stream time``: the plain id may
        belong to a story that was retired or expired (its record stays in the
        compacted topic and must not be overwritten by a version 1).
        """
        article = incoming.article
        seed = article.id
        now = self.ageing.now()
        if corrected:
            seed = f"{article.id}@{int(incoming.changed)}"
        elif story_state.epoch(article) < now - self.config.window.total_seconds():
            seed = f"{article.id}@{int(now)}"
        sid = story_id_for(seed)
        attempt = 0
        while self._load(sid) is not None:
            attempt += 1
            sid = story_id_for(f"{seed}#{attempt}")
        return sid

    def _age(self, published: float) -> int:
        """Advance stream time; expire stories whose window has passed."""
        expired = 0
        for sid in self.ageing.advance(published):
            story = self._load(sid)
            if story is None:
                continue
            if self.ageing.expired(story):
                self._expire(story)
                expired += 1
            else:
                self.ageing.schedule(story)
                self.store.set(f"s:{sid}", story)
        return expired

    def _expire(self, story: Story) -> None:
        self.index.forget(story)
        for member in story["members"]:
            self.store.delete(f"a:{member['id']}")
        self.store.delete(f"s:{story['id']}")
        self.ageing.count(-1)
