"""Server lifecycle over real processes: start, health, reflection, shutdown, bad flags, grpcurl."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import grpc
import pytest

from pagemesh.product.v1 import product_pb2 as v1
from pagemesh.product.v1 import product_pb2_grpc as v1_grpc
from pagemesh.product.v2 import product_pb2 as v2
from pagemesh.product.v2 import product_pb2_grpc as v2_grpc
from pagemesh.runtime import SERVICES, pagemesh_command, process_alive
from tests.harness import (
    Mesh,
    clean_environment,
    free_port,
    grpcurl_tls_flags,
    health,
    health_probe_tls_flags,
    launch,
    log_entries,
    operator_channel,
    start_service,
)
from tests.tools import tool

# One method per service, called through reflection only (no .proto files given to grpcurl).
REFLECTION_CALLS = {
    "product": ("pagemesh.product.v2.ProductService/GetProduct", {"id": "P00001"}, "product"),
    "recommendations": (
        "pagemesh.recommendations.v2.RecommendationService/ListRecommendations",
        {"product_id": "P00001"},
        "recommendations",
    ),
    "sponsored": (
        "pagemesh.sponsored.v1.SponsoredService/ListSponsoredListings",
        {"product_id": "P00001"},
        "listings",
    ),
    "authors": ("pagemesh.authors.v2.AuthorService/ListProductAuthors", {"product_id": "P00001"}, "authors"),
    "reviews": ("pagemesh.reviews.v2.ReviewService/ListReviews", {"product_id": "P00002"}, "summary"),
    "history": ("pagemesh.history.v1.HistoryService/ListViewedProducts", {"user_id": "u-alice"}, "products"),
}


@pytest.mark.parametrize("name", SERVICES)
def test_grpcurl_lists_and_calls_every_service_by_reflection(mesh: Mesh, name: str) -> None:
    listed = subprocess.run(
        [tool("grpcurl"), *grpcurl_tls_flags(), mesh.address(name), "list"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    package = f"pagemesh.{name}"
    assert any(s.startswith(f"{package}.v1.") for s in listed)
    assert any(s.startswith(f"{package}.v2.") for s in listed)
    assert "grpc.health.v1.Health" in listed
    method, body, field = REFLECTION_CALLS[name]
    called = subprocess.run(
        [tool("grpcurl"), *grpcurl_tls_flags(), "-d", json.dumps(body), mesh.address(name), method],
        capture_output=True,
        text=True,
        check=True,
    )
    assert field in json.loads(called.stdout)
    probe = subprocess.run(
        [tool("grpc-health-probe"), "-addr", mesh.address(name), *health_probe_tls_flags()],
        capture_output=True,
        text=True,
        check=False,
    )
    assert probe.returncode == 0, probe.stderr


def test_health_reports_each_versioned_service(mesh: Mesh) -> None:
    address = mesh.address("reviews")
    assert health(address, "pagemesh.reviews.v1.ReviewService") == "SERVING"
    assert health(address, "pagemesh.reviews.v2.ReviewService") == "SERVING"
    assert health(address, "pagemesh.product.v2.ProductService") == "UNREACHABLE"  # NOT_FOUND: not served


def test_sigterm_turns_health_not_serving_and_lets_in_flight_calls_finish(tmp_path: Path) -> None:
    server = start_service(
        "product", tmp_path, extra=["--inject", "latency=1500", "--drain", "1", "--grace", "5"]
    )
    channel = operator_channel(server.address)
    stub = v2_grpc.ProductServiceStub(channel)
    with ThreadPoolExecutor(1) as pool:
        in_flight = pool.submit(stub.GetProduct, v2.GetProductRequest(id="P00003"), timeout=10)
        time.sleep(0.5)
        server.process.send_signal(signal.SIGTERM)
        time.sleep(0.3)
        assert health(server.address) == "NOT_SERVING"
        assert in_flight.result().product.id == "P00003"
    assert server.process.wait(timeout=10) == 0
    channel.close()
    assert '"event": "stopped"' in server.log()


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_stop_signal_exits_zero(tmp_path: Path, signum: int) -> None:
    server = start_service("authors", tmp_path)
    assert server.stop(signum) == 0


def test_a_taken_port_is_an_error_not_a_second_listener(tmp_path: Path) -> None:
    first = start_service("sponsored", tmp_path / "a")
    second = launch(
        ["serve", "sponsored", "--port", str(first.port), "--db", str(tmp_path / "b.sqlite3")],
        name="second",
        port=first.port,
        workdir=tmp_path / "b",
    )
    assert second.process.wait(timeout=20) == 1
    lines = second.log().strip().splitlines()
    assert lines[-1].startswith("pagemesh serve: sponsored: cannot listen on 127.0.0.1:")
    assert "Traceback" not in second.log()
    first.stop()


def test_api_v1_only_answers_unimplemented_for_v2(tmp_path: Path) -> None:
    server = start_service("product", tmp_path, api="v1")
    with operator_channel(server.address) as channel:
        assert v1_grpc.ProductServiceStub(channel).GetProduct(v1.GetProductRequest(id="P00001")).product.id
        with pytest.raises(grpc.RpcError) as raised:
            v2_grpc.ProductServiceStub(channel).GetProduct(v2.GetProductRequest(id="P00001"))
        assert raised.value.code() == grpc.StatusCode.UNIMPLEMENTED
    server.stop()


def test_injected_errors_and_latency(tmp_path: Path) -> None:
    failing = start_service("product", tmp_path / "f", extra=["--inject", "error_rate=1"])
    slow = start_service("product", tmp_path / "s", extra=["--inject", "latency=300"])
    with (
        operator_channel(failing.address) as channel,
        operator_channel(slow.address) as slow_channel,
    ):
        with pytest.raises(grpc.RpcError) as raised:
            v2_grpc.ProductServiceStub(channel).GetProduct(v2.GetProductRequest(id="P00001"))
        assert raised.value.code() == grpc.StatusCode.UNAVAILABLE
        assert "injected" in str(raised.value.details())
        assert health(failing.address) == "SERVING"  # health is never faulted
        with pytest.raises(grpc.RpcError) as late:
            v2_grpc.ProductServiceStub(slow_channel).GetProduct(
                v2.GetProductRequest(id="P00001"), timeout=0.1
            )
        assert late.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED
    failing.stop()
    slow.stop()


def test_request_ids_are_logged_and_a_generated_one_comes_back(mesh: Mesh) -> None:
    product = mesh.services["product"]
    with operator_channel(mesh.address("product")) as channel:
        stub = v2_grpc.ProductServiceStub(channel)
        _, given = stub.GetProduct.with_call(
            v2.GetProductRequest(id="P00004"), metadata=(("x-request-id", "test-req-4711"),)
        )
        _, anonymous = stub.GetProduct.with_call(v2.GetProductRequest(id="P00005"))
    # The caller's own id is not echoed (it knows it); a generated one is, so errors can be traced.
    assert "x-request-id" not in dict(given.trailing_metadata() or ())
    generated = str(dict(anonymous.trailing_metadata() or ())["x-request-id"])
    assert len(generated) == 16
    for request_id in ("test-req-4711", generated):
        lines = log_entries(product, "call", request_id=request_id)
        assert lines, f"no log line for {request_id}"
        assert lines[0]["method"] == "/pagemesh.product.v2.ProductService/GetProduct"
        assert lines[0]["code"] == "OK"
        assert float(str(lines[0]["duration_ms"])) >= 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["serve", "nosuch"], "invalid choice: 'nosuch'"),
        (["serve", "product", "--api", "v3"], "--api 'v3' must be v1, v2 or v1,v2"),
        (["serve", "product", "--inject", "latency=fast"], "'fast' is not a number"),
        (["serve", "product", "--port", "70000"], "port from 0 to 65535"),
        (["up", "--inject", "nosuch:latency=5"], "unknown service 'nosuch'"),
        (["up", "--replicas", "reviews=x"], "is not SERVICE=N"),
        (["up", "--store", "mysql"], "invalid choice: 'mysql'"),
        (["db", "migrate", "nosuch"], "unknown service 'nosuch'"),
        (["db", "status", "--store", "postgres"], "no PostgreSQL cluster runs under"),
        (["serve", "product", "--db", "mysql://x/y"], "unknown scheme 'mysql'"),
        (["nosuch"], "unknown command 'nosuch'"),
    ],
)
def test_bad_command_lines_give_one_line_and_exit_1(tmp_path: Path, args: list[str], message: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pagemesh.cli", *args],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=30,
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1, result.stderr
    assert message in result.stderr


def _children(pid: int) -> list[int]:
    found = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True, check=False).stdout
    return [int(p) for p in found.split()]


def test_pagemesh_up_starts_everything_and_stops_cleanly(tmp_path: Path) -> None:
    env = clean_environment()
    ports = {name: free_port() for name in (*SERVICES, "aggregator")}
    env.update({f"PAGEMESH_{name.upper()}_ADDR": f"127.0.0.1:{port}" for name, port in ports.items()})
    env.update({f"PAGEMESH_{name.upper()}_ADMIN_ADDR": f"127.0.0.1:{free_port()}" for name in ports})
    env["PAGEMESH_AGGREGATOR_HTTP_ADDR"] = f"127.0.0.1:{free_port()}"
    with subprocess.Popen(
        pagemesh_command(["up", "--data-dir", str(tmp_path), "--inject", "all:latency=1"]),
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as up:
        try:
            assert up.stdout is not None
            lines = []
            for line in up.stdout:
                lines.append(line)
                if "SERVING" in line:
                    break
            table = "".join(lines)
            for name in SERVICES:
                assert f"127.0.0.1:{ports[name]}" in table, up.stderr.read() if up.stderr else ""
                assert health(f"127.0.0.1:{ports[name]}") == "SERVING"
            children = _children(up.pid)
            assert len(children) >= len(SERVICES)
            up.send_signal(signal.SIGINT)
            assert up.wait(timeout=30) == 0
            assert not [pid for pid in children if process_alive(pid)]
        finally:
            if up.poll() is None:
                up.kill()
                up.wait()
