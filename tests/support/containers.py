"""PostgreSQL and Kafka from testcontainers, for machines with a Docker engine.

The same surface as the launcher's `Infrastructure` (`InfrastructureEndpoints`), so every test
and the service processes use whichever was started. Kafka is Confluent's 7.9 image (Apache
Kafka 3.9) in KRaft mode with topic auto-creation off, as in production.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qrstack_common.kafka import ensure_topics, platform_topics
from qrstack_launcher.stack import service_env


def docker_engine_available() -> bool:
    """True when a Docker engine answers (the client alone is not enough)."""
    try:
        import docker

        docker.from_env(timeout=3).ping()
    except Exception:  # no client library, no socket, no engine: use the launcher
        return False
    return True


@dataclass
class ContainerInfrastructure:
    root: Path
    partitions: int = 3
    _postgres: Any = field(default=None, init=False)
    _kafka: Any = field(default=None, init=False)

    @property
    def database_url(self) -> str:
        url: str = self._postgres.get_connection_url(driver=None)  # postgresql://user:pw@h:p/db
        return url

    @property
    def kafka_bootstrap(self) -> str:
        server: str = self._kafka.get_bootstrap_server()
        return server

    @property
    def chdb_path(self) -> Path:
        return self.root / "chdb"

    def env(self) -> dict[str, str]:
        return service_env(self)

    async def start(self) -> None:
        from testcontainers.community.kafka import KafkaContainer
        from testcontainers.postgres import PostgresContainer

        self._postgres = PostgresContainer("postgres:16", driver=None, dbname="qrstack")
        self._kafka = (
            KafkaContainer("confluentinc/cp-kafka:7.9.0")
            .with_kraft()
            .with_env("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false")
        )
        await asyncio.gather(
            asyncio.to_thread(self._postgres.start), asyncio.to_thread(self._kafka.start)
        )
        await ensure_topics(self.kafka_bootstrap, platform_topics(self.partitions))

    async def stop(self) -> None:
        for container in (self._kafka, self._postgres):
            if container is not None:
                await asyncio.to_thread(container.stop)
