"""/v1 analytics across the real processes: read as a client written from the TurtleQR docs
would read it, and the workspace view checked against the sum of the per-code answers (several
timezones, a DST change inside the window, folders, tags, code ids), never another workspace's.

Scans are published to `qr.scans.v2` as the redirect service does, so the answers come through
the whole pipeline (Kafka → ingestion → ClickHouse → analytics service → API)."""

from __future__ import annotations

import asyncio
import csv
import io
import random
import re
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
import pytest

from qrstack_common.events import SCANS_TOPIC_V2
from qrstack_common.kafka import EventProducer
from qrstack_common.scan_wire import encode_scan
from qrstack_launcher.stack import Platform
from support.accounts import new_workspace
from support.ids import kafka_key, uuid_of

pytestmark = pytest.mark.infra

# The seed's example answer of GET /v1/codes/:id/analytics, field by field, with its types.
SEED_TOTALS = {"scans": int, "uniqueIpHashes": int, "countries": int}
SEED_ROW = {"key": str, "scans": int}
SEED_SCAN_FIELDS = ("scannedAt", "country", "region", "city", "device", "os", "browser", "referer")
ZONES = ("UTC", "America/New_York", "Asia/Kolkata", "Australia/Adelaide")


async def _get(
    session: aiohttp.ClientSession, url: str, auth: dict[str, str], **params: Any
) -> Any:
    async with session.get(url, headers=auth, params=params) as response:
        assert response.status == 200, await response.text()
        return await response.json()


async def _post(session: aiohttp.ClientSession, url: str, auth: dict[str, str], body: Any) -> Any:
    async with session.post(url, headers=auth, json=body) as response:
        assert response.status == 201, await response.text()
        return await response.json()


def _scans(workspace_id: uuid.UUID, code_id: str, count: int, rng: random.Random) -> list[bytes]:
    now = datetime.now(UTC)
    return [
        encode_scan(
            scan_id=str(uuid.uuid4()),
            # Within the last 60 days: inside every zone's 90-day window, across a DST change.
            ts=now - timedelta(seconds=rng.randrange(60 * 86_400)),
            domain="qr.example.test",
            slug=code_id[:8],
            outcome="redirect",
            visitor_hash=f"v{rng.randrange(count)}",
            workspace_id=str(workspace_id),
            code_id=code_id,
            target="https://example.com/",
            device=rng.choice(["mobile", "desktop", "tablet"]),
            country=rng.choice(["US", "DE", "IN", None]),
            os="iOS",
            browser="Safari",
            referrer=rng.choice(["t.co", None]),
        )
        for _ in range(count)
    ]


async def _publish(platform: Platform, records: list[tuple[bytes, bytes]]) -> None:
    producer = EventProducer(platform.infra.kafka_bootstrap, client_id="analytics-e2e")
    await producer.start()
    try:
        await asyncio.gather(*await producer.send_keyed(SCANS_TOPIC_V2, records))
    finally:
        await producer.stop()


async def test_seed_shaped_answers_and_workspace_analytics(platform: Platform) -> None:
    rng = random.Random(12)
    api = platform.url("api")
    mine = await new_workspace(platform.infra.database_url)
    theirs = await new_workspace(platform.infra.database_url)
    auth = {"Authorization": f"Bearer {mine.api_key}"}
    their_auth = {"Authorization": f"Bearer {theirs.api_key}"}
    async with aiohttp.ClientSession() as session:
        folder = await _post(session, f"{api}/v1/folders", auth, {"name": "Print"})
        specs = [
            {"folderId": folder["id"], "tags": ["print"]},
            {"tags": ["print"]},
            {},
        ]
        codes = [
            await _post(session, f"{api}/v1/codes", auth, {"targetUrl": "https://e.com/", **spec})
            for spec in specs
        ]
        other = await _post(session, f"{api}/v1/codes", their_auth, {"targetUrl": "https://e.com/"})
        counts = {codes[0]["id"]: 45, codes[1]["id"]: 30, codes[2]["id"]: 12, other["id"]: 20}
        owner = {code_id: mine.workspace_id for code_id in counts} | {
            other["id"]: theirs.workspace_id
        }
        records = [
            (kafka_key(code_id), value)
            for code_id, count in counts.items()
            for value in _scans(owner[code_id], str(uuid_of(code_id)), count, rng)
        ]
        await _publish(platform, records)

        async with asyncio.timeout(60):
            while True:
                body = await _get(session, f"{api}/v1/analytics", auth, range="90d")
                if body["totals"]["scans"] == 87:
                    break
                await asyncio.sleep(0.3)

        await _check_seed_shapes(session, api, auth, codes[0]["id"], counts[codes[0]["id"]])

        # The workspace equals the sum of its codes' answers, for every filter and zone.
        filters: list[tuple[dict[str, str], list[dict[str, Any]]]] = [
            ({}, codes),
            ({"folderId": folder["id"]}, codes[:1]),
            ({"tag": "print"}, codes[:2]),
            ({"codeIds": f"{codes[1]['id']},{codes[2]['id']}"}, codes[1:]),
            ({"tag": "print", "folderId": "none"}, codes[1:2]),
            ({"codeIds": other["id"]}, []),  # another workspace's code: nothing
        ]
        for tz in ZONES:
            for query, included in filters:
                whole = await _get(
                    session, f"{api}/v1/analytics", auth, range="90d", tz=tz, top="100", **query
                )
                parts = [
                    await _get(
                        session,
                        f"{api}/v1/codes/{code['id']}/analytics",
                        auth,
                        range="90d",
                        tz=tz,
                        top="100",
                    )
                    for code in included
                ]
                _assert_sum(whole, parts, tz, query)
                assert {c["codeId"] for c in whole["topCodes"]} == {c["id"] for c in included}
                # Each top code named as the code's own answer names it.
                assert {
                    (c["codeId"], c["label"], c["slug"], c["deleted"]) for c in whole["topCodes"]
                } == {(c["id"], c["label"], c["slug"], False) for c in included}

        theirs_body = await _get(session, f"{api}/v1/analytics", their_auth, range="90d")
        assert theirs_body["totals"]["scans"] == 20
        assert [c["codeId"] for c in theirs_body["topCodes"]] == [other["id"]]
        async with session.get(f"{api}/v1/codes/{other['id']}/analytics", headers=auth) as response:
            assert response.status == 404

        async with session.get(
            f"{api}/v1/analytics.csv", headers=auth, params={"range": "30d"}
        ) as r:
            assert r.status == 200
            assert r.headers["Content-Disposition"] == (
                f'attachment; filename="analytics-{mine.workspace_id}-30d.csv"'
            )
            rows = list(csv.reader(io.StringIO(await r.text(), newline="")))
        assert rows[0] == ["section", "key", "scans", "uniqueIpHashes", "share"]
        bad = await session.get(
            f"{api}/v1/analytics", headers=auth, params={"folderId": "x", "codeIds": "nope"}
        )
        assert bad.status == 400
        assert {i["path"][0] for i in (await bad.json())["issues"]} == {"folderId", "codeIds"}


def _assert_sum(
    whole: dict[str, Any], parts: list[dict[str, Any]], tz: str, query: dict[str, str]
) -> None:
    where = f"tz={tz} {query}"
    assert whole["totals"]["scans"] == sum(p["totals"]["scans"] for p in parts), where
    assert whole["totals"]["codes"] == sum(1 for p in parts if p["totals"]["scans"]), where
    for field, size in (("byHour", 24), ("byDayOfWeek", 7)):
        assert whole[field] == [sum(p[field][i] for p in parts) for i in range(size)], where
    series = Counter[str]()
    for p in parts:
        series.update({b["t"]: b["scans"] for b in p["series"]})
    assert {b["t"]: b["scans"] for b in whole["series"] if b["scans"]} == {
        t: n for t, n in series.items() if n
    }, where
    for field in ("byCountry", "byDevice", "byReferer"):
        summed = Counter[str | None]()
        for p in parts:
            summed.update({e["key"]: e["scans"] for e in p[field]})
        assert {e["key"]: e["scans"] for e in whole[field]} == dict(summed), where
    for top in whole["topCodes"]:
        [part] = [p for p in parts if p["codeId"] == top["codeId"]]
        assert top["scans"] == part["totals"]["scans"], where
        assert top["share"] == round(top["scans"] / whole["totals"]["scans"], 4), where


async def _check_seed_shapes(
    session: aiohttp.ClientSession, api: str, auth: dict[str, str], code_id: str, count: int
) -> None:
    body = await _get(session, f"{api}/v1/codes/{code_id}/analytics", auth, range="30d")
    for name, kind in SEED_TOTALS.items():
        assert isinstance(body["totals"][name], kind)
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d", b["t"]) for b in body["series"])
    assert all(isinstance(b["scans"], int) for b in body["series"])
    for breakdown in ("byCountry", "byDevice"):
        for entry in body[breakdown]:
            assert isinstance(entry["scans"], int)
            assert entry["key"] is None or isinstance(entry["key"], str)
    assert any(isinstance(e["key"], str) for e in body["byDevice"])
    assert len(body["byHour"]) == 24 and all(isinstance(n, int) for n in body["byHour"])
    assert len(body["byDayOfWeek"]) == 7 and sum(body["byDayOfWeek"]) == body["totals"]["scans"]

    # The scans list: data + nextCursor, newest first, paged to the end without repeats.
    seen: list[dict[str, Any]] = []
    params: dict[str, Any] = {"limit": 7}
    while True:
        page = await _get(session, f"{api}/v1/codes/{code_id}/scans", auth, **params)
        seen.extend(page["data"])
        if page["nextCursor"] is None:
            break
        datetime.fromisoformat(page["nextCursor"][:23] + "+00:00")  # an ISO timestamp
        params["cursor"] = page["nextCursor"]
    assert len(seen) == count and len({s["scanId"] for s in seen}) == count
    assert all(set(SEED_SCAN_FIELDS) <= set(s) for s in seen)
    times = [datetime.fromisoformat(s["scannedAt"].replace("Z", "+00:00")) for s in seen]
    assert times == sorted(times, reverse=True)
    built = times[count // 2].isoformat()  # a cursor the client built itself
    page = await _get(session, f"{api}/v1/codes/{code_id}/scans", auth, cursor=built, limit=200)
    assert len(page["data"]) == count - count // 2

    async with session.get(
        f"{api}/v1/codes/{code_id}/scans.csv", headers=auth, params={"range": "90d"}
    ) as response:
        assert response.status == 200
        assert response.headers["Content-Disposition"] == (
            f'attachment; filename="scans-{code_id}-90d.csv"'
        )
        header = next(csv.reader(io.StringIO(await response.text(), newline="")))
    assert tuple(header[: len(SEED_SCAN_FIELDS)]) == SEED_SCAN_FIELDS
