"""Story engine decisions on hand-built extractions (independent of the extractor)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson

from newsstream.core.extracted import Entity, Event, Extraction, Fingerprint
from newsstream.core.ports import DictStore
from newsstream.core.stories.engine import EngineConfig, StoryEngine
from newsstream.core.text.fingerprints import fingerprint
from newsstream.models import Article, StoryRecord

T0 = datetime(2023, 11, 17, 20, 0, tzinfo=UTC)


class JsonStore(DictStore):
    """A store that keeps only JSON, like a changelog-backed table after recovery:
    a value changed in place but never ``set`` is lost, tuples come back as lists."""

    def get(self, key: str) -> Any | None:
        raw = self.data.get(key)
        return None if raw is None else orjson.loads(raw)

    def set(self, key: str, value: Any) -> None:
        self.data[key] = orjson.dumps(value)


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
WIRE = (
    "The board of OpenAI said on Friday that Sam Altman would leave the company "
    "after a review found he had not been consistently candid in his communications "
    "with the board, and that Mira Murati would serve as interim chief executive. "
    "Greg Brockman, the chairman, will step down from the board but stay at OpenAI."
)


def engine(store: DictStore | None = None, **config: object) -> StoryEngine:
    return StoryEngine(store or DictStore(), EngineConfig(**config))  # type: ignore[arg-type]


def live(records: list[StoryRecord]) -> dict[str, StoryRecord]:
    latest: dict[str, StoryRecord] = {}
    for record in records:
        latest[record.story_id] = record
    return {sid: r for sid, r in latest.items() if r.status != "merged"}


# --------------------------------------------------------------------- re-delivery
def test_exact_redelivery_changes_nothing_and_re_emits_current_version() -> None:
    eng = engine()
    a = art("a1", "OpenAI board fires Sam Altman")
    first = eng.process(a, ext(a, *ALTMAN))
    again = eng.process(a, ext(a, *ALTMAN))
    assert first.decision == "created" and again.decision == "redelivery"
    assert again.records[0] == first.records[0]
    assert again.records[0].version == 1 and again.records[0].article_count == 1


def test_redelivery_ignores_extra_fields_such_as_labels() -> None:
    eng = engine()
    a = art("a1", "OpenAI board fires Sam Altman", case="update")
    b = art("a1", "OpenAI board fires Sam Altman", case="redelivery")
    eng.process(a, ext(a, *ALTMAN))
    assert eng.process(b, ext(b, *ALTMAN)).decision == "redelivery"


def test_redelivery_after_a_later_change_re_emits_the_current_record() -> None:
    eng = engine()
    a = art("a1", "OpenAI board fires Sam Altman")
    b = art("a2", "Sam Altman leaves OpenAI", "The OpenAI board removed Sam Altman.", hours=1)
    eng.process(a, ext(a, *ALTMAN))
    second = eng.process(b, ext(b, *ALTMAN))
    again = eng.process(a, ext(a, *ALTMAN))
    assert again.decision == "redelivery"
    assert again.records == [second.records[-1]]  # the story as it is now, same version


# ---------------------------------------------------------------------- joins
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


def test_another_executive_leaving_another_company_the_same_week_stays_apart() -> None:
    eng = engine()
    a = art("a1", "OpenAI board fires Sam Altman", WIRE)
    first = eng.process(a, ext(a, *ALTMAN))
    body = (
        "The board of Kestrel Labs has removed its chief executive Jana Obermaier, the "
        "company said. Directors said they had lost confidence in her leadership. The move "
        "comes days after the board of OpenAI fired Sam Altman."
    )
    b = art("b1", "Kestrel Labs board ousts chief executive Jana Obermaier", body, hours=30)
    names = (("Jana Obermaier", "PERSON"), ("Kestrel Labs", "ORG"), ("OpenAI", "ORG"))
    second = eng.process(b, ext(b, *names))
    assert second.decision == "created" and second.story_id != first.story_id


def test_a_different_microsoft_story_the_same_day_stays_apart() -> None:
    eng = engine()
    chips = art(
        "m1",
        "Microsoft unveils Maia and Cobalt chips at Ignite",
        "Microsoft showed its Maia accelerator and Cobalt processor at Ignite in Seattle. "
        "Satya Nadella said Azure would use both chips.",
    )
    eng.process(chips, ext(chips, ("Microsoft", "ORG"), ("Satya Nadella", "PERSON")))
    a = art("a1", "OpenAI board fires Sam Altman", WIRE, hours=2)
    firing = eng.process(a, ext(a, *ALTMAN))
    hire = art(
        "h1",
        "Microsoft hires Sam Altman after OpenAI exit",
        "Microsoft hired Sam Altman and Greg Brockman days after OpenAI fired Altman, "
        "Satya Nadella said.",
        hours=60,
    )
    outcome = eng.process(hire, ext(hire, *HIRE, ("OpenAI", "ORG")))
    assert outcome.decision == "joined" and outcome.story_id == firing.story_id
    assert len(live(outcome.records)) == 1 and eng.active_story_count() == 2


# ---------------------------------------------------------------- corrections
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
    assert eng.active_story_count() == 1


def test_correction_that_moves_an_article_updates_the_story_it_left() -> None:
    eng = engine()
    a = art("a1", "OpenAI board fires Sam Altman", WIRE)
    b = art("a2", "Sam Altman out at OpenAI", "OpenAI removed Sam Altman as CEO.", hours=1)
    x = art("x1", "Harbor Freight Lines names Dana Whitlock chief", hours=2)
    eng.process(a, ext(a, *ALTMAN))
    home = eng.process(b, ext(b, *ALTMAN)).story_id
    eng.process(x, ext(x, *OTHER))
    moved = art(
        "a2",
        "Harbor Freight Lines: Dana Whitlock starts",
        "Dana Whitlock starts at Harbor Freight Lines.",
        hours=1,
        updated_at=T0 + timedelta(hours=3),
    )
    outcome = eng.process(moved, ext(moved, *OTHER))
    left = [r for r in outcome.records if r.story_id == home]
    assert left and left[0].status == "updated" and left[0].version == 3
    assert [r.id for r in left[0].articles] == ["a1"]
    placed = [r for r in live(outcome.records).values() if any(x.id == "a2" for x in r.articles)]
    assert len(placed) == 1 and placed[0].story_id != home


# ------------------------------------------------------------ near-duplicates
def test_near_duplicate_joins_flagged() -> None:
    eng = engine()
    a = art("w1", "OpenAI ousts Sam Altman", WIRE, source="Wire A")
    b = art("w2", "Sam Altman out at OpenAI", "SAN FRANCISCO — " + WIRE, hours=1, source="Paper B")
    eng.process(a, ext(a, *ALTMAN))
    outcome = eng.process(b, ext(b, *ALTMAN))
    assert outcome.decision == "near_duplicate"
    record = outcome.records[-1]
    assert record.duplicate_count == 1
    assert {r.id: r.duplicate_of for r in record.articles} == {"w1": None, "w2": "w1"}


def test_truncated_wire_copy_is_a_near_duplicate_even_naming_nothing() -> None:
    eng = engine()
    a = art("w1", "OpenAI ousts Sam Altman", WIRE, source="Wire A")
    eng.process(a, ext(a, *ALTMAN))
    short = WIRE.rsplit(".", 2)[0] + "."
    b = art("w2", "Altman out", "LONDON (Wire A) – " + short, hours=1, source="Paper C")
    outcome = eng.process(b, ext(b))  # the extractor found no names at all
    assert outcome.decision == "near_duplicate"
    assert outcome.records[-1].articles[-1].duplicate_of == "w1"


# -------------------------------------------------------------------- merges
def test_bridging_article_merges_two_stories_and_the_absorbed_one_is_emitted_once() -> None:
    eng = engine()
    de = art("de1", "Nordwerk bietet für Halvorsen", "Nordwerk will Halvorsen übernehmen.")
    first = eng.process(de, ext(de, ("Nordwerk", "ORG"), ("Halvorsen", "ORG"), lang="de"))
    # an English profile of the bidder's chief: the takeover only in passing
    en = art(
        "en1",
        "Katrin Albers, the engineer who runs the show",
        "Katrin Albers grew up near the docks and studied engineering. Colleagues describe "
        "Katrin Albers as patient. Her company, Nordwerk, wants Halvorsen.",
        hours=2,
    )
    profile = ext(en, ("Katrin Albers", "PERSON"))
    passing = (
        Entity("Nordwerk", "ORG", (), 1, 200, 0.1),
        Entity("Halvorsen", "ORG", (), 1, 210, 0.1),
    )
    second = eng.process(en, replace(profile, entities=profile.entities + passing))
    assert second.decision == "created" and first.story_id != second.story_id
    bridge = art(
        "br1",
        "Nordwerk chief Katrin Albers raises Halvorsen offer",
        "Nordwerk chief executive Katrin Albers raised the offer for Halvorsen on Monday.",
        hours=5,
    )
    names = (("Katrin Albers", "PERSON"), ("Nordwerk", "ORG"), ("Halvorsen", "ORG"))
    outcome = eng.process(bridge, ext(bridge, *names))
    assert outcome.decision == "merged" and outcome.merged == 1
    absorbed, survivor = outcome.records
    assert absorbed.status == "merged" and absorbed.merged_into == survivor.story_id
    assert survivor.merged_from == [absorbed.story_id]
    assert {a.id for a in survivor.articles} == {"de1", "en1", "br1"}
    assert survivor.version == 2 and absorbed.version == 2
    assert eng.active_story_count() == 1
    gone = "de1" if absorbed.story_id == first.story_id else "en1"
    again = eng.process(de if gone == "de1" else en, ext(de, *names))
    assert again.decision == "redelivery" and again.records == [survivor]


def test_roundups_naming_two_unrelated_stories_do_not_merge_them() -> None:
    eng = engine()
    a = art("c1", "Rabenfels sack coach Holger Prinz", "FC Rabenfels sacked Holger Prinz.")
    b = art(
        "c2", "Moorwiesen fire Dennis Albrecht", "SV Moorwiesen fired Dennis Albrecht.", hours=1
    )
    club_a = (("Holger Prinz", "PERSON"), ("FC Rabenfels", "ORG"))
    club_b = (("Dennis Albrecht", "PERSON"), ("SV Moorwiesen", "ORG"))
    one = eng.process(a, ext(a, *club_a)).story_id
    two = eng.process(b, ext(b, *club_b)).story_id
    for i in range(3):
        roundup = art(
            f"r{i}",
            f"Rabenfels and Moorwiesen both change coaches ({i})",
            "FC Rabenfels replaced Holger Prinz and SV Moorwiesen dismissed Dennis Albrecht; "
            f"the two clubs meet on Saturday. Part {i}.",
            hours=10 + i,
        )
        outcome = eng.process(roundup, ext(roundup, *club_a, *club_b))
        assert outcome.decision in ("joined", "near_duplicate")
        assert outcome.story_id in (one, two)
    assert eng.active_story_count() == 2


# ---------------------------------------------------------------- the record
def test_same_event_from_five_outlets_is_one_timeline_entry() -> None:
    eng = engine()
    outcome = None
    for i, org in enumerate(("OpenAI", "OpenAI board", None, "OpenAI", "OpenAI")):
        a = art(f"o{i}", f"Outlet {i}: OpenAI fires Sam Altman", f"Report {i} " + WIRE, hours=i)
        actor = "Sam Altman" if i % 2 == 0 else "Altman"
        fired = Event("dismissal", (actor,), org, "CEO", T0, 0.5 + i / 10, f"sentence {i}")
        outcome = eng.process(a, ext(a, *ALTMAN, events=(fired,)))
    assert outcome is not None
    record = outcome.records[-1]
    assert len(record.events) == 1
    event = record.events[0]
    assert event.article_ids == ["o0", "o1", "o2", "o3", "o4"]
    assert event.actors == ["Sam Altman"] and event.organization == "OpenAI"
    assert event.first_reported_at == T0 and event.confidence == 0.9


def test_entities_are_ranked_with_aliases() -> None:
    eng = engine()
    a = art("a1", "OpenAI board fires Sam Altman", WIRE)
    b = art("a2", "Altman out", "OpenAI removed Altman.", hours=1)
    eng.process(a, ext(a, *ALTMAN))
    record = eng.process(b, ext(b, ("Altman", "PERSON"), ("OpenAI", "ORG"))).records[-1]
    top = record.entities[0]
    assert (top.name, top.type, top.aliases) == ("Sam Altman", "PERSON", ["Altman"])
    assert top.articles == ["a1", "a2"] and top.mentions == 4
    assert record.headline and record.summary and record.sources == ["Wire"]


# -------------------------------------------------------------------- ageing
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
    # its article keeps a gone marker for re-deliveries of the uncommitted tail
    assert eng.store.get("a:a1")["gone"] is True


def test_memory_is_bounded_by_the_window() -> None:
    store = DictStore()
    eng = engine(store, window=timedelta(days=2))
    sizes = []
    for day in range(40):
        for i in range(5):
            a = art(f"d{day}-{i}", f"Story {day}-{i}", hours=24 * day + i)
            name = f"Zorvak{day}x{i} Quillon"
            eng.process(a, ext(a, (name, "PERSON"), (f"Brennt{day}x{i} Werke", "ORG")))
        sizes.append(len(store))
    assert eng.active_story_count() <= 5 * 4
    assert max(sizes[20:]) <= max(sizes[5:10]) * 1.2  # flat once the window is full


# ------------------------------------------------------------- determinism
def _run(store: DictStore) -> list[tuple[str, int, str]]:
    eng = engine(store)
    out = []
    for i, names in enumerate((ALTMAN, OTHER, HIRE, ALTMAN, OTHER)):
        a = art(f"a{i}", f"title {i} OpenAI Sam Altman", WIRE if i % 3 == 0 else "", hours=i)
        out += [(r.story_id, r.version, r.status) for r in eng.process(a, ext(a, *names)).records]
    return out


def test_story_ids_and_versions_are_deterministic() -> None:
    assert _run(DictStore()) == _run(DictStore())


def test_state_is_plain_json_and_every_change_is_written() -> None:
    assert _run(JsonStore()) == _run(DictStore())


def test_versions_increase_by_one_per_emitted_change() -> None:
    eng = engine()
    seen: dict[str, int] = {}
    for i in range(6):
        a = art(f"a{i}", f"OpenAI and Sam Altman, part {i}", WIRE if i == 0 else "", hours=i)
        for record in eng.process(a, ext(a, *ALTMAN)).records:
            assert record.version == seen.get(record.story_id, 0) + 1
            seen[record.story_id] = record.version
    assert seen and max(seen.values()) == 6


