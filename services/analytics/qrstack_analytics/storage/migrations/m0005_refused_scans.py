"""0005 — `scans_refused`: per code, the scans a person made that were refused (counted
outcomes other than an answer): `limit_reached` (the scan cap), `not_active` (outside the
schedule window) and `fallback` (a deleted or suspended code). The API's `totalScans` is the
daily rollup's total less these (the answered scans), and `refusedScans` lists them.

All time, one row per (workspace, code, outcome, bot flag) once merged: a code's counts are one
short read. Filled from the raw scans kept when the migration runs (emptied first, so a
migration re-run after a failure counts each scan once), then fed by its view; refusals older
than the raw retention at that time are not known and stay in `totalScans`.
"""

from __future__ import annotations

from qrstack_analytics.storage.migrations import Migration

_SELECT = """
        SELECT workspace_id, code_id, outcome, is_bot, count() AS scans
        FROM {db}.scans
        WHERE outcome IN ('limit_reached', 'not_active', 'fallback')
        GROUP BY workspace_id, code_id, outcome, is_bot
"""

MIGRATION = Migration(
    number=5,
    name="refused_scans",
    forward=(
        """
        CREATE TABLE IF NOT EXISTS {db}.scans_refused (
            workspace_id UUID,
            code_id UUID,
            outcome LowCardinality(String),
            is_bot Bool,
            scans SimpleAggregateFunction(sum, UInt64)
        )
        ENGINE = AggregatingMergeTree
        ORDER BY (workspace_id, code_id, outcome, is_bot)
        SETTINGS non_replicated_deduplication_window = 1000
        """,
        "TRUNCATE TABLE IF EXISTS {db}.scans_refused",
        "INSERT INTO {db}.scans_refused" + _SELECT + "SETTINGS insert_deduplicate = 0",
        "CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.scans_refused_mv TO {db}.scans_refused AS"
        + _SELECT,
    ),
    backward=(
        "DROP VIEW IF EXISTS {db}.scans_refused_mv SYNC",
        "DROP TABLE IF EXISTS {db}.scans_refused SYNC",
    ),
)
