"""Grafana as docker-compose.yml provisions it: the datasource holds no credential (Grafana
fills them from its environment, which compose sets), the dashboard provider reads the folder
compose mounts, and every dashboard is well formed: unique panel ids on a 24-column grid
without overlaps, every panel on the provisioned datasource, every variable it uses defined.
What the panels' SQL answers is tests/unit/analytics/test_analytics_grafana.py's part."""

from __future__ import annotations

import copy
import json
import re
from typing import Any

import yaml

from deployment.manifests import ROOT

GRAFANA = ROOT / "deploy" / "grafana"
DASHBOARDS = sorted((GRAFANA / "dashboards").glob("*.json"))
_VARIABLE = re.compile(r"\$\{(\w+)(?::\w+)?\}|\$(?!__)(\w+)")


def compose_grafana() -> dict[str, Any]:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return dict(compose["services"]["grafana"])


def datasource() -> dict[str, Any]:
    text = (GRAFANA / "provisioning" / "datasources" / "clickhouse.yaml").read_text()
    return dict(yaml.safe_load(text)["datasources"][0])


def test_the_datasource_takes_its_credentials_from_grafanas_environment() -> None:
    source = datasource()
    credentials = {"username": source["jsonData"]["username"], **source["secureJsonData"]}
    environment = compose_grafana()["environment"]
    for field, value in credentials.items():
        assert re.fullmatch(r"\$\{?[A-Z_]+\}?", value), f"{field} is written in the file"
        assert value.strip("${}") in environment, f"compose does not set {value}"


def test_the_provider_reads_the_folder_compose_mounts() -> None:
    provider = yaml.safe_load(
        (GRAFANA / "provisioning" / "dashboards" / "qrstack.yaml").read_text()
    )
    path = provider["providers"][0]["options"]["path"]
    assert f"./deploy/grafana/dashboards:{path}:ro" in compose_grafana()["volumes"]
    assert (
        "./deploy/grafana/provisioning:/etc/grafana/provisioning:ro" in compose_grafana()["volumes"]
    )


def dashboard_problems(dashboard: dict[str, Any], datasource_uid: str) -> list[str]:
    """What Grafana would reject or show wrongly; empty for a sound dashboard."""
    problems = []
    for key in ("uid", "title", "schemaVersion", "panels"):
        if key not in dashboard:
            problems.append(f"no {key}")
    defined = {v["name"] for v in dashboard.get("templating", {}).get("list", [])}
    ids: set[int] = set()
    cells: dict[tuple[int, int], str] = {}
    queries: list[tuple[str, str]] = []
    for panel in dashboard.get("panels", []):
        title = panel.get("title", "?")
        if panel.get("id") in ids:
            problems.append(f"{title}: duplicate id {panel.get('id')}")
        ids.add(panel.get("id"))
        grid = panel.get("gridPos", {})
        if not (grid.get("w", 0) >= 1 and grid.get("h", 0) >= 1 and grid.get("x", -1) >= 0):
            problems.append(f"{title}: no gridPos")
            continue
        if grid["x"] + grid["w"] > 24:
            problems.append(f"{title}: wider than the 24-column grid")
        for x in range(grid["x"], grid["x"] + grid["w"]):
            for y in range(grid.get("y", 0), grid.get("y", 0) + grid["h"]):
                if (x, y) in cells:
                    problems.append(f"{title}: overlaps {cells[(x, y)]}")
                    break
                cells[(x, y)] = title
            else:
                continue
            break
        if panel.get("datasource", {}).get("uid") != datasource_uid:
            problems.append(f"{title}: not on the provisioned datasource")
        queries += [(title, t.get("rawSql", "")) for t in panel.get("targets", [])]
    for variable in dashboard.get("templating", {}).get("list", []):
        queries.append((f"variable {variable['name']}", str(variable.get("query", ""))))
    for where, sql in queries:
        for match in _VARIABLE.finditer(sql):
            name = match[1] or match[2]
            if name not in defined:
                problems.append(f"{where}: uses ${name}, which the dashboard does not define")
    return problems


def test_every_dashboard_is_well_formed() -> None:
    assert DASHBOARDS
    uid = datasource()["uid"]
    for path in DASHBOARDS:
        assert dashboard_problems(json.loads(path.read_text()), uid) == [], path.name


def test_a_broken_dashboard_is_reported() -> None:
    uid = datasource()["uid"]
    sound = json.loads(DASHBOARDS[0].read_text())
    broken = copy.deepcopy(sound)
    broken["panels"][1]["id"] = broken["panels"][0]["id"]
    broken["panels"][2]["gridPos"] = dict(broken["panels"][0]["gridPos"])
    broken["templating"]["list"] = [
        v for v in broken["templating"]["list"] if v["name"] != "workspace"
    ]
    problems = dashboard_problems(broken, uid)
    assert any("duplicate id" in p for p in problems)
    assert any("overlaps" in p for p in problems)
    assert any("uses $workspace" in p for p in problems)
