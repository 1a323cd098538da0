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
from collections.abc import Sequence

import numpy as np

BAND_ROWS = 4
_MASK = 0xFFFFFFFF


def compact(signature: Sequence[int]) -> str:
    """A signature as base64 of little-endian 32-bit values ("" when empty)."""
    if not signature:
        return ""
    values = np.fromiter((int(v) & _MASK for v in signature), dtype="<u4", count=len(signature))
    return base64.b64encode(values.tobytes()).decode("ascii")


def _values(encoded: str) -> np.ndarray:
    return np.frombuffer(base64.b64decode(encoded), dtype="<u4")


def jaccard(a: str, b: str) -> float:
    """Estimated Jaccard similarity of two compact signatures (0.0 if either is empty)."""
    if not a or not b or len(a) != len(b):
        return 0.0
    va, vb = _values(a), _values(b)
    return float(np.count_nonzero(va == vb)) / float(va.size)


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


def band_keys(encoded: str, rows: int = BAND_ROWS) -> list[str]:
    """LSH band keys of a compact signature: ``h:<band>:<digest of its values>``."""
    if not encoded:
        return []
    raw = base64.b64decode(encoded)
    width = 4 * rows
    keys = []
    for band in range(len(raw) // width):
        chunk = raw[band * width : (band + 1) * width]
        keys.append(f"h:{band}:{hashlib.blake2b(chunk, digest_size=6).hexdigest()}")
    return keys
