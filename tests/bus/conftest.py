"""One private broker per backend for the whole test session (Kafka takes seconds to start), stopped at
the end, and the `running_bus` fixture that runs a test once per backend with the same assertions."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from pagemesh.bus import KINDS, RunningBus, start_private_bus


def _session_bus(kind: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningBus]:
    running = start_private_bus(kind, tmp_path_factory.mktemp(f"bus-{kind}"))
    yield running
    running.stop()


@pytest.fixture(scope="session")
def sqlite_bus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningBus]:
    """The SQLite bus file of this session."""
    yield from _session_bus("sqlite", tmp_path_factory)


@pytest.fixture(scope="session")
def redis_bus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningBus]:
    """This session's private Redis, with an ACL user per part."""
    yield from _session_bus("redis", tmp_path_factory)


@pytest.fixture(scope="session")
def kafka_bus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningBus]:
    """This session's private Kafka broker (KRaft)."""
    yield from _session_bus("kafka", tmp_path_factory)


@pytest.fixture(params=KINDS)
def running_bus(request: pytest.FixtureRequest) -> RunningBus:
    """Each backend in turn: a test that takes this runs once per backend."""
    bus: RunningBus = request.getfixturevalue(f"{request.param}_bus")
    return bus
