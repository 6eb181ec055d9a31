"""Aggregator processes for the aggregator's own end-to-end tests (the plain one is in tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.aggregator.procs import Aggregator, start_aggregator
from tests.harness import Mesh, start_service


@pytest.fixture(scope="session")
def slow_reviews(mesh: Mesh, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Aggregator]:
    """An aggregator whose reviews service answers after 1 s, beyond the 300 ms page deadline."""
    workdir = tmp_path_factory.mktemp("slow-reviews")
    reviews = start_service("reviews", workdir, extra=["--inject", "latency=1000"])
    aggregator = start_aggregator(
        workdir, {**mesh.environment(), "PAGEMESH_REVIEWS_ADDR": reviews.address}, deadline_ms=300
    )
    aggregator.backends["reviews"] = reviews
    yield aggregator
    aggregator.stop()
    reviews.stop()
