"""Fixtures shared by every test: the real backend services, started once per test session."""

from __future__ import annotations

from collections.abc import Iterator

import grpc
import pytest

from tests.harness import Mesh, operator_channel, start_mesh


@pytest.fixture(scope="session")
def mesh(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Mesh]:
    """All six services on free loopback ports, each with a fresh store."""
    running = start_mesh(tmp_path_factory.mktemp("mesh"))
    yield running
    running.stop()


@pytest.fixture(scope="session")
def channels(mesh: Mesh) -> Iterator[dict[str, grpc.Channel]]:
    """One channel per service, shared by the tests."""
    opened = {name: operator_channel(mesh.address(name)) for name in mesh.services}
    yield opened
    for channel in opened.values():
        channel.close()
