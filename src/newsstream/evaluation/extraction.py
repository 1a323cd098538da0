"""Entity and event extraction measured against labelled paragraphs.

Input: JSON Lines, one labelled paragraph per line::

    {"id", "language", "published_at", "title", "text",
     "entities": [{"name", "type"}], "events": [{"type", "actors", "organization", "role"}]}

Every paragraph goes through ``newsstream.core.extraction.extract`` exactly as the worker
would run it (the language is detected, not taken from the label).

* **Entities** match on canonical name (case-insensitive) and type. Only the types that
  the gold file labels are scored (a MISC prediction is not an error when the gold set
  has no MISC labels).
* **Events** match when the types are equal, the actor sets intersect (or both are
  empty), and the organisation is equal when the gold event names one (case-insensitive).
  Each gold event matches at most one predicted event (maximum bipartite matching).

Precision, recall and F1 are reported per type and language plus micro averages.
Run ``python -m newsstream.evaluation.extraction tests/data/extraction/gold.jsonl``;
add ``--speed`` (and ``--corpus FILE`` for more paragraphs) to measure throughput with
``benchmark_extraction``.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import sys
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from newsstream.core.entities.merge import analyze_entities, document_text
from newsstream.core.events.finder import analyze_events
from newsstream.core.extracted import Event
from newsstream.core.extraction import extract, warm_up
from newsstream.core.text.fingerprints import fingerprint
from newsstream.core.text.language import detect_language
from newsstream.core.text.sentences import segment
from newsstream.models import Article
from newsstream.progress import Tracker, tracked

MICRO = "micro"


class Counts:
    """True positives, false positives and false negatives of one cell."""

    __slots__ = ("fn", "fp", "tp")

    def __init__(self) -> None:
        self.tp = 0
        self.fp = 0
        self.fn = 0

    def add(self, other: Counts) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    def as_dict(self) -> dict[str, float | int]:
        precision = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        recall = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return {
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "precision": round(precision, 4),
            "recall": round(recall, 4),
            "f1": round(f1, 4),
        }


Table = dict[str, dict[str, Counts]]


def load_rows(path: str | Path) -> list[dict[str, Any]]:
    with Path(path).open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _article(row: dict[str, Any]) -> Article:
    return Article(
        id=row["id"],
        title=row["title"],
        body=row.get("text", ""),
        published_at=datetime.fromisoformat(row["published_at"]),
    )


def _event_matches(gold: dict[str, Any], predicted: Event) -> bool:
    if gold["type"] != predicted.type:
        return False
    gold_actors = {a.lower() for a in gold.get("actors") or ()}
    actors = {a.lower() for a in predicted.actors}
    if (gold_actors or actors) and not gold_actors & actors:
        return False
    organization = gold.get("organization")
    return not organization or (predicted.organization or "").lower() == organization.lower()


def match_events(gold: Sequence[dict[str, Any]], predicted: Sequence[Event]) -> dict[int, int]:
    """Maximum matching gold index -> predicted index (Kuhn's augmenting paths)."""
    options = [[j for j, p in enumerate(predicted) if _event_matches(g, p)] for g in gold]
    owner: dict[int, int] = {}

    def augment(i: int, seen: set[int]) -> bool:
        for j in options[i]:
            if j in seen:
                continue
            seen.add(j)
            if j not in owner or augment(owner[j], seen):
                owner[j] = i
                return True
        return False

    for i in range(len(gold)):
        augment(i, set())
    return {i: j for j, i in owner.items()}


def _score_entities(
    row: dict[str, Any], predicted: Iterable[Any], scored: set[str], table: Table
) -> None:
    cells = table[row["language"]]
    gold = {(e["name"].lower(), e["type"]) for e in row.get("entities", ())}
    found = {(e.name.lower(), e.type) for e in predicted if e.type in scored}
    for name_type in gold | found:
        cell = cells.setdefault(name_type[1], Counts())
        if name_type in gold and name_type in found:
            cell.tp += 1
        elif name_type in found:
            cell.fp += 1
        else:
            cell.fn += 1


def _score_events(row: dict[str, Any], predicted: Sequence[Event], table: Table) -> None:
    cells = table[row["language"]]
    gold = row.get("events", [])
    matched = match_events(gold, predicted)
    used = set(matched.values())
    for i, event in enumerate(gold):
        cell = cells.setdefault(event["type"], Counts())
        if i in matched:
            cell.tp += 1
        else:
            cell.fn += 1
    for j, event in enumerate(predicted):
        if j not in used:
            cells.setdefault(event.type, Counts()).fp += 1


def _summarise(table: Table) -> dict[str, Any]:
    by_language: dict[str, Any] = {}
    overall: dict[str, Counts] = defaultdict(Counts)
    for language, cells in sorted(table.items()):
        micro = Counts()
        section: dict[str, Any] = {}
        for kind, counts in sorted(cells.items()):
            section[kind] = counts.as_dict()
            micro.add(counts)
            overall[kind].add(counts)
        section[MICRO] = micro.as_dict()
        by_language[language] = section
    total = Counts()
    all_types: dict[str, Any] = {}
    for kind, counts in sorted(overall.items()):
        all_types[kind] = counts.as_dict()
        total.add(counts)
    all_types[MICRO] = total.as_dict()
    return {"by_language": by_language, "all": all_types}


def evaluate_extraction(path: str | Path, tracker: Tracker | None = None) -> dict[str, Any]:
    """Entity and event precision / recall / F1 of ``extract`` on a gold JSONL file."""
    rows = load_rows(path)
    if tracker is not None:
        tracker.start(len(rows))
    scored = {e["type"] for row in rows for e in row.get("entities", ())}
    entities: Table = defaultdict(dict)
    events: Table = defaultdict(dict)
    languages_right = 0
    errors: list[dict[str, Any]] = []
    for row in tracked(rows, tracker):
        extraction = extract(_article(row))
        languages_right += extraction.language == row["language"]
        _score_entities(row, extraction.entities, scored, entities)
        _score_events(row, extraction.events, events)
        errors.extend(_row_errors(row, extraction.entities, extraction.events, scored))
    return {
        "path": str(path),
        "articles": len(rows),
        "language_accuracy": round(languages_right / len(rows), 4) if rows else 0.0,
        "entity_types": sorted(scored),
        "entities": _summarise(entities),
        "events": _summarise(events),
        "errors": errors,
    }


def _row_errors(
    row: dict[str, Any], entities: Iterable[Any], events: Sequence[Event], scored: set[str]
) -> list[dict[str, Any]]:
    gold = {(e["name"].lower(), e["type"]) for e in row.get("entities", ())}
    found = {(e.name.lower(), e.type) for e in entities if e.type in scored}
    matched = match_events(row.get("events", []), events)
    missed = [g for i, g in enumerate(row.get("events", [])) if i not in matched]
    extra = [e.to_dict() for j, e in enumerate(events) if j not in set(matched.values())]
    if not (gold ^ found or missed or extra):
        return []
    return [
        {
            "id": row["id"],
            "entities_missed": sorted(gold - found),
            "entities_extra": sorted(found - gold),
            "events_missed": missed,
            "events_extra": [{k: e[k] for k in ("type", "actors", "organization")} for e in extra],
        }
    ]


def _rows(section: dict[str, Any], label: str) -> list[str]:
    lines = []
    for kind, cell in section.items():
        name = "micro avg" if kind == MICRO else kind
        lines.append(
            f"  {label:<4} {name:<12} {cell['precision']:>6.3f} {cell['recall']:>6.3f} "
            f"{cell['f1']:>6.3f} {cell['tp']:>5} {cell['fp']:>5} {cell['fn']:>5}"
        )
    return lines


def render_extraction_report(report: dict[str, Any]) -> str:
    """A plain-text table of the report of ``evaluate_extraction``."""
    header = f"  {'lang':<4} {'type':<12} {'P':>6} {'R':>6} {'F1':>6} {'tp':>5} {'fp':>5} {'fn':>5}"
    lines = [
        f"Extraction quality on {report['path']} ({report['articles']} paragraphs)",
        f"Language identification accuracy: {report['language_accuracy']:.3f}",
        "",
        "Entities (canonical name, case-insensitive, and type)",
        header,
    ]
    for language, section in report["entities"]["by_language"].items():
        lines.extend(_rows(section, language))
    lines.extend(_rows(report["entities"]["all"], "all"))
    lines.extend(["", "Events (type; actors intersect; organisation when labelled)", header])
    for language, section in report["events"]["by_language"].items():
        lines.extend(_rows(section, language))
    lines.extend(_rows(report["events"]["all"], "all"))
    return "\n".join(lines)


def _paragraphs(paths: Sequence[str | Path]) -> dict[str, list[dict[str, str]]]:
    by_language: dict[str, list[dict[str, str]]] = defaultdict(list)
    for path in paths:
        for row in load_rows(path):
            text = row.get("body") or row.get("text") or ""
            if text and row.get("language"):
                by_language[row["language"]].append({"title": row["title"], "text": text})
    return by_language


def benchmark_articles(
    paths: Sequence[str | Path], *, per_language: int = 150, target_bytes: int = 3000, seed: int = 7
) -> list[Article]:
    """Distinct ~``target_bytes`` articles built from labelled paragraphs (no language set)."""
    rng = random.Random(seed)
    articles = []
    published = datetime.fromisoformat("2024-03-04T09:00:00+00:00")
    for language, paragraphs in sorted(_paragraphs(paths).items()):
        for n in range(per_language):
            picked = rng.sample(paragraphs, len(paragraphs))
            body, used = "", 0
            while len(body.encode()) < target_bytes:
                body += picked[used % len(picked)]["text"] + "\n"
                used += 1
            title = picked[0]["title"]
            articles.append(
                Article(id=f"{language}-{n}", title=title, body=body, published_at=published)
            )
    return articles


def _best_seconds(articles: Sequence[Article], work: Any, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        for article in articles:
            work(article)
        best = min(best, (time.process_time() - start) / len(articles))
    return best


def _stages(articles: Sequence[Article], repeat: int) -> dict[str, float]:
    """Per-stage milliseconds per article (each stage timed on its own)."""
    texts = {a.id: document_text(a.title, a.body) for a in articles}
    languages = {a.id: detect_language(texts[a.id]) for a in articles}
    segmented = {a.id: segment(texts[a.id]) for a in articles}
    analysed = {a.id: analyze_entities(segmented[a.id], languages[a.id]) for a in articles}
    work = {
        "language": lambda a: detect_language(texts[a.id]),
        "segmentation": lambda a: segment(texts[a.id]),
        "entities": lambda a: analyze_entities(segmented[a.id], languages[a.id]),
        "events": lambda a: analyze_events(
            segmented[a.id],
            analysed[a.id].mentions,
            analysed[a.id].entities,
            languages[a.id],
            a.published_at,
        ),
        "fingerprint": lambda a: fingerprint(a.title, a.body),
    }
    return {name: round(_best_seconds(articles, f, repeat) * 1000, 3) for name, f in work.items()}


def _calibration() -> float:
    """CPU seconds of a plain 10-million-step Python loop (compare machines with it)."""
    start = time.process_time()
    total = 0
    for i in range(10_000_000):
        total += i
    return round(time.process_time() - start, 3)


def benchmark_extraction(
    paths: Sequence[str | Path], *, per_language: int = 150, repeat: int = 3
) -> dict[str, Any]:
    """Single-core throughput of ``extract`` (language id, entities, events, fingerprint).

    CPU time (``time.process_time``) of the best of ``repeat`` passes over distinct ~3 KB
    articles, after loading the lexicons and a warm-up pass.
    """
    articles = benchmark_articles(paths, per_language=per_language)
    warm_up()
    for article in articles[:20]:
        extract(article)
    seconds = _best_seconds(articles, extract, repeat)
    sizes = [len(f"{a.title}\n{a.body}".encode()) for a in articles]
    return {
        "articles": len(articles),
        "mean_bytes": round(sum(sizes) / len(sizes)),
        "ms_per_article": round(seconds * 1000, 3),
        "articles_per_second": round(1 / seconds),
        "stages_ms": _stages(articles, repeat),
        "calibration_loop_seconds": _calibration(),
        "python": platform.python_version(),
        "method": f"process_time, best of {repeat} passes, one core, language not declared",
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m newsstream.evaluation.extraction",
        description="Entity and event P/R/F1 of the extractor on a labelled JSONL file.",
    )
    parser.add_argument("path", type=Path, help="gold JSONL file")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--errors", action="store_true", help="also list per-paragraph errors")
    parser.add_argument("--speed", action="store_true", help="measure articles per second")
    parser.add_argument(
        "--corpus", type=Path, action="append", default=[], help="more paragraphs for --speed"
    )
    args = parser.parse_args(argv)
    if args.speed:
        print(json.dumps(benchmark_extraction([args.path, *args.corpus]), indent=2))
        return 0
    report = evaluate_extraction(args.path)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return 0
    print(render_extraction_report(report))
    if args.errors:
        for error in report["errors"]:
            print(json.dumps(error, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
