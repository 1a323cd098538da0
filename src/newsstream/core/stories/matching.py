"""Scores between an article's evidence and a story's profile, and between stories.

An article belongs to a story when they share enough *language-neutral*
evidence: names, numbers, dates, events with their actors (``core.stories.evidence``).

- **Score**: the summed weight of the keys they share, each key at the higher
  of its two weights (a name that looks like a German word but is plainly a
  name in English counts as a name) times its prominence in the article (a
  passing mention counts a third of a headline name), plus a share of keyword
  cosine against the story's centroid for the article's own language. Sums,
  not normalised similarities: a German report carries many German-only words
  that an English story cannot share, and they must not dilute the names the
  two do share.
- **Anchor**: what the article is *about* must be in the story: a shared key
  from its title or lead (or very prominent in it), one of its main people, or
  several strong shared keys. "Kestrel Labs ousts its CEO, days after OpenAI fired Sam Altman" names
  the Altman story only in passing and stays apart.
- **People conflict**: when the article's main people are new to the story and
  the story's main people are absent from the article (another coach sacked,
  another player sold by the same club), a much higher score is needed.
- **Bridging**: two stories merge only when an article fits both, the weaker
  fit is at least half the stronger, the stories' evidence then overlaps, and
  their first articles already shared a name (``core.stories.engine``): roundups
  naming two stories, or a Microsoft product launch next to Microsoft hiring
  Sam Altman, do not merge them.
"""

from __future__ import annotations

import math
from collections.abc import Container
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from newsstream.core.stories import join_model
from newsstream.core.stories.evidence import Evidence
from newsstream.core.stories.name_keys import skeleton
from newsstream.core.stories.profile import Profile, dominant_topics, norm
from newsstream.core.text.topics import widen


@dataclass(frozen=True, slots=True)
class MatchConfig:
    join_score: float = 0.6  # names + term_weight × words needed to join a story
    conflict_score: float = 2.5  # names needed when the article is about other people
    term_weight: float = 2.0  # weight of same-language keyword cosine
    merge_ratio: float = 0.5  # a bridging article fits a second story with this share
    # of its names score for the best one
    merge_overlap: float = 0.4  # ... and the stories' evidence must overlap this much
    merge_founder_weight: float = 0.5  # ... and their first articles share a key this heavy
    duplicate_jaccard: float = 0.5  # near-duplicate: estimated Jaccard of 3-shingles, or
    duplicate_containment: float = 0.7  # the shorter text this much inside the longer one
    duplicate_floor: float = 0.3  # ... with at least this Jaccard
    anchor_weight: float = 0.3  # a shared key this heavy anchors the article when it is
    central: float = 0.75  # ... in the title or lead, or this prominent in the article;
    breadth: int = 4  # ... so do this many shared keys
    breadth_weight: float = 0.6  # ... this heavy
    topic_share: float = 0.25  # a story's topics: those of at least this share of its members
    kin_share: float = 0.5  # a story's main person named in at least this share of them
    model: str | None = None  # a learned join decision (``data/models/<model>.json``)
    model_threshold: float | None = None  # ... joins at this probability (None: the model's)
    candidates: int = 16  # stories scored per article, at most
    duplicate_suspects: int = 3  # best-scored stories checked for a near-duplicate


@dataclass(slots=True)
class Score:
    total: float
    names: float
    words: float
    shared: int
    anchored: bool  # a central key of the article is in the story
    conflict: bool = False  # the article is about other people than the story
    clash: bool = False  # its headline reports another kind of news than the story's
    events: bool = False  # it shares an event (type and actor) with the story
    kin: bool = False  # one of its main people is one of the story's
    stranger: bool = False  # its headline's first name never headed the story
    unrelated: bool = False  # ... nor a kind a story moves on to (``core.text.topics.widen``)
    size: int = 0  # members of the story
    heads_known: float = 1.0  # share of its headline names that headed the story before
    topic_share: float = 1.0  # most of the story's members with one of its topics
    gap: float = 0.0  # days since the story's latest member
    rivals: bool = False  # the article is about other organisations than the story (model only)
    chance: float | None = None  # the learned decision's probability (``join_model``)
    bar: float = 0.5  # ... and the probability it needs to join

    def joins(self, config: MatchConfig) -> bool:
        if self.chance is not None:  # the learned decision
            return self.chance >= self.bar
        if self.unrelated:  # same names, another kind of news: another story
            return False
        if self.conflict:  # other people: the names must carry it, not shared vocabulary
            return self.anchored and self.names >= config.conflict_score
        return self.anchored and self.total >= config.join_score


@dataclass(slots=True)
class Probe:
    """An article's evidence laid out once for scoring against many profiles."""

    items: tuple[tuple[str, float, float, bool], ...]  # key, weight, prominence, central
    keys: dict[str, int]  # key → its position in ``items``
    terms: dict[str, float]
    order: tuple[str, ...]  # the terms in order
    places: dict[str, int]  # term → its position in ``order``
    norm: float  # Euclidean norm of ``terms``
    language: str
    people: tuple[str, ...]
    topics: frozenset[str] = frozenset()
    heads: tuple[str, ...] = ()
    orgs: tuple[str, ...] = ()
    org_names: frozenset[str] = frozenset()
    bones: dict[str, tuple[str, ...]] = field(default_factory=dict)  # skeleton → its names
    events: frozenset[str] = frozenset()  # its event keys (``v:``)


def probe(evidence: Evidence, config: MatchConfig) -> Probe:
    prominence, anchors, central = evidence.prominence, evidence.anchors, config.central
    items = tuple(
        (key, weight, prominence[key], key in anchors or prominence[key] >= central)
        for key, weight in evidence.keys.items()
    )
    return Probe(
        items,
        {key: i for i, key in enumerate(evidence.keys)},
        evidence.terms,
        tuple(evidence.terms),
        {term: i for i, term in enumerate(evidence.terms)},
        math.sqrt(sum(w * w for w in evidence.terms.values())),
        evidence.language,
        evidence.people,
        evidence.topics,
        evidence.heads,
        evidence.orgs,
        evidence.org_names,
        _bones(evidence.keys),
        frozenset(key for key in evidence.keys if key.startswith("v:")),
    )


def _bones(keys: dict[str, float]) -> dict[str, tuple[str, ...]]:
    found: dict[str, list[str]] = {}
    for key in keys:
        if key.startswith("n:"):
            bones = skeleton(key[2:])
            if bones is not None and f"~:{bones}" in keys:
                found.setdefault(f"~:{bones}", []).append(key)
    return {k: tuple(v) for k, v in found.items()}


def people_conflict(evidence: Evidence, profile: Profile, story_people: list[str]) -> bool:
    """The article's main people are new to the story, and the story's main people
    are absent from the article: another executive, another coach, another player."""
    return _conflict(evidence.people, evidence.keys, profile, story_people)


def _spelt_alike(key: str, common: Container[str], found: Probe) -> bool:
    """Is a name of the article with this skeleton shared as it is spelt?"""
    return any(name in common for name in found.bones.get(key, ()))


def _conflict(
    people: tuple[str, ...], keys: Container[str], profile: Profile, story_people: list[str]
) -> bool:
    if not people or not story_people:
        return False
    known = profile["keys"]
    for person in people:
        if person in known or _bone_key(person) in known:
            return False
    return all(person not in keys and _bone_key(person) not in keys for person in story_people)


@lru_cache(maxsize=50_000)
def _bone_key(person: str) -> str:
    bones = skeleton(person[2:])
    return f"~:{bones}" if bones is not None else ""


@dataclass(frozen=True, slots=True)
class _Headline:
    clash: bool = False
    unrelated: bool = False
    stranger: bool = False
    heads_known: float = 1.0
    topic_share: float = 1.0


_NO_HEADLINE = _Headline()


def _headline(
    found: Probe, profile: Profile, config: MatchConfig, story_people: list[str]
) -> _Headline:
    """How the article's headline (its topics, its names) sits with the story's."""
    if not found.topics and not found.heads:
        return _NO_HEADLINE
    clash = unrelated = stranger = False
    heads_known = topic_share = 1.0
    if found.topics:
        story_topics = dominant_topics(profile, config.topic_share)
        if story_topics:
            clash = not (found.topics & story_topics)
            unrelated = clash and not (widen(found.topics) & story_topics)
        counts = profile.get("topics") or {}
        if counts:
            seen = max(counts.get(topic, 0) for topic in found.topics)
            topic_share = seen / max(1, profile.get("tn", 1))
    if found.heads:
        heads = profile.get("heads") or {}
        head = found.heads[0]
        stranger = head not in heads and head not in story_people
        heads_known = sum(1 for h in found.heads if h in heads) / len(found.heads)
    return _Headline(clash, unrelated, stranger, heads_known, topic_share)


def _rivals(found: Probe, entities: dict[str, Any]) -> bool:
    """The article's main organisations are new to the story, and the story's main
    organisations are absent from the article: another firm of the same name or trade."""
    if not found.orgs:
        return False
    for org in found.orgs:
        if org in entities:
            return False
    ranked = sorted([(-e["salience"], key) for key, e in entities.items() if e["type"] == "ORG"])[
        :3
    ]
    if not ranked:
        return False
    return not any(key in found.org_names for _, key in ranked)


def _kin(
    people: tuple[str, ...], profile: Profile, story_people: list[str], config: MatchConfig
) -> bool:
    """One of the article's main people is a main person of the story, carried by
    at least ``kin_share`` of its members (not a chief quoted once)."""
    keys, floor = profile["keys"], config.kin_share * profile.get("n", 0)
    for person in people:
        if person in story_people:
            entry = keys.get(person)
            if entry is not None and entry[1] >= floor:
                return True
    return False


def score(
    evidence: Evidence, profile: Profile, config: MatchConfig, story_people: list[str] = ()
) -> Score:
    return score_probe(probe(evidence, config), profile, config, story_people)


def score_probe(
    found: Probe,
    profile: Profile,
    config: MatchConfig,
    story_people: list[str] = (),
    gap: float = 0.0,
    story_entities: dict[str, Any] | None = None,
) -> Score:
    """``score`` of a prepared article: the same arithmetic in the same order, but
    only over the keys and terms the two share (found by set intersection)."""
    keys = profile["keys"]
    names = 0.0
    shared = 0
    broad = 0
    anchored = False
    common = found.keys.keys() & keys.keys()
    if common:
        breadth_weight, anchor_weight = config.breadth_weight, config.anchor_weight
        items, places = found.items, found.keys
        for i in sorted([places[key] for key in common]):  # in the article's order
            key, weight, prominence, central = items[i]
            if key[0] == "~" and _spelt_alike(key, common, found):
                continue  # the name itself is shared: its skeleton adds nothing
            strongest = keys[key][0]
            if weight >= strongest:
                strongest = weight
            names += strongest * prominence
            shared += 1
            if strongest >= breadth_weight:
                broad += 1
            if central and strongest >= anchor_weight:
                anchored = True
    if not anchored and common:  # a main person of the article is in the story
        for person in found.people:
            if person in common and keys[person][0] >= config.anchor_weight:
                anchored = True
                break
    words = _words(found, profile)
    total = round(names + config.term_weight * words, 4)
    conflict = _conflict(found.people, found.keys, profile, story_people)
    events = not found.events.isdisjoint(common)
    kin = _kin(found.people, profile, story_people, config)
    headline = _headline(found, profile, config, story_people)
    found_score = Score(
        total,
        names,
        words,
        shared,
        anchored or broad >= config.breadth,
        conflict,
        headline.clash,
        events,
        kin,
        headline.stranger,
        headline.unrelated,
        profile.get("n", 0),
        headline.heads_known,
        headline.topic_share,
        gap,
        # a feature of the learned decision only (it sorts the story's entities)
        _rivals(found, story_entities) if story_entities and config.model else False,
    )
    if config.model is not None:
        model = join_model.load(config.model)
        found_score.chance = model.probability(found_score)
        bar = config.model_threshold
        found_score.bar = model.threshold if bar is None else bar
    return found_score


def _words(found: Probe, profile: Profile) -> float:
    """Keyword cosine against the centroid of the article's language:
    ``fingerprints.cosine`` bit for bit (the dot product runs over the smaller of the
    two, in its order; terms the other lacks would add exactly 0.0)."""
    terms = found.terms
    centroid = profile["terms"].get(found.language)
    if not terms or not centroid:
        return 0.0
    together = terms.keys() & centroid.keys()
    if not together:
        return 0.0
    dot = 0.0
    if len(terms) > len(centroid):
        for term, weight in centroid.items():
            if term in together:
                dot += weight * terms[term]
        return dot / (norm(profile, found.language) * found.norm) if dot != 0.0 else 0.0
    order, places = found.order, found.places
    for i in sorted([places[term] for term in together]):
        term = order[i]
        dot += terms[term] * centroid[term]
    return dot / (found.norm * norm(profile, found.language)) if dot != 0.0 else 0.0


def overlap(a: Profile, b: Profile) -> float:
    """Share of the smaller profile's evidence weight that the other one also has."""
    small, large = (a, b) if _mass(a) <= _mass(b) else (b, a)
    total = _mass(small)
    if total <= 0.0:
        return 0.0
    common = sum(entry[0] for key, entry in small["keys"].items() if key in large["keys"])
    return common / total


def _mass(profile: Profile) -> float:
    return sum(entry[0] for entry in profile["keys"].values())


def ranked(scores: dict[str, Score]) -> list[tuple[str, Score]]:
    """Best first (by the learned probability when there is one, else the total); ties
    broken by story id so that decisions are deterministic."""
    return sorted(scores.items(), key=lambda item: (-_rank(item[1]), item[0]))


def _rank(found: Score) -> float:
    return found.total if found.chance is None else found.chance


def bridged(
    best: tuple[str, Score],
    other: tuple[str, Score],
    profiles: dict[str, Profile],
    config: MatchConfig,
) -> bool:
    """Does the article show that ``other`` is the same story as ``best``?"""
    _, top = best
    sid, second = other
    # names, not words: the half in the article's own language has a head start in words
    if not second.joins(config) or second.names < config.merge_ratio * top.names:
        return False
    if not topics_agree(profiles[best[0]], profiles[sid], config):
        return False  # one reports a dismissal, the other results: not one story
    share = overlap(profiles[best[0]], profiles[sid])
    return share >= config.merge_overlap


def topics_agree(a: Profile, b: Profile, config: MatchConfig) -> bool:
    """Two stories' headlines report the same kinds of news (or one has no topic yet)."""
    mine = dominant_topics(a, config.topic_share)
    theirs = dominant_topics(b, config.topic_share)
    return not mine or not theirs or bool(mine & theirs)
