"""Raw bytes → Article, or a typed rejection with a clear reason."""

from __future__ import annotations

import orjson
import pytest

from newsstream.core.validate import parse_article
from newsstream.errors import MalformedRecord, OversizedRecord, SchemaViolation

GOOD = {
    "id": "a1",
    "title": "OpenAI fires Sam Altman",
    "body": "The board removed him.",
    "published_at": "2023-11-17T20:28:00+00:00",
    "source": "Wire",
}


def raw(**changes: object) -> bytes:
    row = {**GOOD, **changes}
    return orjson.dumps({k: v for k, v in row.items() if v is not ...})


def test_valid_article_keeps_unknown_fields() -> None:
    article = parse_article(raw(desk="tech", priority=3), max_bytes=10_000)
    assert article.id == "a1"
    assert article.model_extra == {"desk": "tech", "priority": 3}


@pytest.mark.parametrize(
    ("payload", "error", "needle"),
    [
        (None, MalformedRecord, "tombstone"),
        (b"{not json", MalformedRecord, "not JSON"),
        (b"\xff\xfe\xfa", MalformedRecord, "not UTF-8"),
        (b"[1, 2]", MalformedRecord, "JSON object"),
        (raw(title=""), SchemaViolation, "title"),
        (raw(title="   "), SchemaViolation, "title"),
        (raw(id=...), SchemaViolation, "id"),
        (raw(published_at="2023-11-17T20:28:00"), SchemaViolation, "published_at"),
        (raw(published_at="yesterday"), SchemaViolation, "published_at"),
        (raw(body=123), SchemaViolation, "body"),
        (raw(language="english"), SchemaViolation, "language"),
    ],
)
def test_rejections(payload: bytes | None, error: type[Exception], needle: str) -> None:
    with pytest.raises(error) as info:
        parse_article(payload, max_bytes=10_000)
    assert needle in str(info.value)


def test_oversized() -> None:
    with pytest.raises(OversizedRecord, match="limit is 2048"):
        parse_article(raw(body="x" * 5000), max_bytes=2048)


def test_rejection_reasons_are_distinct() -> None:
    assert {MalformedRecord.reason, SchemaViolation.reason, OversizedRecord.reason} == {
        "malformed",
        "schema",
        "oversized",
    }


def test_future_timestamps_are_rejected_only_with_a_bound() -> None:
    from datetime import UTC, datetime

    bound = datetime(2023, 11, 18, tzinfo=UTC)
    with pytest.raises(SchemaViolation, match=r"published_at.*in the future"):
        parse_article(raw(published_at="2099-01-01T00:00:00Z"), max_bytes=10_000, not_after=bound)
    with pytest.raises(SchemaViolation, match="updated_at"):
        parse_article(raw(updated_at="2024-01-01T00:00:00Z"), max_bytes=10_000, not_after=bound)
    assert parse_article(raw(published_at="2099-01-01T00:00:00Z"), max_bytes=10_000)
    assert parse_article(raw(), max_bytes=10_000, not_after=bound).id == "a1"
