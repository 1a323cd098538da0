"""Near-duplicates (wire copies): compact MinHash signatures, LSH bands, the test.

A wire copy under another id keeps most of its source's word 3-shingles, but
outlets add a dateline, cut the last paragraph or change the headline. The
test therefore accepts a high Jaccard similarity *or* a high containment (the
shorter text mostly inside the longer one), both estimated from the MinHash
signatures and the two texts' shingle counts.

Signatures are stored truncated to 32 bits per value and base64-encoded (64
values → 344 characters): a 32-bit collision between different minima is
negligible (2^-32) next to the MinHash estimate's own noise. Signatures are
also cut into LSH bands: two texts with Jaccard similarity s share at least
one band of ``rows`` values with probability 1 - (1 - s^rows)^bands (rows=4,
16 bands: 0.65 at s=0.5, 0.89 at 0.6, 0.98 at 0.7).
"""

from __future__ import annotations

import base64
import hashlib
import struct
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

BAND_ROWS = 4
_MASK = 0xFFFFFFFF


def compact(signature: Sequence[int]) -> str:
    """A signature as base64 of little-endian 32-bit values ("" when empty)."""
    if not signature:
        return ""
    return base64.b64encode(_pack(signature)).decode("ascii")


def _pack(signature: Sequence[int]) -> bytes:
    try:  # values that fit in 32 bits already (the usual case)
        return struct.pack(f"<{len(signature)}I", *signature)
    except (TypeError, ValueError, struct.error, OverflowError):
        values = np.fromiter((int(v) & _MASK for v in signature), dtype="<u4")
        return values.tobytes()


def _values(encoded: str) -> np.ndarray:
    return np.frombuffer(base64.b64decode(encoded), dtype="<u4")


def jaccard(a: str, b: str) -> float:
    """Estimated Jaccard similarity of two compact signatures (0.0 if either is empty)."""
    if not a or not b or len(a) != len(b):
        return 0.0
    va, vb = _values(a), _values(b)
    return float(np.count_nonzero(va == vb)) / float(va.size)


def similarities(signature: str, others: Sequence[str]) -> list[float]:
    """``jaccard(signature, other)`` for each of ``others`` (equal values counted on
    the signatures as big integers, 32 bits a value: no array per pair)."""
    out = [0.0] * len(others)
    if not signature:
        return out
    raw = base64.b64decode(signature)
    count = len(raw) // 4
    if count == 0:
        return out
    mine = int.from_bytes(raw, "little")
    lowest = _lowest_bits(count)
    size = float(count)
    for i, other in enumerate(others):
        if other and len(other) == len(signature):
            x = mine ^ _as_int(other)
            # fold each 32-bit lane onto its lowest bit: that bit is set iff the values differ
            x |= x >> 16
            x |= x >> 8
            x |= x >> 4
            x |= x >> 2
            x |= x >> 1
            out[i] = float(count - (x & lowest).bit_count()) / size
    return out


@lru_cache(maxsize=4096)
def _as_int(encoded: str) -> int:
    """A compact signature as one integer (stories' signatures recur across articles)."""
    return int.from_bytes(base64.b64decode(encoded), "little")


@lru_cache(maxsize=8)
def _lowest_bits(count: int) -> int:
    """The lowest bit of each of ``count`` 32-bit lanes."""
    return int.from_bytes(b"\x01\x00\x00\x00" * count, "little")


def containment(similarity: float, size_a: int, size_b: int) -> float:
    """Estimated share of the smaller shingle set inside the larger one.

    From J = |A∩B| / |A∪B| and |A∪B| = |A| + |B| - |A∩B|:
    |A∩B| = J (|A| + |B|) / (1 + J).
    """
    smaller = max(1, min(size_a, size_b))
    common = similarity * (size_a + size_b) / (1.0 + similarity)
    return min(1.0, common / smaller)


def is_near_duplicate(
    similarity: float,
    size_a: int,
    size_b: int,
    *,
    min_jaccard: float,
    min_containment: float,
    floor: float,
) -> bool:
    if similarity >= min_jaccard:
        return True
    return similarity >= floor and containment(similarity, size_a, size_b) >= min_containment


DIGEST = 12  # hex characters of one band's digest


def band_digests(encoded: str, rows: int = BAND_ROWS) -> str:
    """The digests of a compact signature's LSH bands, concatenated (``DIGEST`` hex
    characters each, band by band): what a story keeps to find its band keys again."""
    if not encoded:
        return ""
    raw = base64.b64decode(encoded)
    width = 4 * rows
    return "".join(
        hashlib.blake2b(raw[start : start + width], digest_size=DIGEST // 2).hexdigest()
        for start in range(0, len(raw) - width + 1, width)
    )


def keys_of(digests: str) -> list[str]:
    """The band keys (``h:<band>:<digest>``) of ``band_digests``."""
    return [
        f"h:{i}:{digests[at : at + DIGEST]}" for i, at in enumerate(range(0, len(digests), DIGEST))
    ]


def band_keys(encoded: str, rows: int = BAND_ROWS) -> list[str]:
    """LSH band keys of a compact signature: ``h:<band>:<digest of its values>``."""
    return keys_of(band_digests(encoded, rows))
