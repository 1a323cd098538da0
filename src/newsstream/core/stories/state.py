"""The state of one story and the pure operations on it (no store, no index).

A story is one JSON-able dict (key ``s:<story id>``), typed as
``core.stories.schema.StoryState`` (its shape, version and migrations live there)::

    id, version, updated_at, merged_from
    members   compact refs of the latest members, in arrival order:
              ``schema.MemberRef``: id, url, source, lang, title, published, published_at, dup
    n, langs, sources, dups   the true member count, languages and sources with
              their member counts, and the number of near-duplicates (a story keeps
              every member's contribution but only the latest refs)
    old       [earliest, latest] published of members whose refs were dropped
    gone      how many chunks of dropped member ids there are (``m:<story>:<n>``,
              written by the engine: expiry and merges reach their markers)
    forgot    how many of the oldest chunks were forgotten with their markers (a
              story active for more than its window)
    profile   aggregated evidence (core.stories.profile)
    entities  entity table (core.stories.entity_table)
    events    timeline (core.stories.timeline)
    sigs      [article id, compact MinHash, shingle count] of the latest originals
    founder   the first article's evidence keys (merges compare these)
    lead      the representative member: id, title, summary, keys
    people    the story's main people (``people``), kept for scoring
    first, last   first and last published_at (epoch seconds)
    ix, bands, expires   bookkeeping of the candidate index and ageing

A story of any size keeps a bounded state: ``RETAIN`` member refs (and the
originals their near-duplicates point to), plus at most ``DROP_BATCH`` more
before the oldest refs are dropped in one batch; profile, entity table,
timeline, signatures and index entries have their own caps.

What one member added is returned as its ``Share`` and kept in its article
marker with what its ref carried, so ``remove_member`` takes out exactly that
(a correction), even after the ref itself was dropped. A member's top keys (to
pick a new lead) are the first keys of that share.
"""

from __future__ import annotations

from datetime import UTC
from typing import Any

from newsstream.core.extracted import Extraction
from newsstream.core.stories import entity_table, profile, schema, timeline
from newsstream.core.stories.evidence import Evidence
from newsstream.core.stories.name_keys import fold
from newsstream.core.stories.schema import MemberRef, Share, StoryState
from newsstream.core.stories.schema import member as member_ref
from newsstream.models import Article

SIG_KEEP = 8  # signatures of recent originals kept for the near-duplicate test
LEAD_KEYS = 6  # keys per member used to pick the representative one
FOUNDER_WEIGHT = 0.3  # keys of the first article kept to judge merges
RETAIN = 300  # member refs a story shows (its record's ``articles``)
DROP_BATCH = 50  # refs beyond RETAIN kept until they are dropped together

Story = StoryState
Member = MemberRef


def epoch(article: Article) -> float:
    return article.published_at.astimezone(UTC).timestamp()


def new_story(story_id: str) -> Story:
    return schema.new_story(story_id, profile.empty())


def adopt(story: Story) -> Story:
    """A stored story (the caller's own copy) at the current schema, in place
    (``schema.adopt``); a story older than the counters gets its people again."""
    old = schema.version_of(story)
    schema.adopt(story)
    if old == 0:
        story["people"] = people(story)
    return story


def status(story: Story) -> str:
    """new / updated / merged (``merged`` is only ever set on a story leaving the store)."""
    if story.get("status") == "merged":
        return "merged"
    return "new" if story["version"] == 1 else "updated"


def _count(counter: dict[str, int], key: str, delta: int) -> None:
    left = counter.get(key, 0) + delta
    if left > 0:
        counter[key] = left
    else:
        counter.pop(key, None)


def add_member(
    story: Story,
    article: Article,
    extraction: Extraction,
    evidence: Evidence,
    signature: tuple[str, int],
    duplicate_of: str | None,
    published: float | None = None,
) -> Share:
    if published is None:
        published = epoch(article)
    top = list(evidence.keys)[:LEAD_KEYS]
    story["members"].append(
        MemberRef.of(article.id, article.url, article.source, evidence.language, article.title,
                     published, article.published_at.isoformat(), duplicate_of)
    )  # fmt: skip
    story["n"] += 1
    _count(story["langs"], evidence.language, 1)
    _count(story["sources"], article.source, 1)
    if duplicate_of:
        story["dups"] += 1
    part = profile.contribution(
        evidence.keys, evidence.terms, evidence.language, evidence.topics, evidence.heads
    )
    profile.add(story["profile"], part)
    lead_end = entity_table.lead_end(article.title, article.body)
    ents = entity_table.add(story["entities"], article.id, extraction.entities, lead_end)
    story["people"] = people(story)
    timeline.add(
        story["events"], article.id, published, extraction.events,
        source=article.source, duplicate=duplicate_of is not None,
    )  # fmt: skip
    sig, size = signature
    if sig and duplicate_of is None:
        story["sigs"] = [*story["sigs"], [article.id, sig, size]][-SIG_KEEP:]
    if not story.get("founder"):
        story["founder"] = {k: w for k, w in evidence.keys.items() if w >= FOUNDER_WEIGHT}
    if story["first"] is None or published < story["first"]:
        story["first"] = published
    if story["last"] is None or published > story["last"]:
        story["last"] = published
    if duplicate_of is None or story["lead"] is None:
        candidate = {"id": article.id, "title": article.title, "summary": extraction.lead,
                     "keys": top}  # fmt: skip
        lead = story["lead"]
        if lead is None or centrality(top, story) > centrality(lead["keys"], story):
            story["lead"] = candidate
    return {"part": part, "ents": ents}


def remove_member(story: Story, article_id: str, marker: dict[str, Any]) -> bool:
    """Take a member out (``marker``: its article marker); True when it was the lead
    (the caller picks a new one)."""
    share = marker["share"]
    members = story["members"]
    at = next((i for i, m in enumerate(members) if m.id == article_id), None)
    if at is not None:
        ref = members.pop(at)
        lang, source, dup = ref.lang, ref.source, ref.dup
    else:  # its ref was dropped: the marker says what it carried
        part = share.get("part") or {}
        lang, source, dup = part.get("lang", ""), marker.get("src", ""), marker.get("dup")
    story["n"] = max(0, story["n"] - 1)
    _count(story["langs"], lang, -1)
    _count(story["sources"], source, -1)
    if dup:
        story["dups"] = max(0, story["dups"] - 1)
    for member in members:
        if member.dup == article_id:
            member.dup = None
            story["dups"] = max(0, story["dups"] - 1)
    if share:  # a marker restored after a crash carries no share (see stories.py)
        profile.remove(story["profile"], share["part"])
        entity_table.remove(story["entities"], article_id, share["ents"])
    story["people"] = people(story)
    timeline.remove_article(story["events"], article_id)
    story["sigs"] = [s for s in story["sigs"] if s[0] != article_id]
    published = [m.published for m in members]
    if story["n"] and story.get("old"):
        published.extend(story["old"])
    story["first"] = min(published, default=None)
    story["last"] = max(published, default=None)
    was_lead = bool(story["lead"]) and story["lead"]["id"] == article_id
    if was_lead:
        story["lead"] = None
    return was_lead


def originals(story: Story) -> list[Member]:
    """Member refs that are not near-duplicates (all of them if every one is)."""
    return [m for m in story["members"] if not m.dup] or story["members"]


def best_member(story: Story, keys_of: dict[str, list[str]]) -> Member | None:
    """The original member that best represents the story (earliest on ties);
    ``keys_of``: member id → its top keys."""
    candidates = originals(story)
    if not candidates:
        return None
    return max(
        sorted(candidates, key=lambda m: (m.published, m.id)),
        key=lambda m: centrality(keys_of.get(m.id, []), story),
    )


def top_keys(share: Share) -> list[str]:
    """A member's top keys, from its share (its evidence keys, heaviest first); none
    for a marker restored after a crash, which carries no share."""
    part = share.get("part")
    return list(part["keys"])[:LEAD_KEYS] if part else []


def set_lead(story: Story, member: Member, summary: str, keys: list[str]) -> None:
    story["lead"] = {"id": member.id, "title": member.title, "summary": summary,
                     "keys": list(keys)}  # fmt: skip


def founders(story: Story) -> dict[str, float]:
    """The evidence of the story's first article: what it was about before any later
    article (a roundup, say) could blur it."""
    return story.get("founder") or {}


def shared_founders(a: Story, b: Story, min_weight: float) -> list[str]:
    """Name-like keys (this heavy in either story) that both first articles carried."""
    mine, theirs = founders(a), founders(b)
    return sorted(k for k in mine.keys() & theirs.keys() if max(mine[k], theirs[k]) >= min_weight)


def people(story: Story, limit: int = 3) -> list[str]:
    """``n:<surname>`` of the story's most salient people."""
    ranked = sorted(
        [(-e["salience"], k) for k, e in story["entities"].items() if e["type"] == "PERSON"]
    )
    return [f"n:{fold(k.split()[-1])}" for _, k in ranked[:limit] if k.split()]


def centrality(keys: list[str], story: Story) -> float:
    """How much of the story's strongest evidence these keys carry."""
    known = story["profile"]["keys"]
    return sum(profile.strength(known[k]) for k in keys if k in known)


def absorb(survivor: Story, loser: Story) -> None:
    """Fold a whole story into another (a merge); index, markers and the dropped
    ids of the loser are the caller's."""
    present = {m.id for m in survivor["members"]}
    survivor["members"].extend(m for m in loser["members"] if m.id not in present)
    survivor["n"] += loser["n"]
    for field in ("langs", "sources"):
        for key, count in loser[field].items():
            _count(survivor[field], key, count)
    survivor["dups"] += loser["dups"]
    bounds = [*(survivor.get("old") or ()), *(loser.get("old") or ())]
    survivor["old"] = [min(bounds), max(bounds)] if bounds else None
    profile.absorb(survivor["profile"], loser["profile"])
    entity_table.absorb(survivor["entities"], loser["entities"])
    survivor["people"] = people(survivor)
    timeline.absorb(survivor["events"], loser["events"])
    survivor["sigs"] = [*survivor["sigs"], *loser["sigs"]][-SIG_KEEP:]
    survivor["merged_from"] = sorted({*survivor["merged_from"], loser["id"], *loser["merged_from"]})
    survivor["first"] = min(survivor["first"], loser["first"])
    survivor["last"] = max(survivor["last"], loser["last"])
    theirs = loser["lead"]
    if theirs and (
        survivor["lead"] is None
        or centrality(theirs["keys"], survivor) > centrality(survivor["lead"]["keys"], survivor)
    ):
        survivor["lead"] = dict(theirs)


def shown(story: Story) -> list[Member]:
    """The refs a record lists: the latest ``RETAIN`` members and the originals their
    near-duplicates point to, in arrival order."""
    members = story["members"]
    if len(members) <= RETAIN:
        return members
    members = [member_ref(m) for m in members]  # read from the store: plain lists
    latest = members[-RETAIN:]
    pointed = {m.dup for m in latest if m.dup}
    return [m for m in members[:-RETAIN] if m.id in pointed] + latest


def drop_old_refs(story: Story) -> list[str]:
    """Once ``DROP_BATCH`` refs beyond ``shown`` piled up, drop them (their members
    stay counted); returns the dropped ids (the caller keeps them for expiry)."""
    members = story["members"]
    if len(members) <= RETAIN + DROP_BATCH:
        return []
    keep = {m.id for m in shown(story)}
    dropped = [m for m in members if m.id not in keep]
    if len(dropped) < DROP_BATCH:
        return []
    story["members"] = [m for m in members if m.id in keep]
    published = [m.published for m in dropped] + list(story.get("old") or ())
    story["old"] = [min(published), max(published)]
    return [m.id for m in dropped]
