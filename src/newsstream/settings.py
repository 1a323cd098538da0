"""Settings from ``NEWSSTREAM_*`` environment variables (pydantic-settings).

The names listed in DESIGN.md (broker, topics, partitions, store, web host and
port) are part of the contract that deploy files and tools rely on.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Every knob of a worker, with defaults that run the demo on one machine."""

    model_config = SettingsConfigDict(env_prefix="NEWSSTREAM_", extra="ignore")

    # Kafka and topics
    broker: str = Field(
        "kafka://127.0.0.1:9092",
        description="Broker URL(s), e.g. kafka://host1:9092;kafka://host2:9092.",
    )
    input_topic: str = Field("news.articles", description="Topic articles are read from.")
    output_topic: str = Field("news.stories", description="Compacted topic of story records.")
    dlq_topic: str = Field("news.articles.dlq", description="Dead-letter topic for rejects.")
    cluster_topic: str = Field(
        "news.articles.extracted",
        description="Internal topic: extracted articles routed by cluster key.",
    )
    partitions: int = Field(1, ge=1, description="Partitions of every topic the app creates.")
    replication_factor: int = Field(1, ge=1, description="Replication of created topics.")
    app_id: str = Field("newsstream", description="Faust app id (consumer group, changelogs).")
    store: str = Field("memory://", description="Table store: memory:// or rocksdb://.")
    data_dir: Path = Field(Path(".newsstream"), description="Faust data directory.")
    cluster_key: str = Field(
        "global",
        description="Routing key for consolidation: 'global' (one partition) or "
        "'section' / 'source' / 'language' to shard by desk.",
    )

    # Security (passed to aiokafka through Faust)
    security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = "PLAINTEXT"
    sasl_mechanism: Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] = "PLAIN"
    sasl_username: str | None = None
    sasl_password: SecretStr | None = None
    ssl_cafile: Path | None = None

    # Consumer-group timing: fast defaults for one-machine runs; raise for big clusters.
    rebalance_timeout_s: float = Field(5.0, gt=0)
    session_timeout_s: float = Field(10.0, gt=0)
    heartbeat_interval_s: float = Field(1.0, gt=0)
    max_poll_records: int = Field(5000, ge=1)
    fetch_max_wait_ms: int = Field(
        100, ge=1, le=30_000, description="Longest a fetch waits at the broker for records."
    )
    extract_processes: int = Field(
        0, ge=0, le=64, description="Extraction processes beside the event loop (0: inline)."
    )
    connect_timeout_s: float = Field(
        30.0, gt=0, description="How long one-shot commands wait for a broker (--timeout)."
    )
    broker_probe_interval_s: float = Field(
        5.0, gt=0, description="How often the worker checks that a broker answers."
    )
    batch_size: int = Field(
        500, ge=1, description="Max records an agent takes from its stream at once."
    )
    batch_timeout_s: float = Field(
        0.01, gt=0, description="Max seconds an agent waits to fill a batch."
    )
    producer_linger_s: float = Field(0.005, ge=0, description="Producer linger before a send.")

    # HTTP server of the worker
    web_host: str = Field(
        "127.0.0.1", description="Bind address of /metrics, /healthz, /readyz and /stories."
    )
    web_port: int = Field(6066, ge=0, le=65535)
    story_page_limit: int = Field(
        200, ge=1, description="Stories the live page at /stories keeps (latest record each)."
    )

    # Input limits
    max_article_bytes: int = Field(1_000_000, ge=1024, description="Larger records go to DLQ.")
    max_future_hours: float = Field(
        24.0, ge=0, description="Timestamps further ahead of the worker's clock go to the DLQ."
    )

    # Story consolidation
    story_window_hours: float = Field(
        24.0 * 30, gt=0, description="A story with no article for this long leaves the active set."
    )
    story_decision: Literal["rules", "model"] = Field(
        "rules",
        description="How an article joins a story: hand-set rules, or the learned model "
        "(weights in the package; docs/evaluation.md).",
    )

    # Logging
    log_level: str = Field("info")
    log_json: bool = Field(False, description="Structured JSON logs.")

    @field_validator("store")
    @classmethod
    def _known_store(cls, value: str) -> str:
        if not value.startswith(("memory://", "rocksdb://")):
            raise ValueError("store must be memory:// or rocksdb://")
        return value

    @field_validator("cluster_key")
    @classmethod
    def _known_cluster_key(cls, value: str) -> str:
        if value not in {"global", "section", "source", "language"}:
            raise ValueError("cluster_key must be one of global, section, source, language")
        return value

    @property
    def story_window(self) -> timedelta:
        return timedelta(hours=self.story_window_hours)

    @property
    def bootstrap_servers(self) -> str:
        """``host:port,host:port`` for plain aiokafka clients."""
        parts = [p.strip() for p in self.broker.replace(",", ";").split(";") if p.strip()]
        return ",".join(p.split("://", 1)[-1] for p in parts)
