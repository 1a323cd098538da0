"""Turn raw record bytes into an ``Article`` or a typed rejection.

Pure: the worker calls it on every record and routes rejections to the DLQ
with the original bytes unchanged.
"""

from __future__ import annotations

from datetime import datetime

import orjson
from pydantic import ValidationError

from newsstream.errors import MalformedRecord, OversizedRecord, SchemaViolation
from newsstream.models import Article


def parse_article(
    raw: bytes | None, *, max_bytes: int, not_after: datetime | None = None
) -> Article:
    """Decode and validate one record; raises an ``ArticleRejected`` subclass.

    ``not_after`` rejects timestamps beyond it (the worker passes "now + allowed
    clock skew"): a far-future ``published_at`` would otherwise move the stream
    clock ahead and age every active story out at once.
    """
    if raw is None:
        raise MalformedRecord("null value (tombstone): an article must be a JSON object")
    if len(raw) > max_bytes:
        raise OversizedRecord(f"record is {len(raw)} bytes, limit is {max_bytes}")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise MalformedRecord(f"not UTF-8: {exc.reason} at byte {exc.start}") from exc
    try:
        data = orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        raise MalformedRecord(f"not JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise MalformedRecord(f"expected a JSON object, got {type(data).__name__}")
    try:
        article = Article.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or '<root>'}: {err['msg']}"
            for err in exc.errors()[:5]
        )
        raise SchemaViolation(problems) from exc
    if not_after is not None:
        for name in ("published_at", "updated_at"):
            value = getattr(article, name)
            if value is not None and value > not_after:
                raise SchemaViolation(
                    f"{name}: {value.isoformat()} is in the future (later than "
                    f"{not_after.isoformat()})"
                )
    return article
