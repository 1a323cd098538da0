"""Worker child processes: start ``newsstream worker`` (or another module) with
given settings, wait for readiness over HTTP, stop or kill it. Used by the
demo, the benchmarks and the integration tests.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from newsstream.broker import EmbeddedBroker, free_port
from newsstream.errors import NewsstreamError
from newsstream.settings import Settings
from newsstream.stream.admin import ensure_topics


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
    def start(
        cls, settings: Settings, log_path: Path, module: tuple[str, ...] = ("newsstream", "worker")
    ) -> WorkerProcess:
        """Start ``python -m <module...>`` with the settings as NEWSSTREAM_* variables."""
        env = dict(os.environ, **settings_env(settings))
        env.setdefault("PYTHONUNBUFFERED", "1")
        with open(log_path, "ab") as log:
            proc = subprocess.Popen(
                [sys.executable, "-m", *module],
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
