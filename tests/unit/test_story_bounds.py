"""A story's state and record stay bounded however many articles it gathers, and
what it no longer lists in full (old member refs) still counts, can be corrected,
re-delivered, merged and expired."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson

from newsstream.core.extracted import Entity, Event, Extraction, Fingerprint
from newsstream.core.ports import DictStore
from newsstream.core.stories.engine import EngineConfig, StoryEngine
from newsstream.core.stories.state import DROP_BATCH, RETAIN
from newsstream.models import Article
from tests.unit.test_stories_engine import JsonStore

T0 = datetime(2024, 5, 6, 6, 0, tzinfo=UTC)
LIMIT = 500_000  # bytes of JSON: far below what a Kafka message may carry (1 MB)
CAST = ("Norvalt Energie", "Ilse Varnhagen", "Koldingen")


class Counted(DictStore):
    def __init__(self) -> None:
        super().__init__()
        self.writes = 0

    def set(self, key: str, value: Any) -> None:
        self.writes += 1
        super().set(key, value)


def follow_up(
    rng: random.Random, n: int, cast: tuple[str, str, str] = CAST
) -> tuple[Article, Extraction]:
    """One more report on a long-running story: long ids, URLs and titles, ten names."""
    org, person, place = cast
    article_id = str(uuid.UUID(int=rng.getrandbits(128)))
    when = T0 + timedelta(minutes=5 * n)
    body = (
        f"{person} of {org} said on Monday that the plant in {place} would stay shut. "
        f"Update {n}: {rng.randint(1_000, 99_999)} households are without power."
    )
    article = Article(
        id=article_id,
        title=f"{org}: {person} says {place} plant stays shut — live updates, part {n}",
        body=body,
        published_at=when,
        source=f"Outlet {n % 40}",
        url=f"https://news.example.com/europe/2024/05/{article_id}/{org.lower().replace(' ', '-')}",
    )
    others = tuple(
        Entity(f"Witness{rng.randint(0, 400)} Person", "PERSON", (), 1, 200 + i, 0.2)
        for i in range(7)
    )
    entities = (
        Entity(org, "ORG", (), 3, 0, 1.0),
        Entity(person, "PERSON", (), 2, 10, 0.9),
        Entity(place, "LOC", (), 2, 30, 0.6),
        *others,
    )
    event = Event("resignation", (person,), org, "CEO", when, 0.6, body[:120])
    signature = tuple(rng.getrandbits(32) for _ in range(64))
    words = ["plant", "power", "shut", "grid", "strike", "union", "price"]
    keywords = {w: 1.0 + rng.random() for w in rng.sample(words, 5)}
    return article, Extraction("en", entities, (event,), Fingerprint(signature, keywords), body)


def json_size(value: Any) -> int:
    return len(orjson.dumps(value))


def test_a_story_of_5000_articles_keeps_state_and_record_under_500_kb() -> None:
    rng = random.Random(7)
    store = Counted()
    engine = StoryEngine(store, EngineConfig(window=timedelta(days=60)))
    articles = [follow_up(rng, n) for n in range(5000)]
    sizes = []
    for n, (article, extraction) in enumerate(articles):
        outcome = engine.process(article, extraction)
        if n % 1000 == 999:  # what the story keeps besides its member refs, and its record
            story = store.get(f"s:{outcome.story_id}")
            rest = json_size({**story, "members": []})
            sizes.append((rest, len(outcome.records[-1].model_dump_json())))
    record = outcome.records[-1]
    assert engine.active_story_count() == 1
    assert record.article_count == 5000
    assert len(record.articles) == RETAIN  # the latest ones (no near-duplicates here)
    latest = {a.id for a, _ in articles[-RETAIN:]}
    assert {a.id for a in record.articles} == latest
    assert record.first_published_at == articles[0][0].published_at
    assert record.sources == sorted({a.source for a, _ in articles})
    story = store.get(f"s:{record.story_id}")
    assert len(story["members"]) <= RETAIN + DROP_BATCH
    assert json_size(story) < LIMIT and len(record.model_dump_json()) < LIMIT
    # flat once the tables are full, not growing with the story
    assert sizes[-1][0] < sizes[-3][0] * 1.05 and sizes[-1][1] < sizes[-3][1] * 1.05
    # an old member is still known: re-delivered it changes nothing ...
    first, first_extraction = articles[0]
    again = engine.process(first, first_extraction)
    assert again.decision == "redelivery" and again.records[0].version == record.version
    # ... and corrected it is taken out and placed again, still counted once
    later = first.published_at + timedelta(days=30)
    fixed = first.model_copy(update={"body": first.body + " (corrected)", "updated_at": later})
    corrected = engine.process(fixed, first_extraction)
    assert corrected.decision == "correction"
    assert corrected.records[-1].article_count == 5000
    assert corrected.records[-1].story_id == record.story_id


def test_follow_ups_to_a_big_story_write_a_few_values() -> None:
    rng = random.Random(3)
    store = Counted()
    engine = StoryEngine(store, EngineConfig(window=timedelta(days=60)))
    writes = []
    for n in range(RETAIN + 2 * DROP_BATCH):
        before = store.writes
        engine.process(*follow_up(rng, n))
        writes.append(store.writes - before)
    # marker, story, clock; one more when a batch of old refs is dropped
    assert max(writes[-DROP_BATCH:]) <= 4 and sum(writes[-DROP_BATCH:]) <= 3 * DROP_BATCH + 1


def test_an_expired_big_story_leaves_nothing_behind() -> None:
    rng = random.Random(5)
    store = DictStore()
    config = EngineConfig(window=timedelta(days=7), redelivery_horizon=2)
    engine = StoryEngine(store, config)
    for n in range(RETAIN + 3 * DROP_BATCH):
        engine.process(*follow_up(rng, n))
    assert any(k.startswith("m:") for k in store.data)
    late = Article(id="late", title="Quite another matter", published_at=T0 + timedelta(days=90))
    outcome = engine.process(late, Extraction("en"))
    assert outcome.expired == 1
    gone = {k for k, v in store.data.items() if k[:2] == "a:" and v.get("gone")}
    assert RETAIN <= len(gone) < RETAIN + DROP_BATCH  # the listed members, kept a while
    left = {k for k in store.data if k[:2] in ("s:", "m:", "k:", "h:")}
    assert left == {f"s:{outcome.story_id}"}
    for n in range(2):  # ... for ``redelivery_horizon`` more articles
        other = Article(id=f"o{n}", title="Quite another matter", published_at=late.published_at)
        engine.process(other, Extraction("en"))
    left = {k for k in store.data if k[:2] in ("a:", "m:", "k:", "h:", "g:")}
    assert left == {"a:late", "a:o0", "a:o1"}


def test_merging_a_story_that_dropped_refs_moves_all_its_members() -> None:
    rng = random.Random(11)
    store = JsonStore()  # only what was written survives
    engine = StoryEngine(store, EngineConfig(window=timedelta(days=60)))
    small = [follow_up(rng, n, ("Halvorsen Werft", "Jonas Brekke", "Tromvik")) for n in range(400)]
    for article, extraction in small:
        loser = engine.process(article, extraction).story_id
    for n in range(450):
        survivor = engine.process(*follow_up(rng, 1000 + n, CAST)).story_id
    assert survivor != loser and engine.active_story_count() == 2
    assert any(k.startswith(f"m:{loser}:") for k in store.data)
    # merge them as a bridging article would (core.stories._place)
    when = T0 + timedelta(days=4)
    gone, kept = engine._edit(loser), engine._edit(survivor)
    retired = engine._merge(gone, kept, when)
    record = engine._bump(kept, when)
    engine._db.flush()
    assert retired.status == "merged" and retired.merged_into == survivor
    assert record.article_count == 850 and record.merged_from == [loser]
    assert engine.active_story_count() == 1
    assert not any(k.startswith(f"m:{loser}:") or k == f"s:{loser}" for k in store.data)
    # every member of the absorbed story, listed or long dropped, belongs to the survivor
    for article, extraction in (small[0], small[-1]):
        again = engine.process(article, extraction)
        assert again.decision == "redelivery" and again.story_id == survivor
    # and leaves with it
    late = Article(id="late", title="Quite another matter", published_at=T0 + timedelta(days=120))
    engine.process(late, Extraction("en"))
    assert not any(k[:2] == "m:" for k in store.data)
    markers = {k: v for k, v in store.data.items() if k[:2] == "a:" and k != "a:late"}
    assert len(markers) == RETAIN and all(b'"gone":true' in v for v in markers.values())


def test_a_story_that_never_ends_keeps_the_markers_of_about_two_windows() -> None:
    """A story active for ten windows forgets the markers of members dropped more than a
    window ago: the markers stay bounded while every article still counts."""
    rng = random.Random(5)
    store = JsonStore()
    engine = StoryEngine(store, EngineConfig(window=timedelta(days=1)))
    per_day = 288  # one report every 5 minutes
    articles = [follow_up(rng, n) for n in range(10 * per_day)]
    markers = []
    for n, (article, extraction) in enumerate(articles):
        story_id = engine.process(article, extraction).story_id
        if n % per_day == per_day - 1:
            markers.append(sum(k.startswith("a:") for k in store.data))
    assert engine.active_story_count() == 1
    story = engine._load(story_id)
    assert story is not None and story["n"] == len(articles) and story["forgot"] > 0
    assert max(markers) <= 2 * per_day + RETAIN + DROP_BATCH, markers
    assert max(markers[3:]) - min(markers[3:]) <= per_day, markers  # flat, not growing
    assert markers[-1] < len(articles) / 3
    # a member from the consumer's recent tail is still recognised when re-delivered
    again = engine.process(*articles[-400])
    assert again.decision == "redelivery" and again.story_id == story_id
    # one forgotten nine windows ago counts as a new article (the documented horizon)
    forgotten = engine.process(*articles[0])
    assert forgotten.decision != "redelivery"
