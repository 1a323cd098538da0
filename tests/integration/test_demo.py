"""The demo's promise: the sample set becomes the right stories through a real broker."""

from __future__ import annotations

import io
from collections import defaultdict

import orjson
import pytest
from rich.console import Console

from newsstream.demo import run_sample_stack, sample_lines

pytestmark = [pytest.mark.integration, pytest.mark.timeout(180)]


def test_demo_groups_the_sample_articles_into_their_stories() -> None:
    gold = {row["id"]: row for row in map(orjson.loads, sample_lines())}
    result = run_sample_stack(Console(file=io.StringIO()), timeout=90)
    assert result.placed == result.expected

    story_of = {a.id: r.story_id for r in result.stories for a in r.articles}
    members = defaultdict(set)
    for article_id, story_id in story_of.items():
        members[story_id].add(gold[article_id]["story"])
    assert all(len(labels) == 1 for labels in members.values()), "a story mixes gold stories"

    # German report of the firing and English report of the Microsoft hire: one story.
    firing_de = next(
        i for i, r in gold.items() if r["language"] == "de" and r["story"] == "openai-altman"
    )
    hire_en = next(
        i
        for i, r in gold.items()
        if r["language"] == "en" and "Microsoft" in r["title"] and r["story"] == "openai-altman"
    )
    assert story_of[firing_de] == story_of[hire_en]
    altman = next(r for r in result.stories if r.story_id == story_of[hire_en])
    assert {"dismissal", "hiring"} <= {e.type for e in altman.events}
    assert set(altman.languages) == {"de", "en"}

    # Unrelated stories of the same week have stories of their own.
    others = {r["story"] for r in gold.values()} - {"openai-altman"}
    assert len(others) >= 2
    for label in others:
        ids = [i for i, r in gold.items() if r["story"] == label]
        assert story_of[ids[0]] != story_of[hire_en]

    assert result.metrics_status == 200
    assert any(
        line.startswith("newsstream_articles_received_total 16") for line in result.metrics_lines
    )
