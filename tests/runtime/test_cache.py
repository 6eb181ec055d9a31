"""Read-only services answer repeated requests from memory, still observed like any other call."""

from __future__ import annotations

import asyncio
import logging
from typing import Any, cast

import grpc
import grpc.aio
import pytest

from pagemesh.product.v2 import product_pb2 as pb
from pagemesh.product.v2 import product_pb2_grpc as pb_grpc
from pagemesh.runtime import GrpcServer, NotFoundError, ResponseCache, Settings, Transport, api_binding
from tests.harness import free_port

PLAINTEXT = Settings(tls="plaintext")


class CountingProducts(pb_grpc.ProductServiceServicer):
    def __init__(self) -> None:
        self.calls: list[str] = []

    async def GetProduct(self, request: pb.GetProductRequest, context: object) -> pb.GetProductResponse:
        self.calls.append(request.id)
        if request.id == "missing":
            raise NotFoundError("product 'missing' does not exist")
        return pb.GetProductResponse(product=pb.Product(id=request.id, title=f"Title of {request.id}"))

    async def ListProducts(self, request: pb.ListProductsRequest, context: object) -> pb.ListProductsResponse:
        self.calls.append(f"list {request.page_size}")
        return pb.ListProductsResponse(total_size=request.page_size)


async def test_a_read_only_service_answers_a_repeated_request_from_memory(
    caplog: pytest.LogCaptureFixture,
) -> None:
    servicer = CountingProducts()
    port = free_port()
    binding = api_binding(
        pb.DESCRIPTOR, pb_grpc.add_ProductServiceServicer_to_server, servicer, read_only=True
    )
    server = GrpcServer(
        "cached", f"127.0.0.1:{port}", [binding], admin_address="127.0.0.1:0", settings=PLAINTEXT
    )
    await server.start()
    # Until the server has stopped: a call's line is logged as it ends, which may be just after its
    # caller has the answer.
    with caplog.at_level(logging.INFO, logger="pagemesh"):
        try:
            async with Transport("plaintext", "operator").channel(f"127.0.0.1:{port}") as channel:
                stub = pb_grpc.ProductServiceStub(channel)
                first = await stub.GetProduct(
                    pb.GetProductRequest(id="P1"), metadata=(("x-request-id", "a"),)
                )
                again = await stub.GetProduct(
                    pb.GetProductRequest(id="P1"), metadata=(("x-request-id", "b"),)
                )
                other = await stub.GetProduct(pb.GetProductRequest(id="P2"))
                listed = await stub.ListProducts(pb.ListProductsRequest(page_size=3))
                listed_again = await stub.ListProducts(pb.ListProductsRequest(page_size=3))
                for _ in range(2):
                    with pytest.raises(grpc.aio.AioRpcError) as missing:
                        await stub.GetProduct(pb.GetProductRequest(id="missing"))
                    assert missing.value.code() == grpc.StatusCode.NOT_FOUND
        finally:
            await server.stop(grace=1)
    assert first == again
    assert first.product.title == "Title of P1"
    assert other.product.title == "Title of P2"
    assert listed == listed_again
    assert listed.total_size == 3
    # Each distinct request reached the servicer once; failures are never kept.
    assert servicer.calls == ["P1", "P2", "list 3", "missing", "missing"]
    # A call answered from memory is still a call: logged under its own request id.
    # Only this server's calls: a server of an earlier test in the same process may still be logging.
    records: list[Any] = caplog.records
    calls = [
        r
        for r in records
        if r.getMessage() == "call" and r.pagemesh_fields["method"].startswith(f"/{pb.DESCRIPTOR.package}.")
    ]
    request_ids = [r.pagemesh_fields["request_id"] for r in calls]
    assert request_ids[:2] == ["a", "b"]
    assert len(calls) == 7


async def test_a_service_that_is_not_read_only_is_always_asked() -> None:
    servicer = CountingProducts()
    port = free_port()
    binding = api_binding(pb.DESCRIPTOR, pb_grpc.add_ProductServiceServicer_to_server, servicer)
    server = GrpcServer(
        "uncached", f"127.0.0.1:{port}", [binding], admin_address="127.0.0.1:0", settings=PLAINTEXT
    )
    await server.start()
    try:
        async with Transport("plaintext", "operator").channel(f"127.0.0.1:{port}") as channel:
            stub = pb_grpc.ProductServiceStub(channel)
            for _ in range(3):
                await stub.GetProduct(pb.GetProductRequest(id="P1"))
    finally:
        await server.stop(grace=1)
    assert servicer.calls == ["P1", "P1", "P1"]


async def test_the_cache_is_bounded_and_drops_the_oldest_answer_first() -> None:
    asked: list[str] = []

    async def get(request: pb.GetProductRequest, context: Any) -> pb.GetProductResponse:
        asked.append(request.id)
        return pb.GetProductResponse(product=pb.Product(id=request.id))

    cache = ResponseCache(max_entries=2)
    cached = cache.wrap("/GetProduct", get)
    for product_id in ("A", "B", "A", "C", "B", "A"):
        answer = await cached(pb.GetProductRequest(id=product_id), cast(Any, None))
        assert answer.product.id == product_id
    # A and B kept; C evicts A (the oldest); B is still there; A is asked again.
    assert asked == ["A", "B", "C", "A"]
    assert len(cache) == 2
    assert (cache.hits, cache.misses) == (2, 4)


def test_a_cache_needs_room_for_one_answer() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        ResponseCache(max_entries=0)


async def test_an_answer_older_than_max_age_is_computed_again() -> None:
    calls: list[str] = []

    async def behaviour(request: Any, context: Any) -> pb.GetProductResponse:
        calls.append(request.id)
        return pb.GetProductResponse(product=pb.Product(id=request.id, title=f"take {len(calls)}"))

    cache = ResponseCache(max_age=0.2)
    cached = cache.wrap("GetProduct", behaviour)
    context = cast(Any, None)
    first = await cached(pb.GetProductRequest(id="P1"), context)
    again = await cached(pb.GetProductRequest(id="P1"), context)
    assert again is first
    await asyncio.sleep(0.3)
    fresh = await cached(pb.GetProductRequest(id="P1"), context)
    assert fresh.product.title == "take 2"
    assert (cache.hits, cache.misses, len(cache)) == (1, 2, 1)
    with pytest.raises(ValueError, match="max_age"):
        ResponseCache(max_age=0)
