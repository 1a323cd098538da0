"""Before a command opens Kafka clients: is a broker there, and do its topics exist?

A one-shot command (``produce``, ``stories``, ``dlq``) probes the bootstrap
brokers for up to ``--timeout`` seconds and then fails with one line
(``BrokerUnavailable``), instead of letting aiokafka retry and log each attempt.
The worker waits without a limit and logs when it starts waiting, every minute
while it waits, and when the broker answers.

The probe is a Kafka ``ApiVersions`` request, which brokers answer before any
authentication; with TLS it is a TCP connect (the handshake is aiokafka's).
"""

from __future__ import annotations

import asyncio
import logging
import socket
import time
from collections.abc import Callable, Iterable

from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaError

from newsstream.broker import kafka_api_versions_ok
from newsstream.errors import BrokerUnavailable, UnknownTopic
from newsstream.settings import Settings
from newsstream.stream.connection import client_kwargs

log = logging.getLogger(__name__)

PROBE_SECONDS = 1.0
WAIT_REPORT_EVERY_S = 60.0


def endpoints(settings: Settings) -> list[tuple[str, int]]:
    pairs = []
    for item in settings.bootstrap_servers.split(","):
        host, _, port = item.strip().rpartition(":")
        pairs.append((host.strip("[]") or "127.0.0.1", int(port or 9092)))
    return pairs


def _tcp_open(host: str, port: int, timeout: float) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def broker_answers(settings: Settings, timeout: float = PROBE_SECONDS) -> bool:
    """True when one bootstrap broker answers (see the module docstring)."""
    tls = settings.security_protocol in ("SSL", "SASL_SSL")
    probe = _tcp_open if tls else kafka_api_versions_ok
    return any(probe(host, port, timeout) for host, port in endpoints(settings))


def unreachable(settings: Settings, waited: float) -> BrokerUnavailable:
    return BrokerUnavailable(
        f"cannot reach the broker at {settings.bootstrap_servers} (NEWSSTREAM_BROKER) "
        f"after {waited:.0f} s; start it (e.g. `newsstream broker`), fix NEWSSTREAM_BROKER, "
        "or wait longer with --timeout"
    )


async def wait_for_broker(
    settings: Settings,
    timeout: float | None,
    *,
    on_wait: Callable[[str], None] | None = None,
    probe: Callable[[Settings], bool] = broker_answers,
) -> float:
    """Seconds waited until a broker answered; ``BrokerUnavailable`` after ``timeout``
    (``None``: wait forever). ``on_wait`` gets one line when the first probe fails
    and one a minute while the wait goes on."""
    loop = asyncio.get_running_loop()
    started = time.monotonic()
    next_report = 0.0
    while True:
        if await loop.run_in_executor(None, probe, settings):
            waited = time.monotonic() - started
            if next_report and on_wait is not None:
                on_wait(f"broker at {settings.bootstrap_servers} answered after {waited:.0f} s")
            return waited
        waited = time.monotonic() - started
        if timeout is not None and waited >= timeout:
            raise unreachable(settings, waited)
        if on_wait is not None and waited >= next_report:
            limit = f"up to {timeout:.0f} s" if timeout is not None else "until it answers"
            on_wait(
                f"broker at {settings.bootstrap_servers} does not answer; waiting {limit}"
                + (f" ({waited:.0f} s so far)" if next_report else "")
            )
            next_report = waited + WAIT_REPORT_EVERY_S
        pause = 0.5 if timeout is None else min(0.5, max(0.0, timeout - waited))
        await asyncio.sleep(pause)


async def missing_topics(settings: Settings, names: Iterable[str], timeout: float) -> list[str]:
    """Those of ``names`` the cluster does not have (a broker must be reachable)."""
    admin = AIOKafkaAdminClient(
        bootstrap_servers=settings.bootstrap_servers,
        request_timeout_ms=max(1000, int(timeout * 1000)),
        **client_kwargs(settings),
    )
    try:
        await asyncio.wait_for(admin.start(), timeout)
        existing = set(await asyncio.wait_for(admin.list_topics(), timeout))
    except (KafkaError, OSError, TimeoutError) as exc:
        raise unreachable(settings, timeout) from exc
    finally:
        await admin.close()
    return [name for name in names if name not in existing]


async def require_topics(
    settings: Settings, *, read: Iterable[str] = (), write: Iterable[str] = ()
) -> None:
    """``UnknownTopic`` for the first topic of ``read`` / ``write`` that does not exist."""
    read, write = list(read), list(write)
    missing = set(await missing_topics(settings, [*read, *write], settings.connect_timeout_s))
    for name in read:
        if name in missing:
            raise UnknownTopic(name, reading=True)
    for name in write:
        if name in missing:
            raise UnknownTopic(name, reading=False)


async def ready_for(
    settings: Settings,
    *,
    read: Iterable[str] = (),
    write: Iterable[str] = (),
    on_wait: Callable[[str], None] | None = None,
) -> None:
    """A one-shot command's start: the broker within ``connect_timeout_s``, then its topics."""
    await wait_for_broker(settings, settings.connect_timeout_s, on_wait=on_wait)
    await require_topics(settings, read=read, write=write)
