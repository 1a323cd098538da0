"""Language-neutral evidence of one article, for story matching.

Two reports of one story in English and German share few words, but they share
names ("Altman", "Nordwerk"), numbers ("4,3 Milliarden" = "4.3 billion"),
calendar dates ("17. November" = "November 17") and events with their actors
("dismissal of Altman"). ``gather`` turns an article and its extraction into
weighted *evidence keys* in one namespace for both languages:

- ``n:<token>``: a name-like token (capitalised inside a sentence, or part of
  an extracted entity name), folded (case, diacritics, German genitive ``-s``)
  and weighted by rarity: an invented company name weighs 1.0, "Microsoft"
  about 0.3, "Montag" nothing. A German compound whose head is a common noun
  ("Pilotengewerkschaft") is vocabulary, not a name: it weighs a third;
- ``#:<value>``: a number normalised across notations (``1.500`` de = ``1,500``
  en = 1500; "2,1 Milliarden" = "2.1 billion");
- ``d:<month>-<day>``: a calendar date;
- ``v:<event type>:<actor>``: an extracted event and one of its actors;
- ``~:<skeleton>``: the consonant skeleton of a rare name (``name_keys.skeleton``) at
  a third of its weight: "Ermoti" meets "Ermotti", "Sam Bankman Freed" meets "Fried". It
  counts only when the name itself is not shared.

Besides the keys, the *topics* of its headline (``core.text.topics``: personnel,
results, legal …) say what kind of news it is, in both languages alike.

Each key also carries its *prominence* in the article (mentions count 3 in the
title, 2 in the lead, 1 elsewhere, relative to the most mentioned key), and the
evidence lists the keys of the title and lead (*anchors*) and the surnames of
the article's main people: matching asks whether what the article is *about*
is in a story, not only whether a name appears somewhere. Words of one
language (the fingerprint's keyword vector) are kept apart as ``terms``: they
only compare articles of the same language. The word lists are wordfreq's, via
``core.text.frequency``. Pure and deterministic; lookups are cached.
"""

from __future__ import annotations

from dataclasses import dataclass

from newsstream.core.events.context import _DATELINE, WIRE_AGENCIES
from newsstream.core.extracted import Extraction
from newsstream.core.stories.name_keys import (
    WORD,
    entity_tokens,
    fold,
    fold_genitive,
    larger,
    name_tokens,
    organisation_names,
    skeleton,
)
from newsstream.core.text.calendar_days import dates
from newsstream.core.text.numbers import numbers_with_head
from newsstream.core.text.topics import topics as topics_of
from newsstream.models import Article

MAX_KEYS = 40
MAX_TERMS = 24
HEAD_WEIGHT = 0.3  # a headline word this name-like is one of the headline's names
SKELETON_WEIGHT = 0.6  # a name this rare also gives its consonant skeleton as a key ...
SKELETON_SHARE = 0.3  # ... at this share of its weight (misspelt names: name_keys.skeleton)
MAIN_PERSON = 0.5  # a person this salient (relative to the article's top person or
ORG_PART_SHARE = 0.5  # a word of a longer organisation name, shared without the whole name
_SUBJECTS = frozenset({"PERSON", "ORG"})  # what an article can be about (people_keys)


@dataclass(frozen=True, slots=True)
class Evidence:
    """What story matching knows of one article."""

    keys: dict[str, float]  # language-neutral evidence → weight (name-ness), heaviest first
    prominence: dict[str, float]  # key → 0.3 (a passing mention) … 1.0 (the headline)
    terms: dict[str, float]  # keywords of the article's language
    language: str
    anchors: frozenset[str] = frozenset()  # keys that occur in the title or lead
    people: tuple[str, ...] = ()  # surname keys of the people the article is about
    topics: frozenset[str] = frozenset()  # what its headline (else its lead) reports
    heads: tuple[str, ...] = ()  # the name keys of its headline, in order
    orgs: tuple[str, ...] = ()  # folded names of the organisations it is about
    org_names: frozenset[str] = frozenset()  # ... and of every organisation it names


def event_keys(extraction: Extraction) -> dict[str, float]:
    """An event type with each of its actors' surnames."""
    out: dict[str, float] = {}
    for event in extraction.events:
        for actor in event.actors[:3]:
            parts = actor.split()
            if parts:
                out[f"v:{event.type}:{fold(parts[-1])}"] = 0.5
    return out


def people_keys(extraction: Extraction, limit: int = 3) -> tuple[str, ...]:
    """``n:<surname>`` of the salient people (salience ≥ ``MAIN_PERSON`` of the top person or
    organisation), most salient first."""
    top = max((e.salience for e in extraction.entities if e.type in _SUBJECTS), default=0.0) or 1.0
    keys: list[str] = []
    for entity in extraction.entities:
        parts = entity.name.split()
        if entity.type == "PERSON" and parts and entity.salience >= MAIN_PERSON * top:
            key = f"n:{fold(parts[-1])}"
            if key not in keys:
                keys.append(key)
    return tuple(keys[:limit])


def organisation_keys(
    extraction: Extraction, limit: int = 3
) -> tuple[tuple[str, ...], frozenset[str]]:
    """Folded names of the salient organisations (as ``people_keys`` picks people),
    and of all organisations the article names."""
    top = max((e.salience for e in extraction.entities if e.type in _SUBJECTS), default=0.0) or 1.0
    main: list[str] = []
    every: set[str] = set()
    for entity in extraction.entities:
        if entity.type != "ORG":
            continue
        key = fold(entity.name)
        every.add(key)
        if entity.salience >= MAIN_PERSON * top and key not in main:
            main.append(key)
    return tuple(main[:limit]), frozenset(every)


def word_count(article: Article) -> int:
    return len(WORD.findall(f"{article.title}\n{article.body}"))


def gather(article: Article, extraction: Extraction) -> Evidence:
    """All evidence of an article: at most ``MAX_KEYS`` keys, heaviest first."""
    language = extraction.language
    text = f"{article.title}\n{article.body}"
    lead_end = len(article.title) + 1 + len(extraction.lead or article.body[:200])
    names = name_tokens(text, language, lead_end)
    for key, (weight, prominence) in entity_tokens(extraction).items():
        known = names.get(key)
        if known is None:  # (weights and prominences are above 0.0)
            names[key] = (weight, prominence)
        else:
            names[key] = (larger(known[0], weight), larger(known[1], prominence))
    names = fold_genitive(names)
    for agency in _agencies(article.body):  # the wire that filed it says nothing of the story
        names.pop(agency, None)
    organisations, org_words = organisation_names(extraction)
    keys = {
        f"n:{k}": round(w * ORG_PART_SHARE if k in org_words else w, 3)
        for k, (w, _) in names.items()
    }
    prominence = {f"n:{k}": p for k, (_, p) in names.items()}
    for key, (weight, seen) in organisations.items():
        keys[key] = weight
        prominence[key] = seen
    head = text[:lead_end]
    lowered = text.lower()
    in_text, in_head = numbers_with_head(text, language, head)
    keys.update(in_text)
    prominence.update({k: 1.0 if k in in_head else 0.5 for k in in_text})
    found = dates(text, lowered)
    if found:
        head_dates = dates(head, lowered[:lead_end] if len(lowered) == len(text) else None)
        keys.update(found)
        prominence.update({k: 1.0 if k in head_dates else 0.5 for k in found})
    for key, weight in event_keys(extraction).items():
        keys[key] = weight
        prominence[key] = prominence.get(f"n:{key.rsplit(':', 1)[1]}", 0.5)
    ranked = sorted(keys.items(), key=lambda kv: (-kv[1], kv[0]))[:MAX_KEYS]
    ranked += _skeletons(ranked, prominence)
    terms = sorted(extraction.fingerprint.keywords.items(), key=lambda kv: (-kv[1], kv[0]))
    head_words = set(map(fold, WORD.findall(head)))
    anchors = frozenset(
        k
        for k, _ in ranked
        if (k.startswith("n:") and k[2:] in head_words)
        or k in in_head
        or (k.startswith("o:") and all(word in head_words for word in k[2:].split()))
    )
    title_words = [fold(w) for w in WORD.findall(article.title)]
    heads = tuple(
        dict.fromkeys(f"n:{w}" for w in title_words if keys.get(f"n:{w}", 0.0) >= HEAD_WEIGHT)
    )
    orgs, org_names = organisation_keys(extraction)
    return Evidence(
        orgs=orgs,
        org_names=org_names,
        heads=heads,
        keys=dict(ranked),
        prominence={k: prominence[k] for k, _ in ranked},
        terms=dict(terms[:MAX_TERMS]),
        language=language,
        anchors=anchors,
        people=people_keys(extraction),
        topics=headline_topics(article, extraction),
    )


def _skeletons(
    ranked: list[tuple[str, float]], prominence: dict[str, float]
) -> list[tuple[str, float]]:
    """``~:`` keys of the rare names among the kept keys (beyond ``MAX_KEYS``)."""
    taken = {key for key, _ in ranked}
    out: list[tuple[str, float]] = []
    for key, weight in ranked:
        if key.startswith("n:") and weight >= SKELETON_WEIGHT:
            bones = skeleton(key[2:])
            if bones is not None and f"~:{bones}" not in taken:
                taken.add(f"~:{bones}")
                out.append((f"~:{bones}", round(weight * SKELETON_SHARE, 3)))
                prominence[f"~:{bones}"] = prominence[key]
    return out


def _agencies(body: str) -> set[str]:
    """Folded names of the news agencies in the body's dateline ("BERLIN (NGW) – ") and
    the well-known agencies (dpa, Reuters …): a wire's name is in every story it files."""
    found = set(WIRE_AGENCIES)
    match = _DATELINE.match(body.lstrip()[:80])
    if match:
        for name in match.group(1).replace(",", "/").split("/"):
            found.update(fold(word) for word in WORD.findall(name))
    return found


def headline_topics(article: Article, extraction: Extraction) -> frozenset[str]:
    """What the article reports (``core.text.topics``): its headline's topics, else its
    lead sentence's (a headline such as "Comeback perfekt" or one that names no event)."""
    found = topics_of(article.title, extraction.language)
    if not found:
        found = topics_of(extraction.lead or article.body[:200], extraction.language)
    return found
