"""Call metrics from the one interceptor on a real in-process server, in Prometheus' text format, and
`pagemesh usage` reading them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import grpc
import grpc.aio
import pytest
from prometheus_client import REGISTRY, generate_latest
from prometheus_client.parser import text_string_to_metric_families

from pagemesh.product.v1 import product_pb2 as v1
from pagemesh.product.v1 import product_pb2_grpc as v1_grpc
from pagemesh.product.v2 import product_pb2 as v2
from pagemesh.product.v2 import product_pb2_grpc as v2_grpc
from pagemesh.runtime import GrpcServer
from pagemesh.telemetry import UNAUTHENTICATED, caller_label
from pagemesh.telemetry._usage import render_usage, usage_from_scrapes
from services import open_service
from tests.harness import free_port

Labels = dict[str, str]


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


@pytest.fixture
def product_server(tmp_path: Path) -> Iterator[tuple[GrpcServer, str]]:
    instance = open_service("product", tmp_path / "product.sqlite3")
    address = f"127.0.0.1:{free_port()}"
    yield GrpcServer("product", address, instance.bindings), address
    instance.close()


async def test_counters_say_exactly_how_many_v1_and_v2_calls_each_caller_made(
    product_server: tuple[GrpcServer, str],
) -> None:
    server, address = product_server
    before = generate_latest(REGISTRY).decode()
    await server.start()
    try:
        async with grpc.aio.insecure_channel(address) as channel:
            old, new = v1_grpc.ProductServiceStub(channel), v2_grpc.ProductServiceStub(channel)
            for _ in range(3):
                await old.GetProduct(v1.GetProductRequest(id="P00001"))
            for _ in range(5):
                await new.GetProduct(v2.GetProductRequest(id="P00002"))
            await new.ListProducts(v2.ListProductsRequest(page_size=2))
            with pytest.raises(grpc.aio.AioRpcError):
                await new.GetProduct(v2.GetProductRequest(id="P99999"))
    finally:
        await server.stop(grace=1)
    after = generate_latest(REGISTRY).decode()

    def calls(text: str, version: str, method: str, code: str = "OK") -> float:
        return value(
            text,
            "pagemesh_server_calls_total",
            service=f"pagemesh.product.{version}.ProductService",
            method=method,
            api_version=version,
            code=code,
            caller=UNAUTHENTICATED,
        )

    assert calls(after, "v1", "GetProduct") - calls(before, "v1", "GetProduct") == 3
    assert calls(after, "v2", "GetProduct") - calls(before, "v2", "GetProduct") == 5
    assert calls(after, "v2", "ListProducts") - calls(before, "v2", "ListProducts") == 1
    assert calls(after, "v2", "GetProduct", "NOT_FOUND") - calls(before, "v2", "GetProduct", "NOT_FOUND") == 1
    assert calls(after, "v1", "ListProducts") == calls(before, "v1", "ListProducts")

    def observed(text: str) -> float:
        return value(
            text,
            "pagemesh_server_call_duration_seconds_count",
            service="pagemesh.product.v1.ProductService",
            method="GetProduct",
            code="OK",
        )

    assert observed(after) - observed(before) == 3
    buckets = [
        (labels["le"], v)
        for labels, v in samples(after, "pagemesh_server_call_duration_seconds_bucket")
        if labels["service"] == "pagemesh.product.v1.ProductService" and labels["code"] == "OK"
    ]
    assert buckets[-1] == ("+Inf", observed(after))
    # Every method served is listed, called or not: v1's ListProducts was never called.
    assert (
        value(
            after,
            "pagemesh_api_method_info",
            service="pagemesh.product.v1.ProductService",
            method="ListProducts",
            api_version="v1",
        )
        == 1
    )
    # The response cache (the product service is read-only) answered the repeats.
    hits = value(after, "pagemesh_response_cache_hits_total", service="pagemesh.product.v2.ProductService")
    assert (
        hits
        - value(before, "pagemesh_response_cache_hits_total", service="pagemesh.product.v2.ProductService")
        >= 4
    )
    # Process CPU and memory come with the registry.
    assert value(after, "process_resident_memory_bytes") > 0
    assert value(after, "process_cpu_seconds_total") > 0

    usage = usage_from_scrapes({address: after})
    lines = render_usage(usage)
    assert "pagemesh.product.ProductService" in lines
    v1_rows = [line.split() for line in lines if line.startswith("  v1 ")]
    assert v1_rows[0][:3] == ["v1", "GetProduct", UNAUTHENTICATED]
    assert v1_rows[1][:4] == ["v1", "ListProducts", "(no", "caller)"]


def test_label_values_stay_bounded_whoever_calls() -> None:
    seen: set[str] = set()
    labels = {caller_label(f"spiffe://pagemesh.local/ns/default/sa/part-{k}", seen) for k in range(500)}
    assert len(labels) == 65
    assert "other" in labels
    assert caller_label("spiffe://pagemesh.local/ns/default/sa/part-3", seen) == (
        "spiffe://pagemesh.local/ns/default/sa/part-3"
    )
