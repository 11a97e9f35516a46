"""The redirect service in-process (the same factory `python -m qrstack_redirect` uses) on the
real Kafka and PostgreSQL, an in-process API to create codes the way users do, and helpers to
publish snapshots straight to the table topics."""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition

from qrstack_api.app import create_app as create_api_app
from qrstack_api.db.migrate import apply_migrations
from qrstack_common.events import CODES_TOPIC, DOMAINS_TOPIC, CodeSnapshot, DomainSnapshot
from qrstack_common.kafka import EventProducer
from qrstack_launcher.stack import Infrastructure
from qrstack_redirect.app import ROUTES, create_app
from qrstack_redirect.serving import install
from qrstack_redirect.settings import RedirectSettings
from support.api import api_settings
from support.waiting import eventually

Client = TestClient[Any, Any]


def redirect_settings(infra: Infrastructure, **changes: object) -> RedirectSettings:
    values: dict[str, object] = {
        "kafka_bootstrap_servers": infra.kafka_bootstrap,
        "database_url": infra.database_url,
        "spool_dir": Path(tempfile.mkdtemp(prefix="redirect-spool-", dir=infra.root)),
        "visitor_salt": "integration-tests",
        "scan_linger_ms": 5,
        "public_api_url": "https://api.example.test",
        # The shared test machine can be slower than the 50 ms a scan may wait for a lease;
        # tests of that budget set it themselves.
        "cap_wait_ms": 2000,
    }
    values.update(changes)
    return RedirectSettings(**values)  # type: ignore[arg-type]


async def start_redirect(infra: Infrastructure, **changes: object) -> Client:
    """A started redirect app whose table caught up (`/readyz` 200)."""
    app = create_app(redirect_settings(infra, **changes))
    client: Client = TestClient(TestServer(app))
    await client.start_server()
    assert client.server.runner is not None and client.server.runner.server is not None
    install(client.server.runner.server, app, app[ROUTES])  # as `python -m` serves

    async def ready() -> bool:
        return (await client.get("/readyz")).status == 200

    await eventually(ready, timeout=60)
    return client


@pytest.fixture(scope="session")
async def redirect(infra: Infrastructure) -> AsyncIterator[Client]:
    """One redirect app for the tests that only scan."""
    await apply_migrations(infra.database_url)
    client = await start_redirect(infra)
    yield client
    await client.close()


@pytest.fixture(scope="session")
async def api_client(infra: Infrastructure) -> AsyncIterator[Client]:
    client: Client = TestClient(TestServer(create_api_app(api_settings(infra))))
    await client.start_server()
    yield client
    await client.close()


Publish = Callable[[Sequence[CodeSnapshot | DomainSnapshot]], Awaitable[None]]


@pytest.fixture(scope="session")
async def publish(infra: Infrastructure) -> AsyncIterator[Publish]:
    """Publish snapshots to the table topics, as the API's outbox relay does."""
    producer = EventProducer(infra.kafka_bootstrap, client_id="redirect-tests")
    await producer.start()

    async def send(snapshots: Sequence[CodeSnapshot | DomainSnapshot]) -> None:
        records = [
            (CODES_TOPIC, str(s.id).encode(), s.to_bytes())
            if isinstance(s, CodeSnapshot)
            else (DOMAINS_TOPIC, s.host.encode(), s.to_bytes())
            for s in snapshots
        ]
        futures = [await producer.send(topic, key, value) for topic, key, value in records]
        await asyncio.gather(*futures)

    yield send
    await producer.stop()


async def location_of(client: Client, slug: str, **headers: str) -> str | None:
    """Where a HEAD of `slug` redirects (HEAD is never counted)."""
    async with client.head(f"/{slug}", allow_redirects=False, headers=headers) as response:
        return response.headers.get("Location")


def held(client: Client, slug: str, host: str = "") -> bool:
    """Whether the in-process redirect's table holds `slug` on `host` ("" = platform)."""
    return client.app[ROUTES].table.lookup(host, slug) is not None


async def read_topic(
    bootstrap: str, topic: str, match: Callable[[ConsumerRecord], bool]
) -> list[ConsumerRecord]:
    """Every record of `topic` up to its end (as it was once the partitions were assigned)
    that satisfies `match`."""
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=None,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    found: list[ConsumerRecord] = []
    ends: dict[TopicPartition, int] | None = None
    try:
        async with asyncio.timeout(30):
            while True:
                batches = await consumer.getmany(timeout_ms=200)
                for records in batches.values():
                    found.extend(r for r in records if match(r))
                assigned = consumer.assignment()
                if ends is None and assigned:
                    ends = await consumer.end_offsets(list(assigned))
                if ends is not None and await _reached(consumer, ends):
                    return found
    finally:
        await consumer.stop()


async def _reached(consumer: AIOKafkaConsumer, ends: dict[TopicPartition, int]) -> bool:
    for tp, end in ends.items():
        if await consumer.position(tp) < end:
            return False
    return True
