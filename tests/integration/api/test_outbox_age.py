"""The outbox relay shows how old its backlog is while Kafka is away (what the OutboxBacklogOld
alert of deploy/prometheus reads), and 0 once everything is published."""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid

import asyncpg

from qrstack_api.db.migrate import apply_migrations
from qrstack_api.outbox.relay import OutboxRelay
from qrstack_common.metrics import ApiMetrics
from qrstack_launcher.ports import free_port
from qrstack_launcher.stack import Infrastructure
from support.waiting import eventually


async def test_the_backlogs_age_shows_while_kafka_is_away_and_clears_once_published(
    infra: Infrastructure,
) -> None:
    # A database of its own: the relay's leader lock is per database, the shared one has a leader.
    name = f"outbox_age_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(infra.database_url)
    await admin.execute(f'CREATE DATABASE "{name}"')
    await admin.close()
    dsn = infra.database_url.rsplit("/", 1)[0] + f"/{name}"
    await apply_migrations(dsn)
    conn = await asyncpg.connect(dsn)
    # A tombstone of a code nobody has: harmless to every other reader of the topic.
    await conn.execute(
        "INSERT INTO outbox (topic, key, payload, created_at) "
        "VALUES ('qr.codes.v1', $1, NULL, now() - interval '5 minutes')",
        str(uuid.uuid4()),
    )
    metrics = ApiMetrics()
    away = OutboxRelay(dsn, f"127.0.0.1:{free_port()}", metrics, partitions=3)
    relaying = asyncio.create_task(away.run())

    async def age_shown() -> bool:
        oldest = metrics.registry.get_sample_value("qr_outbox_oldest_pending_timestamp_seconds")
        return oldest is not None and 290 < time.time() - oldest < 400

    try:
        await eventually(age_shown, timeout=20)
    finally:
        relaying.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await relaying

    restored = ApiMetrics()
    back = OutboxRelay(dsn, infra.kafka_bootstrap, restored, partitions=infra.partitions)
    relaying = asyncio.create_task(back.run())

    async def published_and_cleared() -> bool:
        cleared = restored.registry.get_sample_value("qr_outbox_oldest_pending_timestamp_seconds")
        return back.published == 1 and cleared == 0

    try:
        await eventually(published_and_cleared, timeout=30)
    finally:
        relaying.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await relaying
        await conn.close()
