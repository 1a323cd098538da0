"""Rules of story evidence that keep confusable stories apart (docs/evaluation.md,
"Synthetic stream"): German common nouns, organisations' whole names, who an article
is about, and the names a people conflict needs."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from newsstream.core.extracted import Entity, Extraction
from newsstream.core.ports import DictStore
from newsstream.core.stories import profile
from newsstream.core.stories.candidates import CandidateIndex
from newsstream.core.stories.evidence import ORG_PART_SHARE, Evidence, gather, people_keys
from newsstream.core.stories.matching import MatchConfig, Score, score
from newsstream.core.stories.name_keys import COMMON_NOUN_SHARE, name_tokens, rarity
from newsstream.models import Article

CONFIG = MatchConfig()
T0 = datetime(2024, 3, 1, 8, 0, tzinfo=UTC)


def _article(title: str, body: str, language: str) -> Article:
    return Article(id="x", title=title, body=body, published_at=T0, language=language)


def test_a_german_common_noun_weighs_a_third_of_what_its_rarity_says() -> None:
    text = "Titel\nAnleger erwarten, der Aufsichtsrat von Nordwerk werde das Quartal retten."
    found = name_tokens(text, "de", len(text))
    assert found["aufsichtsrat"][0] == pytest.approx(rarity("aufsichtsrat", "de") / 3)
    assert found["quartal"][0] == pytest.approx(rarity("quartal", "de") / COMMON_NOUN_SHARE)
    assert found["nordwerk"][0] == pytest.approx(rarity("nordwerk", "de")) == 1.0
    english = name_tokens("Title\nThe Quartal fund was sold.", "en", 0)  # not German: a name
    assert english["quartal"][0] == pytest.approx(rarity("quartal", "en"))


def _org_evidence(org: str, *, person: str | None = None) -> Evidence:
    entities = [Entity(org, "ORG", (), 2, 0, 1.0)]
    if person:
        entities.append(Entity(person, "PERSON", (), 1, 40, 0.5))
    body = f"{org} said on Monday that it expects growth." + (
        f" {person} agreed." if person else ""
    )
    return gather(_article(f"{org} in the news", body, "en"), Extraction("en", tuple(entities)))


def test_an_organisation_is_matched_by_its_whole_name_not_by_one_shared_word() -> None:
    venlor = _org_evidence("Venlor Morgenrot Software")
    pillem = _org_evidence("Pillem Morgenrot Bank Inc")
    assert "o:venlor morgenrot software" in venlor.keys
    assert "o:pillem morgenrot" in pillem.keys  # legal forms and everyday words left out
    assert "o:venlor morgenrot software" in venlor.anchors  # the whole name is in the title
    full = rarity("morgenrot", "en", name=True)
    assert venlor.keys["n:morgenrot"] == pytest.approx(round(full * ORG_PART_SHARE, 3))
    story = profile.empty()
    profile.add(story, profile.contribution(venlor.keys, {}, "en"))
    other = score(pillem, story, CONFIG)
    same = score(_org_evidence("Venlor Morgenrot Software"), story, CONFIG)
    assert same.names > 2 * other.names
    assert other.names == pytest.approx(
        venlor.keys["n:morgenrot"] * pillem.prominence["n:morgenrot"]
    )


def test_a_word_that_is_also_a_person_or_a_one_word_organisation_keeps_its_weight() -> None:
    found = _org_evidence("Venlor Morgenrot Software", person="Anna Morgenrot")
    assert found.keys["n:morgenrot"] == pytest.approx(
        round(rarity("morgenrot", "en", name=True), 3)
    )


def test_main_people_are_measured_against_people_and_organisations_not_places() -> None:
    entities = (
        Entity("Vienna", "LOC", (), 11, 90, 1.0),  # a dateline city in every paragraph
        Entity("Pillem Bank", "ORG", (), 2, 0, 0.42),
        Entity("Julia Mirikfel", "PERSON", (), 2, 30, 0.42),
        Entity("Tom Passant", "PERSON", (), 1, 400, 0.1),
    )
    assert people_keys(Extraction("de", entities)) == ("n:mirikfel",)


def test_under_a_people_conflict_the_names_must_reach_the_conflict_score() -> None:
    vocabulary = Score(total=4.0, names=1.5, words=1.25, shared=12, anchored=True, conflict=True)
    assert not vocabulary.joins(CONFIG)
    names = Score(total=3.0, names=2.6, words=0.2, shared=3, anchored=True, conflict=True)
    assert names.joins(CONFIG)
    plain = Score(total=0.7, names=0.3, words=0.2, shared=2, anchored=True)
    assert plain.joins(CONFIG)


def test_a_main_person_of_the_article_anchors_it_in_their_story() -> None:
    story = profile.empty()
    profile.add(story, profile.contribution({"n:scholz": 0.4, "n:lindner": 0.5}, {}, "de"))
    keys = {"n:scholz": 0.38, "n:ampel": 0.13}
    passing = Evidence(keys, dict.fromkeys(keys, 0.5), {}, "de", frozenset())
    assert not score(passing, story, CONFIG).anchored
    about = Evidence(keys, dict.fromkeys(keys, 0.5), {}, "de", frozenset(), ("n:scholz",))
    assert score(about, story, CONFIG).anchored


def test_lookup_probes_light_keys_that_a_story_indexes_as_names() -> None:
    index = CandidateIndex(DictStore())
    index.index_keys({"id": "st-flood", "ix": [], "bands": []}, ["n:ostheim"])
    light = Evidence({"n:ostheim": 0.25}, {"n:ostheim": 1.0}, {}, "de", frozenset())
    found, _ = index.lookup(light, [], 5)
    assert found == ["st-flood"]
