"""Issue 24, round 2: who an event is about, which organisation, and what an editor can
publish. The sentences are written for these tests."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from newsstream.core.extracted import Event
from newsstream.core.extraction import extract
from newsstream.core.stories import timeline
from newsstream.models import Article

PUBLISHED = datetime(2024, 9, 18, 10, 0, tzinfo=UTC)


def events_of(body: str, language: str, title: str = "") -> tuple[Event, ...]:
    article = Article(
        id="t", title=title or ("Meldung" if language == "de" else "Report"), body=body,
        published_at=PUBLISHED, language=language,
    )  # fmt: skip
    return extract(article).events


def pairs(body: str, language: str, title: str = "") -> set[tuple[str, str]]:
    return {(e.type, a) for e in events_of(body, language, title) for a in e.actors}


# ------------------------------------------------------------------ actors
WRONG_ACTOR = [
    # (language, title, body, type, a person the event must not be about)
    ("en", "Coalition breaks up as Chancellor Marten Holl sacks finance minister", "",
     "dismissal", "Marten Holl"),
    ("en", "Pellworth Rovers owner Ivo Brandt fires his head coach", "", "dismissal",
     "Ivo Brandt"),
    ("en", "", "Ruth Imbery, a former banker and close adviser to Marten Holl, was appointed "
     "finance minister on Thursday.", "appointment", "Marten Holl"),
    ("en", "", "Laura Kell has won the presidential election, defeating Senator Ivo Brandt by "
     "a wide margin.", "election", "Ivo Brandt"),
]  # fmt: skip


@pytest.mark.parametrize(("language", "title", "body", "kind", "actor"), WRONG_ACTOR)
def test_the_subject_an_apposition_or_the_loser_is_not_the_actor(
    language: str, title: str, body: str, kind: str, actor: str
) -> None:
    assert (kind, actor) not in pairs(body, language, title)


RIGHT_ACTOR = [
    ("en", "", "Ruth Imbery, a former banker and close adviser to Marten Holl, was appointed "
     "finance minister on Thursday.", "appointment", "Ruth Imbery"),
    ("en", "", "Laura Kell has won the presidential election, defeating Senator Ivo Brandt by "
     "a wide margin.", "election", "Laura Kell"),
    ("en", "Ines Varga named chair of Seeberg's supervisory board", "", "appointment",
     "Ines Varga"),
    ("en", "", "Pellworth Rovers have dismissed coach Ansel Marr.", "dismissal", "Ansel Marr"),
    ("de", "", "Am Montag ernannte das Gremium Jonas Pfeil zum Interimschef der Seeberg AG.",
     "appointment", "Jonas Pfeil"),
]  # fmt: skip


@pytest.mark.parametrize(("language", "title", "body", "kind", "actor"), RIGHT_ACTOR)
def test_the_person_named_in_the_post_is_the_actor(
    language: str, title: str, body: str, kind: str, actor: str
) -> None:
    assert (kind, actor) in pairs(body, language, title)


# ------------------------------------------------------------------- news
AFTER = [
    ("en", "The chairman criticised Kestrel Air chief executive Orla Brenning, two days "
     "after the directors quit.", "resignation"),
    ("en", "Pellworth Rovers signed a striker a week after the coach was fired.",
     "dismissal"),
]  # fmt: skip


@pytest.mark.parametrize(("language", "body", "kind"), AFTER)
def test_the_reference_point_of_an_after_clause_is_not_news(
    language: str, body: str, kind: str
) -> None:
    assert all(e.not_news for e in events_of(body, language) if e.type == kind)


# ------------------------------------------------------------ organisation
def test_a_former_employer_is_not_the_organisation_of_a_new_post() -> None:
    body = (
        "Ruth Imbery, a former Halden Capital banker, was appointed finance minister on "
        "Thursday. She will present a budget in March."
    )
    found = [e for e in events_of(body, "en") if e.type == "appointment"]
    assert found and all(e.organization != "Halden Capital" for e in found)


# ---------------------------------------------------------------- publish
T0 = datetime(2024, 9, 18, tzinfo=UTC)


def one(kind: str, actor: str | None, org: str | None) -> Event:
    return Event(
        kind, (actor,) if actor else (), org, None, T0, 0.8, f"{actor} {kind}", lead=True
    )


@pytest.mark.parametrize(
    ("kind", "actor", "org", "published"),
    [
        ("dismissal", "Tomas Vell", "Kestrel Air", True),
        ("dismissal", "Tomas Vell", None, False),  # by whom? not publishable
        ("appointment", "Orla Brenning", None, False),
        ("legal", "Tomas Vell", None, False),  # which court or prosecutor?
        ("election", "Laura Kell", None, True),  # a public office names no body
        ("death", "Anton Gries", None, True),
    ],
)
def test_an_event_without_its_organisation_stays_unconfirmed(
    kind: str, actor: str, org: str | None, published: bool
) -> None:
    line: list[dict] = []
    timeline.add(line, "a1", T0.timestamp(), (one(kind, actor, org),), source="Harbor Ledger")
    assert bool(timeline.story_events(line)) is published
    if not published:
        (held,) = timeline.unconfirmed_dicts(line)
        assert held["unconfirmed"] == "no organisation"


PERSON_APPOSITION = [
    ("en", "Laura Kell on Tuesday named Ivo Brandt, chief executive of the lender Halden "
     "Capital, as trade secretary.", "appointment", "Halden Capital"),
    ("de", "Der Präsident hat am Donnerstag Jonas Pfeil zum Finanzminister ernannt. Pfeil "
     "war früher Co-Chef von Halden Capital in Frankfurt.", "appointment", "Halden Capital"),
]  # fmt: skip


@pytest.mark.parametrize(("language", "body", "kind", "org"), PERSON_APPOSITION)
def test_the_new_posts_organisation_is_not_the_appointees_present_or_past_one(
    language: str, body: str, kind: str, org: str
) -> None:
    found = [e for e in events_of(body, language) if e.type == kind]
    assert found and all(e.organization != org for e in found)


CONDITIONAL = [
    ("en", "Tomas Vell said he would gladly return to Kestrel Air as chief executive.",
     "return"),
    ("de", "Anton Gries sagte, er würde sofort zur Seeberg AG zurückkehren.", "return"),
]  # fmt: skip


@pytest.mark.parametrize(("language", "body", "kind"), CONDITIONAL)
def test_a_conditional_verb_is_not_news(language: str, body: str, kind: str) -> None:
    assert all(e.not_news for e in events_of(body, language) if e.type == kind)
