"""Scores between an article's evidence and a story's profile, and between stories.

An article belongs to a story when they share enough *language-neutral*
evidence: names, numbers, dates, events with their actors (``core.evidence``).

- **Score**: the summed weight of the keys they share, each key at the higher
  of its two weights (a name that looks like a German word but is plainly a
  name in English counts as a name) times its prominence in the article (a
  passing mention counts a third of a headline name), plus a share of keyword
  cosine against the story's centroid for the article's own language. Sums,
  not normalised similarities: a German report carries many German-only words
  that an English story cannot share, and they must not dilute the names the
  two do share.
- **Anchor**: what the article is *about* must be in the story: a shared key
  from its title or lead (or very prominent in it), or several strong shared
  keys. "Kestrel Labs ousts its CEO, days after OpenAI fired Sam Altman" names
  the Altman story only in passing and stays apart.
- **People conflict**: when the article's main people are new to the story and
  the story's main people are absent from the article (another coach sacked,
  another player sold by the same club), a much higher score is needed.
- **Bridging**: two stories merge only when an article fits both, the weaker
  fit is at least half the stronger, the stories' evidence then overlaps, and
  their first articles already shared a name (``core.stories``): roundups
  naming two stories, or a Microsoft product launch next to Microsoft hiring
  Sam Altman, do not merge them.
"""

from __future__ import annotations

from dataclasses import dataclass

from newsstream.core.evidence import Evidence
from newsstream.core.fingerprints import cosine
from newsstream.core.profile import Profile


@dataclass(frozen=True, slots=True)
class MatchConfig:
    join_score: float = 0.6  # names + term_weight × words needed to join a story
    conflict_score: float = 2.5  # ... when the article is about other people than the story
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
    candidates: int = 16  # stories scored per article, at most
    duplicate_suspects: int = 3  # best-scored stories checked for a near-duplicate


@dataclass(frozen=True, slots=True)
class Score:
    total: float
    names: float
    words: float
    shared: int
    anchored: bool  # a central key of the article is in the story
    conflict: bool = False  # the article is about other people than the story

    def joins(self, config: MatchConfig) -> bool:
        needed = config.conflict_score if self.conflict else config.join_score
        return self.anchored and self.total >= needed


def people_conflict(evidence: Evidence, profile: Profile, story_people: list[str]) -> bool:
    """The article's main people are new to the story, and the story's main people
    are absent from the article: another executive, another coach, another player."""
    if not evidence.people or not story_people:
        return False
    if any(person in profile["keys"] for person in evidence.people):
        return False
    return not any(person in evidence.keys for person in story_people)


def score(
    evidence: Evidence, profile: Profile, config: MatchConfig, story_people: list[str] = ()
) -> Score:
    keys = profile["keys"]
    names = 0.0
    shared = 0
    broad = 0
    anchored = False
    for key, weight in evidence.keys.items():
        entry = keys.get(key)
        if entry is not None:
            strongest = max(weight, entry[0])
            names += strongest * evidence.prominence[key]
            shared += 1
            broad += strongest >= config.breadth_weight
            central = key in evidence.anchors or evidence.prominence[key] >= config.central
            anchored = anchored or (central and strongest >= config.anchor_weight)
    words = cosine(evidence.terms, profile["terms"].get(evidence.language, {}))
    total = round(names + config.term_weight * words, 4)
    conflict = people_conflict(evidence, profile, list(story_people))
    return Score(total, names, words, shared, anchored or broad >= config.breadth, conflict)


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
    """Best first; ties broken by story id so that decisions are deterministic."""
    return sorted(scores.items(), key=lambda item: (-item[1].total, item[0]))


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
    share = overlap(profiles[best[0]], profiles[sid])
    return share >= config.merge_overlap
