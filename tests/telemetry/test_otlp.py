"""With OTEL_EXPORTER_OTLP_ENDPOINT set, spans go over OTLP (gRPC) to a real collector: Jaeger v2, built
by `make test` (scripts/build-jaeger.sh), on free loopback ports, read back through its query API."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pagemesh.product.v2 import product_pb2, product_pb2_grpc
from pagemesh.runtime import ChildProcess, free_port, spawn
from tests.harness import operator_channel, start_service

ROOT = Path(__file__).resolve().parents[2]
JAEGER = ROOT / ".tools" / "bin" / "jaeger"


@pytest.fixture
def jaeger(tmp_path: Path) -> Iterator[tuple[str, str]]:
    """(OTLP gRPC endpoint, query API root) of a Jaeger with an in-memory store."""
    assert JAEGER.exists(), "jaeger is built by `make test-tools` (scripts/build-jaeger.sh)"
    otlp, query, query_grpc = free_port(), free_port(), free_port()
    config = tmp_path / "jaeger.yaml"
    config.write_text(
        f"""
service:
  extensions: [jaeger_storage, jaeger_query]
  pipelines:
    traces:
      receivers: [otlp]
      exporters: [jaeger_storage_exporter]
  telemetry:
    metrics: {{level: none}}
    logs: {{level: warn}}
extensions:
  jaeger_storage:
    backends:
      memstore: {{memory: {{max_traces: 1000}}}}
  jaeger_query:
    storage: {{traces: memstore}}
    grpc: {{endpoint: "127.0.0.1:{query_grpc}"}}
    http: {{endpoint: "127.0.0.1:{query}"}}
receivers:
  otlp:
    protocols:
      grpc: {{endpoint: "127.0.0.1:{otlp}"}}
exporters:
  jaeger_storage_exporter: {{trace_storage: memstore}}
"""
    )
    process: ChildProcess = spawn(
        [str(JAEGER), "--config", str(config)],
        name="jaeger",
        address=f"127.0.0.1:{otlp}",
        log_path=tmp_path / "jaeger.log",
        env={},
    )
    base = f"http://127.0.0.1:{query}"
    deadline = time.monotonic() + 60
    while get(f"{base}/api/services") is None:
        assert process.running(), process.log()
        assert time.monotonic() < deadline, process.log()
        time.sleep(0.2)
    yield f"http://127.0.0.1:{otlp}", base
    process.stop()


def get(url: str) -> Any:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return json.loads(response.read())
    except (urllib.error.URLError, OSError, ValueError):
        return None


def test_spans_go_to_the_otlp_collector_when_one_is_named(tmp_path: Path, jaeger: tuple[str, str]) -> None:
    endpoint, query = jaeger
    data_dir = tmp_path / "data"
    product = start_service(
        "product",
        tmp_path,
        env={
            "PAGEMESH_DATA_DIR": str(data_dir),
            "OTEL_EXPORTER_OTLP_ENDPOINT": endpoint,
            "OTEL_EXPORTER_OTLP_INSECURE": "true",
            "OTEL_TRACES_SAMPLER": "parentbased_always_on",
        },
    )
    trace_id, parent = "6bf92f3577b34da6a3ce929d0e0e4738", "20f067aa0ba902b9"
    try:
        with operator_channel(product.address) as channel:
            product_pb2_grpc.ProductServiceStub(channel).GetProduct(
                product_pb2.GetProductRequest(id="P00001"),
                timeout=10,
                metadata=(("traceparent", f"00-{trace_id}-{parent}-01"),),
            )
        deadline = time.monotonic() + 30
        found = None
        while found is None and time.monotonic() < deadline:
            answer = get(f"{query}/api/traces/{trace_id}")
            found = answer["data"][0] if answer and answer.get("data") else None
            time.sleep(0.3)
    finally:
        product.stop()
    assert found is not None, "the span never reached the collector"
    (span,) = found["spans"]
    assert span["operationName"] == "pagemesh.product.v2.ProductService/GetProduct"
    assert span["references"] == [{"refType": "CHILD_OF", "traceID": trace_id, "spanID": parent}]
    tags = {tag["key"]: tag["value"] for tag in span["tags"]}
    assert tags["pagemesh.api_version"] == "v2"
    assert tags["pagemesh.contract"] == "pagemesh.product.v2"
    assert tags["span.kind"] == "server"
    assert found["processes"][span["processID"]]["serviceName"] == "product"
    # And not to the files: with a collector named, nothing is written under the data dir.
    assert not (data_dir / "traces").exists()
