"""The schema the migrations declare, and the check that the live database matches it.

`DECLARED` is what `apply_migrations` must produce: every table with its columns (name and type,
in order), engine, sorting key and partition key, and every materialized view with the table
it feeds. `schema_drift` lists each difference between it and the live database (an empty list
means no drift); the service refuses to become ready with drift, and a test proves a fresh
database has none.
"""

from __future__ import annotations

from dataclasses import dataclass

from qrstack_analytics.storage.backend import ClickHouse

_LC = "LowCardinality(String)"
_DT = "DateTime('UTC')"
_DT64 = "DateTime64(3, 'UTC')"
_SUM = "SimpleAggregateFunction(sum, UInt64)"
_UNIQ = "AggregateFunction(uniq, String)"


@dataclass(frozen=True)
class DeclaredTable:
    name: str
    columns: tuple[tuple[str, str], ...]
    engine: str
    sorting_key: str
    partition_key: str


@dataclass(frozen=True)
class DeclaredView:
    name: str
    target: str


TABLES: tuple[DeclaredTable, ...] = (
    DeclaredTable(
        "schema_migrations",
        (("number", "UInt32"), ("name", "String"), ("applied_at", _DT)),
        "MergeTree",
        "number",
        "",
    ),
    DeclaredTable(
        "scans",
        (
            ("scan_id", "UUID"),
            ("ts", _DT64),
            ("workspace_id", "UUID"),
            ("code_id", "UUID"),
            ("domain", _LC),
            ("slug", "String"),
            ("rule_id", "UUID"),
            ("variant", _LC),
            ("target", "String"),
            ("outcome", _LC),
            ("country", _LC),
            ("region", _LC),
            ("city", _LC),
            ("device", _LC),
            ("os", _LC),
            ("browser", _LC),
            ("referrer", _LC),
            ("language", _LC),
            ("is_bot", "Bool"),
            ("bot_reason", _LC),
            ("visitor_hash", "String"),
            ("ip_prefix", "String"),
            ("ingested_at", _DT),
        ),
        "MergeTree",
        "workspace_id, code_id, ts",
        "toYYYYMM(ts)",
    ),
    DeclaredTable(
        "scan_keys",
        (("ts", _DT64), ("scan_id", "UUID"), ("ingested_at", _DT)),
        "MergeTree",
        "ts, scan_id",
        "toYYYYMMDD(ingested_at)",
    ),
    DeclaredTable(
        "scans_15m",
        (
            ("workspace_id", "UUID"),
            ("code_id", "UUID"),
            ("slot", _DT),
            ("is_bot", "Bool"),
            ("scans", _SUM),
            ("visitors", _UNIQ),
        ),
        "AggregatingMergeTree",
        "workspace_id, code_id, slot, is_bot",
        "toYYYYMM(slot)",
    ),
    DeclaredTable(
        "scans_daily",
        (
            ("workspace_id", "UUID"),
            ("dim", _LC),
            ("code_id", "UUID"),
            ("day", "Date"),
            ("is_bot", "Bool"),
            ("value", "String"),
            ("scans", _SUM),
            ("visitors", _UNIQ),
        ),
        "AggregatingMergeTree",
        "workspace_id, code_id, dim, day, is_bot, value",
        "toYYYYMM(day)",
    ),
    DeclaredTable(
        "scans_15m_ws",
        (
            ("workspace_id", "UUID"),
            ("slot", _DT),
            ("is_bot", "Bool"),
            ("scans", _SUM),
            ("visitors", _UNIQ),
        ),
        "AggregatingMergeTree",
        "workspace_id, slot, is_bot",
        "toYYYYMM(slot)",
    ),
    DeclaredTable(
        "scans_daily_ws",
        (
            ("workspace_id", "UUID"),
            ("dim", _LC),
            ("day", "Date"),
            ("is_bot", "Bool"),
            ("value", "String"),
            ("scans", _SUM),
            ("visitors", _UNIQ),
        ),
        "AggregatingMergeTree",
        "workspace_id, dim, day, is_bot, value",
        "toYYYYMM(day)",
    ),
    DeclaredTable(
        "scans_refused",
        (
            ("workspace_id", "UUID"),
            ("code_id", "UUID"),
            ("outcome", _LC),
            ("is_bot", "Bool"),
            ("scans", _SUM),
        ),
        "AggregatingMergeTree",
        "workspace_id, code_id, outcome, is_bot",
        "",
    ),
)

VIEWS: tuple[DeclaredView, ...] = (
    DeclaredView("scan_keys_mv", "scan_keys"),
    DeclaredView("scans_15m_mv", "scans_15m"),
    DeclaredView("scans_daily_mv", "scans_daily"),
    DeclaredView("scans_refused_mv", "scans_refused"),
    DeclaredView("scans_15m_ws_mv", "scans_15m_ws"),
    DeclaredView("scans_daily_ws_mv", "scans_daily_ws"),
)


def schema_drift(ch: ClickHouse) -> list[str]:
    """Every difference between the live database and the declared schema, in words."""
    db = ch.database
    live = {
        str(name): (str(engine), str(sorting), str(partition), str(create))
        for name, engine, sorting, partition, create in ch.rows(
            "SELECT name, engine, sorting_key, partition_key, create_table_query"
            " FROM system.tables WHERE database = {db:String}",
            {"db": db},
        )
    }
    columns: dict[str, list[tuple[str, str]]] = {}
    for table, name, type_ in ch.rows(
        "SELECT table, name, type FROM system.columns WHERE database = {db:String}"
        " ORDER BY table, position",
        {"db": db},
    ):
        columns.setdefault(str(table), []).append((str(name), str(type_)))

    drift: list[str] = []
    declared_names = {t.name for t in TABLES} | {v.name for v in VIEWS}
    for extra in sorted(set(live) - declared_names):
        drift.append(f"{extra}: exists but is not declared")
    for table in TABLES:
        if table.name not in live:
            drift.append(f"{table.name}: missing")
            continue
        engine, sorting, partition, _ = live[table.name]
        if engine != table.engine:
            drift.append(f"{table.name}: engine {engine}, declared {table.engine}")
        if sorting != table.sorting_key:
            drift.append(f"{table.name}: sorting key ({sorting}), declared ({table.sorting_key})")
        if partition != table.partition_key:
            drift.append(
                f"{table.name}: partition key ({partition}), declared ({table.partition_key})"
            )
        if tuple(columns.get(table.name, ())) != table.columns:
            drift.append(
                f"{table.name}: columns {columns.get(table.name)}, declared {list(table.columns)}"
            )
    for view in VIEWS:
        if view.name not in live:
            drift.append(f"{view.name}: missing")
            continue
        engine, _, _, create = live[view.name]
        if engine != "MaterializedView":
            drift.append(f"{view.name}: engine {engine}, declared MaterializedView")
        elif f" TO {db}.{view.target} " not in create.replace("\n", " ") + " ":
            drift.append(f"{view.name}: does not feed {view.target}")
    return drift
