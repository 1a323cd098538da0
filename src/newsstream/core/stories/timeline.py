"""A story's timeline: one entry per real event, with the reports that support it.

Five outlets reporting the firing is one event with five article ids. An incoming
event joins an entry when the type is the same and

* it is about a person: the **main actor** is the same person (spelling variants
  resolve: ``core.stories.variants``); the organisation is then voted, not matched
  (one outlet's wrong organisation does not open a second event);
* it names no person: the organisations are compatible (equal, or one contained in
  the other: "OpenAI" and "OpenAI board").

An event naming several people is split first: one entry per person (one event, one
main actor). Each entry keeps, per reporting article (at most ``MAX_REPORTS``), a
*report*: its outlet, whether it is a wire copy, whether the article tells it as news
(``Event.not_news`` empty) and in its title or lead, the date it states, the
organisation and role it names, its confidence and its sentence. Everything shown is
computed from the reports, so a correction that takes an article out leaves exactly
what the others support:

* **on the timeline** (``published``) when at least one article reports it as news and
  either one of them has it in its title or lead, or ``MIN_SOURCES`` independent
  outlets (near-duplicate wire copies do not count) report it as news. Other entries
  stay in the record as ``unconfirmed_events`` with the reason;
* **date**: the day most news reports *state* (the earliest on a tie); when none
  states one, the publication day of the first report;
* **organisation** and **role**: the most weighted among the reports (lead news 3,
  other news 2, background 1); wire agencies never (``core.events`` drops them);
* **actor**: the fullest, most reported spelling (``variants.canonical``);
* **evidence**: up to ``MAX_EVIDENCE`` (article id, sentence) pairs, lead news first.

Entries are plain JSON-able dicts inside the story state; times are UTC epoch seconds.
At most ``MAX_EVENTS`` entries are kept: the least reported and least confident go first.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from typing import Any

from newsstream.core.extracted import Event
from newsstream.core.stories import variants
from newsstream.core.stories.entity_table import Central
from newsstream.core.stories.gate import off_reasons
from newsstream.core.stories.name_keys import fold
from newsstream.models import StoryEvent

MAX_EVENTS = 40
MAX_ARTICLES = 50  # article ids listed per event
MAX_REPORTS = 12  # reports kept per event (the first ones)
MAX_EVIDENCE = 3
MAX_SUMMARY = 300
MIN_SOURCES = 2
MIN_CONFIDENCE = 0.4  # a published event needs one news report at least this confident
# An event must name the organisation it is about to be published (the employer, the
# buyer, the court …); an election of a public office and a death may name none.
OPTIONAL_ORGANISATION = frozenset({"election", "death"})
AUTHORITY_WORDS = frozenset(
    """court courts tribunal prosecutor prosecutors prosecution attorney attorneys justice
    department ministry commission authority regulator sec fca fbi police judge
    staatsanwaltschaft gericht landgericht amtsgericht oberlandesgericht bundesgerichtshof
    polizei behorde kommission bafin kartellamt aufsicht""".split()
)
AUTHORITY_ENDINGS = ("gericht", "anwaltschaft", "behorde", "amt", "court", "commission")

Entry = dict[str, Any]
Report = dict[str, Any]  # keys: id, src, dup, news, lead, day, at, org, role, conf, s


def _organisation_compatible(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return True
    fa, fb = fold(a), fold(b)
    return fa == fb or fa in fb or fb in fa


def _matches(entry: Entry, kind: str, actor: str | None, organization: str | None) -> bool:
    if entry["type"] != kind:
        return False
    mine = entry["actors"][0] if entry["actors"] else None
    if mine and actor:
        names = entry.get("names") or {mine: 1}
        return any(variants.variants(known, actor) for known in names)
    if mine or actor:
        return False
    return _organisation_compatible(entry.get("organization"), organization) and bool(
        entry.get("organization") or organization
    )


def _day(seconds: float) -> str:
    return str(int(seconds // 86_400))


def _report(
    article_id: str, source: str, duplicate: bool, reported: float, event: Event
) -> Report:
    occurred = None
    if event.occurred_at is not None and event.dated:  # the stated day, wherever it is
        day = event.occurred_at.date()
        occurred = datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp()
    return {
        "id": article_id,
        "src": source,
        "dup": duplicate,
        "news": not event.not_news,
        "why": event.not_news,
        "lead": bool(event.lead),
        "day": _day(occurred) if occurred is not None else None,
        "at": occurred if occurred is not None else reported,
        "rep": reported,
        "org": _organisation(event),
        "role": event.role,
        "tgt": event.target,
        "conf": round(float(event.confidence), 3),
        "s": " ".join(event.sentence.split())[:MAX_SUMMARY],
    }


def _organisation(event: Event) -> str | None:
    """The organisation the event is about: for a case against an organisation (no
    person charged), the one charged, sued or fined rather than the court or authority;
    for a person charged, the prosecutor or court when named, never the person's
    company ("FTX founder Bankman-Fried was sentenced")."""
    if event.type != "legal":
        return event.organization
    if not event.actors:
        return event.target or event.organization
    if event.organization and not AUTHORITY_WORDS.isdisjoint(
        variants.folded_words(event.organization)
    ):
        return event.organization
    if event.organization and fold(event.organization).endswith(AUTHORITY_ENDINGS):
        return event.organization
    return None


def _stake_purchases(events: tuple[Event, ...]) -> set[int]:
    """Acquisitions that are the same sentence's investment ("buys a 25 % stake"): a
    minority stake is an investment, so the acquisition reading goes."""
    invested = {(e.sentence, e.position) for e in events if e.type == "investment"}
    return {
        i for i, e in enumerate(events)
        if e.type == "acquisition" and (e.sentence, e.position) in invested
    }  # fmt: skip


def _split(event: Event) -> list[tuple[str | None, Event]]:
    if len(event.actors) <= 1:
        return [(event.actors[0] if event.actors else None, event)]
    return [(actor, event) for actor in event.actors]


def add(
    timeline: list[Entry],
    article_id: str,
    reported: float,
    events: tuple[Event, ...],
    source: str = "",
    duplicate: bool = False,
) -> None:
    """Record the events one article reports (``duplicate``: a near-copy of a member)."""
    dropped = _stake_purchases(events)
    for i, event in enumerate(events):
        if i in dropped:
            continue
        for actor, one in _split(event):
            organization = _organisation(one)
            entry = next(
                (e for e in timeline if _matches(e, one.type, actor, organization)), None
            )
            if entry is None:
                entry = {
                    "type": one.type,
                    "actors": [actor] if actor else [],
                    "names": {},
                    "organization": organization,
                    "role": one.role,
                    "target": one.target,
                    "occurred": reported,
                    "reported": reported,
                    "article_ids": [],
                    "reports": [],
                    "summary": "",
                    "confidence": 0.0,
                }
                timeline.append(entry)
            if actor:
                names = entry.setdefault("names", {})
                names[actor] = names.get(actor, 0) + 1
            if "reports" not in entry:
                entry["reports"] = _legacy_reports(entry)
            _count_article(entry, article_id)
            reports = entry["reports"]
            known = next((r for r in reports if r["id"] == article_id), None)
            new = _report(article_id, source, duplicate, reported, one)
            if known is None:
                if len(reports) < MAX_REPORTS:
                    reports.append(new)
            elif _rank(new) < _rank(known):  # the article's best report of the event
                reports[reports.index(known)] = new
            _refresh(entry)
    _bound(timeline)


def _legacy_reports(entry: Entry) -> list[Report]:
    """An entry stored before reports were kept (schema 1 timelines): its articles count
    as lead news of the entry's date, so what was on the timeline stays there."""
    day = _day(entry["occurred"])
    return [
        {"id": a, "src": a, "dup": False, "news": True, "why": "", "lead": True, "day": day,
         "at": entry["occurred"], "rep": entry["reported"], "org": entry.get("organization"),
         "role": entry.get("role"), "tgt": None, "conf": entry.get("confidence", 0.5),
         "s": entry.get("summary", "")}
        for a in entry["article_ids"][:MAX_REPORTS]
    ]  # fmt: skip


def _rank(report: Report) -> tuple[int, int, float]:
    return (not report["news"], not report["lead"], -report["conf"])


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


def _vote(values: list[tuple[str | None, int]]) -> str | None:
    tally: Counter[str] = Counter()
    first: dict[str, int] = {}
    for i, (value, weight) in enumerate(values):
        if value:
            tally[value] += weight
            first.setdefault(value, i)
    if not tally:
        return None
    return min(tally, key=lambda v: (-tally[v], first[v]))


def _weight(report: Report) -> int:
    return 1 + int(report["news"]) + int(report["news"] and report["lead"])


def _refresh(entry: Entry) -> None:
    """Recompute what the entry shows from its reports (see module doc)."""
    reps: list[Report] = entry.get("reports") or []
    if not reps:
        return
    news = [r for r in reps if r["news"]] or reps
    stated = Counter(r["day"] for r in news if r["day"] is not None)
    if stated:
        best = min(stated, key=lambda d: (-stated[d], int(d)))
        entry["occurred"] = min(r["at"] for r in news if r["day"] == best)
    else:
        entry["occurred"] = min(r["rep"] for r in news)
    entry["reported"] = min(r["rep"] for r in reps)
    orgs = [(r["org"], _weight(r)) for r in reps]
    entry["organization"] = _vote(orgs)
    entry["role"] = _vote([(r["role"], _weight(r)) for r in reps])
    entry["confidence"] = max(r["conf"] for r in news)
    entry["target"] = entry.get("target") or next((r["tgt"] for r in reps if r.get("tgt")), None)
    names = entry.get("names")
    if names and entry["actors"]:
        entry["actors"] = [variants.canonical(names)]
    ordered = sorted(reps, key=_rank)
    entry["summary"] = ordered[0]["s"]
    entry["evidence"] = [[r["id"], r["s"]] for r in ordered[:MAX_EVIDENCE]]
    entry["sources"] = independent_sources(entry)
    entry["published"] = _published(entry)


def independent_sources(entry: Entry) -> int:
    """Outlets reporting the entry as news, wire copies not counted."""
    reps = entry.get("reports") or []
    return len({r["src"] or r["id"] for r in reps if r["news"] and not r["dup"]})


def _published(entry: Entry) -> str:
    """"" when the entry belongs on the timeline, else why not."""
    news = [r for r in entry.get("reports") or [] if r["news"]]
    if not news:
        whys = Counter(r.get("why") or "background" for r in entry.get("reports") or [])
        return f"not news: {whys.most_common(1)[0][0]}" if whys else "not news"
    if max(r["conf"] for r in news) < MIN_CONFIDENCE:
        return "low confidence"
    if entry["type"] == "acquisition" and not entry["actors"] and not entry.get("target"):
        return "no buyer and nothing bought"
    if not entry.get("organization") and _needs_organisation(entry):
        return "no organisation"
    if any(r["lead"] for r in news) or independent_sources(entry) >= MIN_SOURCES:
        return ""
    return "outside the lead, one source"


def _needs_organisation(entry: Entry) -> bool:
    """An event without an organisation is incomplete: whom was the person appointed by,
    which court sentenced them? Only an election to a public office and a death may name
    none (a case against a person names the court or prosecutor, RULES.md)."""
    return entry["type"] not in OPTIONAL_ORGANISATION


def remove_article(timeline: list[Entry], article_id: str) -> None:
    """Forget what one article reported (a correction); entries only it reported go."""
    for entry in timeline:
        if article_id in entry["article_ids"]:
            entry["article_ids"].remove(article_id)
            if "n" in entry:
                entry["n"] -= 1
        reps = entry.get("reports")
        if reps and any(r["id"] == article_id for r in reps):
            entry["reports"] = [r for r in reps if r["id"] != article_id]
            _refresh(entry)
    timeline[:] = [e for e in timeline if reports(e) > 0 and e.get("reports", True)]


def absorb(timeline: list[Entry], other: list[Entry]) -> None:
    """Fold another story's timeline into this one (a merge)."""
    for theirs in other:
        actor = theirs["actors"][0] if theirs["actors"] else None
        entry = next(
            (e for e in timeline if _matches(e, theirs["type"], actor, theirs["organization"])),
            None,
        )
        if entry is None:
            timeline.append(_copy(theirs))
            continue
        total = reports(entry) + reports(theirs)  # the two stories' articles are distinct
        ids = entry["article_ids"]
        for article_id in theirs["article_ids"]:
            if article_id not in ids and len(ids) < MAX_ARTICLES:
                ids.append(article_id)
        if total != len(ids):
            entry["n"] = total
        names = entry.setdefault("names", {})
        for name, count in (theirs.get("names") or {}).items():
            names[name] = names.get(name, 0) + count
        mine = entry.setdefault("reports", [])
        present = {r["id"] for r in mine}
        for r in theirs.get("reports") or []:
            if r["id"] not in present and len(mine) < MAX_REPORTS:
                mine.append(dict(r))
        _refresh(entry)
    _bound(timeline)


def _copy(entry: Entry) -> Entry:
    return dict(
        entry,
        actors=list(entry["actors"]),
        article_ids=list(entry["article_ids"]),
        names=dict(entry.get("names") or {}),
        reports=[dict(r) for r in entry.get("reports") or []],
    )


def _bound(timeline: list[Entry]) -> None:
    if len(timeline) > MAX_EVENTS:
        ranked = sorted(
            range(len(timeline)),
            key=lambda i: (
                bool(timeline[i].get("published")),  # published entries stay first
                -reports(timeline[i]),
                -timeline[i]["confidence"],
                i,
            ),
        )
        keep = set(ranked[:MAX_EVENTS])
        timeline[:] = [e for i, e in enumerate(timeline) if i in keep]


def _moment(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, tz=UTC)


def _event_dict(e: Entry) -> dict[str, Any]:
    return {
        "type": e["type"],
        "actors": list(e["actors"]),
        "organization": e["organization"],
        "role": e["role"],
        "occurred_at": _moment(e["occurred"]),
        "first_reported_at": _moment(e["reported"]),
        "article_ids": list(e["article_ids"]),
        "summary": e["summary"],
        "confidence": min(1.0, max(0.0, e["confidence"])),
        "evidence": [{"article_id": a, "sentence": s} for a, s in e.get("evidence") or []],
        "sources": int(e.get("sources", len(e["article_ids"]))),
        "unconfirmed": e.get("published") or None,
    }


def _ordered(timeline: list[Entry]) -> list[Entry]:
    return sorted(timeline, key=lambda e: (e["occurred"], e["reported"], e["type"], e["actors"]))


def event_dicts(timeline: list[Entry], names: Central | None = None) -> list[dict[str, Any]]:
    """The public timeline as plain data (``StoryEvent`` fields), in order of occurrence:
    the entries that belong on it (legacy entries without reports do too). With the
    story's central ``names``, only entries about one of them (``core.stories.gate``)."""
    ordered = _ordered(timeline)
    whys = off_reasons(ordered, names)
    return [_event_dict(e) for e, why in zip(ordered, whys, strict=True) if not why]


def unconfirmed_dicts(timeline: list[Entry], names: Central | None = None) -> list[dict[str, Any]]:
    """Events the story's articles mention but do not establish as news (with why)."""
    ordered = _ordered(timeline)
    whys = off_reasons(ordered, names)
    pairs = zip(ordered, whys, strict=True)
    return [_event_dict(dict(e, published=why)) for e, why in pairs if why]


def story_events(timeline: list[Entry], names: Central | None = None) -> list[StoryEvent]:
    """The public timeline, in order of occurrence."""
    return [StoryEvent.model_validate(e) for e in event_dicts(timeline, names)]
