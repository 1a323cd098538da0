"""Story engine decisions on hand-built extractions (independent of the extractor)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from newsstream.core.extracted import Entity, Event, Extraction, Fingerprint
from newsstream.core.fingerprints import fingerprint
from newsstream.core.ports import DictStore
from newsstream.core.stories import EngineConfig, StoryEngine
from newsstream.models import Article

T0 = datetime(2023, 11, 17, 20, 0, tzinfo=UTC)


def art(id_: str, title: str, body: str = "", hours: float = 0.0, **extra: object) -> Article:
    return Article(
        id=id_,
        title=title,
        body=body or title,
        published_at=T0 + timedelta(hours=hours),
        source=str(extra.pop("source", "Wire")),
        **extra,
    )


def ext(
    article: Article, *names: tuple[str, str], events: tuple[Event, ...] = (), lang: str = "en"
) -> Extraction:
    entities = tuple(
        Entity(name, kind, (), 2, i * 10, 5.0 - i) for i, (name, kind) in enumerate(names)
    )
    fp = fingerprint(article.title, article.body)
    return Extraction(lang, entities, events, Fingerprint(fp.minhash, fp.keywords), article.title)


ALTMAN = (("Sam Altman", "PERSON"), ("OpenAI", "ORG"))
HIRE = (("Sam Altman", "PERSON"), ("Microsoft", "ORG"), ("Satya Nadella", "PERSON"))
OTHER = (("Dana Whitlock", "PERSON"), ("Harbor Freight Lines", "ORG"))


def engine(**config: object) -> StoryEngine:
    return StoryEngine(DictStore(), EngineConfig(**config))  # type: ignore[arg-type]


def test_exact_redelivery_changes_nothing_and_re_emits_current_version() -> None:
    eng = engine()
    a = art("a1", "OpenAI board fires Sam Altman")
    first = eng.process(a, ext(a, *ALTMAN))
    again = eng.process(a, ext(a, *ALTMAN))
    assert first.decision == "created" and again.decision == "redelivery"
    assert again.records[0] == first.records[0]
    assert again.records[0].version == 1 and again.records[0].article_count == 1


def test_update_joins_across_languages_and_events_form_a_timeline() -> None:
    eng = engine()
    de = art("de1", "OpenAI entlässt Sam Altman", language="de")
    en = art("en1", "Microsoft hires Sam Altman", hours=60)
    fired = Event("dismissal", ("Sam Altman",), "OpenAI", "CEO", T0, 0.9, "…")
    hired = Event("hiring", ("Sam Altman",), "Microsoft", None, T0 + timedelta(days=3), 0.9, "…")
    one = eng.process(de, ext(de, *ALTMAN, events=(fired,), lang="de"))
    two = eng.process(en, ext(en, *HIRE, events=(hired,)))
    assert two.decision == "joined" and two.story_id == one.story_id
    record = two.records[-1]
    assert record.version == 2 and record.status == "updated"
    assert record.languages == ["de", "en"]
    assert [e.type for e in record.events] == ["dismissal", "hiring"]
    assert [a.id for a in record.articles] == ["de1", "en1"]


def test_unrelated_article_opens_its_own_story() -> None:
    eng = engine()
    a = art("a1", "OpenAI board fires Sam Altman")
    b = art("b1", "Harbor Freight Lines names Dana Whitlock chief", hours=1)
    first = eng.process(a, ext(a, *ALTMAN))
    second = eng.process(b, ext(b, *OTHER))
    assert second.decision == "created" and second.story_id != first.story_id


def test_correction_replaces_the_article_and_is_not_counted_twice() -> None:
    eng = engine()
    a = art("a1", "OpenAI board fires Sam Altman", "The board fired him on Friday.")
    fixed = art(
        "a1",
        "OpenAI board fires Sam Altman",
        "The board fired him on Friday evening.",
        updated_at=T0 + timedelta(hours=2),
    )
    eng.process(a, ext(a, *ALTMAN))
    outcome = eng.process(fixed, ext(fixed, *ALTMAN))
    assert outcome.decision == "correction"
    record = outcome.records[-1]
    assert record.article_count == 1 and record.version == 2


def test_stale_correction_is_ignored() -> None:
    eng = engine()
    new = art("a1", "OpenAI board fires Sam Altman", "v2", updated_at=T0 + timedelta(hours=3))
    old = art("a1", "OpenAI board fires Sam Altman", "v1", updated_at=T0 + timedelta(hours=1))
    eng.process(new, ext(new, *ALTMAN))
    outcome = eng.process(old, ext(old, *ALTMAN))
    assert outcome.decision == "redelivery" and outcome.records[0].version == 1


def test_correction_that_moves_the_only_article_retires_the_old_story() -> None:
    eng = engine()
    anchor = art("x1", "Harbor Freight Lines names Dana Whitlock chief")
    eng.process(anchor, ext(anchor, *OTHER))
    wrong = art("a1", "OpenAI board fires Sam Altman")
    first = eng.process(wrong, ext(wrong, *ALTMAN))
    moved = art(
        "a1", "Harbor Freight Lines: Dana Whitlock starts", updated_at=T0 + timedelta(hours=1)
    )
    outcome = eng.process(moved, ext(moved, *OTHER))
    assert outcome.decision == "correction"
    retired = [r for r in outcome.records if r.story_id == first.story_id]
    assert retired and retired[0].status == "merged" and retired[0].merged_into == outcome.story_id
    target = [r for r in outcome.records if r.story_id == outcome.story_id][-1]
    assert {a.id for a in target.articles} == {"x1", "a1"}


def test_near_duplicate_joins_flagged() -> None:
    eng = engine()
    body = (
        "The board of OpenAI said on Friday that Sam Altman would leave the company "
        "after a review found he had not been consistently candid in his communications "
        "with the board, and that Mira Murati would serve as interim chief executive."
    )
    a = art("w1", "OpenAI ousts Sam Altman", body, source="Wire A")
    b = art("w2", "Sam Altman out at OpenAI", "SAN FRANCISCO — " + body, hours=1, source="Paper B")
    eng.process(a, ext(a, *ALTMAN))
    outcome = eng.process(b, ext(b, *ALTMAN))
    assert outcome.decision == "near_duplicate"
    record = outcome.records[-1]
    assert record.duplicate_count == 1
    assert {r.id: r.duplicate_of for r in record.articles} == {"w1": None, "w2": "w1"}


def test_quiet_stories_age_out_and_a_late_development_is_a_new_story() -> None:
    eng = engine(window=timedelta(days=7))
    a = art("a1", "OpenAI board fires Sam Altman")
    first = eng.process(a, ext(a, *ALTMAN))
    assert eng.active_story_count() == 1
    later = art("a2", "Sam Altman testifies", hours=24 * 60)
    outcome = eng.process(later, ext(later, *ALTMAN))
    assert outcome.expired == 1
    assert outcome.decision == "created" and outcome.story_id != first.story_id
    assert eng.active_story_count() == 1
    assert eng.store.get(f"s:{first.story_id}") is None
    assert eng.store.get("a:a1") is None


def test_story_ids_and_versions_are_deterministic() -> None:
    def run() -> list[tuple[str, int]]:
        eng = engine()
        out = []
        for i, names in enumerate((ALTMAN, OTHER, HIRE)):
            a = art(f"a{i}", f"title {i}", hours=i)
            out += [(r.story_id, r.version) for r in eng.process(a, ext(a, *names)).records]
        return out

    assert run() == run()
