"""`pagemesh up --prometheus`, as a user starts it: a real Prometheus scraping every part and replica,
answering PromQL for the page rate and the v1 calls by caller, and gone when the mesh stops."""

from __future__ import annotations

import re
import time
from pathlib import Path

from pagemesh.page.v2 import page_pb2, page_pb2_grpc
from pagemesh.product.v1 import product_pb2 as product_v1
from pagemesh.product.v1 import product_pb2_grpc as product_v1_grpc
from pagemesh.runtime import AGGREGATOR, SERVICES
from pagemesh.security import spiffe_id
from tests.harness import operator_channel, start_up
from tests.telemetry.test_prometheus import Vector, query


def processes_running(marker: str) -> list[int]:
    """PIDs of the processes whose command line contains `marker`."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            if marker in command:
                found.append(int(entry.name))
    return found


def test_pagemesh_up_prometheus_scrapes_every_part_and_replica(tmp_path: Path) -> None:
    data_dir = tmp_path / "up"
    config = str(data_dir / "prometheus" / "prometheus.yml")
    with start_up(data_dir, ["--prometheus", "--replicas", "reviews=2"]) as up:
        table = up.stdout_path.read_text().splitlines()
        (row,) = [line for line in table if line.startswith("prometheus ")]
        match = re.search(r"http://127\.0\.0\.1:\d+", row)
        assert match is not None, row
        prometheus = match.group(0)
        assert "scraping 8 admin ports" in row  # six services, a second reviews, the aggregator
        assert processes_running(config)

        with operator_channel(up.addresses["product"]) as channel:
            for _ in range(4):
                product_v1_grpc.ProductServiceStub(channel).GetProduct(
                    product_v1.GetProductRequest(id="P00001"), timeout=10
                )
        v1_calls = 'sum by (caller) (pagemesh_server_calls_total{api_version="v1", job="product"})'
        page_rate = "sum(rate(pagemesh_pages_total[30s]))"
        deadline = time.monotonic() + 90
        seen: dict[str, Vector] = {}
        with operator_channel(up.addresses[AGGREGATOR]) as channel:
            stub = page_pb2_grpc.PageServiceStub(channel)
            while time.monotonic() < deadline:
                stub.GetProductPage(page_pb2.GetProductPageRequest(product_id="P00002"), timeout=10)
                seen = {
                    "up": query(prometheus, 'up{mesh="pagemesh"}'),
                    "v1": query(prometheus, v1_calls),
                    "rate": query(prometheus, page_rate),
                }
                if (
                    len(seen["up"]) == 8
                    and all(v == 1 for _, v in seen["up"])
                    and seen["v1"]
                    and seen["rate"]
                    and seen["rate"][0][1] > 0
                ):
                    break
                time.sleep(0.5)
        jobs = sorted(labels["job"] for labels, _ in seen["up"])
        assert jobs == sorted([*SERVICES, "reviews", AGGREGATOR])
        assert all(v == 1 for _, v in seen["up"]), seen["up"]
        assert seen["v1"] == [({"caller": spiffe_id("operator")}, 4.0)]
        assert seen["rate"][0][1] > 0
    # Stopped with the mesh.
    deadline = time.monotonic() + 20
    while processes_running(config) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not processes_running(config)
