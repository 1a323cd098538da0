"""Scores between an extracted article and candidate stories.

First version: near-duplicates by MinHash Jaccard against members; story
membership by weighted overlap of salient PERSON/ORG names, with keyword cosine
as a tie-breaker. Evidence that crosses languages (names) decides; words only
help within one language.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from newsstream.core.extracted import Extraction
from newsstream.core.fingerprints import cosine, jaccard


@dataclass(frozen=True, slots=True)
class MatchConfig:
    duplicate_jaccard: float = 0.6
    join_score: float = 0.45
    merge_score: float = 0.8
    top_names: int = 6


def _weights(extraction: Extraction, limit: int) -> dict[str, float]:
    picked = [e for e in extraction.entities if e.type in ("PERSON", "ORG")][:limit]
    total = sum(max(e.salience, 0.1) for e in picked) or 1.0
    return {e.name.casefold(): max(e.salience, 0.1) / total for e in picked}


def _story_names(story: dict[str, Any]) -> set[str]:
    return set(story["names"])


def near_duplicate_of(
    extraction: Extraction, stories: list[dict[str, Any]], config: MatchConfig
) -> tuple[dict[str, Any], str] | None:
    """(story, member id) of the closest member at or above the duplicate threshold."""
    best: tuple[float, str, dict[str, Any]] | None = None
    signature = extraction.fingerprint.minhash
    for story in stories:
        for member in story["members"].values():
            if member.get("duplicate_of"):
                continue
            score = jaccard(signature, member["extraction"]["fingerprint"]["minhash"])
            if score >= config.duplicate_jaccard and (best is None or score > best[0]):
                best = (score, member["id"], story)
    return (best[2], best[1]) if best else None


def story_score(extraction: Extraction, story: dict[str, Any], config: MatchConfig) -> float:
    weights = _weights(extraction, config.top_names)
    names = _story_names(story)
    shared = [n for n in weights if n in names]
    if not shared:
        return 0.0
    overlap = sum(weights[n] for n in shared)
    if len(shared) >= 2:
        overlap = max(overlap, 0.5)
    words = max(
        (
            cosine(extraction.fingerprint.keywords, m["extraction"]["fingerprint"]["keywords"])
            for m in story["members"].values()
        ),
        default=0.0,
    )
    return min(1.0, overlap + 0.2 * words)


def best_matches(
    extraction: Extraction, stories: list[dict[str, Any]], config: MatchConfig
) -> list[dict[str, Any]]:
    """Stories to join: the best one at or above ``join_score``, then any others
    at or above ``merge_score`` (bridging evidence), best first."""
    scored = [(story_score(extraction, s, config), s["id"], s) for s in stories]
    scored = [item for item in scored if item[0] >= config.join_score]
    scored.sort(key=lambda item: (-item[0], item[1]))
    if not scored:
        return []
    best = [scored[0][2]]
    best.extend(s for score, _sid, s in scored[1:] if score >= config.merge_score)
    return best
