"""The analytics service application factory.

Two resources live in cleanup contexts: the store (engine opened, migrations applied, schema
checked; closed last) and the ingestion pipeline (a background task that consumes
`qr.scans.v1`, cancelled and awaited on shutdown). `/readyz` is ready once migrations are applied
and the consumer has started; with `ANALYTICS_INGEST=false` (a query-only replica) once the
store is ready.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence

from aiohttp import web

from qrstack_analytics.routes import SETTINGS, STORE, routes
from qrstack_analytics.scans.batching import BatchPolicy
from qrstack_analytics.scans.dead_letters import DeadLetters
from qrstack_analytics.scans.ingestion import Backoff, ScanIngestion
from qrstack_analytics.settings import AnalyticsSettings
from qrstack_analytics.storage.store import AnalyticsStore, open_engine
from qrstack_common.events import SCANS_TOPIC, SCANS_TOPIC_V2
from qrstack_common.kafka import BatchConsumer, ensure_topics, platform_topics
from qrstack_common.metrics import AnalyticsMetrics
from qrstack_common.observability import add_readiness_check, new_service_app
from qrstack_common.serve import stop_tasks

INGESTION = web.AppKey("scan_ingestion", ScanIngestion)


def create_app(settings: AnalyticsSettings) -> web.Application:
    metrics = AnalyticsMetrics()
    app = new_service_app(metrics)
    app[SETTINGS] = settings
    app.add_routes(routes)

    async def storage(app: web.Application) -> AsyncIterator[None]:
        engine = await asyncio.to_thread(open_engine, settings)
        store = AnalyticsStore(engine, query_threads=settings.query_threads)
        try:
            await store.prepare(settings.raw_retention_days)
            app[STORE] = store
            yield
        finally:
            await store.close()

    async def ingestion(app: web.Application) -> AsyncIterator[None]:
        if not settings.ingest:
            yield
            return
        pipeline = ScanIngestion(
            store=app[STORE],
            source=ScanConsumer(settings),
            dead_letters=DeadLetters(settings.kafka_bootstrap_servers),
            policy=BatchPolicy(settings.batch_max_scans, settings.batch_max_wait_ms / 1000),
            metrics=metrics,
            backoff=Backoff(cap=settings.retry_max_backoff_s),
            dead_letter_max_ratio=settings.dead_letter_max_ratio,
        )
        app[INGESTION] = pipeline
        task = asyncio.create_task(pipeline.run(), name="scan-ingestion")
        yield
        await stop_tasks(task)

    app.cleanup_ctx.extend([storage, ingestion])
    add_readiness_check(app, "storage", lambda: None if STORE in app else "applying migrations")
    if settings.ingest:
        add_readiness_check(app, "ingestion", lambda: _ingestion_state(app))
    return app


def _ingestion_state(app: web.Application) -> str | None:
    pipeline = app.get(INGESTION)
    if pipeline is None:
        return "not started"
    if pipeline.stopped_reason is not None:
        return f"stopped: {pipeline.stopped_reason}"
    if not pipeline.started.is_set():
        return "connecting to Kafka"
    return None


class ScanConsumer(BatchConsumer):
    """The consumer of `qr.scans.v2` and `qr.scans.v1` (replayed spools, older producers) in
    the service's group; creates the topics if missing."""

    def __init__(
        self, settings: AnalyticsSettings, topics: Sequence[str] = (SCANS_TOPIC_V2, SCANS_TOPIC)
    ) -> None:
        super().__init__(
            settings.kafka_bootstrap_servers,
            topics,
            group_id=settings.consumer_group,
            client_id="qrstack-analytics",
        )
        self._bootstrap = settings.kafka_bootstrap_servers
        self._partitions = settings.topic_partitions

    async def start(self) -> None:
        specs = [s for s in platform_topics(self._partitions) if s.name in self.topics]
        if specs:
            await ensure_topics(self._bootstrap, specs)
        await super().start()
