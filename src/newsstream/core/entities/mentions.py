"""Finding name mentions in sentences (the "match" half of entity extraction).

Order of evidence, strongest first:

1. a multi-word known name (gazetteer: organisations, places, people, products);
2. a given name followed by a surname-like token ("Jana Wiesner") -> PERSON;
3. a single-word known name ("Microsoft", "openai", "Microsofts");
4. a run of capitalised tokens that are not ordinary words (``common_words``), typed by
   cues: company suffix or organisation head word (ORG), person title or role word before
   it (PERSON), "CEO of X" / "X-Chef" / "der Konzern X" (ORG), word shape (OpenAI: ORG).

German hyphen compounds ("Microsoft-CEO", "OpenAI-Talente") contribute their modifier
when it is a known or cued name. A document pre-scan collects surnames introduced with a
given name, so "Altman" and the genitive "Altmans" stay names wherever they occur, and
(English) words seen capitalised mid-sentence, which makes them names at a sentence start
or in a title-case headline too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import compress

from newsstream.core.entities.gazetteer import Entry, Gazetteer, gazetteer, strip_possessive
from newsstream.core.entities.token_profile import TokenProfile, profiles
from newsstream.core.text.common_words import german_common, german_rare_word, is_common, word_set
from newsstream.core.text.frequency import zipf
from newsstream.core.text.sentences import Sentence

MAX_RUN = 5
TITLE_CASE_SHARE = 0.75
COMMON_LAST_WORD = 3.5
ORG_MODIFIER_COMMON = 4.0
OPENERS = frozenset({"„", "“", '"', "‘", "‚", "'", "(", ":", "—", "–", "-", "«", "»", "["})
SENTENCE_OPENERS = OPENERS | {".", "!", "?"}  # a token after these starts a sentence
CANDIDATE_CACHE = 1 << 16
PLACE_WORD_COMMON = 4.0
TITLE_WORD = 3.0
SCORE = re.compile(r"\d{1,2}[-–:]\d{1,2}$")  # a match result after a team ("beat Norbury 3-0")
BETWEEN = frozenset({"zwischen", "between"})
NAME_ADJECTIVES = ("sche", "schen")  # German "Deutsche(n)", "Europäische(n)", "Bayerische(n)"
JOINERS = frozenset({"and", "&"})  # "Competition and Markets Authority", "Marks & Spencer"
PLACE_COMPOUNDS = ("-based", "-born", "-headquartered")  # "Palo Alto-based"
NAME_SLOTS = frozenset({"aus", "in", "nach", "und", "sowie", "oder"})  # German, ``_slot_type``
NO_PREFIX = -1  # ``_prefixed_end``: no prefix or descriptor settles the span
NUMERALS = frozenset({"I", "II", "III", "IV"})  # "Landgericht München I"
PARTICLES = frozenset({"von", "van", "de", "der", "den", "di", "da", "du", "le", "la", "bin", "al"})
ARTICLES_EN = frozenset({"the", "a", "an"})
RELATIVES = frozenset({"which", "who", "whose"})
# between a name and its role: "Cathryn Ross, its strategy director"
ROLE_OPENERS = frozenset(
    """its his her their the a an our der die das den dem ein eine einen seine ihre
    neuen neue""".split()
)
APPOSITION_ARTICLES = frozenset({"a", "an", "the", "ein", "eine", "der", "die", "das"})
PLACE_ROLES = frozenset(
    {
        "mayor",
        "governor",
        "bürgermeister",
        "bürgermeisterin",
        "oberbürgermeister",
        "oberbürgermeisterin",
        "landrat",
        "landrätin",
        "prime",
        "minister",
        "premierminister",
    }
)


@dataclass(slots=True)
class Mention:
    """A name occurrence: tokens ``first:last`` of sentence ``sentence``."""

    text: str
    type: str | None
    sentence: int
    first: int
    last: int
    canonical: str | None = None
    described: bool = False  # an organisation named right after its descriptor


def is_cap(token: str) -> bool:
    """Capitalised ("Altman") or camel-cased ("eBay", "xAI")."""
    head = token[:1]
    if head.isupper():
        return True
    return head.islower() and not token.islower()


class _WorthALook(dict[str, bool]):
    """token -> capitalised and alphabetic, or a lower-case known name (pure, cached).

    Bounded: cleared when it reaches ``CANDIDATE_CACHE`` entries.
    """

    def __missing__(self, token: str) -> bool:
        if len(self) >= CANDIDATE_CACHE:
            self.clear()
        low = token.lower()
        keys = gazetteer().lower_keys
        value = self[token] = (token != low and token[:1].isalpha()) or low in keys
        return value


_WORTH_A_LOOK = _WorthALook()


@cache
def _cue_words(language: str) -> tuple[frozenset[str], ...]:
    """Person titles, determiners, organisation and location prepositions of ``language``."""
    return (
        word_set(language, "person_titles") | word_set("en", "person_titles"),
        word_set(language, "determiners"),
        word_set(language, "prepositions_org"),
        word_set(language, "location_prepositions"),
    )


@cache
def _joiners() -> frozenset[str]:
    """Tokens that may continue a run of capitalised words into an organisation name."""
    return JOINERS | gazetteer().org_suffixes


@lru_cache(maxsize=1 << 15)
def german_name_cue(token: str) -> bool:
    """A German ordinary-looking word that context may make part of a name: a rare word
    (``german_rare_word``) or a capitalised "-sche(n)" adjective."""
    return token.endswith(NAME_ADJECTIVES) or german_rare_word(token)


@cache
def _org_cues(language: str) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """Words after a lone name, verbs it is the subject of, and words before "at" it,
    that make it an organisation (``grammar_<lang>.json``)."""
    return (
        word_set(language, "org_followers"),
        word_set(language, "org_verbs"),
        word_set(language, "org_at_cues"),
    )


@dataclass(frozen=True, slots=True)
class _PlaceWords:
    """Cue words of places and products of one language (``grammar_<lang>.json``)."""

    heads: frozenset[str]  # "Bay", "Point": end a place name
    prefixes: frozenset[str]  # "Lake", "Sankt": open one
    nouns: frozenset[str]  # "county (of)", "Kreises", "Gemeinde": the kind of place
    endings: tuple[str, ...]  # German place-name endings ("-dorf", "-brunn")
    months: frozenset[str]  # month names that are also names ("May")
    month_prepositions: frozenset[str]  # "in May", "since May"
    products: frozenset[str]  # "the maker of X crisps"
    product_followers: frozenset[str]  # "the X headset"
    adjective_endings: tuple[str, ...]  # German adjective endings ("-ische", "-liche")
    apposition: frozenset[str]  # words that close an apposition after its descriptor


@cache
def _place_words(language: str) -> _PlaceWords:
    return _PlaceWords(
        word_set(language, "place_heads"),
        word_set(language, "place_prefixes"),
        word_set(language, "place_nouns"),
        tuple(word_set(language, "place_endings")),
        word_set(language, "month_words"),
        word_set(language, "month_prepositions"),
        word_set(language, "product_cues"),
        word_set(language, "product_followers"),
        tuple(word_set(language, "adjective_endings")),
        word_set(language, "apposition_followers"),
    )


class MentionFinder:
    """Finds the mentions of one document (holds the document-level evidence)."""

    def __init__(self, sentences: list[Sentence], language: str, title_sentences: int) -> None:
        self.sentences = sentences
        self.language = language
        self.g: Gazetteer = gazetteer()
        self.p = profiles(language).__getitem__
        (
            self.titles,
            self.determiners,
            self.org_prepositions,
            self.loc_prepositions,
        ) = _cue_words(language)
        self.places = _place_words(language)
        self.title_sentences = title_sentences
        self.title_case = self._title_case()
        self.known: set[str] = set()
        self.mid_caps: set[str] = set()
        self.person_starts: set[tuple[int, int]] = set()  # (sentence, token) opening a person
        self._prescan()

    # -- document evidence -------------------------------------------------------------
    def _title_case(self) -> bool:
        if self.language == "de":
            return False
        words = [
            t
            for s in self.sentences[: self.title_sentences]
            for t in s.tokens
            if len(t) > 3 and t.isalpha()
        ]
        return bool(words) and sum(t[0].isupper() for t in words) >= TITLE_CASE_SHARE * len(words)

    @staticmethod
    def _candidates(s: Sentence) -> list[int]:
        """Positions worth a look: capitalised tokens and lower-case known names."""
        tokens = s.tokens
        return list(compress(range(len(tokens)), map(_WORTH_A_LOOK.__getitem__, tokens)))

    def _prescan(self) -> None:
        self.candidates = candidates = [self._candidates(s) for s in self.sentences]
        english = self.language != "de"
        p = self.p
        known = self.known
        mid_caps = self.mid_caps
        person_starts = self.person_starts
        for s in self.sentences:
            tokens = s.tokens
            n = len(tokens)
            body = english and s.index >= self.title_sentences
            for i in candidates[s.index]:
                info = p(tokens[i])
                if i + 1 < n and (
                    (info.first_name and self._is_first_name(s, i))
                    or (i and tokens[i + 1][:1].isupper() and self._cued_person(s, i))
                ):
                    person_starts.add((s.index, i))
                    following = p(tokens[i + 1])
                    if following.surname_like:
                        known.add(following.bare)
                # not at a sentence start (``_initial`` for a body sentence)
                if body and info.cap and i and tokens[i - 1] not in SENTENCE_OPENERS:
                    mid_caps.add(info.bare)

    # -- token tests -------------------------------------------------------------------
    def _initial(self, s: Sentence, i: int) -> bool:
        if s.index < self.title_sentences and self.title_case:
            return True
        return i == 0 or s.tokens[i - 1] in SENTENCE_OPENERS

    def _is_first_name(self, s: Sentence, i: int) -> bool:
        """A given name followed by a capitalised word that is not a known org or place."""
        if not self.p(s.tokens[i]).first_name or i + 1 >= len(s.tokens):
            return False
        nxt = self.p(s.tokens[i + 1])
        if nxt.org_head or nxt.org_suffix:  # "Rowan Health", "Morgan Ltd"
            return False
        if not nxt.gazetteer_key:
            return True
        following = self._lookup(s, i + 1, nxt)
        return following is None or following.type == "PERSON"

    def _after_determiner(self, s: Sentence, i: int) -> bool:
        for back in range(i - 1, max(i - 4, -1), -1):
            word = s.lower[back]
            if word in self.determiners:
                return True
            if not s.tokens[back].isalpha() or not s.tokens[back][0].islower():
                return False
        return False

    def _zipf_en(self, info: TokenProfile) -> float:
        return info.zipf if self.language == "en" else zipf(info.bare, "en")

    def _known(self, token: str) -> bool:
        if token in self.known or token in self.g.surnames:
            return True
        return self.language == "de" and token.endswith("s") and token[:-1] in self.known

    def name_like(self, s: Sentence, i: int) -> bool:
        """Whether ``s.tokens[i]`` can be part of a name in its context."""
        info = self.p(s.tokens[i])
        if not info.cap or not info.alpha:
            return False
        if self._known(info.bare):
            return not (self.language == "de" and info.common and self._after_determiner(s, i))
        if info.stop or info.role:
            return False
        if info.inner_caps or info.digit:
            return True
        if info.upper:
            return info.acronym_name
        if self.language == "de":
            if info.descriptor or info.place_adjective:
                return False
            if info.common:
                return self._given_name_de(s, i)
            return not self._after_determiner(s, i)
        if self._initial(s, i):
            if info.bare in self.mid_caps or not info.common_initial:
                return True
            # "Ferrari, which he also ran, ...": a relative clause follows a name
            return i + 2 < len(s.tokens) and s.tokens[i + 1] == "," and s.lower[i + 2] in RELATIVES
        if i > 0 and s.lower[i - 1] in ARTICLES_EN and self._zipf_en(info) >= 4.0:
            return False
        return not info.common

    def _given_name_de(self, s: Sentence, i: int) -> bool:
        """German: a rare word that reads as a noun opens a name when a name-shaped word
        follows that no frequency list knows ("Niko Kovač", "Stephan Erffa")."""
        if i + 1 >= len(s.tokens) or not german_rare_word(s.tokens[i]) or self._initial(s, i):
            return False
        following = self.p(s.tokens[i + 1])
        return (
            following.surname_like
            and not following.common
            and not following.gazetteer_key
            and not following.ends_org
            and not following.descriptor
            and not self._after_determiner(s, i)
        )

    # -- cues --------------------------------------------------------------------------
    def _role_before(self, s: Sentence, i: int) -> bool:
        if i == 0:
            return False
        previous = s.tokens[i - 1]
        info = self.p(previous)
        if info.role or info.role_compound:
            return True
        if "-" in previous and self.g.role_of_word(previous.rsplit("-", 1)[1]):
            return True
        if s.lower[i - 1] not in self.g.role_last_words:  # no role phrase can end here
            return False
        return any(
            self.g.roles.get(tuple(s.lower[i - size : i])) for size in (2, 3) if i - size >= 0
        )

    def _title_before(self, s: Sentence, i: int) -> bool:
        if i >= 1 and s.tokens[i - 1] in self.titles:
            return True
        return i >= 2 and s.tokens[i - 1] == "." and s.tokens[i - 2] in self.titles

    def _org_context(self, s: Sentence, i: int, last: int) -> bool:
        if i >= 1 and self.p(s.tokens[i - 1]).descriptor:
            return True
        if i >= 2 and s.lower[i - 1] in self.org_prepositions and self._role_before(s, i - 1):
            return s.lower[i - 2] not in PLACE_ROLES
        if self.p(s.tokens[last - 1]).possessive and last < len(s.tokens):
            return self.g.role_at(s.lower, last) is not None
        if last + 2 < len(s.tokens) and s.tokens[last] == ",":
            if s.lower[last + 1] in ("which", "that"):
                return True
            return self._apposition_descriptor(s, last + 1)
        return False

    def _apposition_descriptor(self, s: Sentence, k: int) -> bool:
        """ ", a Boston start-up developing ...", ", ein Start-up aus Dresden": the name
        before the comma is an organisation (the descriptor heads the apposition)."""
        if s.lower[k] not in APPOSITION_ARTICLES:
            return False
        tokens = s.tokens
        for j in range(k + 1, min(len(tokens) - 1, k + 5)):
            if not tokens[j][:1].isalnum():
                return False
            if self.p(tokens[j]).descriptor:
                following = s.lower[j + 1]
                return (
                    not following[:1].isalnum()
                    or following in self.places.apposition
                    or (self.language != "de" and following.endswith(("ing", "ed")))
                )
        return False

    @staticmethod
    def _team_context(s: Sentence, first: int, last: int) -> bool:
        """ "Burnley, who were relegated": one name with a plural verb is a team."""
        lower = s.lower
        return (
            last == first + 1
            and last + 2 < len(lower)
            and lower[last] == ","
            and lower[last + 1] == "who"
            and lower[last + 2] in ("were", "are", "have")
            and (first == 0 or lower[first - 1] not in ("and", ","))
        )

    def _person_context(self, s: Sentence, last: int, single: bool) -> bool:
        """What follows a name makes it a person: ", who", a role in apposition (", its
        strategy director"), or "as / als" and a role ("Niko Kovač als neuen Cheftrainer")."""
        lower = s.lower
        n = len(lower)
        if last + 1 >= n:
            return False
        if s.tokens[last] == ",":
            if lower[last + 1] == "who":
                return True
            start = last + 2 if lower[last + 1] in ROLE_OPENERS else 0
        else:  # ("join Brightwater as head of ...": a lone word is not enough)
            start = last + 1 if lower[last] in ("as", "als") and not single else 0
            if start and start < n and lower[start] in ROLE_OPENERS:
                start += 1
        return bool(start) and any(
            self._role_word_at(lower, k) for k in range(start, min(n, start + 3))
        )

    def _role_word_at(self, lower: list[str], k: int) -> bool:
        if self.g.role_of_word(lower[k]):
            return True
        return lower[k] in self.g.role_words and self.g.role_at(lower, k) is not None

    def _type_by_form(self, s: Sentence, first: int, words: list[str]) -> str | None:
        """The type of a run by its own words and the word right after it."""
        last = first + len(words)
        if self.p(words[-1]).ends_org:
            return "ORG"
        if (
            last < len(s.tokens)
            and s.lower[last] in self.places.product_followers
            and not self.p(s.tokens[last - 1]).possessive  # ("Apple's headset": the maker)
        ):
            return "MISC"  # "its Vision Pro headset"
        if self._team_context(s, first, last):
            return "ORG"
        places = self.places
        if len(words) > 1 and (words[-1] in places.heads or words[0] in places.prefixes):
            return "LOC"  # "Hollin Bay", "Larch Point", "Lake Ellery"
        return None

    def _type_run(
        self, s: Sentence, first: int, words: list[str], mentions: list[Mention]
    ) -> str | None:
        last = first + len(words)
        kind = self._type_by_form(s, first, words)
        if kind is not None:
            return kind
        if self._title_before(s, first) or self._role_before(s, first):
            return "PERSON"
        if first >= 2 and s.tokens[first - 1] == "," and self._role_before(s, first - 1):
            return "PERSON"  # a role in apposition: "its finance chief, Orson Blake,"
        if self._place_context(s, first, mentions):
            return "LOC"  # "mayor of Hollin Bay", "the county of X", "between X and Y"
        if self._org_context(s, first, last):
            return "ORG"
        if self._person_context(s, last, len(words) == 1):
            return "PERSON"
        if len(words) == 1:
            return self._type_single(s, first, words[0])
        if not all(w.isalpha() and w[0].isupper() and not self.p(w).inner_caps for w in words):
            return "ORG"
        if zipf(words[-1], self.language) >= COMMON_LAST_WORD:
            return "ORG"
        if first > 0 and s.lower[first - 1] == "the" and words[0] not in self.g.first_names:
            return "ORG"  # people take no article: "the Brookfield Playhouse"
        return "PERSON"

    def _type_single(self, s: Sentence, first: int, word: str) -> str | None:
        """The type of a lone capitalised word that no cue before it settled."""
        info = self.p(word)
        if info.inner_caps or info.upper or info.digit:
            return "ORG"
        last = first + 1
        if last < len(s.tokens) and SCORE.match(s.tokens[last]):
            return "ORG"  # a team before its result: "beating Norbury 3-0"
        if first >= 2 and s.lower[first - 1] == "of" and s.lower[first - 2] in self.places.products:
            return "MISC"  # a product: "the maker of Crunchwell crisps"
        if first >= 1 and s.lower[first - 1] in self.loc_prepositions:
            return "LOC"
        if self.language != "de" and self._org_cue(s, first):
            return "ORG"
        return None

    def _org_cue(self, s: Sentence, i: int) -> bool:
        """English: what surrounds a lone name makes it a company: "Disney shareholders",
        "Disney's board", "Starbucks said", "an executive at Mozilla"."""
        followers, verbs, at_cues = _org_cues(self.language)
        lower = s.lower
        if i + 1 < len(lower) and (lower[i + 1] in followers or lower[i + 1] in verbs):
            return True
        return (
            i >= 2
            and lower[i - 1] == "at"
            and (lower[i - 2] in at_cues or self.g.role_of_word(lower[i - 2]) is not None)
        )

    def _place_context(self, s: Sentence, i: int, mentions: list[Mention]) -> bool:
        """A place by what precedes it: "mayor of X", "Bürgermeister von X", "the county of
        X", "des Kreises X", "die Gemeinde X", "zwischen Ellerfeld und X"; German, a word
        shaped like a place name after a location preposition ("in Ellerfeld")."""
        if i == 0:
            return False
        lower = s.lower
        before = lower[i - 1]
        if self.language == "de" and s.tokens[i - 1] in self.places.nouns:
            return True
        if i >= 2 and before in ("of", "von", "des"):
            two = lower[i - 2]
            if two in PLACE_ROLES or (self.language != "de" and two in self.places.nouns):
                return True
        if before in ("und", "and") and mentions:
            previous = mentions[-1]  # "zwischen Ellerfeld und Königsbrunn"
            if (
                previous.sentence == s.index
                and previous.last == i - 1
                and previous.type == "LOC"
                and previous.first > 0
                and lower[previous.first - 1] in BETWEEN
            ):
                return True
        info = self.p(s.tokens[i])
        if info.place_shaped:
            return before in self.loc_prepositions or before in BETWEEN or before == "bei"
        return False

    def _place_span(self, s: Sentence, i: int, mentions: list[Mention]) -> int | None:
        """End of a German place name that its context marks ("des Kreises Ostheide",
        "Bürgermeister von Sankt Ilgen", "in Ellerfeld"), though its words read as common
        nouns."""
        if not self._place_context(s, i, mentions):
            return None
        tokens = s.tokens
        n = len(tokens)
        j = i
        while j + 1 < n and tokens[j] in self.places.prefixes and tokens[j + 1][:1].isupper():
            j += 1
        info = self.p(tokens[j])
        if not info.cap_word or info.descriptor or info.org_head or info.upper or info.digit:
            return None
        if info.zipf >= PLACE_WORD_COMMON and not info.place_shaped:
            return None
        return j + 1

    # -- finding -----------------------------------------------------------------------
    def find(self) -> list[Mention]:
        mentions: list[Mention] = []
        p = self.p
        known = self.known
        surnames = self.g.surnames
        german = self.language == "de"
        at = self._at
        for s, candidates in zip(self.sentences, self.candidates, strict=True):
            tokens = s.tokens
            n = len(tokens)
            end = 0
            for i in candidates:
                if i < end:
                    continue
                token = tokens[i]
                if (  # fast path: an ordinary word with no name cue around it
                    p(token).plain
                    and not (  # ``_known``
                        token in known
                        or token in surnames
                        or (german and token[-1] == "s" and token[:-1] in known)
                    )
                    and (i + 1 >= n or not p(tokens[i + 1]).ends_org)
                    and (i + 2 >= n or not p(tokens[i + 2]).ends_org)
                    and (i == 0 or not p(tokens[i - 1]).cue)
                    and not (german and german_name_cue(token) and self._german_cue_here(s, i))
                ):
                    continue
                end = at(s, i, mentions)
        return mentions

    def _emit(
        self,
        mentions: list[Mention],
        s: Sentence,
        first: int,
        last: int,
        kind: str | None,
        entry: Entry | None = None,
        words: list[str] | None = None,
    ) -> int:
        if words is not None:
            text = " ".join(words) if len(words) > 1 else words[0]
        elif last == first + 1:
            text = self.p(s.tokens[first]).bare
        else:
            text = " ".join([self.p(t).bare for t in s.tokens[first:last]])
        canonical = entry.canonical if entry else None
        mention = Mention(text, kind, s.index, first, last, canonical)
        if (
            kind == "ORG"
            and first
            and self.language == "de"
            and self.p(s.tokens[first - 1]).descriptor
        ):
            mention.described = True  # "Der Heizungsbauer Viessmann": not the person
        mentions.append(mention)
        return last

    def _lookup(self, s: Sentence, i: int, info: TokenProfile) -> Entry | None:
        """``self.g.lookup(s.tokens, i, self.language)``; ``info`` is the profile of token i."""
        if info.one_word_entries:
            return info.entry
        return self.g.lookup(s.tokens, i, self.language)

    def _gazetteer(self, s: Sentence, i: int) -> Entry | None:
        info = self.p(s.tokens[i])
        if not info.gazetteer_key:
            return None
        entry = self._lookup(s, i, info)
        if entry is None:
            return None
        if entry.ambiguous and (
            self._initial(s, i) or (self.language == "de" and self._after_determiner(s, i))
        ):
            return None
        return entry

    def _at(self, s: Sentence, i: int, mentions: list[Mention]) -> int:
        token = s.tokens[i]
        info = self.p(token)
        if not info.alpha or "/" in token:
            return i + 1
        entry = self._gazetteer(s, i) if info.gazetteer_key else None
        if entry is not None and len(entry.words) > 1:
            return self._emit_known(mentions, s, i, entry)
        if not info.cap:
            return self._emit(mentions, s, i, i + 1, entry.type, entry) if entry else i + 1
        # a given name or a cued person (``_is_first_name`` / ``_cued_person``, as found by
        # ``_prescan``: ``_at`` only sees candidate positions)
        if (s.index, i) in self.person_starts:
            person_end = self._person_at(mentions, s, i)
            if person_end:
                return person_end
        if token in self.places.months and self._month(s, i):
            return i + 1  # "in May", "May 4"
        lower = s.lower
        if lower[i] in self.g.role_words:  # "Prime Minister", "Transport Secretary"
            role = self.g.role_at(lower, i)
            if role is not None and role[1] > 1:
                return i + role[1]
        if entry is not None and not (
            entry.type == "LOC" and i > 0 and self.p(s.tokens[i - 1]).org_prefix
        ):
            return self._at_known(mentions, s, i, entry)
        return self._at_unknown(mentions, s, i)

    def _at_unknown(self, mentions: list[Mention], s: Sentence, i: int) -> int:
        """A capitalised word the gazetteer does not know: a place or organisation by its
        shape, a compound, or the start of a run of names."""
        if self.language == "de":
            if i and s.lower[i - 1] in NAME_SLOTS:
                kind = self._slot_type(s, i, mentions)
                if kind is not None:
                    return self._emit(mentions, s, i, i + 1, kind)
            if self._company_subject_de(s, i):
                return self._emit(mentions, s, i, i + 1, "ORG")
            if s.tokens[i].endswith(NAME_ADJECTIVES) and self._adjective_name(s, i):
                words = [s.tokens[i].removesuffix("n"), self.p(s.tokens[i + 1]).bare]
                return self._emit(mentions, s, i, i + 2, "ORG", words=words)
            place_end = self._place_span(s, i, mentions)
            if place_end is not None:
                return self._emit(mentions, s, i, place_end, "LOC")
        org_end = self._org_span(s, i)
        if org_end is not None:
            return self._emit(mentions, s, i, org_end, "ORG")
        token = s.tokens[i]
        if "-" in token and not self._hyphen_name(token):
            self._compound(s, i, mentions)
            return i + 1
        return self._run(s, i, mentions)

    def _company_subject_de(self, s: Sentence, i: int) -> bool:
        """German: a sentence-initial rare word right before a company verb ("Kaufland
        eröffnet ...", "Kaufland übernimmt ...") is a company."""
        return (
            i + 1 < len(s.tokens)
            and s.lower[i + 1] in _org_cues("de")[1]
            and self._initial(s, i)
            and german_rare_word(s.tokens[i])
            and not self.p(s.tokens[i]).place_adjective
        )

    def _adjective_name(self, s: Sentence, i: int) -> bool:
        """German adjectives are written in lower case except in names: a capitalised
        "-sche(n)" adjective inside a sentence and the noun after it are an organisation
        ("der Deutschen Umwelthilfe", "die Bayerische Landesbank")."""
        if self._initial(s, i) or i + 1 >= len(s.tokens):
            return False
        following = self.p(s.tokens[i + 1])
        return (
            following.cap_word
            and not following.upper
            and "-" not in s.tokens[i + 1]
            and not following.place_adjective
            and not s.tokens[i + 1].endswith(NAME_ADJECTIVES)
            and (i + 2 >= len(s.tokens) or not s.tokens[i + 2][:1].isupper())
        )

    def _german_cue_here(self, s: Sentence, i: int) -> bool:
        """German fast-path guard for a word that ``german_name_cue`` marks: a "-sche(n)"
        adjective, or a rare word after a name slot or before a name."""
        if s.tokens[i].endswith(NAME_ADJECTIVES) or (i and s.lower[i - 1] in NAME_SLOTS):
            return True
        if i + 1 >= len(s.tokens):
            return False
        return s.lower[i + 1] in _org_cues("de")[1] or self._given_name_de(s, i)

    def _slot_type(self, s: Sentence, i: int, mentions: list[Mention]) -> str | None:
        """German: a rare word that reads as a noun is a name where a bare noun cannot
        stand: after "aus" / "in" / "nach" without an article ("aus Herzogenaurach"), or
        coordinated with a name ("Lidl und Kaufland"; so is a word no list knows)."""
        if i == 0 or s.lower[i - 1] not in NAME_SLOTS:
            return None
        token = s.tokens[i]
        info = self.p(token)
        if (info.common and not german_rare_word(token)) or not info.cap_word:
            return None
        if s.lower[i - 1] in ("aus", "in", "nach"):
            if not info.common:
                return None  # (``_type_single`` types it)
            following = s.tokens[i + 1] if i + 1 < len(s.tokens) else "."
            return "LOC" if not following[:1].isupper() else None
        if mentions:
            previous = mentions[-1]
            if previous.sentence == s.index and previous.last == i - 1:
                return previous.type if previous.type in ("ORG", "LOC") else None
        return None

    def _person_at(self, mentions: list[Mention], s: Sentence, i: int) -> int:
        """Emit the person that starts at ``i``; 0 when it is a lone word."""
        person_end = self._person_run(s, i)
        if person_end <= i + 1:
            return 0
        self._emit(mentions, s, i, person_end, "PERSON", self._known_person(s, i))
        self._drop_genitive(s, person_end, mentions[-1])
        return person_end

    def _at_known(self, mentions: list[Mention], s: Sentence, i: int, entry: Entry) -> int:
        if entry.type == "LOC":  # a place opening an organisation: "Glasgow City Council"
            org_end = self._org_span(s, i)
            if org_end is not None and org_end > i + 1 and self.p(s.tokens[org_end - 1]).ends_org:
                return self._emit(mentions, s, i, org_end, "ORG")
        return self._emit_known(mentions, s, i, entry)

    def _month(self, s: Sentence, i: int) -> bool:
        """A month name that is also a name ("May"): after "in", "since", "early" ... or
        before a day number or year."""
        if i > 0 and s.lower[i - 1] in self.places.month_prepositions:
            return True
        return i + 1 < len(s.tokens) and s.tokens[i + 1].isdigit()

    def _emit_known(self, mentions: list[Mention], s: Sentence, i: int, entry: Entry) -> int:
        end = i + len(entry.words)
        kind = entry.type
        if end < len(s.tokens) and s.tokens[end][:1].isupper() and kind in ("ORG", "LOC"):
            if kind == "ORG" and s.tokens[end] in self.g.org_suffixes:
                return self._emit(mentions, s, i, end + 1, kind, entry)
            # "Bosch Ventures", "Amazon Web Services"; a place opening an organisation:
            # "Silicon Valley Bank" (a one-word place: ``_at_known``)
            head = self._head_after(s, end) if kind == "ORG" or end > i + 1 else 0
            if head:
                return self._emit(mentions, s, i, head, "ORG")
        return self._emit(mentions, s, i, end, kind, entry)

    def _head_after(self, s: Sentence, k: int) -> int:
        """End of up to two capitalised words from ``k`` that close with an organisation
        head ("Web Services", "Ventures"); 0 when there is none."""
        tokens = s.tokens
        p = self.p
        for j in range(k, min(len(tokens), k + 2)):
            info = p(tokens[j])
            if not info.cap_word or "-" in tokens[j] or (info.possessive and not info.org_head):
                return 0
            if info.org_head:
                tail = j + 1 < len(tokens) and tokens[j + 1] in self.g.region_tails
                return j + 2 if tail else j + 1  # "Thyssenkrupp Steel Europe"
        return 0

    # -- organisation patterns -----------------------------------------------------------
    def _cap_word(self, token: str) -> bool:
        return self.p(token).cap_word

    def _modifier_ok(self, s: Sentence, k: int, head: int) -> bool:
        """Token ``k`` can open a company name that ends with the head word at ``head``."""
        info = self.p(s.tokens[k])
        if not info.cap_word or info.org_head or info.descriptor:
            return False
        if info.place_adjective:  # "Berliner Volksbank", "Dresdner Bank"
            return head == k + 1
        if self.name_like(s, k):
            return True
        if self.language != "de":  # capitalised inside an English sentence: "the Labour Party"
            return not self._initial(s, k) or info.zipf < ORG_MODIFIER_COMMON
        if info.zipf >= ORG_MODIFIER_COMMON:
            return False
        lower = s.lower[k]
        if lower.endswith(self.places.adjective_endings):
            return False  # "Olympische Spiele", "Betreutes Wohnen"
        return not (lower.endswith(("e", "es")) and self._initial(s, k))

    def _org_span(self, s: Sentence, i: int) -> int | None:
        """End of an organisation name starting at ``i`` (prefix, suffix, head, "&", cue)."""
        tokens = s.tokens
        n = len(tokens)
        p = self.p
        first = p(tokens[i])
        if first.org_prefix or (first.descriptor and "-" in tokens[i]):
            end = self._prefixed_end(s, i)
            if end != NO_PREFIX:
                return end
        j = i
        while j < n and j - i < 4:
            info = p(tokens[j])
            if not info.cap_word:
                break
            j += 1
            if info.possessive:  # "Britain's Competition ...": no organisation starts here
                return None
        if j == i:
            return None
        if j < n and tokens[j] in _joiners() and (joined := self._joined_end(s, i, j)):
            return joined
        for k in (i + 1, i + 2):
            if k + 1 < n and p(tokens[k]).descriptor and p(tokens[k + 1]).cap_word:
                break
            if (
                k < n
                and p(tokens[k]).org_head
                and all(self._modifier_ok(s, m, k) for m in range(i, k))
            ):
                return k + 2 if k + 1 < n and tokens[k + 1] in self.g.org_suffixes else k + 1
        if i > 0 and p(tokens[i - 1]).descriptor:
            return self._described_end(s, i)
        return None

    def _prefixed_end(self, s: Sentence, i: int) -> int | None:
        """An organisation prefix opens a name ("Landgericht München I", "SV Eichenau");
        a hyphenated descriptor does not ("KI-Start-up Aleph Alpha GmbH")."""
        tokens = s.tokens
        n = len(tokens)
        if "-" in tokens[i] and self.p(tokens[i]).descriptor:
            return None
        if self.p(tokens[i]).org_prefix and i + 1 < n and self.p(tokens[i + 1]).cap_word:
            return i + 3 if i + 2 < n and tokens[i + 2] in NUMERALS else i + 2
        return NO_PREFIX

    def _described_end(self, s: Sentence, i: int) -> int | None:
        """End of a name right after a descriptor ("der Softwarekonzern Kestrel")."""
        if not self._descriptor_name(s, i):
            return None
        tokens = s.tokens
        p = self.p
        j = i + 1
        while (
            j < len(tokens)
            and j - i < 3
            and self._cap_word(tokens[j])
            and (p(tokens[j]).org_head or self.name_like(s, j))
        ):
            j += 1
        return j

    def _joined_end(self, s: Sentence, i: int, j: int) -> int:
        """End of a name whose capitalised words ``i:j`` a suffix closes ("Kessler GmbH")
        or "&" / "and" joins to more ("Marks & Spencer", "Competition and Markets
        Authority"); 0 otherwise."""
        tokens = s.tokens
        n = len(tokens)
        if j < n and tokens[j] in self.g.org_suffixes:
            return j + 1
        if j + 1 < n and tokens[j] == "and" and self.language != "de":
            return self._head_after(s, j + 1)
        if j + 1 < n and tokens[j] == "&" and is_cap(tokens[j + 1]) and j == i + 1:
            return j + 2
        return 0

    def _descriptor_name(self, s: Sentence, i: int) -> bool:
        """A name right after a descriptor ("der Softwarekonzern X", "the startup X"); in
        English the descriptor is lower case and the name must look like one."""
        token = s.tokens[i]
        if "-" in token or self._is_first_name(s, i):
            return False
        if self.language != "de":
            return s.tokens[i - 1].islower() and self.name_like(s, i)
        return self.p(token).zipf < ORG_MODIFIER_COMMON or self._known(token)

    def _cued_person(self, s: Sentence, i: int) -> bool:
        """Two name words after a role or title ("Finanzvorstand Arno Becker", "Mr. Tal Ron")."""
        if i == 0 or i + 1 >= len(s.tokens) or not s.tokens[i + 1][:1].isupper():
            return False
        previous = s.tokens[i - 1]
        cue = self.p(previous)
        if not (
            cue.role
            or previous in self.titles
            or previous == "."
            or cue.role_compound
            or (i >= 2 and self.g.roles.get((s.lower[i - 2], s.lower[i - 1])) is not None)
        ):
            return False
        info, following = self.p(s.tokens[i]), self.p(s.tokens[i + 1])
        if not (info.surname_like and following.surname_like) or info.gazetteer_key:
            return False
        if info.possessive or info.org_head or following.org_head or following.org_suffix:
            return False
        role = self.g.role_at(s.lower, i - 1)  # "Chief Operating Officer" is no name
        if role is not None and role[1] > 1:
            return False
        return self._role_before(s, i) or self._title_before(s, i)

    def _drop_genitive(self, s: Sentence, end: int, mention: Mention) -> None:
        """German "Jana Wiesners Entlassung": the name is "Jana Wiesner"."""
        text = mention.text
        if self.language != "de" or not text.endswith("s") or text.endswith(("ss", "'s")):
            return
        if end < len(s.tokens) and self.p(s.tokens[end]).common and s.tokens[end][:1].isupper():
            mention.text = text[:-1]

    def _known_person(self, s: Sentence, i: int) -> Entry | None:
        entry = self._lookup(s, i, self.p(s.tokens[i]))
        return entry if entry is not None and entry.type == "PERSON" else None

    def _person_run(self, s: Sentence, i: int) -> int:
        tokens = s.tokens
        lower = s.lower
        j = i + 1
        while j < len(tokens) and j - i < MAX_RUN:
            if lower[j] in PARTICLES and j + 1 < len(tokens) and j > i + 1:
                k = j
                while k < len(tokens) and lower[k] in PARTICLES:
                    k += 1
                following = self.p(tokens[k]) if k < len(tokens) else None
                if (
                    following is not None
                    and following.surname_like
                    and not (self.language == "de" and following.common)  # "… den Vorsitz"
                ):
                    j = k
                    continue
                break
            info = self.p(tokens[j])
            if not info.surname_like:
                break
            if j > i + 1 and not self.name_like(s, j):
                break
            j += 1
            if info.possessive:
                break
        return j

    def _hyphen_name(self, token: str) -> bool:
        parts = token.split("-")
        return (
            all(p[:1].isupper() for p in parts)
            and (parts[0] in self.g.first_names or not any(german_common(p) for p in parts))
            and not any(self.g.role_of_word(p) for p in parts)
        )

    def _compound(self, s: Sentence, i: int, mentions: list[Mention]) -> None:
        """A hyphen compound: its modifier is a mention when known or cued by the head."""
        whole = strip_possessive(s.tokens[i])
        parts = whole.split("-")
        if len(parts) < 2 or not all(parts) or self.g.role_of_word(whole):
            return
        head = parts[-1]
        cued = bool(self.g.role_of_word(head)) or self.g.is_descriptor(head)
        for size in range(len(parts) - 1, 0, -1):
            modifier = "-".join(parts[:size])
            entry = self.g.lookup([modifier], 0, self.language)
            if entry is not None:
                self._emit_text(mentions, s, i, modifier, entry.type, entry.canonical)
                return
            if self._known(modifier):
                self._emit_text(mentions, s, i, modifier, None, None)
                return
        modifier = parts[0]
        if (  # in English an ordinary word is no name ("First-team coach")
            cued
            and is_cap(modifier)
            and (
                self.p(modifier).inner_caps
                or not is_common(modifier, self.language, self.language == "en")
            )
        ):
            self._emit_text(mentions, s, i, modifier, "ORG", None)

    @staticmethod
    def _emit_text(
        mentions: list[Mention],
        s: Sentence,
        i: int,
        text: str,
        kind: str | None,
        canonical: str | None,
    ) -> None:
        mentions.append(Mention(text, kind, s.index, i, i + 1, canonical))

    def _run(self, s: Sentence, i: int, mentions: list[Mention]) -> int:
        tokens = s.tokens
        if not self.name_like(s, i):
            return self._of_name(s, i, mentions)
        p = self.p
        n = len(tokens)
        j = i + 1
        person_next = False
        person_starts = self.person_starts
        while j < n and j - i < MAX_RUN:
            if p(tokens[j - 1]).possessive:
                break
            if (s.index, j) in person_starts:
                person_next = True
                break
            token = tokens[j]
            info = p(token)
            if not (info.cap and info.alpha) or "-" in token or not self.name_like(s, j):
                break  # (``name_like`` needs a capitalised alphabetic token)
            if info.gazetteer_key and self._gazetteer(s, j) is not None:
                break
            j += 1
        if j < n and not person_next and p(tokens[j]).ends_org and tokens[j] != "&":
            j += 1
        if person_next and self._title_word(s, i, j):
            return j  # "Headliner Maggie Dunne", "Secretary Owen Price": a title
        return self._emit_run(s, i, j, mentions)

    def _emit_run(self, s: Sentence, i: int, j: int, mentions: list[Mention]) -> int:
        """Emit the run ``i:j`` of name words (unless a role phrase covers it), typed."""
        tokens = s.tokens
        p = self.p
        if i > 0 and s.lower[i - 1] in self.g.role_words:
            role = self.g.role_at(s.lower, i - 1)  # German "Chief Operating Officer"
            if role is not None and i - 1 + role[1] >= j:
                return j
        if j < len(tokens) and "-" in tokens[j] and s.lower[j].endswith(PLACE_COMPOUNDS):
            place = tokens[j].split("-")[0]  # "Palo Alto-based": one place
            if is_cap(place):
                words = [*(p(t).bare for t in tokens[i:j]), place]
                return self._emit(mentions, s, i, j + 1, "LOC", words=words)
        words = [p(t).bare for t in tokens[i:j]]
        return self._emit(mentions, s, i, j, self._type_run(s, i, words, mentions), words=words)

    def _title_word(self, s: Sentence, i: int, j: int) -> bool:
        """One capitalised ordinary word right before a given name and surname is a title
        or description ("Headliner", "Secretary", "Striker"), not part of the name."""
        if j != i + 1:
            return False
        info = self.p(s.tokens[i])
        if info.inner_caps or info.upper or self._known(info.bare):
            return False
        return self._initial(s, i) or self._zipf_en(info) >= TITLE_WORD

    def _of_name(self, s: Sentence, i: int, mentions: list[Mention]) -> int:
        """ "University of Kent": an organisation head joined by "of" to a name."""
        tokens = s.tokens
        if (
            tokens[i] in self.g.of_heads
            and i + 2 < len(tokens)
            and s.lower[i + 1] == "of"
            and self.name_like(s, i + 2)
        ):
            return self._emit(mentions, s, i, i + 3, "ORG")
        return i + 1
