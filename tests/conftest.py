"""Fixtures shared by every test: the real backend services, a real PostgreSQL and an aggregator, once per
session."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest

from pagemesh.runtime import SERVICES
from pagemesh.storage import PostgresCluster, ServiceDatabase
from services import store_spec
from tests.aggregator.procs import Aggregator, start_aggregator
from tests.harness import Mesh, operator_channel, start_mesh


@pytest.fixture(scope="session")
def mesh(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Mesh]:
    """All six services on free loopback ports, each with a fresh SQLite store."""
    running = start_mesh(tmp_path_factory.mktemp("mesh"))
    yield running
    running.stop()


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresCluster]:
    """A private PostgreSQL server for the session: a temporary directory, a free port, stopped at the end.

    Its directory is made in /tmp rather than pytest's base directory, which is private to this user: the
    server runs as the `postgres` system user when the tests run as root.
    """
    root = Path(tempfile.mkdtemp(prefix="pagemesh-pg-"))
    cluster = PostgresCluster(root)
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop("immediate")
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_databases(postgres: PostgresCluster) -> dict[str, ServiceDatabase]:
    """Every service's database on the session's server: roles, migrations and the demo data."""
    return postgres.prepare([store_spec(name) for name in SERVICES])


@pytest.fixture(scope="session")
def postgres_mesh(
    tmp_path_factory: pytest.TempPathFactory, postgres_databases: dict[str, ServiceDatabase]
) -> Iterator[Mesh]:
    """All six services on PostgreSQL, each connected as its own role."""
    running = start_mesh(
        tmp_path_factory.mktemp("postgres-mesh"),
        databases={name: db.url.dsn for name, db in postgres_databases.items()},
    )
    yield running
    running.stop()


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
def backend_mesh(request: pytest.FixtureRequest) -> Mesh:
    """The six services on each backend in turn: tests that use it run against SQLite and PostgreSQL."""
    found: Mesh = request.getfixturevalue("mesh" if request.param == "sqlite" else "postgres_mesh")
    return found


@pytest.fixture(scope="session")
def channels(backend_mesh: Mesh) -> Iterator[dict[str, grpc.Channel]]:
    """One channel per service (of each backend in turn), shared by the tests."""
    opened = {name: operator_channel(backend_mesh.address(name)) for name in backend_mesh.services}
    yield opened
    for channel in opened.values():
        channel.close()


@pytest.fixture(scope="session")
def aggregator(mesh: Mesh, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Aggregator]:
    """The aggregator over the six healthy services."""
    running = start_aggregator(tmp_path_factory.mktemp("aggregator"), mesh.environment())
    yield running
    running.stop()
