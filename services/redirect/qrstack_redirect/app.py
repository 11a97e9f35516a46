"""The redirect service application factory: every scan answered from the in-memory table.

Background work, each owned by a cleanup context (started with the app, cancelled and awaited
when it stops, in reverse order):
- the table feed: replays `qr.codes.v1` and `qr.domains.v1` into the slug table, then tails
  them; `/readyz` answers 503 until the replay reached the end offsets taken at start;
- the scan emitter: batches scan events to `qr.scans.v1`, spooling them while Kafka is away;
  stopping it sends (or spools) every event still buffered;
- the scan-cap leases (`caps.leases`): renewed in the background, handed back at the stop;
- the database pool, warmed in the background at start (one connection), used by capped scans
  and form posts.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import secrets
from collections.abc import AsyncIterator

from aiohttp import web

from qrstack_common.kafka import TableReader
from qrstack_common.metrics import RedirectMetrics
from qrstack_common.observability import add_readiness_check, new_service_app
from qrstack_common.serve import stop_tasks
from qrstack_redirect.caps import CapLeases, LeaseSettings
from qrstack_redirect.database import RedirectDatabase
from qrstack_redirect.forms import FormSubmissions
from qrstack_redirect.gate import Attempts, PasswordChecker, UnlockCookies, gate_key
from qrstack_redirect.pages import page_environment
from qrstack_redirect.routes import Routes
from qrstack_redirect.scan import Answers
from qrstack_redirect.scanner import (
    ClientFactsReader,
    GeoDatabase,
    TrustedProxies,
    UserAgentParser,
    visitor_key,
)
from qrstack_redirect.scans.emitter import ScanEmitter
from qrstack_redirect.scans.encoding import ScanIds
from qrstack_redirect.scans.spool import ScanSpool
from qrstack_redirect.serving import WORKER_ENV
from qrstack_redirect.settings import RedirectSettings
from qrstack_redirect.table.feed import table_reader
from qrstack_redirect.table.slug_table import SlugTable

log = logging.getLogger(__name__)

ROUTES = web.AppKey("routes", Routes)
_STOP_WAIT_S = 30.0


def create_app(settings: RedirectSettings) -> web.Application:
    metrics = RedirectMetrics()
    metrics.worker.set(int(os.environ.get(WORKER_ENV, "-1")))
    app = new_service_app(metrics)
    table = SlugTable()
    reader = table_reader(settings.kafka_bootstrap_servers, table)
    geo = GeoDatabase.open(settings.geoip_path)
    database = RedirectDatabase(
        settings.database_url,
        pool_size=settings.db_pool_size,
        timeout_s=settings.db_timeout_ms / 1000,
        retry_s=settings.db_retry_ms / 1000,
    )
    caps = CapLeases(
        database,
        settings.lease_dir,
        metrics.cap_checks.counts,
        LeaseSettings(wait_s=settings.cap_wait_ms / 1000, ttl_s=settings.lease_ttl_s),
    )
    answers = Answers(
        table=table,
        pages=page_environment(),
        metrics=metrics,
        store_ip_prefix=settings.store_ip_prefix,
        files_url=settings.public_api_url,
        ids=ScanIds(),
    )
    routes = Routes(
        table=table,
        facts=ClientFactsReader(
            agents=UserAgentParser(cache_size=10_000),
            geo=geo,
            trusted_proxies=TrustedProxies(settings.trusted_proxies),
        ),
        answers=answers,
        metrics=metrics,
        salt=visitor_key(settings.visitor_salt or secrets.token_hex(32)),
        caps=caps,
        unlocks=UnlockCookies(
            gate_key(settings.gate_secret, settings.visitor_salt), settings.gate_cookie_ttl_s
        ),
        gate_attempts=Attempts(settings.gate_attempts, settings.gate_window_s),
        passwords=PasswordChecker(),
        forms=FormSubmissions(database),
        form_attempts=Attempts(settings.form_posts, settings.form_window_s),
    )
    app[ROUTES] = routes
    metrics.table_codes.set_function(lambda: len(table))
    metrics.table_lag.set_function(reader.lag)
    metrics.table_rejected.set_function(lambda: table.rejected)
    metrics.table_ready.set_function(lambda: 1 if reader.ready else 0)

    async def slug_table(app: web.Application) -> AsyncIterator[None]:
        feed = asyncio.create_task(reader.run(), name="slug-table-feed")
        settle = asyncio.create_task(_freeze_when_ready(reader), name="table-gc")
        yield
        await stop_tasks(settle, feed)
        geo.close()

    async def scan_events(app: web.Application) -> AsyncIterator[None]:
        emitter = ScanEmitter(
            settings.kafka_bootstrap_servers,
            ScanSpool(settings.spool_dir, settings.spool_max_bytes),
            metrics,
            max_buffer=settings.scan_buffer_max,
            batch_size=settings.scan_batch_size,
            linger_s=settings.scan_linger_ms / 1000,
        )
        answers.emitter = emitter
        task = asyncio.create_task(emitter.run(), name="scan-emitter")
        yield
        emitter.stop()  # the batch in hand is sent or spooled, not cut short
        try:
            await asyncio.wait_for(task, _STOP_WAIT_S)
        except TimeoutError:
            log.error("scan events still sending at the stop; closing anyway")
        await emitter.close()
        answers.emitter = None

    async def database_pool(app: web.Application) -> AsyncIterator[None]:
        warming = asyncio.create_task(database.warm(), name="database-warm")
        yield
        await stop_tasks(warming)
        await database.close()

    async def cap_leases(app: web.Application) -> AsyncIterator[None]:
        keeper = asyncio.create_task(caps.run(), name="cap-leases")
        await asyncio.sleep(0)  # the ledger is open before the first scan
        yield
        await stop_tasks(keeper)
        await caps.close()  # every lease handed back

    app.cleanup_ctx.extend([database_pool, cap_leases, slug_table, scan_events])
    add_readiness_check(
        app,
        "slug_table",
        lambda: None if reader.ready else f"replaying the code table ({reader.lag()} behind)",
    )
    routes.add_to(app)
    return app


async def _freeze_when_ready(reader: TableReader) -> None:
    """Once the table is built, move everything allocated so far out of the garbage
    collector's generations: the table and the service's start-up objects live for the whole
    process, and scanning them in full collections would only add latency to scans."""
    await reader.wait_ready()
    gc.collect()
    gc.freeze()
    log.info("slug table ready; start-up objects frozen for the garbage collector")
