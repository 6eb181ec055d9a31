"""The shared interceptor on a real in-process grpc.aio server: unexpected errors become INTERNAL."""

from __future__ import annotations

import logging

import grpc
import grpc.aio
import pytest

from pagemesh.product.v2 import product_pb2 as pb
from pagemesh.product.v2 import product_pb2_grpc as pb_grpc
from pagemesh.runtime import FaultSpec, GrpcServer, NotFoundError, Settings, Transport, api_binding
from tests.harness import free_port

PLAINTEXT = Settings(tls="plaintext")


class BrokenProducts(pb_grpc.ProductServiceServicer):
    async def GetProduct(self, request: pb.GetProductRequest, context: object) -> pb.GetProductResponse:
        if request.id == "missing":
            raise NotFoundError("product 'missing' does not exist")
        raise ZeroDivisionError("a bug")

    async def ListProducts(self, request: pb.ListProductsRequest, context: object) -> pb.ListProductsResponse:
        return pb.ListProductsResponse()


async def test_unexpected_exception_is_internal_with_request_id_and_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    port = free_port()
    server = GrpcServer(
        "broken",
        f"127.0.0.1:{port}",
        [api_binding(pb.DESCRIPTOR, pb_grpc.add_ProductServiceServicer_to_server, BrokenProducts())],
        admin_address="127.0.0.1:0",
        settings=PLAINTEXT,
    )
    await server.start()
    try:
        async with Transport("plaintext", "operator").channel(f"127.0.0.1:{port}") as channel:
            stub = pb_grpc.ProductServiceStub(channel)
            with (
                caplog.at_level(logging.ERROR, logger="pagemesh"),
                pytest.raises(grpc.aio.AioRpcError) as raised,
            ):
                await stub.GetProduct(pb.GetProductRequest(id="x"), metadata=(("x-request-id", "rid-1"),))
            assert raised.value.code() == grpc.StatusCode.INTERNAL
            assert "rid-1" in (raised.value.details() or "")
            assert "a bug" not in (raised.value.details() or "")
            with pytest.raises(grpc.aio.AioRpcError) as missing:
                await stub.GetProduct(pb.GetProductRequest(id="missing"))
            assert missing.value.code() == grpc.StatusCode.NOT_FOUND
    finally:
        await server.stop(grace=1)
    errors = [r for r in caplog.records if r.getMessage() == "unexpected error"]
    assert errors
    assert errors[0].exc_info is not None
    assert errors[0].exc_info[0] is ZeroDivisionError


async def test_fail_first_counts_the_calls_of_each_method() -> None:
    port = free_port()
    server = GrpcServer(
        "flaky",
        f"127.0.0.1:{port}",
        [api_binding(pb.DESCRIPTOR, pb_grpc.add_ProductServiceServicer_to_server, BrokenProducts())],
        admin_address="127.0.0.1:0",
        settings=PLAINTEXT,
        faults=FaultSpec(fail_first=1),
    )
    await server.start()
    # Retries off: every call below is one call on the server.
    options = (("grpc.enable_retries", 0),)
    transport = Transport("plaintext", "operator")
    try:
        async with transport.channel(f"127.0.0.1:{port}", options=options) as channel:
            stub = pb_grpc.ProductServiceStub(channel)
            codes = []
            for _ in range(2):
                with pytest.raises(grpc.aio.AioRpcError) as raised:
                    await stub.GetProduct(pb.GetProductRequest(id="missing"))
                codes.append(raised.value.code())
            assert codes == [grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.NOT_FOUND]
            with pytest.raises(grpc.aio.AioRpcError) as first:
                await stub.ListProducts(pb.ListProductsRequest())
            assert first.value.code() == grpc.StatusCode.UNAVAILABLE
            assert "fail_first=1 (call 1)" in (first.value.details() or "")
            await stub.ListProducts(pb.ListProductsRequest())
    finally:
        await server.stop(grace=1)
