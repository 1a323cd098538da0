"""Apache Kafka (KRaft) on 127.0.0.1 for the integration tests, benchmarks and soak.

No Docker: Kafka's own jars come from Maven Central through the pinned manifest
``deploy/kafka/pom.xml`` (``make kafka`` copies them into
``.newsstream/kafka-<version>/libs``). ``KafkaCluster`` formats KRaft storage and
starts one combined controller+broker, or several (each node is both, so a
3-node cluster keeps its controller quorum with one node killed), on free ports;
it waits until every broker is registered and answers, and stops the nodes
cleanly (SIGTERM, then SIGKILL). Nothing is downloaded at run time: when the jars
are missing, ``KafkaNotInstalled`` says how to fetch them.

The embedded Tansu broker (``newsstream.broker``) stays the default for the demo
and for machines without Java.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from base64 import urlsafe_b64encode
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from newsstream.broker import _die_with_parent, free_port, kafka_api_versions_ok
from newsstream.errors import BrokerError

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[2]
MANIFEST = ROOT / "deploy" / "kafka" / "pom.xml"
KAFKA_VERSION = "4.4.0"  # equals <kafka.version> in MANIFEST (tests/unit/test_deploy.py)
HOME_ENV = "NEWSSTREAM_KAFKA_HOME"  # a folder with libs/ (overrides the cache folder)

_LOG4J2 = """\
<?xml version="1.0" encoding="UTF-8"?>
<Configuration status="warn">
  <Appenders>
    <Console name="out" target="SYSTEM_OUT">
      <PatternLayout pattern="[%d] %p %m (%c{1})%n"/>
    </Console>
  </Appenders>
  <Loggers>
    <Logger name="kafka" level="info"/>
    <Logger name="org.apache.kafka" level="warn"/>
    <Logger name="kafka.request.logger" level="warn"/>
    <Root level="warn"><AppenderRef ref="out"/></Root>
  </Loggers>
</Configuration>
"""


class KafkaNotInstalled(BrokerError):
    """Java, Maven or the fetched Kafka jars are missing."""


def manifest_version(manifest: Path = MANIFEST) -> str:
    """``<kafka.version>`` of the Maven manifest."""
    match = re.search(r"<kafka\.version>([^<]+)</kafka\.version>", manifest.read_text())
    if match is None:
        raise KafkaNotInstalled(f"no <kafka.version> in {manifest}")
    return match.group(1).strip()


def kafka_home(version: str = KAFKA_VERSION) -> Path:
    """Where the jars of ``version`` live (``$NEWSSTREAM_KAFKA_HOME`` or the cache)."""
    configured = os.environ.get(HOME_ENV)
    return Path(configured) if configured else ROOT / ".newsstream" / f"kafka-{version}"


def kafka_libs(version: str = KAFKA_VERSION) -> Path:
    """The libs folder holding ``kafka_2.13-<version>.jar``, or ``KafkaNotInstalled``."""
    libs = kafka_home(version) / "libs"
    if not (libs / f"kafka_2.13-{version}.jar").is_file():
        raise KafkaNotInstalled(
            f"Apache Kafka {version} jars are not in {libs}: run `make kafka` "
            "(needs Maven and Maven Central)"
        )
    if shutil.which("java") is None:
        raise KafkaNotInstalled("Apache Kafka needs Java 17+: `java` is not on PATH")
    return libs


def missing_tools() -> list[str]:
    """The programs among java and mvn that are not on PATH."""
    return [tool for tool in ("java", "mvn") if shutil.which(tool) is None]


def fetch_kafka(version: str = KAFKA_VERSION, *, quiet: bool = True) -> Path:
    """Copy the pinned Kafka jars from Maven Central into the cache (``make kafka``)."""
    if manifest_version() != version:
        raise KafkaNotInstalled(f"{MANIFEST} pins {manifest_version()}, not {version}")
    missing = missing_tools()
    if missing:
        raise KafkaNotInstalled(f"fetching Apache Kafka needs {' and '.join(missing)}")
    libs = kafka_home(version) / "libs"
    if (libs / f"kafka_2.13-{version}.jar").is_file():
        return libs
    staging = libs.with_name("libs.partial")
    shutil.rmtree(staging, ignore_errors=True)
    cmd = ["mvn", "-B", "-f", str(MANIFEST), "dependency:copy-dependencies",
           f"-DoutputDirectory={staging}", "-DincludeScope=runtime"]  # fmt: skip
    if quiet:
        cmd.insert(1, "-q")
    done = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True)
    if done.returncode != 0:
        raise KafkaNotInstalled(f"mvn failed ({done.returncode}):\n{done.stdout[-3000:]}")
    staging.rename(libs)  # complete or absent: an interrupted fetch leaves no half folder
    return libs


@dataclass
class KafkaNode:
    """One combined controller+broker process."""

    node_id: int
    port: int
    controller_port: int
    data_dir: Path
    process: subprocess.Popen[bytes] | None = None
    log_path: Path | None = None

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process is not None else None

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None


@dataclass
class KafkaCluster:
    """``size`` KRaft nodes on 127.0.0.1; use as a context manager.

    ``config`` adds or overrides broker properties (e.g. ``log.segment.bytes``).
    Internal topics get replication ``min(3, size)`` and ``min.insync.replicas``
    ``min(2, size)``, so a 3-node cluster survives one lost node.
    """

    size: int = 1
    workdir: Path | None = None
    config: dict[str, str] = field(default_factory=dict)
    heap_mb: int = 512
    start_timeout: float = 120.0
    host: str = "127.0.0.1"
    version: str = KAFKA_VERSION
    nodes: list[KafkaNode] = field(default_factory=list, init=False)
    _tmp: tempfile.TemporaryDirectory[str] | None = field(default=None, init=False)

    @property
    def bootstrap(self) -> str:
        return ",".join(f"{self.host}:{n.port}" for n in self.nodes)

    @property
    def url(self) -> str:
        """Faust-style URL(s), e.g. ``kafka://127.0.0.1:9092;kafka://127.0.0.1:9093``."""
        return ";".join(f"kafka://{self.host}:{n.port}" for n in self.nodes)

    @property
    def pid(self) -> int | None:
        return self.nodes[0].pid if self.nodes else None

    # --- lifecycle ------------------------------------------------------------------

    def start(self) -> KafkaCluster:
        libs = kafka_libs(self.version)
        if self.workdir is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="newsstream-kafka-")
            self.workdir = Path(self._tmp.name)
        self.workdir.mkdir(parents=True, exist_ok=True)
        (self.workdir / "log4j2.xml").write_text(_LOG4J2)
        self.nodes = [
            KafkaNode(i, free_port(self.host), free_port(self.host), self.workdir / f"node-{i}")
            for i in range(1, self.size + 1)
        ]
        cluster_id = urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        try:
            for node in self.nodes:
                self._format(libs, node, cluster_id)
            for node in self.nodes:
                self._launch(libs, node)
            self.wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def _properties(self, node: KafkaNode) -> dict[str, str]:
        voters = ",".join(f"{n.node_id}@{self.host}:{n.controller_port}" for n in self.nodes)
        replicas, isr = str(min(3, self.size)), str(min(2, self.size))
        props = {
            "process.roles": "broker,controller",
            "node.id": str(node.node_id),
            "controller.quorum.voters": voters,
            "listeners": f"PLAINTEXT://{self.host}:{node.port},"
            f"CONTROLLER://{self.host}:{node.controller_port}",
            "advertised.listeners": f"PLAINTEXT://{self.host}:{node.port}",
            "controller.listener.names": "CONTROLLER",
            "listener.security.protocol.map": "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
            "inter.broker.listener.name": "PLAINTEXT",
            "log.dirs": str(node.data_dir / "data"),
            "num.partitions": "1",
            "default.replication.factor": replicas,
            "min.insync.replicas": isr,
            "offsets.topic.replication.factor": replicas,
            "offsets.topic.num.partitions": "10",
            "transaction.state.log.replication.factor": replicas,
            "transaction.state.log.min.isr": isr,
            "transaction.state.log.num.partitions": "10",
            "group.initial.rebalance.delay.ms": "0",
            "log.cleaner.backoff.ms": "1000",
            "num.network.threads": "2",
            "num.io.threads": "4",
        }
        props.update(self.config)
        return props

    def _format(self, libs: Path, node: KafkaNode, cluster_id: str) -> None:
        node.data_dir.mkdir(parents=True, exist_ok=True)
        props = node.data_dir / "server.properties"
        props.write_text("".join(f"{k}={v}\n" for k, v in self._properties(node).items()))
        cmd = [*self._java(libs, 256), "kafka.tools.StorageTool", "format",
               f"--cluster-id={cluster_id}", "-c", str(props), "--ignore-formatted"]  # fmt: skip
        done = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True)
        if done.returncode != 0:
            raise BrokerError(f"kafka storage format failed for node {node.node_id}: "
                              f"{done.stdout[-2000:]}{done.stderr[-2000:]}")  # fmt: skip

    def _java(self, libs: Path, heap_mb: int) -> list[str]:
        assert self.workdir is not None
        return ["java", f"-Xmx{heap_mb}m", f"-Xms{min(heap_mb, 128)}m", "-XX:+UseG1GC",
                "-Djava.awt.headless=true",
                f"-Dlog4j2.configurationFile={self.workdir / 'log4j2.xml'}",
                "-cp", f"{libs}/*"]  # fmt: skip

    def _launch(self, libs: Path, node: KafkaNode) -> None:
        node.log_path = node.data_dir / "kafka.log"
        props = node.data_dir / "server.properties"
        with open(node.log_path, "ab") as out:
            node.process = subprocess.Popen(
                [*self._java(libs, self.heap_mb), "kafka.Kafka", str(props)],
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
            )
        log.info("started kafka node %d (pid %d) on %s:%d", node.node_id, node.process.pid,
                 self.host, node.port)  # fmt: skip

    def wait_ready(self, timeout: float | None = None) -> None:
        """Until every running node answers and the cluster lists them all."""
        deadline = time.monotonic() + (timeout or self.start_timeout)
        expected = {n.node_id for n in self.nodes if n.running}
        while time.monotonic() < deadline:
            for node in self.nodes:
                code = node.process.poll() if node.process is not None else None
                if code is not None:
                    raise BrokerError(
                        f"kafka node {node.node_id} exited with code {code}: "
                        + self.log_tail(node)
                    )
            up = [n for n in self.nodes if n.running]
            if all(kafka_api_versions_ok(self.host, n.port, timeout=0.5) for n in up):
                with_brokers = _run(_registered_brokers(self.bootstrap))
                if expected <= with_brokers:
                    log.info("kafka ready at %s", self.bootstrap)
                    return
            time.sleep(0.5)
        raise BrokerError(f"kafka at {self.bootstrap} not ready within "
                          f"{timeout or self.start_timeout:.0f}s")  # fmt: skip

    def kill(self, node_id: int) -> None:
        """SIGKILL one node (a crashed broker)."""
        node = self.nodes[node_id - 1]
        if node.process is not None and node.running:
            os.kill(node.process.pid, signal.SIGKILL)
            node.process.wait(timeout=30)

    def stop(self, timeout: float = 30.0) -> None:
        """SIGTERM every node (controlled shutdown), SIGKILL what is left."""
        for node in self.nodes:
            if node.running and node.process is not None:
                node.process.terminate()
        deadline = time.monotonic() + timeout
        for node in self.nodes:
            proc = node.process
            if proc is None:
                continue
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=30)
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def log_tail(self, node: KafkaNode, lines: int = 20) -> str:
        if node.log_path is None or not node.log_path.exists():
            return ""
        return "\n".join(node.log_path.read_text(errors="replace").splitlines()[-lines:])

    def __enter__(self) -> KafkaCluster:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


async def _registered_brokers(bootstrap: str) -> set[int]:
    from aiokafka.admin import AIOKafkaAdminClient
    from aiokafka.errors import KafkaError

    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=5000)
    try:
        await admin.start()
        cluster = await admin.describe_cluster()
        return {int(b["node_id"]) for b in cluster["brokers"]}
    except (KafkaError, OSError):
        return set()
    finally:
        await admin.close()


def _run(coro: object) -> set[int]:
    """Run a coroutine to completion, also when the caller is inside an event loop."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()  # type: ignore[arg-type]


def main(argv: list[str] | None = None) -> int:
    """``python -m newsstream.kafka_cluster fetch|check``: used by make and .ci/run."""
    args = argv if argv is not None else sys.argv[1:]
    command = args[0] if args else "check"
    try:
        if command == "fetch":
            print(fetch_kafka())
        elif command == "fetch-if-possible":
            missing = missing_tools()
            if missing:
                print(f"Apache Kafka not fetched: {' and '.join(missing)} missing; "
                      "the Kafka test variants will be skipped")  # fmt: skip
                return 0
            print(fetch_kafka())
        else:
            print(kafka_libs())
    except KafkaNotInstalled as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
