"""One event per occurrence: reports of the same event within an article merge.

Two drafts merge when their types are equal, their organisations are compatible (equal,
one missing, or one only inferred from the article), they share a person (or one names
nobody) and they are not about two different named targets (two purchases by one
buyer, two suits by one plaintiff). All hires by one organisation in an article are one
event ("Microsoft hires Altman and Brockman"); a hire whose organisation is unknown
joins the article's only hiring organisation. An appointment of someone the article also
reports hired, returning or elected (same organisation) is that event. A person event
left without any person is dropped. A case without an organisation that "also" names
people joins the article's earlier case.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from newsstream.core.events.organisations import PERSON_TYPES

SPECIFIC_POSTS = frozenset({"hiring", "return", "election"})
ALSO = frozenset({"also", "auch", "ebenfalls", "too"})


@dataclass(slots=True)
class Draft:
    """An event found in one sentence, before merging."""

    type: str
    actors: list[str]
    organization: str | None
    org_fallback: bool
    role: str | None
    occurred_at: datetime
    explicit_date: bool
    confidence: float
    sentence: str
    index: int
    target: str | None = None  # what is bought or sued ("Dotmatics"), when named
    not_news: str = ""  # why the article does not report it as news (``news.not_news``)


def _copy(d: Draft) -> Draft:
    """``dataclasses.replace(d, actors=list(d.actors))``, without its introspection."""
    return Draft(
        d.type,
        list(d.actors),
        d.organization,
        d.org_fallback,
        d.role,
        d.occurred_at,
        d.explicit_date,
        d.confidence,
        d.sentence,
        d.index,
        d.target,
        d.not_news,
    )


def _orgs_compatible(a: Draft, b: Draft) -> bool:
    return (
        a.organization is None
        or b.organization is None
        or a.organization == b.organization
        or a.org_fallback
        or b.org_fallback
    )


def _compatible(a: Draft, b: Draft) -> bool:
    if a.type != b.type:
        return False
    if not _orgs_compatible(a, b):
        return False
    if a.target and b.target and a.target != b.target:
        return False  # two deals or cases of one organisation
    if not a.actors or not b.actors or set(a.actors) & set(b.actors):
        return True
    return a.type == "hiring" and a.organization is not None and a.organization == b.organization


def _absorb(target: Draft, other: Draft) -> None:
    target.actors.extend(a for a in other.actors if a not in target.actors)
    if (
        other.organization
        and (target.organization is None or target.org_fallback)
        and not (other.org_fallback and target.organization)
    ):
        target.organization, target.org_fallback = other.organization, other.org_fallback
    target.role = target.role or other.role
    target.target = target.target or other.target
    if other.explicit_date and not target.explicit_date:
        target.occurred_at, target.explicit_date = other.occurred_at, True
    if target.not_news and not other.not_news:  # reported as news after all
        target.not_news, target.sentence, target.index = "", other.sentence, other.index
        target.confidence = max(target.confidence, other.confidence)
        return
    if other.not_news and not target.not_news:
        return
    if other.confidence > target.confidence:
        target.confidence, target.sentence = other.confidence, other.sentence
    target.index = min(target.index, other.index)


def merge(drafts: list[Draft]) -> list[Draft]:
    """Merged drafts, in order of first report."""
    merged: list[Draft] = []
    for draft in drafts:
        target = next((m for m in merged if _compatible(m, draft)), None)
        if target is None:
            merged.append(_copy(draft))
        else:
            _absorb(target, draft)
    hires = {m.organization for m in merged if m.type == "hiring" and m.organization}
    if len(hires) == 1:
        (org,) = hires
        keeper = next(m for m in merged if m.type == "hiring" and m.organization == org)
        for m in [m for m in merged if m.type == "hiring" and m.organization is None]:
            _absorb(keeper, m)
            merged.remove(m)
    _fold_appointments(merged)
    _fold_also(merged)
    return [m for m in merged if m.actors or m.type not in PERSON_TYPES]


def _fold_also(merged: list[Draft]) -> None:
    """ "Angeklagt wurden auch X und Y", "Z was also charged": a case without an
    organisation that says "also" adds its people to the article's earlier case."""
    for draft in [m for m in merged if m.type == "legal" and m.organization is None]:
        if ALSO.isdisjoint(draft.sentence.lower().split()):
            continue
        earlier = next((m for m in merged if m.type == "legal" and m is not draft), None)
        if earlier is not None and merged.index(earlier) < merged.index(draft):
            _absorb(earlier, draft)
            merged.remove(draft)


def _fold_appointments(merged: list[Draft]) -> None:
    """An appointment of a person the article also reports hired, returning or elected
    to the same organisation is that event restated ("verpflichtet ... tritt die
    Nachfolge an", "returns as chairman ... takes over as chairman")."""
    for draft in [m for m in merged if m.type == "appointment" and m.actors]:
        for other in merged:
            if other.type not in SPECIFIC_POSTS or not set(other.actors) & set(draft.actors):
                continue
            if _orgs_compatible(draft, other):
                other.role = other.role or draft.role
                merged.remove(draft)
                break
