"""The embedded platform: infrastructure (PostgreSQL, Kafka, a chDB path) and the five services.

`Infrastructure` is what tests share; `Platform` adds the service processes on top, waits for
each one's `/readyz`, and is what `make run` and the end-to-end tests start.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import aiohttp

from qrstack_common.kafka import ensure_topics, platform_topics
from qrstack_launcher.kafka import LocalKafka
from qrstack_launcher.ports import free_port
from qrstack_launcher.postgres import LocalPostgres
from qrstack_launcher.processes import ManagedProcess, wait_until

SERVICES = ("api", "redirect", "renderer", "analytics", "webhooks")
DEFAULT_PORTS = {
    "api": 8000,
    "redirect": 8001,
    "renderer": 8002,
    "analytics": 8003,
    "webhooks": 8004,
}


def default_cache_dir() -> Path:
    """Where downloaded artefacts (the Kafka jars) are kept between runs."""
    if env := os.environ.get("QRSTACK_CACHE_DIR"):
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "qrstack"


class InfrastructureEndpoints(Protocol):
    """What the services need to know of the infrastructure, however it was started (this
    launcher, or testcontainers in tests)."""

    @property
    def root(self) -> Path: ...
    @property
    def database_url(self) -> str: ...
    @property
    def kafka_bootstrap(self) -> str: ...
    @property
    def chdb_path(self) -> Path: ...
    @property
    def partitions(self) -> int: ...
    def env(self) -> dict[str, str]: ...


def service_env(infra: InfrastructureEndpoints) -> dict[str, str]:
    """The environment variables that point a service at `infra`."""
    return {
        "DATABASE_URL": infra.database_url,
        "KAFKA_BOOTSTRAP_SERVERS": infra.kafka_bootstrap,
        "KAFKA_TOPIC_PARTITIONS": str(infra.partitions),
        "CHDB_PATH": str(infra.chdb_path),
    }


@dataclass
class Infrastructure:
    """PostgreSQL and Kafka processes plus the chDB directory, all under `root`. Ports not
    given are chosen free at start (several stacks may share a machine)."""

    root: Path
    durable: bool = True
    kafka_heap: str = "1g"
    pg_port: int = 0
    kafka_port: int = 0
    cache_dir: Path = field(default_factory=default_cache_dir)
    partitions: int = 3
    postgres: LocalPostgres | None = None
    kafka: LocalKafka | None = None

    @property
    def database_url(self) -> str:
        assert self.postgres is not None
        return self.postgres.dsn

    @property
    def kafka_bootstrap(self) -> str:
        assert self.kafka is not None
        return self.kafka.bootstrap

    @property
    def chdb_path(self) -> Path:
        return self.root / "chdb"

    def env(self) -> dict[str, str]:
        """The environment variables that point a service at this infrastructure."""
        return service_env(self)

    async def start(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        self.root.chmod(0o755)  # PostgreSQL's user must reach its data directory
        self.postgres = LocalPostgres(
            self.root / "postgres",
            self.pg_port or free_port(),
            self.root / "logs" / "postgres.log",
            durable=self.durable,
        )
        self.kafka = LocalKafka(
            self.root / "kafka",
            self.kafka_port or free_port(),
            free_port(),
            self.cache_dir,
            heap=self.kafka_heap,
        )
        try:
            await asyncio.gather(self.postgres.start(), self.kafka.start())
            await ensure_topics(self.kafka.bootstrap, platform_topics(self.partitions))
        except BaseException:
            await self.stop()
            raise

    async def stop(self) -> None:
        if self.kafka is not None:
            await self.kafka.stop()
        if self.postgres is not None:
            await self.postgres.stop()


@dataclass
class Platform:
    """The five services as child processes, pointed at `infra`."""

    infra: InfrastructureEndpoints
    ports: dict[str, int] = field(default_factory=dict)
    extra_env: dict[str, str] = field(default_factory=dict)
    processes: dict[str, ManagedProcess] = field(default_factory=dict)

    def url(self, service: str) -> str:
        return f"http://127.0.0.1:{self.ports[service]}"

    def service_env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(self.infra.env())
        env.update(
            {
                "API_PORT": str(self.ports["api"]),
                "REDIRECT_PORT": str(self.ports["redirect"]),
                "RENDERER_PORT": str(self.ports["renderer"]),
                "ANALYTICS_PORT": str(self.ports["analytics"]),
                "WEBHOOKS_PORT": str(self.ports["webhooks"]),
                "SHORT_URL_BASE": self.url("redirect"),
                "PUBLIC_API_URL": self.url("api"),  # hosted pdf/carousel pages link its files
                "REDIRECT_URL": self.url("redirect"),
                "RENDERER_URL": self.url("renderer"),
                "ANALYTICS_URL": self.url("analytics"),
                "SCAN_SPOOL_DIR": str(self.infra.root / "spool"),
                # One redirect process per core of the 2-core machine the platform is made on.
                "REDIRECT_WORKERS": env.get("REDIRECT_WORKERS") or "2",
                "REDIRECT_LEASE_DIR": str(self.infra.root / "leases"),
                "VISITOR_HASH_SALT": env.get("VISITOR_HASH_SALT") or secrets.token_hex(16),
                "PYTHONUNBUFFERED": "1",
            }
        )
        env.update(self.extra_env)
        return env

    def process(self, service: str) -> ManagedProcess:
        return self.processes[service]

    async def start_service(self, service: str, timeout: float = 90.0) -> None:
        """Start (or restart) one service and wait until its /readyz answers 200."""
        process = ManagedProcess(
            service,
            [sys.executable, "-m", f"qrstack_{service}"],
            log_path=self.infra.root / "logs" / f"{service}.log",
            env=self.service_env(),
        )
        self.processes[service] = process
        await process.start()
        await wait_until(
            lambda: _ready(self.url(service)),
            what=f"the {service} service",
            timeout=timeout,
            owner=process,
        )

    async def stop_service(self, service: str) -> None:
        process = self.processes.pop(service, None)
        if process is not None:
            await process.stop()

    async def start(self) -> None:
        for service in SERVICES:
            self.ports.setdefault(service, free_port())
        try:
            # The API first: it applies the migrations the others' data depends on.
            await self.start_service("api")
            await asyncio.gather(*(self.start_service(s) for s in SERVICES if s != "api"))
        except BaseException:
            await self.stop()
            raise

    async def stop(self) -> None:
        # Redirect first so its last scans are flushed while analytics still runs.
        for service in ("redirect", "api", "renderer", "analytics", "webhooks"):
            await self.stop_service(service)


async def _ready(base_url: str) -> bool:
    timeout = aiohttp.ClientTimeout(total=2)
    async with (
        aiohttp.ClientSession(timeout=timeout) as session,
        session.get(f"{base_url}/readyz") as response,
    ):
        return response.status == 200
