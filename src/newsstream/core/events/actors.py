"""Who an event is about: the PERSON actors of a trigger.

* Object triggers ("fired", "entlassen", "hires") take the person after an active verb
  and before a passive or clause-final one ("Altman was ousted", "nachdem der Vorstand
  Altman entlassen hatte", "Der Vorstand verdrängte Altman"); the "by" agent of a passive
  is not the actor. Subject triggers ("resigned", "tritt ... bei") look before, then after.
* In a relative clause (", who was ousted", ", die OpenAI verlassen haben") the actor is
  the word before the comma, or nobody.
* An unnamed role right next to an object trigger ("seinen Trainer freigestellt") means
  the event is about that role, not a farther name.
* Noun triggers need their person right next to them ("Altmans Entlassung").
* Coordinated names join ("Altman und Brockman"); a pronoun resolves to the nearest
  earlier person of its sentence, or to the first person of the previous sentence when
  the sentence opens with a pronoun or names nobody before it.
"""

from __future__ import annotations

from newsstream.core.entities.mentions import Mention
from newsstream.core.events.context import EventContext, SentenceView, nearest, verb_final
from newsstream.core.events.triggers import Hit
from newsstream.core.text.common_words import word_set

CONJUNCTIONS = frozenset({",", "and", "und", "sowie", "&"})
AGENT_MARKERS = frozenset({"by", "von", "vom", "durch"})
ROLE_DETERMINERS = frozenset(
    """its his her their the a an seinen seine sein ihren ihre ihr den die der einen eine
    ein dessen deren""".split()
)
RELATIVES = frozenset({"who", "which", "der", "die", "das", "welche", "welcher"})
SUBJECT_PRONOUNS = frozenset({"he", "she", "er", "sie"})
NEAR = 3
MAX_PARTICLES = 2
OBJECT_WINDOW = 10
BEFORE_WINDOW = 30
PERSON_AGENT_WINDOW = 6
BRACKET_SUBJECT = 3
APPOSITION_OPENERS = frozenset({"a", "an", "the", "ein", "eine", "einer", "der", "die"})
LOSER_MARKERS = frozenset(
    "defeating defeated beating beat against over gegen vor besiegte schlug".split()
)
LOSER_WINDOW = 4


def _order(ctx: EventContext, view: SentenceView, hit: Hit) -> tuple[str, ...]:
    if hit.trigger.actor_side == "subject":
        return ("before",) if "before" in hit.trigger.constraints else ("before", "after")
    lower = view.s.lower
    if ctx.language == "de":
        return ("before", "after") if verb_final(lower, hit) else ("after", "before")
    if ctx.passive_before(view, hit):
        return ("before",)
    following = lower[hit.last + 1] if hit.last + 1 < len(lower) else ""
    if view.s.index < ctx.title_sentences and following not in ROLE_DETERMINERS:
        return ("after", "before")  # ("fires its top executives": the object is unnamed)
    return ("after",)


def _coordinated(view: SentenceView, chosen: Mention) -> list[Mention]:
    lower = view.s.lower
    group = [chosen]
    ordered = sorted(view.persons, key=lambda m: m.first)
    index = ordered.index(chosen)
    for step in (-1, 1):
        j = index
        while 0 <= j + step < len(ordered):
            a, b = (ordered[j + step], ordered[j]) if step < 0 else (ordered[j], ordered[j + step])
            between = lower[a.last : b.first]
            if not between or not CONJUNCTIONS.issuperset(between):
                break
            j += step
            group.append(ordered[j])
    return sorted(group, key=lambda m: m.first)


def _unnamed_role_between(ctx: EventContext, view: SentenceView, hit: Hit, person: Mention) -> bool:
    if hit.trigger.actor_side != "object":
        return False
    lower = view.s.lower
    before = person.last <= hit.first
    for at, _ in ctx.roles(view):
        close = hit.first - 3 <= at < hit.first if before else hit.last < at <= hit.last + 3
        between = person.last <= at if before else at < person.first
        if not (close and between) or _named_role(ctx, view, at):
            continue
        if at > 0 and lower[at - 1] in ROLE_DETERMINERS:
            return True
    return False


def _named_role(ctx: EventContext, view: SentenceView, at: int) -> bool:
    """The role at ``at`` names its holder: "CEO Altman", "its chief executive, Malcolm
    Ardent," (an apposition right after the role)."""
    match = ctx.g.role_at(view.s.lower, at)
    end = at + (match[1] if match else 1)
    for m in view.persons:
        if m.first in (at + 1, end):
            return True
        if m.first == end + 1 and view.s.lower[end] == ",":
            return True
    return False


def _pronoun_spot(
    ctx: EventContext, view: SentenceView, hit: Hit, directions: tuple[str, ...]
) -> int | None:
    lower = view.s.lower
    start, end = view.clause(hit.first, hit.last)
    spots: list[int] = []
    if "before" in directions or hit.nominal:
        spots += list(range(hit.first - 1, max(start, hit.first - 9) - 1, -1))
    if "after" in directions:
        spots += list(range(hit.first + 1, min(end, hit.first + 5)))
    return next((p for p in spots if lower[p] in ctx.pronouns), None)


def _pronoun_referent(ctx: EventContext, view: SentenceView, spot: int) -> str | None:
    opening = view.s.lower[0] in ctx.pronouns
    before = [m for m in view.persons if m.last <= spot]
    if before and not opening:
        return before[-1].canonical
    for previous in range(view.s.index - 1, -1, -1):
        persons = ctx.views[previous].persons
        if persons:  # the article's main person among them (its topic), else the first
            salience = ctx.person_salience
            topic = max(persons, key=lambda m: (salience.get(m.canonical or "", 0.0), -m.first))
            return topic.canonical
    return None


def _relative_antecedent(ctx: EventContext, view: SentenceView, hit: Hit) -> range | None:
    """Where the antecedent of a relative clause around the trigger may end: right before
    the comma, or in German before verb particles closing the main clause ("Gerlach löst
    Anja Thiel ab, die das Unternehmen verlässt")."""
    lower = view.s.lower
    start, _ = view.clause(hit.first, hit.last)
    if start < 2 or lower[start] not in RELATIVES or lower[start - 1] != ",":
        return None
    end = start - 1
    if ctx.language == "de":
        particles = word_set("de", "separable_particles")
        while end > 1 and start - 1 - end < MAX_PARTICLES and lower[end - 1] in particles:
            end -= 1
    return range(end, start)


def _near(candidates: list[Mention], hit: Hit) -> Mention | None:
    close = [
        m
        for m in candidates
        if hit.first - NEAR <= m.last <= hit.first or hit.last < m.first <= hit.last + NEAR + 1
    ]
    return min(close, key=lambda m: abs(m.first - hit.first), default=None)


def _verbal(
    ctx: EventContext, view: SentenceView, hit: Hit, candidates: list[Mention]
) -> tuple[Mention | None, bool]:
    """(chosen person, blocked by an unnamed role) for a verb trigger."""
    lower = view.s.lower
    directions = _order(ctx, view, hit)
    if ctx.passive_before(view, hit) and hit.trigger.actor_side == "object":
        candidates = [
            m
            for m in candidates
            if not (m.first > hit.last and lower[m.first - 1] in AGENT_MARKERS)
        ]
    if _unnamed_object(ctx, view, hit):
        return None, True
    candidates = [m for m in candidates if not _in_apposition(view, m, hit)]
    close = _pronoun_spot(ctx, view, hit, ("before",)) if directions[0] == "before" else None
    chosen = _bracketed(ctx, view, hit, candidates) if ctx.language == "de" else None
    if chosen is not None:
        return chosen, False
    for direction in directions:
        limit = OBJECT_WINDOW if direction == "after" else BEFORE_WINDOW
        chosen = nearest(view, hit, candidates, direction, limit)
        if chosen is not None and _unnamed_role_between(ctx, view, hit, chosen):
            return None, True
        if chosen is not None:
            break
    if chosen is not None and close is not None and chosen.last <= close < hit.first:
        chosen = None
    if (  # "Sie übernimmt den Posten von Manfred Knof": the pronoun is the subject
        chosen is not None
        and chosen.first > hit.first
        and hit.trigger.actor_side == "subject"
        and _subject_pronoun(view, hit)
    ):
        chosen = None
    return chosen, False


def _unnamed_object(ctx: EventContext, view: SentenceView, hit: Hit) -> bool:
    """An active object verb followed by a role that names nobody: the event is about that
    role, not the subject ("Scholz sacks finance minister", "fires his finance minister").
    English only."""
    if hit.trigger.actor_side != "object" or ctx.passive_before(view, hit):
        return False
    if ctx.language != "en":
        return False  # German puts the subject after a fronted verb: "ernannte das Gremium X"
    lower = view.s.lower
    if view.s.index < ctx.title_sentences and lower[hit.first].endswith(("ed", "en")):
        return False  # a headline participle is a passive: "Korff named chair"
    at = hit.last + 1
    if at < len(lower) and lower[at] in ROLE_DETERMINERS:
        at += 1
    if at >= len(lower) or ctx.g.role_at(lower, at) is None:
        return False
    return not _named_role(ctx, view, at)


def _in_apposition(view: SentenceView, person: Mention, hit: Hit) -> bool:
    """``person`` stands in an apposition describing someone else, before the trigger
    ("Kukies, a former banker and adviser to Olaf Scholz, was appointed")."""
    if person.last > hit.first:
        return False
    lower = view.s.lower
    left = person.first - 1
    while left >= 0 and lower[left] != ",":
        left -= 1
    right = person.last
    while right < hit.first and lower[right] != ",":
        right += 1
    if left <= 0 or right >= hit.first or lower[left + 1] not in APPOSITION_OPENERS:
        return False
    return any(m.last == left for m in view.persons)


def losers(view: SentenceView, persons: list[Mention]) -> list[Mention]:
    """Persons an election winner beat ("defeating Vice President Kamala Harris")."""
    lower = view.s.lower
    out = []
    for m in persons:
        window = lower[max(0, m.first - LOSER_WINDOW) : m.first]
        marks = [i for i, w in enumerate(window) if w in LOSER_MARKERS]
        if marks and "," not in window[marks[-1] :]:
            out.append(m)
    return out


def _bracketed(
    ctx: EventContext, view: SentenceView, hit: Hit, candidates: list[Mention]
) -> Mention | None:
    """German verb brackets: the object inside a split trigger ("sich von Mark Schneider
    getrennt"), the subject right after a fronted verb when none precedes it in the clause
    ("außerdem zieht der Ökonom Larry Summers in das Gremium ein")."""
    if len(hit.positions) < 2:
        return None
    inside = [m for m in candidates if hit.first < m.first and m.last <= hit.last]
    if not inside:
        return None
    if hit.trigger.actor_side == "object":
        return inside[0]
    start, _ = view.clause(hit.first, hit.last)
    if any(start <= m.first < hit.first for m in candidates) or _subject_pronoun(view, hit):
        return None
    first = inside[0]
    return first if first.first <= hit.first + BRACKET_SUBJECT else None


def _subject_pronoun(view: SentenceView, hit: Hit) -> bool:
    """A personal pronoun (not a possessive: "seine Nachfolge") opens the trigger's
    clause or stands right before the trigger."""
    lower = view.s.lower
    start, _ = view.clause(hit.first, hit.last)
    return lower[start] in SUBJECT_PRONOUNS or (
        hit.first > 0 and lower[hit.first - 1] in SUBJECT_PRONOUNS
    )


def find_actors(
    ctx: EventContext, view: SentenceView, hit: Hit, bound: set[int]
) -> tuple[list[str], bool]:
    """(actor canonical names, found through a pronoun). ``bound`` holds persons already
    taken by noun triggers of the sentence."""
    candidates = [m for m in view.persons if id(m) not in bound]
    if hit.trigger.type == "election":
        beaten = losers(view, candidates)
        candidates = [m for m in candidates if m not in beaten]
    directions = _order(ctx, view, hit)
    antecedent = _relative_antecedent(ctx, view, hit)
    if antecedent is not None and directions[0] == "before":
        candidates = [m for m in candidates if m.last in antecedent]
        if not candidates:
            return [], False
    if hit.nominal:
        chosen = _near(candidates, hit)
        if chosen is None and antecedent is not None and candidates:
            chosen = candidates[-1]  # "Marcus Holt, who announced his retirement"
    else:
        chosen, blocked = _verbal(ctx, view, hit, candidates)
        if blocked:
            return [], False
    if chosen is not None:
        if hit.nominal:
            bound.add(id(chosen))
        return [m.canonical or m.text for m in _coordinated(view, chosen)], False
    spot = _pronoun_spot(ctx, view, hit, directions)
    referent = _pronoun_referent(ctx, view, spot) if spot is not None else None
    return ([referent], True) if referent else ([], False)


def person_agent(view: SentenceView, hit: Hit) -> Mention | None:
    """A person who buys or invests ("Elon Musk bought the social network")."""
    person = nearest(view, hit, view.persons, "before", PERSON_AGENT_WINDOW)
    if person is None:
        return None
    org = nearest(view, hit, view.orgs, "before", PERSON_AGENT_WINDOW)
    return person if org is None or org.first < person.first else None
