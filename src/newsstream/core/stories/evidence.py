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
- ``v:<event type>:<actor>``: an extracted event and one of its actors.

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

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from newsstream.core.extracted import Entity, Extraction
from newsstream.core.text.common_words import german_common
from newsstream.core.text.frequency import zipf
from newsstream.models import Article

MAX_KEYS = 40
MAX_TERMS = 24
MAIN_PERSON = 0.5  # a person this salient (relative to the article's top person or
# organisation: a dateline city named in every paragraph does not set the bar) is a subject
COMMON_NOUN_SHARE = 3.0  # a German common noun weighs this much less than a name
ORG_PART_SHARE = 0.5  # a word of a longer organisation name, shared without the whole name
# ("Morgenrot" of "Venlor Morgenrot Software" and "Pillem Morgenrot Bank"), weighs this much
_LEGAL_FORMS = frozenset("ag se gmbh kg kgaa inc corp corporation co ltd plc llc sa nv".split())
_TOKEN = re.compile(r"[^\W\d_](?:[\w’'\-]*\w)?", re.UNICODE)
# _TOKEN matches the run of [\w’'-] characters it starts in from its first letter to its
# last \w, one token per run: this finds the same tokens, but only those of runs whose
# first letter is not an ASCII lower-case one, so the scan skips most words in C
_CAPITALISED = re.compile(r"(?<![\w’'\-])[\d_’'\-]*(?![a-z])([^\W\d_][\w’'\-]*)", re.UNICODE)
_WORD = re.compile(r"\w+", re.UNICODE)
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
_CASE_ODD = ("İ", "ı", "ſ")  # characters re.IGNORECASE matches to letters lower() does not give
_ODD_FOLD = str.maketrans({"İ": "i", "ı": "i", "ſ": "s"})  # ... ("Auguſt" is "August")
_ORDINALS = ("st", "nd", "rd", "th")
_SUBJECTS = frozenset({"PERSON", "ORG"})  # what an article can be about (people_keys)
MONTHS = {
    "january": 1, "januar": 1, "jänner": 1, "february": 2, "februar": 2, "march": 3,
    "märz": 3, "april": 4, "may": 5, "mai": 5, "june": 6, "juni": 6, "july": 7, "juli": 7,
    "august": 8, "september": 9, "october": 10, "oktober": 10, "november": 11,
    "december": 12, "dezember": 12,
}  # fmt: skip
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_DATE_DAY_FIRST = re.compile(rf"\b([0-3]?\d)\.?\s+({_MONTH})\b", re.IGNORECASE)
_DATE_MONTH_FIRST = re.compile(rf"\b({_MONTH})\s+([0-3]?\d)(?:st|nd|rd|th)?\b", re.IGNORECASE)
_SCALES = {
    "thousand": 1e3, "tausend": 1e3, "million": 1e6, "millions": 1e6, "millionen": 1e6,
    "mio": 1e6, "billion": 1e9, "billions": 1e9, "milliarde": 1e9, "milliarden": 1e9,
    "mrd": 1e9, "bn": 1e9, "trillion": 1e12, "billionen": 1e12,
}  # fmt: skip
_SCALE = "|".join(sorted(_SCALES, key=len, reverse=True))
_NUMBER = {
    # (pattern, thousands separator): "1,500.5" in English, "1.500,5" in German
    "en": (rf"(?<![\w.,])(\d{{1,3}}(?:,\d{{3}})+|\d+)(?:\.(\d+))?(?:\s*({_SCALE})\b)?", ","),
    "de": (rf"(?<![\w.,])(\d{{1,3}}(?:\.\d{{3}})+|\d+)(?:,(\d+))?(?:\s*({_SCALE})\b)?", "."),
}
_NUMBER_RE = {lang: (re.compile(p, re.IGNORECASE), sep) for lang, (p, sep) in _NUMBER.items()}
_DIGITS = re.compile(r"\d+")
# how far past a number's end and the blanks after it _NUMBER_RE may look: a
# thousands group or a point and a digit, the longest scale word, a word boundary
_HORIZON = 16


@dataclass(frozen=True, slots=True)
class Evidence:
    """What story matching knows of one article."""

    keys: dict[str, float]  # language-neutral evidence → weight (name-ness), heaviest first
    prominence: dict[str, float]  # key → 0.3 (a passing mention) … 1.0 (the headline)
    terms: dict[str, float]  # keywords of the article's language
    language: str
    anchors: frozenset[str] = frozenset()  # keys that occur in the title or lead
    people: tuple[str, ...] = ()  # surname keys of the people the article is about


@lru_cache(maxsize=200_000)
def fold(token: str) -> str:
    """Case- and diacritic-folded form of a token ("Pavlović" → "pavlovic")."""
    if token.isascii():  # nothing to decompose: case folding is lower-casing
        return token.lower()
    decomposed = unicodedata.normalize("NFKD", token.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("ß", "ss")


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
                out[key] = (_max(known[0], weight), _max(known[1], prominence))
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
        whole[key] = (1.0, prominence if known is None else _max(known[1], prominence))
    return whole, inside - elsewhere


def _fold_genitive(
    tokens: dict[str, tuple[float, float]],
) -> dict[str, tuple[float, float]]:
    """ "Altmans" (German genitive) folds into "Altman" when both occur."""
    out: dict[str, tuple[float, float]] = {}
    for key, (weight, prominence) in tokens.items():
        base = key[:-1] if key.endswith("s") and key[:-1] in tokens else key
        known = out.get(base, (0.0, 0.0))
        # the base form's weight: an inflected common noun reads as rarer than it is
        kept = tokens[base][0] if base != key else weight
        out[base] = (_max(known[0], kept) if base == key else kept, _max(known[1], prominence))
    return out


def _max(a: float, b: float) -> float:
    """``max(a, b)`` without the call overhead of the builtin (same result)."""
    return b if b > a else a


def numbers(text: str, language: str) -> dict[str, float]:
    """Normalised numbers: 10 and more, decimals, or any number with a scale word."""
    return _numbers(text, language, "")[0]


def _numbers(text: str, language: str, head: str) -> tuple[dict[str, float], dict[str, float]]:
    """``numbers`` of ``text`` and of ``head`` (a prefix of it), in one pass.

    A number can only start where a run of digits starts (``_NUMBER_RE``'s
    look-behind rejects a digit after a letter, digit, point or comma), so the
    runs are found with a plain ``\\d+`` scan and the full pattern is only tried
    there; in the head it is tried on the head itself (a number cut by its end
    reads differently there).
    """
    pattern, separator = _NUMBER_RE["de" if language == "de" else "en"]
    out: dict[str, float] = {}
    in_head: dict[str, float] = {}
    head_end = len(head)
    end = 0
    for run in _DIGITS.finditer(text):
        start = run.start()
        if start < end:  # inside the number just read
            continue
        match = pattern.match(text, start)
        if match is None:
            continue
        end = match.end()
        _count_number(out, match, separator)
        if start < head_end:
            ahead = end
            while ahead < head_end and text[ahead].isspace():
                ahead += 1
            if ahead + _HORIZON < head_end:  # the pattern never looked near the head's end
                _count_number(in_head, match, separator)
            else:
                cut = pattern.match(head, start)
                if cut is not None:
                    _count_number(in_head, cut, separator)
    return out, in_head


def _count_number(out: dict[str, float], match: re.Match[str], separator: str) -> None:
    whole, fraction, scale = match.groups()
    digits = whole.replace(separator, "")
    value = float(f"{digits}.{fraction}" if fraction else digits)
    if scale:
        value *= _SCALES[scale.translate(_ODD_FOLD).lower()]
    if value < 10 and not scale and not fraction:
        return
    significant = len((digits + (fraction or "")).strip("0")) or 1
    if 1900 <= value <= 2100 and not fraction and not scale:
        weight = 0.15  # a year: weak evidence
    elif value < 100 and not fraction and not scale:
        weight = 0.25  # ages, counts: common
    else:  # "12,563" is specific, "1,000" is not; a scale word adds a little
        weight = min(0.8, 0.2 + 0.15 * significant + (0.1 if scale else 0.0))
    key = f"#:{value:.4g}"
    out[key] = max(out.get(key, 0.0), weight)


def dates(text: str, lowered: str | None = None) -> dict[str, float]:
    """Calendar dates without a year ("17. November", "November 17th").

    ``lowered`` is ``text.lower()`` when the caller has it already.
    """
    found = _date_pairs(text, text.lower() if lowered is None else lowered)
    return {f"d:{month}-{day}": 0.4 for month, day in sorted(found) if 1 <= day <= 31}


def _date_pairs(text: str, lowered: str) -> set[tuple[int, int]]:
    """(month, day) of ``_DATE_DAY_FIRST`` and ``_DATE_MONTH_FIRST`` matches.

    Both patterns need a month name that is a whole word, so the month names are
    found with ``str.find`` in the lower-cased text and only the digits around
    them are looked at: the same pairs as the two case-insensitive regexes, many
    times faster. A text whose lower-casing is not one character for one (or that
    holds a character the regex folds differently: "İ", "ı", "ſ") takes the regexes.
    """
    if len(lowered) != len(text) or any(odd in text for odd in _CASE_ODD):
        found: set[tuple[int, int]] = set()
        for match in _DATE_DAY_FIRST.finditer(text):
            found.add((MONTHS[match.group(2).translate(_ODD_FOLD).lower()], int(match.group(1))))
        for match in _DATE_MONTH_FIRST.finditer(text):
            found.add((MONTHS[match.group(1).translate(_ODD_FOLD).lower()], int(match.group(2))))
        return found
    found = set()
    size = len(text)
    for name, month in MONTHS.items():
        start = lowered.find(name)
        while start >= 0:
            end = start + len(name)
            if (start == 0 or not _is_word(text[start - 1])) and (
                end == size or not _is_word(text[end])
            ):
                day = _day_before(text, start)
                if day is not None:
                    found.add((month, day))
                day = _day_after(text, lowered, end)
                if day is not None:
                    found.add((month, day))
            start = lowered.find(name, end)
    return found


def _is_word(char: str) -> bool:
    r"""``\w`` of ``re`` for one character."""
    return char.isalnum() or char == "_"


def _day_before(text: str, start: int) -> int | None:
    r"""The day of ``\b([0-3]?\d)\.?\s+`` ending at ``start`` (a month name)."""
    end = start
    while end > 0 and text[end - 1].isspace():
        end -= 1
    if end == start:
        return None
    if end > 0 and text[end - 1] == ".":
        end -= 1
    if end == 0 or not text[end - 1].isdecimal():
        return None
    if end >= 2 and text[end - 2] in "0123" and (end == 2 or not _is_word(text[end - 3])):
        return int(text[end - 2 : end])
    if end == 1 or not _is_word(text[end - 2]):
        return int(text[end - 1])
    return None


def _day_after(text: str, lowered: str, end: int) -> int | None:
    r"""The day of ``\s+([0-3]?\d)(?:st|nd|rd|th)?\b`` starting at ``end`` (after a month)."""
    size = len(text)
    at = end
    while at < size and text[at].isspace():
        at += 1
    if at in (end, size) or not text[at].isdecimal():
        return None

    def closes(after: int) -> bool:  # an ordinal suffix or nothing, then a word boundary
        if lowered[after : after + 2] in _ORDINALS and (
            after + 2 == size or not _is_word(text[after + 2])
        ):
            return True
        return after == size or not _is_word(text[after])

    if text[at] in "0123" and at + 1 < size and text[at + 1].isdecimal() and closes(at + 2):
        return int(text[at : at + 2])
    if closes(at + 1):
        return int(text[at])
    return None


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


def word_count(article: Article) -> int:
    return len(_WORD.findall(f"{article.title}\n{article.body}"))


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
            names[key] = (_max(known[0], weight), _max(known[1], prominence))
    names = _fold_genitive(names)
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
    in_text, in_head = _numbers(text, language, head)
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
    terms = sorted(extraction.fingerprint.keywords.items(), key=lambda kv: (-kv[1], kv[0]))
    if head.isascii():  # fold() of an ASCII word is lower-casing
        head_words = set(_WORD.findall(head.lower()))
    else:
        head_words = set(map(fold, _WORD.findall(head)))
    anchors = frozenset(
        k
        for k, _ in ranked
        if (k.startswith("n:") and k[2:] in head_words)
        or k in in_head
        or (k.startswith("o:") and all(word in head_words for word in k[2:].split()))
    )
    return Evidence(
        keys=dict(ranked),
        prominence={k: prominence[k] for k, _ in ranked},
        terms=dict(terms[:MAX_TERMS]),
        language=language,
        anchors=anchors,
        people=people_keys(extraction),
    )
