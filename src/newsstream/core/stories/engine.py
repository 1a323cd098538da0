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
come from bounded inverted indexes (``core.stories.candidates``), each candidate is
scored against its compact profile (``core.stories.profile``), and stories that went
quiet for ``window`` leave the store (``core.stories.ageing``). Nor does it grow with
a story's size: a story keeps its latest member refs and aggregates
(``core.stories.state``), and its record is built from those (``core.stories.record``).

Writes: every change of one ``process`` call goes to a write batch and reaches
the store once per key when the call ends (a story touched three times is one
``set``; deleting a key that is not there is no write), so each article costs
one changelog record per store value it really changed.

Store keys: ``s:<story>`` story state (``core.stories.state``); ``a:<article>``
marker (story, content hash, change time, what the article contributed, and
what its member ref carried); ``m:<story>:<n>`` ids of members whose refs the
story dropped, with the stream time they were dropped at (a story that stays
active forgets them and their markers a window later); ``k:…``/``h:…``
candidate index; ``b:<day>:<n>`` ageing buckets, ``days``, ``clock``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from newsstream.core.extracted import Extraction
from newsstream.core.ports import StateStore
from newsstream.core.stories import state as story_state
from newsstream.core.stories.ageing import Ageing
from newsstream.core.stories.candidates import MIN_INDEX_WEIGHT, CandidateIndex
from newsstream.core.stories.duplicates import is_near_duplicate, similarities
from newsstream.core.stories.engine_config import EngineConfig
from newsstream.core.stories.evidence import Evidence
from newsstream.core.stories.explanation import explain_place
from newsstream.core.stories.facts import (
    CONTENT_FIELDS,
    ArticleFacts,
    article_facts,
    change_time,
    content_hash,
    timestamp,
)
from newsstream.core.stories.markers import Markers
from newsstream.core.stories.matching import (
    MatchConfig,
    Probe,
    Score,
    bridged,
    probe,
    ranked,
    score_probe,
)
from newsstream.core.stories.record import build_record
from newsstream.core.stories.schema import version_of
from newsstream.core.stories.state import Story
from newsstream.core.stories.write_batch import WriteBatch
from newsstream.models import Article, StoryRecord

__all__ = ["CONTENT_FIELDS", "EngineConfig", "Outcome", "StoryEngine", "content_hash"]

MAX_SUMMARY = 300


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
    explanation: dict[str, Any] | None = None  # with ``EngineConfig.explain``


def story_id_for(seed: str) -> str:
    """Stable story id: derived from the id of the article that opened it."""
    return "st-" + hashlib.sha1(seed.encode()).hexdigest()[:16]


_change_time = change_time
_ts = timestamp


@dataclass(slots=True)
class Incoming:
    """An article with everything the engine derives from it, computed once."""

    article: Article
    extraction: Extraction
    evidence: Evidence
    probe: Probe
    digest: str
    signature: str
    size: int
    digests: str  # its LSH band digests (core.duplicates.band_digests)
    bands: list[str]  # ... and band keys
    published: float  # epoch seconds
    changed: float  # epoch seconds of its change time

    @classmethod
    def of(
        cls,
        article: Article,
        extraction: Extraction,
        config: MatchConfig,
        facts: ArticleFacts | None = None,
    ) -> Incoming:
        if facts is None or facts.article_id != article.id:
            facts = article_facts(article, extraction)
        return cls(
            article=article,
            extraction=extraction,
            evidence=facts.evidence,
            probe=probe(facts.evidence, config),
            digest=facts.digest,
            signature=facts.signature,
            size=facts.size,
            digests=facts.digests,
            bands=list(facts.bands),
            published=facts.published,
            changed=facts.changed,
        )


class StoryEngine:
    """Online story consolidation over a ``StateStore``."""

    def __init__(self, store: StateStore, config: EngineConfig | None = None) -> None:
        self.store = store
        self.config = config or EngineConfig()
        self._db = WriteBatch(store)
        self.index = CandidateIndex(self._db)
        self.ageing = Ageing(self._db, self.config.window)
        window = self.config.window.total_seconds()
        self.markers = Markers(self._db, self.ageing, window, self.config.redelivery_horizon)

    # ------------------------------------------------------------------ public
    def process(
        self, article: Article, extraction: Extraction, facts: ArticleFacts | None = None
    ) -> Outcome:
        """Place one article. ``facts`` (``core.stories.facts``), when given, are the
        article-local values computed ahead; the outcome is the same without them.

        All or nothing: the call works on private copies of the stories it changes
        (``WriteBatch.edit``) and on a write batch; only when it returns do the changes reach
        the store. If anything raises, the store is exactly as it was, so replaying
        the article later gives the result it would have had."""
        self._db.discard()  # a fresh batch, whatever an earlier failure left behind
        try:
            outcome = self._decide(article, extraction, facts)
        except BaseException:
            self._db.discard()
            raise
        self._db.flush()
        return outcome

    def _decide(
        self, article: Article, extraction: Extraction, facts: ArticleFacts | None
    ) -> Outcome:
        self.markers.tick()
        expired = self._age(story_state.epoch(article))
        marker = self.markers.get(article.id)
        outcome = self._redelivered(article, marker) if marker is not None else None
        if outcome is None:  # not a re-delivery: only now is the article analysed
            incoming = Incoming.of(article, extraction, self.config.match, facts)
            seen = marker is not None
            outcome = self._seen_before(incoming, marker) if seen else self._place(incoming)
        outcome.expired = expired
        if self.config.explain:
            explanation = outcome.explanation or {"article": article.id, "candidates": []}
            explanation.update(decision=outcome.decision, story=outcome.story_id)
            outcome.explanation = explanation
        return outcome

    def active_story_count(self) -> int:
        return self.ageing.active()

    # --------------------------------------------------------------- decisions
    def _redelivered(self, article: Article, marker: dict[str, Any]) -> Outcome | None:
        """Same content again (or an older copy): its story's current record. An
        article of a story that expired since (a gone marker) changes nothing and
        emits nothing: the story's last record, already published, lists it."""
        stale = float(marker["changed"]) > _ts(_change_time(article))
        same = marker["hash"] == content_hash(article) or stale
        if marker.get("gone"):
            return Outcome("redelivery", marker["story"]) if same else None
        story = self._load(marker["story"])
        if story is None or not same:
            return None
        return Outcome("redelivery", story["id"], [build_record(story)])

    def _seen_before(self, incoming: Incoming, marker: dict[str, Any]) -> Outcome:
        article = incoming.article
        story = self._edit(marker["story"])
        if not story:  # defensive: markers leave with their story
            self.markers.delete(article.id)
            return self._place(incoming)
        if story_state.remove_member(story, article.id, marker):
            self._choose_lead(story)
        self.markers.delete(article.id)
        outcome = self._place(incoming, home=story)
        outcome.decision = "correction"
        if outcome.story_id == story["id"] or story.get("status") == "merged":
            return outcome
        when = _change_time(article)
        if story["n"]:
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
        found = incoming.probe
        day = 86_400.0
        scores = {
            sid: score_probe(
                found,
                s["profile"],
                config,
                s["people"],
                max(0.0, (incoming.published - (s["last"] or incoming.published)) / day),
                s["entities"],
            )
            for sid, s in stories.items()
        }
        by_score = ranked(scores)
        explanation = None
        if self.config.explain:
            profiles = {sid: s["profile"] for sid, s in stories.items()}
            explanation = explain_place(found, incoming.article.id, by_score, profiles, config)
        outcome = self._decide_place(incoming, home, stories, banded, by_score)
        outcome.explanation = explanation
        return outcome

    def _decide_place(
        self,
        incoming: Incoming,
        home: Story | None,
        stories: dict[str, Story],
        banded: set[str],
        by_score: list[tuple[str, Score]],
    ) -> Outcome:
        config = self.config.match
        suspects = banded | {sid for sid, _ in by_score[: config.duplicate_suspects]}
        duplicate = self._near_duplicate(
            incoming, {s: stories[s] for s in suspects & stories.keys()}
        )
        if duplicate is not None:
            target, original = duplicate
            return self._join(incoming, target, "near_duplicate", duplicate_of=original)
        order = [item for item in by_score if item[1].joins(config)]
        if not order:
            if home is not None and not home["n"]:
                return self._join(incoming, home, "joined")  # it was alone there: stay
            return self._create(incoming, corrected=home is not None)
        best = stories[order[0][0]] = self._edit(order[0][0])
        self._attach(incoming, best, None)
        profiles = {sid: s["profile"] for sid, s in stories.items()}
        group = [best]
        for sid, found_score in order[1:]:
            other = stories[sid]
            # the stories' first articles must share a name: roundups naming two
            # unrelated stories do not make them one
            common = story_state.shared_founders(best, other, config.merge_founder_weight)
            if common and bridged(order[0], (sid, found_score), profiles, config):
                group.append(self._edit(sid))
        when = _change_time(incoming.article)
        survivor = max(group, key=lambda s: (s["n"], -s["first"], s["id"]))
        records = [self._merge(loser, survivor, when) for loser in group if loser is not survivor]
        records.append(self._bump(survivor, when))
        decision = "merged" if records[:-1] else "joined"
        return Outcome(decision, survivor["id"], records, updated=1, merged=len(records) - 1)

    def _join(
        self, incoming: Incoming, story: Story, decision: str, duplicate_of: str | None = None
    ) -> Outcome:
        story = self._edit(story["id"])
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
        self.markers.repoint(loser, survivor)
        self.markers.drop_refs(survivor, story_state.drop_old_refs(survivor))
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
            if story is not None and story["n"]:
                stories[sid] = story
        if home is not None and home["n"]:
            stories[home["id"]] = home
        return stories, banded

    def _near_duplicate(
        self, incoming: Incoming, stories: dict[str, Story]
    ) -> tuple[Story, str] | None:
        """The story and member this article nearly copies (most similar first)."""
        config = self.config.match
        compared = [
            (sid, article_id, signature, size)
            for sid in sorted(stories)
            for article_id, signature, size in stories[sid]["sigs"]
            if article_id != incoming.article.id
        ]
        alike = similarities(incoming.signature, [c[2] for c in compared])
        best: tuple[float, str, str] | None = None
        for (sid, article_id, _, size), similarity in zip(compared, alike, strict=True):
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
            incoming.published,
        )
        if (
            duplicate_of is None
            and incoming.digests
            and len(story["bands"]) < self.config.pinned_signatures
        ):
            self.index.index_bands(story, incoming.digests)
        weighty = [k for k, w in incoming.evidence.keys.items() if w >= MIN_INDEX_WEIGHT]
        self.index.index_keys(story, weighty)
        marker = {
            "story": story["id"],
            "hash": incoming.digest,
            "changed": incoming.changed,
            "share": share,
            "summary": incoming.extraction.lead[:MAX_SUMMARY],
        }
        if article.source:  # what the member's ref carried, for when the ref is dropped
            marker["src"] = article.source
        if duplicate_of:
            marker["dup"] = duplicate_of
        self.markers.put(article.id, marker)
        self.markers.drop_refs(story, story_state.drop_old_refs(story))

    def _choose_lead(self, story: Story) -> None:
        keys_of_member: dict[str, list[str]] = {}
        summaries: dict[str, str] = {}
        for member in story_state.originals(story):
            marker = self.markers.get(member.id)
            if marker is not None:
                keys_of_member[member.id] = story_state.top_keys(marker["share"])
                summaries[member.id] = marker.get("summary") or ""
        member = story_state.best_member(story, keys_of_member)
        if member is not None:
            summary = summaries.get(member.id) or member.title
            story_state.set_lead(story, member, summary, keys_of_member.get(member.id, []))

    def _bump(self, story: Story, when: datetime) -> StoryRecord:
        story["version"] += 1
        story["updated_at"] = when.isoformat()
        self._db.set(f"s:{story['id']}", story)
        return build_record(story)

    def _retire(self, story: Story, when: datetime) -> StoryRecord:
        """Emit a story one last time as merged and drop it from the store."""
        story["version"] += 1
        story["status"] = "merged"
        story["updated_at"] = when.isoformat()
        record = build_record(story)
        self.index.forget(story)
        self.markers.forget_dropped(story)
        self._db.delete(f"s:{story['id']}")
        self.ageing.count(-1)
        return record

    def _load(self, story_id: str) -> Story | None:
        """A story to read (it may be the stored object: never change it)."""
        story = self._db.get(f"s:{story_id}")
        if story is not None and version_of(story) == 0:  # counters are missing: migrate
            return self._edit(story_id)
        return story

    def _edit(self, story_id: str) -> Story:
        """A story to change: the batch's own copy, written when the call succeeds
        (an empty dict, never stored, when there is no such story)."""
        story = self._db.edit(f"s:{story_id}")
        if story is None:
            return {}
        return story_state.adopt(story)  # the current schema, typed member refs

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
        elif incoming.published < now - self.config.window.total_seconds():
            seed = f"{article.id}@{int(now)}"
        sid = story_id_for(seed)
        attempt = 0
        while self._db.get(f"s:{sid}") is not None:
            attempt += 1
            sid = story_id_for(f"{seed}#{attempt}")
        return sid

    def _age(self, published: float) -> int:
        """Advance stream time; expire stories whose window has passed."""
        expired = 0
        for sid in self.ageing.advance(published):
            story = self._edit(sid)
            if not story:
                continue
            if self.ageing.expired(story):
                self._expire(story)
                expired += 1
            else:
                self.markers.forget_old(story)
                self.ageing.schedule(story)
                self._db.set(f"s:{sid}", story)
        return expired

    def _expire(self, story: Story) -> None:
        self.index.forget(story)
        self.markers.expire(story)
        self._db.delete(f"s:{story['id']}")
        self.ageing.count(-1)
