"""Spelling variants of one name within a story.

Copy misspells names ("Sam Altmann", "Emmet Shear", "Mira Murita", "Mircosoft") and
German text may write umlauts as ae / oe / ue and ß as ss ("Schaeuble"). Two names are
variants when, word by word after folding (case, accents, transliteration), they are
equal or differ by one edit or one swap of neighbours in a word of ``MIN_FUZZY`` letters
or more (rapidfuzz's optimal-string-alignment distance), are longer words with the same
letters and the same first letter ("Murati" / "Murita"), or one is the other's last
name ("Altman" / "Sam Altman"), or a name of two words or more opens the other
("Michelle Johnston" / "Michelle Johnston Holthaus"). A short word (an initial, "Li",
"Ng") must match exactly: "Li" and "Lu" are two people.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from functools import lru_cache

from rapidfuzz.distance import OSA

MIN_FUZZY = 5  # letters a word needs before one edit is taken for a misspelling
_TRANSLIT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


@lru_cache(maxsize=65_536)
def folded_words(name: str) -> tuple[str, ...]:
    """Lower-case words with umlauts transliterated and other accents dropped."""
    text = name.casefold().translate(_TRANSLIT).replace("-", " ")
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return tuple(w.strip(".,'’") for w in plain.split() if w.strip(".,'’"))


def _same_word(a: str, b: str) -> bool:
    if a == b:
        return True
    if min(len(a), len(b)) < MIN_FUZZY:
        return False
    if OSA.distance(a, b, score_cutoff=1) <= 1:  # one edit or two letters swapped
        return True
    return len(a) > MIN_FUZZY and a[0] == b[0] and sorted(a) == sorted(b)  # "Murita"


@lru_cache(maxsize=65_536)
def variants(a: str, b: str) -> bool:
    """Are ``a`` and ``b`` spellings of one name (see module doc)?"""
    wa, wb = folded_words(a), folded_words(b)
    if not wa or not wb:
        return False
    if wa == wb:
        return True
    short, long_ = (wa, wb) if len(wa) <= len(wb) else (wb, wa)
    if len(short) == len(long_):
        return all(_same_word(x, y) for x, y in zip(short, long_, strict=True))
    if len(short) == 1:  # a surname alone
        return _same_word(short[0], long_[-1])
    # the first words of a longer name: a second surname left off ("Michelle Johnston" /
    # "Michelle Johnston Holthaus")
    return all(_same_word(x, y) for x, y in zip(short, long_, strict=False))


def canonical(spellings: Mapping[str, float]) -> str:
    """The name to show for votes of spellings: the fullest form (most words), then the
    most reported spelling, then the first seen."""
    order = {name: i for i, name in enumerate(spellings)}
    return min(
        spellings,
        key=lambda n: (-len(folded_words(n)), -spellings[n], order[n]),
    )


def find(names: Iterable[str], name: str) -> str | None:
    """The first of ``names`` that ``name`` is a variant of."""
    return next((known for known in names if variants(known, name)), None)
