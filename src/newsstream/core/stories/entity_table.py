"""A story's entities: canonical name, type, aliases, mentions, articles, salience.

Entities are keyed by their folded canonical name. A one-word name that is the
surname of a person already in the table ("Altman", "Altmans") is an alias of
that person, not a second entity. The table keeps at most ``MAX_ENTITIES``
entries (the least salient go first) and lists at most ``MAX_ARTICLES`` article
ids per entity (the first ones), so a long story keeps a bounded state; the
per-type counts say how many members name it.

A member's contribution (``[key, mentions, salience, type, lead]`` per entity) is
stored with its article marker, so a correction takes out exactly what it added.

Each entry also counts the members that name it in their title or lead (``lead``):
the story's *central* names (``lead_names``) are those several members lead with,
and an event reaches the story's timeline only when it is about one of them
(``core.stories.timeline``), so an event told by an article that does not belong to
the story stays off its timeline.
"""

from __future__ import annotations

import heapq
import re
from typing import Any

from newsstream.core.extracted import Entity
from newsstream.core.stories.name_keys import fold
from newsstream.models import EntityRef

MAX_ENTITIES = 60
MAX_ARTICLES = 50  # article ids listed per entity (the first ones)
PUBLISHED = 25
LEAD_SENTENCES = 3  # body sentences that, with the title, make an article's lead
CENTRAL_MEMBERS = 2  # leads naming an entity before it is central (fewer in tiny stories)
_SENTENCE_END = re.compile(r"[.!?][\"'”“»«]?\s+(?=[\"'„“»«(]?[A-ZÄÖÜ0-9])")

Table = dict[str, dict[str, Any]]
Share = list[list[Any]]  # [[key, mentions, salience, type, lead], ...]
Central = tuple[list[tuple[tuple[str, ...], int]], int]  # ([(names, leads)], leads needed)


def _key_for(table: Table, entity: Entity) -> str:
    key = fold(entity.name)
    if key in table or " " in key:
        return key
    bare = key[:-1] if key.endswith("s") else key
    tails = (" " + key, " " + bare)
    for known, entry in table.items():  # (a key without a blank: its last word is itself)
        if known.endswith(tails) and entry["type"] == "PERSON":
            return known
    return key


def lead_end(title: str, body: str) -> int:
    """Where an article's lead (its title and first ``LEAD_SENTENCES`` body sentences)
    ends, as an offset into ``title + "\\n" + body`` (``Entity.first_position``)."""
    end = len(body)
    for count, match in enumerate(_SENTENCE_END.finditer(body), start=1):
        if count == LEAD_SENTENCES:
            end = match.start() + 1
            break
    return len(title) + 1 + end


def add(
    table: Table, article_id: str, entities: tuple[Entity, ...], lead: int | None = None
) -> Share:
    """Add one article's entities (``lead``: where its lead ends, ``lead_end``; None:
    all in its lead); returns its share (to take it out again later)."""
    share: Share = []
    for entity in entities:
        key = _key_for(table, entity)
        entry = table.get(key)
        if entry is None:
            entry = table[key] = {
                "name": entity.name,
                "type": entity.type,
                "types": {},
                "aliases": [],
                "mentions": 0,
                "salience": 0.0,
                "articles": [],
                "lead": 0,
            }
        in_lead = int(lead is None or entity.first_position < lead)
        entry["lead"] = entry.get("lead", 0) + in_lead
        for alias in (entity.name, *entity.aliases):
            if alias != entry["name"] and alias not in entry["aliases"]:
                entry["aliases"].append(alias)
        types = entry["types"]
        types[entity.type] = types.get(entity.type, 0) + 1
        entry["type"] = (
            entity.type if len(types) == 1 else max(sorted(types), key=types.__getitem__)
        )
        entry["mentions"] += int(entity.mentions)
        entry["salience"] = round(entry["salience"] + float(entity.salience), 4)
        if article_id not in entry["articles"] and len(entry["articles"]) < MAX_ARTICLES:
            entry["articles"].append(article_id)
        share.append([key, int(entity.mentions), float(entity.salience), entity.type, in_lead])
    _bound(table)
    return share


def remove(table: Table, article_id: str, share: Share) -> None:
    for key, mentions, salience, kind, *lead in share:
        entry = table.get(key)
        if entry is None:
            continue
        if lead and "lead" in entry:
            entry["lead"] = max(0, entry["lead"] - int(lead[0]))
        entry["mentions"] = max(0, entry["mentions"] - int(mentions))
        entry["salience"] = round(max(0.0, entry["salience"] - float(salience)), 4)
        if kind in entry["types"]:
            entry["types"][kind] -= 1
            if entry["types"][kind] <= 0:
                del entry["types"][kind]
        if article_id in entry["articles"]:
            entry["articles"].remove(article_id)
        if not entry["types"]:  # no member names it any more
            del table[key]


def absorb(table: Table, other: Table) -> None:
    for key, theirs in other.items():
        entry = table.get(key)
        if entry is None:
            table[key] = {**theirs, "types": dict(theirs["types"]),
                          "aliases": list(theirs["aliases"]),
                          "articles": list(theirs["articles"])}  # fmt: skip
            continue
        for alias in (theirs["name"], *theirs["aliases"]):
            if alias != entry["name"] and alias not in entry["aliases"]:
                entry["aliases"].append(alias)
        for kind, count in theirs["types"].items():
            entry["types"][kind] = entry["types"].get(kind, 0) + count
        entry["mentions"] += theirs["mentions"]
        entry["salience"] = round(entry["salience"] + theirs["salience"], 4)
        if "lead" in entry or "lead" in theirs:
            entry["lead"] = entry.get("lead", 0) + theirs.get("lead", 0)
        for article_id in theirs["articles"]:
            if article_id not in entry["articles"] and len(entry["articles"]) < MAX_ARTICLES:
                entry["articles"].append(article_id)
    _bound(table)


def _ranking(table: Table) -> list[tuple[float, int, str]]:
    """(-salience, -mentions, key) of each entry: most salient first when sorted."""
    return [(-e["salience"], -e["mentions"], k) for k, e in table.items()]


def _ranked_keys(table: Table) -> list[str]:
    return [k for _, _, k in sorted(_ranking(table))]


def _bound(table: Table) -> None:
    if len(table) > MAX_ENTITIES:  # the least salient go: the largest rankings
        for _, _, key in heapq.nlargest(len(table) - MAX_ENTITIES, _ranking(table)):
            del table[key]


def lead_names(table: Table, members: int) -> Central | None:
    """The names (each entity's name with its aliases) that the story's ``members`` lead
    with, each with the number of members naming it in their title or lead, and how many
    make a name central (``CENTRAL_MEMBERS``; one in a story of one or two members). None
    for a table stored before leads were counted (no gate then)."""
    if table and not any("lead" in entry for entry in table.values()):
        return None
    need = CENTRAL_MEMBERS if members > CENTRAL_MEMBERS else 1
    named = [
        ((entry["name"], *entry["aliases"]), entry["lead"])
        for entry in table.values()
        if entry.get("lead", 0) > 0
    ]
    return named, need


def entity_dicts(table: Table, limit: int = PUBLISHED) -> list[dict[str, Any]]:
    """The public entity list as plain data (``EntityRef`` fields), most salient first."""
    out = []
    for key in _ranked_keys(table)[:limit]:
        entry = table[key]
        kind = entry["type"] if entry["type"] in ("PERSON", "ORG", "LOC", "MISC") else "MISC"
        out.append(
            {
                "name": entry["name"],
                "type": kind,
                "aliases": sorted(entry["aliases"]),
                "mentions": entry["mentions"],
                "articles": list(entry["articles"]),
                "salience": round(entry["salience"], 4),
            }
        )
    return out


def entity_refs(table: Table, limit: int = PUBLISHED) -> list[EntityRef]:
    """The public entity list, most salient first."""
    return [EntityRef.model_validate(e) for e in entity_dicts(table, limit)]
