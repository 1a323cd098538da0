"""Soak run (not part of CI): the pipeline at a steady rate for a long time.

``python -m newsstream.benchmarks.soak --minutes 30 --rate 50`` starts the
embedded broker and one worker, produces synthetic articles at ``rate`` per
second, and every minute records the worker's RSS, the story-record latency
percentiles of that minute (record CreateTime minus the causing input record's
CreateTime), the throughput and the active-story gauge. Stream time advances
about 22 s per article, so the soak's 7-day story window (``--window-hours``)
fills after ~27,000 articles (9 minutes at 50/s); memory must stay flat after
that. Results are printed as JSON lines and as a
Markdown table for docs/reliability.md.

``--broker kafka`` runs it on Apache Kafka (one KRaft node, data on disk in the
workdir) instead of the embedded broker, which keeps every record in memory. At
the end the script waits until the worker has received every article sent and
prints both counts (a shortfall is loss).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import statistics
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from newsstream.benchmarks.synthetic import iter_articles
from newsstream.broker import EmbeddedBroker, free_port
from newsstream.kafka_cluster import KafkaCluster
from newsstream.settings import Settings
from newsstream.stream.admin import ensure_topics
from newsstream.stream.handlers import TRACE_INGESTED
from newsstream.workers import WorkerProcess, local_stack


def rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status")
    if not pid or not status.exists():
        return 0.0
    for line in status.read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def scrape(text: str, name: str) -> float:
    for line in text.splitlines():
        if line.startswith(name + " "):
            return float(line.split()[1])
    return 0.0


class LatencyCollector:
    """Follows the story topic in a thread; latencies per wall-clock minute."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.samples: list[tuple[float, float]] = []
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=lambda: asyncio.run(self._run()), daemon=True)

    async def _run(self) -> None:
        consumer = AIOKafkaConsumer(
            self.settings.output_topic,
            bootstrap_servers=self.settings.bootstrap_servers,
            group_id=None,
            auto_offset_reset="earliest",
            enable_auto_commit=False,
            fetch_max_wait_ms=50,
        )
        await consumer.start()
        try:
            while not self.stop.is_set():
                batch = await consumer.getmany(timeout_ms=200)
                with self.lock:
                    for recs in batch.values():
                        for rec in recs:
                            ingested = dict(rec.headers or ()).get(TRACE_INGESTED)
                            if ingested:
                                self.samples.append(
                                    (rec.timestamp / 1000, rec.timestamp - int(ingested))
                                )
        finally:
            await consumer.stop()

    def take(self) -> list[float]:
        with self.lock:
            taken, self.samples = self.samples, []
        return sorted(lat for _, lat in taken)


async def produce_steadily(settings: Settings, rate: float, seconds: float) -> int:
    producer = AIOKafkaProducer(bootstrap_servers=settings.bootstrap_servers, linger_ms=5)
    await producer.start()
    sent = 0
    try:
        rows = iter_articles(seed=21)
        started = time.time()
        while time.time() - started < seconds:
            due = int((time.time() - started) * rate)
            while sent < due:
                row = next(rows)
                await producer.send(settings.input_topic, orjson.dumps(row), key=row["id"].encode())
                sent += 1
            await asyncio.sleep(0.01)
        await producer.flush()
    finally:
        await producer.stop()
    return sent


def percentile(values: list[float], pct: float) -> float:
    if not values:
        return 0.0
    return values[min(len(values) - 1, int(pct / 100 * len(values)))]


def tail(path: Path, lines: int = 20) -> str:
    if not path.exists():
        return "(no log)"
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


@contextlib.contextmanager
def kafka_stack(
    workdir: Path, **overrides: Any
) -> Iterator[tuple[KafkaCluster, WorkerProcess]]:
    """Apache Kafka (one node, log dirs in ``workdir/kafka``) + topics + one worker."""
    with KafkaCluster(size=1, workdir=workdir / "kafka") as cluster:
        settings = Settings(
            broker=cluster.url, web_port=free_port(), data_dir=workdir / "data", **overrides
        )
        asyncio.run(ensure_topics(settings))
        worker = WorkerProcess.start(settings, workdir / "worker.log")
        try:
            yield cluster, worker
        finally:
            worker.stop()


def _running(broker: EmbeddedBroker | KafkaCluster) -> bool:
    if isinstance(broker, KafkaCluster):
        return all(node.running for node in broker.nodes)
    return broker.running


def soak(
    minutes: float, rate: float, window_hours: float, workdir: Path, broker_kind: str = "embedded"
) -> list[dict[str, Any]]:
    """Rows of per-minute measurements; the broker and worker logs stay in ``workdir``."""
    rows: list[dict[str, Any]] = []
    workdir.mkdir(parents=True, exist_ok=True)
    stack = kafka_stack if broker_kind == "kafka" else local_stack
    with stack(
        workdir, app_id="soak", log_level="warning", story_window_hours=window_hours
    ) as (broker, worker):
        worker.wait_ready()
        collector = LatencyCollector(worker.settings)
        collector.thread.start()
        sent: list[int] = []
        producer = threading.Thread(
            target=lambda: sent.append(
                asyncio.run(produce_steadily(worker.settings, rate, minutes * 60))
            ),
            daemon=True,
        )
        producer.start()
        last = 0.0
        for minute in range(1, int(minutes) + 1):
            time.sleep(60)
            if not _running(broker) or worker.process.poll() is not None:
                print(f"stopped at minute {minute}: broker running={_running(broker)}, "
                      f"worker exit={worker.process.poll()}\n--- broker.log\n"
                      f"{tail(workdir / 'broker.log')}\n--- worker.log\n"
                      f"{tail(workdir / 'worker.log')}", flush=True)
                break
            _, body = worker.get("/metrics")
            text = body.decode()
            done = scrape(text, "newsstream_articles_consolidated_total")
            lat = collector.take()
            row = {
                "minute": minute,
                "rss_mb": round(rss_mb(worker.process.pid), 1),
                "broker_rss_mb": round(rss_mb(broker.pid or 0), 1),
                "articles_per_s": round((done - last) / 60, 1),
                "consolidated_total": int(done),
                "active_stories": int(scrape(text, "newsstream_active_stories")),
                "p50_ms": round(percentile(lat, 50), 1),
                "p99_ms": round(percentile(lat, 99), 1),
                "records": len(lat),
            }
            last = done
            rows.append(row)
            print(orjson.dumps(row).decode(), flush=True)
        producer.join(timeout=30)
        collector.stop.set()
        if sent:
            print(orjson.dumps({"sent": sent[0], "received": wait_received(worker, sent[0])})
                  .decode(), flush=True)  # fmt: skip
    return rows


def wait_received(worker: WorkerProcess, sent: int, timeout: float = 120.0) -> int:
    """``newsstream_articles_received_total`` once it reaches ``sent`` (or the timeout)."""
    deadline = time.monotonic() + timeout
    received = 0.0
    while time.monotonic() < deadline:
        _, body = worker.get("/metrics")
        received = scrape(body.decode(), "newsstream_articles_received_total")
        if received >= sent:
            break
        time.sleep(1.0)
    return int(received)


def markdown(rows: list[dict[str, Any]]) -> str:
    head = (
        "| minute | worker RSS MB | broker RSS MB | articles/s | active stories | p50 ms | "
        "p99 ms |\n|---|---|---|---|---|---|---|"
    )
    body = [
        f"| {r['minute']} | {r['rss_mb']} | {r['broker_rss_mb']} | {r['articles_per_s']} | "
        f"{r['active_stories']} | {r['p50_ms']} | {r['p99_ms']} |"
        for r in rows
    ]
    return "\n".join([head, *body])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=30)
    parser.add_argument("--rate", type=float, default=50)
    parser.add_argument(
        "--window-hours",
        type=float,
        default=168,
        help="story window (stream time); 168 h fills after ~27,000 articles",
    )
    parser.add_argument(
        "--workdir",
        type=Path,
        default=None,
        help="where the broker and worker logs go (kept; default: a new temporary folder)",
    )
    parser.add_argument("--broker", choices=("embedded", "kafka"), default="embedded")
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="newsstream-soak-"))
    print(f"logs in {workdir}", flush=True)
    rows = soak(args.minutes, args.rate, args.window_hours, workdir, args.broker)
    print(markdown(rows))
    if rows:
        half = rows[len(rows) // 2 :]
        print(
            f"\nRSS in the second half: median {statistics.median(r['rss_mb'] for r in half)} MB,"
            f" max {max(r['rss_mb'] for r in half)} MB"
        )


if __name__ == "__main__":
    main()
