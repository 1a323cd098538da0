"""Shared fixtures: paths, a session-scoped broker (embedded Tansu and Apache Kafka), worker
factories.

Every test that takes ``broker`` (directly or through ``settings_factory``) runs once per
broker kind: ``[embedded]`` and ``[kafka]``. The Kafka variants need Java and the jars that
``make kafka`` fetches; without them they are skipped with the reason, unless
``NEWSSTREAM_REQUIRE_KAFKA=1`` (``.ci/run``), which turns the skip into a failure.
"""

from __future__ import annotations

import asyncio
import itertools
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from newsstream.broker import EmbeddedBroker, free_port
from newsstream.kafka_cluster import KafkaCluster, KafkaNotInstalled, kafka_libs
from newsstream.settings import Settings
from newsstream.stream.admin import ensure_topics
from newsstream.workers import WorkerProcess

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
SEEDS = ROOT.parent / "shared" / "seeds"

_apps = itertools.count(1)


BROKER_KINDS = ("embedded", "kafka")
REQUIRE_KAFKA = "NEWSSTREAM_REQUIRE_KAFKA"


def require_kafka() -> None:
    """Skip (or, with NEWSSTREAM_REQUIRE_KAFKA=1, fail) when Apache Kafka cannot run here."""
    try:
        kafka_libs()
    except KafkaNotInstalled as exc:
        if os.environ.get(REQUIRE_KAFKA) == "1":
            pytest.fail(f"Apache Kafka required ({REQUIRE_KAFKA}=1) but unavailable: {exc}")
        pytest.skip(f"Apache Kafka variant skipped: {exc}")


@pytest.fixture(scope="session", params=BROKER_KINDS)
def broker(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[EmbeddedBroker | KafkaCluster]:
    """One broker per kind for the integration tests (127.0.0.1, free ports)."""
    workdir = tmp_path_factory.mktemp(f"broker-{request.param}")
    if request.param == "embedded":
        with EmbeddedBroker(log_file=workdir / "broker.log") as running:
            yield running
        return
    require_kafka()
    # Like the embedded broker (and Kafka's default), topics a client asks for are created.
    with KafkaCluster(size=1, workdir=workdir) as cluster:
        yield cluster


@pytest.fixture
def settings_factory(
    broker: EmbeddedBroker | KafkaCluster, tmp_path: Path
) -> Callable[..., Settings]:
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
