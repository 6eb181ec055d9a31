"""Server reflection, v1 and v1alpha: every symbol kind resolves, files come with their dependencies.

A real in-process `GrpcServer` is asked over both protocols; a synthetic proto2 file (nested messages and
enums, a oneof, extensions at top level and inside a message) checks the kinds pagemesh's own contracts
do not use, through the same servicer.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import grpc
import grpc.aio
import pytest
from google.protobuf import descriptor_pb2, descriptor_pool

from pagemesh.page.v2 import page_pb2, page_pb2_grpc
from pagemesh.runtime import GrpcServer, Settings, Transport, api_binding
from pagemesh.runtime._reflection import (
    REFLECTION_V1,
    REFLECTION_V1ALPHA,
    ReflectionIndex,
    ReflectionProtocol,
    ReflectionServicer,
    reflection_protocols,
)
from tests.harness import free_port

PROTOCOLS = {protocol.service_name: protocol for protocol in reflection_protocols()}


class Page(page_pb2_grpc.PageServiceServicer):
    """Serves nothing: reflection is what is asked."""

    async def GetProductPage(self, request: object, context: object) -> page_pb2.GetProductPageResponse:
        return page_pb2.GetProductPageResponse()


@pytest.fixture
async def page_server() -> AsyncIterator[str]:
    port = free_port()
    server = GrpcServer(
        "page",
        f"127.0.0.1:{port}",
        [api_binding(page_pb2.DESCRIPTOR, page_pb2_grpc.add_PageServiceServicer_to_server, Page())],
        admin_address="127.0.0.1:0",
        settings=Settings(tls="plaintext"),
    )
    await server.start()
    yield f"127.0.0.1:{port}"
    await server.stop(grace=1)


async def ask(address: str, protocol: ReflectionProtocol, *requests: dict[str, Any]) -> list[Any]:
    """The responses to `requests`, sent on one reflection stream."""
    async with Transport("plaintext", "operator").channel(address) as channel:
        call = channel.stream_stream(
            f"/{protocol.service_name}/ServerReflectionInfo",
            request_serializer=protocol.request.SerializeToString,
            response_deserializer=protocol.response.FromString,
        )
        return [response async for response in call(iter(protocol.request(**r) for r in requests))]


def file_names(response: Any) -> list[str]:
    names = []
    for blob in response.file_descriptor_response.file_descriptor_proto:
        proto = descriptor_pb2.FileDescriptorProto.FromString(blob)
        names.append(proto.name)
    return names


@pytest.mark.parametrize("service", [REFLECTION_V1, REFLECTION_V1ALPHA])
async def test_both_protocols_list_the_services_and_resolve_every_symbol_kind(
    page_server: str, service: str
) -> None:
    protocol = PROTOCOLS[service]
    symbols = [
        "pagemesh.page.v2.PageService",  # a service
        "pagemesh.page.v2.PageService.GetProductPage",  # a method: what grpcio-reflection cannot resolve
        "pagemesh.page.v2.GetProductPageResponse",  # a message
        "pagemesh.page.v2.GetProductPageResponse.degraded_sections",  # a field
        "pagemesh.page.v2.Section",  # an enum
        "pagemesh.page.v2.SECTION_REVIEWS",  # an enum value, scoped beside its enum
        "grpc.health.v1.HealthCheckResponse.ServingStatus",  # a nested enum
        "pagemesh.product.v2.Money",  # a message of an imported file
        "google.protobuf.Timestamp",  # a well-known type
        f"{service}.ServerReflectionInfo",  # reflection describes itself
    ]
    responses = await ask(
        page_server,
        protocol,
        {"list_services": ""},
        *({"file_containing_symbol": symbol} for symbol in symbols),
        {"file_containing_symbol": "pagemesh.page.v2.NoSuchThing"},
        {"file_by_filename": "pagemesh/page/v2/page.proto"},
        {"file_by_filename": "no/such/file.proto"},
    )
    listed = [s.name for s in responses[0].list_services_response.service]
    assert listed == sorted(
        [REFLECTION_V1, REFLECTION_V1ALPHA, "grpc.health.v1.Health", "pagemesh.page.v2.PageService"]
    )
    for symbol, response in zip(symbols, responses[1 : 1 + len(symbols)], strict=True):
        assert response.WhichOneof("message_response") == "file_descriptor_response", symbol
        assert response.original_request.file_containing_symbol == symbol
    # The first answer about the page's file brings its dependencies; later ones on the stream do not
    # repeat them, but always carry the file asked for.
    first = file_names(responses[1])
    assert first[0] == "pagemesh/page/v2/page.proto"
    assert set(first[1:]) == {"google/protobuf/timestamp.proto", "pagemesh/product/v2/product.proto"}
    assert file_names(responses[2]) == ["pagemesh/page/v2/page.proto"]
    assert file_names(responses[8]) == ["pagemesh/product/v2/product.proto"]
    missing = responses[1 + len(symbols)]
    assert missing.error_response.error_code == grpc.StatusCode.NOT_FOUND.value[0]
    assert "pagemesh.page.v2.NoSuchThing" in missing.error_response.error_message
    assert file_names(responses[-2]) == ["pagemesh/page/v2/page.proto"]
    assert responses[-1].error_response.error_code == grpc.StatusCode.NOT_FOUND.value[0]
    assert "no/such/file.proto" in responses[-1].error_response.error_message


async def test_a_request_that_asks_nothing_is_invalid_argument(page_server: str) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await ask(page_server, PROTOCOLS[REFLECTION_V1], {"host": "x"})
    assert raised.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "list_services" in (raised.value.details() or "")


def synthetic_pool() -> descriptor_pool.DescriptorPool:
    """A proto2 file with nested types, a oneof and extensions, in a pool of its own."""
    file = descriptor_pb2.FileDescriptorProto(
        name="test/shapes.proto", package="test.shapes", syntax="proto2"
    )
    outer = file.message_type.add(name="Outer")
    outer.extension_range.add(start=100, end=200)
    outer.oneof_decl.add(name="choice")
    outer.field.add(name="a", number=1, type=9, label=1, oneof_index=0)
    inner = outer.nested_type.add(name="Inner")
    inner.nested_type.add(name="Deepest")
    colour = inner.enum_type.add(name="Colour")
    colour.value.add(name="RED", number=0)
    file.extension.add(name="top_level", number=100, type=5, label=1, extendee=".test.shapes.Outer")
    holder = file.message_type.add(name="Holder")
    holder.extension.add(name="nested_ext", number=101, type=9, label=1, extendee=".test.shapes.Outer")
    file.service.add(name="Shapes").method.add(
        name="Get", input_type=".test.shapes.Outer", output_type=".test.shapes.Holder"
    )
    pool = descriptor_pool.DescriptorPool()
    pool.Add(file)
    return pool


class _Context:
    async def abort(self, code: grpc.StatusCode, details: str) -> None:
        raise AssertionError(f"aborted: {code} {details}")


async def _requests(protocol: ReflectionProtocol, requests: list[dict[str, Any]]) -> AsyncIterator[Any]:
    for request in requests:
        yield protocol.request(**request)


@pytest.mark.parametrize("service", [REFLECTION_V1, REFLECTION_V1ALPHA])
async def test_nested_types_oneofs_and_extensions_resolve(service: str) -> None:
    protocol = PROTOCOLS[service]
    index = ReflectionIndex.of(["test.shapes.Shapes"], synthetic_pool())
    servicer = ReflectionServicer(index, protocol)
    symbols = [
        "test.shapes.Shapes.Get",
        "test.shapes.Outer.Inner",
        "test.shapes.Outer.Inner.Deepest",
        "test.shapes.Outer.Inner.Colour",
        "test.shapes.Outer.Inner.RED",
        "test.shapes.Outer.choice",
        "test.shapes.top_level",
        "test.shapes.Holder.nested_ext",
    ]
    requests: list[dict[str, Any]] = [{"file_containing_symbol": s} for s in symbols]
    requests += [
        {"file_containing_extension": {"containing_type": "test.shapes.Outer", "extension_number": 101}},
        {"file_containing_extension": {"containing_type": "test.shapes.Outer", "extension_number": 150}},
        {"all_extension_numbers_of_type": "test.shapes.Outer"},
        {"all_extension_numbers_of_type": "test.shapes.Nope"},
    ]
    context: Any = _Context()
    answers = [a async for a in servicer.ServerReflectionInfo(_requests(protocol, requests), context)]
    for symbol, answer in zip(symbols, answers, strict=False):
        assert file_names(answer) == ["test/shapes.proto"], symbol
    extension, unknown, numbers, not_a_type = answers[len(symbols) :]
    assert file_names(extension) == ["test/shapes.proto"]
    assert unknown.error_response.error_code == grpc.StatusCode.NOT_FOUND.value[0]
    assert "150" in unknown.error_response.error_message
    assert numbers.all_extension_numbers_response.base_type_name == "test.shapes.Outer"
    assert list(numbers.all_extension_numbers_response.extension_number) == [100, 101]
    assert not_a_type.error_response.error_code == grpc.StatusCode.NOT_FOUND.value[0]
