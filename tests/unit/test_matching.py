"""The pieces story matching is built from: evidence, near-duplicates, profiles,
scores, timeline, entity table, candidate index and ageing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from newsstream.core.extracted import Entity, Event, Extraction
from newsstream.core.ports import DictStore
from newsstream.core.stories import entity_table, profile, timeline
from newsstream.core.stories.ageing import Ageing
from newsstream.core.stories.candidates import POSTING_CAP, CandidateIndex
from newsstream.core.stories.duplicates import (
    band_keys,
    compact,
    containment,
    is_near_duplicate,
    jaccard,
)
from newsstream.core.stories.evidence import Evidence, gather
from newsstream.core.stories.matching import MatchConfig, overlap, people_conflict, ranked, score
from newsstream.core.stories.name_keys import fold, name_tokens, rarity
from newsstream.core.text.calendar_days import dates
from newsstream.core.text.numbers import numbers
from newsstream.models import Article

CONFIG = MatchConfig()
T0 = datetime(2024, 2, 5, 7, 0, tzinfo=UTC)


def evidence(keys: dict[str, float], *, central: bool = True, **extra: object) -> Evidence:
    prominence = dict.fromkeys(keys, 1.0 if central else 0.3)
    anchors = frozenset(keys) if central else frozenset()
    return Evidence(keys, prominence, {}, "en", anchors, **extra)  # type: ignore[arg-type]


def story_profile(*parts: dict[str, float], lang: str = "en") -> profile.Profile:
    built = profile.empty()
    for keys in parts:
        profile.add(built, profile.contribution(keys, {}, lang))
    return built


# ------------------------------------------------------------------ evidence
@pytest.mark.parametrize(
    ("text", "language", "key"),
    [
        ("Nordwerk bietet 2,1 Milliarden Euro", "de", "#:2.1e+09"),
        ("Nordwerk offers 2.1 billion euros", "en", "#:2.1e+09"),
        ("1.500 Menschen verlassen ihre Häuser", "de", "#:1500"),
        ("1,500 people leave their homes", "en", "#:1500"),
        ("ein Beben der Stärke 7,4", "de", "#:7.4"),
        ("a magnitude 7.4 quake", "en", "#:7.4"),
        ("48 Millionen Euro Schadenersatz", "de", "#:4.8e+07"),
    ],
)
def test_numbers_are_normalised_across_notations(text: str, language: str, key: str) -> None:
    assert key in numbers(text, language)


def test_small_numbers_and_years_are_weak_or_absent() -> None:
    found = numbers("3 people and 2023 results", "en")
    assert "#:3" not in found and found["#:2023"] < 0.2


def test_dates_match_across_languages() -> None:
    assert dates("am 17. November entlassen") == dates("fired on November 17th") == {"d:11-17": 0.4}


def test_fold_removes_case_and_diacritics() -> None:
    assert fold("Pavlović") == "pavlovic" and fold("Krauß") == "krauss"


def test_rarity_ranks_invented_names_over_famous_ones_over_words() -> None:
    assert rarity("nordwerk", "de") == 1.0
    assert 0.1 < rarity("microsoft", "en") < 0.5
    assert rarity("the", "en") == 0.0
    assert rarity("pilotengewerkschaft", "de") < rarity("pilotengewerkschaft", "de", name=True)


def test_name_tokens_skip_common_sentence_starts_but_keep_titles_and_saints() -> None:
    text = "Mudslide cuts off village\nThe storm hit St. Veit. Rescuers reached St. Veit."
    tokens = name_tokens(text, "en", 30)
    assert "veit" in tokens and "the" not in tokens and "rescuers" not in tokens


def test_gather_folds_genitive_and_marks_title_keys_as_anchors() -> None:
    a = Article(
        id="x",
        title="Poker um Altmans Rückkehr zu OpenAI",
        body="Investoren wollen Sam Altman zurück. Altman verhandelt mit OpenAI.",
        published_at=T0,
        language="de",
    )
    extraction = Extraction("de", (Entity("Sam Altman", "PERSON", (), 2, 0, 1.0),), (), lead="")
    found = gather(a, extraction)
    assert "n:altman" in found.keys and "n:altmans" not in found.keys
    assert {"n:altman", "n:openai"} <= found.anchors
    assert found.people == ("n:altman",)


# ------------------------------------------------------------ near-duplicates
def test_signatures_compact_and_compare() -> None:
    a = tuple(range(64))
    b = tuple(range(32)) + tuple(range(1000, 1032))
    assert jaccard(compact(a), compact(a)) == 1.0
    assert jaccard(compact(a), compact(b)) == 0.5
    assert jaccard(compact(a), "") == 0.0 and compact(()) == ""
    assert len(band_keys(compact(a))) == 16 and band_keys(compact(a)) != band_keys(compact(b))


@pytest.mark.parametrize(
    ("similarity", "sizes", "expected"),
    [
        (0.55, (100, 100), True),  # a light rewrite
        (0.40, (100, 50), True),  # a copy cut to half: mostly contained
        (0.40, (100, 100), False),  # same length, less than half shared
        (0.20, (100, 10), False),  # below the floor
    ],
)
def test_near_duplicate_by_jaccard_or_containment(
    similarity: float, sizes: tuple[int, int], expected: bool
) -> None:
    verdict = is_near_duplicate(similarity, *sizes, min_jaccard=0.5, min_containment=0.7, floor=0.3)
    assert verdict is expected


def test_containment_of_a_subset() -> None:
    # B ⊂ A with |A| = 100, |B| = 50: J = 0.5, containment 1.0
    assert containment(0.5, 100, 50) == pytest.approx(1.0)


# ---------------------------------------------------------------- profiles
def test_profile_add_then_remove_restores_it() -> None:
    built = story_profile({"n:altman": 1.0, "n:openai": 0.9})
    before = {k: list(v) for k, v in built["keys"].items()}
    part = profile.contribution({"n:altman": 0.7, "n:shear": 0.8}, {"board": 1.5}, "en")
    profile.add(built, part)
    assert built["keys"]["n:altman"] == [1.0, 2] and built["n"] == 2
    profile.remove(built, part)
    assert built["keys"] == before and built["terms"] == {} and built["n"] == 1


def test_profile_size_is_bounded() -> None:
    built = profile.empty()
    for i in range(50):
        keys = {f"n:name{i}x{j}": 0.5 + j / 100 for j in range(40)}
        profile.add(built, profile.contribution(keys, {f"t{i}x{j}": 1.0 for j in range(24)}, "en"))
    assert len(built["keys"]) <= profile.MAX_KEYS
    assert len(built["terms"]["en"]) <= profile.MAX_TERMS


# ------------------------------------------------------------------ scores
def test_score_counts_shared_keys_at_their_stronger_weight() -> None:
    built = story_profile({"n:fahr": 1.0, "n:ostheim": 0.8})  # "Fahr" is a name in English
    found = score(evidence({"n:fahr": 0.3, "n:hochwasser": 0.5}), built, CONFIG)
    assert found.names == pytest.approx(1.0) and found.shared == 1 and found.anchored


def test_passing_mentions_do_not_anchor_an_article() -> None:
    built = story_profile({"n:openai": 1.0, "n:altman": 1.0})
    peripheral = score(evidence({"n:openai": 1.0, "n:altman": 1.0}, central=False), built, CONFIG)
    assert not peripheral.anchored and not peripheral.joins(CONFIG)
    central = score(evidence({"n:openai": 1.0, "n:altman": 1.0}), built, CONFIG)
    assert central.joins(CONFIG)


def test_people_conflict_needs_stronger_evidence() -> None:
    built = story_profile({"n:rabenfels": 1.0, "n:prinz": 1.0})
    transfer = evidence({"n:rabenfels": 1.0, "n:wendler": 1.0}, people=("n:wendler",))
    assert people_conflict(transfer, built, ["n:prinz"])
    found = score(transfer, built, CONFIG, ["n:prinz"])
    assert found.conflict and not found.joins(CONFIG)
    follow_up = evidence({"n:rabenfels": 1.0, "n:prinz": 1.0}, people=("n:stiegler",))
    assert not people_conflict(follow_up, built, ["n:prinz"])


def test_ranking_is_deterministic_on_ties() -> None:
    same = score(evidence({"n:a": 1.0}), story_profile({"n:a": 1.0}), CONFIG)
    assert [sid for sid, _ in ranked({"st-b": same, "st-a": same})] == ["st-a", "st-b"]


def test_overlap_is_the_smaller_profiles_share() -> None:
    big = story_profile({"n:a": 1.0, "n:b": 1.0, "n:c": 1.0, "n:d": 1.0})
    small = story_profile({"n:a": 1.0, "n:z": 1.0})
    assert overlap(big, small) == overlap(small, big) == 0.5


# ---------------------------------------------------------------- timeline
def event(kind: str, actor: str, org: str | None, day: int = 0) -> Event:
    return Event(kind, (actor,), org, None, T0 + timedelta(days=day), 0.5, f"{actor} {kind}")


def test_timeline_dedupes_by_type_actor_and_compatible_organisation() -> None:
    line: list[dict] = []
    timeline.add(line, "a1", T0.timestamp(), (event("dismissal", "Sam Altman", "OpenAI"),))
    timeline.add(line, "a2", T0.timestamp(), (event("dismissal", "Altman", "OpenAI board"),))
    timeline.add(line, "a3", T0.timestamp(), (event("dismissal", "Dana Whitlock", "OpenAI"),))
    timeline.add(line, "a4", T0.timestamp(), (event("hiring", "Sam Altman", "Microsoft", 3),))
    events = timeline.story_events(line)
    assert [(e.type, e.actors, e.article_ids) for e in events] == [
        ("dismissal", ["Dana Whitlock"], ["a3"]),  # same time: by type, then actors
        ("dismissal", ["Sam Altman"], ["a1", "a2"]),
        ("hiring", ["Sam Altman"], ["a4"]),
    ]
    timeline.remove_article(line, "a3")
    assert len(timeline.story_events(line)) == 2


def test_timeline_takes_the_day_most_outlets_report() -> None:
    line: list[dict] = []
    for i, day in enumerate((-1, 0, 0)):
        timeline.add(line, f"a{i}", T0.timestamp(), (event("dismissal", "Altman", "OpenAI", day),))
    assert timeline.story_events(line)[0].occurred_at == T0


# ------------------------------------------------------------ entity table
def test_entity_table_folds_surnames_and_takes_out_a_share() -> None:
    table: entity_table.Table = {}
    entity_table.add(table, "a1", (Entity("Sam Altman", "PERSON", (), 3, 0, 1.0),))
    share = entity_table.add(table, "a2", (Entity("Altmans", "PERSON", (), 1, 0, 0.5),))
    (ref,) = entity_table.entity_refs(table)
    assert ref.name == "Sam Altman" and ref.aliases == ["Altmans"] and ref.mentions == 4
    entity_table.remove(table, "a2", share)
    assert entity_table.entity_refs(table)[0].articles == ["a1"]


# ----------------------------------------------------------- candidate index
def test_candidate_index_is_bounded_and_forgets() -> None:
    store = DictStore()
    index = CandidateIndex(store)
    stories = [{"id": f"st-{i:03d}", "ix": [], "bands": []} for i in range(POSTING_CAP + 10)]
    for story in stories:
        index.index_keys(story, ["n:berlin", f"n:own{story['id']}"])
    assert len(store.get("k:n:berlin")) == POSTING_CAP
    found, _ = index.lookup(evidence({"n:ownst-070": 1.0, "n:berlin": 0.5}), [], 5)
    assert found[0] == "st-070" and len(found) == 5
    index.forget(stories[-1])
    assert "st-073" not in store.get("k:n:berlin") and store.get("k:n:ownst-073") is None


# ------------------------------------------------------------------ ageing
def test_ageing_buckets_are_chunked_and_swept_once() -> None:
    store = DictStore()
    ageing = Ageing(store, timedelta(days=1))
    now = T0.timestamp()
    ageing.advance(now)
    stories = [{"id": f"s{i}", "last": now, "expires": None} for i in range(600)]
    for story in stories:
        ageing.schedule(story)
    assert all(len(store.get(f"b:{stories[0]['expires']}:{n}")) <= 256 for n in range(3))
    assert ageing.advance(now + 3600) == []
    due = ageing.advance(now + 3 * 86_400)
    assert sorted(due) == sorted(s["id"] for s in stories)
    assert ageing.advance(now + 4 * 86_400) == []
