"""Liveness and readiness of a worker, served at /healthz and /readyz."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(slots=True)
class Readiness:
    """Ready once the consumer joined its group and the tables recovered."""

    rebalances_completed: int = 0

    def status(self, app: Any) -> tuple[bool, dict[str, Any]]:
        recovery = app.tables.recovery
        details = {
            "rebalances_completed": self.rebalances_completed,
            "rebalancing": bool(app.rebalancing),
            "in_recovery": bool(getattr(app, "in_recovery", False)),
            "recovery_completed": recovery.completed.is_set(),
        }
        ready = (
            self.rebalances_completed > 0
            and not details["rebalancing"]
            and not details["in_recovery"]
            and details["recovery_completed"]
        )
        return ready, details


def install_health_pages(app: Any, readiness: Readiness) -> None:
    @app.on_rebalance_complete.connect
    async def _joined(sender: Any, **kwargs: Any) -> None:
        readiness.rebalances_completed += 1

    @app.page("/healthz")
    async def healthz(web: Any, request: Any) -> Any:
        return web.json({"status": "ok"})

    @app.page("/readyz")
    async def readyz(web: Any, request: Any) -> Any:
        ready, details = readiness.status(app)
        return web.json({"ready": ready, **details}, status=200 if ready else 503)


def _endpoints(bootstrap: str) -> list[tuple[str, int]]:
    pairs = []
    for item in bootstrap.split(","):
        host, _, port = item.rpartition(":")
        pairs.append((host.strip("[]"), int(port)))
    return pairs


def install_broker_probe(app: Any, settings: Any, metrics: Any) -> None:
    """Every ``broker_probe_interval_s``: ask the bootstrap brokers for ApiVersions.

    Faust and aiokafka already retry with backoff on their own; this makes an
    outage visible: ``newsstream_broker_up`` drops to 0, each failed probe counts
    in ``newsstream_broker_errors_total{operation="probe"}``, and the worker logs
    once when the broker goes away and once when it is back.
    """
    import asyncio
    import logging

    from newsstream.broker import kafka_api_versions_ok

    log = logging.getLogger("newsstream.broker_probe")
    endpoints = _endpoints(settings.bootstrap_servers)
    state = {"up": True}
    metrics.broker_up.set(1)

    def reachable() -> bool:
        return any(kafka_api_versions_ok(h, p, timeout=1.0) for h, p in endpoints)

    @app.timer(interval=settings.broker_probe_interval_s)
    async def probe_broker() -> None:
        up = await asyncio.get_running_loop().run_in_executor(None, reachable)
        metrics.broker_up.set(1 if up else 0)
        if not up:
            metrics.broker_errors.labels("probe").inc()
        if up != state["up"]:
            if up:
                log.info("broker reachable again at %s", settings.bootstrap_servers)
            else:
                log.warning(
                    "broker unreachable at %s; clients retry with backoff",
                    settings.bootstrap_servers,
                )
            state["up"] = up
