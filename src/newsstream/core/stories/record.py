"""Build the public ``StoryRecord`` from a story's state.

Deterministic: the same state gives the same record, so a re-delivered article
re-emits exactly the record (and version) that was emitted before. Members are
listed in publication order (the latest ``story_state.RETAIN`` of a bigger
story, with the originals their near-duplicates point to; ``article_count``
stays the true count); entities and the timeline come from their aggregated
tables (``core.stories.entity_table``, ``core.stories.timeline``); languages, sources and
counts from the story's counters, so nothing here walks all members.

The models are assembled from data the engine produced and checked itself, the
way ``model_construct`` does, without running validators again (a record has a
few dozen nested models; validating them was a good part of an article's cost).
``_self_check`` compares this with full validation once at import and falls
back to validation should a pydantic release ever build models differently.
"""

from __future__ import annotations

from datetime import UTC, datetime
from operator import itemgetter
from typing import Any, TypeVar

from pydantic import BaseModel

from newsstream.core.stories import state as story_state
from newsstream.core.stories.entity_table import entity_dicts, lead_names
from newsstream.core.stories.schema import POSITION
from newsstream.core.stories.schema import member as member_ref
from newsstream.core.stories.timeline import event_dicts, unconfirmed_dicts
from newsstream.models import ArticleRef, EntityRef, Evidence, StoryEvent, StoryRecord

Model = TypeVar("Model", bound=BaseModel)
_setattr = object.__setattr__


def _assemble(cls: type[Model], values: dict[str, Any]) -> Model:
    """``cls.model_construct(**values)`` for values that name every field."""
    model = cls.__new__(cls)
    _setattr(model, "__dict__", values)
    _setattr(model, "__pydantic_fields_set__", set(values))
    _setattr(model, "__pydantic_extra__", None)
    _setattr(model, "__pydantic_private__", None)
    return model


def _validate(cls: type[Model], values: dict[str, Any]) -> Model:
    return cls.model_validate(values)


_make = _assemble


_BY_PUBLICATION = itemgetter(POSITION["published"], POSITION["id"])


def members_in_order(story: dict[str, Any]) -> list[list[Any]]:
    return sorted(story_state.shown(story), key=_BY_PUBLICATION)


def _moment(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, tz=UTC)


def build_record(story: dict[str, Any]) -> StoryRecord:
    make = _make
    updated_at = datetime.fromisoformat(story["updated_at"])
    lead = story.get("lead") or {}
    live = story["n"] > 0
    central = lead_names(story["entities"], story["n"])
    return make(
        StoryRecord,
        {
            "story_id": story["id"],
            "version": story["version"],
            "status": story_state.status(story),
            "merged_into": story.get("merged_into"),
            "merged_from": list(story.get("merged_from", [])),
            "headline": lead.get("title", ""),
            "summary": lead.get("summary", "") or lead.get("title", ""),
            "languages": sorted(story["langs"]),
            "first_published_at": _moment(story["first"]) if live else updated_at,
            "last_published_at": _moment(story["last"]) if live else updated_at,
            "updated_at": updated_at,
            "entities": [make(EntityRef, e) for e in entity_dicts(story["entities"])],
            "events": [_event(e) for e in event_dicts(story["events"], central)],
            "unconfirmed_events": [_event(e) for e in unconfirmed_dicts(story["events"], central)],
            "articles": _article_refs(members_in_order(story)),
            "sources": sorted(s for s in story["sources"] if s),
            "article_count": story["n"],
            "duplicate_count": story["dups"],
        },
    )


def _event(values: dict[str, Any]) -> StoryEvent:
    values["evidence"] = [_make(Evidence, ev) for ev in values["evidence"]]
    return _make(StoryEvent, values)


_REFS: dict[str, tuple[list[Any], ArticleRef]] = {}
_REFS_KEPT = 20_000
_REMEMBERED = 20  # a story lists the refs of this many members or more: remember them


def _article_refs(members: list[list[Any]]) -> list[ArticleRef]:
    if len(members) < _REMEMBERED:
        return [_article_ref(m) for m in members]
    return [_remembered_ref(m) for m in members]


def _remembered_ref(member: list[Any]) -> ArticleRef:
    """A member's ``ArticleRef``, built once: a big story lists the same refs in each
    new version (records share these instances; nothing changes a record once built)."""
    known = _REFS.get(member[0])  # its id
    if known is not None and known[0] == member:  # (the same objects compare fast)
        return known[1]
    ref = _article_ref(member)
    if len(_REFS) >= _REFS_KEPT:
        _REFS.clear()
    _REFS[member[0]] = (list(member), ref)
    return ref


def _article_ref(stored: list[Any]) -> ArticleRef:
    ref = member_ref(stored)
    return _make(
        ArticleRef,
        {
            "id": ref.id,
            "url": ref.url,
            "source": ref.source,
            "language": ref.lang,
            "title": ref.title,
            "published_at": datetime.fromisoformat(ref.published_at),
            "duplicate_of": ref.dup,
        },
    )


def _self_check() -> bool:
    """Do assembled models equal validated ones (and serialise the same)?"""
    moment = datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
    values = {
        "story_id": "st-0", "version": 2, "status": "updated", "merged_into": None,
        "merged_from": ["st-1"], "headline": "h", "summary": "s", "languages": ["en"],
        "first_published_at": moment, "last_published_at": moment, "updated_at": moment,
        "entities": [{"name": "A", "type": "ORG", "aliases": [], "mentions": 1,
                      "articles": ["a"], "salience": 0.5}],
        "events": [{"type": "hiring", "actors": ["B"], "organization": None, "role": None,
                    "occurred_at": moment, "first_reported_at": moment,
                    "article_ids": ["a"], "summary": "", "confidence": 0.5,
                    "evidence": [{"article_id": "a", "sentence": "s"}], "sources": 1,
                    "unconfirmed": None}],
        "unconfirmed_events": [],
        "articles": [{"id": "a", "url": None, "source": "W", "language": "en", "title": "t",
                      "published_at": moment, "duplicate_of": None}],
        "sources": ["W"], "article_count": 1, "duplicate_count": 0,
    }  # fmt: skip
    nested = {
        **values,
        "entities": [_assemble(EntityRef, dict(e)) for e in values["entities"]],
        "events": [
            _assemble(StoryEvent, dict(e, evidence=[_assemble(Evidence, dict(v))
                                                    for v in e["evidence"]]))
            for e in values["events"]
        ],
        "articles": [_assemble(ArticleRef, dict(a)) for a in values["articles"]],
    }
    try:
        built = _assemble(StoryRecord, nested)
        checked = StoryRecord.model_validate(values)
        return built == checked and built.model_dump_json() == checked.model_dump_json()
    except Exception:  # a pydantic that builds models differently
        return False


if not _self_check():  # pragma: no cover - only with an incompatible pydantic
    _make = _validate
