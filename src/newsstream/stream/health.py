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
