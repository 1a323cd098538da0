"""Context-free facts about one token, computed once per distinct token and language.

Mention finding asks the same questions about every capitalised token (is it a stop
word, a role, a given name, a known-name key, a German common noun, an organisation
head ...). They do not depend on the sentence, so they are answered once and cached; the
cache is bounded, which keeps memory flat on a stream that runs for weeks.
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

from newsstream.core.entities.gazetteer import Entry, gazetteer, strip_possessive
from newsstream.core.text.common_words import german_common, is_common, stop_capitals, word_set
from newsstream.core.text.frequency import zipf

CACHE_SIZE = 1 << 17
ACRONYM_COMMON = 3.5
SURNAME_FUNCTION_WORD = 5.6
PLACE_SHAPED_COMMON = 3.3


class TokenProfile(NamedTuple):
    """What a token is, independent of where it stands."""

    bare: str  # without an English possessive ("Altman's" -> "Altman")
    possessive: bool
    cap: bool  # capitalised or camel-cased
    alpha: bool  # starts with a letter
    stop: bool  # function, calendar or demonym word
    role: str | None  # canonical role ("Chef" -> "CEO")
    first_name: bool  # a given name (or "Hans-Peter")
    gazetteer_key: bool  # a known name may start here
    surname: bool  # surname of a widely known person
    inner_caps: bool  # "OpenAI", "LinkedIn"
    digit: bool
    upper: bool  # all capitals ("BBC")
    acronym_name: bool  # all capitals and not an ordinary word ("BBC", not "KI")
    descriptor: bool  # "company", "Softwarekonzern"
    org_prefix: bool  # "Stadtwerke", "SV", "Bürgerliste"
    org_head: bool  # "Studios", "Maschinenbau"
    org_suffix: bool  # "AG", "Inc"
    ends_org: bool  # may end an organisation name: a head, a suffix or "&"
    place_adjective: bool  # "Bamberger", "Münchner"
    place_shaped: bool  # German, rare and ends like a place name ("Ellerfeld", "Kaltenbrunn")
    common: bool  # an ordinary word mid-sentence (German noun; English: stop word)
    common_initial: bool  # an ordinary word at a sentence start
    zipf: float
    surname_like: bool  # may follow a given name
    cap_word: bool  # may be part of an organisation name
    plain: bool  # an ordinary word that cannot start a name on its own
    cue: bool  # announces a name after it: descriptor, role, title, role compound
    role_compound: bool  # German, and the token as written ends in a role ("Betriebsratschef")
    # Known names of one word only start here: ``entry`` is the gazetteer match, whatever
    # follows (``Gazetteer.lookup``); otherwise the following tokens decide.
    one_word_entries: bool
    entry: Entry | None


def _place_shaped(token: str, language: str, frequency: float) -> bool:
    """A rare capitalised German word ending like a place name ("-dorf", "-brunn")."""
    if language != "de" or frequency >= PLACE_SHAPED_COMMON or not token[:1].isupper():
        return False
    lower = token.lower()
    endings = tuple(word_set("de", "place_endings"))
    return lower.endswith(endings) and any(
        lower.endswith(e) and len(lower) >= len(e) + 3 for e in endings
    )


def _place_adjective(token: str, language: str) -> bool:
    """German adjectives from place names: Bamberger, Bremer, Dresdner, Münchner."""
    if language != "de" or not token.endswith("er"):
        return False
    g = gazetteer()
    for base in (token[:-2], token[:-2] + "en", token[:-3] + "en"):
        entry = g.lookup([base], 0, language)
        if entry is not None and entry.type == "LOC":
            return True
    return False


class Profiles(dict[str, TokenProfile]):
    """token -> profile for one language; ``profiles(language)[token]`` computes on a miss.

    Bounded: cleared when it reaches ``CACHE_SIZE`` entries.
    """

    def __init__(self, language: str) -> None:
        super().__init__()
        self.language = language

    def __missing__(self, token: str) -> TokenProfile:
        if len(self) >= CACHE_SIZE:
            self.clear()
        value = self[token] = profile(token, self.language)
        return value


_TABLES: dict[str, Profiles] = {}


def profiles(language: str) -> Profiles:
    """The shared profile table of ``language``."""
    table = _TABLES.get(language)
    if table is None:
        table = _TABLES[language] = Profiles(language)
    return table


@lru_cache(maxsize=1024)
def profile(token: str, language: str) -> TokenProfile:
    """The cached profile of ``token`` in ``language``."""
    g = gazetteer()
    bare = strip_possessive(token)
    lower = bare.lower()
    head = bare[:1]
    cap = head.isupper() or (head.islower() and not bare.islower())
    inner = (
        not bare.isupper() and not bare[1:].islower() and any(c.isupper() for c in bare[1:])
    )  # (``islower``: no upper-case letter at all)
    upper = bare.isupper()
    stop = bare in stop_capitals(language)
    role = g.role_of_word(bare)
    frequency = zipf(bare, language)
    gazetteer_key = lower in g.by_first or (
        language == "de" and lower.endswith("s") and lower[:-1] in g.by_first
    )
    first = bare.split("-")[0] if "-" in bare else bare
    descriptor = g.is_descriptor(bare)
    org_prefix = g.is_org_prefix(bare)
    org_head = g.is_org_head(bare, language)
    org_suffix = bare in g.org_suffixes
    common = german_common(bare) if language == "de" else is_common(bare, language, False)
    place_shaped = token == bare and "-" not in bare and _place_shaped(bare, language, frequency)
    candidates = g.candidates(token, language)
    one_word = bool(candidates) and all(len(e.words) == 1 for e in candidates or ())
    plain = (
        head.isupper()
        and "-" not in bare
        and bare == token
        and not (gazetteer_key or first in g.first_names or bare in g.surnames)
        and not (org_head or org_suffix or bare in g.org_prefixes or descriptor or org_prefix)
        and not inner
        and not place_shaped
        and (common if language == "de" else stop)
    )
    return TokenProfile(
        bare=bare,
        possessive=bare != token,
        cap=cap,
        alpha=head.isalpha(),
        stop=stop,
        role=role,
        first_name=first in g.first_names,
        gazetteer_key=gazetteer_key,
        surname=bare in g.surnames,
        inner_caps=inner,
        digit=not bare.isalpha() and any(c.isdigit() for c in bare),
        upper=upper,
        acronym_name=upper and len(bare) > 1 and max(frequency, zipf(bare, "en")) < ACRONYM_COMMON,
        descriptor=descriptor,
        org_prefix=org_prefix,
        org_head=org_head,
        org_suffix=org_suffix,
        ends_org=org_head or org_suffix or token == "&",
        place_adjective=_place_adjective(bare, language),
        place_shaped=place_shaped,
        common=common,
        common_initial=is_common(bare, language, True),
        zipf=frequency,
        surname_like=bool(head)
        and head.isupper()
        and not stop
        and role is None
        and not upper
        and frequency < SURNAME_FUNCTION_WORD,
        cap_word=cap and head.isalpha() and not stop and not org_suffix and role is None,
        plain=plain,
        cue=descriptor
        or role is not None
        or bare in g.person_titles
        or bare in word_set(language, "place_nouns")
        or (language == "de" and g.role_compound(bare)),
        role_compound=language == "de" and g.role_compound(token),
        one_word_entries=one_word,
        entry=g.lookup([token], 0, language) if one_word else None,
    )
