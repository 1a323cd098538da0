"""Events (first version: trigger words per type, to be deepened)."""

from __future__ import annotations

import re
from datetime import datetime

from newsstream.core.extracted import Entity, Event

_TRIGGERS: dict[str, tuple[str, ...]] = {
    "dismissal": ("fired", "ousted", "dismissed", "entlassen", "gefeuert", "verdrängte"),
    "resignation": ("resigned", "quit", "steps down", "stepped down", "zurückgetreten"),
    "appointment": ("appointed", "named", "ernannt"),
    "hiring": ("hires", "hired", "joins", "tritt", "beitreten", "eingestellt"),
    "return": ("returns", "returned", "zurückkehren", "kehrt"),
    "investment": ("invested", "invests", "investiert"),
    "acquisition": ("acquired", "acquires", "übernimmt", "kauft"),
}
_SENTENCE = re.compile(r"(?<=[.!?])\s+")


def extract_events(
    title: str, body: str, entities: tuple[Entity, ...], published_at: datetime
) -> tuple[Event, ...]:
    people = [e.name for e in entities if e.type == "PERSON"]
    orgs = [e.name for e in entities if e.type == "ORG"]
    events: list[Event] = []
    for sentence in _SENTENCE.split(f"{title}. {body}"):
        lowered = sentence.lower()
        for kind, triggers in _TRIGGERS.items():
            if any(re.search(rf"\b{re.escape(t)}\b", lowered) for t in triggers):
                actors = tuple(p for p in people if p.split()[-1] in sentence)[:2]
                org = next((o for o in orgs if o in sentence), None)
                if actors:
                    events.append(Event(kind, actors, org, None, published_at, 0.4, sentence))
    unique = {(e.type, e.actors, e.organization): e for e in reversed(events)}
    return tuple(unique[k] for k in sorted(unique, key=lambda k: (k[0], k[1], k[2] or "")))
