"""Which organisation an event belongs to.

* Hiring, investment, acquisition, launch and legal events take their **agent**: the
  organisation that hires, invests, buys, launches or sues — the subject before the verb,
  the "by" / "von" phrase of a passive, "led by X" for funding rounds; never the
  recipient after "in" / "into" / "gegen". "The company also hired ..." stands for the
  article's main organisation. Authorities (regulators, courts) do not buy or invest.
* "X joins Y" / "tritt Y bei" / "wechselt zu Y": the organisation after the verb, not
  the one someone comes from ("kommt vom Erstligisten X", "moves from X to Y").
* Other events take the nearest organisation that is not someone else's affiliation
  ("Quora chief executive Adam D'Angelo", "Microsoft-Chef Nadella"), not a former
  employer of a new post ("former chief executive of Twitch"), and not inside an
  apposition of another organisation ("Meridian, a supplier to Nvidia, said ...").
  For a new post, not an organisation or place introducing the appointee between the
  verb and the name ("named South Dakota Governor Kristi Noem", "chose Fox News host
  Pete Hegseth"): that is where the person is now. Never a venue ("at Buckingham
  Palace", "im Olympiastadion").
* When the sentence names none: a family firm named like the person, else the article's
  most salient organisation (never for hiring or elections).
"""

from __future__ import annotations

from newsstream.core.entities.mentions import Mention
from newsstream.core.events.context import (
    PUNCT_BREAKS,
    EventContext,
    SentenceView,
    nearest,
    verb_final,
)
from newsstream.core.events.triggers import Hit

PERSON_TYPES = frozenset(
    {"dismissal", "resignation", "appointment", "hiring", "return", "death", "election"}
)
AGENT_TYPES = frozenset({"investment", "acquisition", "launch", "legal"})
BUSINESS = frozenset({"acquisition", "investment", "launch"})
NEW_POST = frozenset({"appointment", "hiring", "return", "election"})
NO_FALLBACK = frozenset({"hiring", "election"})
FORMER = frozenset(
    """former ex früheren frühere früherer früheres ehemalige ehemaligen ehemaliger einstige
    einstigen rival rivale rivalen konkurrent""".split()
)
RECIPIENT_MARKERS = frozenset(
    {"in", "into", "an", "gegen", "against", "from", "aus", "bei", "beim"}
)
AGENT_MARKERS = frozenset({"by", "von", "vom", "durch"})
BUYERS = frozenset({"by", "durch"})  # "the takeover of X by Y"
RECEIVER_MARKERS = AGENT_MARKERS | {"to", "an", "from"}
APPOSITION_OPENERS = frozenset({"a", "an", "the", "ein", "eine", "einer"})
IMPLICIT_SUBJECTS = frozenset(
    {"it", "es", "sie", "er", "company", "unternehmen", "firm", "firma", "konzern", "group"}
)
SOURCE_MARKERS = frozenset({"from", "vom", "von", "aus"})
EMPLOYER_MARKERS = frozenset({"bei", "beim"})
SOURCE_WINDOW = 5
FORMER_PHRASE = 5  # "früher Co-Chef von Goldman Sachs", "previously head of X"
EARLIER = frozenset("früher zuvor bisher previously formerly once".split())
NEAR = 3
INTRO_GAP = 5  # words between an introducing organisation and the appointee
VENUE_HEADS = frozenset(
    """palace castle stadium arena hotel airport cathedral square hall street avenue
    palast schloss stadion flughafen dom straße strasse""".split()
)
VENUE_ENDINGS = ("stadion", "palast", "schloss", "flughafen", "arena")
FORMER_WINDOW = 8
MARKER_WINDOW = 7
ORG_WINDOW = 25


def _affiliated(
    ctx: EventContext, view: SentenceView, org: Mention, actors: list[str], new_post: bool
) -> bool:
    """``org`` introduces someone else ("Quora chief executive Adam D'Angelo"), or, for a
    new post, the actor's present one ("übernimmt Porsche-Chef Oliver Blume den Vorsitz")."""
    lower = view.s.lower
    for person in view.persons:
        if person.first < org.last - 1:
            continue
        if person.canonical in actors:
            if new_post and person.first == org.last and "-" in view.s.tokens[org.last - 1]:
                return True
            continue
        gap = person.first - org.last
        if gap < 0 or gap > 4:
            continue
        if org.last - 1 == org.first and "-" in view.s.tokens[org.first] and gap == 0:
            return True
        if gap > 0 and ctx.g.role_at(lower, org.last) is not None:
            return True
    return False


def _former(view: SentenceView, org: Mention, hit: Hit) -> bool:
    """ "former chief executive of Twitch": the organisation is someone's former one. The
    word must belong to the organisation's phrase: a person or the trigger between them
    ends the search ("Die frühere Ministerin X heuert beim Betreiber Y an")."""
    lower = view.s.lower
    low = max(-1, org.first - FORMER_WINDOW)
    stops = {m.last - 1 for m in view.persons if low < m.last <= org.first}
    stops.update(p for p in hit.positions if low < p < org.first)
    for p in range(org.first - 1, low, -1):
        if lower[p] in PUNCT_BREAKS or p in stops:
            return False
        if lower[p] in FORMER:
            return True
    return False


def _aside(view: SentenceView, org: Mention, hit: Hit) -> bool:
    """ "Meridian Chips, a supplier to Nvidia, said ...": Nvidia describes Meridian."""
    left = _apposition_start(view, org, hit)
    if left is None or view.s.lower[left + 1] not in APPOSITION_OPENERS:
        return False
    return any(m.last == left for m in view.orgs)


def _apposition_start(view: SentenceView, org: Mention, hit: Hit) -> int | None:
    """The comma that opens the comma-enclosed span around ``org``, when the span is
    closed on both sides and the trigger lies outside it."""
    lower = view.s.lower
    left = org.first - 1
    while left >= 0 and lower[left] != ",":
        left -= 1
    right = org.last
    while right < len(lower) and lower[right] != ",":
        right += 1
    if left <= 0 or right >= len(lower) or left < hit.first < right:
        return None
    return left


def _describes_person(view: SentenceView, org: Mention, hit: Hit) -> bool:
    """ "Trump named Howard Lutnick, chief executive of Cantor Fitzgerald, as commerce
    secretary": an organisation in an apposition after a person is that person's present
    or past one, not the new post's (the trigger lies outside the apposition)."""
    left = _apposition_start(view, org, hit)
    return left is not None and any(m.last == left for m in view.persons)


def _introduces_actor(view: SentenceView, org: Mention, hit: Hit, actors: list[str]) -> bool:
    """ "Trump named South Dakota Governor Kristi Noem as ...", "chose Fox News host and
    army veteran Pete Hegseth": between the verb and the appointee, an organisation
    (or place) followed by words that describe the person is the person's present one."""
    if org.first <= hit.first:
        return False
    lower = view.s.lower
    for person in view.persons:
        if person.canonical not in actors or person.first < org.last:
            continue
        gap = lower[org.last : person.first]
        if len(gap) > INTRO_GAP or any(w in PUNCT_BREAKS for w in gap):
            return False
        return all(w.isalpha() and w not in RECEIVER_MARKERS | {"at", "of"} for w in gap)
    return False


def _venue(name: str) -> bool:
    """ "at Buckingham Palace", "im Olympiastadion": a place, not an organisation."""
    words = name.lower().split()
    return bool(words) and (words[-1] in VENUE_HEADS or words[-1].endswith(VENUE_ENDINGS))


def _after_marker(lower: list[str], org: Mention, markers: frozenset[str]) -> bool:
    for p in range(org.first - 1, max(-1, org.first - MARKER_WINDOW), -1):
        if lower[p] in markers:
            return True
        if lower[p] in PUNCT_BREAKS:
            return False
    return False


def _candidates(
    ctx: EventContext, view: SentenceView, hit: Hit, actors: list[str]
) -> list[Mention]:
    kind = hit.trigger.type
    result = []
    for org in view.orgs:
        if kind in BUSINESS and ctx.g.is_authority(org.canonical or org.text):
            continue
        if (
            org.last > hit.first
            and org.first <= hit.last
            and any(org.first <= p < org.last for p in hit.positions)
        ):
            continue
        if kind in NEW_POST and _former(view, org, hit):
            continue
        if kind == "legal" and ctx.g.is_court(org.canonical or org.text):
            continue  # a court hears the case: "vor dem Landgericht München verklagt"
        if _affiliated(ctx, view, org, actors, kind in NEW_POST) or _aside(view, org, hit):
            continue
        if kind in NEW_POST and _describes_person(view, org, hit):
            continue
        if kind in NEW_POST and _introduces_actor(view, org, hit, actors):
            continue
        if _venue(org.canonical or org.text):
            continue
        result.append(org)
    return result


def _nominal_agent(view: SentenceView, hit: Hit, orgs: list[Mention]) -> Mention | None:
    lower = view.s.lower
    if hit.trigger.type == "acquisition":  # "purchase of X", "Übernahme von X": X is bought
        orgs = [m for m in orgs if m.first <= hit.last or _after_marker(lower, m, BUYERS)]
    close = [
        m
        for m in orgs
        if (hit.first - NEAR <= m.last <= hit.first or hit.last < m.first <= hit.last + NEAR)
        and not _after_marker(lower, m, RECIPIENT_MARKERS)
    ]
    if close:
        return min(close, key=lambda m: abs(m.first - hit.first))
    by = [
        m
        for m in orgs
        if hit.last < m.first <= hit.last + MARKER_WINDOW and _after_marker(lower, m, AGENT_MARKERS)
    ]
    if by:
        return by[0]
    start, _ = view.clause(hit.first, hit.last)
    subjects = [  # "Die Staatsanwaltschaft hat gegen den Wirecard-Chef Anklage erhoben"
        m
        for m in orgs
        if start <= m.first <= m.last <= hit.first
        and not _after_marker(lower, m, RECIPIENT_MARKERS)
    ]
    return subjects[-1] if subjects else None


def _agent(ctx: EventContext, view: SentenceView, hit: Hit, orgs: list[Mention]) -> Mention | None:
    if hit.nominal:
        return _nominal_agent(view, hit, orgs)
    lower = view.s.lower
    agents = [m for m in orgs if _after_marker(lower, m, AGENT_MARKERS)]
    passive_agents = [m for m in agents if m.first > hit.last]
    if passive_agents and (ctx.passive_before(view, hit, 4) or ctx.language == "de"):
        return passive_agents[0]
    if hit.trigger.org_after:
        introduced = [m for m in orgs if _after_marker(lower, m, RECEIVER_MARKERS)]
        return nearest(view, hit, introduced, "after", ORG_WINDOW)
    if hit.trigger.type == "hiring" and ctx.language == "de":
        start, end = view.clause(hit.first, hit.last)
        employers = [  # "heuert beim Betreiber Nordbrise an": where the person will work
            m for m in orgs if start <= m.first < end and _after_marker(lower, m, EMPLOYER_MARKERS)
        ]
        if employers:
            return employers[0]
    subjects = [m for m in orgs if not _after_marker(lower, m, RECIPIENT_MARKERS)]
    if ctx.language == "de" and verb_final(lower, hit):
        start, _ = view.clause(hit.first, hit.last)
        opening = [m for m in subjects if start <= m.first and m.last <= hit.first]
        by = [m for m in opening if _after_marker(lower, m, AGENT_MARKERS)]
        if by:  # "ist von der Handelskette X übernommen worden"
            return by[-1]
        if len(opening) > 1:  # "X hat die Firma Y verklagt": the subject comes first
            return opening[0]
    before = nearest(view, hit, subjects, "before", ORG_WINDOW)
    if before is not None or hit.trigger.type == "legal":
        return before or nearest(view, hit, subjects, "after", ORG_WINDOW)
    if ctx.language == "de":  # a fronted verb: "Am Dienstag startete Twitter die Funktion"
        return next((m for m in subjects if m.first == hit.first + 1), None)
    return None


def _implicit_subject(ctx: EventContext, view: SentenceView, hit: Hit) -> bool:
    """ "the company said it had acquired ...", "Der Softwarekonzern aus Redmond hat ...
    investiert": the subject is the article's company."""
    lower = view.s.lower
    window = lower[max(0, hit.first - 4) : hit.first]
    if any(w in IMPLICIT_SUBJECTS or ctx.g.is_descriptor(w) for w in window):
        return True
    start, _ = view.clause(hit.first, hit.last)  # "Der Softwarekonzern aus Redmond hat ..."
    opening = lower[start : min(start + 2, hit.first)]
    return any(ctx.g.is_descriptor(w) for w in opening)


def _fallback(ctx: EventContext, actors: list[str], kind: str) -> str | None:
    """The article's organisation: a family firm named like the person, else the main one
    unless, for a new post, the article only names it as someone's former employer
    ("Kukies, a former Goldman Sachs banker, was appointed finance minister")."""
    surnames = {a.split()[-1] for a in actors if " " in a}
    for name in ctx.org_names:
        if surnames.intersection(name.split()):
            return name
    if ctx.main_org is None or _venue(ctx.main_org):
        return None
    if kind in NEW_POST and _only_former(ctx, ctx.main_org):
        return None
    return ctx.main_org


def _only_former(ctx: EventContext, name: str) -> bool:
    """Every mention of organisation ``name`` has "former" / "ex-" right before it."""
    seen = False
    for view in ctx.views:
        lower = view.s.lower
        for org in view.orgs:
            if (org.canonical or org.text) != name:
                continue
            seen = True
            window = lower[max(0, org.first - FORMER_PHRASE) : org.first]
            cut = max((i for i, w in enumerate(window) if w in PUNCT_BREAKS), default=-1)
            window = window[cut + 1 :]
            earlier = not (FORMER.isdisjoint(window) and EARLIER.isdisjoint(window))
            if not earlier and not lower[org.first].startswith("ex-"):
                return False
    return seen


def _source(lower: list[str], org: Mention) -> bool:
    """ "kommt vom Erstligisten Kallby IF", "moves from X to Y": where someone comes from."""
    for p in range(org.first - 1, max(-1, org.first - SOURCE_WINDOW), -1):
        if lower[p] in SOURCE_MARKERS:
            return True
        if lower[p] in PUNCT_BREAKS:
            return False
    return False


def _pick(view: SentenceView, hit: Hit, orgs: list[Mention]) -> Mention | None:
    kind = hit.trigger.type
    if kind in ("hiring", "return") and hit.trigger.actor_side == "subject":
        lower = view.s.lower
        orgs = [m for m in orgs if not _source(lower, m)]
    if kind == "hiring" and hit.trigger.actor_side == "subject":
        return nearest(view, hit, orgs, "after", ORG_WINDOW, False) or nearest(
            view, hit, orgs, "before", ORG_WINDOW
        )
    after = nearest(view, hit, orgs, "after", ORG_WINDOW, False)
    before = nearest(view, hit, orgs, "before", ORG_WINDOW)
    if after is None or before is None:
        return after or before
    return min((after, before), key=lambda m: abs(m.first - hit.first))


def find_organization(
    ctx: EventContext, view: SentenceView, hit: Hit, actors: list[str]
) -> tuple[str | None, bool]:
    """(organisation canonical name, came from the article rather than the sentence)."""
    kind = hit.trigger.type
    orgs = _candidates(ctx, view, hit, actors)
    if kind in AGENT_TYPES or (kind == "hiring" and hit.trigger.actor_side == "object"):
        chosen = _agent(ctx, view, hit, orgs)
        implicit = kind in BUSINESS or kind == "hiring"
        if chosen is None and implicit and not hit.nominal and _implicit_subject(ctx, view, hit):
            return ctx.main_org, True
        if chosen is None and kind == "legal" and actors:
            return _legal_party(view, hit, orgs)
    else:
        chosen = _pick(view, hit, orgs)
    if chosen is not None:
        return chosen.canonical or chosen.text, False
    if kind in PERSON_TYPES and kind not in NO_FALLBACK and ctx.main_org:
        previous = _antecedent(ctx, view)
        if previous is not None:
            return previous, False
        guess = _fallback(ctx, actors, kind)
        described = {  # the appointee's own organisation, left out above
            m.canonical or m.text
            for m in view.orgs
            if _describes_person(view, m, hit) or _introduces_actor(view, m, hit, actors)
        }
        return (None, False) if kind in NEW_POST and guess in described else (guess, True)
    return None, False


def _legal_party(view: SentenceView, hit: Hit, orgs: list[Mention]) -> tuple[str | None, bool]:
    """A case against a person with no named accuser: an organisation of the sentence
    that is not the defendant's ("Anklage gegen den Wirecard-Chef"), else, as a guess
    that a named accuser elsewhere overrides, the defendant's organisation."""
    lower = view.s.lower
    parties = [m for m in orgs if not _after_marker(lower, m, RECIPIENT_MARKERS)]
    for group, guess in ((parties, False), (orgs, True)):
        chosen = nearest(view, hit, group, "before", ORG_WINDOW) or nearest(
            view, hit, group, "after", ORG_WINDOW
        )
        if chosen is not None:
            return chosen.canonical or chosen.text, guess
    return None, False


def find_target(view: SentenceView, hit: Hit, organization: str | None) -> str | None:
    """What a deal or case is about: the first other organisation after the trigger in its
    clause ("übernimmt Dotmatics", "den Kauf des Spezialisten Altair", "against Apple")."""
    _, end = view.clause(hit.first, hit.last)
    for m in view.orgs:
        name = m.canonical or m.text
        if hit.first < m.first < max(end, hit.last + 1) and name != organization:
            return name
    return None


def _antecedent(ctx: EventContext, view: SentenceView) -> str | None:
    """ "... of Inflection, which said ... . Sean White has been named its new chief
    executive": "its" stands for the last organisation of the sentence before."""
    if ctx.language != "en" or view.s.index == 0 or "its" not in view.s.lower:
        return None
    orgs = ctx.views[view.s.index - 1].orgs
    return (orgs[-1].canonical or orgs[-1].text) if orgs else None
