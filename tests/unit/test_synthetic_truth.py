"""The synthetic stream as labelled data: unique invented names, and the engine's
grouping of it against the generator's seeds (docs/evaluation.md, "Synthetic stream")."""

from __future__ import annotations

import re
from collections import defaultdict

import pytest

from newsstream.benchmarks.synthetic import generate_articles
from newsstream.benchmarks.synthetic_truth import grouping, seed_of

_TITLE = re.compile(
    r"^(?P<org>.+): (?:Wirbel um )?(?P<person>.+?)(?: in the spotlight)?(?: \(wire\))*$"
)  # a copy of a copy


def test_seeds_never_share_an_invented_surname_or_company_name() -> None:
    names: dict[str, set[str]] = defaultdict(set)
    for row in generate_articles(4000):
        match = _TITLE.match(row["title"])
        assert match is not None, row["title"]
        names[match["person"].split()[-1]].add(seed_of(row))
        names[match["org"].split()[0]].add(seed_of(row))
    assert len(names) > 200
    assert all(len(seeds) == 1 for seeds in names.values())


def test_seed_of_needs_a_synthetic_url() -> None:
    assert seed_of({"url": "https://news.example/s17/42"}) == "s17"
    with pytest.raises(ValueError, match="not a synthetic"):
        seed_of({"url": "https://example.org/elsewhere"})


def test_the_engine_keeps_the_synthetic_stories_apart() -> None:
    report = grouping(articles=1200, window_hours=72)
    assert report["unplaced"] == 0 and report["articles"] > 1000
    assert report["bcubed"]["precision"] >= 0.95 and report["bcubed"]["recall"] >= 0.95
    assert max(story["seeds"] for story in report["largest"]) <= 3
