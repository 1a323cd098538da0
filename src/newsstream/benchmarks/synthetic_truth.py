"""How well the story engine groups the synthetic stream (no broker, no Faust).

The generator of ``benchmarks.synthetic`` knows which story seed wrote each
article (the ``/s<n>/`` part of its URL; a wire copy keeps its original's URL),
so its stream is labelled data too: thousands of confusable stories whose
organisations share stem words ("Dovbel Kranich Airlines", "Rikka Kranich
Robotics"), a few cities and one filler vocabulary per language. This runs the
first ``--articles`` of it through extraction and a ``StoryEngine`` on a
``DictStore`` and prints B-cubed precision, recall and F1 against the seeds,
and the largest stories with the number of seeds each one mixes.

    python -m newsstream.benchmarks.synthetic_truth --articles 12000 --window-hours 72

Merged stories count as their survivor's. An article's story is the one its
last delivery was placed in (a correction may move it).
"""

from __future__ import annotations

import argparse
import itertools
import re
from collections import Counter, defaultdict
from datetime import timedelta
from typing import Any

import orjson

from newsstream.benchmarks.synthetic import iter_articles
from newsstream.core.pipeline import process_article
from newsstream.core.ports import DictStore
from newsstream.core.stories.engine import EngineConfig, StoryEngine
from newsstream.core.stories.join_model import DECISIONS, DEFAULT_DECISION
from newsstream.evaluation.stories import bcubed
from newsstream.models import Article

_SEED = re.compile(r"/(s\d+)/")
LARGEST = 5


def seed_of(row: dict[str, Any]) -> str:
    """The generator's story seed of an article row."""
    match = _SEED.search(row["url"])
    if match is None:
        raise ValueError(f"not a synthetic article url: {row['url']!r}")
    return match.group(1)


def _resolve(story: str, merged_into: dict[str, str]) -> str:
    seen = set()
    while story in merged_into and story not in seen:
        seen.add(story)
        story = merged_into[story]
    return story


def grouping(
    articles: int, window_hours: float, size: int = 3000, decision: str = DEFAULT_DECISION
) -> dict[str, Any]:
    """B-cubed of the engine's stories against the seeds, and the largest stories."""
    config = EngineConfig.for_decision(decision, window=timedelta(hours=window_hours))
    engine = StoryEngine(DictStore(), config)
    placed: dict[str, str] = {}
    gold: dict[str, str] = {}
    merged_into: dict[str, str] = {}
    for row in itertools.islice(iter_articles(size=size), articles):
        outcome = process_article(engine, Article.model_validate(row))
        gold[row["id"]] = seed_of(row)
        if outcome.story_id is not None:
            placed[row["id"]] = outcome.story_id
        for record in outcome.records:
            if record.status == "merged" and record.merged_into:
                merged_into[record.story_id] = record.merged_into
    predicted = {
        item: _resolve(placed[item], merged_into) if item in placed else f"none:{item}"
        for item in gold
    }
    seeds: dict[str, set[str]] = defaultdict(set)
    for item, story in predicted.items():
        seeds[story].add(gold[item])
    sizes = Counter(predicted.values())
    return {
        "articles": len(gold),
        "seeds": len(set(gold.values())),
        "stories": len(sizes),
        "unplaced": sum(1 for item in gold if item not in placed),
        "bcubed": bcubed(predicted, gold),
        "largest": [
            {"story": sid, "articles": n, "seeds": len(seeds[sid])}
            for sid, n in sizes.most_common(LARGEST)
        ],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=12_000)
    parser.add_argument("--window-hours", type=float, default=72.0)
    parser.add_argument("--size", type=int, default=3000, help="bytes per article, about")
    parser.add_argument("--decision", choices=sorted(DECISIONS), default=DEFAULT_DECISION)
    args = parser.parse_args()
    report = grouping(args.articles, args.window_hours, args.size, args.decision)
    print(orjson.dumps(report, option=orjson.OPT_INDENT_2).decode())


if __name__ == "__main__":
    main()
