"""Word frequencies (wordfreq's lists, shipped inside the package; nothing is downloaded).

A capitalised German token whose lower-case form is a frequent German word is a common
noun, not a name; an English sentence-initial word that is frequent in English is not a
name either. Frequencies are Zipf values (log10 of occurrences per billion words). Only
words at or above ``FLOOR`` are kept, which makes the table small and the lookup a dict
access; anything rarer reads as 0.0.
"""

from __future__ import annotations

from functools import cache

import wordfreq

FLOOR = 2.0
SUPPORTED = ("en", "de")


@cache
def table(language: str) -> dict[str, float]:
    """Lower-cased word -> Zipf frequency for ``language`` (empty when unsupported)."""
    if language not in SUPPORTED:
        return {}
    path = wordfreq.available_languages("best")[language]
    buckets = wordfreq.read_cBpack(path)
    result: dict[str, float] = {}
    for index, bucket in enumerate(buckets):
        zipf = 9.0 - index / 100.0
        if zipf < FLOOR:
            break
        value = round(zipf, 2)
        setdefault = result.setdefault
        for word in bucket:
            setdefault(word, value)
    return result


def zipf(word: str, language: str) -> float:
    """Zipf frequency of the lower-cased ``word`` in ``language`` (0.0 if rare or unknown)."""
    return table(language).get(word.lower(), 0.0)
