"""Typed events of one article: triggers (``triggers``) filled with people, organisation,
role and date from the article's resolved mentions.

For each trigger of a sentence (longest first; noun triggers before verbs, so that
"Nach Altmans Entlassung haben Forscher OpenAI verlassen" does not give Altman's name to
the researchers):

1. constraints of the pattern (``@person``, ``@org``, ``@role``, ``@misc``, ``@orgnext``);
2. is it asserted? (``event_scope``: negation, hedges, modal verbs);
3. who? (``event_actors``) and which organisation? (``event_organisations``); a buyer or
   investor may be a person ("Elon Musk bought the social network");
4. role: the role word nearest the trigger, preferring "as / als / zum X", canonical and
   with "interim" when the sentence says so; date: the explicit date nearest the trigger
   (``dates``), else ``published_at``; confidence from how much was found directly.

Coordinated investors ("X und der Versicherer Y investieren") give one event each.
Reports of one event merge (``event_merge``); events below ``MIN_CONFIDENCE`` are dropped.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from functools import cache

from newsstream.core.entities.mentions import Mention
from newsstream.core.events.actors import find_actors, person_agent
from newsstream.core.events.context import EventContext, SentenceView, verb_final
from newsstream.core.events.merge import Draft, merge
from newsstream.core.events.news import not_news
from newsstream.core.events.organisations import PERSON_TYPES, find_organization, find_target
from newsstream.core.events.scope import assertion_penalty
from newsstream.core.events.triggers import Hit, find_triggers
from newsstream.core.extracted import Entity, Event
from newsstream.core.text.common_words import word_set
from newsstream.core.text.dates import as_datetime, find_dates
from newsstream.core.text.sentences import Sentence

INTERIM_WINDOW = 4
INTERIM_ROLES = frozenset({"CEO", "chairman", "head coach", "CFO", "CTO", "managing director"})
ROLE_MARKERS = frozenset({"as", "als", "zum", "zur", "to"})
JOINT_AGENT_TYPES = frozenset({"investment"})
TARGET_TYPES = frozenset({"acquisition", "legal"})
COORDINATORS = frozenset({"and", "und", "sowie", ","})
CONJUNCTION_WORDS = frozenset({"and", "und", "sowie"})
COORDINATED_FILLERS = frozenset(
    "the a an its der die das den dem des ein eine einer einem auch also".split()
)
ROLE_AFTER = 3
HOLDER_GAP = 6
HOLDER_FILLERS = frozenset(
    "as als zum zur the its his her der die den dem seine ihre seinen ihren interim acting new "
    "neuer neue neuen".split()
)
ROLE_ADJECTIVES = frozenset({"neuer", "neue", "neuen", "chief"})
MIN_CONFIDENCE = 0.3
FUTURE_WORDS = frozenset("will wird werden soll sollen".split())
LEAD_SENTENCES = 3  # body sentences that, with the title, make the lead
BASE_CONFIDENCE = 0.75


@cache
def _interim_words() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """Words of a post held for a time, and "until" / "successor" (both languages)."""
    return tuple(  # type: ignore[return-value]
        word_set("en", key) | word_set("de", key)
        for key in ("interim_words", "interim_until", "interim_successor")
    )


def interim(view: SentenceView) -> bool:
    """The sentence says a post is held for a time: "interim", "kommissarisch", "on an
    interim basis", "until a successor is found", "bis ein Nachfolger gefunden ist"."""
    lower = view.s.lower
    words, until, successor = _interim_words()
    if not words.isdisjoint(lower):
        return True
    if until.isdisjoint(lower):
        return False
    return any(
        word in until and not successor.isdisjoint(lower[i + 1 : i + 1 + INTERIM_WINDOW])
        for i, word in enumerate(lower)
    )


def _org_nearby(ctx: EventContext, view: SentenceView, hit: Hit) -> bool:
    lo, hi = hit.first - 3, hit.last + 4
    if ctx.language == "de" and verb_final(view.s.lower, hit):  # "die das Unternehmen ...
        lo = min(lo, view.clause(hit.first, hit.last)[0])  # nach 18 Monaten verlässt"
    if any(lo <= m.first < hi for m in view.orgs):
        return True
    return any(ctx.g.is_descriptor(t) for t in view.s.lower[max(lo, 0) : hi])


def _constraints_ok(ctx: EventContext, view: SentenceView, hit: Hit) -> bool:
    for constraint in hit.trigger.constraints:
        if constraint == "person" and not view.persons and ctx.pronouns.isdisjoint(view.s.lower):
            return False
        if constraint == "org" and not view.orgs:
            return False
        if constraint == "misc" and not view.misc:
            return False
        if constraint == "role" and not ctx.roles(view):
            return False
        if constraint == "orgnext" and not _org_nearby(ctx, view, hit):
            return False
        if constraint == "interim" and not interim(view):
            return False
        if constraint == "roleafter" and not _role_after(ctx, view, hit):
            return False
    return True


def _role_after(ctx: EventContext, view: SentenceView, hit: Hit) -> bool:
    """A role word within ``ROLE_AFTER`` words after the trigger, with only adjectives
    or adverbs between ("wird alleiniger Vorstandschef", "Neuer Finanzminister wird")."""
    tokens = view.s.tokens
    for at, _ in ctx.roles(view):
        if hit.last < at <= hit.last + ROLE_AFTER:
            between = tokens[hit.last + 1 : at]
            return all(t[:1].islower() or t.lower() in ROLE_ADJECTIVES for t in between)
    return False


def _role(ctx: EventContext, view: SentenceView, hit: Hit) -> str | None:
    roles = ctx.roles(view)
    if not roles:
        return None
    lower = view.s.lower

    def distance(item: tuple[int, str]) -> float:
        at = item[0]
        far = (at - hit.last) if at > hit.last else 1.5 * (hit.first - at)
        return far / 2 if at > 0 and lower[at - 1] in ROLE_MARKERS else far

    _, role = min(roles, key=distance)
    if interim(view) and not role.startswith(("interim", "co-")) and role in INTERIM_ROLES:
        role = f"interim {role}"
    return role


def _date(ctx: EventContext, view: SentenceView, hit: Hit) -> tuple[datetime, bool]:
    offset = view.s.offset(hit.first) - view.s.start
    if view.dates is None:
        view.dates = find_dates(view.s.text, ctx.language, ctx.published_at)
    if not view.dates:
        return ctx.published_at, False
    closest = min(view.dates, key=lambda d: abs(d.offset - offset))
    if closest.ahead is not None and not FUTURE_WORDS.isdisjoint(view.s.lower):
        return as_datetime(closest.future(), ctx.published_at), True  # "will join on 1 Nov"
    return as_datetime(closest.value, ctx.published_at), True


def _draft(ctx: EventContext, view: SentenceView, hit: Hit, bound: set[int]) -> Draft | None:
    if not _constraints_ok(ctx, view, hit):
        return None
    penalty = assertion_penalty(ctx, view, hit)
    if penalty is None:
        return None
    kind = hit.trigger.type
    actors: list[str] = []
    via_pronoun = False
    if kind in PERSON_TYPES or kind == "legal":
        actors, via_pronoun = find_actors(ctx, view, hit, bound)
        if not actors and kind in PERSON_TYPES and not ctx.roles(view):
            return None
    organization, fallback = find_organization(ctx, view, hit, actors)
    if kind in ("acquisition", "investment") and not hit.trigger.org_after:
        agent = person_agent(view, hit)  # (not the seller of "sells X to Y")
        if agent is not None:
            actors, organization, fallback = [agent.canonical or agent.text], None, False
    if organization is None and not actors:
        return None
    target = find_target(view, hit, organization) if kind in TARGET_TYPES else None
    when, explicit = _date(ctx, view, hit)
    confidence = BASE_CONFIDENCE - (0.1 if hit.nominal else 0.0) - penalty
    confidence += 0.1 if organization and not fallback else -0.15 if fallback else 0.0
    confidence -= 0.1 if via_pronoun else 0.0
    confidence += 0.05 if explicit else 0.0
    return Draft(
        kind,
        actors,
        organization,
        fallback,
        _role(ctx, view, hit),
        when,
        explicit,
        round(min(0.95, max(0.05, confidence)), 2),
        view.s.text,
        view.s.index,
        target,
        not_news(ctx, view, hit) or "",
    )


def _drafts(ctx: EventContext) -> list[Draft]:
    drafts: list[Draft] = []
    for view in ctx.views:
        if not (view.persons or view.orgs or not ctx.pronouns.isdisjoint(view.s.lower)):
            continue
        hits = find_triggers(view.s, ctx.language)
        bound: set[int] = set()
        used: set[int] = set()
        for hit in sorted(hits, key=lambda h: (not h.nominal, h.first, -len(h.words))):
            if hit.first in used:
                continue
            draft = _draft(ctx, view, hit, bound)
            if draft is not None:
                used.update(range(hit.first, hit.last + 1))
                drafts.append(draft)
                joint = draft.type in JOINT_AGENT_TYPES and not draft.org_fallback
                if joint and draft.organization:
                    drafts.extend(_co_agents(ctx, view, draft))
                if draft.actors and draft.type in PERSON_TYPES:
                    drafts.extend(_co_holders(ctx, view, draft))
    return drafts


def _co_holders(ctx: EventContext, view: SentenceView, draft: Draft) -> list[Draft]:
    """ "Chief executive A and finance chief B were fired", "appointed A as CEO and B as
    chairman": people coordinated with the actor, each with a role of their own, are
    events of their own."""
    persons = sorted(view.persons, key=lambda m: m.first)
    names = [m.canonical or m.text for m in persons]
    taken = [i for i, name in enumerate(names) if name in draft.actors]
    if not taken:
        return []
    roles = ctx.roles(view)
    found: list[Draft] = []
    for step in (-1, 1):
        j = taken[0] if step < 0 else taken[-1]
        while 0 <= j + step < len(persons):
            a, b = (persons[j + step], persons[j]) if step < 0 else (persons[j], persons[j + step])
            role = _coordinated_role(ctx, view, roles, a.last, b.first)
            if role is None:
                break
            j += step
            name = names[j]
            if name not in draft.actors and all(name not in d.actors for d in found):
                extra = replace(draft, actors=[name])
                extra.role = role if step > 0 and role else draft.role
                found.append(extra)
    return found


def _coordinated_role(
    ctx: EventContext, view: SentenceView, roles: list[tuple[int, str]], start: int, end: int
) -> str | None:
    """The role of the second person when ``lower[start:end]`` joins two people with
    one conjunction and role words only ("and chief financial officer", "as CEO and")."""
    if not 2 <= end - start <= HOLDER_GAP:
        return None
    lower = view.s.lower
    covered: set[int] = set()
    found = None
    for k in range(start, end):  # German compounds: "Bildungsministerin"
        if ctx.language == "de" and ctx.g.role_compound(view.s.tokens[k]):
            covered.add(k)
            found = ""
    for at, role in roles:
        if start <= at < end:
            match = ctx.g.role_at(lower, at)
            covered.update(range(at, at + (match[1] if match else 1)))
            found = role
    conjunctions = 0
    for k in range(start, end):
        if lower[k] in CONJUNCTION_WORDS:
            conjunctions += 1
        elif k not in covered and lower[k] not in HOLDER_FILLERS:
            return None
    return found if conjunctions == 1 and found is not None else None


def _co_agents(ctx: EventContext, view: SentenceView, draft: Draft) -> list[Draft]:
    """ "X und der Versicherer Y investieren": each coordinated investor is an event."""
    orgs = sorted(view.orgs, key=lambda m: m.first)
    index = next(
        (i for i, m in enumerate(orgs) if (m.canonical or m.text) == draft.organization), None
    )
    if index is None:
        return []
    lower = view.s.lower
    found: list[str] = []
    for step in (-1, 1):
        j = index
        while 0 <= j + step < len(orgs):
            a, b = (orgs[j + step], orgs[j]) if step < 0 else (orgs[j], orgs[j + step])
            between = lower[a.last : b.first]
            if not _coordination(ctx, between):
                break
            j += step
            name = orgs[j].canonical or orgs[j].text
            if name != draft.organization and name not in found:
                found.append(name)
    return [replace(draft, actors=list(draft.actors), organization=name) for name in found]


def _coordination(ctx: EventContext, between: list[str]) -> bool:
    if not between or CONJUNCTION_WORDS.isdisjoint(between):
        return False
    return all(
        w in COORDINATORS or w in COORDINATED_FILLERS or ctx.g.is_descriptor(w) for w in between
    )


def analyze_events(
    sentences: list[Sentence],
    mentions: tuple[Mention, ...],
    entities: tuple[Entity, ...],
    language: str,
    published_at: datetime,
    title_sentences: int = 1,
) -> tuple[Event, ...]:
    """Events of segmented text whose mentions are resolved (see ``entities``)."""
    ctx = EventContext(sentences, mentions, entities, language, published_at, title_sentences)
    events = [
        Event(
            type=draft.type,
            actors=tuple(draft.actors),
            organization=draft.organization,
            role=draft.role,
            occurred_at=draft.occurred_at,
            confidence=draft.confidence,
            sentence=draft.sentence,
            position=draft.index,
            lead=draft.index < title_sentences + LEAD_SENTENCES,
            dated=draft.explicit_date,
            not_news=draft.not_news,
            target=draft.target,
        )
        for draft in merge(_drafts(ctx))
        if draft.confidence >= MIN_CONFIDENCE
    ]
    events.sort(key=lambda e: (e.occurred_at or published_at, -e.confidence, e.type))
    return tuple(events)
