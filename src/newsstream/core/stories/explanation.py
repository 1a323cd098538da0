"""Why an article went where it went: the decision and the evidence behind it.

Built only when ``EngineConfig.explain`` is on (``newsstream replay --explain``):
per article the decision, the best candidate stories with every feature of their
score (names, words, anchor, people conflict, topic clash, shared event), the
keys the article shares with each, and the article's own topics and main
people. A wrong join in real news can then be traced to the keys that made it.
Plain JSON-able dicts; pure.
"""

from __future__ import annotations

from typing import Any

from newsstream.core.stories.matching import MatchConfig, Probe, Score
from newsstream.core.stories.profile import Profile, dominant_topics

SHOWN_CANDIDATES = 5
SHOWN_KEYS = 8

Explanation = dict[str, Any]


def explain_place(
    found: Probe,
    article_id: str,
    ranked: list[tuple[str, Score]],
    profiles: dict[str, Profile],
    config: MatchConfig,
) -> Explanation:
    """The article's side and its best-scored candidates (best first)."""
    return {
        "article": article_id,
        "language": found.language,
        "topics": sorted(found.topics),
        "people": list(found.people),
        "candidates": [
            _candidate(found, sid, score, profiles[sid], config)
            for sid, score in ranked[:SHOWN_CANDIDATES]
        ],
    }


def _candidate(
    found: Probe, sid: str, score: Score, profile: Profile, config: MatchConfig
) -> dict[str, Any]:
    keys = profile["keys"]
    shared = sorted(
        (key for key in found.keys if key in keys),
        key=lambda key: (-max(keys[key][0], found.items[found.keys[key]][1]), key),
    )
    story_topics = sorted(dominant_topics(profile, config.topic_share))
    return {
        "story": sid,
        "joins": score.joins(config),
        "why": reason(score, config, found.topics, story_topics),
        "score": score.total,
        "names": round(score.names, 4),
        "words": round(score.words, 4),
        "shared": score.shared,
        "anchored": score.anchored,
        "conflict": score.conflict,
        "clash": score.clash,
        "unrelated": score.unrelated,
        "events": score.events,
        "kin": score.kin,
        "stranger": score.stranger,
        "rivals": score.rivals,
        "heads_known": round(score.heads_known, 3),
        "topic_share": round(score.topic_share, 3),
        "gap_days": round(score.gap, 2),
        "chance": None if score.chance is None else round(score.chance, 4),
        "story_topics": story_topics,
        "story_size": profile.get("n", 0),
        "keys": shared[:SHOWN_KEYS],
    }


def reason(
    score: Score, config: MatchConfig, topics: frozenset[str], story_topics: list[str]
) -> str:
    """One line: why the candidate was or was not joined."""
    if score.chance is not None:
        verdict = "joins" if score.chance >= score.bar else "stays apart"
        return f"model: p={score.chance:.3f} vs {score.bar} → {verdict}"
    if score.unrelated:
        mine, theirs = ", ".join(sorted(topics)), ", ".join(story_topics)
        return f"stays apart: the headline reports {mine}, the story {theirs} (unrelated)"
    if not score.anchored:
        return "stays apart: nothing the article is about (title, lead, main people) is in it"
    if score.conflict:
        verdict = "joins" if score.names >= config.conflict_score else "stays apart"
        return (
            f"{verdict}: other people than the story's, names {score.names:.2f} "
            f"vs {config.conflict_score}"
        )
    verdict = "joins" if score.total >= config.join_score else "stays apart"
    return f"{verdict}: score {score.total:.2f} vs {config.join_score}"
