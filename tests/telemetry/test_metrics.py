"""Call metrics from the one interceptor, read over HTTP from a real process's admin port with Prometheus'
own text parser, with real mTLS identities as callers; and `pagemesh usage` reading them."""

from __future__ import annotations

import urllib.request
from pathlib import Path

import grpc
import pytest
from prometheus_client.parser import text_string_to_metric_families

from pagemesh.product.v1 import product_pb2 as v1
from pagemesh.product.v1 import product_pb2_grpc as v1_grpc
from pagemesh.product.v2 import product_pb2 as v2
from pagemesh.product.v2 import product_pb2_grpc as v2_grpc
from pagemesh.runtime import Transport
from pagemesh.security import spiffe_id
from pagemesh.telemetry import caller_label
from tests.harness import mtls_settings, start_service
from tests.telemetry.conftest import pagemesh

Labels = dict[str, str]
OPERATOR = spiffe_id("operator")
AGGREGATOR = spiffe_id("aggregator")


def scrape(admin_address: str) -> str:
    with urllib.request.urlopen(f"http://{admin_address}/metrics", timeout=10) as response:
        assert response.headers["Content-Type"].startswith("text/plain")
        return str(response.read().decode())


def samples(text: str, name: str) -> list[tuple[Labels, float]]:
    """Every sample called `name` in a /metrics text, parsed by Prometheus' own parser."""
    return [
        (dict(sample.labels), sample.value)
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == name
    ]


def value(text: str, name: str, **labels: str) -> float:
    found = [v for got, v in samples(text, name) if all(got.get(k) == w for k, w in labels.items())]
    return sum(found)


def channel_as(identity: str, address: str) -> grpc.Channel:
    return Transport.from_settings(mtls_settings(), identity).blocking_channel(address)


def test_counters_say_exactly_how_many_v1_and_v2_calls_each_caller_made(tmp_path: Path) -> None:
    product = start_service("product", tmp_path)
    try:
        with channel_as("operator", product.address) as channel:
            old, new = v1_grpc.ProductServiceStub(channel), v2_grpc.ProductServiceStub(channel)
            for _ in range(3):
                old.GetProduct(v1.GetProductRequest(id="P00001"), timeout=10)
            for _ in range(5):
                new.GetProduct(v2.GetProductRequest(id="P00002"), timeout=10)
            with pytest.raises(grpc.RpcError, match="does not exist"):
                new.GetProduct(v2.GetProductRequest(id="P99999"), timeout=10)
        with channel_as("aggregator", product.address) as channel:
            for _ in range(2):
                v1_grpc.ProductServiceStub(channel).GetProduct(v1.GetProductRequest(id="P00003"), timeout=10)
            v2_grpc.ProductServiceStub(channel).ListProducts(v2.ListProductsRequest(page_size=2), timeout=10)
        text = scrape(product.admin_address)
    finally:
        product.stop()

    def calls(version: str, method: str, caller: str, code: str = "OK") -> float:
        return value(
            text,
            "pagemesh_server_calls_total",
            service=f"pagemesh.product.{version}.ProductService",
            method=method,
            api_version=version,
            code=code,
            caller=caller,
        )

    assert calls("v1", "GetProduct", OPERATOR) == 3
    assert calls("v2", "GetProduct", OPERATOR) == 5
    assert calls("v2", "GetProduct", OPERATOR, "NOT_FOUND") == 1
    assert calls("v1", "GetProduct", AGGREGATOR) == 2
    assert calls("v2", "ListProducts", AGGREGATOR) == 1
    assert calls("v2", "ListProducts", OPERATOR) == 0
    assert {labels["caller"] for labels, _ in samples(text, "pagemesh_server_calls_total")} == {
        OPERATOR,
        AGGREGATOR,
    }
    # The latency histogram counts the same calls, each in a bucket.
    durations = value(
        text,
        "pagemesh_server_call_duration_seconds_count",
        service="pagemesh.product.v1.ProductService",
        method="GetProduct",
        code="OK",
    )
    assert durations == 5
    buckets = [
        (labels["le"], v)
        for labels, v in samples(text, "pagemesh_server_call_duration_seconds_bucket")
        if labels["service"] == "pagemesh.product.v1.ProductService" and labels["caller"] == OPERATOR
    ]
    assert buckets[-1] == ("+Inf", 3)
    # Every method served is listed, called or not: v1's ListProducts was never called.
    assert (
        value(
            text,
            "pagemesh_api_method_info",
            service="pagemesh.product.v1.ProductService",
            method="ListProducts",
            api_version="v1",
        )
        == 1
    )
    # The response cache (the product service is read-only) answered the repeats.
    assert (
        value(text, "pagemesh_response_cache_hits_total", service="pagemesh.product.v2.ProductService") >= 4
    )
    # Process CPU and memory come with the registry.
    assert value(text, "process_resident_memory_bytes") > 0
    assert value(text, "process_cpu_seconds_total") > 0


def test_pagemesh_usage_scrapes_the_running_parts(tmp_path: Path) -> None:
    product = start_service("product", tmp_path)
    try:
        with channel_as("aggregator", product.address) as channel:
            for _ in range(4):
                v1_grpc.ProductServiceStub(channel).GetProduct(v1.GetProductRequest(id="P00001"), timeout=10)
        done = pagemesh(
            "usage",
            env={
                "PAGEMESH_PRODUCT_ADDR": product.address,
                "PAGEMESH_PRODUCT_ADMIN_ADDR": product.admin_address,
            },
        )
    finally:
        product.stop()
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "API usage from admin ports (calls since each process started)"
    assert "pagemesh.product.ProductService" in lines
    v1_rows = [line.split() for line in lines if line.startswith("  v1 ")]
    assert v1_rows[0][:3] == ["v1", "GetProduct", AGGREGATOR]
    assert v1_rows[0][4] == "4"
    assert v1_rows[1][:4] == ["v1", "ListProducts", "(no", "caller)"]
    assert f"  v1: 4 calls since start from 1 caller(s): {AGGREGATOR}" in lines
    assert "  v2: no calls since start" in lines
    # The other parts are not running: named once each, as warnings, not as a failure.
    warnings = [line for line in lines if line.startswith("warning: ")]
    assert len(warnings) == 6
    assert any(w.startswith("warning: aggregator: no /metrics at http://") for w in warnings)


def test_pagemesh_usage_without_a_mesh_says_so_in_one_line(tmp_path: Path) -> None:
    done = pagemesh("usage", env={"PAGEMESH_DATA_DIR": str(tmp_path)})
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1
    assert done.stderr.startswith("pagemesh usage: no part of the mesh answered on its admin port")


def test_label_values_stay_bounded_whoever_calls() -> None:
    seen: set[str] = set()
    labels = {caller_label(f"spiffe://pagemesh.local/ns/default/sa/part-{k}", seen) for k in range(500)}
    assert len(labels) == 65
    assert "other" in labels
    assert caller_label("spiffe://pagemesh.local/ns/default/sa/part-3", seen) == (
        "spiffe://pagemesh.local/ns/default/sa/part-3"
    )
