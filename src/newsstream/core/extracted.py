"""What extraction produces for one article: the input of story consolidation.

Plain frozen dataclasses (no pydantic on the hot path) with a compact dict form,
so an extracted article can travel over the internal cluster topic and be
replayed offline. Everything here is pure and deterministic.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

ENTITY_TYPES = ("PERSON", "ORG", "LOC", "MISC")
EVENT_TYPES = (
    "dismissal",
    "resignation",
    "appointment",
    "hiring",
    "return",
    "investment",
    "acquisition",
    "legal",
    "death",
    "election",
    "launch",
)


@dataclass(frozen=True, slots=True)
class Entity:
    """A named entity of one article, merged over its mentions."""

    name: str
    type: str
    aliases: tuple[str, ...] = ()
    mentions: int = 1
    first_position: int = 0
    salience: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "type": self.type,
            "aliases": list(self.aliases),
            "mentions": self.mentions,
            "first_position": self.first_position,
            "salience": self.salience,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Entity:
        return cls(
            name=data["name"],
            type=data["type"],
            aliases=tuple(data.get("aliases", ())),
            mentions=int(data.get("mentions", 1)),
            first_position=int(data.get("first_position", 0)),
            salience=float(data.get("salience", 0.0)),
        )


@dataclass(frozen=True, slots=True)
class Event:
    """A typed event asserted by one article."""

    type: str
    actors: tuple[str, ...] = ()
    organization: str | None = None
    role: str | None = None
    occurred_at: datetime | None = None
    confidence: float = 0.5
    sentence: str = ""
    position: int = 0  # sentence index in the article (title sentences first)
    lead: bool = True  # in the title or the first two sentences of the body
    dated: bool = False  # the date is stated in the text (else: publication time)
    not_news: str = ""  # why the article tells it as background ("former", "relative" ...)
    target: str | None = None  # what is bought or sued, when named

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "actors": list(self.actors),
            "organization": self.organization,
            "role": self.role,
            "occurred_at": self.occurred_at.isoformat() if self.occurred_at else None,
            "confidence": self.confidence,
            "sentence": self.sentence,
            "position": self.position,
            "lead": self.lead,
            "dated": self.dated,
            "not_news": self.not_news,
            "target": self.target,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Event:
        when = data.get("occurred_at")
        return cls(
            type=data["type"],
            actors=tuple(data.get("actors", ())),
            organization=data.get("organization"),
            role=data.get("role"),
            occurred_at=datetime.fromisoformat(when) if when else None,
            confidence=float(data.get("confidence", 0.5)),
            sentence=data.get("sentence", ""),
            position=int(data.get("position", 0)),
            lead=bool(data.get("lead", True)),
            dated=bool(data.get("dated", False)),
            not_news=str(data.get("not_news") or ""),
            target=data.get("target"),
        )


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """Content fingerprints for matching: MinHash of shingles and a keyword vector."""

    minhash: tuple[int, ...] = ()
    keywords: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"minhash": list(self.minhash), "keywords": self.keywords}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Fingerprint:
        return cls(
            minhash=tuple(int(v) for v in data.get("minhash", ())),
            keywords={str(k): float(v) for k, v in data.get("keywords", {}).items()},
        )


@dataclass(frozen=True, slots=True)
class Extraction:
    """Language, entities, events and fingerprints of one article."""

    language: str
    entities: tuple[Entity, ...] = ()
    events: tuple[Event, ...] = ()
    fingerprint: Fingerprint = field(default_factory=Fingerprint)
    lead: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "language": self.language,
            "entities": [e.to_dict() for e in self.entities],
            "events": [e.to_dict() for e in self.events],
            "fingerprint": self.fingerprint.to_dict(),
            "lead": self.lead,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Extraction:
        return cls(
            language=data["language"],
            entities=tuple(Entity.from_dict(e) for e in data.get("entities", ())),
            events=tuple(Event.from_dict(e) for e in data.get("events", ())),
            fingerprint=Fingerprint.from_dict(data.get("fingerprint", {})),
            lead=data.get("lead", ""),
        )
