"""Issue 24: only news on a story's timeline, one main actor, dates, name variants and
evidence. The sentences are written for these tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from newsstream.core.extracted import Event
from newsstream.core.extraction import extract
from newsstream.core.stories import timeline, variants
from newsstream.models import Article

PUBLISHED = datetime(2024, 9, 18, 10, 0, tzinfo=UTC)  # a Wednesday
T0 = datetime(2024, 9, 18, tzinfo=UTC)


def events_of(body: str, language: str, title: str = "") -> tuple[Event, ...]:
    article = Article(
        id="t", title=title or ("Meldung" if language == "de" else "Report"), body=body,
        published_at=PUBLISHED, language=language,
    )  # fmt: skip
    return extract(article).events


def reasons(body: str, language: str) -> dict[tuple[str, str], str]:
    return {
        (e.type, e.actors[0] if e.actors else (e.organization or "")): e.not_news
        for e in events_of(body, language)
    }


# --------------------------------------------------------------- not news
NOT_NEWS = [
    # (language, sentence, type, actor, reason)
    ("en", "Verdant Foods, which has invested heavily in Halden Dairy, hired Ruth Imbery "
     "as finance chief on Monday.", "investment", "Verdant Foods", "relative"),
    ("en", "Orla Brenning was named chief executive of Kestrel Air on Monday, a day after "
     "Tomas Vell was fired.", "dismissal", "Tomas Vell", "after"),
    ("en", "The union has demanded that Kestrel Air chief executive Orla Brenning step "
     "down.", "resignation", "Orla Brenning", "demanded"),
    ("en", "Kestrel Air hired Orla Brenning in 2019 as head of sales.", "hiring",
     "Orla Brenning", "earlier"),
    ("en", "Pellworth Rovers have expressed interest in hiring coach Ansel Marr.", "hiring",
     "Ansel Marr", "speculation"),
    ("de", "Der Großaktionär fordert in einem langen Brief an den Aufsichtsrat die Rückkehr "
     "von Katja Imhof.", "return", "Katja Imhof", "demanded"),
    ("de", "Der entlassene Jonas Pfeil kann sich eine Rückkehr zur Seeberg AG "
     "vorstellen.", "return", "Jonas Pfeil", "hypothetical"),
    ("de", "Einen Rücktritt lehne Bürgermeister Anton Gries ab.", "resignation",
     "Anton Gries", "demanded"),
]  # fmt: skip


@pytest.mark.parametrize(("language", "body", "kind", "actor", "why"), NOT_NEWS)
def test_background_and_unasserted_events_are_not_news(
    language: str, body: str, kind: str, actor: str, why: str
) -> None:
    found = reasons(body, language)
    assert found.get((kind, actor), why) == why  # absent altogether is fine too


NEWS = [
    ("en", "Kestrel Air fired chief executive Tomas Vell on Tuesday.", "dismissal",
     "Tomas Vell"),
    ("en", "Ansel Marr, a former quality manager at Dunmore Aviation, has died.", "death",
     "Ansel Marr"),
    ("en", "Pellworth Rovers sacked coach Ansel Marr after a run of six defeats.",
     "dismissal", "Ansel Marr"),
    ("de", "Der Aufsichtsrat der Seeberg AG hat Vorstandschef Jonas Pfeil am Dienstag "
     "abberufen.", "dismissal", "Jonas Pfeil"),
    ("de", "Der frühere Seeberg-Manager Anton Gries ist tot.", "death", "Anton Gries"),
]  # fmt: skip


@pytest.mark.parametrize(("language", "body", "kind", "actor"), NEWS)
def test_events_reported_now_are_news(language: str, body: str, kind: str, actor: str) -> None:
    assert reasons(body, language)[(kind, actor)] == ""


def test_a_dateline_agency_is_never_the_organisation() -> None:
    for body, language in (
        ("BERLIN (NGW) – Kestrel Air fired chief executive Tomas Vell on Tuesday.", "en"),
        ("HAMBURG (dpa) – Die Seeberg AG hat Vorstandschef Jonas Pfeil entlassen.", "de"),
    ):
        orgs = {e.organization for e in events_of(body, language)}
        assert orgs and not orgs & {"NGW", "dpa"}


def test_a_future_date_without_year_lies_ahead() -> None:
    published = datetime(2024, 11, 20, 10, 0, tzinfo=UTC)
    article = Article(
        id="f", title="Report", published_at=published, language="en",
        body="Harlow Group said Ruth Imbery will join the company as chief executive on "
        "1 January.",
    )  # fmt: skip
    (hire,) = [e for e in extract(article).events if e.type == "hiring"]
    assert hire.dated and hire.occurred_at is not None
    assert hire.occurred_at.date().isoformat() == "2025-01-01"


# --------------------------------------------------------------- variants
@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("Sam Altman", "Sam Altmann", True),  # a letter too many
        ("Emmett Shear", "Emmet Shear", True),  # a letter missing
        ("Mira Murati", "Mira Murita", True),  # letters swapped
        ("Wolfgang Schäuble", "Wolfgang Schaeuble", True),  # transliterated umlaut
        ("Altman", "Sam Altman", True),  # the surname alone
        ("Microsoft", "Mircosoft", True),
        ("Li Wei", "Lu Wei", False),  # short words must be equal
        ("Tyler Whitcombe", "Dale Whitcombe", False),  # two people of one family
        ("Jan Berg", "Jan Borg", False),
    ],
)
def test_name_variants(a: str, b: str, same: bool) -> None:
    assert variants.variants(a, b) is same


# --------------------------------------------------------------- timeline
def ev(
    kind: str, actors: tuple[str, ...], org: str | None, *, lead: bool = True,
    not_news: str = "", day: int | None = None, sentence: str = "", conf: float = 0.8,
) -> Event:  # fmt: skip
    when = T0 + timedelta(days=day) if day is not None else None
    return Event(kind, actors, org, None, when, conf, sentence or f"{kind} {actors}",
                 lead=lead, dated=day is not None, not_news=not_news)  # fmt: skip


def test_a_blended_event_is_one_event_per_person() -> None:
    line: list[dict] = []
    timeline.add(line, "a1", T0.timestamp(), (ev("resignation", ("Ann Vale", "Ben Orr"), "X"),))
    assert sorted(e.actors[0] for e in timeline.story_events(line)) == ["Ann Vale", "Ben Orr"]


def test_background_only_and_single_deep_reports_stay_off_the_timeline() -> None:
    line: list[dict] = []
    timeline.add(line, "a1", T0.timestamp(), (ev("hiring", ("Ann Vale",), "X", not_news="former"),),
                 source="One")  # fmt: skip
    timeline.add(line, "a2", T0.timestamp(), (ev("death", ("Ben Orr",), None, lead=False),),
                 source="Two")  # fmt: skip
    assert timeline.story_events(line) == []
    held = {d["type"]: d["unconfirmed"] for d in timeline.unconfirmed_dicts(line)}
    assert held == {"hiring": "not news: former", "death": "outside the lead, one source"}
    # a second independent outlet confirms the death; a wire copy would not
    timeline.add(line, "a3", T0.timestamp(), (ev("death", ("Ben Orr",), None, lead=False),),
                 source="Two", duplicate=True)  # fmt: skip
    assert timeline.story_events(line) == []
    timeline.add(line, "a4", T0.timestamp(), (ev("death", ("Ben Orr",), None, lead=False),),
                 source="Three")  # fmt: skip
    (death,) = timeline.story_events(line)
    assert death.sources == 2 and [v.article_id for v in death.evidence][:1] == ["a2"]


def test_variants_merge_and_the_fullest_common_spelling_shows() -> None:
    line: list[dict] = []
    for i, name in enumerate(("Sam Altmann", "Sam Altman", "Altman", "Sam Altman")):
        timeline.add(line, f"a{i}", T0.timestamp(), (ev("dismissal", (name,), "OpenAI"),))
    (event,) = timeline.story_events(line)
    assert event.actors == ["Sam Altman"] and len(event.article_ids) == 4


def test_organisation_is_voted_and_the_stated_date_wins_over_publication() -> None:
    line: list[dict] = []
    later = (T0 + timedelta(days=3)).timestamp()
    timeline.add(line, "a1", later, (ev("dismissal", ("Ann Vale",), "Hallberg"),))
    timeline.add(line, "a2", later, (ev("dismissal", ("Ann Vale",), "Nordwind", day=-1),))
    timeline.add(line, "a3", later, (ev("dismissal", ("Ann Vale",), "Nordwind"),))
    (event,) = timeline.story_events(line)
    assert event.organization == "Nordwind"
    assert event.occurred_at.date() == (T0 - timedelta(days=1)).date()
    timeline.remove_article(line, "a2")  # a correction takes its date and vote out
    (event,) = timeline.story_events(line)
    assert event.occurred_at.timestamp() == later


def test_evidence_names_the_article_and_its_sentence() -> None:
    line: list[dict] = []
    said = "Kestrel Air fired chief executive Tomas Vell on Tuesday."
    timeline.add(line, "a1", T0.timestamp(), (ev("dismissal", ("Tomas Vell",), "Kestrel Air",
                                                 sentence=said),), source="One")  # fmt: skip
    (event,) = timeline.story_events(line)
    assert [(v.article_id, v.sentence) for v in event.evidence] == [("a1", said)]
    assert event.summary == said and event.confidence == pytest.approx(0.8)
