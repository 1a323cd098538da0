"""Wire models: the records that cross topic boundaries.

``Article`` is what ingest teams produce to ``news.articles``; ``StoryRecord`` is
what downstream apps read from the compacted ``news.stories`` topic. Field names
of both are part of the public contract (see DESIGN.md); add fields, never
rename them. JSON Schemas in ``schemas/`` are generated from these classes by
``newsstream schemas``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

EntityType = Literal["PERSON", "ORG", "LOC", "MISC"]
StoryStatus = Literal["new", "updated", "merged"]

NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
LanguageCode = Annotated[
    str, StringConstraints(strip_whitespace=True, to_lower=True, pattern=r"^[a-z]{2}$")
]


class Article(BaseModel):
    """An incoming news article. Unknown fields are kept (``extra="allow"``)."""

    model_config = ConfigDict(extra="allow", str_strip_whitespace=False)

    id: NonEmpty = Field(description="Stable article id; also the Kafka key.")
    title: NonEmpty = Field(description="Headline, non-empty.")
    body: str = Field(default="", description="Plain-text body.")
    published_at: AwareDatetime = Field(description="RFC 3339 timestamp with UTC offset.")
    source: str = Field(default="", description="Outlet that published the article.")
    url: str | None = None
    language: LanguageCode | None = Field(
        default=None, description="ISO 639-1 code; detected when absent."
    )
    updated_at: AwareDatetime | None = Field(
        default=None, description="Set when the article is corrected and re-sent."
    )
    authors: list[str] = Field(default_factory=list)
    section: str | None = None


class EntityRef(BaseModel):
    """A named entity of a story, ranked by salience in ``StoryRecord.entities``."""

    name: str = Field(description="Canonical name.")
    type: EntityType
    aliases: list[str] = Field(default_factory=list)
    mentions: int = Field(ge=0, description="Mentions across the story's articles.")
    articles: list[str] = Field(default_factory=list, description="Ids of articles naming it.")
    salience: float = Field(default=0.0, ge=0.0)


class Evidence(BaseModel):
    """An article that reports an event, and the sentence that says so."""

    article_id: str
    sentence: str = ""


class StoryEvent(BaseModel):
    """One event on a story's timeline; the same event from five outlets is one event.

    An event is on the timeline (``StoryRecord.events``) when an article reports it as
    news in its title or lead, or two independent outlets report it as news; events the
    articles only mention (background, a single report deep in the text) are listed in
    ``StoryRecord.unconfirmed_events`` with ``unconfirmed`` saying why.
    """

    type: str = Field(description="dismissal, resignation, appointment, hiring, return, ...")
    actors: list[str] = Field(default_factory=list)
    organization: str | None = None
    role: str | None = None
    occurred_at: datetime
    first_reported_at: datetime
    article_ids: list[str] = Field(default_factory=list)
    summary: str = Field(default="", description="The supporting sentence of the best report.")
    confidence: float = Field(default=0.0, ge=0.0, le=1.0)
    evidence: list[Evidence] = Field(
        default_factory=list,
        description="Reports of the event (article id and sentence), title and lead first.",
    )
    sources: int = Field(
        default=0, ge=0, description="Independent outlets reporting it as news (wire copies once)."
    )
    unconfirmed: str | None = Field(
        default=None, description="Why it is not on the timeline; null for timeline events."
    )


class ArticleRef(BaseModel):
    """A member article of a story."""

    id: str
    url: str | None = None
    source: str = ""
    language: str
    title: str
    published_at: datetime
    duplicate_of: str | None = Field(
        default=None, description="Id of the member this article nearly copies (wire text)."
    )


class StoryRecord(BaseModel):
    """The consolidated, versioned record of one story (key = ``story_id``)."""

    story_id: str
    version: int = Field(ge=1, description="Increments by exactly one per emitted change.")
    status: StoryStatus
    merged_into: str | None = None
    merged_from: list[str] = Field(default_factory=list)
    headline: str
    summary: str
    languages: list[str]
    first_published_at: datetime
    last_published_at: datetime
    updated_at: datetime = Field(
        description="Time of the change, from the stream (not wall clock)."
    )
    entities: list[EntityRef] = Field(default_factory=list)
    events: list[StoryEvent] = Field(default_factory=list, description="The timeline.")
    unconfirmed_events: list[StoryEvent] = Field(
        default_factory=list,
        description="Events mentioned but not reported as news (background, demanded, "
        "a single report outside the lead), each with ``unconfirmed`` saying why.",
    )
    articles: list[ArticleRef] = Field(default_factory=list)
    sources: list[str] = Field(default_factory=list)
    article_count: int = Field(ge=0)
    duplicate_count: int = Field(ge=0)
