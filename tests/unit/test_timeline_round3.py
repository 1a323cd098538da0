"""Issue 24, round 3: an event reaches a story's timeline only when it is about a name
the story's articles lead with, and extraction fixes found on the development streams.
The sentences are written for these tests."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from newsstream.core.extracted import Entity, Event
from newsstream.core.extraction import extract
from newsstream.core.stories import entity_table, gate, timeline, variants
from newsstream.models import Article

PUBLISHED = datetime(2024, 9, 18, 10, 0, tzinfo=UTC)
AT = PUBLISHED.timestamp()


# ------------------------------------------------------------------ central names
def test_the_lead_is_the_title_and_three_sentences() -> None:
    title = "Pellworth Rovers sack coach"
    body = "First one. Second one. Third one. Fourth one names Ivo Brandt."
    end = entity_table.lead_end(title, body)
    text = f"{title}\n{body}"
    assert text[:end].endswith("Third one.")
    short = "Nur ein Satz ohne Punkt"
    assert entity_table.lead_end("Kurz", short) == len("Kurz\n" + short)


def _entity(name: str, kind: str, position: int) -> Entity:
    return Entity(name, kind, (), 1, position, 0.5)


def test_leads_are_counted_taken_out_and_merged() -> None:
    table: entity_table.Table = {}
    first = entity_table.add(table, "a", (_entity("Seeberg AG", "ORG", 3),), lead=50)
    entity_table.add(table, "b", (_entity("Seeberg AG", "ORG", 80),), lead=50)
    assert table["seeberg ag"]["lead"] == 1  # b names it only after its lead
    entity_table.remove(table, "a", first)
    assert "seeberg ag" not in table or table["seeberg ag"]["lead"] == 0
    other: entity_table.Table = {}
    entity_table.add(other, "c", (_entity("Seeberg AG", "ORG", 0),), lead=50)
    entity_table.add(table, "d", (_entity("Seeberg AG", "ORG", 0),), lead=50)
    entity_table.absorb(table, other)
    assert table["seeberg ag"]["lead"] == 2


def test_a_table_stored_before_leads_were_counted_has_no_gate() -> None:
    entry = {"name": "Seeberg AG", "type": "ORG", "types": {"ORG": 1}, "aliases": [],
             "mentions": 1, "salience": 0.5, "articles": ["a"]}  # fmt: skip
    table = {"seeberg ag": entry}
    assert entity_table.lead_names(table, 5) is None


def _story(leads: dict[str, tuple[str, int]], members: int) -> entity_table.Central:
    table: entity_table.Table = {}
    for name, (kind, count) in leads.items():
        for i in range(count):
            entity_table.add(table, f"m{i}", (_entity(name, kind, 0),), lead=40)
    names = entity_table.lead_names(table, members)
    assert names is not None
    return names


def _published(events: list[Event], names: entity_table.Central) -> set[tuple[str, str]]:
    line: list[timeline.Entry] = []
    for i, event in enumerate(events):
        timeline.add(line, f"a{i}", AT, (event,), source=f"outlet {i}")
    return {(e["type"], (e["actors"] or [e["organization"]])[0])
            for e in timeline.event_dicts(line, names)}  # fmt: skip


def test_an_event_about_a_name_the_story_leads_with_is_published() -> None:
    names = _story({"Pellworth Rovers": ("ORG", 4), "Ansel Marlowe": ("PERSON", 3)}, 6)
    events = [
        Event("dismissal", ("Ansel Marlowe",), "Pellworth Rovers", confidence=0.8),
        # a second person at the story's club: the organisation is central
        Event("appointment", ("Ruth Imbery",), "Pellworth Rovers FC", confidence=0.8),
        # misspelt in the one article, still the story's coach
        Event("hiring", ("Ansel Marlow",), "Kellby Town", confidence=0.8),
    ]
    assert _published(events, names) == {
        ("dismissal", "Ansel Marlowe"),
        ("appointment", "Ruth Imbery"),
        ("hiring", "Ansel Marlow"),
    }


def test_an_event_about_names_one_article_leads_with_stays_unconfirmed() -> None:
    names = _story(
        {"Pellworth Rovers": ("ORG", 4), "Ansel Marlowe": ("PERSON", 3), "Dora Fenn": ("PERSON", 1),
         "Kellby Steelworks": ("ORG", 1)},
        6,
    )  # fmt: skip
    events = [
        Event("resignation", ("Dora Fenn",), "Kellby Steelworks", confidence=0.8),
        Event("launch", (), "Kellby Steelworks", confidence=0.8),
    ]
    assert _published(events, names) == set()
    line: list[timeline.Entry] = []
    timeline.add(line, "x", AT, (events[1],), source="s")
    (off,) = timeline.unconfirmed_dicts(line, names)
    assert off["unconfirmed"] == gate.OFF_CENTRE


def test_in_a_story_of_two_one_lead_is_enough() -> None:
    names = _story({"Dora Fenn": ("PERSON", 1), "Kellby Steelworks": ("ORG", 1)}, 2)
    events = [Event("resignation", ("Dora Fenn",), "Kellby Steelworks", confidence=0.8)]
    assert _published(events, names) == {("resignation", "Dora Fenn")}


def test_the_leads_of_a_name_and_the_names_inside_it_add_up() -> None:
    # "Zulieferer Nordwind Mobility" in one lead, "Nordwind Mobility" in another
    names = _story({"Vellmar Antriebe": ("ORG", 1), "Vellmar Antriebe GmbH": ("ORG", 1)}, 3)
    events = [Event("launch", (), "Vellmar Antriebe", confidence=0.8)]
    assert _published(events, names) == {("launch", "Vellmar Antriebe")}


# ------------------------------------------------------------------ one person, one event
def test_a_second_surname_left_off_is_the_same_person() -> None:
    assert variants.variants("Rosa Delgado", "Rosa Delgado Ferrer")
    assert variants.variants("Rosa Delgado Ferrer", "Rosa Delgado")
    assert not variants.variants("Rosa Delgado", "Rosa Ferrer Delgado Pons")
    assert not variants.variants("Rosa Ferrer", "Rosa Delgado Ferrer")
    line: list[timeline.Entry] = []
    timeline.add(line, "a", AT, (Event("appointment", ("Rosa Delgado Ferrer",), "Vantor",
                                       confidence=0.8),), source="one")  # fmt: skip
    timeline.add(line, "b", AT, (Event("appointment", ("Rosa Delgado",), "Vantor",
                                       confidence=0.8),), source="two")  # fmt: skip
    (shown,) = timeline.event_dicts(line)
    assert shown["actors"] == ["Rosa Delgado Ferrer"]
    assert shown["article_ids"] == ["a", "b"]


def test_named_and_signed_by_one_club_the_same_day_is_one_event() -> None:
    line: list[timeline.Entry] = []
    signed = Event("hiring", ("Ansel Marlowe",), "Pellworth Rovers", confidence=0.8)
    named = Event("appointment", ("Ansel Marlowe",), "Pellworth Rovers FC", confidence=0.8)
    timeline.add(line, "a", AT, (named,), source="one")
    timeline.add(line, "b", AT + 3600, (signed,), source="two")
    timeline.add(line, "c", AT + 7200, (signed,), source="three")
    shown = timeline.event_dicts(line)
    assert [(e["type"], e["actors"]) for e in shown] == [("hiring", ["Ansel Marlowe"])]
    (other,) = timeline.unconfirmed_dicts(line)
    assert (other["type"], other["unconfirmed"]) == ("appointment", gate.SAME_JOINING)


def test_named_by_one_and_signed_by_another_are_two_events() -> None:
    line: list[timeline.Entry] = []
    timeline.add(line, "a", AT, (Event("appointment", ("Ansel Marlowe",), "Kellby Town",
                                       confidence=0.8),), source="one")  # fmt: skip
    timeline.add(line, "b", AT, (Event("hiring", ("Ansel Marlowe",), "Pellworth Rovers",
                                       confidence=0.8),), source="two")  # fmt: skip
    assert len(timeline.event_dicts(line)) == 2


# ------------------------------------------------------------------ organisations
def _organisations(body: str, language: str, kind: str, actor: str) -> set[str | None]:
    article = Article(id="t", title="Report" if language == "en" else "Meldung", body=body,
                      published_at=PUBLISHED, language=language)  # fmt: skip
    return {e.organization for e in extract(article).events if e.type == kind and actor in e.actors}


NOT_THE_POST = [
    # (language, sentence, type, actor, an organisation the event must not name)
    ("en", "Ivo Brandt on Tuesday named Harlow County Sheriff Dora Fenn as his interior "
     "minister.", "appointment", "Dora Fenn", "Harlow County"),
    ("en", "The president-elect chose Kestrel Radio host and former captain Ansel Marlowe as "
     "his defence secretary.", "appointment", "Ansel Marlowe", "Kestrel Radio"),
    ("en", "Ruth Imbery was appointed prime minister by the king at Wexmoor Palace on Friday.",
     "appointment", "Ruth Imbery", "Wexmoor Palace"),
    ("de", "Im Vellmarer Schloss wurde Jonas Pfeil am Montag zum Intendanten ernannt.",
     "appointment", "Jonas Pfeil", "Vellmarer Schloss"),
]  # fmt: skip


@pytest.mark.parametrize(("language", "body", "kind", "actor", "org"), NOT_THE_POST)
def test_an_introducing_organisation_or_a_venue_is_not_the_new_post(
    language: str, body: str, kind: str, actor: str, org: str
) -> None:
    assert org not in _organisations(body, language, kind, actor)


STILL_THE_POST = [
    ("en", "Pellworth Rovers named Ansel Marlowe as head coach on Monday.", "appointment",
     "Ansel Marlowe", "Pellworth Rovers"),
    ("en", "Seeberg Logistics has hired Dora Fenn as its new finance chief.", "hiring",
     "Dora Fenn", "Seeberg Logistics"),
    ("de", "Die Seeberg AG hat Jonas Pfeil zum Vorstandschef ernannt.", "appointment",
     "Jonas Pfeil", "Seeberg AG"),
]  # fmt: skip


@pytest.mark.parametrize(("language", "body", "kind", "actor", "org"), STILL_THE_POST)
def test_the_employer_before_the_verb_stays_the_post(
    language: str, body: str, kind: str, actor: str, org: str
) -> None:
    assert org in _organisations(body, language, kind, actor)
