"""Properties of the story engine (hypothesis): it never raises on valid articles,
re-delivery is idempotent, and the final stories do not depend on where the stream
was cut, restarted from a recovered copy of the store, or partly re-delivered."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsstream.core.extracted import Entity, Event, Extraction, Fingerprint
from newsstream.core.extraction import extract
from newsstream.core.ports import DictStore
from newsstream.core.stories.engine import EngineConfig, StoryEngine
from newsstream.models import Article, StoryRecord
from tests.unit.test_stories_engine import JsonStore

T0 = datetime(2024, 3, 1, 8, 0, tzinfo=UTC)
SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])

CASTS = [
    ("Nordwerk", "Katrin Albers", "Halvorsen"),
    ("PavloPay", "Viktor Pavlović", "Berlin"),
    ("Aurelia Air", "Jana Obermaier", "Frankfurt"),
    ("Kestrel Labs", "Tobias Renner", "Munich"),
    ("OpenAI", "Sam Altman", "Microsoft"),
]
TEMPLATES = [
    ("en", "{org} and {person} in talks over {other}",
     "{person} said on Monday that {org} was in talks with {other} about a deal worth "
     "2.1 billion euros. Analysts expect a decision within weeks."),
    ("de", "{org}: {person} verhandelt mit {other}",
     "{person} hat am Montag bestätigt, dass {org} mit {other} über einen Zukauf für "
     "2,1 Milliarden Euro verhandelt. Eine Entscheidung wird in Wochen erwartet."),
    ("en", "{other} rejects {org} offer",
     "{other} turned down the offer from {org}. {person} said the company would consider "
     "its options."),
    ("de", "{person} tritt zurück",
     "{person} ist von der Spitze von {org} zurückgetreten. {other} reagierte gelassen."),
]  # fmt: skip

_extractions: dict[str, Extraction] = {}


def extraction(article: Article) -> Extraction:
    key = orjson.dumps(article.model_dump(mode="json")).decode()
    if key not in _extractions:
        _extractions[key] = extract(article)
    return _extractions[key]


@st.composite
def streams(draw: st.DrawFn) -> list[Article]:
    """Articles about a few casts in both languages, with repeats and corrections."""
    steps = draw(
        st.lists(
            st.tuples(
                st.integers(0, len(CASTS) - 1),
                st.integers(0, len(TEMPLATES) - 1),
                st.integers(0, 30),  # hours after the previous article
                st.sampled_from(["new", "new", "new", "repeat", "correct"]),
            ),
            min_size=1,
            max_size=14,
        )
    )
    articles: list[Article] = []
    when = T0
    for n, (cast, template, gap, kind) in enumerate(steps):
        when += timedelta(hours=gap)
        if kind == "repeat" and articles:
            articles.append(articles[n % len(articles)])
            continue
        if kind == "correct" and articles:
            old = articles[n % len(articles)]
            body = old.body + " (corrected)"
            later = (old.updated_at or old.published_at) + timedelta(hours=1)
            articles.append(old.model_copy(update={"body": body, "updated_at": later}))
            continue
        org, person, other = CASTS[cast]
        lang, title, body = TEMPLATES[template]
        fill = {"org": org, "person": person, "other": other}
        articles.append(
            Article(
                id=f"p-{n}",
                title=title.format(**fill),
                body=body.format(**fill),
                published_at=when,
                source=f"Outlet {n % 3}",
                language=lang,
            )
        )
    return articles


def run(engine: StoryEngine, articles: list[Article]) -> dict[str, StoryRecord]:
    latest: dict[str, StoryRecord] = {}
    for article in articles:
        for record in engine.process(article, extraction(article)).records:
            latest[record.story_id] = record
    return latest


def live_groups(records: dict[str, StoryRecord]) -> dict[str, frozenset[str]]:
    return {
        sid: frozenset(a.id for a in r.articles)
        for sid, r in records.items()
        if r.status != "merged"
    }


def recovered(store: DictStore) -> JsonStore:
    """What a restarted worker has: the changelog's JSON, read back."""
    copy = JsonStore()
    for key, value in store.data.items():
        copy.data[key] = value if isinstance(value, bytes) else orjson.dumps(value)
    return copy


def dump(store: DictStore) -> dict[str, Any]:
    return {k: orjson.loads(v) if isinstance(v, bytes) else v for k, v in store.data.items()}


text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300)
names = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)


@st.composite
def extractions(draw: st.DrawFn, when: datetime) -> Extraction:
    """Anything the extractor could hand over, including odd names and empty parts."""
    entities = draw(
        st.lists(
            st.builds(
                Entity,
                name=names.filter(lambda n: n.strip()),
                type=st.sampled_from(["PERSON", "ORG", "LOC", "MISC", "OTHER"]),
                aliases=st.lists(names, max_size=2).map(tuple),
                mentions=st.integers(0, 9),
                first_position=st.integers(0, 500),
                salience=st.floats(0, 10),
            ),
            max_size=6,
        )
    )
    events = draw(
        st.lists(
            st.builds(
                Event,
                type=st.sampled_from(["dismissal", "hiring", "return", "launch"]),
                actors=st.lists(names, max_size=3).map(tuple),
                organization=st.none() | names,
                role=st.none() | names,
                occurred_at=st.none() | st.just(when),
                confidence=st.floats(0, 1),
                sentence=text,
            ),
            max_size=3,
        )
    )
    minhash = draw(st.lists(st.integers(0, 2**64 - 1), min_size=0, max_size=64).map(tuple))
    keywords = draw(st.dictionaries(names, st.floats(0, 5), max_size=8))
    language = draw(st.sampled_from(["en", "de", "fr", "und"]))
    return Extraction(
        language, tuple(entities), tuple(events), Fingerprint(minhash, keywords), draw(text)
    )


@SETTINGS
@given(
    data=st.data(),
    title=text.filter(lambda t: t.strip()),
    body=text,
    hours=st.integers(-10_000, 10_000),
    language=st.sampled_from([None, "en", "de", "fr"]),
)
def test_never_raises_on_valid_articles(
    data: st.DataObject, title: str, body: str, hours: int, language: str | None
) -> None:
    engine = StoryEngine(JsonStore(), EngineConfig())
    when = T0 + timedelta(hours=hours)
    seen: set[str] = set()
    for n in range(data.draw(st.integers(1, 4))):
        article = Article(
            id=data.draw(st.sampled_from(["x", "y", f"z{n}"])),
            title=title,
            body=body + " " * n,
            published_at=when + timedelta(hours=n),
            language=language,
            source="S",
            updated_at=data.draw(st.none() | st.just(when + timedelta(hours=2 * n))),
        )
        outcome = engine.process(article, data.draw(extractions(when)))
        seen.add(article.id)
        held = {a.id for r in outcome.records if r.status != "merged" for a in r.articles}
        assert article.id in held
    assert 1 <= engine.active_story_count() <= len(seen)


@SETTINGS
@given(articles=streams(), pick=st.integers(0, 100))
def test_redelivery_is_idempotent(articles: list[Article], pick: int) -> None:
    engine = StoryEngine(JsonStore(), EngineConfig())
    run(engine, articles)
    before = dump(engine.store)  # type: ignore[arg-type]
    again = articles[pick % len(articles)]
    latest = [a for a in articles if a.id == again.id][-1]
    outcome = engine.process(latest, extraction(latest))
    assert outcome.decision == "redelivery"
    assert dump(engine.store) == before  # type: ignore[arg-type]
    (record,) = outcome.records
    assert any(a.id == again.id for a in record.articles)


@SETTINGS
@given(articles=streams(), cut=st.integers(0, 100), replayed=st.integers(0, 5))
def test_final_stories_do_not_depend_on_restarts(
    articles: list[Article], cut: int, replayed: int
) -> None:
    whole = run(StoryEngine(DictStore(), EngineConfig()), articles)
    cut %= len(articles) + 1
    first = StoryEngine(DictStore(), EngineConfig())
    head = run(first, articles[:cut])
    second = StoryEngine(recovered(first.store), EngineConfig())  # type: ignore[arg-type]
    # at-least-once: the last few articles before the cut are delivered again
    tail = run(second, articles[max(0, cut - replayed) : cut] + articles[cut:])
    restarted = {**head, **tail}
    assert live_groups(restarted) == live_groups(whole)
    for sid, record in whole.items():
        assert restarted[sid].version == record.version
        assert restarted[sid] == record


@SETTINGS
@given(articles=streams())
def test_each_article_is_in_exactly_one_live_story(articles: list[Article]) -> None:
    records = run(StoryEngine(DictStore(), EngineConfig()), articles)
    held = [i for group in live_groups(records).values() for i in group]
    assert sorted(held) == sorted({a.id for a in articles})
