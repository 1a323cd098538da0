"""The shape of the stored story state: every part, its schema version, and its
migrations, in one place.

The store holds JSON-like values (they travel over the story table's changelog as
JSON), so each part is a ``TypedDict`` over the stored dict, except a member ref,
which is stored as a compact list and read through ``MemberRef``'s named fields.
Keys of the store:

=================  =================  ==============================================
key                value              written by
=================  =================  ==============================================
``s:<story>``      ``StoryState``     the engine (``core.stories.engine``)
``a:<article>``    ``Marker``         ``core.stories.markers``
``m:<story>:<n>``  ``DroppedChunk``   ``core.stories.markers`` (ids of dropped refs)
``g:<n>``          ``GoneChunk``      ``core.stories.markers`` (expired stories)
``gone``           ``GoneBook``       ``core.stories.markers``
``k:…``, ``h:…``   ``list[str]``      ``core.stories.candidates`` (story ids)
``b:<day>:<n>``    ``list[str]``      ``core.stories.ageing`` (story ids)
``days``, ``clock``  dicts            ``core.stories.ageing``
=================  =================  ==============================================

**Versions** (``StoryState["schema"]``):

- 0: member refs were dicts and there were no counters (``n``, ``langs``, ...);
- 1: member refs are lists; counters; no ``schema`` field (stores written before
  2026-12-07);
- 2: ``schema`` is written. Markers no longer carry ``v`` (the story version the
  engine's own crash repair read; the batch journal replaced it): a ``v`` in a
  stored marker is ignored.

``adopt`` brings a stored story (a private copy, see ``WriteBatch.edit``) to the
current version, in place, and types its member refs. A store written by any
earlier version keeps loading; ``tests/unit/test_story_schema.py`` holds a story
value as version 1 stored it.
"""

from __future__ import annotations

from typing import Any, TypedDict

SCHEMA = 2


MEMBER_FIELDS = ("id", "url", "source", "lang", "title", "published", "published_at", "dup")
POSITION = {name: i for i, name in enumerate(MEMBER_FIELDS)}  # for fast itemgetters


class MemberRef(list[Any]):
    """A member's ref: stored as the list ``[id, url, source, lang, title, published,
    published_at, dup]`` (compact on the changelog: a big story lists 300), read and
    written through its names."""

    __slots__ = ()

    @classmethod
    def of(
        cls,
        article_id: str,
        url: str | None,
        source: str,
        lang: str,
        title: str,
        published: float,
        published_at: str,
        dup: str | None,
    ) -> MemberRef:
        return cls([article_id, url, source, lang, title, published, published_at, dup])

    @property
    def id(self) -> str:
        return self[0]

    @property
    def url(self) -> str | None:
        return self[1]

    @property
    def source(self) -> str:
        return self[2]

    @property
    def lang(self) -> str:
        return self[3]

    @property
    def title(self) -> str:
        return self[4]

    @property
    def published(self) -> float:
        """Epoch seconds."""
        return self[5]

    @property
    def published_at(self) -> str:
        """ISO 8601, with the article's own offset."""
        return self[6]

    @property
    def dup(self) -> str | None:
        """The id of the member this one nearly copies, or None."""
        return self[7]

    @dup.setter
    def dup(self, value: str | None) -> None:
        self[7] = value


def member(ref: list[Any]) -> MemberRef:
    """A stored ref (a plain list after a changelog read) as a ``MemberRef``."""
    return ref if type(ref) is MemberRef else MemberRef(ref)


class Lead(TypedDict):
    """The member that represents the story (headline and summary)."""

    id: str
    title: str
    summary: str
    keys: list[str]  # its top evidence keys


class StoryState(TypedDict, total=False):
    """One story (``s:<story id>``)."""

    schema: int  # SCHEMA when written
    id: str
    version: int  # of the last record emitted
    updated_at: str | None  # ISO 8601
    status: str  # "merged" only on a story leaving the store
    merged_into: str | None
    merged_from: list[str]
    members: list[MemberRef]  # the latest refs, in arrival order
    n: int  # members, all of them (refs may have been dropped)
    langs: dict[str, int]  # language → members
    sources: dict[str, int]  # outlet → members
    dups: int  # near-duplicate members
    old: list[float] | None  # [earliest, latest] published of dropped refs
    gone: int  # chunks of dropped member ids written (``m:<story>:<n>``)
    forgot: int  # ... of which the oldest were forgotten with their markers
    profile: dict[str, Any]  # aggregated evidence (``core.stories.profile``)
    entities: dict[str, Any]  # entity table (``core.stories.entity_table``)
    events: list[dict[str, Any]]  # timeline (``core.stories.timeline``)
    sigs: list[list[Any]]  # [article id, compact MinHash, shingle count] of recent originals
    founder: dict[str, float]  # the first article's evidence keys (merges compare them)
    lead: Lead | None
    people: list[str]  # ``n:<surname>`` of its main people
    first: float | None  # first and last published (epoch seconds)
    last: float | None
    ix: list[str]  # candidate-index keys it is listed under
    bands: list[str]  # LSH band digests it is listed under
    expires: int | None  # the ageing bucket (day) it sits in


class Share(TypedDict, total=False):
    """What one member added to its story, so a correction takes out exactly that."""

    part: dict[str, Any]  # its profile contribution
    ents: dict[str, Any]  # its entity-table share


class Marker(TypedDict, total=False):
    """An article the store placed (``a:<article id>``)."""

    story: str
    hash: str  # content hash: the same content again is a re-delivery
    changed: float  # its change time (epoch seconds): an older copy is stale
    share: Share
    summary: str  # its lead sentence (a new lead is picked from markers)
    src: str  # its outlet, for when its ref was dropped
    dup: str  # the member it nearly copies
    gone: bool  # its story expired; kept for re-deliveries a while


class DroppedChunk(TypedDict):
    """Ids of members whose refs a story dropped (``m:<story>:<n>``)."""

    at: float  # stream time they were dropped at
    ids: list[str]


class GoneChunk(TypedDict):
    """Ids of members of stories that expired (``g:<n>``)."""

    seq: int  # the article count when they expired
    ids: list[str]


class GoneBook(TypedDict):
    """The queue of ``GoneChunk`` (``gone``): articles counted, first and next chunk."""

    seq: int
    head: int
    tail: int


def new_story(story_id: str, empty_profile: dict[str, Any]) -> StoryState:
    return {
        "schema": SCHEMA,
        "id": story_id,
        "version": 0,
        "updated_at": None,
        "merged_from": [],
        "members": [],
        "n": 0,
        "langs": {},
        "sources": {},
        "dups": 0,
        "old": None,
        "gone": 0,
        "forgot": 0,
        "profile": empty_profile,
        "entities": {},
        "events": [],
        "sigs": [],
        "founder": {},
        "lead": None,
        "people": [],
        "first": None,
        "last": None,
        "ix": [],
        "bands": [],
        "expires": None,
    }


def version_of(story: dict[str, Any]) -> int:
    if "schema" in story:
        return int(story["schema"])
    return 1 if "n" in story else 0


def adopt(story: dict[str, Any]) -> StoryState:
    """A stored story (the caller's own copy) at the current version, in place, with
    typed member refs. Idempotent."""
    version = version_of(story)
    if version == 0:
        _from_v0(story)
    if version < SCHEMA:
        story["schema"] = SCHEMA
    members = story["members"]
    if members and type(members[0]) is not MemberRef:
        story["members"] = [member(m) for m in members]
    return story  # type: ignore[return-value]


def _count(counter: dict[str, int], key: str) -> None:
    counter[key] = counter.get(key, 0) + 1


def _from_v0(story: dict[str, Any]) -> None:
    """Version 0 → 1: member refs as lists, counted; LSH bands as digests."""
    members = story.get("members") or []
    if members and isinstance(members[0], dict):
        story["members"] = [
            [m["id"], m.get("url"), m.get("source", ""), m["lang"], m["title"], m["published"],
             m["published_at"], m.get("dup")]
            for m in members
        ]  # fmt: skip
    story["n"] = len(story["members"])
    story["langs"], story["sources"] = {}, {}
    for ref in story["members"]:
        _count(story["langs"], ref[3])
        _count(story["sources"], ref[2])
    story["dups"] = sum(1 for ref in story["members"] if ref[7])
    story.setdefault("old", None)
    story.setdefault("gone", 0)
    story.setdefault("forgot", 0)
    bands: list[str] = []
    for key in story.get("bands") or ():  # "h:<band>:<digest>", 16 per signature in order
        _, band, digest = key.split(":")
        if band == "0" or not bands:
            bands.append("")
        bands[-1] += digest
    story["bands"] = bands
    story["people"] = []  # recomputed by the caller (``state.upgraded``)
    for gone in ("status", "merged_into", "pinned"):
        story.pop(gone, None)
