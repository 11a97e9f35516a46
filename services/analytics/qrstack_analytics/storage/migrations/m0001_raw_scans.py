"""0001 — the raw `scans` table: one row per scan event, columns named after `ScanEvent`.

A validated event's JSON is its row: absent values (`null`) become the column default (the nil
UUID, the empty string). Monthly partitions, ordered by workspace, code and time, so one code's
scans over a range are one contiguous read; a minmax index on `ts` lets workspace-wide reads
skip granules outside a time range. Retention (a TTL on `ts`) is configured at start, not here.
Identical inserts retried with the same token are dropped (deduplication window).
"""

from __future__ import annotations

from qrstack_analytics.storage.migrations import Migration

MIGRATION = Migration(
    number=1,
    name="raw_scans",
    forward=(
        """
        CREATE TABLE IF NOT EXISTS {db}.scans (
            scan_id UUID,
            ts DateTime64(3, 'UTC'),
            workspace_id UUID,
            code_id UUID,
            domain LowCardinality(String),
            slug String,
            rule_id UUID,
            variant LowCardinality(String),
            target String CODEC(ZSTD(1)),
            outcome LowCardinality(String),
            country LowCardinality(String),
            region LowCardinality(String),
            city LowCardinality(String),
            device LowCardinality(String),
            os LowCardinality(String),
            browser LowCardinality(String),
            referrer LowCardinality(String),
            language LowCardinality(String),
            is_bot Bool,
            bot_reason LowCardinality(String),
            visitor_hash String CODEC(ZSTD(1)),
            ip_prefix String,
            ingested_at DateTime('UTC') DEFAULT now(),
            INDEX ts_range ts TYPE minmax GRANULARITY 1
        )
        ENGINE = MergeTree
        PARTITION BY toYYYYMM(ts)
        ORDER BY (workspace_id, code_id, ts)
        SETTINGS non_replicated_deduplication_window = 1000, ttl_only_drop_parts = 1
        """,
    ),
    backward=("DROP TABLE IF EXISTS {db}.scans SYNC",),
)
