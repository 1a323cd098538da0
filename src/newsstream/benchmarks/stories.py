"""The story engine alone at 1k, 10k and 100k active stories.

Method (docs/benchmarks.md, "Story engine"): for each size N a fresh engine on
a ``DictStore`` is pre-filled with N stories (one opening article each,
published within two days so that none ages out). Then ``probe`` new articles
per size are timed one ``process`` call at a time: half of them follow up a
random existing story (its names, other words, another signature), half open
new stories. The sizes are probed interleaved, a small chunk at a time, so
that load from elsewhere on the machine hits all of them alike. Extractions
are built directly (no extractor): the numbers are the consolidation core's
own (evidence, candidate lookup, scoring, state update, record building).
Every article also names one of a few dozen "hub" places and organisations,
so posting lists fill up to their caps as in real news.

Reported per N: median and 95th-percentile microseconds per article, the
JSON size of the state per story (what a changelog-backed table holds), and
the resident-memory growth per story during the pre-fill.

Two more measurements, untimed where they count: the store writes per article
(each one a changelog record in the worker) and their JSON bytes, by decision,
on a separate 1k-story engine; and one story fed ``--big`` articles (long ids,
URLs and titles, ten names each): cost per article, writes per article, and the
JSON size of its state and record as it grows.

    python -m newsstream.benchmarks.stories [--active 1000,10000,100000] [--probe 2000]
        [--big 5000]
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import random
import statistics
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson

from newsstream.core.extracted import Entity, Event, Extraction, Fingerprint
from newsstream.core.ports import DictStore
from newsstream.core.stories.engine import EngineConfig, StoryEngine
from newsstream.models import Article

START = datetime(2024, 3, 1, tzinfo=UTC)
_SYLLABLES = (
    "ka vo ren tal mir dos bel zun fra gor lis mek tor pan vel sud rha qui bor nel tes "
    "wam lor dri cas fen hul jor kip ser"
).split()
_HUBS = ("Hamburg", "Berlin", "Munich", "Vienna", "Zurich", "Brussels", "Paris", "London",
         "Frankfurt", "Cologne", "Leipzig", "Dresden", "Bremen", "Hanover", "Stuttgart",
         "Siemens", "Airbus", "Bundestag", "Europe", "Germany")  # fmt: skip
_WORDS = (
    "talks deal board shares plant workers court ruling price market growth "
    "profit union strike vote coalition budget energy bank rate flood storm"
).split()


@dataclass(frozen=True, slots=True)
class Case:
    article: Article
    extraction: Extraction


def _name(rng: random.Random, parts: int = 3) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(parts)).capitalize()


def _signature(rng: random.Random) -> tuple[int, ...]:
    return tuple(rng.getrandbits(32) for _ in range(64))


class Synthetic:
    """Deterministic synthetic stories and articles (fast: no extractor)."""

    def __init__(self, seed: int = 7) -> None:
        self.rng = random.Random(seed)
        self.stories: list[tuple[str, str, str]] = []  # (org, person, place) per story
        self.names: set[str] = set()
        self.count = 0

    def _unique(self, parts: int) -> str:
        while True:  # names never repeat across stories: unrelated stories share only hubs
            name = _name(self.rng, parts)
            if name not in self.names:
                self.names.add(name)
                return name

    def new_story(self) -> tuple[str, str, str]:
        cast = (
            f"{self._unique(4)} {self._unique(4)}",
            f"{self._unique(4)} {self._unique(4)}",
            self._unique(4),
        )
        self.stories.append(cast)
        return cast

    def article(self, cast: tuple[str, str, str], when: datetime) -> Case:
        rng = self.rng
        self.count += 1
        org, person, place = cast
        hub = rng.choice(_HUBS)
        words = rng.sample(_WORDS, 6)
        figure = rng.randint(1_000, 99_999)
        title = f"{org} and {person}: {words[0]} {words[1]} in {place}"
        body = (
            f"On Monday {org} said that {person} would lead the {words[2]} in {place}. "
            f"Officials in {hub} expected {figure} {words[3]} by the end of the year. "
            f"The {words[4]} and the {words[5]} were discussed with {person}."
        )
        article = Article(
            id=f"b-{self.count:07d}",
            title=title,
            body=body,
            published_at=when,
            source=rng.choice(("Wire A", "Paper B", "Blatt C")),
            language="en",
        )
        entities = (
            Entity(org, "ORG", (), 2, 0, 1.0),
            Entity(person, "PERSON", (), 3, 10, 1.0),
            Entity(place, "LOC", (), 2, 40, 0.6),
            Entity(hub, "LOC", (), 1, 120, 0.2),
        )
        events = (Event("appointment", (person,), org, "CEO", when, 0.6, body[:80]),)
        keywords = {w: round(1.0 + rng.random(), 3) for w in words}
        fingerprint = Fingerprint(minhash=_signature(rng), keywords=keywords)
        extraction = Extraction("en", entities, events, fingerprint, body.split(". ")[0] + ".")
        return Case(article, extraction)


def _rss_bytes() -> int:
    try:
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:  # not Linux: no RSS figure
        return 0


def _state_bytes(store: DictStore) -> int:
    return sum(len(k) + len(orjson.dumps(v)) for k, v in store.data.items())


@dataclass
class Bench:
    """One engine pre-filled with ``active`` stories, and its probe articles."""

    active: int
    engine: StoryEngine
    cases: list[Case]
    prefill_s: float
    rss_bytes: int
    timings: list[float]
    decisions: dict[str, int]


def prepare(active: int, probe: int, seed: int = 7) -> Bench:
    """Pre-fill ``active`` stories; build ``probe`` articles (half follow-ups, half new)."""
    synthetic = Synthetic(seed)
    engine = StoryEngine(DictStore(), EngineConfig(window=timedelta(days=30)))
    spread = timedelta(days=2) / max(1, active)
    gc.collect()
    rss_before = _rss_bytes()
    started = time.perf_counter()
    for i in range(active):
        case = synthetic.article(synthetic.new_story(), START + spread * i)
        engine.process(case.article, case.extraction)
    prefill_s = time.perf_counter() - started
    gc.collect()
    rss = _rss_bytes() - rss_before
    prefilled = list(synthetic.stories)
    rng = random.Random(seed + 1)
    when = START + timedelta(days=2, hours=1)
    cases = []
    for i in range(probe):
        cast = rng.choice(prefilled) if i % 2 == 0 else synthetic.new_story()
        cases.append(synthetic.article(cast, when + timedelta(seconds=i)))
    return Bench(active, engine, cases, prefill_s, rss, [], {})


def run_chunk(bench: Bench, start: int, size: int) -> None:
    for case in bench.cases[start : start + size]:
        t0 = time.perf_counter_ns()
        outcome = bench.engine.process(case.article, case.extraction)
        bench.timings.append((time.perf_counter_ns() - t0) / 1_000)
        bench.decisions[outcome.decision] = bench.decisions.get(outcome.decision, 0) + 1


class WriteLog(DictStore):
    """A ``DictStore`` that counts writes (set or delete: one changelog record each in
    the worker) and their JSON bytes (key and value), per ``mark`` period."""

    def __init__(self) -> None:
        super().__init__()
        self.counting = False
        self.writes = 0
        self.bytes = 0

    def set(self, key: str, value: Any) -> None:
        if self.counting:
            self.writes += 1
            self.bytes += len(key) + len(orjson.dumps(value))
        super().set(key, value)

    def delete(self, key: str) -> None:
        if self.counting:
            self.writes += 1
            self.bytes += len(key)
        super().delete(key)


def write_profile(active: int = 1_000, probe: int = 1_000, seed: int = 7) -> dict[str, Any]:
    """Store writes and their JSON bytes per article, by decision (untimed)."""
    synthetic = Synthetic(seed)
    store = WriteLog()
    engine = StoryEngine(store, EngineConfig(window=timedelta(days=30)))
    spread = timedelta(days=2) / max(1, active)
    for i in range(active):
        case = synthetic.article(synthetic.new_story(), START + spread * i)
        engine.process(case.article, case.extraction)
    prefilled = list(synthetic.stories)
    rng = random.Random(seed + 1)
    when = START + timedelta(days=2, hours=1)
    per: dict[str, list[tuple[int, int]]] = {}
    store.counting = True
    for i in range(probe):
        cast = rng.choice(prefilled) if i % 2 == 0 else synthetic.new_story()
        case = synthetic.article(cast, when + timedelta(seconds=i))
        writes, written = store.writes, store.bytes
        outcome = engine.process(case.article, case.extraction)
        per.setdefault(outcome.decision, []).append((store.writes - writes, store.bytes - written))
    return {
        decision: {
            "articles": len(rows),
            "writes_per_article": round(statistics.fmean(w for w, _ in rows), 2),
            "bytes_per_article": round(statistics.fmean(b for _, b in rows)),
        }
        for decision, rows in sorted(per.items())
    }


def big_story_case(rng: random.Random, n: int, cast: tuple[str, str, str]) -> Case:
    """Report ``n`` on one long-running story: a UUID id, a long URL and title, ten names."""
    org, person, place = cast
    article_id = str(uuid.UUID(int=rng.getrandbits(128)))
    when = START + timedelta(minutes=5 * n)
    words = rng.sample(_WORDS, 6)
    body = (
        f"{person} of {org} said on Monday that the {words[0]} in {place} would stay shut. "
        f"Update {n}: {rng.randint(1_000, 99_999)} {words[1]} are affected."
    )
    article = Article(
        id=article_id,
        title=f"{org}: {person} on the {words[0]} in {place} — live updates, part {n}",
        body=body,
        published_at=when,
        source=f"Outlet {n % 40}",
        language="en",
        url=f"https://news.example.com/europe/2024/03/{article_id}/{org.lower().replace(' ', '-')}",
    )
    witnesses = tuple(
        Entity(f"{_name(rng)} {_name(rng)}", "PERSON", (), 1, 200 + i, 0.2) for i in range(7)
    )
    entities = (
        Entity(org, "ORG", (), 3, 0, 1.0),
        Entity(person, "PERSON", (), 2, 10, 0.9),
        Entity(place, "LOC", (), 2, 30, 0.6),
        *witnesses,
    )
    events = (Event("resignation", (person,), org, "CEO", when, 0.6, body[:120]),)
    keywords = {w: round(1.0 + rng.random(), 3) for w in words}
    fingerprint = Fingerprint(minhash=_signature(rng), keywords=keywords)
    return Case(article, Extraction("en", entities, events, fingerprint, body.split(". ")[0] + "."))


def bench_big_story(articles: int = 5_000, seed: int = 3) -> dict[str, Any]:
    """One story fed ``articles`` reports: per-article cost and the size of its state
    and record (JSON) at a few sizes; writes and bytes per follow-up at the end."""
    rng = random.Random(seed)
    cast = Synthetic(seed).new_story()
    store = WriteLog()
    engine = StoryEngine(store, EngineConfig(window=timedelta(days=60)))
    marks = sorted(
        {m for m in (100, 300, 1_000, 2_000, 5_000, 10_000) if m < articles} | {articles}
    )
    timings: list[float] = []
    rows = []
    counted: list[tuple[int, int]] = []
    for n in range(articles):
        case = big_story_case(rng, n, cast)
        store.counting = n >= articles - 200
        writes, written = store.writes, store.bytes
        t0 = time.perf_counter_ns()
        outcome = engine.process(case.article, case.extraction)
        timings.append((time.perf_counter_ns() - t0) / 1_000)
        if store.counting:
            counted.append((store.writes - writes, store.bytes - written))
        if n + 1 in marks:
            record = outcome.records[-1]
            state = store.get(f"s:{record.story_id}")
            rows.append(
                {
                    "articles": n + 1,
                    "median_us": round(statistics.median(timings[-100:]), 1),
                    "state_kb": round(len(orjson.dumps(state)) / 1000, 1),
                    "record_kb": round(len(record.model_dump_json()) / 1000, 1),
                    "record_articles": len(record.articles),
                }
            )
    return {
        "articles": articles,
        "rows": rows,
        "writes_per_article": round(statistics.fmean(w for w, _ in counted), 2),
        "bytes_per_article": round(statistics.fmean(b for _, b in counted)),
    }


def summary(bench: Bench) -> dict[str, Any]:
    timings = sorted(bench.timings)
    store = bench.engine.store
    assert isinstance(store, DictStore)
    return {
        "active": bench.active,
        "active_after": bench.engine.active_story_count(),
        "median_us": round(statistics.median(timings), 1),
        "p95_us": round(timings[int(0.95 * (len(timings) - 1))], 1),
        "mean_us": round(statistics.fmean(timings), 1),
        "decisions": dict(sorted(bench.decisions.items())),
        "state_bytes_per_story": round(_state_bytes(store) / bench.engine.active_story_count()),
        "rss_bytes_per_story": round(bench.rss_bytes / bench.active),
        "prefill_s": round(bench.prefill_s, 2),
    }


def bench_story_engine(
    active: tuple[int, ...] = (1_000, 10_000, 100_000),
    probe: int = 2_000,
    chunk: int = 50,
    big: int = 5_000,
) -> dict[str, Any]:
    """Per-article cost of the story engine at each number of active stories.

    The probe articles of all sizes are processed interleaved, ``chunk`` at a
    time, so that a burst of load from elsewhere on the machine hits every size
    alike instead of skewing one of them.
    """
    warm = Synthetic(99)
    case = warm.article(warm.new_story(), START)
    StoryEngine(DictStore()).process(case.article, case.extraction)  # load the word lists
    benches = [prepare(n, probe) for n in active]
    for start in range(0, probe, chunk):
        for bench in benches:
            run_chunk(bench, start, chunk)
    results = [summary(b) for b in benches]
    by_size = {r["active"]: r for r in results}
    smallest, largest = min(by_size), max(by_size)
    return {
        "probe": probe,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}",
        "results": results,
        "ratio_largest_smallest": round(
            by_size[largest]["median_us"] / by_size[smallest]["median_us"], 3
        ),
        "sizes": [smallest, largest],
        "writes": write_profile(),
        "big_story": bench_big_story(big) if big else None,
    }


def render(report: dict[str, Any]) -> str:
    lines = [
        f"story engine, {report['probe']} probe articles per size ({report['machine']})",
        f"{'active':>8} {'median µs':>10} {'p95 µs':>8} {'state B/story':>14} "
        f"{'RSS B/story':>12} {'prefill s':>10}",
    ]
    for r in report["results"]:
        lines.append(
            f"{r['active']:>8} {r['median_us']:>10} {r['p95_us']:>8} "
            f"{r['state_bytes_per_story']:>14} {r['rss_bytes_per_story']:>12} "
            f"{r['prefill_s']:>10}"
        )
    small, large = report["sizes"]
    lines.append(f"median at {large} / median at {small}: {report['ratio_largest_smallest']}")
    lines.append("store writes per article (each a changelog record), by decision:")
    for decision, row in report["writes"].items():
        lines.append(
            f"  {decision:>15} {row['writes_per_article']:>6} writes "
            f"{row['bytes_per_article']:>7} B  ({row['articles']} articles)"
        )
    big = report.get("big_story")
    if big:
        lines.append(f"one story of {big['articles']} articles:")
        lines.append(f"  {'articles':>8} {'median µs':>10} {'state KB':>9} {'record KB':>10} "
                     f"{'listed':>7}")  # fmt: skip
        for row in big["rows"]:
            lines.append(
                f"  {row['articles']:>8} {row['median_us']:>10} {row['state_kb']:>9} "
                f"{row['record_kb']:>10} {row['record_articles']:>7}"
            )
        lines.append(
            f"  follow-ups at the end: {big['writes_per_article']} writes, "
            f"{big['bytes_per_article']} B per article"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--active", default="1000,10000,100000")
    parser.add_argument("--probe", type=int, default=2_000)
    parser.add_argument("--big", type=int, default=5_000, help="articles of one story (0: skip)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    sizes = tuple(int(x) for x in args.active.split(","))
    report = bench_story_engine(sizes, args.probe, big=args.big)
    if args.json:
        print(orjson.dumps(report, option=orjson.OPT_INDENT_2).decode())
    else:
        print(render(report))


if __name__ == "__main__":
    main()
