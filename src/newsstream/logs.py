"""Logging setup: human-readable by default, one JSON object per line on request."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import orjson

from newsstream.log_summary import summarise_noise


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return orjson.dumps(entry).decode()


def configure_logging(level: str = "info", *, json_logs: bool = False) -> None:
    handler = logging.StreamHandler()
    if json_logs:
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    summarise_noise(handler)  # aiokafka's per-attempt connection errors, summarised
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
