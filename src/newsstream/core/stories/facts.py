"""What the story engine derives from one article alone, before it looks at any story.

Evidence keys, content hash, MinHash signature and its LSH bands, size and
times depend only on the article and its extraction, not on the store. They
are a good part of an article's consolidation cost, so the worker computes them
in the ingest stage (where extraction processes can run them beside the event
loop) and hands them to ``StoryEngine.process``; without them the engine
computes the same values itself.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime

import orjson

from newsstream.core.extracted import Extraction
from newsstream.core.stories.duplicates import band_digests, compact, keys_of
from newsstream.core.stories.evidence import Evidence, gather, word_count
from newsstream.models import Article

CONTENT_FIELDS = frozenset(
    {"id", "title", "body", "published_at", "source", "url", "language", "updated_at",
     "authors", "section"}
)  # fmt: skip
_FIELD_ORDER = tuple(sorted(CONTENT_FIELDS))


def content_hash(article: Article) -> str:
    """Hash of the article's own fields (extra fields, e.g. evaluation labels, are ignored).

    The JSON hashed is ``article.model_dump(mode="json")`` of those fields with sorted
    keys; orjson writes the timestamps as pydantic does (``Z`` for UTC), from the
    attributes directly.
    """
    values = article.__dict__
    payload = {name: values[name] for name in _FIELD_ORDER}
    raw = orjson.dumps(payload, option=orjson.OPT_SORT_KEYS | orjson.OPT_UTC_Z)
    return hashlib.sha256(raw).hexdigest()[:32]


def change_time(article: Article) -> datetime:
    """When the article last changed: ``updated_at``, else ``published_at``."""
    return article.updated_at or article.published_at


def timestamp(moment: datetime) -> float:
    return moment.astimezone(UTC).timestamp()


@dataclass(frozen=True, slots=True)
class ArticleFacts:
    """The article-local part of what the engine needs (picklable)."""

    article_id: str  # whose facts these are (checked by the engine)
    evidence: Evidence
    digest: str  # content hash
    signature: str  # compact MinHash signature
    size: int  # words, for the near-duplicate test
    digests: str  # its LSH band digests (core.duplicates.band_digests)
    bands: tuple[str, ...]  # ... and band keys
    published: float  # epoch seconds
    changed: float  # epoch seconds of its change time


def article_facts(article: Article, extraction: Extraction) -> ArticleFacts:
    signature = compact(extraction.fingerprint.minhash)
    digests = band_digests(signature)
    return ArticleFacts(
        article_id=article.id,
        evidence=gather(article, extraction),
        digest=content_hash(article),
        signature=signature,
        size=max(1, word_count(article) - 2),
        digests=digests,
        bands=tuple(keys_of(digests)),
        published=timestamp(article.published_at),
        changed=timestamp(change_time(article)),
    )
