"""The state of one story and the pure operations on it (no store, no index).

A story is one JSON-able dict (key ``s:<story id>``)::

    id, version, status, merged_into, merged_from, updated_at
    members   compact article refs in arrival order (+ "k": the member's top keys)
    profile   aggregated evidence (core.profile)
    entities  entity table (core.entity_table)
    events    timeline (core.timeline)
    sigs      [article id, compact MinHash, shingle count] of the latest originals
    founder   the first article's evidence keys (merges compare these)
    lead      the representative member: id, title, summary, keys
    first, last   first and last published_at (epoch seconds)
    ix, bands, pinned, expires   bookkeeping of the candidate index and ageing

What one member added is returned as its ``Share`` and kept in its article
marker, so ``remove_member`` takes out exactly that (a correction).
"""

from __future__ import annotations

from datetime import UTC
from typing import Any

from newsstream.core import entity_table, profile, timeline
from newsstream.core.evidence import Evidence, fold
from newsstream.core.extracted import Extraction
from newsstream.models import Article

SIG_KEEP = 8  # signatures of recent originals kept for the near-duplicate test
LEAD_KEYS = 6  # keys per member used to pick the representative one
FOUNDER_WEIGHT = 0.3  # keys of the first article kept to judge merges

Story = dict[str, Any]
Share = dict[str, Any]  # {"part": profile contribution, "ents": entity share}


def epoch(article: Article) -> float:
    return article.published_at.astimezone(UTC).timestamp()


def new_story(story_id: str) -> Story:
    return {
        "id": story_id,
        "version": 0,
        "status": "new",
        "merged_into": None,
        "merged_from": [],
        "updated_at": None,
        "members": [],
        "profile": profile.empty(),
        "entities": {},
        "events": [],
        "sigs": [],
        "founder": {},
        "lead": None,
        "first": None,
        "last": None,
        "ix": [],
        "bands": [],
        "pinned": 0,
        "expires": None,
    }


def add_member(
    story: Story,
    article: Article,
    extraction: Extraction,
    evidence: Evidence,
    signature: tuple[str, int],
    duplicate_of: str | None,
) -> Share:
    published = epoch(article)
    top = list(evidence.keys)[:LEAD_KEYS]
    story["members"].append(
        {
            "id": article.id,
            "url": article.url,
            "source": article.source,
            "lang": evidence.language,
            "title": article.title,
            "published": published,
            "published_at": article.published_at.isoformat(),
            "dup": duplicate_of,
            "k": top,
        }
    )
    part = profile.contribution(evidence.keys, evidence.terms, evidence.language)
    profile.add(story["profile"], part)
    ents = entity_table.add(story["entities"], article.id, extraction.entities)
    timeline.add(story["events"], article.id, published, extraction.events)
    sig, size = signature
    if sig and duplicate_of is None:
        story["sigs"] = [*story["sigs"], [article.id, sig, size]][-SIG_KEEP:]
    if not story.get("founder"):
        story["founder"] = {k: w for k, w in evidence.keys.items() if w >= FOUNDER_WEIGHT}
    story["first"] = published if story["first"] is None else min(story["first"], published)
    story["last"] = published if story["last"] is None else max(story["last"], published)
    if duplicate_of is None or story["lead"] is None:
        candidate = {"id": article.id, "title": article.title, "summary": extraction.lead,
                     "keys": top}  # fmt: skip
        lead = story["lead"]
        if lead is None or centrality(top, story) > centrality(lead["keys"], story):
            story["lead"] = candidate
    return {"part": part, "ents": ents}


def remove_member(story: Story, article_id: str, share: Share) -> bool:
    """Take a member out; True when it was the lead (the caller picks a new one)."""
    story["members"] = [m for m in story["members"] if m["id"] != article_id]
    for member in story["members"]:
        if member.get("dup") == article_id:
            member["dup"] = None
    profile.remove(story["profile"], share["part"])
    entity_table.remove(story["entities"], article_id, share["ents"])
    timeline.remove_article(story["events"], article_id)
    story["sigs"] = [s for s in story["sigs"] if s[0] != article_id]
    published = [m["published"] for m in story["members"]]
    story["first"] = min(published, default=None)
    story["last"] = max(published, default=None)
    was_lead = bool(story["lead"]) and story["lead"]["id"] == article_id
    if was_lead:
        story["lead"] = None
    return was_lead


def best_member(story: Story) -> dict[str, Any] | None:
    """The original member that best represents the story (earliest on ties)."""
    originals = [m for m in story["members"] if not m.get("dup")] or story["members"]
    if not originals:
        return None
    return max(
        sorted(originals, key=lambda m: (m["published"], m["id"])),
        key=lambda m: centrality(m["k"], story),
    )


def set_lead(story: Story, member: dict[str, Any], summary: str) -> None:
    story["lead"] = {"id": member["id"], "title": member["title"], "summary": summary,
                     "keys": list(member["k"])}  # fmt: skip


def founders(story: Story) -> dict[str, float]:
    """The evidence of the story's first article: what it was about before any later
    article (a roundup, say) could blur it."""
    return dict(story.get("founder") or {})


def shared_founders(a: Story, b: Story, min_weight: float) -> list[str]:
    """Name-like keys (this heavy in either story) that both first articles carried."""
    mine, theirs = founders(a), founders(b)
    return sorted(k for k in mine.keys() & theirs.keys() if max(mine[k], theirs[k]) >= min_weight)


def people(story: Story, limit: int = 3) -> list[str]:
    """``n:<surname>`` of the story's most salient people."""
    table = story["entities"]
    ranked = sorted(
        (k for k, e in table.items() if e["type"] == "PERSON"),
        key=lambda k: (-table[k]["salience"], k),
    )
    return [f"n:{fold(k.split()[-1])}" for k in ranked[:limit] if k.split()]


def centrality(keys: list[str], story: Story) -> float:
    """How much of the story's strongest evidence these keys carry."""
    known = story["profile"]["keys"]
    return sum(profile.strength(known[k]) for k in keys if k in known)


def absorb(survivor: Story, loser: Story) -> None:
    """Fold a whole story into another (a merge); index and markers are the caller's."""
    present = {m["id"] for m in survivor["members"]}
    survivor["members"].extend(m for m in loser["members"] if m["id"] not in present)
    profile.absorb(survivor["profile"], loser["profile"])
    entity_table.absorb(survivor["entities"], loser["entities"])
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
