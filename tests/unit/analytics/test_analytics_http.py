"""The internal HTTP API as the API service calls it: contract shapes, validation errors, the
scans list with its cursor, the CSV export, batched totals, metrics and readiness."""

from __future__ import annotations

import asyncio
import csv
import io
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp.test_utils import TestClient
from unit.analytics.analytics_support import write_events

from qrstack_analytics.scans.synthetic import scan_event
from qrstack_analytics.storage.store import AnalyticsStore

Client = TestClient[Any, Any]


def base(ws: uuid.UUID, code: uuid.UUID) -> str:
    return f"/internal/v1/workspaces/{ws}/codes/{code}"


async def test_one_scan_is_one_scan(client: Client, store: AnalyticsStore) -> None:
    ws, code = uuid.uuid4(), uuid.uuid4()
    await store.write(write_events, store, [scan_event(workspace_id=ws, code_id=code)])
    response = await client.get(f"{base(ws, code)}/analytics?range=7d")
    assert response.status == 200
    body = await response.json()
    breakdowns = {"Country", "Region", "City", "Device", "Os", "Browser", "Referer"}
    assert set(body) == {"codeId", "range", "totals", "series", "byHour", "byDayOfWeek"} | {
        f"by{name}" for name in breakdowns
    }
    assert body["totals"] == {"scans": 1, "uniqueIpHashes": 1, "countries": 1}
    assert set(body["range"]) == {"start", "end", "tz", "granularity"}
    assert len(body["byHour"]) == 24 and len(body["byDayOfWeek"]) == 7
    assert len(body["series"]) == 7 and set(body["series"][0]) == {"t", "scans", "uniqueIpHashes"}


async def test_bad_parameters_are_a_400_naming_each_one(client: Client) -> None:
    response = await client.get(
        f"{base(uuid.uuid4(), uuid.uuid4())}/analytics?range=1y&tz=Mars/Base&top=0"
    )
    assert response.status == 400
    body = await response.json()
    assert body["error"] == "validation_failed"
    assert {tuple(i["path"]) for i in body["issues"]} == {("range",), ("tz",), ("top",)}
    response = await client.get("/internal/v1/workspaces/nope/codes/x/analytics?range=9d")
    assert response.status == 400
    paths = {tuple(i["path"]) for i in (await response.json())["issues"]}
    assert paths == {("workspaceId",), ("codeId",), ("range",)}
    response = await client.get(f"{base(uuid.uuid4(), uuid.uuid4())}/analytics?top=500")
    assert response.status == 400


async def test_the_scans_list_pages_newest_first_with_a_cursor(
    client: Client, store: AnalyticsStore
) -> None:
    ws, code = uuid.uuid4(), uuid.uuid4()
    at = datetime(2026, 5, 1, 10, tzinfo=UTC)
    events = [
        scan_event(workspace_id=ws, code_id=code, ts=at + timedelta(minutes=i // 2))
        for i in range(7)  # pairs share a time: the id breaks the tie
    ]
    events.append(scan_event(workspace_id=ws, code_id=code, ts=at, is_bot=True))
    events.append(scan_event(workspace_id=ws, code_id=code, ts=at, outcome="password_required"))
    await store.write(write_events, store, events)
    seen: list[dict[str, Any]] = []
    cursor = ""
    while True:
        response = await client.get(f"{base(ws, code)}/scans?limit=3&cursor={cursor}")
        assert response.status == 200
        page = await response.json()
        assert set(page) == {"data", "nextCursor"}
        seen.extend(page["data"])
        if page["nextCursor"] is None:
            break
        cursor = page["nextCursor"]
    assert len(seen) == 7
    expected = sorted(events[:7], key=lambda e: (e.ts, str(e.scan_id)), reverse=True)
    assert [s["scanId"] for s in seen] == [str(e.scan_id) for e in expected]
    first = seen[-1]
    assert first["scannedAt"] == "2026-05-01T10:00:00.000Z"
    assert first["country"] == "US" and first["referer"] is None and first["ruleId"] is None
    assert first["isBot"] is False
    with_bots = await client.get(f"{base(ws, code)}/scans?limit=200&includeBots=true")
    assert len((await with_bots.json())["data"]) == 8
    bad = await client.get(f"{base(ws, code)}/scans?limit=201&cursor=garbage!")
    assert bad.status == 400
    assert {tuple(i["path"]) for i in (await bad.json())["issues"]} == {("cursor",), ("limit",)}


async def test_the_csv_export_is_rfc_4180_and_formula_safe(
    client: Client, store: AnalyticsStore
) -> None:
    ws, code = uuid.uuid4(), uuid.uuid4()
    at = datetime(2026, 5, 2, 12, tzinfo=UTC)
    nasty = scan_event(
        workspace_id=ws,
        code_id=code,
        ts=at,
        city='Dallas, "TX"\nUSA',
        referrer='=HYPERLINK("http://evil")',
        region="+1",
        os="-cmd",
        browser="@SUM(A1)",
    )
    plain = scan_event(workspace_id=ws, code_id=code, ts=at - timedelta(hours=1))
    await store.write(write_events, store, [nasty, plain])
    response = await client.get(f"{base(ws, code)}/scans.csv?tz=Europe/Berlin&range=all")
    assert response.status == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    disposition = response.headers["Content-Disposition"]
    assert disposition == f'attachment; filename="scans-{code}-all.csv"'
    raw = await response.read()
    assert raw.count(b"\r\n") == 3  # header and two rows; the \n inside a field is quoted
    assert b'"Dallas, ""TX""\nUSA"' in raw
    rows = list(csv.DictReader(io.StringIO(raw.decode(), newline="")))
    assert [r["scanId"] for r in rows] == [str(nasty.scan_id), str(plain.scan_id)]
    assert list(rows[0])[:8] == [
        "scannedAt", "country", "region", "city", "device", "os", "browser", "referer"
    ]  # fmt: skip
    assert rows[0]["scannedAt"] == "2026-05-02T14:00:00.000+02:00"
    assert rows[0]["city"] == 'Dallas, "TX"\nUSA'
    assert rows[0]["referer"] == '\'=HYPERLINK("http://evil")'
    assert (rows[0]["region"], rows[0]["os"], rows[0]["browser"]) == ("'+1", "'-cmd", "'@SUM(A1)")
    assert rows[1]["referer"] == ""


async def test_totals_of_many_codes_in_one_call(client: Client, store: AnalyticsStore) -> None:
    ws = uuid.uuid4()
    a, b, never = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    at = datetime(2025, 1, 1, tzinfo=UTC)
    events = [scan_event(workspace_id=ws, code_id=a, ts=at + timedelta(days=i)) for i in range(3)]
    events += [
        scan_event(workspace_id=ws, code_id=b, ts=at),
        scan_event(workspace_id=ws, code_id=b, ts=at, is_bot=True),
        scan_event(workspace_id=uuid.uuid4(), code_id=b, ts=at),  # not this workspace
        # Refused: counted apart from the answered scans, by outcome (bots left out).
        *(scan_event(workspace_id=ws, code_id=a, ts=at, outcome="limit_reached") for _ in "xy"),
        scan_event(workspace_id=ws, code_id=a, ts=at, outcome="limit_reached", is_bot=True),
        scan_event(workspace_id=ws, code_id=b, ts=at, outcome="not_active"),
        scan_event(workspace_id=ws, code_id=b, ts=at, outcome="fallback"),
        scan_event(workspace_id=ws, code_id=b, ts=at, outcome="page"),  # answered
        scan_event(workspace_id=ws, code_id=b, ts=at, outcome="password_required"),  # neither
    ]
    await store.write(write_events, store, events)
    response = await client.post(
        f"/internal/v1/workspaces/{ws}/totals", json={"codeIds": [str(a), str(b), str(never)]}
    )
    assert response.status == 200
    none = {"limitReached": 0, "notActive": 0, "fallback": 0}
    assert await response.json() == {
        "totals": {str(a): 3, str(b): 2, str(never): 0},
        "refused": {
            str(a): {**none, "limitReached": 2},
            str(b): {**none, "notActive": 1, "fallback": 1},
            str(never): none,
        },
    }
    bad = await client.post("/internal/v1/workspaces/nope/totals", json={"codeIds": ["x"]})
    assert bad.status == 400
    assert {i["path"][0] for i in (await bad.json())["issues"]} == {"workspaceId", "codeIds"}


async def test_workspace_analytics_over_http(client: Client, store: AnalyticsStore) -> None:
    ws, code = uuid.uuid4(), uuid.uuid4()
    await store.write(write_events, store, [scan_event(workspace_id=ws, code_id=code)])
    response = await client.get(f"/internal/v1/workspaces/{ws}/analytics?range=30d&top=5")
    assert response.status == 200
    body = await response.json()
    assert body["totals"]["scans"] == 1
    assert body["topCodes"] == [
        {"codeId": str(code), "scans": 1, "uniqueIpHashes": 1, "share": 1.0}
    ]
    other = uuid.uuid4()
    narrowed = await client.post(
        f"/internal/v1/workspaces/{ws}/analytics?range=30d", json={"codeIds": [str(other)]}
    )
    assert (await narrowed.json())["totals"]["scans"] == 0
    exported = await client.get(f"/internal/v1/workspaces/{ws}/analytics.csv?range=7d")
    assert exported.headers["Content-Disposition"] == (
        f'attachment; filename="analytics-{ws}-7d.csv"'
    )
    rows = list(csv.reader(io.StringIO((await exported.read()).decode(), newline="")))
    assert rows[0] == ["section", "key", "scans", "uniqueIpHashes", "share"]
    assert ["totals", "", "1", "1", ""] in rows and ["topCodes", str(code), "1", "1", "1.0"] in rows


async def test_ready_and_measured(client: Client) -> None:
    assert (await client.get("/readyz")).status == 200
    metrics = await (await client.get("/metrics")).text()
    for name in (
        "qr_scans_ingested_total",
        "qr_ingest_batch_size",
        "qr_ingest_lag_records",
        "qr_ingest_insert_seconds",
        "qr_analytics_query_seconds",
    ):
        assert name in metrics


async def test_exports_and_queries_at_once_all_answer(
    client: Client, store: AnalyticsStore
) -> None:
    ws, code = uuid.uuid4(), uuid.uuid4()
    at = datetime(2026, 5, 3, tzinfo=UTC)
    events = [
        scan_event(workspace_id=ws, code_id=code, ts=at + timedelta(seconds=i)) for i in range(300)
    ]
    await store.write(write_events, store, events)

    async def export() -> int:
        response = await client.get(f"{base(ws, code)}/scans.csv?range=all")
        return (await response.read()).count(b"\r\n")

    async def analytics() -> int:
        response = await client.get(f"{base(ws, code)}/analytics?range=all")
        return int((await response.json())["totals"]["scans"])

    results = await asyncio.gather(*(export() for _ in range(8)), *(analytics() for _ in range(8)))
    assert results == [301] * 8 + [300] * 8


async def test_scans_sharing_a_millisecond_page_one_at_a_time_without_loss(
    client: Client, store: AnalyticsStore
) -> None:
    ws, code = uuid.uuid4(), uuid.uuid4()
    at = datetime(2026, 5, 1, 10, 0, 0, 250_000, tzinfo=UTC)
    events = [scan_event(workspace_id=ws, code_id=code, ts=at) for _ in range(3)]
    events.append(scan_event(workspace_id=ws, code_id=code, ts=at - timedelta(seconds=1)))
    await store.write(write_events, store, events)
    seen, cursors, cursor = [], [], None
    while True:
        params = {"limit": "1"} | ({"cursor": cursor} if cursor else {})
        page = await (await client.get(f"{base(ws, code)}/scans", params=params)).json()
        seen += [item["scanId"] for item in page["data"]]
        if (cursor := page["nextCursor"]) is None:
            break
        cursors.append(cursor)
    assert sorted(seen) == sorted(str(e.scan_id) for e in events) and len(seen) == 4
    assert cursors[:2] == ["2026-05-01T10:00:00.250000001Z", "2026-05-01T10:00:00.250000002Z"]
    # Timestamps a client built itself: scans at or before them.
    for built, expected in (
        ("2026-05-01T10:00:00.250Z", 4),
        ("2026-05-01T12:00:00.249+02:00", 1),
        ("2026-05-01", 0),
    ):
        page = await (await client.get(f"{base(ws, code)}/scans", params={"cursor": built})).json()
        assert len(page["data"]) == expected, built


async def test_a_reloaded_answer_is_cached_and_a_new_scan_still_shows_at_once(
    client: Client, store: AnalyticsStore
) -> None:
    ws, code = uuid.uuid4(), uuid.uuid4()
    await store.write(write_events, store, [scan_event(workspace_id=ws, code_id=code)])
    url = f"{base(ws, code)}/analytics?range=7d"
    first = await (await client.get(url)).json()
    assert await (await client.get(url)).json() == first
    await store.write(write_events, store, [scan_event(workspace_id=ws, code_id=code)])
    assert (await (await client.get(url)).json())["totals"]["scans"] == 2
    workspace = f"/internal/v1/workspaces/{ws}/analytics?range=7d"
    assert (await (await client.get(workspace)).json())["totals"]["scans"] == 2
    await store.write(write_events, store, [scan_event(workspace_id=ws, code_id=code)])
    assert (await (await client.get(workspace)).json())["totals"]["scans"] == 3
