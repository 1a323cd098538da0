"""Headline topics and what story matching does with them (issue 21).

Same names, another kind of news: a company's quarterly results and its chief
executive's dismissal stay two stories; a staff revolt over the dismissal (a
related kind of news) continues the dismissal's story. All sentences are ours.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from newsstream.core.extraction import extract
from newsstream.core.pipeline import replay
from newsstream.core.ports import DictStore
from newsstream.core.stories import profile
from newsstream.core.stories.engine import EngineConfig, StoryEngine
from newsstream.core.stories.join_model import FEATURES, load
from newsstream.core.stories.name_keys import fold, skeleton
from newsstream.core.text.topics import fold_text, related_topics, topics, widen
from newsstream.models import Article

T0 = datetime(2024, 3, 4, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("language", "headline", "expected"),
    [
        ("en", "Veltmark Foods ousts chief executive Ida Roan", {"personnel"}),
        ("en", "Veltmark Foods narrows loss in third quarter", {"results"}),
        ("en", "Rival sues Veltmark over packaging patent", {"legal"}),
        ("en", "Veltmark unveils a plant-based yoghurt line", {"product"}),
        ("en", "Regulator fines Veltmark £4m over labelling", {"enforcement"}),
        ("en", "Dock workers strike at Veltmark's Hull plant", {"labour"}),
        ("en", "Veltmark names Tom Besk as interim chief", {"personnel"}),
        ("en", "Investors cheer the new chief", set()),  # investors are not a deal
        ("en", "Ida Roan in the spotlight", set()),
        ("de", "Veltmark setzt Vorstandschefin Roan ab", {"personnel"}),
        ("de", "Veltmark steigert Umsatz im dritten Quartal", {"results"}),
        ("de", "Konkurrent verklagt Veltmark wegen Verpackungspatent", {"legal"}),
        ("de", "Veltmark stellt neuen Joghurt vor", {"product"}),
        ("de", "Der Neue stellt sich vor", set()),  # introducing oneself is no launch
        ("de", "Warnstreik bei Veltmark: Bänder stehen still", {"labour"}),
        ("de", "Hochwasser in Lindach: Landkreis ruft Katastrophenfall aus", {"disaster"}),
        ("de", "Helvia holt Brandt als Technikchef", set()),  # a surname is no fire
        ("de", "Veltmark entwickelt eigene Prozessoren", set()),  # "Prozess" inside a word
        ("de", "AfD laut Prognose stärkste Kraft", set()),  # an election forecast
        ("de", "Führungswechsel in der Zivilflugzeugsparte", {"personnel"}),  # no transfer
        ("de", "Kreistag bringt Abwahl des Landrats ins Spiel", {"election"}),  # no match
    ],
)
def test_headline_topics(language: str, headline: str, expected: set[str]) -> None:
    assert topics(headline, language) == frozenset(expected)


def test_transliterated_headlines_read_like_the_original() -> None:
    assert fold_text("Kündigung Rückkehr Größe") == "kuendigung rueckkehr groesse"
    assert topics("Belegschaft droht mit Kuendigung", "de") == topics(
        "Belegschaft droht mit Kündigung", "de"
    )
    assert fold("Brück") == fold("Brueck") == fold("Bruck")


def test_related_topics_are_symmetric_and_widen_includes_the_topic() -> None:
    related = related_topics()
    for topic, others in related.items():
        assert topic in others
        for other in others:
            assert topic in related[other]
    assert widen(frozenset({"personnel"})) >= {"personnel", "labour", "election"}
    assert "results" not in widen(frozenset({"personnel"}))


def test_a_correction_takes_out_exactly_the_topics_it_added() -> None:
    story = profile.empty()
    first = profile.contribution({"n:veltmark": 1.0}, {}, "en", frozenset({"results"}), ("n:v",))
    second = profile.contribution({"n:veltmark": 1.0}, {}, "de", frozenset({"personnel"}), ())
    profile.add(story, first)
    profile.add(story, second)
    assert profile.dominant_topics(story, 0.25) == {"results", "personnel"}
    profile.remove(story, second)
    assert story["topics"] == {"results": 1} and story["tn"] == 1
    profile.remove(story, first)
    assert story["topics"] == {} and story["tn"] == 0 and story["heads"] == {}


def article(id_: str, title: str, body: str, hours: float) -> Article:
    return Article(
        id=id_,
        title=title,
        body=body,
        published_at=T0 + timedelta(hours=hours),
        source="Harbor Ledger",
        language="en",
    )


RESULTS = article(
    "r1",
    "Veltmark Foods narrows loss in third quarter",
    "Veltmark Foods narrowed its loss in the third quarter as yoghurt sales rose. "
    "Chief executive Ida Roan said the Bremen company expected a profit next year. "
    "Veltmark Foods shares rose four percent.",
    0,
)
DISMISSAL = article(
    "d1",
    "Veltmark Foods ousts chief executive Ida Roan",
    "The board of Veltmark Foods dismissed chief executive Ida Roan on Tuesday. "
    "The Bremen company gave no reason. Finance chief Tom Besk will lead Veltmark Foods "
    "for the time being.",
    30,
)
REVOLT = article(
    "s1",
    "Veltmark staff threaten walkout over Roan dismissal",
    "Hundreds of Veltmark Foods employees threatened to walk out unless the board "
    "brings back Ida Roan. The dismissal of Roan last week shocked the Bremen staff.",
    50,
)


def placed(articles: list[Article], config: EngineConfig | None = None) -> list[set[str]]:
    final, _ = replay(articles, config)
    return sorted(
        ({a.id for a in r.articles} for r in final.values() if r.status != "merged"),
        key=sorted,
    )


def test_same_company_other_kind_of_news_is_another_story() -> None:
    assert placed([RESULTS, DISMISSAL]) == [{"d1"}, {"r1"}]


def test_a_related_kind_of_news_continues_the_story() -> None:
    assert placed([RESULTS, DISMISSAL, REVOLT]) == [{"d1", "s1"}, {"r1"}]


def test_every_decision_is_explained() -> None:
    engine = StoryEngine(DictStore(), EngineConfig(explain=True))
    outcomes = [engine.process(a, extract(a)) for a in (RESULTS, DISMISSAL, REVOLT)]
    explained = [o.explanation for o in outcomes]
    assert [e["decision"] for e in explained] == ["created", "created", "joined"]
    assert explained[1]["topics"] == ["personnel"]
    (vetoed,) = explained[1]["candidates"]
    assert vetoed["joins"] is False and vetoed["unrelated"] is True
    assert "personnel" in vetoed["why"] and "results" in vetoed["why"]
    assert "o:veltmark foods" in vetoed["keys"] or "n:veltmark" in vetoed["keys"]
    joined = explained[2]["candidates"][0]
    assert joined["story"] == outcomes[1].story_id and joined["joins"] is True


def test_explanations_are_off_by_default() -> None:
    _, outcomes = replay([RESULTS, DISMISSAL])
    assert all(o.explanation is None for o in outcomes)


def test_the_shipped_model_matches_its_features_and_gives_probabilities() -> None:
    model = load("story_join")
    assert len(model.weights) == len(FEATURES)
    engine = StoryEngine(DictStore(), EngineConfig.for_decision("model", explain=True))
    outcomes = [engine.process(a, extract(a)) for a in (RESULTS, DISMISSAL, REVOLT)]
    chances = [c["chance"] for o in outcomes for c in o.explanation["candidates"]]
    assert chances and all(0.0 <= c <= 1.0 for c in chances)


def test_an_unknown_decision_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown story decision"):
        EngineConfig.for_decision("coin-flip")


@pytest.mark.parametrize(
    ("right", "wrong"),
    [("ermotti", "ermoti"), ("fried", "freed"), ("murati", "murita"), ("altman", "altmann")],
)
def test_misspelt_names_share_their_skeleton(right: str, wrong: str) -> None:
    assert skeleton(right) == skeleton(wrong) is not None


def test_short_names_have_no_skeleton() -> None:
    assert skeleton("zhao") is None and skeleton("kaya") is None


def test_a_misspelt_main_person_is_not_another_person() -> None:
    first = article(
        "m1",
        "Court sentences Tessmar Bank founder Ulrich Vandermeer to nine years",
        "A court in Hamburg sentenced Ulrich Vandermeer, founder of Tessmar Bank, to nine "
        "years for fraud. Vandermeer had denied the charges.",
        0,
    )
    second = article(
        "m2",
        "Vandermeyer to appeal nine-year sentence",
        "Lawyers for Ulrich Vandermeyer said he would appeal the nine-year sentence. "
        "Vandermeyer remains in custody in Hamburg.",
        20,
    )
    assert placed([first, second]) == [{"m1", "m2"}]
