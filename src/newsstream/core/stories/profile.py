"""A story's profile: the compact aggregate that articles are matched against.

Matching never rescans a story's members. Each member contributes its evidence
(``Contribution``: language-neutral keys and its language's keywords) once, when
it joins; the profile keeps, per key, the highest weight seen and how many
members carry it, and per language a keyword centroid. Both are trimmed to a
fixed size, so a story of 500 articles costs what one of 50 does. A member's
contribution is kept with its article marker, so a correction subtracts exactly
what the old version added.

The profile is a plain JSON-able dict (it lives inside the story's state):
``{"keys": {key: [weight, count]}, "terms": {lang: {term: weight}}, "n": members,
"norms": {lang: Euclidean norm of the centroid}, "topics": {topic: members},
"tn": members with a topic}`` (the norm is kept because every article scores a
dozen profiles, and a profile changes once per member; states written before topics
existed have neither of the last two, and count as a story without topics).
"""

from __future__ import annotations

import heapq
import math
from typing import Any

MAX_KEYS = 120
MAX_TERMS = 80

Profile = dict[str, Any]
Contribution = dict[str, Any]  # {"keys": {k: w}, "terms": {t: w}, "lang": str}


def empty() -> Profile:
    return {"keys": {}, "terms": {}, "n": 0, "norms": {}, "topics": {}, "tn": 0}


def norm(profile: Profile, lang: str) -> float:
    """Euclidean norm of the ``lang`` centroid (as ``fingerprints.cosine`` computes it)."""
    known = profile.get("norms", {}).get(lang)
    if known is None:
        known = _norm(profile["terms"].get(lang, {}))
    return known


def _norm(centroid: dict[str, float]) -> float:
    return math.sqrt(sum(w * w for w in centroid.values()))


def _renorm(profile: Profile, langs: Any) -> None:
    norms = profile.setdefault("norms", {})
    for lang in langs:
        centroid = profile["terms"].get(lang)
        if centroid:
            norms[lang] = _norm(centroid)
        else:
            norms.pop(lang, None)


def contribution(
    keys: dict[str, float],
    terms: dict[str, float],
    lang: str,
    topics: frozenset[str] = frozenset(),
    heads: tuple[str, ...] = (),
) -> Contribution:
    part: Contribution = {"keys": dict(keys), "terms": dict(terms), "lang": lang}
    if topics:
        part["topics"] = sorted(topics)
    if heads:
        part["heads"] = list(heads)
    return part


def _tally(counts: dict[str, int], items: list[str], sign: int) -> None:
    """Add (or take out) one count per item; a count that reaches 0 leaves."""
    for item in items:
        left = counts.get(item, 0) + sign
        if left > 0:
            counts[item] = left
        else:
            counts.pop(item, None)


def _count_heads(profile: Profile, heads: list[str], sign: int) -> None:
    _tally(profile.setdefault("heads", {}), heads, sign)


def dominant_topics(profile: Profile, share: float) -> frozenset[str]:
    """Topics carried by at least ``share`` of the members that have one; once a story
    has three members, by two of them at least (one odd headline is not the story)."""
    counts: dict[str, int] = profile.get("topics") or {}
    if not counts:
        return frozenset()
    floor = max(1.0 if profile.get("n", 0) < 3 else 2.0, share * profile.get("tn", 0))
    return frozenset(topic for topic, count in counts.items() if count >= floor)


def _count_topics(profile: Profile, topics: list[str], sign: int) -> None:
    if not topics:
        return
    _tally(profile.setdefault("topics", {}), topics, sign)
    profile["tn"] = max(0, profile.get("tn", 0) + sign)


def add(profile: Profile, part: Contribution) -> None:
    keys: dict[str, list[float]] = profile["keys"]
    for key, weight in part["keys"].items():
        entry = keys.get(key)
        if entry is None:
            keys[key] = [weight, 1]
        else:
            if weight > entry[0]:  # max(entry[0], weight)
                entry[0] = weight
            entry[1] += 1
    centroid = profile["terms"].setdefault(part["lang"], {})
    for term, weight in part["terms"].items():
        centroid[term] = round(centroid.get(term, 0.0) + weight, 4)
    profile["n"] += 1
    _count_topics(profile, part.get("topics", []), +1)
    _count_heads(profile, part.get("heads", []), +1)
    _trim(profile)
    _renorm(profile, (part["lang"],))


def remove(profile: Profile, part: Contribution) -> None:
    """Take a member's contribution out (keys it alone carried disappear)."""
    keys: dict[str, list[float]] = profile["keys"]
    for key in part["keys"]:
        entry = keys.get(key)
        if entry is None:
            continue
        entry[1] -= 1
        if entry[1] <= 0:
            del keys[key]
    centroid = profile["terms"].get(part["lang"], {})
    for term, weight in part["terms"].items():
        if term in centroid:
            left = round(centroid[term] - weight, 4)
            if left > 1e-6:
                centroid[term] = left
            else:
                del centroid[term]
    if not centroid:
        profile["terms"].pop(part["lang"], None)
    profile["n"] = max(0, profile["n"] - 1)
    _count_topics(profile, part.get("topics", []), -1)
    _count_heads(profile, part.get("heads", []), -1)
    _renorm(profile, (part["lang"],))


def absorb(profile: Profile, other: Profile) -> None:
    """Add another story's profile (a merge)."""
    keys: dict[str, list[float]] = profile["keys"]
    for key, (weight, count) in other["keys"].items():
        entry = keys.get(key)
        if entry is None:
            keys[key] = [weight, count]
        else:
            if weight > entry[0]:  # max(entry[0], weight)
                entry[0] = weight
            entry[1] += count
    for lang, terms in other["terms"].items():
        centroid = profile["terms"].setdefault(lang, {})
        for term, weight in terms.items():
            centroid[term] = round(centroid.get(term, 0.0) + weight, 4)
    profile["n"] += other["n"]
    counts: dict[str, int] = profile.setdefault("topics", {})
    for topic, count in (other.get("topics") or {}).items():
        counts[topic] = counts.get(topic, 0) + count
    profile["tn"] = profile.get("tn", 0) + other.get("tn", 0)
    heads: dict[str, int] = profile.setdefault("heads", {})
    for key, count in (other.get("heads") or {}).items():
        heads[key] = heads.get(key, 0) + count
    _trim(profile)
    _renorm(profile, list(other["terms"]))


def strength(entry: list[float]) -> float:
    """How much a key characterises the story: its weight, more if many members carry it."""
    return entry[0] * (1.0 + math.log(entry[1]))


def top_keys(profile: Profile, limit: int) -> list[str]:
    log = math.log  # (-strength, key) pairs sorted as tuples: this runs on each add to a
    # full profile
    ranked = sorted([(-(w * (1.0 + log(n))), k) for k, (w, n) in profile["keys"].items()])
    return [k for _, k in ranked[:limit]]


def _trim(profile: Profile) -> None:
    keys = profile["keys"]
    if len(keys) > MAX_KEYS:  # drop the weakest: the largest (-strength, key)
        log = math.log
        ranked = [(-(w * (1.0 + log(n))), k) for k, (w, n) in keys.items()]
        drop = {k for _, k in heapq.nlargest(len(keys) - MAX_KEYS, ranked)}
        profile["keys"] = {k: v for k, v in keys.items() if k not in drop}
    for lang, centroid in list(profile["terms"].items()):
        if len(centroid) > MAX_TERMS:
            ranked = sorted(centroid.items(), key=lambda kv: (-kv[1], kv[0]))[:MAX_TERMS]
            profile["terms"][lang] = dict(ranked)
