"""Numbered migrations: a fresh database matches the declared schema, every step reverts, the
raw table mirrors the event contract, and retention is a TTL that can be set and removed."""

from __future__ import annotations

import uuid

from qrstack_analytics.storage.backend import ClickHouse
from qrstack_analytics.storage.migrate import (
    MIGRATIONS,
    applied_migrations,
    apply_migrations,
    apply_retention,
    revert_migrations,
)
from qrstack_analytics.storage.schema import TABLES, schema_drift
from qrstack_analytics.storage.store import AnalyticsStore
from qrstack_common.events import ScanEvent


class OtherDatabase:
    """The store's engine, pointed at a scratch database (same connections)."""

    def __init__(self, engine: ClickHouse, database: str) -> None:
        self._engine = engine
        self.database = database

    def __getattr__(self, name: str) -> object:
        return getattr(self._engine, name)


def tables(ch: ClickHouse) -> set[str]:
    rows = ch.rows(
        "SELECT name FROM system.tables WHERE database = {db:String}", {"db": ch.database}
    )
    return {str(r[0]) for r in rows}


def test_the_live_schema_is_the_declared_one(store: AnalyticsStore) -> None:
    assert schema_drift(store.engine) == []
    assert applied_migrations(store.engine) == [m.number for m in MIGRATIONS]


def test_every_migration_goes_forward_and_back(store: AnalyticsStore) -> None:
    scratch: ClickHouse = OtherDatabase(store.engine, "analytics_migrations")  # type: ignore[assignment]
    scratch.execute("DROP DATABASE IF EXISTS analytics_migrations SYNC")
    for migration in MIGRATIONS:
        assert apply_migrations(scratch, up_to=migration.number) == [migration.number]
    assert apply_migrations(scratch) == []  # nothing pending: a second start changes nothing
    assert schema_drift(scratch) == []
    for migration in reversed(MIGRATIONS):
        assert revert_migrations(scratch, down_to=migration.number - 1) == [migration.number]
        assert applied_migrations(scratch) == [m.number for m in MIGRATIONS[: migration.number - 1]]
    assert tables(scratch) == {"schema_migrations"}
    assert apply_migrations(scratch) == [m.number for m in MIGRATIONS]
    assert schema_drift(scratch) == []
    scratch.execute("ALTER TABLE analytics_migrations.scans ADD COLUMN stray UInt8")
    assert any("scans: columns" in d for d in schema_drift(scratch))
    scratch.execute("DROP DATABASE analytics_migrations SYNC")


def test_refused_scans_kept_before_migration_5_are_counted_once(store: AnalyticsStore) -> None:
    scratch: ClickHouse = OtherDatabase(store.engine, "analytics_refused")  # type: ignore[assignment]
    scratch.execute("DROP DATABASE IF EXISTS analytics_refused SYNC")
    apply_migrations(scratch, up_to=4)
    code = uuid.uuid4()
    insert = (
        "INSERT INTO analytics_refused.scans (scan_id, ts, workspace_id, code_id, outcome)"
        " SELECT generateUUIDv4(), now64(3), {ws:UUID}, {code:UUID}, {outcome:String}"
        " FROM numbers({n:UInt32})"
    )
    params = {"ws": str(uuid.uuid4()), "code": str(code)}
    for outcome, n in (("limit_reached", 3), ("not_active", 2), ("redirect", 5)):
        scratch.execute(insert, {**params, "outcome": outcome, "n": n})
    migration_5 = MIGRATIONS[4]
    assert apply_migrations(scratch, up_to=5) == [5]
    for statement in migration_5.forward:  # a re-run (a start that failed half-way) too
        scratch.execute(statement.format(db="analytics_refused"))
    scratch.execute(insert, {**params, "outcome": "fallback", "n": 1})  # through the view
    counted = "SELECT outcome, sum(scans) FROM analytics_refused.scans_refused GROUP BY outcome"
    rows = {str(outcome): int(str(scans)) for outcome, scans in scratch.rows(counted)}
    assert rows == {"limit_reached": 3, "not_active": 2, "fallback": 1}
    scratch.execute("DROP DATABASE analytics_refused SYNC")


def test_the_raw_table_has_a_column_for_every_field_of_the_scan_event() -> None:
    [scans] = [t for t in TABLES if t.name == "scans"]
    assert set(ScanEvent.model_fields) <= {name for name, _ in scans.columns}


def test_raw_retention_is_a_ttl_that_can_be_removed(store: AnalyticsStore) -> None:
    scratch: ClickHouse = OtherDatabase(store.engine, "analytics_retention")  # type: ignore[assignment]
    scratch.execute("DROP DATABASE IF EXISTS analytics_retention SYNC")
    apply_migrations(scratch, up_to=1)

    def engine_full() -> str:
        return str(
            scratch.rows(
                "SELECT engine_full FROM system.tables"
                " WHERE database = 'analytics_retention' AND name = 'scans'"
            )[0][0]
        )

    apply_retention(scratch, 90)
    assert "TTL toDateTime(ts) + toIntervalDay(_CAST(90, 'UInt32'))" in engine_full()
    apply_retention(scratch, 0)
    assert " TTL " not in engine_full()
    apply_retention(scratch, 0)  # idempotent
    scratch.execute("DROP DATABASE analytics_retention SYNC")


def test_workspace_rollups_are_filled_from_the_code_rollups_once(store: AnalyticsStore) -> None:
    scratch: ClickHouse = OtherDatabase(store.engine, "analytics_ws")  # type: ignore[assignment]
    scratch.execute("DROP DATABASE IF EXISTS analytics_ws SYNC")
    apply_migrations(scratch, up_to=5)
    ws = str(uuid.uuid4())
    insert = (
        "INSERT INTO analytics_ws.scans (scan_id, ts, workspace_id, code_id, outcome, country,"
        " visitor_hash) SELECT generateUUIDv4(), toDateTime64('2026-06-01 10:00:00', 3, 'UTC'),"
        " {ws:UUID}, generateUUIDv4(), 'redirect', {country:String}, toString(number % 4)"
        " FROM numbers({n:UInt32})"
    )
    scratch.execute(insert, {"ws": ws, "country": "DE", "n": 10})  # 10 codes, 4 visitors
    migration_6 = MIGRATIONS[5]
    assert apply_migrations(scratch, up_to=6) == [6]
    for statement in migration_6.forward:  # a re-run (a start that failed half-way) too
        scratch.execute(statement.format(db="analytics_ws"))
    scratch.execute(insert, {"ws": ws, "country": "FR", "n": 2})  # through the views
    daily = (
        "SELECT value, sum(scans), uniqMerge(visitors) FROM analytics_ws.scans_daily_ws"
        " WHERE workspace_id = {ws:UUID} AND dim = 'country' GROUP BY value ORDER BY value"
    )
    assert [[str(v), int(str(s)), int(str(u))] for v, s, u in scratch.rows(daily, {"ws": ws})] == [
        ["DE", 10, 4],
        ["FR", 2, 2],
    ]
    slots = (
        "SELECT sum(scans), uniqMerge(visitors) FROM analytics_ws.scans_15m_ws"
        " WHERE workspace_id = {ws:UUID}"
    )
    assert [[int(str(s)), int(str(u))] for s, u in scratch.rows(slots, {"ws": ws})] == [[12, 4]]
    scratch.execute("DROP DATABASE analytics_ws SYNC")
