"""Article facts computed ahead (in the ingest stage) change nothing the engine decides."""

from __future__ import annotations

import pickle

import orjson

from newsstream.benchmarks.synthetic import generate_articles
from newsstream.core.extraction import extract
from newsstream.core.ports import DictStore
from newsstream.core.stories.engine import StoryEngine
from newsstream.core.stories.facts import article_facts
from newsstream.models import Article


def _articles(n: int = 300) -> list[Article]:
    return [Article.model_validate(row) for row in generate_articles(n, seed=11, size=2000)]


def _run(articles: list[Article], with_facts: bool) -> tuple[list[bytes], dict]:
    engine = StoryEngine(DictStore())
    outputs = []
    for article in articles:
        extraction = extract(article)
        facts = article_facts(article, extraction) if with_facts else None
        outcome = engine.process(article, extraction, facts)
        records = [r.model_dump(mode="json") for r in outcome.records]
        outputs.append(orjson.dumps([outcome.decision, outcome.story_id, records]))
    return outputs, engine.store.data


def test_outcomes_and_state_are_the_same_with_and_without_facts() -> None:
    articles = _articles()
    with_facts, state_with = _run(articles, with_facts=True)
    without, state_without = _run(articles, with_facts=False)
    assert len(with_facts) == len(articles)
    assert with_facts == without
    assert orjson.dumps(state_with, option=orjson.OPT_SORT_KEYS) == orjson.dumps(
        state_without, option=orjson.OPT_SORT_KEYS
    )


def test_facts_of_another_article_are_not_used() -> None:
    first, second = _articles(2)
    wrong = article_facts(first, extract(first))
    engine, reference = StoryEngine(DictStore()), StoryEngine(DictStore())
    got = engine.process(second, extract(second), wrong)
    expected = reference.process(second, extract(second))
    assert got.story_id == expected.story_id
    assert [r.model_dump() for r in got.records] == [r.model_dump() for r in expected.records]


def test_facts_survive_pickling_for_extraction_processes() -> None:
    article = _articles(1)[0]
    facts = article_facts(article, extract(article))
    assert pickle.loads(pickle.dumps(facts)) == facts
