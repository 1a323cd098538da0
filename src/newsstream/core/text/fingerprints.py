"""Content fingerprints: MinHash over word shingles, and a keyword vector.

MinHash (datasketch) estimates the Jaccard similarity of two articles' word
3-shingles; wire copies with small edits score high, rewrites score low. The
keyword vector (log-scaled term counts of content words) feeds topical
similarity in story matching.
"""

from __future__ import annotations

import math
import re
import zlib
from collections import Counter
from collections.abc import Iterable
from operator import itemgetter

import numpy as np
from datasketch import MinHash

from newsstream.core.extracted import Fingerprint
from newsstream.core.text.sentences import Sentence

NUM_PERM = 64
SHINGLE_SIZE = 3
MAX_KEYWORDS = 40
_SEED = 7

_WORD = re.compile(r"\w+", re.UNICODE)


def _prehashed(value: int) -> int:
    return value


# The permutations come from a datasketch MinHash ("affine32" scheme); signatures are
# computed here directly with numpy, exactly as ``MinHash.update_batch`` would (MurmurHash3
# finaliser, then ``a * h + b`` mod 2^32, column minimum), without its per-call copies and
# list conversions. Shingles are hashed without building strings: each token is hashed
# once with CRC-32 (deterministic, so signatures stay comparable across processes and
# restarts) and the three token hashes of a shingle are combined with numpy.
_TEMPLATE = MinHash(num_perm=NUM_PERM, seed=_SEED, hashfunc=_prehashed)
_PERM_A = np.asarray(_TEMPLATE.permutations[0], dtype=np.uint32)[:, None]  # one row each
_PERM_B = np.asarray(_TEMPLATE.permutations[1], dtype=np.uint32)[:, None]
_MIX_A = np.uint64(0x9E3779B1)
_MIX_B = np.uint64(0x85EBCA77)
_MASK32 = np.uint64(0xFFFFFFFF)
_FMIX = (np.uint32(16), np.uint32(0x85EBCA6B), np.uint32(13), np.uint32(0xC2B2AE35))
_CHUNK = 4096  # shingles per block: bounds the (shingles x permutations) matrix
CRC_CACHE = 1 << 16


class _TokenCRC(dict[str, int]):
    """token -> CRC-32 of its UTF-8 bytes (pure, cached). Bounded: cleared when it reaches
    ``CRC_CACHE`` entries."""

    def __missing__(self, token: str) -> int:
        if len(self) >= CRC_CACHE:
            self.clear()
        value = self[token] = zlib.crc32(token.encode())
        return value


_CRC = _TokenCRC()


class _ContentWord(dict[str, bool]):
    """token -> a keyword candidate: longer than 2, not a stop word, not a number (pure,
    cached). Bounded: cleared when it reaches ``CRC_CACHE`` entries."""

    def __missing__(self, token: str) -> bool:
        if len(self) >= CRC_CACHE:
            self.clear()
        value = self[token] = len(token) > 2 and token not in _STOP and not token.isdigit()
        return value


_CONTENT = _ContentWord()
_WEIGHTS = tuple(round(1.0 + math.log(n), 4) if n else 0.0 for n in range(256))

_STOP = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "of",
        "to",
        "in",
        "on",
        "at",
        "for",
        "with",
        "by",
        "from",
        "as",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "it",
        "its",
        "this",
        "that",
        "these",
        "those",
        "he",
        "she",
        "they",
        "we",
        "you",
        "i",
        "his",
        "her",
        "their",
        "our",
        "your",
        "not",
        "no",
        "so",
        "than",
        "then",
        "there",
        "has",
        "have",
        "had",
        "will",
        "would",
        "can",
        "could",
        "should",
        "may",
        "might",
        "also",
        "after",
        "before",
        "over",
        "under",
        "into",
        "about",
        "said",
        "says",
        "say",
        "more",
        "most",
        "new",
        "one",
        "two",
        "three",
        "first",
        "last",
        "year",
        "years",
        "week",
        "day",
        "time",
        "der",
        "die",
        "das",
        "den",
        "dem",
        "des",
        "ein",
        "eine",
        "einer",
        "eines",
        "einem",
        "einen",
        "und",
        "oder",
        "aber",
        "von",
        "zu",
        "im",
        "in",
        "am",
        "an",
        "auf",
        "für",
        "mit",
        "bei",
        "aus",
        "als",
        "ist",
        "sind",
        "war",
        "waren",
        "sein",
        "wird",
        "werden",
        "wurde",
        "wurden",
        "hat",
        "haben",
        "hatte",
        "es",
        "er",
        "sie",
        "wir",
        "ihr",
        "nicht",
        "kein",
        "keine",
        "so",
        "dass",
        "daß",
        "sich",
        "auch",
        "nach",
        "vor",
        "über",
        "unter",
        "um",
        "noch",
        "nur",
        "schon",
        "wie",
        "was",
        "sagte",
        "sagt",
        "mehr",
        "neue",
        "neuen",
        "ersten",
        "jahr",
        "jahre",
        "woche",
        "tag",
        "zum",
        "zur",
        "vom",
        "beim",
        "bis",
        "seit",
        "durch",
        "gegen",
    ]
)


def words(text: str) -> list[str]:
    """Lower-cased word tokens: ``\\w+`` runs of the lower-cased text.

    No run crosses white space, so each whitespace-separated piece is searched on its own;
    a piece of letters and digits (exactly ``\\w`` without "_"), possibly followed by one
    other character, needs no regex.
    """
    found: list[str] = []
    append = found.append
    findall = _WORD.findall
    for piece in text.lower().split():
        if piece.isalnum():
            append(piece)
        elif len(piece) > 1 and piece[:-1].isalnum() and not _is_word_char(piece[-1]):
            append(piece[:-1])
        else:
            found.extend(findall(piece))
    return found


def _is_word_char(char: str) -> bool:
    return char.isalnum() or char == "_"


def document_words(text: str, sentences: Iterable[Sentence]) -> list[str]:
    """``words(text)``, read off the lower-cased tokens of ``sentences = segment(text)``.

    The tokens cover every character of ``text`` but white space, and no ``\\w+`` run
    crosses from one token into the next; lower-casing works character by character (and
    never turns another character into a word character), except for the Greek capital
    sigma, whose lower case depends on its neighbours: such a text is read again.
    """
    if "Σ" in text:
        return words(text)
    found: list[str] = []
    append = found.append
    findall = _WORD.findall
    for sentence in sentences:
        for token in sentence.lower:
            if token.isalnum():
                append(token)
            elif len(token) > 1 or token == "_":
                found.extend(findall(token))
    return found


def _shingles(tokens: list[str]) -> np.ndarray:
    """32-bit hashes of the word 3-shingles of ``tokens`` (repeats included)."""
    h = np.fromiter(map(_CRC.__getitem__, tokens), dtype=np.uint64, count=len(tokens))
    if len(h) >= SHINGLE_SIZE:
        h = (h[:-2] * _MIX_A + h[1:-1] * _MIX_B + h[2:]) & _MASK32
    return h


def shingle_hashes(tokens: list[str]) -> np.ndarray:
    """Distinct 32-bit hashes of the word 3-shingles of ``tokens``."""
    if not tokens:
        return np.empty(0, dtype=np.uint64)
    return np.unique(_shingles(tokens))


def _fmix32(hv: np.ndarray) -> np.ndarray:
    """The MurmurHash3 32-bit finaliser (as datasketch applies it before permuting)."""
    s1, m1, s2, m2 = _FMIX
    hv = hv ^ (hv >> s1)
    hv = hv * m1
    hv = hv ^ (hv >> s2)
    hv = hv * m2
    return hv ^ (hv >> s1)


def minhash_signature(tokens: list[str]) -> tuple[int, ...]:
    if not tokens:
        return ()
    grams = _shingles(tokens)  # a repeated shingle cannot change a minimum: no dedup needed
    hv = _fmix32(grams.astype(np.uint32))
    signature = _permuted_min(hv[:_CHUNK])
    for start in range(_CHUNK, len(hv), _CHUNK):
        np.minimum(signature, _permuted_min(hv[start : start + _CHUNK]), out=signature)
    return tuple(signature.tolist())


def _permuted_min(hv: np.ndarray) -> np.ndarray:
    """Per permutation, the minimum of ``a * h + b`` (mod 2^32) over the hashes ``hv``."""
    permuted = np.multiply(_PERM_A, hv)  # (permutations, hashes)
    permuted += _PERM_B
    return permuted.min(axis=1)


def jaccard(sig_a: Iterable[int], sig_b: Iterable[int]) -> float:
    """Estimated Jaccard similarity of two MinHash signatures (0.0 when either is empty)."""
    a = np.fromiter(sig_a, dtype=np.uint64)
    b = np.fromiter(sig_b, dtype=np.uint64)
    if a.size == 0 or a.size != b.size:
        return 0.0
    return float(np.count_nonzero(a == b)) / float(a.size)


def keyword_vector(tokens: list[str], limit: int = MAX_KEYWORDS) -> dict[str, float]:
    counts = Counter(tokens)  # count first (in C), filter the distinct words after
    content = _CONTENT
    terms = sorted([t for t in counts if content[t]])
    kept = [(t, counts[t]) for t in terms]  # by term; the stable sort by count keeps that
    kept.sort(key=itemgetter(1), reverse=True)  # order among equal counts
    weights = _WEIGHTS
    return {
        term: weights[n] if n < 256 else round(1.0 + math.log(n), 4) for term, n in kept[:limit]
    }


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if not a or not b:
        return 0.0
    if len(a) > len(b):
        a, b = b, a
    dot = sum(w * b.get(t, 0.0) for t, w in a.items())
    if dot == 0.0:
        return 0.0
    na = math.sqrt(sum(w * w for w in a.values()))
    nb = math.sqrt(sum(w * w for w in b.values()))
    return dot / (na * nb)


def fingerprint(title: str, body: str) -> Fingerprint:
    return fingerprint_of(words(f"{title}\n{body}"))


def fingerprint_of(tokens: list[str]) -> Fingerprint:
    """The fingerprint of an article's ``words`` (see ``words`` and ``document_words``)."""
    return Fingerprint(minhash=minhash_signature(tokens), keywords=keyword_vector(tokens))
