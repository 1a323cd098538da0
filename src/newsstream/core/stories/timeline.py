"""A story's timeline: events deduplicated across the articles that report them.

Five outlets reporting the firing is one event with five article ids. Outlets
differ in detail, so an incoming event joins an entry when the type is the
same, the actors overlap (by folded surname: "Sam Altman", "Altman") and the
organisations are compatible (equal, one unknown, or one contained in the
other: "OpenAI" and "OpenAI board"). Otherwise it opens a new entry.

Entries are plain JSON-able dicts inside the story state; times are UTC epoch
seconds. At most ``MAX_EVENTS`` entries are kept: the least reported and least
confident go first. An entry lists the first ``MAX_ARTICLES`` article ids that
report it (one reported by more also counts them: ``n``) and keeps the votes of
at most ``MAX_DAYS`` days.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from newsstream.core.extracted import Event
from newsstream.core.stories.name_keys import fold
from newsstream.models import StoryEvent

MAX_EVENTS = 40
MAX_ARTICLES = 50  # article ids listed per event
MAX_DAYS = 16  # days voted for per event (the most voted)
MAX_SUMMARY = 300

Entry = dict[str, Any]


def _surnames(actors: list[str]) -> set[str]:
    return {_surname(a) for a in actors}


def _organisation_compatible(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return True
    fa, fb = fold(a), fold(b)
    return fa == fb or fa in fb or fb in fa


def _matches(entry: Entry, kind: str, actors: list[str], organization: str | None) -> bool:
    if entry["type"] != kind:
        return False
    if not _organisation_compatible(entry.get("organization"), organization):
        return False
    mine, theirs = _surnames(entry["actors"]), _surnames(actors)
    if mine and theirs:
        return bool(mine & theirs)
    return not mine and not theirs and bool(entry.get("organization")) and bool(organization)


def add(timeline: list[Entry], article_id: str, reported: float, events: tuple[Event, ...]) -> None:
    """Record the events one article reports."""
    counted: list[Entry] = []  # entries this article was counted in (ids may not be listed)
    for event in events:
        occurred = event.occurred_at.astimezone(UTC).timestamp() if event.occurred_at else reported
        actors = list(event.actors)
        entry = next(
            (e for e in timeline if _matches(e, event.type, actors, event.organization)), None
        )
        if entry is None:
            entry = {
                "type": event.type,
                "actors": actors,
                "organization": event.organization,
                "role": event.role,
                "occurred": occurred,
                "days": {_day(occurred): [1, occurred]},
                "reported": reported,
                "article_ids": [article_id],
                "summary": " ".join(event.sentence.split())[:MAX_SUMMARY],
                "confidence": round(float(event.confidence), 3),
            }
            timeline.append(entry)
            counted.append(entry)
            continue
        _extend(entry, article_id, occurred, reported, event)
        if not any(e is entry for e in counted):
            _count_article(entry, article_id)
            counted.append(entry)
    _bound(timeline)


def reports(entry: Entry) -> int:
    """How many articles report this entry."""
    return entry.get("n", len(entry["article_ids"]))


def _count_article(entry: Entry, article_id: str) -> None:
    ids = entry["article_ids"]
    if article_id in ids:
        return
    if len(ids) < MAX_ARTICLES and "n" not in entry:
        ids.append(article_id)
        return
    entry["n"] = reports(entry) + 1
    if len(ids) < MAX_ARTICLES:
        ids.append(article_id)


def _surname(actor: str) -> str:
    parts = actor.split()
    return fold(parts[-1]) if parts else fold(actor)


def _merge_actors(actors: list[str], more: list[str] | tuple[str, ...]) -> list[str]:
    """Union by surname, keeping the fuller name ("Sam Altman" over "Altman")."""
    merged = list(actors)
    for actor in more:
        same = [i for i, known in enumerate(merged) if _surname(known) == _surname(actor)]
        if not same:
            merged.append(actor)
        elif len(actor) > len(merged[same[0]]):
            merged[same[0]] = actor
    return merged


def _extend(entry: Entry, article_id: str, occurred: float, reported: float, event: Event) -> None:
    entry["actors"] = _merge_actors(entry["actors"], event.actors)
    if event.organization and (
        not entry["organization"] or len(event.organization) < len(entry["organization"])
    ):
        entry["organization"] = event.organization
    entry["role"] = entry["role"] or event.role
    _vote(entry, {_day(occurred): [1, occurred]})
    entry["reported"] = min(entry["reported"], reported)
    entry["confidence"] = max(entry["confidence"], round(float(event.confidence), 3))
    if not entry["summary"]:
        entry["summary"] = " ".join(event.sentence.split())[:MAX_SUMMARY]


def remove_article(timeline: list[Entry], article_id: str) -> None:
    """Forget what one article reported (a correction); entries only it reported go."""
    for entry in timeline:
        if article_id in entry["article_ids"]:
            entry["article_ids"].remove(article_id)
            if "n" in entry:
                entry["n"] -= 1
    timeline[:] = [e for e in timeline if reports(e) > 0]


def absorb(timeline: list[Entry], other: list[Entry]) -> None:
    """Fold another story's timeline into this one (a merge)."""
    for theirs in other:
        entry = next(
            (
                e
                for e in timeline
                if _matches(e, theirs["type"], theirs["actors"], theirs["organization"])
            ),
            None,
        )
        if entry is None:
            timeline.append(dict(theirs, actors=list(theirs["actors"]),
                                 article_ids=list(theirs["article_ids"])))  # fmt: skip
            continue
        _vote(entry, theirs.get("days") or {_day(theirs["occurred"]): [1, theirs["occurred"]]})
        entry["reported"] = min(entry["reported"], theirs["reported"])
        entry["confidence"] = max(entry["confidence"], theirs["confidence"])
        entry["actors"] = _merge_actors(entry["actors"], theirs["actors"])
        total = reports(entry) + reports(theirs)  # the two stories' articles are distinct
        ids = entry["article_ids"]
        for article_id in theirs["article_ids"]:
            if article_id not in ids and len(ids) < MAX_ARTICLES:
                ids.append(article_id)
        if total != len(ids):
            entry["n"] = total
    _bound(timeline)


def _bound(timeline: list[Entry]) -> None:
    if len(timeline) > MAX_EVENTS:
        ranked = sorted(
            range(len(timeline)),
            key=lambda i: (-reports(timeline[i]), -timeline[i]["confidence"], i),
        )
        keep = set(ranked[:MAX_EVENTS])
        timeline[:] = [e for i, e in enumerate(timeline) if i in keep]


def _day(seconds: float) -> str:
    return str(int(seconds // 86_400))


def _vote(entry: Entry, days: dict[str, list[float]]) -> None:
    """Outlets disagree on dates (time zones, "Friday"): the day most reports give
    wins (the earliest such day on a tie); ``occurred`` is its earliest time."""
    votes = entry.setdefault("days", {_day(entry["occurred"]): [1, entry["occurred"]]})
    for day, (count, first) in days.items():
        known = votes.get(day)
        votes[day] = [count, first] if known is None else [known[0] + count, min(known[1], first)]
    best = min(votes, key=lambda d: (-votes[d][0], int(d)))
    entry["occurred"] = votes[best][1]
    if len(votes) > MAX_DAYS:  # a long story reports an undated event on many days
        kept = sorted(votes, key=lambda d: (-votes[d][0], int(d)))[:MAX_DAYS]
        entry["days"] = {d: votes[d] for d in votes if d in kept}


def _moment(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, tz=UTC)


def event_dicts(timeline: list[Entry]) -> list[dict[str, Any]]:
    """The public timeline as plain data (``StoryEvent`` fields), in order of occurrence."""
    ordered = sorted(timeline, key=lambda e: (e["occurred"], e["reported"], e["type"], e["actors"]))
    return [
        {
            "type": e["type"],
            "actors": list(e["actors"]),
            "organization": e["organization"],
            "role": e["role"],
            "occurred_at": _moment(e["occurred"]),
            "first_reported_at": _moment(e["reported"]),
            "article_ids": list(e["article_ids"]),
            "summary": e["summary"],
            "confidence": min(1.0, max(0.0, e["confidence"])),
        }
        for e in ordered
    ]


def story_events(timeline: list[Entry]) -> list[StoryEvent]:
    """The public timeline, in order of occurrence."""
    return [StoryEvent.model_validate(e) for e in event_dicts(timeline)]
