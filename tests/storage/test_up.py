"""`pagemesh up --store postgres`: the page suite's happy path on it, and its supervisor under kill -9."""

from __future__ import annotations

import inspect
import itertools
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import grpc
import pytest

from pagemesh.page.v2 import page_pb2 as page_v2
from pagemesh.page.v2 import page_pb2_grpc as page_v2_grpc
from pagemesh.runtime import AGGREGATOR, SERVICES, ChildProcess, is_ready, pagemesh_command
from pagemesh.storage import load_migrations
from services import store_spec
from tests.aggregator import test_page_e2e
from tests.aggregator.procs import Aggregator
from tests.harness import Mesh, RunningUp, operator_channel, start_up

SECTIONS = {
    "recommendations": "SECTION_RECOMMENDATIONS",
    "sponsored": "SECTION_SPONSORED",
    "authors": "SECTION_AUTHORS",
    "reviews": "SECTION_REVIEWS",
    "history": "SECTION_RECENTLY_VIEWED",
}


@pytest.fixture(scope="module")
def up_postgres() -> Iterator[RunningUp]:
    # In /tmp, not pytest's private base directory: the cluster runs as the postgres user under root.
    data_dir = Path(tempfile.mkdtemp(prefix="pagemesh-up-"))
    data_dir.chmod(0o711)  # others (the postgres user) may pass through, not list
    try:
        # A page deadline of 1 s, not 300 ms: these tests are about storage and the supervisor, and on two
        # busy cores a healthy section can miss 300 ms and be degraded, which the kill test would count.
        with start_up(data_dir, ["--store", "postgres", "--deadline-ms", "1000"]) as running:
            yield running
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def _as_fixtures(up: RunningUp) -> dict[str, Any]:
    """The page suite's fixtures (`aggregator`, `mesh`, `channel`), pointing at the parts of `up`."""
    logs = up.data_dir / "logs"

    def record(name: str) -> ChildProcess:
        return ChildProcess(
            name, up.addresses[name], up.process, logs / f"{name}.log", up.admin_addresses[name]
        )

    return {
        "aggregator": Aggregator(record(AGGREGATOR), int(up.http_address.rpartition(":")[2])),
        "mesh": Mesh({name: record(name) for name in SERVICES}),
        "channel": operator_channel(up.addresses[AGGREGATOR]),
    }


HAPPY_PATH: list[Callable[..., None]] = [
    function
    for name, function in inspect.getmembers(test_page_e2e, inspect.isfunction)
    if name.startswith("test_")
]


@pytest.mark.parametrize("check", HAPPY_PATH, ids=lambda f: f.__name__)
def test_the_page_suites_happy_path_passes_on_postgres(
    up_postgres: RunningUp, check: Callable[..., None]
) -> None:
    fixtures = _as_fixtures(up_postgres)
    try:
        check(**{name: fixtures[name] for name in inspect.signature(check).parameters})
    finally:
        fixtures["channel"].close()


def test_the_table_names_each_database_and_the_cluster(up_postgres: RunningUp) -> None:
    table = up_postgres.stdout_path.read_text()
    for name in SERVICES:
        assert f"postgresql:pagemesh_{name}" in table
    assert "6 databases" in table


def test_pagemesh_db_finds_the_private_cluster(up_postgres: RunningUp) -> None:
    def db(*args: str) -> str:
        command = pagemesh_command(
            ["db", *args, "--store", "postgres", "--data-dir", str(up_postgres.data_dir)]
        )
        done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
        assert done.returncode == 0, done.stderr
        return done.stdout

    status = db("status")
    for name in SERVICES:
        latest = len(load_migrations(store_spec(name).migration_dir("postgresql")))
        assert re.search(
            rf"^{name} +postgresql://pagemesh_{name}_owner:\*\*\*@.*"
            rf" version {latest} of {latest}: up to date$",
            status,
            re.M,
        )
    assert "has data already" in db("seed", "reviews")
    history_latest = len(load_migrations(store_spec("history").migration_dir("postgresql")))
    assert f"up to date at version {history_latest}" in db("migrate", "history")


def _page(stub: Any, product: str) -> tuple[str, set[str]]:
    """("OK" and the degraded sections) or (the status code name, nothing)."""
    try:
        page = stub.GetProductPage(
            page_v2.GetProductPageRequest(product_id=product, user_id="u-alice"), timeout=3
        )
    except grpc.RpcError as error:
        code = error.code() if isinstance(error, grpc.Call) else grpc.StatusCode.UNKNOWN
        return code.name, set()
    return "OK", {page_v2.Section.Name(d.section) for d in page.degraded_sections}


def test_a_killed_part_is_serving_again_within_5_s_and_nothing_else_stops(up_postgres: RunningUp) -> None:
    up = up_postgres
    channel = operator_channel(up.addresses[AGGREGATOR])
    stub = page_v2_grpc.PageServiceStub(channel)
    product = itertools.cycle([f"P{n:05d}" for n in range(1, 241)])
    try:
        for victim in (*SERVICES, AGGREGATOR):
            before = up.pids()
            os.kill(before[victim], signal.SIGKILL)
            killed = time.monotonic()
            outcomes = []
            # Pages meanwhile: served, with the victim's section degraded at most.
            while True:
                outcomes.append(_page(stub, next(product)))
                pid = up.pids()[victim]
                if pid != before[victim] and is_ready(up.admin_addresses[victim]):
                    break
                assert time.monotonic() - killed < 5, f"{victim} was not SERVING again within 5 s"
            after = up.pids()
            assert {n: p for n, p in after.items() if n != victim} == {
                n: p for n, p in before.items() if n != victim
            }, "another part stopped"
            for code, degraded_sections in outcomes:
                if victim == "product":
                    # The product section is required: without it there is no page.
                    assert code in {"OK", "UNAVAILABLE"}
                    assert degraded_sections == set()
                elif victim == AGGREGATOR:
                    assert code in {"OK", "UNAVAILABLE"}
                else:
                    assert code == "OK", victim
                    assert degraded_sections <= {SECTIONS[victim]}
            if victim == AGGREGATOR:
                # This client's own channel may be waiting out its reconnect backoff (grpc's default,
                # up to 2 minutes): a new one connects at once.
                channel.close()
                channel = operator_channel(up.addresses[AGGREGATOR])
                stub = page_v2_grpc.PageServiceStub(channel)
            # Back to complete pages once the channels have reconnected (their backoff is capped at 1 s).
            deadline = time.monotonic() + 5
            while _page(stub, next(product)) != ("OK", set()):
                assert time.monotonic() < deadline, f"pages stayed incomplete after {victim} came back"
                time.sleep(0.1)
        state = up.state()["parts"]
        assert {part: entry["restarts"] for part, entry in state.items()} == dict.fromkeys(
            (*SERVICES, AGGREGATOR), 1
        )
        stats = _as_fixtures(up)["aggregator"].stats()
        for part in (*SERVICES, AGGREGATOR):
            assert stats[part]["restarts"] == 1
            assert stats[part]["replicas"] == 1
        reported = up.stderr_path.read_text()
        for part in (*SERVICES, AGGREGATOR):
            assert f"pagemesh up: {part} exited with signal SIGKILL" in reported
        assert "restarting now (restart 1)" in reported
    finally:
        channel.close()
    # Only a stop signal ends the mesh, and then cleanly.
    assert up.process.poll() is None
    assert up.stop() == 0
