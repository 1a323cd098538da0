"""The broker goes away for a while: the worker reports it, waits, and resumes."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest

from newsstream.broker import EmbeddedBroker, free_port
from newsstream.demo import collect_stories
from newsstream.settings import Settings
from newsstream.stream.admin import ensure_topics
from newsstream.stream.client import produce_lines
from newsstream.workers import WorkerProcess
from tests.integration.proxy import TcpProxy

pytestmark = [pytest.mark.integration, pytest.mark.timeout(300)]


def article(id_: str, title: str) -> bytes:
    return orjson.dumps(
        {
            "id": id_,
            "title": title,
            "body": f"{title}. More to follow.",
            "published_at": "2023-11-20T09:00:00+00:00",
            "source": "Wire",
        }
    )


@pytest.fixture
def proxied(tmp_path: Path) -> Iterator[tuple[EmbeddedBroker, TcpProxy]]:
    """A broker that advertises a proxy port: every client connection goes through it."""
    proxy_port = free_port()
    with EmbeddedBroker(advertised_port=proxy_port, log_file=tmp_path / "broker.log") as broker:
        proxy = TcpProxy(proxy_port, broker.port).start()
        try:
            yield broker, proxy
        finally:
            proxy.stop()


def metric(worker: WorkerProcess, name: str) -> float | None:
    try:
        _status, body = worker.get("/metrics", timeout=2)
    except OSError:
        return None
    for line in body.decode().splitlines():
        if line.startswith(name + " "):
            return float(line.split()[1])
    return None


def wait_for(predicate, timeout: float) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.5)
    return False


def test_worker_survives_a_broker_outage(
    proxied: tuple[EmbeddedBroker, TcpProxy], tmp_path: Path
) -> None:
    _broker, proxy = proxied
    settings = Settings(
        broker=f"kafka://127.0.0.1:{proxy.listen_port}",
        app_id="outage",
        web_port=free_port(),
        data_dir=tmp_path / "data",
        broker_probe_interval_s=1.0,
    )
    asyncio.run(ensure_topics(settings))
    worker = WorkerProcess.start(settings, tmp_path / "worker.log")
    try:
        worker.wait_ready(timeout=120)
        asyncio.run(produce_lines(settings, [article("before", "Before the outage")]))
        assert asyncio.run(collect_stories(settings, {"before"}, timeout=60))

        proxy.cut()
        assert wait_for(lambda: metric(worker, "newsstream_broker_up") == 0.0, 30)
        time.sleep(8)  # stay away for a while
        assert worker.process.poll() is None, "the worker must wait, not die"
        errors = metric(worker, 'newsstream_broker_errors_total{operation="probe"}')
        assert errors is not None and errors >= 2

        proxy.restore()
        assert wait_for(lambda: metric(worker, "newsstream_broker_up") == 1.0, 30)
        asyncio.run(produce_lines(settings, [article("after", "After the outage")]))
        stories = asyncio.run(collect_stories(settings, {"before", "after"}, timeout=120))
        placed = {a.id for r in stories.values() for a in r.articles}
        assert {"before", "after"} <= placed
        log = (tmp_path / "worker.log").read_text()
        assert "broker unreachable" in log and "broker reachable again" in log
    finally:
        worker.stop()
