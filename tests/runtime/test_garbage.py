"""Garbage in, a clean status out: undecodable, oversized and misaddressed requests on a real server.

Every answer must carry the documented code and a message a person can act on, never a Python class
name or a traceback (grpcio's own answer to undecodable bytes is UNKNOWN with `<class '...DecodeError'>`).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import grpc
import grpc.aio
import pytest

from pagemesh.product.v2 import product_pb2 as pb
from pagemesh.product.v2 import product_pb2_grpc as pb_grpc
from pagemesh.runtime import MAX_REQUEST_BYTES, GrpcServer, Settings, Transport, api_binding
from tests.harness import free_port

PYTHON_INTERNALS = re.compile(r"<class |Traceback|DecodeError|Exception|\.py\b")


class Products(pb_grpc.ProductServiceServicer):
    """Leaves ListProducts out on purpose."""

    async def GetProduct(self, request: pb.GetProductRequest, context: object) -> pb.GetProductResponse:
        return pb.GetProductResponse(product=pb.Product(id=request.id))


@pytest.fixture
async def channel() -> AsyncIterator[grpc.aio.Channel]:
    port = free_port()
    server = GrpcServer(
        "product",
        f"127.0.0.1:{port}",
        [api_binding(pb.DESCRIPTOR, pb_grpc.add_ProductServiceServicer_to_server, Products())],  # type: ignore[abstract]
        admin_address="127.0.0.1:0",
        settings=Settings(tls="plaintext"),
    )
    await server.start()
    # The client's own send limit is lifted, so the oversized request reaches the server's limit.
    options = [("grpc.max_send_message_length", -1)]
    async with Transport("plaintext", "operator").channel(f"127.0.0.1:{port}", options=options) as opened:
        yield opened
    await server.stop(grace=1)


async def status_of(channel: grpc.aio.Channel, method: str, payload: bytes) -> tuple[grpc.StatusCode, str]:
    try:
        call: grpc.aio.UnaryUnaryMultiCallable[bytes, bytes] = channel.unary_unary(method)
        await call(payload, timeout=10)
    except grpc.aio.AioRpcError as error:
        return error.code(), error.details() or ""
    return grpc.StatusCode.OK, ""


GET_PRODUCT = "/pagemesh.product.v2.ProductService/GetProduct"


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (b"\xff\xff\xff\xff", "Wire format was corrupt"),  # a varint that never ends
        (b"\x0a\x05ab", "Wire format was corrupt"),  # a string field longer than the bytes left
        (b"\x0a\x02\xff\xfe", "bad UTF-8"),  # a proto3 string that is not UTF-8
        (b"\x0b", "Wire format was corrupt"),  # a group start that is never ended
    ],
)
async def test_undecodable_bytes_are_invalid_argument_naming_the_message_type(
    channel: grpc.aio.Channel, payload: bytes, reason: str
) -> None:
    code, message = await status_of(channel, GET_PRODUCT, payload)
    assert code == grpc.StatusCode.INVALID_ARGUMENT
    assert "pagemesh.product.v2.GetProductRequest" in message
    assert reason in message
    assert not PYTHON_INTERNALS.search(message), message


async def test_health_and_reflection_decode_safely_too(channel: grpc.aio.Channel) -> None:
    code, message = await status_of(channel, "/grpc.health.v1.Health/Check", b"\xff")
    assert code == grpc.StatusCode.INVALID_ARGUMENT
    assert "grpc.health.v1.HealthCheckRequest" in message
    reflection = "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo"
    stream: grpc.aio.StreamStreamMultiCallable[bytes, bytes] = channel.stream_stream(reflection)
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        async for _ in stream(iter([b"\x3a\x00", b"\xff\xff"]), timeout=10):
            pass
    assert raised.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "grpc.reflection.v1.ServerReflectionRequest" in (raised.value.details() or "")


async def test_an_oversized_request_is_resource_exhausted_naming_the_limit(channel: grpc.aio.Channel) -> None:
    # Field 1 (id), length-delimited, one byte over the limit in all.
    body = b"x" * MAX_REQUEST_BYTES
    length = len(body)
    varint = bytearray()
    while length > 0x7F:
        varint.append(length & 0x7F | 0x80)
        length >>= 7
    varint.append(length)
    code, message = await status_of(channel, GET_PRODUCT, b"\x0a" + bytes(varint) + body)
    assert code == grpc.StatusCode.RESOURCE_EXHAUSTED
    assert str(MAX_REQUEST_BYTES) in message
    # A request just under the limit is served.
    code, _ = await status_of(channel, GET_PRODUCT, pb.GetProductRequest(id="x" * 1000).SerializeToString())
    assert code == grpc.StatusCode.OK


@pytest.mark.parametrize(
    "method",
    [
        "/pagemesh.product.v2.ProductService/DeleteProduct",  # a known service, an unknown method
        "/pagemesh.product.v3.ProductService/GetProduct",  # a version this server does not serve
        "/no.such.Service/Call",
    ],
)
async def test_an_unknown_method_is_unimplemented_naming_it(channel: grpc.aio.Channel, method: str) -> None:
    code, message = await status_of(channel, method, b"")
    assert code == grpc.StatusCode.UNIMPLEMENTED
    assert method in message
    assert "list" in message


async def test_a_method_the_servicer_lacks_is_unimplemented(channel: grpc.aio.Channel) -> None:
    # ListProducts is in the contract but this servicer does not implement it: the generated base class
    # answers UNIMPLEMENTED, through the interceptor.
    code, _ = await status_of(channel, "/pagemesh.product.v2.ProductService/ListProducts", b"")
    assert code == grpc.StatusCode.UNIMPLEMENTED
