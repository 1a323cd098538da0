"""The stored story state: its schema version, its migrations and its typed member refs.

``tests/data/state/store-v1.json`` is a whole store as the engine of 2026-12-06 wrote
it (schema version 1: no ``schema`` field, markers with ``v``), after the first ten
articles of the demo sample. The engine of today must carry on from it exactly as if
it had written it itself.
"""

from __future__ import annotations

import json
from pathlib import Path

import orjson
import pytest

from newsstream.core.extraction import extract
from newsstream.core.ports import DictStore
from newsstream.core.stories import schema
from newsstream.core.stories.engine import StoryEngine
from newsstream.models import Article

ROOT = Path(__file__).resolve().parents[2]
STORED_V1 = ROOT / "tests" / "data" / "state" / "store-v1.json"
SAMPLE = ROOT / "src" / "newsstream" / "data" / "sample_articles.jsonl"


def sample() -> list[Article]:
    rows = [json.loads(line) for line in SAMPLE.read_text(encoding="utf-8").splitlines()]
    return [Article.model_validate({k: v for k, v in r.items() if k != "story"}) for r in rows]


def records(engine: StoryEngine, articles: list[Article]) -> list[list[dict]]:
    return [
        [r.model_dump(mode="json") for r in engine.process(a, extract(a)).records]
        for a in articles
    ]


def _without_timeline(batches: list) -> list:
    return [
        [{k: v for k, v in r.items() if k not in ("events", "unconfirmed_events")} for r in b]
        for b in batches
    ]


def test_a_store_written_as_version_1_carries_on_as_if_written_today() -> None:
    articles = sample()
    stored = orjson.loads(STORED_V1.read_bytes())
    stories = [v for k, v in stored.items() if k.startswith("s:")]
    assert stories and all(schema.version_of(s) == 1 for s in stories)
    assert any("v" in v for k, v in stored.items() if k.startswith("a:"))  # old markers
    fresh = StoryEngine(DictStore())
    records(fresh, articles[:10])
    expected = records(fresh, articles[10:] + articles[:2])  # new articles, then re-deliveries
    resumed = StoryEngine(DictStore(stored))
    got = records(resumed, articles[10:] + articles[:2])
    # timelines stored before issue 24 kept no per-article reports: their old entries
    # stay as they were (as lead news), so only the timeline may differ from a fresh run
    assert _without_timeline(got) == _without_timeline(expected)
    assert all(batch for batch in got)
    written = [v for k, v in resumed.store.data.items() if k.startswith("s:")]
    assert all(schema.version_of(s) == schema.SCHEMA for s in written if s["version"] > 1)


def test_a_version_0_story_migrates_to_counted_typed_refs() -> None:
    old = {
        "id": "st-1",
        "version": 3,
        "members": [
            {"id": "a1", "url": None, "source": "Harbor Ledger", "lang": "en", "title": "T",
             "published": 1.0, "published_at": "2023-11-17T00:00:00+00:00"},
            {"id": "a2", "source": "Wire", "lang": "de", "title": "U", "published": 2.0,
             "published_at": "2023-11-18T00:00:00+00:00", "dup": "a1"},
        ],
        "bands": ["h:0:ab", "h:1:cd", "h:0:ef"],
        "status": "updated",
    }  # fmt: skip
    story = schema.adopt(old)
    assert story["schema"] == schema.SCHEMA and story["n"] == 2 and story["dups"] == 1
    assert story["langs"] == {"en": 1, "de": 1} and story["bands"] == ["abcd", "ef"]
    first, second = story["members"]
    assert isinstance(first, schema.MemberRef) and first.id == "a1" and first.lang == "en"
    assert second.dup == "a1" and second.published_at.startswith("2023-11-18")
    assert "status" not in story
    assert schema.adopt(story) is story and story["members"][0] is first  # idempotent


def test_a_member_ref_is_stored_as_its_compact_list() -> None:
    when = "2024-01-01T00:00:00+01:00"
    ref = schema.MemberRef.of("a1", None, "Wire", "de", "Titel", 5.0, when, None)
    assert orjson.loads(orjson.dumps(ref)) == ["a1", None, "Wire", "de", "Titel", 5.0, when, None]
    ref.dup = "a0"
    assert ref[schema.POSITION["dup"]] == "a0"
    assert schema.member(list(ref)) == ref


@pytest.mark.parametrize("field", schema.MEMBER_FIELDS)
def test_every_member_field_reads_its_position(field: str) -> None:
    values = [f"value-{i}" for i in range(len(schema.MEMBER_FIELDS))]
    assert getattr(schema.MemberRef(values), field) == values[schema.POSITION[field]]
