"""A traced mesh for the telemetry tests: every page sampled, every process writing spans to one data dir."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import grpc
import pytest

from pagemesh.page.v2 import page_pb2, page_pb2_grpc
from pagemesh.runtime import pagemesh_command
from tests.aggregator.procs import Aggregator, start_aggregator
from tests.harness import ChildProcess, Mesh, clean_environment, operator_channel, start_mesh, start_service


@dataclass
class TracedMesh:
    """Six services and two aggregators whose spans all land in `data_dir/traces`."""

    data_dir: Path
    services: Mesh
    aggregator: Aggregator
    """Over the six healthy services, hedging off (so a page's spans are exactly one per hop)."""
    troubled: Aggregator
    """Like `aggregator`, but its reviews service answers after 1 s (past the 300 ms page deadline) and
    calls are hedged after 20 ms: its pages have a hedged, degraded reviews section."""
    slow_reviews: ChildProcess

    @property
    def traces(self) -> Path:
        """Where the spans are."""
        return self.data_dir / "traces"

    def environment(self) -> dict[str, str]:
        """What a `pagemesh` command needs to read this mesh's data dir."""
        return {"PAGEMESH_DATA_DIR": str(self.data_dir)}


def warm_up(aggregator: Aggregator) -> None:
    """One page through `aggregator`, so its channels to the six backends are open (mTLS handshakes
    done) before a test measures anything: on a busy machine a first handshake can be slow or fail."""
    with operator_channel(aggregator.address) as channel:
        stub = page_pb2_grpc.PageServiceStub(channel)
        for attempt in range(3):
            try:
                stub.GetProductPage(
                    page_pb2.GetProductPageRequest(product_id="P00001", user_id="u-alice"), timeout=30
                )
                return
            except grpc.RpcError:
                if attempt == 2:
                    raise


def pagemesh(*args: str, env: Mapping[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`pagemesh ARGS...` run to the end, as a person would (mTLS as the operator, `env` added)."""
    return subprocess.run(
        pagemesh_command(args),
        env=clean_environment(env),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def traced_environment(data_dir: Path) -> dict[str, str]:
    """Every page traced, spans to JSON lines under `data_dir`."""
    return {"PAGEMESH_DATA_DIR": str(data_dir), "OTEL_TRACES_SAMPLER": "parentbased_always_on"}


@pytest.fixture(scope="session")
def traced(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TracedMesh]:
    workdir = tmp_path_factory.mktemp("traced")
    data_dir = workdir / "data"
    env = traced_environment(data_dir)
    services = start_mesh(workdir, env=env)
    started: list[Aggregator] = []
    slow: ChildProcess | None = None
    try:
        aggregator = start_aggregator(workdir, {**services.environment(), **env}, ["--no-hedging"])
        started.append(aggregator)
        slow = start_service("reviews", workdir, extra=["--inject", "latency=1000"], env=env)
        troubled = start_aggregator(
            workdir,
            {**services.environment(), "PAGEMESH_REVIEWS_ADDR": slow.address, **env},
            ["--hedge-delay-ms", "20"],
            name="troubled",
            deadline_ms=300,
        )
        started.append(troubled)
        for running in started:
            warm_up(running)
        yield TracedMesh(data_dir, services, aggregator, troubled, slow)
    finally:
        for running in started:
            running.stop()
        if slow is not None:
            slow.stop()
        services.stop()
