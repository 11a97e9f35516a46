"""The redirect service application factory: every scan answered from the in-memory table."""

from __future__ import annotations

import asyncio
import contextlib
import re
import secrets
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime

from aiohttp import web
from jinja2 import Environment

from qrstack_common.events import CodeSnapshot, ScanEvent
from qrstack_common.metrics import RedirectMetrics
from qrstack_common.observability import add_readiness_check, new_service_app
from qrstack_redirect.clients import (
    ClientFacts,
    ClientFactsReader,
    GeoDatabase,
    TrustedProxies,
    UserAgentParser,
    ip_prefix,
    visitor_hash,
    visitor_key,
)
from qrstack_redirect.pages import page_environment, render_page
from qrstack_redirect.resolve import Resolution, ScanContext, resolve_scan
from qrstack_redirect.scans.emitter import ScanEmitter
from qrstack_redirect.scans.spool import ScanSpool
from qrstack_redirect.settings import RedirectSettings
from qrstack_redirect.table.feed import table_reader
from qrstack_redirect.table.slug_table import SlugTable

_NO_STORE = "private, no-store"
SCANNER_COOKIE = "qrsid"
SCANNER_COOKIE_MAX_AGE = 365 * 86_400
_SCANNER_ID = re.compile(r"[0-9a-f]{32}")


@dataclass
class ScanDesk:
    """What the scan handler needs, built once per app."""

    table: SlugTable
    facts: ClientFactsReader
    pages: Environment
    metrics: RedirectMetrics
    salt: bytes
    store_ip_prefix: bool
    emitter: ScanEmitter | None = None


DESK = web.AppKey("scan_desk", ScanDesk)


def create_app(settings: RedirectSettings) -> web.Application:
    metrics = RedirectMetrics()
    app = new_service_app(metrics)
    table = SlugTable()
    reader = table_reader(settings.kafka_bootstrap_servers, table)
    geo = GeoDatabase.open(settings.geoip_path)
    desk = ScanDesk(
        table=table,
        facts=ClientFactsReader(
            agents=UserAgentParser(cache_size=10_000),
            geo=geo,
            trusted_proxies=TrustedProxies(settings.trusted_proxies),
        ),
        pages=page_environment(),
        metrics=metrics,
        salt=visitor_key(settings.visitor_salt or secrets.token_hex(32)),
        store_ip_prefix=settings.store_ip_prefix,
    )
    app[DESK] = desk

    async def slug_table(app: web.Application) -> AsyncIterator[None]:
        task = asyncio.create_task(reader.run(), name="slug-table-feed")
        yield
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
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
        desk.emitter = emitter
        task = asyncio.create_task(emitter.run(), name="scan-emitter")
        yield
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await emitter.close()

    def table_ready() -> str | None:
        metrics.table_codes.set(len(table))
        metrics.table_lag.set(reader.lag())
        return None if reader.ready else f"replaying the code table ({reader.lag()} behind)"

    app.cleanup_ctx.extend([slug_table, scan_events])
    add_readiness_check(app, "slug_table", table_ready)
    app.router.add_route("GET", "/{slug}", scan)
    app.router.add_route("HEAD", "/{slug}", scan)
    return app


async def scan(request: web.Request) -> web.Response:
    """Answer one scan and record it (GET only; HEAD is never counted)."""
    desk = request.app[DESK]
    slug = request.match_info["slug"]
    host = desk.table.table_host(request.host)
    entry = desk.table.lookup(host, slug)
    now = datetime.now(UTC)
    facts = desk.facts.read(request.remote, request.headers)
    cookie = request.cookies.get(SCANNER_COOKIE, "")
    known_scanner = _SCANNER_ID.fullmatch(cookie) is not None
    hashed = visitor_hash(facts.ip, facts.user_agent, now.date(), desk.salt)
    ctx = ScanContext(
        now=now,
        query_string=request.query_string,
        query=request.query,
        facts=facts,
        scanner_id=cookie if known_scanner else hashed,
    )
    resolution = resolve_scan(entry, desk.table.domain(host), ctx)
    desk.metrics.scans.labels(resolution.outcome).inc()
    code = entry.code if entry is not None else None
    if request.method == "GET" and (code is None or code.scan_tracking):
        _record(desk, request.host, slug, code, resolution, facts, now, hashed)
    response = _answer(desk, resolution, slug)
    if entry is not None and entry.rules.uses_scanner_id and not known_scanner:
        # A/B arms stay sticky for this scanner beyond the day the visitor hash covers.
        response.set_cookie(
            SCANNER_COOKIE, ctx.scanner_id, max_age=SCANNER_COOKIE_MAX_AGE,
            path="/", httponly=True, samesite="Lax", secure=request.secure,
        )  # fmt: skip
    return response


def _record(
    desk: ScanDesk,
    request_host: str,
    slug: str,
    code: CodeSnapshot | None,
    resolution: Resolution,
    facts: ClientFacts,
    now: datetime,
    hashed_visitor: str,
) -> None:
    if desk.emitter is None:
        return
    event = ScanEvent.model_construct(  # trusted values: skip validation on the hot path
        scan_id=uuid.uuid4(),
        ts=now,
        workspace_id=code.workspace_id if code else None,
        code_id=code.id if code else None,
        domain=request_host.lower(),
        slug=slug,
        rule_id=resolution.rule_id,
        variant=resolution.variant,
        target=resolution.location,
        outcome=resolution.outcome,
        country=facts.country,
        region=facts.region,
        city=facts.city,
        device=facts.device,
        os=facts.os,
        browser=facts.browser,
        referrer=facts.referrer,
        language=facts.language,
        is_bot=facts.is_bot,
        bot_reason=facts.bot_reason,
        visitor_hash=hashed_visitor,
        ip_prefix=ip_prefix(facts.ip) if desk.store_ip_prefix else None,
    )
    desk.emitter.emit(event)


def _answer(desk: ScanDesk, resolution: Resolution, slug: str) -> web.Response:
    if resolution.location is not None:
        return web.Response(
            status=resolution.status,
            headers={"Location": resolution.location, "Cache-Control": _NO_STORE},
        )
    assert resolution.page is not None
    html = render_page(desk.pages, resolution.page, slug=slug)
    return web.Response(
        status=resolution.status,
        text=html,
        content_type="text/html",
        headers={"Cache-Control": _NO_STORE},
    )
