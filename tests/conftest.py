"""Shared fixtures: paths, a session-scoped embedded broker, worker factories."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from newsstream.broker import EmbeddedBroker, free_port
from newsstream.settings import Settings
from newsstream.stream.admin import ensure_topics
from newsstream.workers import WorkerProcess

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
SEEDS = ROOT.parent / "shared" / "seeds"

_apps = itertools.count(1)


@pytest.fixture(scope="session")
def broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedBroker]:
    """One embedded broker for the integration tests (127.0.0.1, a free port)."""
    log = tmp_path_factory.mktemp("broker") / "broker.log"
    with EmbeddedBroker(log_file=log) as running:
        yield running


@pytest.fixture
def settings_factory(broker: EmbeddedBroker, tmp_path: Path) -> Callable[..., Settings]:
    """Settings with unique topic names and app id, so tests never share state."""

    def make(**overrides: object) -> Settings:
        n = next(_apps)
        prefix = f"t{n}-{tmp_path.name[-12:]}"
        values: dict[str, object] = {
            "broker": broker.url,
            "app_id": f"newsstream-{prefix}",
            "input_topic": f"{prefix}.articles",
            "output_topic": f"{prefix}.stories",
            "dlq_topic": f"{prefix}.articles.dlq",
            "cluster_topic": f"{prefix}.articles.extracted",
            "web_port": free_port(),
            "data_dir": tmp_path / f"data-{n}",
        }
        values.update(overrides)
        return Settings(**values)  # type: ignore[arg-type]

    return make


@pytest.fixture
def worker_factory(tmp_path: Path) -> Iterator[Callable[[Settings], WorkerProcess]]:
    """Start ``newsstream worker`` child processes; all are stopped after the test."""
    started: list[WorkerProcess] = []

    def start(settings: Settings) -> WorkerProcess:
        asyncio.run(ensure_topics(settings))
        worker = WorkerProcess.start(settings, tmp_path / f"worker-{len(started)}.log")
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop(timeout=15)
