"""Commands meet a missing broker or topic: one line, exit 69 / 66 / 73; the worker waits."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsstream.broker import EmbeddedBroker, free_port
from newsstream.cli import app
from newsstream.settings import Settings
from newsstream.stream.admin import ensure_topics
from newsstream.workers import WorkerProcess

pytestmark = [pytest.mark.integration, pytest.mark.timeout(180)]

SAMPLE = Path(__file__).resolve().parents[2] / "src/newsstream/data/sample_articles.jsonl"
ARTICLE = b'{"id": "a1", "title": "Hello", "published_at": "2023-11-17T21:00:00+01:00"}\n'


def run_cli(args: list[str], env: dict[str, str], timeout: float = 60) -> tuple[int, str, float]:
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "newsstream", *args],
        env={**os.environ, **env},
        capture_output=True,
        timeout=timeout,
        check=False,
    )
    return proc.returncode, proc.stderr.decode(), time.monotonic() - started


@pytest.mark.parametrize(
    ("name", "command"),
    [
        ("produce", ["produce", "{file}"]),
        ("stories", ["stories"]),
        ("dlq inspect", ["dlq", "inspect"]),
    ],
)
def test_a_one_shot_command_without_broker_says_so_and_exits_69(
    name: str, command: list[str], tmp_path: Path
) -> None:
    file = tmp_path / "articles.jsonl"
    file.write_bytes(ARTICLE)
    args = [a.replace("{file}", str(file)) for a in command]
    env = {"NEWSSTREAM_BROKER": f"kafka://127.0.0.1:{free_port()}"}  # nothing listens there
    code, stderr, took = run_cli([*args, "--timeout", "2"], env)
    assert code == 69, stderr
    lines = stderr.strip().splitlines()
    assert "does not answer; waiting up to 2 s" in lines[0]
    assert lines[-1].startswith(f"newsstream {name}: cannot reach the broker at 127.0.0.1:")
    assert len(lines) == 2, stderr  # no aiokafka retries, no "Unclosed AIOKafka..." noise
    assert "Traceback" not in stderr and "Unclosed" not in stderr
    assert took < 45  # was ~73 s before; generous for a loaded machine


def test_the_worker_waits_for_its_broker_and_starts_when_it_answers(tmp_path: Path) -> None:
    port = free_port()
    settings = Settings(
        broker=f"kafka://127.0.0.1:{port}",
        app_id="waits-for-broker",
        web_port=free_port(),
        data_dir=tmp_path / "data",
    )
    worker = WorkerProcess.start(settings, tmp_path / "worker.log")
    broker = EmbeddedBroker(port=port, log_file=tmp_path / "broker.log")
    try:
        deadline = time.monotonic() + 60
        while "waiting until it answers" not in worker.log_tail() and time.monotonic() < deadline:
            assert worker.process.poll() is None, worker.log_tail()
            time.sleep(0.2)
        assert "waiting until it answers" in worker.log_tail()
        time.sleep(3)
        assert worker.process.poll() is None, "the worker must keep waiting"
        broker.start()
        worker.wait_ready(timeout=120)
        assert "answered after" in worker.log_tail(200)
    finally:
        worker.stop()
        broker.stop()


@pytest.fixture
def env_for(monkeypatch: pytest.MonkeyPatch) -> Callable[[Settings], None]:
    def apply(settings: Settings) -> None:
        monkeypatch.setenv("NEWSSTREAM_BROKER", settings.broker)
        monkeypatch.setenv("NEWSSTREAM_INPUT_TOPIC", settings.input_topic)
        monkeypatch.setenv("NEWSSTREAM_OUTPUT_TOPIC", settings.output_topic)
        monkeypatch.setenv("NEWSSTREAM_DLQ_TOPIC", settings.dlq_topic)

    return apply


def test_unknown_topics_are_named_with_exit_66_to_read_and_73_to_write(
    settings_factory: Callable[..., Settings],
    env_for: Callable[[Settings], None],
    tmp_path: Path,
) -> None:
    settings = settings_factory()  # its topics were never created
    env_for(settings)
    file = tmp_path / "articles.jsonl"
    file.write_bytes(ARTICLE)
    runner = CliRunner()

    produced = runner.invoke(app, ["produce", str(file), "--timeout", "10"])
    assert produced.exit_code == 73, produced.output
    assert produced.output.strip() == (
        f"newsstream produce: topic {settings.input_topic!r} does not exist on the broker; "
        "cannot write to it (start a worker once to create its topics, or check the topic name)"
    )
    read = runner.invoke(app, ["stories", "--timeout", "10"])
    assert read.exit_code == 66, read.output
    assert f"newsstream stories: topic {settings.output_topic!r} does not exist" in read.output


def test_produce_reports_progress_and_the_count(
    settings_factory: Callable[..., Settings],
    env_for: Callable[[Settings], None],
    tmp_path: Path,
) -> None:
    settings = settings_factory()
    asyncio.run(ensure_topics(settings))
    env_for(settings)
    file = tmp_path / "articles.jsonl"
    file.write_bytes(SAMPLE.read_bytes())
    count = sum(1 for line in file.read_bytes().splitlines() if line.strip())
    result = CliRunner().invoke(app, ["produce", str(file)])
    assert result.exit_code == 0, result.output
    assert f"produce: {count}/{count} records" in result.stderr
    assert f"sent {count} records to {settings.input_topic}" in result.stderr
    quiet = CliRunner().invoke(app, ["produce", str(file), "--quiet"])
    assert quiet.exit_code == 0, quiet.output
    assert "produce:" not in quiet.stderr
