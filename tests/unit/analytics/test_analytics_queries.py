"""Every analytics answer against known data: exact numbers, DST days, timezones that move the
hour of day (including half-hour and 45-minute offsets), bots, uncounted outcomes, top-N with
an "other" row, and the same answers whether rollups or raw scans serve a window."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from unit.analytics.analytics_oracle import breakdowns_of, expected_analytics
from unit.analytics.analytics_support import write_events

from qrstack_analytics.queries.analytics import QueryContext, code_analytics, workspace_analytics
from qrstack_analytics.queries.scope import Scope
from qrstack_analytics.queries.windows import parse_window_request, resolve_window
from qrstack_analytics.scans.synthetic import scan_event
from qrstack_analytics.storage.store import AnalyticsStore
from qrstack_common.events import ScanEvent

NOW = datetime(2026, 6, 30, 12, tzinfo=UTC)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


async def analytics(
    store: AnalyticsStore,
    ws: uuid.UUID,
    code: uuid.UUID | None,
    query: dict[str, str],
    *,
    now: datetime = NOW,
    retention_days: int = 0,
    top: int = 10,
) -> dict[str, Any]:
    request = parse_window_request(query, store.time_zones)
    ctx = QueryContext(store, retention_days, now)
    scope = Scope(ws, code, request.include_bots)
    if code is None:
        return await workspace_analytics(ctx, scope, request, top=top)
    return await code_analytics(ctx, scope, request, top=top)


async def test_totals_breakdowns_and_other_row_are_exact(store: AnalyticsStore) -> None:
    ws, code = uuid.uuid4(), uuid.uuid4()
    at = utc(2026, 6, 10, 9)
    by_country = [
        ("US", "a"), ("US", "a"), ("US", "b"), ("US", "c"), ("US", "d"),
        ("DE", "a"), ("DE", "e"), ("DE", "f"),
        ("FR", "g"), ("FR", "g"),
        (None, "h"),
        ("JP", "i"),
    ]  # fmt: skip
    events = [
        scan_event(workspace_id=ws, code_id=code, ts=at, country=c, visitor_hash=v)
        for c, v in by_country
    ]
    events += [
        scan_event(workspace_id=ws, code_id=code, ts=at, is_bot=True, device="bot"),
        scan_event(workspace_id=ws, code_id=code, ts=at, outcome="password_required"),
        scan_event(workspace_id=ws, code_id=code, ts=at, outcome="fallback", visitor_hash="a"),
    ]
    await store.write(write_events, store, events)
    body = await analytics(store, ws, code, {"range": "30d"}, top=2)
    assert body["codeId"] == str(code)
    assert body["totals"] == {"scans": 13, "uniqueIpHashes": 9, "countries": 4}
    assert body["byCountry"] == [
        {"key": "US", "scans": 6, "uniqueIpHashes": 4},
        {"key": "DE", "scans": 3, "uniqueIpHashes": 3},
        {"key": "other", "scans": 4, "uniqueIpHashes": 3, "other": True},
    ]
    assert body["byDevice"] == [{"key": "mobile", "scans": 13, "uniqueIpHashes": 9}]
    assert body["byReferer"] == [{"key": None, "scans": 13, "uniqueIpHashes": 9}]
    with_bots = await analytics(store, ws, code, {"range": "30d", "includeBots": "true"}, top=2)
    assert with_bots["totals"]["scans"] == 14
    assert {"key": "bot", "scans": 1, "uniqueIpHashes": 1} in with_bots["byDevice"]


async def test_the_series_is_zero_filled_and_a_timezone_moves_hour_and_weekday(
    store: AnalyticsStore,
) -> None:
    ws, code = uuid.uuid4(), uuid.uuid4()
    times = [utc(2026, 6, 15, 23, 30), utc(2026, 6, 16, 0, 15), utc(2026, 6, 15, 12)]
    await store.write(
        write_events,
        store,
        [
            scan_event(workspace_id=ws, code_id=code, ts=t, visitor_hash=str(i))
            for i, t in enumerate(times)
        ],
    )
    in_utc = await analytics(store, ws, code, {"range": "30d"})
    assert len(in_utc["series"]) == 30 and sum(p["scans"] for p in in_utc["series"]) == 3
    assert [p for p in in_utc["series"] if p["scans"]] == [
        {"t": "2026-06-15", "scans": 2, "uniqueIpHashes": 2},
        {"t": "2026-06-16", "scans": 1, "uniqueIpHashes": 1},
    ]
    hours = in_utc["byHour"]
    assert (hours[23], hours[0], hours[12], sum(hours)) == (1, 1, 1, 3)
    assert in_utc["byDayOfWeek"] == [0, 2, 1, 0, 0, 0, 0]  # Mon 15th, Tue 16th

    in_tokyo = await analytics(store, ws, code, {"range": "30d", "tz": "Asia/Tokyo"})
    hours = in_tokyo["byHour"]
    assert (hours[8], hours[9], hours[21], sum(hours)) == (1, 1, 1, 3)
    assert in_tokyo["byDayOfWeek"] == [0, 1, 2, 0, 0, 0, 0]
    assert [p["t"][:10] for p in in_tokyo["series"] if p["scans"]] == ["2026-06-15", "2026-06-16"]
    assert in_tokyo["range"]["end"] == "2026-07-01T00:00:00+09:00"


async def test_the_dst_change_day_in_new_york(store: AnalyticsStore) -> None:
    ws, code = uuid.uuid4(), uuid.uuid4()
    times = [
        utc(2026, 3, 8, 5, 30),  # 00:30 EST
        utc(2026, 3, 8, 6, 59),  # 01:59 EST
        utc(2026, 3, 8, 7, 0),  # 03:00 EDT (02:00 never happened)
        utc(2026, 3, 9, 3, 30),  # 23:30 EDT, still March 8
        utc(2026, 3, 9, 4, 10),  # 00:10 EDT, March 9
    ]
    await store.write(
        write_events, store, [scan_event(workspace_id=ws, code_id=code, ts=t) for t in times]
    )
    days = await analytics(
        store, ws, code, {"start": "2026-03-07", "end": "2026-03-09", "tz": "America/New_York"}
    )
    assert days["range"]["granularity"] == "day"
    assert [(p["t"], p["scans"]) for p in days["series"]] == [
        ("2026-03-07", 0),
        ("2026-03-08", 4),
        ("2026-03-09", 1),
    ]
    in_utc = await analytics(store, ws, code, {"start": "2026-03-07", "end": "2026-03-09"})
    assert [p["scans"] for p in in_utc["series"]] == [0, 3, 2]

    hours = await analytics(
        store, ws, code, {"start": "2026-03-08", "end": "2026-03-08", "tz": "America/New_York"}
    )
    assert hours["range"]["granularity"] == "hour" and len(hours["series"]) == 23
    assert [(p["t"][11:], p["scans"]) for p in hours["series"] if p["scans"]] == [
        ("00:00:00-05:00", 1),
        ("01:00:00-05:00", 1),
        ("03:00:00-04:00", 1),
        ("23:00:00-04:00", 1),
    ]
    assert hours["totals"]["scans"] == 4
    grid = hours["byHour"]
    assert (grid[0], grid[1], grid[2], grid[3], grid[23]) == (1, 1, 0, 1, 1)


@pytest.mark.parametrize(
    ("tz", "hours", "days"),
    [
        ("Asia/Kolkata", (23, 0), ("2026-01-01", "2026-01-02")),  # +05:30
        ("Asia/Kathmandu", (0, 0), ("2026-01-02", "2026-01-02")),  # +05:45
        ("UTC", (18, 18), ("2026-01-01", "2026-01-01")),
    ],
)
async def test_offsets_of_half_and_quarter_hours_are_exact(
    store: AnalyticsStore, tz: str, hours: tuple[int, int], days: tuple[str, str]
) -> None:
    ws, code = uuid.uuid4(), uuid.uuid4()
    times = [utc(2026, 1, 1, 18, 20), utc(2026, 1, 1, 18, 40)]
    await store.write(
        write_events, store, [scan_event(workspace_id=ws, code_id=code, ts=t) for t in times]
    )
    body = await analytics(store, ws, code, {"start": "2025-12-30", "end": "2026-01-04", "tz": tz})
    grid = body["byHour"]
    expected_grid = [0] * 24
    for hour in hours:
        expected_grid[hour] += 1
    assert grid == expected_grid
    assert [p["t"][:10] for p in body["series"] for _ in range(p["scans"])] == list(days)


def _random_events(ws: uuid.UUID, codes: list[uuid.UUID], seed: int) -> list[ScanEvent]:
    rng = random.Random(seed)
    start = utc(2026, 3, 4)
    events = []
    for _ in range(600):
        events.append(
            scan_event(
                workspace_id=ws,
                code_id=rng.choice(codes),
                ts=start + timedelta(seconds=rng.randrange(10 * 86_400)),
                country=rng.choice(["US", "DE", "IN", "NP", None]),
                region=rng.choice(["R1", "R2", None]),
                city=rng.choice(["C1", "C2", "C3", "C4", "C5", "C6"]),
                device=rng.choice(["mobile", "desktop", "tablet"]),
                os=rng.choice(["iOS", "Android", "Windows"]),
                browser=rng.choice(["Safari", "Chrome", "Firefox", "Edge"]),
                referrer=rng.choice([None, "t.co", "instagram.com"]),
                is_bot=rng.random() < 0.1,
                outcome=rng.choice(["redirect"] * 8 + ["password_required", "not_found", "page"]),
                visitor_hash=f"v{rng.randrange(120)}",
            )
        )
    return events


QUERIES = [
    {"range": "30d"},
    {"range": "7d", "tz": "America/New_York"},
    {"range": "all", "tz": "Asia/Kolkata", "includeBots": "true"},
    {"start": "2026-03-06", "end": "2026-03-10", "tz": "America/New_York"},
    {"start": "2026-03-08T01:10:00", "end": "2026-03-09T22:50:00", "tz": "Asia/Kathmandu"},
    {"start": "2026-03-05T13:07:00Z", "end": "2026-03-06T02:00:00Z", "tz": "Europe/Berlin"},
    {"start": "2026-03-01", "end": "2026-03-31", "tz": "Australia/Adelaide"},
]


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: "-".join(q.values()))
@pytest.mark.parametrize("retention_days", [0, 10], ids=["raw-kept", "raw-expired-edges"])
async def test_answers_equal_a_plain_python_count_of_the_events(
    store: AnalyticsStore, query: dict[str, str], retention_days: int
) -> None:
    ws = uuid.uuid4()
    codes = [uuid.uuid4(), uuid.uuid4()]
    events = _random_events(ws, codes, seed=len(str(query)))
    await store.write(write_events, store, events)
    now = utc(2026, 3, 14, 9)
    body = await analytics(
        store, ws, codes[0], query, now=now, retention_days=retention_days, top=3
    )
    request = parse_window_request(query, store.time_zones)
    first = min(
        e.ts
        for e in events
        if e.code_id == codes[0] and e.outcome not in ("password_required", "not_found")
    )
    window = resolve_window(request, now, first)
    expected = expected_analytics(
        [e for e in events if e.code_id == codes[0]],
        window,
        include_bots=request.include_bots,
        top=3,
    )
    if retention_days and window.tz.key != "UTC" and window.start < utc(2026, 3, 5):
        # Raw scans before the horizon (March 5) expired: the breakdown's first partial day is
        # then answered from whole UTC days; everything else stays exact.
        for answer in (body, expected):
            for name in list(breakdowns_of(answer)):
                if name not in ("byHour", "byDayOfWeek"):
                    answer.pop(name)
        expected["totals"].pop("countries")
        body["totals"].pop("countries")
    assert body["range"] == expected["range"]
    assert body["totals"] == expected["totals"]
    assert body["series"] == expected["series"]
    assert breakdowns_of(body) == breakdowns_of(expected)


async def test_workspace_totals_and_top_codes(store: AnalyticsStore) -> None:
    ws = uuid.uuid4()
    codes = [uuid.uuid4() for _ in range(3)]
    at = utc(2026, 6, 20, 8)
    events = [scan_event(workspace_id=ws, code_id=codes[0], ts=at, visitor_hash="x")] * 1
    events += [
        scan_event(workspace_id=ws, code_id=codes[1], ts=at, country="DE", visitor_hash=f"y{i}")
        for i in range(3)
    ]
    events += [scan_event(workspace_id=ws, code_id=codes[2], ts=at, visitor_hash="x")] * 1
    events += [scan_event(workspace_id=ws, code_id=codes[2], ts=at, country="FR", visitor_hash="z")]
    events += [scan_event(workspace_id=uuid.uuid4(), code_id=codes[0], ts=at)]  # another workspace
    await store.write(write_events, store, events)
    body = await analytics(store, ws, None, {"range": "30d"}, top=2)
    assert body["workspaceId"] == str(ws)
    assert body["totals"] == {"scans": 6, "uniqueIpHashes": 5, "countries": 3, "codes": 3}
    assert body["topCodes"] == [
        {"codeId": str(codes[1]), "scans": 3, "uniqueIpHashes": 3, "share": 0.5},
        {"codeId": str(codes[2]), "scans": 2, "uniqueIpHashes": 2, "share": 0.3333},
    ]
    assert sum(p["scans"] for p in body["series"]) == 6 and len(body["series"]) == 30


async def test_writing_the_same_scans_again_changes_nothing(store: AnalyticsStore) -> None:
    ws, code = uuid.uuid4(), uuid.uuid4()
    events = [scan_event(workspace_id=ws, code_id=code, ts=utc(2026, 6, 1, h)) for h in range(6)]
    first = await store.write(write_events, store, events)
    assert (first.scans, first.duplicates) == (6, 0)
    again = await store.write(write_events, store, [*events[2:], events[0]])
    assert (again.scans, again.duplicates) == (0, 5)
    mixed = await store.write(
        write_events,
        store,
        [*events[:2], scan_event(workspace_id=ws, code_id=code, ts=utc(2026, 6, 2))],
    )
    assert (mixed.scans, mixed.duplicates) == (1, 2)
    body = await analytics(store, ws, code, {"range": "30d"})
    assert body["totals"]["scans"] == 7
    raw = await store.rows(
        f"SELECT count() FROM {store.database}.scans WHERE code_id = {{c:UUID}}",  # noqa: S608
        {"c": str(code)},
    )
    assert raw == [[7]]


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: "-".join(q.values()))
async def test_the_workspace_rollups_answer_as_the_per_code_rows_and_the_events(
    store: AnalyticsStore, query: dict[str, str]
) -> None:
    """The workspace answer over all its codes reads `scans_15m_ws`/`scans_daily_ws`; the same
    answer through the per-code rollups (every code named) and a plain count of the events
    agree, in every timezone of QUERIES (DST days, +05:30, +05:45)."""
    ws = uuid.uuid4()
    codes = [uuid.uuid4(), uuid.uuid4(), uuid.uuid4()]
    events = _random_events(ws, codes, seed=7 + len(str(query)))
    others = _random_events(uuid.uuid4(), codes[:1], seed=3)  # another workspace, same code id
    await store.write(write_events, store, events + others)
    now = utc(2026, 3, 14, 9)
    request = parse_window_request(query, store.time_zones)
    ctx = QueryContext(store, 0, now)
    everything = Scope(ws, None, request.include_bots)
    assert everything.rollup("scans_15m") == "scans_15m_ws"
    whole = await workspace_analytics(ctx, everything, request, top=3)
    named = Scope(ws, None, request.include_bots, code_ids=tuple(codes))
    assert named.rollup("scans_15m") == "scans_15m"  # this one reads the per-code rows
    per_code = await workspace_analytics(ctx, named, request, top=3)
    assert whole == per_code
    first = min(e.ts for e in events if e.outcome not in ("password_required", "not_found"))
    expected = expected_analytics(
        events, resolve_window(request, now, first), include_bots=request.include_bots, top=3
    )
    assert whole["totals"] == {**expected["totals"], "codes": whole["totals"]["codes"]}
    assert whole["series"] == expected["series"]
    assert breakdowns_of(whole) == breakdowns_of(expected)
