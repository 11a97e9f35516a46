"""The delivery worker's application: fan-out consumers, the dispatcher and the retention
sweep as background tasks, and `/healthz`, `/readyz` (every consumer started), `/metrics`."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import asyncpg
from aiohttp import web

from qrstack_common.kafka import ensure_topics, platform_topics
from qrstack_common.metrics import WebhookMetrics
from qrstack_common.observability import add_readiness_check, new_service_app
from qrstack_common.serve import stop_tasks
from qrstack_webhooks import janitor
from qrstack_webhooks.dispatch import NOTIFY_CHANNEL, Dispatcher
from qrstack_webhooks.events import TOPICS
from qrstack_webhooks.fanout import FanOut
from qrstack_webhooks.sender import Sender
from qrstack_webhooks.settings import WebhookSettings

DISPATCHER = web.AppKey("dispatcher", Dispatcher)
FANOUT = web.AppKey("fanout", FanOut)


def create_app(settings: WebhookSettings) -> web.Application:
    metrics = WebhookMetrics()
    app = new_service_app(metrics)

    async def worker(app: web.Application) -> AsyncIterator[None]:
        pool = await asyncpg.create_pool(
            settings.database_url, min_size=2, max_size=settings.db_pool_size
        )
        assert pool is not None
        listener = await asyncpg.connect(settings.database_url)
        await ensure_topics(
            settings.kafka_bootstrap_servers, platform_topics(settings.topic_partitions)
        )
        async with Sender(
            timeout_s=settings.request_timeout_s,
            allow_local=settings.allow_local_urls,
            max_connections=settings.max_in_flight,
        ) as sender:
            dispatcher = Dispatcher(pool, sender, settings, metrics)
            await listener.add_listener(NOTIFY_CHANNEL, lambda *_: dispatcher.wake())
            fanout = FanOut(
                settings.kafka_bootstrap_servers,
                TOPICS,
                pool,
                metrics,
                dispatcher.wake,
                group_id=settings.consumer_group,
            )
            app[DISPATCHER], app[FANOUT] = dispatcher, fanout
            tasks = [
                asyncio.create_task(dispatcher.run(), name="webhook-dispatcher"),
                asyncio.create_task(janitor.run(pool, settings.retention_days), name="janitor"),
                asyncio.create_task(fanout.run(), name="webhook-fanout"),
            ]
            try:
                yield
            finally:
                await stop_tasks(*tasks)
                await listener.close()
                await pool.close()

    def readiness() -> str | None:
        if FANOUT not in app:
            return "connecting"
        if not app[FANOUT].started.is_set():
            return "joining the consumer group"
        return None

    app.cleanup_ctx.append(worker)
    add_readiness_check(app, "worker", readiness)
    return app
