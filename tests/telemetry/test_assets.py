"""The shipped Prometheus rules (promtool) and Grafana dashboard (its queries name metrics that exist)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from prometheus_client import REGISTRY

from aggregator._telemetry import BackendStatsCollector
from pagemesh.telemetry._prometheus import DASHBOARD_PATH, RULES_PATH

HERE = Path(__file__).resolve().parent
# Metric names in PromQL: pagemesh's own (and its recorded series), the process collector's, `up`.
_METRIC = re.compile(r"\b(pagemesh[_:][A-Za-z0-9_:]*|process_[a-z_]+|up)\b(?!\s*\()")
_SUFFIXES = {"counter": ("_total",), "histogram": ("_bucket", "_count", "_sum"), "gauge": ("",)}


def promtool() -> str:
    found = shutil.which("promtool")
    assert found, "promtool is installed by `make setup` (Debian's prometheus)"
    return found


def recorded_names() -> set[str]:
    rules = yaml.safe_load(RULES_PATH.read_text())
    return {rule["record"] for group in rules["groups"] for rule in group["rules"] if "record" in rule}


def known_metrics() -> set[str]:
    """Every series name pagemesh's processes export or its rules record."""
    names = {"up"} | recorded_names()
    stats = {"calls": 1, "hedges": 0, "hedge_wins": 0, "hedges_withheld": 0, "fallbacks": 0, "version": "v2"}
    families = [*REGISTRY.collect(), *BackendStatsCollector(lambda: {"reviews": stats}).collect()]
    for family in families:
        for suffix in _SUFFIXES.get(family.type, ("",)):
            names.add(family.name + suffix)
        names.update(sample.name for sample in family.samples)
    return names


def test_rules_pass_promtool_check_and_their_unit_tests() -> None:
    check = subprocess.run(
        [promtool(), "check", "rules", str(RULES_PATH)], capture_output=True, text=True, check=False
    )
    assert check.returncode == 0, check.stdout + check.stderr
    assert "SUCCESS" in check.stdout
    tested = subprocess.run(
        [promtool(), "test", "rules", "prometheus-rules.test.yml"],
        cwd=HERE,
        capture_output=True,
        text=True,
        check=False,
    )
    assert tested.returncode == 0, tested.stdout + tested.stderr


def test_rules_name_metrics_that_exist() -> None:
    known = known_metrics()
    rules = yaml.safe_load(RULES_PATH.read_text())
    for group in rules["groups"]:
        for rule in group["rules"]:
            unknown = set(_METRIC.findall(rule["expr"])) - known
            assert not unknown, (rule.get("record") or rule.get("alert"), unknown)


def dashboard_queries() -> list[tuple[str, str]]:
    dashboard = json.loads(DASHBOARD_PATH.read_text())
    return [
        (panel["title"], target["expr"])
        for panel in dashboard["panels"]
        if panel["type"] != "row"
        for target in panel["targets"]
    ]


def test_dashboard_is_grafana_json_with_a_query_per_panel() -> None:
    dashboard = json.loads(DASHBOARD_PATH.read_text())
    assert dashboard["uid"] == "pagemesh-overview"
    panels = dashboard["panels"]
    assert len({p["id"] for p in panels}) == len(panels)
    rows = [p["title"] for p in panels if p["type"] == "row"]
    assert rows == ["Product page", "Backends by API version", "Bus"]
    for panel in panels:
        assert {"x", "y", "w", "h"} <= set(panel["gridPos"])
        if panel["type"] != "row":
            assert panel["targets"], panel["title"]
            assert panel["datasource"]["uid"] == "${datasource}"


@pytest.mark.parametrize(("title", "expr"), dashboard_queries())
def test_dashboard_queries_name_metrics_that_exist(title: str, expr: str) -> None:
    names = set(_METRIC.findall(expr))
    assert names, f"{title}: no pagemesh metric in {expr!r}"
    assert not names - known_metrics(), f"{title}: unknown metrics {names - known_metrics()}"
