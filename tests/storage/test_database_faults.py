"""PostgreSQL stopped under load: UNAVAILABLE with a clear message, no process exits, back when it is back."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest

from pagemesh.history.v2 import history_pb2, history_pb2_grpc
from pagemesh.reviews.v2 import reviews_pb2, reviews_pb2_grpc
from pagemesh.storage import PostgresCluster
from tests.aggregator.procs import Aggregator, start_aggregator
from tests.harness import Mesh, operator_channel
from tests.storage.load import page_load

OUTAGE_SECONDS = 5.0


@pytest.fixture
def aggregator(postgres_mesh: Mesh, tmp_path: Path) -> Iterator[Aggregator]:
    running = start_aggregator(tmp_path, postgres_mesh.environment())
    yield running
    running.stop()


def _history(mesh: Mesh) -> grpc.Call | history_pb2.ListViewedProductsResponse:
    with operator_channel(mesh.address("history")) as channel:
        stub = history_pb2_grpc.HistoryServiceStub(channel)
        try:
            response: history_pb2.ListViewedProductsResponse = stub.ListViewedProducts(
                history_pb2.ListViewedProductsRequest(user_id="u-alice"), timeout=5
            )
        except grpc.RpcError as error:
            if isinstance(error, grpc.Call):
                return error
            raise
    return response


def _fresh_reviews_read(mesh: Mesh, size: int) -> None:
    """A reviews read no cache has seen (a page size of its own), so it reaches the database."""
    with operator_channel(mesh.address("reviews")) as channel:
        reviews_pb2_grpc.ReviewServiceStub(channel).ListReviews(
            reviews_pb2.ListReviewsRequest(product_id="P00002", page_size=size), timeout=5
        )


def test_a_database_outage_degrades_pages_and_everything_recovers_when_it_returns(
    postgres: PostgresCluster, postgres_mesh: Mesh, aggregator: Aggregator
) -> None:
    port = postgres.port
    # Few products, so every read-only answer is in the services' caches before the outage: the pages
    # then lose exactly what is read from the database on every page, the recently viewed section.
    with page_load(aggregator.address, products=12) as load:
        time.sleep(1.5)
        stopped_at = time.monotonic()
        postgres.stop()
        down = time.monotonic()
        try:
            time.sleep(0.5)
            failed = _history(postgres_mesh)
            assert isinstance(failed, grpc.Call)
            assert failed.code() is grpc.StatusCode.UNAVAILABLE
            assert "history database is unavailable" in (failed.details() or "")
            assert "reconnects by itself" in (failed.details() or "")
            # A read no cache has seen fails the same way, with the same message.
            with pytest.raises(grpc.RpcError) as raised:
                _fresh_reviews_read(postgres_mesh, 39)
            assert isinstance(raised.value, grpc.Call)
            assert raised.value.code() is grpc.StatusCode.UNAVAILABLE
            assert "reviews database is unavailable" in (raised.value.details() or "")
            time.sleep(max(0.0, OUTAGE_SECONDS - (time.monotonic() - stopped_at)))
        finally:
            restarting = time.monotonic()
            postgres.start(port=port)
        returned = time.monotonic()
        # Within 5 s of its return every service answers from the database again.
        deadline = returned + 5
        size = 40
        while True:
            try:
                assert not isinstance(_history(postgres_mesh), grpc.Call)
                _fresh_reviews_read(postgres_mesh, size)
                break
            except (AssertionError, grpc.RpcError):
                assert time.monotonic() < deadline, "the services did not recover within 5 s"
                size += 1
                time.sleep(0.1)
        time.sleep(1)
        after = load.since(time.monotonic() - 0.9)
    # The pages asked for while the database was down (pg_ctl had returned) and not yet starting again.
    during = load.within(down, restarting)
    assert during, "no page was asked for during the outage"
    # Every page is served. The sections that read the database on each call degrade as UNAVAILABLE:
    # recently viewed, and recommendations (its co-view counts change with every page view, so its
    # answers are kept at most a second); the other services answer the pages' repeated reads from memory.
    assert {o.code for o in during} == {"OK"}
    assert all(o.degraded for o in during if o.at - down > 1.5)
    live = {"SECTION_RECENTLY_VIEWED", "SECTION_RECOMMENDATIONS"}
    assert [
        o for o in during if not set(o.degraded) <= live or set(o.degraded.values()) != {"UNAVAILABLE"}
    ] == []
    # Back to normal: complete pages.
    assert after
    assert all(o.code == "OK" and not o.degraded for o in after)
    # No process exited, and nothing logged a traceback.
    for server in (*postgres_mesh.services.values(), aggregator.server):
        assert server.running(), server.name
        assert "Traceback" not in server.log(), server.name
    assert '"event": "database unavailable"' in postgres_mesh.services["history"].log()
    assert '"event": "database available again"' in postgres_mesh.services["history"].log()
