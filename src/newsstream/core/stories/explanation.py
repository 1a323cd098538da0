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
    return {
        "story": sid,
        "joins": score.joins(config),
        "score": score.total,
        "names": round(score.names, 4),
        "words": round(score.words, 4),
        "shared": score.shared,
        "anchored": score.anchored,
        "conflict": score.conflict,
        "clash": score.clash,
        "events": score.events,
        "kin": score.kin,
        "story_topics": sorted(dominant_topics(profile, config.topic_share)),
        "story_size": profile.get("n", 0),
        "keys": shared[:SHOWN_KEYS],
    }
