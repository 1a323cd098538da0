"""Topic administration: create every topic explicitly before a worker subscribes.

A topic auto-created by a consumer gets the broker's default partition count,
and Faust then fails with ``PartitionsMismatch`` against its table changelog;
so the worker (and ``newsstream demo``) create topics first, with the configured
partitions and ``cleanup.policy=compact`` for the story topic.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaError, TopicAlreadyExistsError

from newsstream.errors import BrokerError
from newsstream.settings import Settings
from newsstream.stream.connection import client_kwargs

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class TopicSpec:
    name: str
    partitions: int
    replication: int
    config: dict[str, str]


def topic_specs(settings: Settings) -> list[TopicSpec]:
    n, r = settings.partitions, settings.replication_factor
    return [
        TopicSpec(settings.input_topic, n, r, {}),
        TopicSpec(settings.cluster_topic, n, r, {}),
        TopicSpec(settings.output_topic, n, r, {"cleanup.policy": "compact"}),
        TopicSpec(settings.dlq_topic, n, r, {}),
    ]


async def ensure_topics(settings: Settings, *, attempts: int = 30, backoff_s: float = 1.0) -> None:
    """Create missing topics; retries with backoff while the broker is unreachable."""
    last_error: Exception | None = None
    for attempt in range(1, attempts + 1):
        admin = AIOKafkaAdminClient(
            bootstrap_servers=settings.bootstrap_servers, **client_kwargs(settings)
        )
        try:
            await admin.start()
            existing = set(await admin.list_topics())
            missing = [s for s in topic_specs(settings) if s.name not in existing]
            for spec in missing:
                try:
                    await admin.create_topics(
                        [
                            NewTopic(
                                spec.name,
                                spec.partitions,
                                spec.replication,
                                topic_configs=spec.config,
                            )
                        ]
                    )
                    log.info("created topic %s (%d partitions)", spec.name, spec.partitions)
                except TopicAlreadyExistsError:
                    pass
            return
        except (KafkaError, OSError) as exc:
            last_error = exc
            log.warning("broker not reachable for topic setup (attempt %d): %s", attempt, exc)
            await asyncio.sleep(min(backoff_s * attempt, 5.0))
        finally:
            await admin.close()
    raise BrokerError(f"could not create topics on {settings.broker}: {last_error}")
