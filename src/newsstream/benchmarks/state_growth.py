"""How the core's state grows over a long synthetic stream (no broker, no Faust).

``python -m newsstream.benchmarks.state_growth --articles 60000 --every 5000
--window-hours 72`` runs the synthetic stream of ``benchmarks.synthetic`` through
extraction and a ``StoryEngine`` on a ``DictStore`` and prints, every ``every``
articles, the number of store keys by kind (``a`` article markers, ``s`` stories,
``h``/``k`` index postings, ``m`` dropped member ids, ``b`` ageing buckets), their
JSON size, the process's RSS, the active stories and the largest stories. Once
the story window is full these must stop growing; the soak measures the same
thing through the broker, where the broker's own cost hides it.
"""

from __future__ import annotations

import argparse
import itertools
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import orjson

from newsstream.benchmarks.synthetic import iter_articles
from newsstream.core.pipeline import process_article
from newsstream.core.ports import DictStore
from newsstream.core.stories.engine import EngineConfig, StoryEngine
from newsstream.models import Article

LARGEST = 3


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _snapshot(n: int, store: DictStore, engine: StoryEngine) -> dict[str, Any]:
    kinds = Counter(key.split(":", 1)[0] for key in store.data)
    owners = Counter(v["story"] for k, v in store.data.items() if k.startswith("a:"))
    return {
        "articles": n,
        "rss_mb": round(rss_mb(), 1),
        "keys": len(store.data),
        "json_mb": round(sum(len(orjson.dumps(v)) for v in store.data.values()) / 1e6, 2),
        "active_stories": engine.active_story_count(),
        "keys_by_kind": dict(kinds.most_common()),
        "largest_stories_by_markers": owners.most_common(LARGEST),
    }


def growth(articles: int, every: int, window_hours: float) -> Iterator[dict[str, Any]]:
    store = DictStore()
    engine = StoryEngine(store, EngineConfig(window=timedelta(hours=window_hours)))
    rows = itertools.islice(iter_articles(size=3000), articles)
    for n, row in enumerate(rows, 1):
        process_article(engine, Article.model_validate(row))
        if n % every == 0:
            yield _snapshot(n, store, engine)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=60_000)
    parser.add_argument("--every", type=int, default=5_000)
    parser.add_argument("--window-hours", type=float, default=72.0)
    args = parser.parse_args()
    for snapshot in growth(args.articles, args.every, args.window_hours):
        print(orjson.dumps(snapshot).decode(), flush=True)


if __name__ == "__main__":
    main()
