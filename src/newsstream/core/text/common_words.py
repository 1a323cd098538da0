"""Is a capitalised token an ordinary word rather than a name?

German capitalises every noun and English capitalises the first word of a sentence, so
capitalisation alone does not make a name. A token counts as an ordinary word when it is
a function word or calendar word, or (German) when the lower-cased form is frequent in
German, is a German-only word, is an English loan word used in German ("Stakeholder"),
carries a noun suffix (-ung, -heit, -keit, -schaft ...), or is a compound ending in a
frequent noun ("Technologieriese"). English sentence-initial words are ordinary when they
are frequent in English. Frequencies come from ``frequency`` (wordfreq).
"""

from __future__ import annotations

from functools import cache, lru_cache

from newsstream.core.text import frequency as word_frequency
from newsstream.core.text.frequency import zipf
from newsstream.core.text.lexicon import load_json

GERMAN_COMMON = 3.3
NAME_SLOT_COMMON = 3.4  # "aus Versehen" (3.5) is a noun, "und Kaufland" (3.3) a name
GERMAN_ONLY = 2.3
ENGLISH_RARE = 1.5
LOANWORD_DE = 2.0
LOANWORD_EN = 3.0
ENGLISH_INITIAL_COMMON = 3.0
COMPOUND_HEAD = 3.0
COMPOUND_MODIFIER = 2.5
LINKING = ("s", "es", "n", "en", "e")


@cache
def grammar(language: str) -> dict[str, list[str]]:
    """Function and cue words of ``language`` (English ones for other languages)."""
    name = "grammar_de.json" if language == "de" else "grammar_en.json"
    return load_json(name)  # type: ignore[return-value]


@cache
def word_set(language: str, key: str) -> frozenset[str]:
    return frozenset(grammar(language).get(key, ()))


@cache
def calendar_words() -> frozenset[str]:
    dates = load_json("dates.json")
    words: set[str] = set()
    for group in ("months", "weekdays"):
        for table in dates[group].values():
            words.update(w.capitalize() for w in table)
    words.discard("May")
    words.discard("Mar")
    return frozenset(words)


@cache
def stop_capitals(language: str) -> frozenset[str]:
    words = set(word_set(language, "stop_capitals")) | set(word_set(language, "demonyms"))
    words |= word_set("en", "stop_capitals") if language != "en" else set()
    return frozenset(words | calendar_words())


@cache
def _noun_suffixes() -> tuple[str, ...]:
    return tuple(word_set("de", "noun_suffixes"))


def _has_noun_suffix(lower: str) -> bool:
    suffixes = _noun_suffixes()
    return lower.endswith(suffixes) and any(
        lower.endswith(suffix) and len(lower) >= len(suffix) + 3 for suffix in suffixes
    )


def _is_compound(lower: str) -> bool:
    """A German compound whose last part is a frequent word ("technologie|riese")."""
    if len(lower) < 8:
        return False
    # ``zipf(part, "de")``: parts of a lower-cased word are lower case already
    frequency = word_frequency.table("de").get
    for cut in range(3, len(lower) - 3):
        if frequency(lower[cut:], 0.0) < COMPOUND_HEAD:
            continue
        modifier = lower[:cut]
        if len(lower) - cut < 5 and cut < 6:
            continue
        if frequency(modifier, 0.0) >= COMPOUND_MODIFIER:
            return True
        for link in LINKING:
            stem = modifier[: -len(link)]
            if modifier.endswith(link) and frequency(stem, 0.0) >= COMPOUND_MODIFIER:
                return True
    return False


CACHE_SIZE = 1 << 16


@lru_cache(maxsize=CACHE_SIZE)
def german_common(token: str) -> bool:
    """A capitalised German token that reads as a common noun or function word."""
    if token in stop_capitals("de"):
        return True
    lower = token.lower()
    german = zipf(lower, "de")
    english = zipf(lower, "en")
    if german >= GERMAN_COMMON:
        return True
    if german >= GERMAN_ONLY and english < ENGLISH_RARE:
        return True
    if german >= LOANWORD_DE and english >= LOANWORD_EN:
        return True
    return _has_noun_suffix(lower) or _is_compound(lower)


@lru_cache(maxsize=CACHE_SIZE)
def german_rare_word(token: str) -> bool:
    """A capitalised German token that ``german_common`` calls ordinary only because it
    is rare and German-looking (no noun suffix, no compound, below ``NAME_SLOT_COMMON``):
    proper names such as "Kaufland" or "Herzogenaurach" look like this too, so the
    context decides."""
    if token in stop_capitals("de") or not token[:1].isupper() or not token.isalpha():
        return False
    lower = token.lower()
    if zipf(lower, "de") >= NAME_SLOT_COMMON:
        return False
    return not (_has_noun_suffix(lower) or _is_compound(lower))


@lru_cache(maxsize=CACHE_SIZE)
def english_common(token: str, initial: bool) -> bool:
    """A capitalised English token that is not a name; ``initial``: sentence-initial."""
    if token in stop_capitals("en"):
        return True
    if not initial:
        return False
    return zipf(token, "en") >= ENGLISH_INITIAL_COMMON


def is_common(token: str, language: str, initial: bool) -> bool:
    """Context-free verdict for a capitalised token (no gazetteer, no document evidence)."""
    if language == "de":
        return german_common(token)
    if language == "en":
        return english_common(token, initial)
    return token in stop_capitals(language) or initial
