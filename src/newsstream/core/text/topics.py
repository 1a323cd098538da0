"""What a headline reports, as coarse language-neutral topics.

Two stories often share their famous names (the same company's quarterly
results, its chief executive's dismissal and a patent suit against it) and
differ in what happened. ``topics`` reads the few words that say *what
happened* ("ousts", "setzt … ab", "Quartalszahlen", "verklagt") and maps them
to topics shared by both languages (``personnel``, ``results``, ``legal`` …),
so an English and a German report of one event agree, and a results report and
a dismissal report do not.

Patterns are data (``data/lexicons/topics.json``), matched on folded text
(lower case; umlauts as ae/oe/ue, ß as ss, other accents dropped: a
transliterated German headline reads like the original) with one Aho–Corasick
pass. A plain pattern matches the start of a word, ``=word`` a whole word,
``*part`` anywhere inside a word (German compounds), ``a...b`` two word starts
in this order (German separable verbs). Pure and cached.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache

import ahocorasick

from newsstream.core.text.lexicon import load_json

_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_ALNUM = re.compile(r"\w")


def fold_text(text: str) -> str:
    """Lower case, German umlauts transliterated, other accents dropped."""
    lowered = text.lower().translate(_UMLAUTS)
    if lowered.isascii():
        return lowered
    decomposed = unicodedata.normalize("NFKD", lowered)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@dataclass(frozen=True, slots=True)
class _Pattern:
    topics: tuple[str, ...]
    inside: bool  # may start inside a word
    whole: bool  # must end at a word's end
    rest: str = ""  # the second word of an 'a...b' pattern


@cache
def _automaton(language: str) -> ahocorasick.Automaton:
    patterns: dict[str, dict[tuple[bool, bool, str], list[str]]] = {}
    for topic, by_language in load_json("topics.json")["topics"].items():
        for raw in by_language.get(language, by_language.get("en", [])):
            inside, whole = raw.startswith("*"), raw.startswith("=")
            text = raw[1:] if inside or whole else raw
            head, _, rest = text.partition("...")
            kinds = patterns.setdefault(fold_text(head), {})
            kinds.setdefault((inside, whole, fold_text(rest)), []).append(topic)
    automaton = ahocorasick.Automaton()
    for head, kinds in patterns.items():
        automaton.add_word(
            head,
            (
                len(head),
                tuple(
                    _Pattern(tuple(sorted(set(found))), inside, whole, rest)
                    for (inside, whole, rest), found in sorted(kinds.items())
                ),
            ),
        )
    automaton.make_automaton()
    return automaton


@lru_cache(maxsize=50_000)
def topics(text: str, language: str) -> frozenset[str]:
    """The topics whose words occur in ``text`` (a headline or a lead sentence)."""
    folded = f" {fold_text(text)} "
    automaton = _automaton(language if language in ("en", "de") else "en")
    found: set[str] = set()
    for end, (length, patterns) in automaton.iter(folded):
        begin = end - length + 1
        for pattern in patterns:
            if not pattern.inside and _ALNUM.match(folded[begin - 1]):
                continue
            if pattern.whole and _ALNUM.match(folded[end + 1]):
                continue
            if pattern.rest and f" {pattern.rest}" not in folded[end + 1 :]:
                continue
            found.update(pattern.topics)
    return frozenset(found)


@cache
def related_topics() -> dict[str, frozenset[str]]:
    """Topic → the topics a story often moves on to from it (and itself)."""
    data = load_json("topics.json")
    related: dict[str, set[str]] = {topic: {topic} for topic in data["topics"]}
    for a, b, *_why in data["related"]:
        related[a].add(b)
        related[b].add(a)
    return {topic: frozenset(found) for topic, found in related.items()}


@lru_cache(maxsize=4096)
def widen(found: frozenset[str]) -> frozenset[str]:
    """The topics and those related to them."""
    related = related_topics()
    out: set[str] = set()
    for topic in found:
        out |= related.get(topic, {topic})
    return frozenset(out)
