"""SASL/TLS settings reach Faust and aiokafka; secrets stay secret."""

from __future__ import annotations

import logging

import faust
import pytest

from newsstream.settings import Settings
from newsstream.stream.connection import client_kwargs, faust_credentials


def test_plaintext_has_no_credentials() -> None:
    settings = Settings()
    assert faust_credentials(settings) is None
    assert client_kwargs(settings) == {"security_protocol": "PLAINTEXT"}


def test_sasl_ssl_is_passed_through(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("NEWSSTREAM_SECURITY_PROTOCOL", "SASL_SSL")
    monkeypatch.setenv("NEWSSTREAM_SASL_MECHANISM", "SCRAM-SHA-512")
    monkeypatch.setenv("NEWSSTREAM_SASL_USERNAME", "newsroom")
    monkeypatch.setenv("NEWSSTREAM_SASL_PASSWORD", "s3cret-value")
    settings = Settings()
    credentials = faust_credentials(settings)
    assert isinstance(credentials, faust.SASLCredentials)
    assert (credentials.username, credentials.password) == ("newsroom", "s3cret-value")
    assert credentials.ssl_context is not None
    kwargs = client_kwargs(settings)
    assert kwargs["sasl_mechanism"] == "SCRAM-SHA-512"
    assert kwargs["sasl_plain_password"] == "s3cret-value"
    assert kwargs["ssl_context"] is not None
    with caplog.at_level(logging.DEBUG):
        logging.getLogger("newsstream").info("settings: %s", settings)
    assert "s3cret-value" not in caplog.text
    assert "s3cret-value" not in repr(settings)


def test_ssl_only() -> None:
    settings = Settings(security_protocol="SSL")
    assert isinstance(faust_credentials(settings), faust.SSLCredentials)
