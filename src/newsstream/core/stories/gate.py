"""What of a story's timeline entries the public timeline shows, story-wide.

``core.stories.timeline`` decides per entry whether its reports establish it as news
(``entry["published"]``). Two checks need the whole story:

* **central names**: an entry is shown only when it is about a name the story's
  members lead with (``entity_table.lead_names``): enough members name its main actor,
  or else its organisation, in their title or lead. An event told by an article that
  the clustering put into the wrong story, or by an article's aside about another
  company, stays in ``unconfirmed_events`` (``OFF_CENTRE``);
* **one joining, one event**: a person appointed and hired by the same organisation
  within a day is one event told in two words ("named coach" / "signs coach"); the one
  fewer articles report is not shown (``SAME_JOINING``).
"""

from __future__ import annotations

from typing import Any

from newsstream.core.stories import variants
from newsstream.core.stories.entity_table import Central

Entry = dict[str, Any]

# The entry's actor or organisation is not among the names the story's articles lead
# with: most likely an article of another story told it (``central``).
OFF_CENTRE = "not about the story's central names"
SAME_JOINING = "the same joining as another event"
JOINING = frozenset({"appointment", "hiring"})
LEGAL_FORMS = frozenset("ag gmbh se inc ltd plc llc corp co kg fc sc sv".split())
DAY = 86_400


def _organisation_named(organization: str, name: str) -> bool:
    """Is ``name`` the organisation (word for word, one name inside the other, legal
    forms aside: "Veltra Mobility AG" / "Veltra Mobility", "FC Bayern München" / "Bayern")?"""
    a = set(variants.folded_words(organization)) - LEGAL_FORMS
    b = set(variants.folded_words(name)) - LEGAL_FORMS
    return bool(a and b) and (a <= b or b <= a)


def _spellings(entry: Entry) -> list[str]:
    actor = entry["actors"][0] if entry["actors"] else None
    return list(entry.get("names") or {}) or ([actor] if actor else [])


def central(entry: Entry, names: Central) -> bool:
    """Is the entry about the story's central names (``entity_table.lead_names``): do
    enough of its members name its main actor, or else its organisation, in their title
    or lead (the leads of every spelling and every name inside the other add up)?"""
    named, need = names
    spellings = _spellings(entry)
    leads = sum(
        count for known, count in named
        if any(variants.variants(n, s) for n in known for s in spellings)
    )  # fmt: skip
    if leads >= need:
        return True
    organization = entry.get("organization")
    if not organization:
        return False
    leads = sum(
        count for known, count in named if any(_organisation_named(organization, n) for n in known)
    )
    return leads >= need


def _reported(entry: Entry) -> int:
    return entry.get("n", len(entry["article_ids"]))


def _same_joining(a: Entry, b: Entry) -> bool:
    if {a["type"], b["type"]} != JOINING or abs(a["occurred"] - b["occurred"]) > DAY:
        return False
    oa, ob = a.get("organization"), b.get("organization")
    if not (oa and ob and _organisation_named(oa, ob)):
        return False
    return any(variants.variants(x, y) for x in _spellings(a) for y in _spellings(b))


def off_reasons(entries: list[Entry], names: Central | None) -> list[str]:
    """Per entry, why the public timeline does not show it ("" when it does)."""
    whys = [entry.get("published") or "" for entry in entries]
    if names is not None:
        whys = [
            why or ("" if central(e, names) else OFF_CENTRE)
            for e, why in zip(entries, whys, strict=True)
        ]
    for i, entry in enumerate(entries):
        if whys[i] or entry["type"] not in JOINING or not entry["actors"]:
            continue
        for j, other in enumerate(entries):
            if j == i or whys[j] or not _same_joining(entry, other):
                continue
            if (_reported(other), j < i) > (_reported(entry), False):
                whys[i] = SAME_JOINING
                break
    return whys
