"""Applying and reverting the numbered migrations, and the raw-scan retention.

The applied migrations are rows of `{db}.schema_migrations`. `apply_migrations` creates the
database if needed and runs every pending migration's forward steps in number order, recording
each once it completed; `revert_migrations` runs backward steps in reverse order down to a
target. Both block (run them on the store's thread pool) and raise `StoreError`.
"""

from __future__ import annotations

from collections.abc import Sequence

from qrstack_analytics.storage.backend import ClickHouse
from qrstack_analytics.storage.migrations import (
    Migration,
    m0001_raw_scans,
    m0002_scan_keys,
    m0003_quarter_hour_rollup,
    m0004_daily_rollup,
    m0005_refused_scans,
    m0006_workspace_rollups,
)

MIGRATIONS: tuple[Migration, ...] = (
    m0001_raw_scans.MIGRATION,
    m0002_scan_keys.MIGRATION,
    m0003_quarter_hour_rollup.MIGRATION,
    m0004_daily_rollup.MIGRATION,
    m0005_refused_scans.MIGRATION,
    m0006_workspace_rollups.MIGRATION,
)


def _check_numbering(migrations: Sequence[Migration]) -> None:
    numbers = [m.number for m in migrations]
    if numbers != list(range(1, len(numbers) + 1)):
        raise ValueError(f"migrations must be numbered 1..n without gaps, got {numbers}")


def applied_migrations(ch: ClickHouse) -> list[int]:
    """Numbers of the migrations recorded as applied, ascending ([] on a fresh database)."""
    exists = ch.rows(
        "SELECT count() FROM system.tables WHERE database = {db:String}"
        " AND name = 'schema_migrations'",
        {"db": ch.database},
    )
    if not exists[0][0]:
        return []
    rows = ch.rows(f"SELECT DISTINCT number FROM {ch.database}.schema_migrations ORDER BY number")  # noqa: S608
    return [int(row[0]) for row in rows]


def apply_migrations(
    ch: ClickHouse, migrations: Sequence[Migration] = MIGRATIONS, *, up_to: int | None = None
) -> list[int]:
    """Apply pending migrations (all, or those numbered up to `up_to`); return their numbers."""
    _check_numbering(migrations)
    db = ch.database
    ch.execute(f"CREATE DATABASE IF NOT EXISTS {db}")
    ch.execute(
        f"CREATE TABLE IF NOT EXISTS {db}.schema_migrations ("
        " number UInt32, name String, applied_at DateTime('UTC') DEFAULT now()"
        ") ENGINE = MergeTree ORDER BY number"
    )
    done = set(applied_migrations(ch))
    ran: list[int] = []
    for migration in migrations:
        if migration.number in done or (up_to is not None and migration.number > up_to):
            continue
        for statement in migration.forward:
            ch.execute(statement.format(db=db))
        ch.execute(
            f"INSERT INTO {db}.schema_migrations (number, name)"  # noqa: S608
            " VALUES ({number:UInt32}, {name:String})",
            {"number": migration.number, "name": migration.name},
        )
        ran.append(migration.number)
    return ran


def revert_migrations(
    ch: ClickHouse, migrations: Sequence[Migration] = MIGRATIONS, *, down_to: int = 0
) -> list[int]:
    """Run the backward steps of applied migrations numbered above `down_to`, newest first;
    return their numbers. `down_to=0` leaves only the (empty) `schema_migrations` table."""
    _check_numbering(migrations)
    db = ch.database
    done = set(applied_migrations(ch))
    reverted: list[int] = []
    for migration in sorted(migrations, key=lambda m: m.number, reverse=True):
        if migration.number <= down_to or migration.number not in done:
            continue
        for statement in migration.backward:
            ch.execute(statement.format(db=db))
        ch.execute(
            f"ALTER TABLE {db}.schema_migrations DELETE WHERE number = {{number:UInt32}}"
            " SETTINGS mutations_sync = 2",
            {"number": migration.number},
        )
        reverted.append(migration.number)
    return reverted


def apply_retention(ch: ClickHouse, raw_retention_days: int) -> None:
    """Set (or with 0, remove) the TTL that drops raw scans older than the retention.
    Existing parts are not rewritten at once: whole monthly parts drop as they expire."""
    db = ch.database
    if raw_retention_days > 0:
        ch.execute(
            f"ALTER TABLE {db}.scans MODIFY TTL toDateTime(ts) + toIntervalDay({{days:UInt32}})"
            " SETTINGS materialize_ttl_after_modify = 0",
            {"days": raw_retention_days},
        )
    elif _has_ttl(ch):
        ch.execute(f"ALTER TABLE {db}.scans REMOVE TTL")


def _has_ttl(ch: ClickHouse) -> bool:
    rows = ch.rows(
        "SELECT engine_full FROM system.tables WHERE database = {db:String} AND name = 'scans'",
        {"db": ch.database},
    )
    return bool(rows) and " TTL " in str(rows[0][0])
