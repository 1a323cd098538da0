"""The dead-letter convention: original bytes unchanged, the reason in headers.

Header names follow Kafka Connect's DLQ headers (``__connect.errors.*``) under
our own prefix, so tooling built for that convention reads them with a rename.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from pydantic import BaseModel

HEADER_PREFIX = "newsstream.errors."
# model field -> header name after the prefix
WIRE_NAMES = {
    "reason": "reason",
    "exception_class": "exception.class.name",
    "exception_message": "exception.message",
    "stage": "stage",
    "timestamp": "timestamp",
    "topic": "topic",
    "partition": "partition",
    "offset": "offset",
}


class DlqHeaders(BaseModel):
    """Why a record was dead-lettered and where it came from."""

    reason: str
    exception_class: str
    exception_message: str
    stage: str
    timestamp: datetime
    topic: str
    partition: int
    offset: int

    def to_kafka(self) -> list[tuple[str, bytes]]:
        values = self.model_dump(mode="json")
        return [
            (HEADER_PREFIX + wire, str(values[field]).encode("utf-8"))
            for field, wire in WIRE_NAMES.items()
        ]

    @classmethod
    def from_kafka(cls, headers: Iterable[tuple[str, bytes]]) -> DlqHeaders:
        by_wire = {
            k.removeprefix(HEADER_PREFIX): v.decode("utf-8", "replace")
            for k, v in headers
            if k.startswith(HEADER_PREFIX)
        }
        return cls.model_validate({field: by_wire.get(wire) for field, wire in WIRE_NAMES.items()})

    @classmethod
    def for_error(
        cls, error: Exception, *, reason: str, stage: str, topic: str, partition: int, offset: int
    ) -> DlqHeaders:
        return cls(
            reason=reason,
            exception_class=type(error).__name__,
            exception_message=str(error)[:2000],
            stage=stage,
            timestamp=datetime.now(UTC),
            topic=topic,
            partition=partition,
            offset=offset,
        )
