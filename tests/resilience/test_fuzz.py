"""Property-based fuzzing of every method of every server, both API versions, over real processes.

Random bytes and structurally valid but extreme messages (see `tests.resilience.fuzzing`) go to each
method as the operator would send them. Every answer must be OK or a documented status code with a
message free of Python internals, never UNKNOWN or INTERNAL; afterwards every process must still be alive
and SERVING. The mesh is the test's own (the fuzzed RecordView calls write to its history store).

By default (hypothesis profile `pagemesh`, tests/resilience/conftest.py) 40 examples per method are
derived from a fixed seed, so a failure reproduces on the next run; `--hypothesis-profile=fuzz-campaign`
runs 500 fresh random ones per method instead.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import grpc
import pytest
from google.protobuf.descriptor import Descriptor, FileDescriptor
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pagemesh.runtime import SERVICES
from tests.aggregator.procs import Aggregator, start_aggregator
from tests.harness import Mesh, health, operator_channel, start_mesh
from tests.resilience.fuzzing import request_bytes

# What a caller may be answered (docs/services.md, "Errors"); never UNKNOWN or INTERNAL.
DOCUMENTED = {
    grpc.StatusCode.OK,
    grpc.StatusCode.INVALID_ARGUMENT,
    grpc.StatusCode.NOT_FOUND,
    grpc.StatusCode.RESOURCE_EXHAUSTED,  # oversized request, or shed under load
    grpc.StatusCode.DEADLINE_EXCEEDED,  # a page whose product was not in time on a busy machine
}
PYTHON_INTERNALS = re.compile(r"<class |Traceback|Error\b|Exception\b|\.py\b")


@dataclass(frozen=True)
class Method:
    server: str
    path: str
    request: Descriptor

    def __str__(self) -> str:
        return self.path


def _files(server: str) -> list[FileDescriptor]:
    area = "page" if server == "aggregator" else server
    return [importlib.import_module(f"pagemesh.{area}.{v}.{area}_pb2").DESCRIPTOR for v in ("v1", "v2")]


METHODS = [
    Method(server, f"/{service.full_name}/{method.name}", method.input_type)
    for server in (*SERVICES, "aggregator")
    for file in _files(server)
    for service in file.services_by_name.values()
    for method in service.methods
]


@dataclass
class Fleet:
    mesh: Mesh
    aggregator: Aggregator
    channels: dict[str, grpc.Channel]

    def address(self, server: str) -> str:
        return self.aggregator.address if server == "aggregator" else self.mesh.address(server)


@pytest.fixture(scope="module")
def fleet(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fleet]:
    workdir: Path = tmp_path_factory.mktemp("fuzz")
    mesh = start_mesh(workdir)
    aggregator = start_aggregator(workdir, mesh.environment())
    running = Fleet(mesh, aggregator, {})
    running.channels = {s: operator_channel(running.address(s)) for s in (*SERVICES, "aggregator")}
    yield running
    for channel in running.channels.values():
        channel.close()
    aggregator.stop()
    mesh.stop()


@pytest.mark.parametrize("method", METHODS, ids=str)
def test_every_answer_is_ok_or_documented(fleet: Fleet, method: Method) -> None:
    call: grpc.UnaryUnaryMultiCallable[bytes, bytes] = fleet.channels[method.server].unary_unary(method.path)

    @settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(payload=request_bytes(method.request))
    def answer_is_clean(payload: bytes) -> None:
        try:
            call(payload, timeout=30)
        except grpc.RpcError as error:
            code, details = error.code(), error.details() or ""
            assert code in DOCUMENTED, f"{method.path}: {code.name}: {details}"
            assert not PYTHON_INTERNALS.search(details), f"{method.path}: {code.name}: {details}"

    answer_is_clean()


def test_every_process_is_alive_and_serving_afterwards(fleet: Fleet) -> None:
    # Runs after the fuzzing above (pytest keeps the order of a module's tests).
    for server in (*SERVICES, "aggregator"):
        process = fleet.aggregator.server if server == "aggregator" else fleet.mesh.services[server]
        assert process.running(), f"{server} died:\n{process.log()[-2000:]}"
        assert health(fleet.address(server)) == "SERVING", server


@given(st.data())
def test_the_method_list_covers_both_versions_of_every_server(data: st.DataObject) -> None:
    servers = {m.server for m in METHODS}
    assert servers == {*SERVICES, "aggregator"}
    for server in servers:
        versions = {m.path.split(".")[2] for m in METHODS if m.server == server}
        assert versions == {"v1", "v2"}, server
    data.draw(st.just(None))
