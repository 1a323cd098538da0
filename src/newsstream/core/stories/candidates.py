"""Candidate retrieval: which active stories could an article belong to?

Two inverted indexes in the ``StateStore``, both bounded, so the cost per
article does not grow with the number of active stories:

- ``k:<evidence key>`` → ids of stories whose profile carries that key
  (names, numbers, dates, events). Each story indexes at most
  ``STORY_KEYS`` of its strongest keys; each posting list keeps the
  ``POSTING_CAP`` stories that entered it last. An article looks up its
  ``PROBE_KEYS`` heaviest keys and the stories hit by the most weight win.
- ``h:<band>:<digest>`` → ids of stories that hold a member with that MinHash
  band (``core.stories.duplicates``): wire copies are found even when they name
  nothing the index knows. A story keeps the band digests of the originals
  it indexed (one string per signature) to leave the lists again.

Posting lists are small JSON lists; adding a story to a key is one write,
and a key is only written when a story first enters it. Each LSH band needs
its own key (a copy shares *some* band, any one of them), so indexing an
original's signature costs one write per band not yet holding the story.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable

from newsstream.core.ports import StateStore
from newsstream.core.stories.duplicates import keys_of
from newsstream.core.stories.evidence import Evidence

STORY_KEYS = 32  # keys one story may index
NEW_KEYS_PER_ARTICLE = 8  # of which one article adds at most
MIN_INDEX_WEIGHT = 0.3  # lighter keys are not indexed
PROBE_KEYS = 12  # keys an article looks up
PROBE_WEIGHT = 0.1  # ... at least this heavy in the article: a German place name that reads
# as a common noun ("Ostheim": "Heim") weighs little in a report that does not tag it, but
# the story may index it as a name
POSTING_CAP = 64  # stories per key
BAND_CAP = 16  # stories per LSH band


class CandidateIndex:
    def __init__(self, store: StateStore) -> None:
        self.store = store

    # ------------------------------------------------------------------ lookup
    def lookup(
        self, evidence: Evidence, bands: Iterable[str], limit: int
    ) -> tuple[list[str], set[str]]:
        """Story ids, most promising first (hit weight, then id for determinism), and
        the ids that share a MinHash band with the article (near-duplicate suspects)."""
        hits: dict[str, float] = {}
        probes = [(k, w) for k, w in evidence.keys.items() if w >= PROBE_WEIGHT]
        for key, weight in probes[:PROBE_KEYS]:
            ids = self.store.get(f"k:{key}")
            if not ids:
                continue
            if not hits:  # (ids in a posting list are distinct)
                hits = dict.fromkeys(ids, weight)
                continue
            get = hits.get
            for sid in ids:
                hits[sid] = get(sid, 0.0) + weight
        banded: set[str] = set()
        for band in bands:
            banded.update(self.store.get(band) or ())
        for sid in banded:
            hits[sid] = hits.get(sid, 0.0) + 1.0
        return [sid for sid, _ in _best(hits, limit)], banded

    # ----------------------------------------------------------------- updates
    def index_keys(self, story: dict, keys: Iterable[str]) -> None:
        """Enter a story under keys it does not index yet (bounded per story)."""
        indexed: list[str] = story["ix"]
        added = 0
        for key in keys:
            if len(indexed) >= STORY_KEYS or added >= NEW_KEYS_PER_ARTICLE:
                break
            if key in indexed:
                continue
            self._push(f"k:{key}", story["id"], POSTING_CAP)
            indexed.append(key)
            added += 1

    def index_bands(self, story: dict, digests: str) -> None:
        """Enter a story under the LSH bands of one more signature (``band_digests``)."""
        for band in keys_of(digests):
            self._push(band, story["id"], BAND_CAP)
        story["bands"] = [*story["bands"], digests]

    def forget(self, story: dict) -> None:
        """Take a story out of every posting list it entered (merge or expiry)."""
        for key in story["ix"]:
            self._pull(f"k:{key}", story["id"])
        for band in dict.fromkeys(b for digests in story["bands"] for b in keys_of(digests)):
            self._pull(band, story["id"])
        story["ix"] = []
        story["bands"] = []

    def _push(self, key: str, story_id: str, cap: int) -> None:
        ids = self.store.get(key)
        if not ids:
            self.store.set(key, [story_id])
        elif story_id not in ids:
            self.store.set(key, [*ids, story_id][-cap:])

    def _pull(self, key: str, story_id: str) -> None:
        ids = self.store.get(key)
        if not ids or story_id not in ids:
            return
        left = [i for i in ids if i != story_id]
        if left:
            self.store.set(key, left)
        else:
            self.store.delete(key)


def _best(hits: dict[str, float], limit: int) -> list[tuple[str, float]]:
    """``sorted(hits.items(), key=(-weight, id))[:limit]`` without sorting them all
    (hub keys such as a capital's name bring a few hundred stories)."""
    if len(hits) <= limit:
        return sorted(hits.items(), key=lambda item: (-item[1], item[0]))
    cut = heapq.nlargest(limit, hits.values())[-1]
    above = [item for item in hits.items() if item[1] > cut]
    above.sort(key=lambda item: (-item[1], item[0]))
    tied = sorted(sid for sid, weight in hits.items() if weight == cut)
    return above + [(sid, cut) for sid in tied[: limit - len(above)]]
