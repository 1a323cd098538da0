"""Settings: the contract names exist, defaults are sane, README documents them all."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from newsstream.settings import Settings

README = Path(__file__).resolve().parents[2] / "README.md"
CONTRACT = (
    "BROKER",
    "INPUT_TOPIC",
    "OUTPUT_TOPIC",
    "DLQ_TOPIC",
    "PARTITIONS",
    "STORE",
    "WEB_HOST",
    "WEB_PORT",
)


def test_contract_names_and_defaults() -> None:
    s = Settings()
    assert {f.upper() for f in Settings.model_fields} >= set(CONTRACT)
    assert (s.input_topic, s.output_topic, s.dlq_topic) == (
        "news.articles",
        "news.stories",
        "news.articles.dlq",
    )
    assert s.store == "memory://" and s.partitions == 1


def test_environment_overrides(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSSTREAM_BROKER", "kafka://a:9092;kafka://b:9093")
    monkeypatch.setenv("NEWSSTREAM_PARTITIONS", "4")
    monkeypatch.setenv("NEWSSTREAM_SASL_PASSWORD", "hunter2")
    s = Settings()
    assert s.bootstrap_servers == "a:9092,b:9093"
    assert s.partitions == 4
    assert "hunter2" not in repr(s) and "hunter2" not in str(s.model_dump())


@pytest.mark.parametrize(
    ("name", "value"),
    [("STORE", "redis://x"), ("PARTITIONS", "0"), ("CLUSTER_KEY", "author"), ("WEB_PORT", "70000")],
)
def test_invalid_values_are_rejected(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(f"NEWSSTREAM_{name}", value)
    with pytest.raises(ValidationError):
        Settings()


def test_readme_documents_every_setting() -> None:
    text = README.read_text(encoding="utf-8")
    missing = [f for f in Settings.model_fields if f"`NEWSSTREAM_{f.upper()}`" not in text]
    assert not missing, f"README configuration table lacks {missing}"
