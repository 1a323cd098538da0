"""Words, cues and small types the mention finder reads (data, not logic)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from newsstream.core.entities.gazetteer import gazetteer
from newsstream.core.text.common_words import german_rare_word, word_set

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
