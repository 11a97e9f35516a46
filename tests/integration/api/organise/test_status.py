"""The public status page: samples recorded in PostgreSQL become current statuses, a 90-day
daily history and an RSS feed of changes; the sampler probes the real components and is owned
by a cleanup context."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime, time, timedelta
from typing import TYPE_CHECKING

import aiohttp
import asyncpg
import pytest
from aiohttp import web
from integration.api.organise.conftest import SAMPLE_INTERVAL_S, AnalyticsStandIn

from qrstack_api.context import POOL, SETTINGS
from qrstack_api.status.probes import COMPONENTS, Observation
from qrstack_api.status.sampler import StatusSampler, record_observations, status_sampling
from qrstack_api.upstream import UPSTREAM
from qrstack_launcher.stack import Infrastructure
from support.api import api_settings
from support.waiting import eventually

if TYPE_CHECKING:
    from integration.api.organise.conftest import Client, Nowhere

pytestmark = pytest.mark.infra


async def clear_status(db: asyncpg.Pool, *, hold_off_samplers: bool = True) -> None:
    """Empty the status tables. Unless told otherwise, leave a row sampled now under a name
    the page does not show, so that the sampler of any API app running in this session skips
    its rounds (too soon after this one) while the test records its own."""
    guard = (
        "INSERT INTO status_components (component, status, checked_at, changed_at)"
        " VALUES ('test-guard', 'operational', now(), now());"
        if hold_off_samplers
        else ""
    )
    await db.execute(f"TRUNCATE status_components, status_days, status_incidents; {guard}")


def round_of(at_fault: dict[str, Observation] | None = None) -> list[Observation]:
    faults = at_fault or {}
    return [faults.get(name, Observation(name, "operational")) for name in COMPONENTS]


async def test_samples_become_the_summary_history_and_feed(api: Client, db: asyncpg.Pool) -> None:
    await clear_status(db)
    now = datetime.now(UTC)
    earlier = datetime.combine(now.date() - timedelta(days=2), time(12), UTC)  # mid-day
    outage = Observation("redirect", "outage", "unreachable (<ClientConnectorError>)")
    await record_observations(db, round_of(), earlier, min_gap_s=0)
    await record_observations(db, round_of({"redirect": outage}), earlier + timedelta(minutes=1),
                              min_gap_s=0)  # fmt: skip
    slow = Observation("renderer", "degraded", "/readyz answered 503")
    await record_observations(db, round_of({"renderer": slow}), now, min_gap_s=0)

    response = await api.get("/v1/status/summary")  # public: no key
    assert response.status == 200 and "max-age" in response.headers["Cache-Control"]
    page = await response.json()
    assert page["status"] == "degraded"
    assert [c["name"] for c in page["components"]] == list(COMPONENTS)
    by_name = {c["name"]: c for c in page["components"]}
    renderer, redirect = by_name["renderer"], by_name["redirect"]
    assert renderer["status"] == "degraded" and renderer["detail"] == "/readyz answered 503"
    assert redirect["status"] == "operational"
    assert datetime.fromisoformat(redirect["since"]) == now
    history = redirect["history"]
    assert len(history) == 90 and history[-1]["date"] == now.date().isoformat()
    assert history[-3] == {
        "date": earlier.date().isoformat(),
        "status": "outage",
        "uptime": 50.0,
        "checks": 2,
    }
    assert history[-1]["status"] == "operational" and history[-1]["checks"] == 1
    assert history[0] == {**history[0], "status": "unknown", "uptime": None, "checks": 0}
    assert redirect["uptime"] == pytest.approx(66.667)

    feed = await api.get("/v1/status/rss")
    assert feed.status == 200 and feed.content_type == "application/rss+xml"
    channel = ET.fromstring(await feed.read()).find("channel")  # noqa: S314 - our own feed
    assert channel is not None
    titles = [item.findtext("title") for item in channel.findall("item")]
    assert titles == [
        "renderer: operational → degraded",
        "redirect: outage → operational",
        "redirect: operational → outage",
    ]


async def test_a_round_right_after_another_is_not_recorded(db: asyncpg.Pool, api: Client) -> None:
    await clear_status(db)
    now = datetime.now(UTC) + timedelta(minutes=2)  # clear of the guard row
    assert await record_observations(db, round_of(), now, min_gap_s=30)
    assert not await record_observations(db, round_of(), now + timedelta(seconds=5), min_gap_s=30)
    assert await record_observations(db, round_of(), now + timedelta(seconds=31), min_gap_s=30)
    checks = await db.fetchval("SELECT sum(operational) FROM status_days WHERE component = 'api'")
    assert checks == 2


async def test_components_not_sampled_recently_are_unknown(db: asyncpg.Pool, api: Client) -> None:
    await clear_status(db)
    long_ago = datetime.now(UTC) - timedelta(seconds=3 * SAMPLE_INTERVAL_S + 60)
    await record_observations(db, round_of(), long_ago, min_gap_s=0)
    page = await (await api.get("/v1/status/summary")).json()
    assert page["status"] == "unknown"
    assert {c["status"] for c in page["components"]} == {"unknown"}
    assert page["components"][0]["detail"] == "not sampled recently"


async def test_the_sampler_probes_the_real_components(
    infra: Infrastructure, db: asyncpg.Pool, analytics: AnalyticsStandIn, nowhere: Nowhere
) -> None:
    settings = api_settings(
        infra,
        redirect_url=nowhere(),
        renderer_url=nowhere(),
        analytics_url=analytics.url,  # answers, but has no /readyz: 404
        status_probe_timeout_s=5.0,
    )
    async with aiohttp.ClientSession() as session:
        seen = await StatusSampler(db, session, settings).observe()
    by_name = {o.component: o for o in seen}
    assert [o.component for o in seen] == list(COMPONENTS)
    assert by_name["postgres"].status == "operational"
    assert by_name["kafka"].status == "operational"
    assert by_name["api"].status == "operational"
    assert by_name["redirect"].status == "outage"
    assert "unreachable" in (by_name["redirect"].detail or "")
    assert by_name["renderer"].status == "outage"
    assert by_name["analytics"].status == "degraded"
    assert (by_name["analytics"].detail or "").startswith("/readyz answered 404")


async def test_the_sampling_task_belongs_to_a_cleanup_context(
    infra: Infrastructure, db: asyncpg.Pool, api: Client, nowhere: Nowhere
) -> None:
    await clear_status(db, hold_off_samplers=False)
    app = web.Application()
    app[POOL] = db
    app[SETTINGS] = api_settings(infra, redirect_url=nowhere(), renderer_url=nowhere(),
                                 analytics_url=nowhere(), status_probe_timeout_s=2.0)  # fmt: skip
    async with aiohttp.ClientSession() as session:
        app[UPSTREAM] = session
        app.cleanup_ctx.append(status_sampling)
        runner = web.AppRunner(app)
        await runner.setup()  # starts the cleanup contexts: the first round runs at once

        async def sampled() -> bool:
            return bool(await db.fetchval("SELECT count(*) = 6 FROM status_components"))

        await eventually(sampled, timeout=15)
        await runner.cleanup()  # cancels and awaits the task
    statuses = dict(await db.fetch("SELECT component, status FROM status_components"))
    assert statuses["postgres"] == "operational" and statuses["analytics"] == "outage"
