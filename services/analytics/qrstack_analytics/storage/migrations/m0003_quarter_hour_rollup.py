"""0003 — `scans_15m`: scans and unique-scanner states per code, 15-minute slot (UTC) and bot
flag.

Serves every series, the hour-of-day and day-of-week breakdowns and the totals. Every
timezone's offset is a whole number of quarter hours, so a local hour, day or month is an exact
union of slots in any timezone — including India's +05:30 and Nepal's +05:45 — and on DST
change days. Counted scans only: a password gate shown and an orphan scan (unknown slug) are not
scans of a code. Small granules (1024 rows): reads are one code's narrow time range. Never
expires.
"""

from __future__ import annotations

from qrstack_analytics.storage.migrations import Migration

MIGRATION = Migration(
    number=3,
    name="quarter_hour_rollup",
    forward=(
        """
        CREATE TABLE IF NOT EXISTS {db}.scans_15m (
            workspace_id UUID,
            code_id UUID,
            slot DateTime('UTC'),
            is_bot Bool,
            scans SimpleAggregateFunction(sum, UInt64),
            visitors AggregateFunction(uniq, String)
        )
        ENGINE = AggregatingMergeTree
        PARTITION BY toYYYYMM(slot)
        ORDER BY (workspace_id, code_id, slot, is_bot)
        SETTINGS non_replicated_deduplication_window = 1000, index_granularity = 1024
        """,
        """
        CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.scans_15m_mv TO {db}.scans_15m AS
        SELECT
            workspace_id,
            code_id,
            toStartOfFifteenMinutes(ts) AS slot,
            is_bot,
            count() AS scans,
            uniqState(visitor_hash) AS visitors
        FROM {db}.scans
        WHERE outcome NOT IN ('password_required', 'not_found')
        GROUP BY workspace_id, code_id, slot, is_bot
        """,
    ),
    backward=(
        "DROP VIEW IF EXISTS {db}.scans_15m_mv SYNC",
        "DROP TABLE IF EXISTS {db}.scans_15m SYNC",
    ),
)
