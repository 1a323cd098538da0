"""Story timelines against gold timelines (``newsstream evaluate --timeline FILE``).

The labelled stream ``FILE`` (``NAME.jsonl``, rules in ``tests/data/streams/RULES.md``)
has its gold timelines beside it in ``NAME.timelines.jsonl``: per story, the events
its articles report as news, each with one main actor, the organisation, the date.
The stream is replayed through ``core.pipeline.replay`` (the worker's core), and
every live story record is compared with the gold story that holds most of its
articles:

- an emitted event is **true** when a gold event of that story has the same type,
  the same main actor (the emitted event's only actor: an event naming two people
  is a *blended* event and counts as false), the same organisation when the gold
  event names one, and a date within one day (``occurred_at``);
- each gold event is matched at most once; gold events of a story that no emitted
  story stands for, and those no emitted event matched, are **missing**.

Precision is true / emitted, recall matched / gold, over all stories; also per event
type and per language (an event belongs to the languages of the articles that report
it). The report lists every false event (with why: no such event, wrong date, wrong
organisation, blended actors) and every missing one.
"""

from __future__ import annotations

import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import orjson

from newsstream.core.pipeline import replay
from newsstream.core.stories.engine import EngineConfig
from newsstream.evaluation.stories import load_labelled
from newsstream.models import StoryEvent, StoryRecord
from newsstream.progress import Tracker, tracked

DATE_SLACK_DAYS = 1


@dataclass(frozen=True, slots=True)
class GoldEvent:
    story: str
    type: str
    actor: str | None
    organization: str | None
    day: date
    articles: tuple[str, ...]


def timelines_path(stream: Path) -> Path:
    """``NAME.jsonl`` → ``NAME.timelines.jsonl``."""
    return stream.with_name(stream.name.removesuffix(".jsonl") + ".timelines.jsonl")


def load_gold(path: Path) -> list[GoldEvent]:
    events = []
    for line in path.read_bytes().splitlines():
        if not line.strip():
            continue
        row = orjson.loads(line)
        events.append(
            GoldEvent(
                story=row["story"],
                type=row["type"],
                actor=row.get("actor"),
                organization=row.get("organization"),
                day=date.fromisoformat(row["date"]),
                articles=tuple(row.get("articles") or ()),
            )
        )
    return events


def _fold(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.replace("ß", "ss").replace("-", " ").split())


def same_name(emitted: str, gold: str) -> bool:
    """Equal after folding case and accents, or one is the other's last words
    ("Altman" for "Sam Altman"; an organisation with or without its legal form)."""
    a, b = _fold(emitted).split(), _fold(gold).split()
    if not a or not b:
        return False
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    return long_[-len(short) :] == short or long_[: len(short)] == short


def _why_not(event: StoryEvent, gold: GoldEvent) -> str | None:
    """None when ``event`` is ``gold``; else the first thing that differs."""
    if event.type != gold.type:
        return "type"
    actors = event.actors
    if gold.actor is None:
        if actors:
            return "actor"
    elif not actors or not same_name(actors[0], gold.actor):
        return "actor"
    if len(actors) > 1:
        return "blended"
    if gold.organization and not (
        event.organization and same_name(event.organization, gold.organization)
    ):
        return "organisation"
    if abs((event.occurred_at.date() - gold.day).days) > DATE_SLACK_DAYS:
        return "date"
    return None


def _story_of(record: StoryRecord, gold_of: dict[str, str]) -> str | None:
    labels = Counter(gold_of[a.id] for a in record.articles if a.id in gold_of)
    return labels.most_common(1)[0][0] if labels else None


def _languages(ids: tuple[str, ...] | list[str], language_of: dict[str, str]) -> set[str]:
    return {language_of[i] for i in ids if i in language_of}


def _event_row(story: str, event: StoryEvent, why: str) -> dict[str, Any]:
    return {
        "story": story,
        "type": event.type,
        "actors": event.actors,
        "organization": event.organization,
        "date": event.occurred_at.date().isoformat(),
        "articles": event.article_ids[:6],
        "why": why,
    }


def _gold_row(event: GoldEvent) -> dict[str, Any]:
    return {
        "story": event.story,
        "type": event.type,
        "actor": event.actor,
        "organization": event.organization,
        "date": event.day.isoformat(),
        "articles": list(event.articles[:6]),
    }


class _Tally:
    """True / emitted / matched / gold counts under one key (all, a type, a language)."""

    def __init__(self) -> None:
        self.counts: dict[str, Counter[str]] = defaultdict(Counter)

    def emitted(self, keys: set[str], true: bool) -> None:
        for key in keys:
            self.counts[key]["emitted"] += 1
            self.counts[key]["true"] += int(true)

    def gold(self, keys: set[str], matched: bool) -> None:
        for key in keys:
            self.counts[key]["gold"] += 1
            self.counts[key]["matched"] += int(matched)

    def scores(self) -> dict[str, dict[str, float | int]]:
        out: dict[str, dict[str, float | int]] = {}
        for key, c in sorted(self.counts.items()):
            p = c["true"] / c["emitted"] if c["emitted"] else 0.0
            r = c["matched"] / c["gold"] if c["gold"] else 0.0
            f1 = 0.0 if p + r == 0 else 2 * p * r / (p + r)
            out[key] = {
                "precision": round(p, 4),
                "recall": round(r, 4),
                "f1": round(f1, 4),
                "emitted": c["emitted"],
                "true": c["true"],
                "gold": c["gold"],
                "matched": c["matched"],
            }
        return out


def evaluate_timelines(
    path: Path,
    gold_path: Path | None = None,
    config: EngineConfig | None = None,
    tracker: Tracker | None = None,
) -> dict[str, Any]:
    """Replay a labelled stream and score its story timelines (see module doc)."""
    rows = load_labelled(path)
    if tracker is not None:
        tracker.start(len(rows))
    gold_events = load_gold(gold_path or timelines_path(path))
    gold_of = {article.id: label for article, label, _ in rows}
    language_of = {article.id: article.language or "" for article, _, _ in rows}
    articles = tracked((article for article, _, _ in rows), tracker)
    final, _ = replay(articles, config or EngineConfig())
    live = [r for r in final.values() if r.status != "merged"]
    by_story: dict[str, list[GoldEvent]] = defaultdict(list)
    for event in gold_events:
        by_story[event.story].append(event)
    matched: set[int] = set()  # ids of matched gold events
    tally = _Tally()
    false: list[dict[str, Any]] = []
    for record in sorted(live, key=lambda r: r.story_id):
        label = _story_of(record, gold_of)
        candidates = by_story.get(label or "", [])
        for event in record.events:
            why = "no such event"
            hit: GoldEvent | None = None
            for gold in candidates:
                if id(gold) in matched:
                    continue
                reason = _why_not(event, gold)
                if reason is None:
                    hit = gold
                    break
                if reason != "type" and (why == "no such event" or reason == "date"):
                    why = reason  # the nearest miss says what went wrong
            keys = {"all", f"type:{event.type}"}
            keys |= {f"lang:{lang}" for lang in _languages(event.article_ids, language_of)}
            tally.emitted(keys, hit is not None)
            if hit is None:
                false.append(_event_row(label or "?", event, why))
            else:
                matched.add(id(hit))
    missing = []
    for gold in gold_events:
        keys = {"all", f"type:{gold.type}"}
        keys |= {f"lang:{lang}" for lang in _languages(gold.articles, language_of)}
        tally.gold(keys, id(gold) in matched)
        if id(gold) not in matched:
            missing.append(_gold_row(gold))
    scores = tally.scores()
    return {
        "file": str(path),
        "stories": len(by_story),
        "gold_events": len(gold_events),
        "emitted_events": scores.get("all", {}).get("emitted", 0),
        "scores": scores,
        "false_by_kind": dict(Counter(f["why"] for f in false).most_common()),
        "false": false,
        "missing": missing,
    }


def render_timeline_report(report: dict[str, Any], *, errors: bool = True) -> str:
    scores = report["scores"]
    lines = [
        f"Story timelines on {report['file']}",
        f"  {report['gold_events']} gold events in {report['stories']} stories; "
        f"{report['emitted_events']} emitted",
        "  key              P      R      F1   emitted true gold matched",
    ]
    for key, s in scores.items():
        lines.append(
            f"  {key:<15} {s['precision']:.3f}  {s['recall']:.3f}  {s['f1']:.3f}"
            f"  {s['emitted']:>6} {s['true']:>4} {s['gold']:>4} {s['matched']:>7}"
        )
    kinds = ", ".join(f"{k} {n}" for k, n in report["false_by_kind"].items())
    lines.append(f"  false events by kind: {kinds or 'none'}")
    if errors:
        for f in report["false"]:
            lines.append(
                f"  ✗ false   {f['story']}: {f['type']} {f['actors']} @ {f['organization']} "
                f"{f['date']} ({f['why']}; {', '.join(f['articles'])})"
            )
        for m in report["missing"]:
            lines.append(
                f"  ✗ missing {m['story']}: {m['type']} {m['actor']} @ {m['organization']} "
                f"{m['date']} ({', '.join(m['articles'])})"
            )
    return "\n".join(lines)

