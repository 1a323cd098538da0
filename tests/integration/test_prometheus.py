"""A real Prometheus (Debian's ``prometheus`` package) scrapes a worker: the rate of
received articles read through its HTTP API is above zero while articles flow."""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import orjson
import pytest
import yaml

from newsstream.benchmarks.synthetic import generate_articles
from newsstream.broker import free_port
from newsstream.settings import Settings
from newsstream.stream.client import produce_lines
from newsstream.workers import WorkerProcess

pytestmark = [pytest.mark.integration, pytest.mark.timeout(240)]

PROMETHEUS = shutil.which("prometheus")
QUERY = "rate(newsstream_articles_received_total[1m])"


@pytest.fixture
def prometheus(tmp_path: Path) -> Iterator[Callable[[int], str]]:
    """Start Prometheus scraping 127.0.0.1:<port> every second; yields its base URL."""
    if PROMETHEUS is None:
        pytest.skip("prometheus not installed (apt-get install prometheus)")
    started: list[subprocess.Popen[bytes]] = []

    def start(target_port: int) -> str:
        config = {
            "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
            "scrape_configs": [
                {
                    "job_name": "newsstream",
                    "static_configs": [{"targets": [f"127.0.0.1:{target_port}"]}],
                }
            ],
        }
        (tmp_path / "prometheus.yml").write_text(yaml.safe_dump(config))
        port = free_port()
        cmd = [
            str(PROMETHEUS),
            f"--config.file={tmp_path / 'prometheus.yml'}",
            f"--storage.tsdb.path={tmp_path / 'tsdb'}",
            f"--web.listen-address=127.0.0.1:{port}",
        ]
        with open(tmp_path / "prometheus.log", "ab") as log:
            started.append(
                subprocess.Popen(
                    cmd,
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
        return f"http://127.0.0.1:{port}"

    yield start
    for proc in started:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=20)


def instant_query(base: str, query: str) -> list[dict[str, object]]:
    url = f"{base}/api/v1/query?" + urllib.parse.urlencode({"query": query})
    with urllib.request.urlopen(url, timeout=5) as resp:
        body = json.loads(resp.read())
    assert body["status"] == "success", body
    return list(body["data"]["result"])


def test_prometheus_reads_a_rate_of_received_articles_above_zero(
    prometheus: Callable[[int], str],
    settings_factory: Callable[..., Settings],
    worker_factory: Callable[[Settings], WorkerProcess],
) -> None:
    settings = settings_factory()
    worker = worker_factory(settings)
    worker.wait_ready(timeout=120)
    base = prometheus(settings.web_port)
    rows = [orjson.dumps(r) for r in generate_articles(400, seed=3, size=600)]
    rate = 0.0
    deadline = time.monotonic() + 120
    sent = 0
    while time.monotonic() < deadline and rate <= 0:
        if sent < len(rows):  # a steady trickle, so that the rate has samples to span
            asyncio.run(produce_lines(settings, rows[sent : sent + 20]))
            sent += 20
        time.sleep(1.0)
        try:
            result = instant_query(base, QUERY)
        except OSError:
            continue  # Prometheus still starting
        rate = sum(float(r["value"][1]) for r in result)  # type: ignore[index]
    assert rate > 0, f"{QUERY} stayed at {rate}; targets: {instant_query(base, 'up')}"
    assert instant_query(base, 'up{job="newsstream"}')[0]["value"][1] == "1"  # type: ignore[index]
