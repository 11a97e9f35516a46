"""The API service application factory."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator

import aiohttp
from aiohttp import web

from qrstack_api import docs, generate
from qrstack_api.accounts import routes as accounts
from qrstack_api.accounts.auth import install_access
from qrstack_api.accounts.passwords import configured_hasher
from qrstack_api.analytics import routes as analytics
from qrstack_api.billing import routes as billing
from qrstack_api.codes import images as code_images
from qrstack_api.codes import routes as codes
from qrstack_api.compat import routes as compat
from qrstack_api.compat.middleware import COMPAT_MIDDLEWARES
from qrstack_api.console import billing_pages as console_billing
from qrstack_api.console import domain_pages as console_domains
from qrstack_api.console import invite_pages as console_invites
from qrstack_api.console import library_pages as console_library
from qrstack_api.console import routes as console
from qrstack_api.console import rule_pages as console_rules
from qrstack_api.console import signin as console_signin
from qrstack_api.console import team_pages as console_team
from qrstack_api.console.pages import ENV as CONSOLE_TEMPLATES
from qrstack_api.console.pages import environment as console_templates
from qrstack_api.context import HASHER, POOL, SETTINGS
from qrstack_api.db.migrate import apply_migrations
from qrstack_api.db.pool import create_pool
from qrstack_api.domains import routes as domains
from qrstack_api.files import routes as files
from qrstack_api.folders import routes as folders
from qrstack_api.livescans import routes as livescans
from qrstack_api.livescans.feed import ScanFeed
from qrstack_api.livescans.routes import FEED, OPEN_STREAMS
from qrstack_api.mcp import routes as mcp
from qrstack_api.mcp.routes import mcp_sessions
from qrstack_api.openapi.query_check import refuse_unknown_query_parameters
from qrstack_api.outbox.relay import OutboxRelay
from qrstack_api.portability import routes as portability
from qrstack_api.printing import routes as printing
from qrstack_api.rules import routes as rules
from qrstack_api.rules import tester as rules_tester
from qrstack_api.scannability import routes as scannability
from qrstack_api.settings import ApiSettings
from qrstack_api.status import routes as status
from qrstack_api.status.sampler import status_sampling
from qrstack_api.submissions import routes as submissions
from qrstack_api.submissions.retention import submission_retention
from qrstack_api.tags import routes as tags
from qrstack_api.upstream import ANALYTICS_OUTAGE, RENDERER_OUTAGE, UPSTREAM, Outage
from qrstack_api.webhooks import routes as webhooks
from qrstack_common.metrics import ApiMetrics
from qrstack_common.observability import add_readiness_check, new_service_app
from qrstack_common.serve import stop_tasks

RELAY = web.AppKey("outbox_relay", OutboxRelay)


def create_app(settings: ApiSettings) -> web.Application:
    metrics = ApiMetrics()
    app = new_service_app(metrics)
    app[SETTINGS] = settings
    app[HASHER] = configured_hasher(settings)  # code passwords follow API_PASSWORD_*
    app[CONSOLE_TEMPLATES] = console_templates()
    app.middlewares.extend(COMPAT_MIDDLEWARES)  # before access (install_access appends it)
    # One line per feature module (each has a `routes` RouteTableDef).
    modules = (
        codes,
        code_images,
        analytics,
        files,
        submissions,
        generate,
        folders,
        tags,
        rules,
        rules_tester,
        domains,
        billing,
        status,
        accounts,
        compat,
        scannability,
        portability,
        printing,
        webhooks,
        livescans,
        mcp,
        console_signin,
        console_team,
        console_invites,
        console_library,
        console_rules,
        console_domains,
        console_billing,
        console,
    )
    for module in (*modules, docs):
        app.add_routes(module.routes)

    async def database(app: web.Application) -> AsyncIterator[None]:
        await apply_migrations(settings.database_url)
        app[POOL] = await create_pool(settings.database_url, settings.db_pool_size)
        yield
        await app[POOL].close()

    async def upstream(app: web.Application) -> AsyncIterator[None]:
        timeout = aiohttp.ClientTimeout(total=settings.upstream_timeout_s)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            app[UPSTREAM] = session
            app[ANALYTICS_OUTAGE], app[RENDERER_OUTAGE] = Outage(), Outage()
            yield

    async def outbox_relay(app: web.Application) -> AsyncIterator[None]:
        relay = OutboxRelay(
            settings.database_url,
            settings.kafka_bootstrap_servers,
            metrics,
            partitions=settings.topic_partitions,
        )
        app[RELAY] = relay
        task = asyncio.create_task(relay.run(), name="outbox-relay")
        yield
        await stop_tasks(task)

    async def live_scans(app: web.Application) -> AsyncIterator[None]:
        app[FEED] = ScanFeed(settings.kafka_bootstrap_servers, buffer=settings.scan_stream_buffer)
        app[OPEN_STREAMS] = Counter()
        yield
        await app[FEED].close()

    app.cleanup_ctx.extend(
        [database, upstream, outbox_relay, status_sampling, live_scans, mcp_sessions]
    )
    app.cleanup_ctx.append(submission_retention)
    install_access(app, settings, metrics)  # after `database`: it uses the pool
    app.middlewares.append(refuse_unknown_query_parameters)  # after access: 401 comes first
    add_readiness_check(app, "database", lambda: None if POOL in app else "connecting")
    return app
