"""The aggregator as a real process over the six real services: pages, errors, HTTP, CLI and grpcurl."""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Iterator

import grpc
import pytest
from google.protobuf.json_format import Parse

from pagemesh.history.v2 import history_pb2 as history_v2
from pagemesh.history.v2 import history_pb2_grpc as history_v2_grpc
from pagemesh.page.v1 import page_pb2 as page_v1
from pagemesh.page.v1 import page_pb2_grpc as page_v1_grpc
from pagemesh.page.v2 import page_pb2 as page_v2
from pagemesh.page.v2 import page_pb2_grpc as page_v2_grpc
from pagemesh.runtime import pagemesh_command
from tests.aggregator.procs import Aggregator
from tests.harness import Mesh, clean_environment, grpcurl_tls_flags, log_entries, operator_channel
from tests.tools import tool


@pytest.fixture(scope="module")
def channel(aggregator: Aggregator) -> Iterator[grpc.Channel]:
    with operator_channel(aggregator.address) as opened:
        yield opened


def test_complete_v2_page(channel: grpc.Channel, mesh: Mesh, aggregator: Aggregator) -> None:
    stub = page_v2_grpc.PageServiceStub(channel)
    page, call = stub.GetProductPage.with_call(
        page_v2.GetProductPageRequest(product_id="P00001", user_id="u-alice"),
        timeout=5,
        metadata=(("x-request-id", "e2e-page-v2-0001"),),
    )
    assert page.product.id == "P00001"
    assert page.product.title
    assert page.product.price.currency_code
    assert page.authors
    assert page.reviews.total_count > 0
    assert page.reviews.reviews
    assert page.recommendations
    assert page.sponsored
    assert page.recently_viewed
    assert list(page.degraded_sections) == []
    trailers = dict(call.trailing_metadata() or ())
    assert trailers["x-request-id"] == "e2e-page-v2-0001"
    timing = trailers["x-pagemesh-timing"]
    for section in (
        "product",
        "authors",
        "reviews",
        "recommendations",
        "sponsored",
        "recently_viewed",
        "page",
    ):
        assert f"{section};dur=" in timing
    # The request id reached every backend (each logs it with the call).
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        if all("e2e-page-v2-0001" in server.log() for server in mesh.services.values()):
            break
        time.sleep(0.1)
    missing = [name for name, server in mesh.services.items() if "e2e-page-v2-0001" not in server.log()]
    assert missing == []
    # One structured line for the page: each section's time, what was degraded or hedged.
    (logged,) = log_entries(aggregator.server, "page", request_id="e2e-page-v2-0001")
    assert logged["level"] == "info"
    assert logged["component"] == "aggregator"
    assert logged["product_id"] == "P00001"
    assert logged["code"] == "OK"
    sections = logged["sections_ms"]
    assert isinstance(sections, dict)
    assert set(sections) == {
        "product",
        "authors",
        "reviews",
        "recommendations",
        "sponsored",
        "recently_viewed",
    }
    assert all(isinstance(ms, float | int) and ms >= 0 for ms in sections.values())
    assert logged["degraded"] == []
    assert isinstance(logged["hedged"], list)


def test_section_timings_are_finer_than_a_millisecond(channel: grpc.Channel) -> None:
    # They feed the timing trailer, the page log line and the hedge delay (a p95 of a few ms): the
    # clock behind them must not count whole milliseconds, as uvloop's loop.time() does.
    stub = page_v2_grpc.PageServiceStub(channel)
    durations: list[float] = []
    for number in range(1, 6):
        _, call = stub.GetProductPage.with_call(
            page_v2.GetProductPageRequest(product_id=f"P{number:05d}", user_id="u-alice"), timeout=5
        )
        timing = str(dict(call.trailing_metadata() or ())["x-pagemesh-timing"])
        durations += [float(part.split("dur=")[1]) for part in timing.split(", ")]
    assert len(durations) == 5 * 7
    assert any(duration != round(duration) for duration in durations), durations


def test_complete_v1_page_matches_v2(channel: grpc.Channel) -> None:
    v1 = page_v1_grpc.PageServiceStub(channel).GetProductPage(
        page_v1.GetProductPageRequest(product_id="P00002", user_id="u-alice"), timeout=5
    )
    v2 = page_v2_grpc.PageServiceStub(channel).GetProductPage(
        page_v2.GetProductPageRequest(product_id="P00002", user_id="u-alice"), timeout=5
    )
    assert v1.product.title == v2.product.title
    assert v1.product.price == pytest.approx(v2.product.price.units + v2.product.price.nanos / 1e9)
    assert v1.author.name == v2.authors[0].display_name
    assert v1.review_count == v2.reviews.total_count
    assert [r.product_id for r in v1.recommendations] == [r.product_id for r in v2.recommendations]
    assert [s.product_id for s in v1.sponsored] == [s.product_id for s in v2.sponsored]
    assert v1.recently_viewed


def test_unknown_product_is_not_found(channel: grpc.Channel) -> None:
    with pytest.raises(grpc.RpcError) as raised:
        page_v2_grpc.PageServiceStub(channel).GetProductPage(
            page_v2.GetProductPageRequest(product_id="P99999"), timeout=5
        )
    error = raised.value
    assert isinstance(error, grpc.Call)
    assert error.code() is grpc.StatusCode.NOT_FOUND
    assert "P99999" in (error.details() or "")


def test_empty_product_id_is_invalid(channel: grpc.Channel) -> None:
    with pytest.raises(grpc.RpcError) as raised:
        page_v1_grpc.PageServiceStub(channel).GetProductPage(page_v1.GetProductPageRequest(), timeout=5)
    assert isinstance(raised.value, grpc.Call)
    assert raised.value.code() is grpc.StatusCode.INVALID_ARGUMENT


def test_http_catalogue_links_to_product_pages(aggregator: Aggregator) -> None:
    status, headers, body = aggregator.get("/")
    assert status == 200
    assert headers["Content-Type"].startswith("text/html")
    assert 'href="/products/P00001"' in body
    assert 'id="next"' in body


def test_http_product_page(aggregator: Aggregator) -> None:
    status, headers, body = aggregator.get("/products/P00001?user=u-bruno")
    assert status == 200
    assert "<title>" in body
    for section in ("product", "authors", "reviews", "recommendations", "sponsored", "recently_viewed"):
        assert f'id="{section}"' in body
    assert 'data-state="unavailable"' not in body
    assert "Server-Timing" in headers


def test_http_unknown_product_is_a_404_page(aggregator: Aggregator) -> None:
    status, headers, body = aggregator.get("/products/P99999")
    assert status == 404
    assert headers["Content-Type"].startswith("text/html")
    assert "Product not found" in body
    assert "P99999" in body


def test_http_api_returns_the_v2_page_as_proto_json(aggregator: Aggregator) -> None:
    status, headers, body = aggregator.get("/api/v2/products/P00003")
    assert status == 200
    assert headers["Content-Type"].startswith("application/json")
    page = Parse(body, page_v2.GetProductPageResponse())
    assert page.product.id == "P00003"
    assert page.reviews.total_count > 0
    status, _, body = aggregator.get("/api/v2/products/P99999")
    assert status == 404
    assert json.loads(body)["error"]["code"] == "NOT_FOUND"


def test_http_healthz(aggregator: Aggregator) -> None:
    status, _, body = aggregator.get("/healthz")
    assert status == 200
    assert json.loads(body) == {"status": "SERVING"}


def test_a_page_view_is_recorded_in_history(aggregator: Aggregator, mesh: Mesh) -> None:
    status, _, _ = aggregator.get("/products/P00123?user=u-dana")
    assert status == 200
    with operator_channel(mesh.address("history")) as history:
        stub = history_v2_grpc.HistoryServiceStub(history)
        deadline = time.monotonic() + 5
        viewed: list[str] = []
        while time.monotonic() < deadline:
            response = stub.ListViewedProducts(
                history_v2.ListViewedProductsRequest(user_id="u-dana"), timeout=5
            )
            viewed = [view.product_id for view in response.views]
            if "P00123" in viewed:
                break
            time.sleep(0.1)
    assert "P00123" in viewed


def _page_command(
    aggregator: Aggregator, *args: str, env: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    command = pagemesh_command(["page", "--address", aggregator.address, *args])
    return subprocess.run(command, capture_output=True, text=True, timeout=30, check=False, env=env)


def test_pagemesh_page_command(aggregator: Aggregator) -> None:
    # As a person would run it: mutual TLS with the operator's certificate (PAGEMESH_TLS, PAGEMESH_PKI_DIR).
    env = clean_environment()
    shown = _page_command(aggregator, "P00001", env=env)
    assert shown.returncode == 0, shown.stderr
    assert "(P00001)" in shown.stdout
    as_json = _page_command(aggregator, "P00001", "--api", "v1", "--json", env=env)
    assert as_json.returncode == 0, as_json.stderr
    assert json.loads(as_json.stdout)["product"]["id"] == "P00001"
    missing = _page_command(aggregator, "P99999", env=env)
    assert missing.returncode == 1
    assert missing.stderr.count("\n") == 1
    assert "NOT_FOUND" in missing.stderr


def test_pagemesh_page_without_a_certificate_is_one_clear_line(aggregator: Aggregator) -> None:
    plaintext = _page_command(aggregator, "P00001", env=clean_environment({"PAGEMESH_TLS": "plaintext"}))
    assert plaintext.returncode == 1
    assert plaintext.stderr.count("\n") == 1
    assert "UNAVAILABLE" in plaintext.stderr
    no_files = _page_command(
        aggregator, "P00001", env=clean_environment({"PAGEMESH_PKI_DIR": "/nonexistent/pki"})
    )
    assert no_files.returncode == 1
    assert no_files.stderr.count("\n") == 1
    assert "pagemesh certs" in no_files.stderr


def test_grpcurl_calls_the_aggregator_by_reflection(aggregator: Aggregator) -> None:
    grpcurl = tool("grpcurl")
    listed = subprocess.run(
        [grpcurl, *grpcurl_tls_flags(), aggregator.address, "list"],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    assert "pagemesh.page.v1.PageService" in listed.stdout
    assert "pagemesh.page.v2.PageService" in listed.stdout
    assert "grpc.health.v1.Health" in listed.stdout
    called = subprocess.run(
        [
            grpcurl,
            *grpcurl_tls_flags(),
            "-d",
            '{"product_id": "P00001", "user_id": "u-alice"}',
            aggregator.address,
            "pagemesh.page.v2.PageService/GetProductPage",
        ],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    assert json.loads(called.stdout)["product"]["id"] == "P00001"
