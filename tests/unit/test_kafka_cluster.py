"""The Apache Kafka helper without starting Kafka: the pin, the node properties, the
errors that say how to get the jars, and the producer durability the worker ships."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsstream.kafka_cluster import (
    KAFKA_VERSION,
    MANIFEST,
    KafkaCluster,
    KafkaNode,
    KafkaNotInstalled,
    kafka_libs,
    main,
    manifest_version,
)
from newsstream.settings import Settings
from newsstream.stream.app import create_app


def test_the_manifest_pins_the_helper_version() -> None:
    assert manifest_version(MANIFEST) == KAFKA_VERSION


def test_missing_jars_say_how_to_fetch_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEWSSTREAM_KAFKA_HOME", str(tmp_path))
    with pytest.raises(KafkaNotInstalled, match="make kafka"):
        kafka_libs()
    assert main(["check"]) == 1


def three_nodes(**config: str) -> tuple[KafkaCluster, list[dict[str, str]]]:
    cluster = KafkaCluster(size=3, config=config)
    cluster.nodes = [KafkaNode(i, 9000 + i, 9100 + i, Path(f"/x/{i}")) for i in (1, 2, 3)]
    return cluster, [cluster._properties(node) for node in cluster.nodes]


def test_every_node_is_a_voter_and_listens_on_loopback_only() -> None:
    cluster, props = three_nodes()
    voters = {p["controller.quorum.voters"] for p in props}
    assert voters == {"1@127.0.0.1:9101,2@127.0.0.1:9102,3@127.0.0.1:9103"}
    for p in props:
        assert "127.0.0.1" in p["listeners"] and "0.0.0.0" not in p["listeners"]
        assert p["process.roles"] == "broker,controller"
        assert (p["default.replication.factor"], p["min.insync.replicas"]) == ("3", "2")
        assert p["offsets.topic.replication.factor"] == "3"
    assert len({p["log.dirs"] for p in props}) == 3
    assert cluster.url == "kafka://127.0.0.1:9001;kafka://127.0.0.1:9002;kafka://127.0.0.1:9003"


def test_one_node_replicates_nothing_and_overrides_win() -> None:
    cluster = KafkaCluster(size=1, config={"log.segment.bytes": "1048576"})
    cluster.nodes = [KafkaNode(1, 9001, 9101, Path("/x/1"))]
    props = cluster._properties(cluster.nodes[0])
    assert (props["default.replication.factor"], props["min.insync.replicas"]) == ("1", "1")
    assert props["log.segment.bytes"] == "1048576"


def test_the_worker_producer_waits_for_all_in_sync_replicas(tmp_path: Path) -> None:
    pipeline = create_app(Settings(data_dir=tmp_path, web_port=6066))
    assert pipeline.app.conf.producer_acks == -1  # acks=all
    assert pipeline.app.conf.processing_guarantee.value == "at_least_once"


def test_a_cluster_id_that_starts_with_a_dash_is_passed_as_one_argument(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Cluster ids are URL-safe base64 and may start with "-"; given as a separate
    argument, kafka-storage took one for an option and failed (CI, 2026-12-07)."""
    import subprocess

    seen: list[list[str]] = []

    def run(cmd: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
        seen.append(cmd)
        return subprocess.CompletedProcess(cmd, 0, "", "")

    monkeypatch.setattr(subprocess, "run", run)
    cluster = KafkaCluster(size=1)
    cluster.workdir = tmp_path
    node = KafkaNode(1, 9001, 9101, tmp_path / "node-1")
    cluster._format(tmp_path / "libs", node, "-UzMocyvRK6nbXjcGY7mHA")
    assert "--cluster-id=-UzMocyvRK6nbXjcGY7mHA" in seen[0]
    assert "-UzMocyvRK6nbXjcGY7mHA" not in seen[0]
