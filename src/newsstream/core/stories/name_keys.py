"""Name keys of an article for story matching: capitalised tokens and the words of
extracted entity names, folded (case, diacritics, German genitive) and weighted by
rarity (an invented company name weighs 1.0, "Microsoft" about 0.3, "Montag"
nothing), with their prominence in the article.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from newsstream.core.extracted import Entity, Extraction
from newsstream.core.text.common_words import german_common
from newsstream.core.text.frequency import zipf

# organisation: a dateline city named in every paragraph does not set the bar) is a subject
COMMON_NOUN_SHARE = 3.0  # a German common noun weighs this much less than a name


# ("Morgenrot" of "Venlor Morgenrot Software" and "Pillem Morgenrot Bank"), weighs this much
_LEGAL_FORMS = frozenset("ag se gmbh kg kgaa inc corp corporation co ltd plc llc sa nv".split())
_TOKEN = re.compile(r"[^\W\d_](?:[\w’'\-]*\w)?", re.UNICODE)


# _TOKEN matches the run of [\w’'-] characters it starts in from its first letter to its
# last \w, one token per run: this finds the same tokens, but only those of runs whose
# first letter is not an ASCII lower-case one, so the scan skips most words in C
_CAPITALISED = re.compile(r"(?<![\w’'\-])[\d_’'\-]*(?![a-z])([^\W\d_][\w’'\-]*)", re.UNICODE)
WORD = re.compile(r"\w+", re.UNICODE)
_BOUNDARY = re.compile(r"(?:[.!?:;()\[\]–—|]\s*|\n\s*)$")  # quotes do not start sentences
_STOP_NAMES = frozenset(
    """
    the a an in on at for and but or it he she they we this that his her their its mr mrs ms
    dr der die das den dem des ein eine und oder aber im am er sie es wir mit von nach als wie
    auch bei für auf zu herr frau monday tuesday wednesday thursday friday saturday sunday
    montag dienstag mittwoch donnerstag freitag samstag sonntag january february march april
    may june july august september october november december januar februar marz mai juni
    juli oktober dezember ceo cto cfo chef
    """.split()
)
_ABBREVIATIONS = frozenset("st sankt dr prof nr mr mrs ms hr fr gen col lt sgt".split())
_MARKS = frozenset(".!?:;()[]–—|")  # the sentence marks of _BOUNDARY
_ENTITY_SPLIT = re.compile(r"[\s\-/]+")


@lru_cache(maxsize=200_000)
def fold(token: str) -> str:
    """Case- and diacritic-folded form of a token ("Pavlović" → "pavlovic"), with German
    umlauts and their transliterations alike ("Brück", "Brueck" → "bruck")."""
    if token.isascii():  # nothing to decompose: case folding is lower-casing
        lowered = token.lower()
    else:
        decomposed = unicodedata.normalize("NFKD", token.casefold())
        lowered = "".join(c for c in decomposed if not unicodedata.combining(c))
        lowered = lowered.replace("ß", "ss")
    if "e" in lowered:
        lowered = lowered.replace("ae", "a").replace("oe", "o").replace("ue", "u")
    return lowered


@lru_cache(maxsize=100_000)
def rarity(word: str, language: str, *, name: bool = False) -> float:
    """1.0 for a word unknown to everyday language, down to 0.0 for a common one.

    ``word`` is lower case, not folded (the word lists know "führung", not
    "fuhrung"). ``name=True`` (the extractor says it is a name) skips the German
    compound test.
    """
    lang = language if language in ("en", "de") else "en"
    other = "de" if lang == "en" else "en"
    frequency = max(zipf(word, lang), zipf(word, other) - 1.0)
    weight = max(0.0, min(1.0, (5.2 - frequency) / 3.2))
    if lang == "de" and not name and _german_compound(word):
        weight /= 3.0
    return weight


def _german_compound(word: str) -> bool:
    """Ends in a common German noun of five letters or more: "Gewerkschaft" in
    "Pilotengewerkschaft"."""
    return any(zipf(word[cut:], "de") >= 3.3 for cut in range(3, len(word) - 4))


def _initial(text: str, start: int) -> bool:
    """Does a sentence start here? ("St. Veit", "Dr. Kessler", "J. Smith": no.)"""
    if start == 0:
        return True
    # what _BOUNDARY says of the three characters before, without a regex: a
    # sentence mark followed by blanks only, or a line break among the last blanks
    window = text[max(0, start - 3) : start]
    kept = window.rstrip()
    if not ((kept and kept[-1] in _MARKS) or "\n" in window[len(kept) :]):
        return False
    before = text[max(0, start - 8) : start].rstrip()
    if before.endswith("."):
        word = before[:-1].split()[-1:] or [""]
        return not (word[0].lower() in _ABBREVIATIONS or (len(word[0]) == 1 and word[0].isupper()))
    return True


# language (or "entity:" + language) → token (or entity name) → its name keys
_PARTS: dict[str, dict[str, tuple[tuple[str, float], ...]]] = {}
_PARTS_KEPT = 50_000  # per dict; a full one starts afresh


def _parts_cache(language: str) -> dict[str, tuple[tuple[str, float], ...]]:
    cache = _PARTS.get(language)
    if cache is None or len(cache) >= _PARTS_KEPT:
        cache = _PARTS[language] = {}
    return cache


def _token_parts(raw: str, language: str) -> tuple[tuple[str, float], ...]:
    """The name keys of one capitalised token ("Rabenfels-Stiftung" → two), with rarity."""
    out = []
    for part in raw.replace("’", "'").split("-"):
        part = part.split("'")[0]
        if len(part) < 2 or not part[0].isupper():
            continue
        key = fold(part)
        if key in _STOP_NAMES:
            continue
        weight = rarity(part.lower(), language)
        if language == "de" and german_common(part):
            weight /= COMMON_NOUN_SHARE  # capitalised because German capitalises nouns
        if weight > 0.05:
            out.append((key, weight))
    return tuple(out)


def name_tokens(text: str, language: str, lead_end: int) -> dict[str, tuple[float, float]]:
    """Capitalised tokens inside sentences (sentence-initial ones only when they
    also occur inside a sentence or are very rare): key → (rarity, prominence).

    Prominence counts mentions as the extractor does: 3 in the title (text up to
    the first line break), 2 in the lead (up to ``lead_end``), 1 elsewhere.
    """
    title_end = text.find("\n")
    inside: dict[str, float] = {}
    initial: dict[str, float] = {}
    mentions: dict[str, float] = {}
    known_parts = _parts_cache(language)  # _token_parts, remembered per token
    for match in _CAPITALISED.finditer(text):
        raw = match.group(1)
        if raw[-1] in "’'-":
            raw = raw.rstrip("’'-")
        parts = known_parts.get(raw)
        if parts is None:
            parts = known_parts[raw] = _token_parts(raw, language) if raw[0].isupper() else ()
        if not parts:
            continue
        start = match.start(1)
        # after a blank that follows a letter or digit, no sentence starts (_initial)
        if start > 1 and text[start - 1] == " " and text[start - 2].isalnum():
            target = inside
        else:
            target = initial if _initial(text, start) else inside
        worth = 3.0 if start < title_end else 2.0 if start < lead_end else 1.0
        for key, weight in parts:
            known = target.get(key)
            if known is None or weight > known:
                target[key] = weight
            mentions[key] = mentions.get(key, 0.0) + worth
    for key, weight in initial.items():
        if key in inside or weight >= 0.9:
            inside[key] = max(inside.get(key, 0.0), weight)
    top = max((mentions[k] for k in inside), default=1.0)
    return {k: (w, _prominence(mentions[k] / top)) for k, w in inside.items()}


def _prominence(salience: float) -> float:
    bounded = salience if salience < 1.0 else 1.0  # max(0.0, min(1.0, salience))
    return round(0.3 + 0.7 * (bounded if bounded > 0.0 else 0.0), 3)


def _entity_parts(name: str, language: str) -> tuple[tuple[str, float], ...]:
    """The name keys of an entity's canonical name, with rarity."""
    out = []
    for part in _ENTITY_SPLIT.split(name):
        part = part.strip(".,;:'’\"()")
        key = fold(part)
        if len(key) < 2 or key in _STOP_NAMES or not part[:1].isupper():
            continue
        weight = rarity(part.lower(), language, name=True)
        if weight > 0.05:
            out.append((key, weight))
    return tuple(out)


def _entities_with_parts(
    extraction: Extraction,
) -> list[tuple[Entity, tuple[tuple[str, float], ...]]]:
    """The first 20 entities with their names' keys (``_entity_parts``, remembered)."""
    known_parts = _parts_cache("entity:" + extraction.language)
    out = []
    for entity in extraction.entities[:20]:
        parts = known_parts.get(entity.name)
        if parts is None:
            parts = known_parts[entity.name] = _entity_parts(entity.name, extraction.language)
        out.append((entity, parts))
    return out


def entity_tokens(extraction: Extraction) -> dict[str, tuple[float, float]]:
    """Tokens of extracted entity names (the extractor's canonical names cross
    languages): key → (rarity, prominence from the entity's salience)."""
    top = max((e.salience for e in extraction.entities), default=0.0) or 1.0
    out: dict[str, tuple[float, float]] = {}
    for entity, parts in _entities_with_parts(extraction):
        if not parts:
            continue
        prominence = _prominence(entity.salience / top)
        for key, weight in parts:
            known = out.get(key)
            if known is None:  # (weights and prominences are above 0.0)
                out[key] = (weight, prominence)
            else:
                out[key] = (larger(known[0], weight), larger(known[1], prominence))
    return out


def organisation_names(extraction: Extraction) -> tuple[dict[str, tuple[float, float]], set[str]]:
    """Whole names of organisations of two words or more (legal forms left out):
    ``o:<words>`` → (1.0, prominence from salience); and the words that occur only
    inside such names (in no person, place or one-word organisation), which
    ``gather`` weighs at ``ORG_PART_SHARE``: companies that share a word are not one
    company."""
    top = max((e.salience for e in extraction.entities), default=0.0) or 1.0
    whole: dict[str, tuple[float, float]] = {}
    inside: set[str] = set()
    elsewhere: set[str] = set()
    for entity, parts in _entities_with_parts(extraction):
        words = [key for key, _ in parts if key not in _LEGAL_FORMS]
        if entity.type != "ORG" or len(words) < 2:
            elsewhere.update(key for key, _ in parts)
            continue
        inside.update(words)
        key = "o:" + " ".join(words)
        prominence = _prominence(entity.salience / top)
        known = whole.get(key)
        whole[key] = (1.0, prominence if known is None else larger(known[1], prominence))
    return whole, inside - elsewhere


def fold_genitive(
    tokens: dict[str, tuple[float, float]],
) -> dict[str, tuple[float, float]]:
    """ "Altmans" (German genitive) folds into "Altman" when both occur."""
    out: dict[str, tuple[float, float]] = {}
    for key, (weight, prominence) in tokens.items():
        base = key[:-1] if key.endswith("s") and key[:-1] in tokens else key
        known = out.get(base, (0.0, 0.0))
        # the base form's weight: an inflected common noun reads as rarer than it is
        kept = tokens[base][0] if base != key else weight
        out[base] = (larger(known[0], kept) if base == key else kept, larger(known[1], prominence))
    return out


def larger(a: float, b: float) -> float:
    """``max(a, b)`` without the call overhead of the builtin (same result)."""
    return b if b > a else a


_VOWELS = frozenset("aeiouy")
SKELETON_MIN = 3  # consonants a skeleton needs to be worth a key


@lru_cache(maxsize=100_000)
def skeleton(key: str) -> str | None:
    """A folded name's consonant skeleton: its first letter, then its consonants with
    doubles collapsed ("altmann", "altman" → "altmn"; "murati", "murita" → "mrt"), so
    that a misspelt name ("Ermoti", "Sam Bankman Freed") still meets its story. None
    when too short to tell names apart."""
    if not key:
        return None
    out = [key[0]]
    for char in key[1:]:
        if char in _VOWELS or not char.isalpha() or char == out[-1]:
            continue
        out.append(char)
    found = "".join(out)
    return found if len(found) - (key[0] in _VOWELS) >= SKELETON_MIN else None
