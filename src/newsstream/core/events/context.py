"""What event finding knows about one article: its sentences with their resolved mentions
split by type, the language's cue words, and positional helpers shared by the actor and
organisation pickers (clause bounds, nearest mention in a direction)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache

from newsstream.core.entities.gazetteer import gazetteer
from newsstream.core.entities.mentions import Mention
from newsstream.core.events.triggers import CLAUSE_END, Hit
from newsstream.core.extracted import Entity
from newsstream.core.text.common_words import word_set
from newsstream.core.text.dates import DateMention
from newsstream.core.text.sentences import Sentence

PUNCT_BREAKS = frozenset({",", ";", ":", "(", ")", "–", "—", '"', "„", "“", "”", "»", "«"})
HARD_BREAKS = frozenset({";", ":", "–", "—", "(", ")"})
SUBORDINATORS = frozenset(
    """who which whom whose while whereas although because if unless whether that
    dass weil obwohl nachdem während bevor falls ob wonach sodass damit""".split()
)
COMMA_COST = 4
AUX_DE = frozenset(
    "hat hatte hatten haben habe sei ist war waren wurde wurden worden werden wird würde".split()
)


WIRE_AGENCIES = frozenset(
    "dpa afp ap reuters kna epd apa sda ddp dts upi efe ansa anp".split()
)
_WIRE_FORMS = frozenset(
    form
    for agency in WIRE_AGENCIES
    if agency != "ap"
    for form in (agency, agency.upper(), agency.capitalize())
) | {"AP"}  # the spellings of the agencies in running text ("ap" is a word, "AP" the agency)
_DATELINE = re.compile(r"^[^\W\d][\w .,'/-]{0,40}?\s*\(([^()]{1,24})\)\s*[–—-]")


def wire_agencies(sentences: list[Sentence]) -> frozenset[str]:
    """Agencies named in a dateline ("HAMBURG (dpa) – ", "BERLIN (NGW/Reuters) - "):
    the agency that filed the text is never the organisation of an event."""
    found: set[str] = set()
    for sentence in sentences[:4]:
        match = _DATELINE.match(sentence.text.strip())
        if match:
            for name in re.split(r"[/,]", match.group(1)):
                if name.strip() and len(name.strip().split()) <= 2:
                    found.add(name.strip())
    for sentence in sentences:  # a set intersection per sentence: this runs on every article
        found.update(_WIRE_FORMS.intersection(sentence.tokens))
    return frozenset(found)


def verb_final(lower: list[str], hit: Hit) -> bool:
    """German: the trigger closes its clause ("... Sprachwerk verklagt.", "... verklagt
    hat"), so subject and object both stand before it."""
    following = lower[hit.last + 1] if hit.last + 1 < len(lower) else "."
    return following in CLAUSE_END or following in AUX_DE


@dataclass(slots=True)
class SentenceView:
    """One sentence with its mentions split by type (roles and dates computed once)."""

    s: Sentence
    persons: list[Mention] = field(default_factory=list)
    orgs: list[Mention] = field(default_factory=list)
    misc: list[Mention] = field(default_factory=list)
    roles: list[tuple[int, str]] | None = None
    dates: list[DateMention] | None = None
    clauses: dict[tuple[int, int], tuple[int, int]] | None = None

    def clause(self, first: int, last: int) -> tuple[int, int]:
        """``clause(self.s.lower, first, last)``, computed once per span."""
        if self.clauses is None:
            self.clauses = {}
        span = self.clauses.get((first, last))
        if span is None:
            span = self.clauses[first, last] = clause(self.s.lower, first, last)
        return span


def clause(lower: list[str], first: int, last: int) -> tuple[int, int]:
    """Token span of the clause around ``first..last`` (punctuation and subordinators end
    it; a subordinator belongs to the clause it opens)."""
    start = first
    while start > 0 and lower[start - 1] not in PUNCT_BREAKS:
        start -= 1
        if lower[start] in SUBORDINATORS:
            break
    end = last + 1
    while end < len(lower) and lower[end] not in PUNCT_BREAKS and lower[end] not in SUBORDINATORS:
        end += 1
    return start, end


def _commas(lower: list[str], a: int, b: int) -> tuple[int, bool]:
    """Commas between positions ``a`` and ``b`` and whether a hard break lies there."""
    segment = lower[a:b] if a < b else lower[b:a]
    return segment.count(","), not HARD_BREAKS.isdisjoint(segment)


def nearest(
    view: SentenceView,
    hit: Hit,
    candidates: list[Mention],
    direction: str,
    limit: int,
    cross_commas: bool = True,
) -> Mention | None:
    """The candidate closest to the trigger on one side (commas cost, hard breaks stop)."""
    lower = view.s.lower
    best: tuple[int, Mention] | None = None
    first = hit.first
    for m in candidates:
        if (  # the mention holds a word of the trigger (which lie in first..last)
            m.last > first
            and m.first <= hit.last
            and any(m.first <= p < m.last for p in hit.positions)
        ):
            continue
        if direction == "after" and m.first > first:
            distance = m.first - first
        elif direction == "before" and m.last <= first:
            distance = first - m.last + 1
        else:
            continue
        if distance > limit:
            continue
        commas, hard = _commas(lower, m.first, first)
        if hard or (commas and not cross_commas):
            continue
        score = distance + COMMA_COST * commas
        if best is None or score < best[0]:
            best = (score, m)
    return best[1] if best else None


@cache
def _cue_words(lang: str) -> tuple[frozenset[str], ...]:
    """Negation, hedge, modal, announcement, passive, pronoun and demand words of ``lang``."""
    return (
        word_set(lang, "negation"),
        word_set(lang, "hedge"),
        word_set(lang, "modal"),
        word_set(lang, "announce") | word_set(lang, "reporting"),
        word_set(lang, "passive"),
        word_set(lang, "pronouns"),
        word_set(lang, "demand"),
    )


class EventContext:
    """Article-level state for event finding."""

    def __init__(
        self,
        sentences: list[Sentence],
        mentions: tuple[Mention, ...],
        entities: tuple[Entity, ...],
        language: str,
        published_at: datetime,
        title_sentences: int,
    ) -> None:
        self.language = language
        self.published_at = published_at
        self.title_sentences = title_sentences
        self.g = gazetteer()
        (
            self.negation,
            self.hedge,
            self.modal,
            self.announce,
            self.passive,
            self.pronouns,
            self.demand,
        ) = _cue_words(language if language in ("en", "de") else "en")
        self.views = [SentenceView(s) for s in sentences]
        agencies = wire_agencies(sentences)
        self.org_names = [e.name for e in entities if e.type == "ORG" and e.name not in agencies]
        self.person_salience = {e.name: e.salience for e in entities if e.type == "PERSON"}
        self.main_org = self.org_names[0] if self.org_names else None
        for mention in mentions:
            if agencies and (mention.canonical in agencies or mention.text in agencies):
                continue  # "BERLIN (dpa) –": the wire agency is no party to any event
            view = self.views[mention.sentence]
            if mention.type == "PERSON":
                view.persons.append(mention)
            elif mention.type == "ORG":
                view.orgs.append(mention)
            elif mention.type == "MISC":
                view.misc.append(mention)

    def passive_before(self, view: SentenceView, hit: Hit, window: int = 3) -> bool:
        return not self.passive.isdisjoint(view.s.lower[max(0, hit.first - window) : hit.first])

    def roles(self, view: SentenceView) -> list[tuple[int, str]]:
        """(position, canonical role) of the role words of a sentence."""
        if view.roles is not None:
            return view.roles
        found = []
        lower = view.s.lower
        role_words = self.g.role_words
        for i, word in enumerate(lower):
            if word in role_words:
                match = self.g.role_at(lower, i)
                if match is not None:
                    found.append((i, match[0]))
            elif "-" in word:
                role = self.g.role_of_word(word) or self.g.role_of_word(word.rsplit("-", 1)[1])
                if role:
                    found.append((i, role))
        view.roles = found
        return found
