"""``newsstream demo``: embedded broker + worker + sample articles + printed stories.

The worker runs as a child process exactly as in production (``newsstream
worker``); the demo talks to it only through Kafka topics and its HTTP port.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import orjson
from rich.console import Console

from newsstream.broker import EmbeddedBroker, free_port
from newsstream.core.pipeline import final_story_order
from newsstream.errors import NewsstreamError
from newsstream.models import StoryRecord
from newsstream.render import print_stories
from newsstream.settings import Settings
from newsstream.stream.admin import ensure_topics
from newsstream.stream.client import follow, produce_lines


def sample_lines() -> list[bytes]:
    text = resources.files("newsstream.data").joinpath("sample_articles.jsonl").read_bytes()
    return [line for line in text.splitlines() if line.strip()]


def settings_env(settings: Settings) -> dict[str, str]:
    """Environment variables that give a child worker the same settings."""
    env = {}
    for name, value in settings.model_dump(mode="json").items():
        if value is None:
            continue
        env[f"NEWSSTREAM_{name.upper()}"] = str(value)
    return env


@dataclass
class WorkerProcess:
    """A ``newsstream worker`` child process with its log file."""

    process: subprocess.Popen[bytes]
    log_path: Path
    settings: Settings

    @classmethod
    def start(cls, settings: Settings, log_path: Path) -> WorkerProcess:
        env = dict(os.environ, **settings_env(settings))
        env.setdefault("PYTHONUNBUFFERED", "1")
        with open(log_path, "ab") as log:
            proc = subprocess.Popen(
                [sys.executable, "-m", "newsstream", "worker"],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=env,
            )
        return cls(proc, log_path, settings)

    @property
    def base_url(self) -> str:
        return f"http://{self.settings.web_host}:{self.settings.web_port}"

    def get(self, path: str, timeout: float = 2.0) -> tuple[int, bytes]:
        try:
            with urllib.request.urlopen(self.base_url + path, timeout=timeout) as resp:
                return resp.status, resp.read()
        except urllib.error.HTTPError as err:
            return err.code, err.read()

    def wait_ready(self, timeout: float = 120.0) -> float:
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            if self.process.poll() is not None:
                raise NewsstreamError(
                    f"worker exited with code {self.process.returncode}; log: {self.log_path}\n"
                    + self.log_tail()
                )
            with contextlib.suppress(OSError):
                status, _ = self.get("/readyz", timeout=1.0)
                if status == 200:
                    return time.monotonic() - started
            time.sleep(0.25)
        raise NewsstreamError(
            f"worker not ready after {timeout:.0f}s; log: {self.log_path}\n" + self.log_tail()
        )

    def log_tail(self, lines: int = 30) -> str:
        with contextlib.suppress(OSError):
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        return ""

    def stop(self, timeout: float = 20.0) -> int:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=timeout)
        return self.process.returncode

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


@contextlib.contextmanager
def local_stack(
    workdir: Path, *, app_id: str = "newsstream-demo", **overrides: object
) -> Iterator[tuple[EmbeddedBroker, WorkerProcess]]:
    """Embedded broker + topics + one worker; everything is stopped on exit."""
    broker = EmbeddedBroker(log_file=workdir / "broker.log")
    broker.start()
    worker: WorkerProcess | None = None
    try:
        settings = Settings(
            broker=broker.url,
            web_port=free_port(),
            data_dir=workdir / "data",
            app_id=app_id,
            **overrides,  # type: ignore[arg-type]
        )
        asyncio.run(ensure_topics(settings))
        worker = WorkerProcess.start(settings, workdir / "worker.log")
        yield broker, worker
    finally:
        if worker is not None:
            worker.stop()
        broker.stop()


async def collect_stories(
    settings: Settings, expected_articles: set[str], timeout: float
) -> dict[str, StoryRecord]:
    """Latest record per story until every expected article sits in a live story."""
    latest: dict[str, StoryRecord] = {}
    deadline = time.monotonic() + timeout

    def placed() -> set[str]:
        return {a.id for r in latest.values() if r.status != "merged" for a in r.articles}

    def done() -> bool:
        return expected_articles <= placed() or time.monotonic() > deadline

    async for rec in follow(settings, settings.output_topic, stop=done):
        if rec.value is None:
            continue
        record = StoryRecord.model_validate_json(rec.value)
        current = latest.get(record.story_id)
        if current is None or record.version >= current.version:
            latest[record.story_id] = record
    return latest


@dataclass
class DemoResult:
    stories: list[StoryRecord]
    expected: set[str]
    metrics_status: int
    metrics_lines: list[str]

    @property
    def placed(self) -> set[str]:
        return {a.id for r in self.stories for a in r.articles}


SUMMARY_METRICS = (
    "newsstream_articles_received_total",
    "newsstream_stories_created_total",
    "newsstream_stories_updated_total",
    "newsstream_articles_duplicates_total",
    "newsstream_story_records_emitted_total",
)


def run_sample_stack(out: Console, timeout: float = 90.0) -> DemoResult:
    """Start broker and worker, produce the samples, return the live stories."""
    lines = sample_lines()
    ids = {orjson.loads(line)["id"] for line in lines}
    with (
        tempfile.TemporaryDirectory(prefix="newsstream-demo-") as tmp,
        local_stack(Path(tmp)) as (broker, worker),
    ):
        ready = worker.wait_ready()
        out.print(
            f"broker at [cyan]{broker.bootstrap}[/cyan]; worker ready in {ready:.1f}s; "
            f"metrics at [cyan]{worker.base_url}/metrics[/cyan]"
        )
        sent = asyncio.run(produce_lines(worker.settings, lines))
        out.print(f"produced {sent} sample articles to {worker.settings.input_topic}")
        stories = asyncio.run(collect_stories(worker.settings, ids, timeout))
        status, body = worker.get("/metrics")
        wanted = (
            [line for line in body.decode().splitlines() if line.startswith(SUMMARY_METRICS)]
            if status == 200
            else []
        )
        return DemoResult(final_story_order(stories.values()), ids, status, wanted)


def run_demo(console: Console | None = None, timeout: float = 90.0) -> int:
    out = console or Console()
    started = time.monotonic()
    out.print("[bold]newsstream demo[/bold]: starting the embedded broker and a worker …")
    result = run_sample_stack(out, timeout)
    print_stories(result.stories, out)
    out.print(
        f"{len(result.stories)} stories from {len(result.placed)} of {len(result.expected)} "
        f"articles; the worker served /metrics (HTTP {result.metrics_status}):"
    )
    for line in result.metrics_lines:
        out.print(f"  {line}")
    out.print(f"stopped worker and broker; demo took {time.monotonic() - started:.1f}s")
    if result.placed != result.expected:
        out.print(f"[red]missing articles: {sorted(result.expected - result.placed)}[/red]")
        return 1
    return 0
