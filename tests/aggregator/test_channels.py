"""The aggregator's channels to its backends: what their options do against a real server."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import grpc
import grpc.aio
import pytest
from grpc_health.v1 import health, health_pb2, health_pb2_grpc

from aggregator import ChannelConfig
from pagemesh.runtime import Transport

HANDSHAKE_DELAY = 0.3
"""How long the slow backend takes to send its HTTP/2 SETTINGS (a busy node, a pod just started)."""


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, delay: float = 0.0) -> None:
    await asyncio.sleep(delay)
    with contextlib.suppress(ConnectionError):
        while True:
            data = await reader.read(65536)
            if not data:
                break
            writer.write(data)
            await writer.drain()


@contextlib.asynccontextmanager
async def _slow_to_answer(backend_port: int) -> AsyncIterator[int]:
    """A TCP relay to the backend that holds the backend's first bytes (its SETTINGS) for a while; its
    port. Every connection it made is closed on the way out."""
    writers: list[asyncio.StreamWriter] = []

    async def relay(client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        server_reader, server_writer = await asyncio.open_connection("127.0.0.1", backend_port)
        writers.extend((client_writer, server_writer))
        await asyncio.gather(
            _pipe(client_reader, server_writer), _pipe(server_reader, client_writer, HANDSHAKE_DELAY)
        )

    server = await asyncio.start_server(relay, "127.0.0.1", 0)
    try:
        yield server.sockets[0].getsockname()[1]
    finally:
        server.close()
        for writer in writers:
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()
        await server.wait_closed()


async def _check(config: ChannelConfig, target: str) -> grpc.StatusCode:
    options = config.options([("grpc.health.v1.Health", "Check")])
    async with Transport("plaintext", "operator").channel(target, options=options) as channel:
        try:
            stub: Any = health_pb2_grpc.HealthStub(channel)  # grpcio-health-checking ships no stub types
            await stub.Check(health_pb2.HealthCheckRequest(), timeout=2.0)
        except grpc.aio.AioRpcError as error:
            return error.code()
    return grpc.StatusCode.OK


@pytest.mark.parametrize(("connect_timeout_ms", "expected"), [(None, "OK"), (100, "UNAVAILABLE")])
def test_a_backend_slow_to_finish_its_handshake_is_waited_for(
    connect_timeout_ms: int | None, expected: str
) -> None:
    # The default gives a connection attempt time to finish; the 100 ms the channels once had gave up on
    # it, and the call failed UNAVAILABLE (a page failed so in a Kubernetes rolling update).
    config = ChannelConfig()
    if connect_timeout_ms is not None:
        config = replace(config, connect_timeout_ms=connect_timeout_ms)

    async def scenario() -> grpc.StatusCode:
        server = grpc.aio.server()
        health_pb2_grpc.add_HealthServicer_to_server(health.aio.HealthServicer(), server)
        port = server.add_insecure_port("127.0.0.1:0")
        await server.start()
        try:
            async with _slow_to_answer(port) as relay_port:
                return await _check(config, f"127.0.0.1:{relay_port}")
        finally:
            await server.stop(None)

    assert asyncio.run(scenario()).name == expected
