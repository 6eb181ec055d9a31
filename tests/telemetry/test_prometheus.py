"""A real Prometheus (Debian's, started by pagemesh's launcher) scraping the traced mesh's admin ports:
PromQL over its HTTP API gives the page rate and the v1 calls by caller; `pagemesh usage --prometheus`
prints them."""

from __future__ import annotations

import json
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator

import pytest

from pagemesh.reviews.v1 import reviews_pb2 as reviews_v1
from pagemesh.reviews.v1 import reviews_pb2_grpc as reviews_v1_grpc
from pagemesh.security import spiffe_id
from pagemesh.telemetry._prometheus import RunningPrometheus, start_prometheus
from tests.harness import operator_channel
from tests.telemetry.conftest import TracedMesh, pagemesh
from tests.telemetry.test_traces import fetch_page

Vector = list[tuple[dict[str, str], float]]
OPERATOR = spiffe_id("operator")


@pytest.fixture(scope="module")
def prometheus(traced: TracedMesh, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningPrometheus]:
    targets = {name: [process.admin_address] for name, process in traced.services.services.items()}
    targets["aggregator"] = [traced.aggregator.server.admin_address]
    running = start_prometheus(tmp_path_factory.mktemp("prometheus"), targets, scrape_interval=1)
    yield running
    running.stop()
    assert not running.process.running()


def query(base: str, promql: str) -> Vector:
    """An instant query's vector from the Prometheus at `base`."""
    url = f"{base}/api/v1/query?{urllib.parse.urlencode({'query': promql})}"
    with urllib.request.urlopen(url, timeout=10) as response:
        answer = json.loads(response.read())
    assert answer["status"] == "success", answer
    return [(sample["metric"], float(sample["value"][1])) for sample in answer["data"]["result"]]


def eventually(prometheus: RunningPrometheus, promql: str, wanted: Callable[[Vector], bool]) -> Vector:
    """The query's result once `wanted` holds for it (Prometheus scrapes every second here)."""
    deadline = time.monotonic() + 60
    while True:
        result = query(prometheus.url, promql)
        if wanted(result) or time.monotonic() > deadline:
            return result
        time.sleep(0.5)


def test_promql_gives_the_page_rate_and_the_v1_calls_by_caller(
    traced: TracedMesh, prometheus: RunningPrometheus
) -> None:
    up = eventually(prometheus, 'up{mesh="pagemesh"}', lambda r: len(r) == 7 and all(v == 1 for _, v in r))
    assert sorted(labels["job"] for labels, _ in up) == sorted([*traced.services.services, "aggregator"])

    reviews = traced.services.address("reviews")
    v1_calls = 'sum by (caller) (pagemesh_server_calls_total{service="pagemesh.reviews.v1.ReviewService"})'
    before = dict((labels["caller"], v) for labels, v in query(prometheus.url, v1_calls))
    with operator_channel(reviews) as channel:
        stub = reviews_v1_grpc.ReviewServiceStub(channel)
        for _ in range(5):
            stub.ListReviews(reviews_v1.ListReviewsRequest(product_id="P00001", max_results=2), timeout=10)
    # Pages for a few seconds, so several scrapes see the counter grow.
    until = time.monotonic() + 4
    pages = 0
    while time.monotonic() < until:
        fetch_page(traced.aggregator.address, f"P{1 + pages % 20:05d}")
        pages += 1

    expected = before.get(OPERATOR, 0) + 5
    by_caller = eventually(
        prometheus, v1_calls, lambda r: any(lab["caller"] == OPERATOR and v == expected for lab, v in r)
    )
    assert (({"caller": OPERATOR}, expected)) in by_caller
    rate = eventually(prometheus, "sum(rate(pagemesh_pages_total[20s]))", lambda r: bool(r) and r[0][1] > 0)
    assert rate[0][1] > 0
    # The shipped recording rules are evaluated too.
    recorded = eventually(prometheus, "pagemesh:pages:rate5m", lambda r: bool(r) and r[0][1] > 0)
    assert recorded[0][1] > 0
    v1_by_caller = eventually(
        prometheus, "pagemesh:v1_calls:rate5m", lambda r: any(lab.get("caller") == OPERATOR for lab, _ in r)
    )
    assert any(
        labels["service"] == "pagemesh.reviews.v1.ReviewService" and labels["method"] == "ListReviews"
        for labels, _ in v1_by_caller
    )

    done = pagemesh("usage", "--prometheus", prometheus.url, "--window", "5m")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == f"API usage from Prometheus at {prometheus.url}, window 5m"
    reviews_at = lines.index("pagemesh.reviews.ReviewService")
    rows = [line.split() for line in lines[reviews_at:] if line.startswith("  v1 ")]
    called = [row for row in rows if row[1] == "ListReviews" and row[2] == OPERATOR]
    assert called, lines
    # Every call counts, also those made before Prometheus first saw this caller's series.
    assert float(called[0][4]) == expected
    assert float(called[0][3]) == pytest.approx(expected / 300, abs=0.001)  # per second over 5 minutes
    # The page's callers: the aggregator's PageService v2, called by the operator (these tests).
    page_rows = [line.split() for line in lines if line.startswith("  v2 ") and "GetProductPage" in line]
    assert any(row[2] == OPERATOR for row in page_rows)


def test_usage_with_an_unreachable_prometheus_is_one_line() -> None:
    done = pagemesh("usage", "--prometheus", "http://127.0.0.1:9", "--window", "1h")
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1
    assert done.stderr.startswith("pagemesh usage: cannot query Prometheus at http://127.0.0.1:9")
    bad_window = pagemesh("usage", "--prometheus", "http://127.0.0.1:9", "--window", "an hour")
    assert bad_window.returncode == 1
    assert "--window 'an hour' is not a duration" in bad_window.stderr
