"""deploy/prometheus: the alert rules are what `promtool check rules` accepts (structure,
durations, PromQL that parses, templates that close) and more: every series they select is a
metric a qrstack service exports, labelled with a service name the scrape config gives a
deployed pod. When promtool itself is on PATH it checks the files too."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import promql_parser
import pytest
import yaml

from deployment.manifests import ROOT, render
from qrstack_common.metrics import AnalyticsMetrics, ApiMetrics, RedirectMetrics, RendererMetrics

PROMETHEUS = ROOT / "deploy" / "prometheus"
RULE_FILES = sorted((PROMETHEUS / "rules").glob("*.yaml"))
_NAME = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")
_DURATION = re.compile(r"(\d+(ms|s|m|h|d|w|y))+")
_RULE_KEYS = {"alert", "record", "expr", "for", "keep_firing_for", "labels", "annotations"}


def exported_series() -> set[str]:
    """Every series name the services' registries export (histograms' _bucket/_sum/_count)."""
    names = set()
    for metrics in (ApiMetrics(), RedirectMetrics(), RendererMetrics(), AnalyticsMetrics()):
        for family in metrics.registry.collect():
            names.update(sample.name for sample in family.samples)
            if family.type == "histogram":
                names.update(f"{family.name}{s}" for s in ("_bucket", "_sum", "_count"))
    return names


def deployed_services() -> set[str]:
    """The `service` label values: app.kubernetes.io/name of the deployed pods."""
    return {
        d["spec"]["template"]["metadata"]["labels"]["app.kubernetes.io/name"]
        for d in render("overlays/production")
        if d["kind"] == "Deployment"
    }


def selectors(expr: str) -> list[tuple[str, dict[str, str]]]:
    found: list[tuple[str, dict[str, str]]] = []

    def visit(node: object) -> None:
        if isinstance(node, promql_parser.VectorSelector):
            labels = {
                m.name: m.value for m in node.matchers.matchers if str(m.op) == "MatchOp.Equal"
            }
            found.append((node.name or labels.get("__name__", ""), labels))

    promql_parser.walk(promql_parser.parse(expr), pre_visit=visit)
    return found


def rule_problems(document: Any, series: set[str], services: set[str]) -> list[str]:
    """What `promtool check rules` (and a reader of our metrics) would refuse; empty if none."""
    if not isinstance(document, dict) or set(document) != {"groups"}:
        return ["a rule file has exactly one key, groups"]
    problems = []
    names = [g.get("name") for g in document["groups"]]
    if len(set(names)) != len(names):
        problems.append(f"group names repeat: {names}")
    for group in document["groups"]:
        for rule in group.get("rules") or []:
            where = f"{group.get('name')}/{rule.get('alert') or rule.get('record')}"
            if set(rule) - _RULE_KEYS:
                problems.append(f"{where}: unknown keys {sorted(set(rule) - _RULE_KEYS)}")
            if ("alert" in rule) == ("record" in rule):
                problems.append(f"{where}: one of alert or record")
            if not _NAME.fullmatch(str(rule.get("alert") or rule.get("record"))):
                problems.append(f"{where}: not a valid name")
            for key in ("for", "keep_firing_for"):
                if key in rule and not _DURATION.fullmatch(str(rule[key])):
                    problems.append(f"{where}: {key} {rule[key]!r} is not a duration")
            for key, value in {**rule.get("labels", {}), **rule.get("annotations", {})}.items():
                if not isinstance(value, str) or value.count("{{") != value.count("}}"):
                    problems.append(f"{where}: {key} is not a closed template string")
            try:
                used = selectors(str(rule.get("expr", "")))
            except ValueError as exc:
                problems.append(f"{where}: expr does not parse: {exc}")
                continue
            for name, labels in used:
                if name not in series:
                    problems.append(f"{where}: no service exports {name}")
                if labels.get("service", next(iter(services))) not in services:
                    problems.append(f"{where}: no deployed service is called {labels['service']}")
    return problems


def load(path: Path) -> Any:
    return yaml.safe_load(path.read_text())


def test_every_rule_file_passes_the_check() -> None:
    assert RULE_FILES
    series, services = exported_series(), deployed_services()
    for path in RULE_FILES:
        assert rule_problems(load(path), series, services) == [], path.name


def test_the_alerts_a_printed_code_needs_are_there() -> None:
    alerts = {
        rule["alert"]: rule["expr"]
        for path in RULE_FILES
        for group in load(path)["groups"]
        for rule in group["rules"]
        if "alert" in rule
    }
    used = {name for expr in alerts.values() for name, _ in selectors(expr)}
    assert "qr_http_request_seconds_bucket" in used  # redirect p99
    assert "qr_ingest_lag_records" in used  # consumer lag
    assert "qr_scan_spool_bytes" in used  # spool size
    assert "qr_outbox_oldest_pending_timestamp_seconds" in used  # outbox age
    assert any("histogram_quantile(0.99" in expr for expr in alerts.values())


def test_a_broken_rule_is_reported() -> None:
    series, services = exported_series(), deployed_services()
    sound = load(RULE_FILES[0])
    rule = sound["groups"][0]["rules"][0]
    cases = {
        "does not parse": {**rule, "expr": "sum(rate(qr_scans_total[5m])"},
        "no service exports": {**rule, "expr": "rate(qr_scans_totl[5m]) > 1"},
        "not a duration": {**rule, "for": "10 minutes"},
        "no deployed service": {**rule, "expr": 'qr_ready{service="redirector"} == 0'},
        "closed template": {**rule, "annotations": {"summary": "{{ $value"}},
    }
    for expected, broken in cases.items():
        document = {"groups": [{"name": "g", "rules": [broken]}]}
        assert any(expected in p for p in rule_problems(document, series, services)), expected


def test_the_scrape_config_labels_series_by_service() -> None:
    config = load(PROMETHEUS / "prometheus.yml")
    assert config["rule_files"] == ["rules/*.yaml"]
    relabels = config["scrape_configs"][0]["relabel_configs"]
    assert {
        "source_labels": ["__meta_kubernetes_pod_label_app_kubernetes_io_name"],
        "target_label": "service",
    } in relabels


@pytest.mark.skipif(shutil.which("promtool") is None, reason="promtool is not installed")
def test_promtool_accepts_the_rules_and_the_config() -> None:
    for args in (["check", "rules", *map(str, RULE_FILES)], ["check", "config", "prometheus.yml"]):
        out = subprocess.run(["promtool", *args], cwd=PROMETHEUS, capture_output=True, text=True)
        assert out.returncode == 0, out.stdout + out.stderr
