"""0004 — `scans_daily`: per UTC day, scans and unique-scanner states per code and per value
of each dimension (`dim` = country, region, city, device, os, browser, referrer; `dim` = '' is
the code's total that day).

One row per (code, day, bot flag, dimension, value): breakdowns over long ranges read these
rows, never raw scans. Ordered by workspace, code, dimension and day, so one code's breakdowns
over a window are a few short ranges; small granules (1024 rows) because every read is such a
narrow range. Never expires.
"""

from __future__ import annotations

from qrstack_analytics.storage.migrations import Migration

MIGRATION = Migration(
    number=4,
    name="daily_rollup",
    forward=(
        """
        CREATE TABLE IF NOT EXISTS {db}.scans_daily (
            workspace_id UUID,
            dim LowCardinality(String),
            code_id UUID,
            day Date,
            is_bot Bool,
            value String,
            scans SimpleAggregateFunction(sum, UInt64),
            visitors AggregateFunction(uniq, String)
        )
        ENGINE = AggregatingMergeTree
        PARTITION BY toYYYYMM(day)
        ORDER BY (workspace_id, code_id, dim, day, is_bot, value)
        SETTINGS non_replicated_deduplication_window = 1000, index_granularity = 1024
        """,
        """
        CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.scans_daily_mv TO {db}.scans_daily AS
        SELECT
            workspace_id,
            dim_value.1 AS dim,
            code_id,
            toDate(ts) AS day,
            is_bot,
            dim_value.2 AS value,
            count() AS scans,
            uniqState(visitor_hash) AS visitors
        FROM {db}.scans
        ARRAY JOIN [
            ('', ''),
            ('country', toString(country)),
            ('region', toString(region)),
            ('city', toString(city)),
            ('device', toString(device)),
            ('os', toString(os)),
            ('browser', toString(browser)),
            ('referrer', toString(referrer))
        ] AS dim_value
        WHERE outcome NOT IN ('password_required', 'not_found')
        GROUP BY workspace_id, dim, code_id, day, is_bot, value
        """,
    ),
    backward=(
        "DROP VIEW IF EXISTS {db}.scans_daily_mv SYNC",
        "DROP TABLE IF EXISTS {db}.scans_daily SYNC",
    ),
)
