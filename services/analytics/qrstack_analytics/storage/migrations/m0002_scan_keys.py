"""0002 — `scan_keys`: the scan ids seen recently, ordered by time, for deduplication.

Fed by a materialized view from `scans`, so a scan id is recorded in the same insert as its
row. Ingestion looks up the ids of a batch within the batch's own time spans (the primary key
is `(ts, scan_id)`, so that read is small) and drops the ones already stored: replays and
redeliveries never double count. Kept 30 days after ingestion, well past the scan topic's
retention.
"""

from __future__ import annotations

from qrstack_analytics.storage.migrations import Migration

MIGRATION = Migration(
    number=2,
    name="scan_keys",
    forward=(
        """
        CREATE TABLE IF NOT EXISTS {db}.scan_keys (
            ts DateTime64(3, 'UTC'),
            scan_id UUID,
            ingested_at DateTime('UTC')
        )
        ENGINE = MergeTree
        PARTITION BY toYYYYMMDD(ingested_at)
        ORDER BY (ts, scan_id)
        TTL ingested_at + INTERVAL 30 DAY
        SETTINGS non_replicated_deduplication_window = 1000, ttl_only_drop_parts = 1
        """,
        """
        CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.scan_keys_mv TO {db}.scan_keys AS
        SELECT ts, scan_id, ingested_at FROM {db}.scans
        """,
    ),
    backward=(
        "DROP VIEW IF EXISTS {db}.scan_keys_mv SYNC",
        "DROP TABLE IF EXISTS {db}.scan_keys SYNC",
    ),
)
