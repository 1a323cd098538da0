"""Story grouping quality on a labelled article stream (``newsstream evaluate FILE``).

Each input row is an Article plus a gold ``story`` label (and optionally a
``case`` tag: update, syndicated, correction, redelivery, confusable, crosslang,
resumed). The file is replayed through ``core.pipeline.replay`` — the same core
the worker runs — and each distinct article id is compared once, by the live
(non-merged) story that holds it at the end, with its gold label:

- **B-cubed** precision / recall / F1: per article, the share of its predicted
  story that is in its gold story (precision) and of its gold story that is in
  its predicted story (recall), averaged over articles;
- **pairwise** precision / recall / F1 over pairs of articles put together;
- per-case checks: syndicated copies flagged ``duplicate_of`` a member of their
  story, re-deliveries re-emitted without a new version, corrections counted
  once, updates and cross-language reports with the rest of their story,
  confusable and resumed stories kept apart;
- the stories that were split or mixed, with their article ids.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from itertools import combinations
from pathlib import Path
from typing import Any

import orjson

from newsstream.core.pipeline import replay
from newsstream.core.stories.engine import EngineConfig, Outcome
from newsstream.models import Article, StoryRecord
from newsstream.progress import Tracker, tracked

KEPT_APART = ("confusable", "resumed")
WITH_STORY = ("update", "crosslang", "plain")


def load_labelled(path: Path) -> list[tuple[Article, str, str]]:
    """(article, gold story, case) per non-empty row, in file order."""
    rows = []
    for line in path.read_bytes().splitlines():
        if not line.strip():
            continue
        data = orjson.loads(line)
        story = str(data.pop("story"))
        case = str(data.pop("case", None) or "plain")
        rows.append((Article.model_validate(data), story, case))
    return rows


def _f1(precision: float, recall: float) -> float:
    return 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)


def _scores(precision: float, recall: float) -> dict[str, float]:
    return {
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(_f1(precision, recall), 4),
    }


def bcubed(predicted: dict[str, str], gold: dict[str, str]) -> dict[str, float]:
    """B-cubed P/R/F1 of a clustering (item → cluster) against gold (item → label)."""
    by_pred: dict[str, set[str]] = defaultdict(set)
    by_gold: dict[str, set[str]] = defaultdict(set)
    for item in gold:
        by_pred[predicted[item]].add(item)
        by_gold[gold[item]].add(item)
    if not gold:
        return _scores(0.0, 0.0)
    precision = recall = 0.0
    for item in gold:
        cluster, truth = by_pred[predicted[item]], by_gold[gold[item]]
        common = len(cluster & truth)
        precision += common / len(cluster)
        recall += common / len(truth)
    return _scores(precision / len(gold), recall / len(gold))


def pairwise(predicted: dict[str, str], gold: dict[str, str]) -> dict[str, float]:
    """Pairwise P/R/F1: pairs put together vs pairs that belong together."""
    together = same = both = 0
    for a, b in combinations(sorted(gold), 2):
        p = predicted[a] == predicted[b]
        g = gold[a] == gold[b]
        together += p
        same += g
        both += p and g
    precision = both / together if together else 1.0
    recall = both / same if same else 1.0
    return _scores(precision, recall)


def _placement(records: Iterable[StoryRecord]) -> tuple[dict[str, str], dict[str, StoryRecord]]:
    """article id → live story id (first one if, wrongly, several hold it)."""
    where: dict[str, str] = {}
    live = {r.story_id: r for r in records if r.status != "merged"}
    for sid in sorted(live):
        for ref in live[sid].articles:
            where.setdefault(ref.id, sid)
    return where, live


def _home_clusters(predicted: dict[str, str], gold: dict[str, str]) -> dict[str, str]:
    """gold label → the predicted story holding most of its articles."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for item, label in gold.items():
        counts[label][predicted[item]] += 1
    return {label: min(c, key=lambda sid: (-c[sid], sid)) for label, c in counts.items()}


def _case_checks(
    rows: list[tuple[Article, str, str]],
    outcomes: list[Outcome],
    predicted: dict[str, str],
    gold: dict[str, str],
    live: dict[str, StoryRecord],
) -> dict[str, dict[str, Any]]:
    home = _home_clusters(predicted, gold)
    members: dict[str, set[str]] = defaultdict(set)
    for item, sid in predicted.items():
        members[sid].add(item)
    versions: dict[str, int] = {}
    checks: dict[str, dict[str, Any]] = {}
    for (article, label, case), outcome in zip(rows, outcomes, strict=True):
        ok, why = _check(article, label, case, outcome, predicted, gold, live, home, members,
                         versions)  # fmt: skip
        for record in outcome.records:
            versions[record.story_id] = record.version
        entry = checks.setdefault(case, {"rows": 0, "ok": 0, "failures": []})
        entry["rows"] += 1
        if ok:
            entry["ok"] += 1
        else:
            entry["failures"].append({"id": article.id, "story": label, "why": why})
    return checks


def _check(
    article: Article,
    label: str,
    case: str,
    outcome: Outcome,
    predicted: dict[str, str],
    gold: dict[str, str],
    live: dict[str, StoryRecord],
    home: dict[str, str],
    members: dict[str, set[str]],
    versions: dict[str, int],
) -> tuple[bool, str]:
    sid = predicted.get(article.id)
    if sid is None:
        return False, "in no live story"
    if case == "syndicated":
        ref = next(r for r in live[sid].articles if r.id == article.id)
        if ref.duplicate_of is None:
            return False, "not flagged duplicate_of"
        if gold.get(ref.duplicate_of) != label:
            return False, f"flagged as copy of {ref.duplicate_of}, another story"
        return True, f"flagged duplicate_of {ref.duplicate_of}"
    if case == "redelivery":
        bumped = [r.story_id for r in outcome.records if r.version != versions.get(r.story_id)]
        if outcome.decision != "redelivery" or bumped:
            return False, f"decision {outcome.decision}, new versions for {bumped}"
        return True, "re-emitted, same version"
    if case == "correction":
        count = sum(1 for r in live.values() for a in r.articles if a.id == article.id)
        if outcome.decision != "correction" or count != 1:
            return False, f"decision {outcome.decision}, in {count} live stories"
        if sid != home[label]:
            return False, "corrected article left its story"
        return True, "replaced, counted once"
    if case in KEPT_APART:
        intruders = sorted(i for i in members[sid] if gold[i] != label)
        return (not intruders, f"shares its story with {intruders}" if intruders else "apart")
    if sid != home[label]:
        return False, f"split from its story (in {sid}, story mostly in {home[label]})"
    return True, "with its story"


def _errors(predicted: dict[str, str], gold: dict[str, str]) -> dict[str, list[dict[str, Any]]]:
    by_gold: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    by_pred: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for item in sorted(gold):
        by_gold[gold[item]][predicted[item]].append(item)
        by_pred[predicted[item]][gold[item]].append(item)
    split = [
        {"story": label, "parts": {sid: ids for sid, ids in sorted(parts.items())}}
        for label, parts in sorted(by_gold.items())
        if len(parts) > 1
    ]
    mixed = [
        {"story_id": sid, "labels": {label: ids for label, ids in sorted(parts.items())}}
        for sid, parts in sorted(by_pred.items())
        if len(parts) > 1
    ]
    return {"split": split, "mixed": mixed}


def evaluate_stories(
    path: Path,
    config: EngineConfig | None = None,
    tracker: Tracker | None = None,
) -> dict[str, Any]:
    """Replay a labelled stream and measure the story grouping (see module doc)."""
    config = config or EngineConfig()
    rows = load_labelled(path)
    if tracker is not None:
        tracker.start(len(rows))
    final, outcomes = replay(tracked((article for article, _, _ in rows), tracker), config)
    predicted_all, live = _placement(final.values())
    gold: dict[str, str] = {}
    for article, label, _ in rows:
        gold[article.id] = label
    unplaced = sorted(i for i in gold if i not in predicted_all)
    # an unplaced article counts as a story of its own (so it costs recall, not a crash)
    predicted = {i: predicted_all.get(i, f"unplaced:{i}") for i in gold}
    held = Counter(a.id for r in live.values() for a in r.articles)
    return {
        "file": str(path),
        "window_hours": config.window.total_seconds() / 3600,
        "rows": len(rows),
        "articles": len(gold),
        "gold_stories": len(set(gold.values())),
        "predicted_stories": len(live),
        "merged_stories": sum(1 for r in final.values() if r.status == "merged"),
        "bcubed": bcubed(predicted, gold),
        "pairwise": pairwise(predicted, gold),
        "decisions": dict(sorted(Counter(o.decision for o in outcomes).items())),
        "unplaced": unplaced,
        "held_twice": sorted(i for i, n in held.items() if n > 1),
        "cases": _case_checks(rows, outcomes, predicted, gold, live),
        "errors": _errors(predicted, gold),
    }


def render_story_report(report: dict[str, Any]) -> str:
    """A readable summary of ``evaluate_stories``' report."""
    b, p = report["bcubed"], report["pairwise"]
    lines = [
        f"Story grouping on {report['file']}",
        f"  {report['rows']} rows, {report['articles']} articles; "
        f"{report['gold_stories']} gold stories, {report['predicted_stories']} predicted "
        f"({report['merged_stories']} merged away); window {report['window_hours']:.0f} h",
        f"  B-cubed   P {b['precision']:.3f}  R {b['recall']:.3f}  F1 {b['f1']:.3f}",
        f"  pairwise  P {p['precision']:.3f}  R {p['recall']:.3f}  F1 {p['f1']:.3f}",
        "  decisions: " + ", ".join(f"{k} {v}" for k, v in report["decisions"].items()),
        "  cases:",
    ]
    for case, entry in sorted(report["cases"].items()):
        lines.append(f"    {case:<11} {entry['ok']}/{entry['rows']} ok")
        lines.extend(
            f"      ✗ {f['id']} ({f['story']}): {f['why']}" for f in entry["failures"][:10]
        )
    if report["unplaced"] or report["held_twice"]:
        lines.append(f"  unplaced: {report['unplaced']}  held twice: {report['held_twice']}")
    for split in report["errors"]["split"]:
        parts = "; ".join(f"{sid}: {', '.join(ids)}" for sid, ids in split["parts"].items())
        lines.append(f"  split  {split['story']}: {parts}")
    for mixed in report["errors"]["mixed"]:
        labels = "; ".join(f"{label}: {', '.join(ids)}" for label, ids in mixed["labels"].items())
        lines.append(f"  mixed  {mixed['story_id']}: {labels}")
    return "\n".join(lines)
