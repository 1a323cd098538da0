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

import numpy as np
from datasketch import MinHash

from newsstream.core.extracted import Fingerprint

NUM_PERM = 64
SHINGLE_SIZE = 3
MAX_KEYWORDS = 40
_SEED = 7

_WORD = re.compile(r"\w+", re.UNICODE)

def _prehashed(value: int) -> int:
    return value


# A shared template (building the permutations is the costly part). Shingles
# reach it already hashed: each token is hashed once with CRC-32 (deterministic,
# so signatures stay comparable across processes and restarts), and the three
# token hashes of a shingle are combined with numpy, without building strings.
_TEMPLATE = MinHash(num_perm=NUM_PERM, seed=_SEED, hashfunc=_prehashed)
_MIX_A = np.uint64(0x9E3779B1)
_MIX_B = np.uint64(0x85EBCA77)
_MASK32 = np.uint64(0xFFFFFFFF)

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
    """Lower-cased word tokens."""
    return _WORD.findall(text.lower())


def shingle_hashes(tokens: list[str]) -> np.ndarray:
    """Distinct 32-bit hashes of the word 3-shingles of ``tokens``."""
    if not tokens:
        return np.empty(0, dtype=np.uint64)
    crc = zlib.crc32
    h = np.fromiter((crc(t.encode()) for t in tokens), dtype=np.uint64, count=len(tokens))
    if len(h) >= SHINGLE_SIZE:
        h = (h[:-2] * _MIX_A + h[1:-1] * _MIX_B + h[2:]) & _MASK32
    return np.unique(h)


def minhash_signature(tokens: list[str]) -> tuple[int, ...]:
    grams = shingle_hashes(tokens)
    if grams.size == 0:
        return ()
    sketch = _TEMPLATE.copy()
    sketch.update_batch(grams.tolist())
    return tuple(sketch.hashvalues.tolist())


def jaccard(sig_a: Iterable[int], sig_b: Iterable[int]) -> float:
    """Estimated Jaccard similarity of two MinHash signatures (0.0 when either is empty)."""
    a = np.fromiter(sig_a, dtype=np.uint64)
    b = np.fromiter(sig_b, dtype=np.uint64)
    if a.size == 0 or a.size != b.size:
        return 0.0
    return float(np.count_nonzero(a == b)) / float(a.size)


def keyword_vector(tokens: list[str], limit: int = MAX_KEYWORDS) -> dict[str, float]:
    counts = Counter(tokens)  # count first (in C), filter the distinct words after
    kept = [
        (t, n) for t, n in counts.items() if len(t) > 2 and t not in _STOP and not t.isdigit()
    ]
    top = sorted(kept, key=lambda kv: (-kv[1], kv[0]))[:limit]
    return {term: round(1.0 + math.log(count), 4) for term, count in top}


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
    tokens = words(f"{title}\n{body}")
    return Fingerprint(minhash=minhash_signature(tokens), keywords=keyword_vector(tokens))
