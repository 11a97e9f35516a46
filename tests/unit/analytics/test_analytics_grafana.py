"""The provisioned Grafana dashboards: every panel and variable query, its macros expanded the
way the ClickHouse datasource plugin expands them, runs on the store with data in it and gives
the numbers the API gives; panels read rollups (or, for ingestion lag, the scan keys), never
raw scans."""

from __future__ import annotations

import json
import re
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from unit.analytics.analytics_support import write_events

from qrstack_analytics.scans.synthetic import scan_event
from qrstack_analytics.storage.store import AnalyticsStore

GRAFANA = Path(__file__).parents[3] / "deploy" / "grafana"
DASHBOARDS = sorted((GRAFANA / "dashboards").glob("*.json"))
FROM = datetime(2026, 4, 1, tzinfo=UTC)
TO = datetime(2026, 4, 8, tzinfo=UTC)


def expand(sql: str, variables: dict[str, str], interval_s: int = 3600) -> str:
    """Grafana's variables, then the plugin's macros ($__timeFilter, $__timeInterval,
    $__fromTime, $__toTime), as the datasource sends the query to ClickHouse."""
    for name, value in variables.items():
        sql = sql.replace(f"${{{name}}}", value).replace(f"${name}", value)
    start, end = int(FROM.timestamp()), int(TO.timestamp())
    sql = re.sub(
        r"\$__timeFilter\(([^)]+)\)",
        lambda m: f"{m[1]} >= toDateTime({start}) AND {m[1]} <= toDateTime({end})",
        sql,
    )
    sql = re.sub(
        r"\$__timeInterval\(([^)]+)\)",
        lambda m: f"toStartOfInterval(toDateTime({m[1]}), INTERVAL {interval_s} second)",
        sql,
    )
    sql = sql.replace("$__fromTime", f"toDateTime({start})").replace(
        "$__toTime", f"toDateTime({end})"
    )
    assert "$" not in sql, sql
    return sql


def panels() -> list[tuple[str, dict[str, Any]]]:
    out = []
    for path in DASHBOARDS:
        for panel in json.loads(path.read_text())["panels"]:
            out.append((f"{path.stem}:{panel['title']}", panel))
    return out


def test_the_dashboards_and_the_datasource_are_provisioned() -> None:
    assert DASHBOARDS, "no dashboard JSON under deploy/grafana/dashboards"
    datasource = (GRAFANA / "provisioning" / "datasources" / "clickhouse.yaml").read_text()
    assert "type: grafana-clickhouse-datasource" in datasource
    assert "defaultDatabase: qrstack" in datasource and "uid: qrstack-clickhouse" in datasource
    provider = (GRAFANA / "provisioning" / "dashboards" / "qrstack.yaml").read_text()
    assert "path: /var/lib/grafana/dashboards" in provider
    titles = {title.split(":", 1)[1] for title, _ in panels()}
    assert {
        "Scans over time",
        "Unique scanners over time",
        "Top codes",
        "Countries map",
        "Countries",
        "Devices",
        "Operating systems",
        "Browsers",
        "Scans by hour × weekday",
        "Ingestion lag",
    } <= titles
    for path in DASHBOARDS:
        names = {v["name"] for v in json.loads(path.read_text())["templating"]["list"]}
        assert {"workspace", "code"} <= names


@pytest.mark.parametrize(("title", "panel"), panels(), ids=[t for t, _ in panels()])
def test_each_panel_reads_rollups_only(title: str, panel: dict[str, Any]) -> None:
    for target in panel["targets"]:
        assert target["editorType"] == "sql" and target["format"] in (0, 1)
        tables = set(re.findall(r"\$\{database\}\.(\w+)", target["rawSql"]))
        assert tables and tables <= {"scans_15m", "scans_daily", "scan_keys"}, (title, tables)
        assert panel["datasource"]["uid"] == "qrstack-clickhouse"


@pytest.fixture(scope="module")
async def dashboard_data(store: AnalyticsStore) -> dict[str, str]:
    ws, code, other = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    events = [
        scan_event(
            workspace_id=ws,
            code_id=code if i % 3 else other,
            ts=FROM + timedelta(hours=5 * i),
            country=("US", "DE", "JP")[i % 3],
            visitor_hash=f"v{i % 7}",
        )
        for i in range(30)
    ]
    events.append(scan_event(workspace_id=ws, code_id=code, ts=FROM, is_bot=True))
    await store.write(write_events, store, events)
    return {"workspace": str(ws), "code": str(code), "other": str(other)}


async def test_every_panel_query_runs_on_data(
    store: AnalyticsStore, dashboard_data: dict[str, str]
) -> None:
    variables = {"database": store.database, "workspace": dashboard_data["workspace"], "tz": "UTC"}
    results: dict[str, list[list[Any]]] = {}
    for code in ("", dashboard_data["code"]):
        for title, panel in panels():
            for target in panel["targets"]:
                sql = expand(target["rawSql"], {**variables, "code": code})
                rows = await store.rows(sql)
                assert rows, f"{title} returned no rows"
                results[f"{title}|{code}"] = rows
    everything = "qrstack-scans:Scans|"
    one_code = f"qrstack-scans:Scans|{dashboard_data['code']}"
    assert results[everything] == [[30]] and results[one_code] == [[20]]
    assert results["qrstack-scans:Unique scanners|"] == [[7]]
    assert results["qrstack-scans:Countries|"] == [["DE", 10, 7], ["JP", 10, 7], ["US", 10, 7]]
    assert results["qrstack-scans:Countries reached|"] == [[3]]
    assert results["qrstack-scans:Codes scanned|"] == [[2]]
    series = results["qrstack-scans:Scans over time|"]
    assert sum(int(row[1]) for row in series) == 30
    grid = results["qrstack-scans:Scans by hour × weekday|"]
    assert sum(sum(int(v) for v in row[2:]) for row in grid) == 30 and len(grid[0]) == 26
    top = results["qrstack-scans:Top codes|"]
    assert [row[0] for row in top] == [dashboard_data["code"], dashboard_data["other"]]


async def test_every_variable_query_runs_on_data(
    store: AnalyticsStore, dashboard_data: dict[str, str]
) -> None:
    for path in DASHBOARDS:
        for variable in json.loads(path.read_text())["templating"]["list"]:
            if variable["type"] != "query":
                continue
            sql = expand(
                variable["query"],
                {"database": store.database, "workspace": dashboard_data["workspace"]},
            )
            values = [row[0] for row in await store.rows(sql)]
            if variable["name"] == "workspace":
                assert dashboard_data["workspace"] in values
            if variable["name"] == "code":
                assert sorted(values) == sorted([dashboard_data["code"], dashboard_data["other"]])
