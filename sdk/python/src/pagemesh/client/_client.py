"""What every generated client shares: one channel, its TLS and retry policy, the default deadline.

`PagemeshClient` and `AsyncPagemeshClient` (generated, in `_services`) subclass `Client` and
`AsyncClient` and add one attribute per API version; each RPC goes through `Calls.unary`, which applies the
client's deadline when the call gives none and turns a failure into `RpcError`.
"""

from __future__ import annotations

from collections.abc import Sequence
from types import TracebackType
from typing import Any, ClassVar, TypeVar

import grpc
import grpc.aio
from google.protobuf.descriptor import FileDescriptor

from pagemesh.client._errors import RpcError
from pagemesh.client._settings import DEFAULT_TIMEOUT, RetryPolicy, Tls, service_config

__all__ = ["AsyncCalls", "AsyncClient", "Calls", "Client", "Metadata"]

Metadata = Sequence[tuple[str, str]]
"""Request headers of one call, e.g. `(("x-request-id", "..."),)`."""
ChannelOptions = Sequence[tuple[str, Any]]
Req = TypeVar("Req")
Resp = TypeVar("Resp")
Self = TypeVar("Self", bound="Client")
AsyncSelf = TypeVar("AsyncSelf", bound="AsyncClient")


def _channel_settings(
    files: Sequence[FileDescriptor],
    tls: Tls | None,
    retry: RetryPolicy | None,
    options: ChannelOptions,
    timeout: float,
) -> tuple[grpc.ChannelCredentials | None, list[tuple[str, Any]]]:
    """A client's channel credentials (None: plaintext) and options, checked: the same for both flavours."""
    if timeout <= 0:
        raise ValueError(f"timeout must be more than 0 seconds, got {timeout:g}")
    merged: list[tuple[str, Any]] = [
        ("grpc.enable_retries", 1 if retry is not None else 0),
        ("grpc.service_config", service_config(files, retry)),
    ]
    if tls is not None and tls.server_name:
        merged.append(("grpc.ssl_target_name_override", tls.server_name))
    return (None if tls is None else tls.credentials()), merged + list(options)


class Calls:
    """A blocking channel and the client's default deadline, as the generated methods use them."""

    __slots__ = ("channel", "timeout")

    def __init__(self, channel: grpc.Channel, timeout: float) -> None:
        self.channel = channel
        self.timeout = timeout

    def unary(
        self,
        method: str,
        call: grpc.UnaryUnaryMultiCallable[Req, Resp],
        request: Req,
        *,
        timeout: float | None,
        metadata: Metadata,
    ) -> Resp:
        """Calls `method` with the request; raises `RpcError` when it fails."""
        try:
            return call(
                request,
                timeout=self.timeout if timeout is None else timeout,
                metadata=tuple(metadata) or None,
            )
        except grpc.RpcError as error:
            raise RpcError.from_grpc(method, error) from None


class AsyncCalls:
    """An asyncio channel and the client's default deadline, as the generated methods use them."""

    __slots__ = ("channel", "timeout")

    def __init__(self, channel: grpc.aio.Channel, timeout: float) -> None:
        self.channel = channel
        self.timeout = timeout

    async def unary(
        self,
        method: str,
        call: grpc.aio.UnaryUnaryMultiCallable[Req, Resp],
        request: Req,
        *,
        timeout: float | None,  # noqa: ASYNC109 (the call's gRPC deadline, sent to the server)
        metadata: Metadata,
    ) -> Resp:
        """Calls `method` with the request; raises `RpcError` when it fails."""
        try:
            return await call(
                request,
                timeout=self.timeout if timeout is None else timeout,
                metadata=tuple(metadata) or None,
            )
        except grpc.RpcError as error:
            raise RpcError.from_grpc(method, error) from None


class Client:
    """A blocking connection to one pagemesh target (`host:port`), for one or many calls.

    - `tls`: mutual TLS settings (`Tls(ca=..., certificate=..., key=...)`), or None for a plaintext mesh.
    - `timeout`: the deadline in seconds of every call that does not give its own.
    - `retry`: how reads are retried on UNAVAILABLE (None: never); writes never are.
    - `options`: extra gRPC channel options.

    Close it (or use it as a context manager) to release the connection.
    """

    _files: ClassVar[Sequence[FileDescriptor]] = ()

    def __init__(
        self,
        target: str,
        *,
        tls: Tls | None,
        timeout: float = DEFAULT_TIMEOUT,
        retry: RetryPolicy | None = RetryPolicy(),  # noqa: B008 (frozen, so sharing the default is safe)
        options: ChannelOptions = (),
    ) -> None:
        self.target = target
        credentials, merged = _channel_settings(self._files, tls, retry, options, timeout)
        if credentials is None:
            self._channel = grpc.insecure_channel(target, options=merged)
        else:
            self._channel = grpc.secure_channel(target, credentials, options=merged)
        self._bind(Calls(self._channel, timeout))

    def _bind(self, calls: Calls) -> None:
        """Makes the per-version attributes (generated)."""

    def close(self) -> None:
        """Closes the connection; calls in flight are cancelled."""
        self._channel.close()

    def __enter__(self: Self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()


class AsyncClient:
    """An asyncio connection to one pagemesh target; the same settings as `Client`.

    Make it inside the event loop that uses it; close it with `await client.close()` or `async with`.
    """

    _files: ClassVar[Sequence[FileDescriptor]] = ()

    def __init__(
        self,
        target: str,
        *,
        tls: Tls | None,
        timeout: float = DEFAULT_TIMEOUT,
        retry: RetryPolicy | None = RetryPolicy(),  # noqa: B008 (frozen, so sharing the default is safe)
        options: ChannelOptions = (),
    ) -> None:
        self.target = target
        credentials, merged = _channel_settings(self._files, tls, retry, options, timeout)
        if credentials is None:
            self._channel = grpc.aio.insecure_channel(target, options=merged)
        else:
            self._channel = grpc.aio.secure_channel(target, credentials, options=merged)
        self._bind(AsyncCalls(self._channel, timeout))

    def _bind(self, calls: AsyncCalls) -> None:
        """Makes the per-version attributes (generated)."""

    async def close(self) -> None:
        """Closes the connection; calls in flight are cancelled."""
        await self._channel.close()

    async def __aenter__(self: AsyncSelf) -> AsyncSelf:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        await self.close()
