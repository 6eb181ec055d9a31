"""The small interface behind which the aggregator calls a backend, its gRPC form and an in-memory double.

A `Downstream` starts `start(version, method, request, time_limit=..., metadata=...)` and hands back the
call in flight, a `Pending`: awaiting it gives the response message or raises `BackendError` carrying the
gRPC status code. `GrpcDownstream` does it over one long-lived channel per backend; `FunctionDownstream`
runs a plain request -> response function, so the page logic can be tested without sockets beside the
real end-to-end tests.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Generator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

import grpc
import grpc.aio
from google.protobuf.message import Message

from aggregator._backends import Backend
from aggregator._config import ChannelConfig
from pagemesh.runtime import REQUEST_ID_KEY, PagemeshError, Transport, log_event

__all__ = [
    "BackendError",
    "Downstream",
    "ForwardingCall",
    "FunctionDownstream",
    "GrpcDownstream",
    "Metadata",
    "Pending",
    "request_metadata",
]

Metadata = Sequence[tuple[str, str]]
_logger = logging.getLogger("pagemesh.aggregator")


def request_metadata(request_id: str) -> Metadata:
    """The metadata that carries a request id to a backend (none for an empty id)."""
    return ((REQUEST_ID_KEY, request_id),) if request_id else ()


class BackendError(Exception):
    """A backend call failed; `code` is the gRPC status it failed with."""

    def __init__(self, service: str, code: grpc.StatusCode, message: str) -> None:
        super().__init__(f"{service}: {code.name}: {message}")
        self.service = service
        self.code = code
        self.message = message


T_co = TypeVar("T_co", covariant=True)


class Pending(Protocol[T_co]):
    """A call in flight, as cheap to hold as the RPC itself: awaited for its answer, cancellable.

    Both a `grpc.aio` call (wrapped to raise `BackendError`) and an `asyncio.Task` are one, so hedging
    and deadlines need no extra task per call.
    """

    def done(self) -> bool:
        """Whether the call has finished, one way or another."""
        ...

    def cancel(self) -> bool:
        """Cancels the call (and its RPC on the wire); False when it had already finished."""
        ...

    def add_done_callback(self, callback: Callable[[Any], object], /) -> None:
        """Calls `callback(self)` once the call has finished."""
        ...

    def __await__(self) -> Generator[Any, None, T_co]: ...


class Downstream(Protocol):
    """One backend service, called by API version and method name."""

    @property
    def name(self) -> str:
        """The service's name, e.g. `reviews`."""
        ...

    @property
    def address(self) -> str:
        """Where it is, for messages (empty for one in memory)."""
        ...

    def start(
        self, version: str, method: str, request: Message, *, time_limit: float, metadata: Metadata
    ) -> Pending[Message]:
        """Sends `method` in `version`; the call answers its response or `BackendError`.

        `time_limit` is in seconds.
        """
        ...

    async def close(self) -> None:
        """Releases the connection."""
        ...


class GrpcDownstream:
    """A backend over one long-lived `grpc.aio` channel, shared by every page (made once, at start).

    The channel is secured by `transport` (mutual TLS as the aggregator, or plaintext). A channel keeps the
    certificate it was opened with, so when the aggregator's certificate files are renewed the next call
    opens a new channel, and the old one is closed once the calls still on it had time to finish.
    """

    RENEWAL_CHECK_INTERVAL = 1.0
    """Seconds between looks at the certificate files (a `stat` each), on the call path."""

    def __init__(
        self,
        backend: Backend,
        address: str,
        config: ChannelConfig | None = None,
        transport: Transport | None = None,
    ) -> None:
        self._backend = backend
        self._name = backend.name
        self._address = address
        self._config = config or ChannelConfig()
        self._transport = transport or Transport("plaintext", "aggregator")
        self._stamp = self._transport.stamp()
        self._next_check = time.monotonic() + self.RENEWAL_CHECK_INTERVAL
        self._retired: set[asyncio.Task[None]] = set()
        self._channel, self._methods = self._connect()

    def _connect(self) -> tuple[grpc.aio.Channel, dict[tuple[str, str], Any]]:
        # The channel retries exactly what the contracts declare safe to repeat (never a write).
        options = self._config.options(self._backend.retryable_methods())
        channel = self._transport.channel(self._address, server_name=self._name, options=options)
        # Each method's callable, looked up once: a page makes six calls, each would look it up again.
        methods: dict[tuple[str, str], Any] = {}
        for contract in self._backend.contracts:
            stub = contract.stub(channel)
            for method in contract.service.methods:
                methods[contract.version, method.name] = getattr(stub, method.name)
        return channel, methods

    def _renew_if_due(self) -> None:
        now = time.monotonic()
        if now < self._next_check:
            return
        self._next_check = now + self.RENEWAL_CHECK_INTERVAL
        stamp = self._transport.stamp()
        if stamp == self._stamp:
            return
        try:
            channel, methods = self._connect()
        except PagemeshError as error:
            # Mid-renewal (files half written): keep the channel that works and look again shortly.
            log_event(
                _logger, logging.WARNING, "channel not renewed", service=self._name, reason=error.message
            )
            return
        old, self._channel, self._methods, self._stamp = self._channel, channel, methods, stamp
        log_event(_logger, logging.INFO, "channel renewed", service=self._name, reason="certificate renewed")
        task = asyncio.ensure_future(self._retire(old))
        self._retired.add(task)
        task.add_done_callback(self._retired.discard)

    async def _retire(self, channel: grpc.aio.Channel) -> None:
        await asyncio.sleep(self._config.retired_channel_grace)
        await channel.close()

    @property
    def name(self) -> str:
        return self._name

    @property
    def address(self) -> str:
        return self._address

    def start(
        self, version: str, method: str, request: Message, *, time_limit: float, metadata: Metadata
    ) -> Pending[Message]:
        self._renew_if_due()
        multicallable = self._methods[version, method]
        return _GrpcCall(self._name, multicallable(request, timeout=time_limit, metadata=metadata))

    async def close(self) -> None:
        for task in list(self._retired):
            task.cancel()
        await self._channel.close()


class ForwardingCall:
    """A `Pending` around another call in flight: subclasses change what awaiting or cancelling does."""

    __slots__ = ("_call",)

    def __init__(self, call: Any) -> None:
        self._call = call

    def done(self) -> bool:
        return bool(self._call.done())

    def cancel(self) -> bool:
        return bool(self._call.cancel())

    def add_done_callback(self, callback: Callable[[Any], object], /) -> None:
        def forward(_: object) -> None:
            callback(self)

        self._call.add_done_callback(forward)

    def __await__(self) -> Generator[Any, None, Message]:
        response: Message = yield from self._call.__await__()
        return response


class _GrpcCall(ForwardingCall):
    """A `grpc.aio` call as a `Pending`, its `AioRpcError` turned into `BackendError`."""

    __slots__ = ("_service",)

    def __init__(self, service: str, call: grpc.aio.UnaryUnaryCall[Any, Message]) -> None:
        super().__init__(call)
        self._service = service

    def __await__(self) -> Generator[Any, None, Message]:
        try:
            response: Message = yield from self._call.__await__()
        except grpc.aio.AioRpcError as error:
            raise BackendError(self._service, error.code(), error.details() or "") from None
        return response


Handler = Callable[[str, str, Message], Awaitable[Message]]


@dataclass
class FunctionDownstream:
    """An in-memory backend: `handler(version, method, request)` answers, or raises `BackendError`.

    The time limit is enforced as a real channel would (DEADLINE_EXCEEDED), and every call is recorded
    when it is started. `call` is the coroutine each started call runs, for tests to wrap.
    """

    service: str
    handler: Handler
    calls: list[tuple[str, str, Message, dict[str, str]]] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.service

    @property
    def address(self) -> str:
        return ""

    def start(
        self, version: str, method: str, request: Message, *, time_limit: float, metadata: Metadata
    ) -> Pending[Message]:
        self.calls.append((version, method, request, dict(metadata)))
        return asyncio.ensure_future(
            self.call(version, method, request, time_limit=time_limit, metadata=metadata)
        )

    async def call(
        self, version: str, method: str, request: Message, *, time_limit: float, metadata: Metadata
    ) -> Message:
        """Runs the handler within the time limit."""
        try:
            async with asyncio.timeout(time_limit):
                return await self.handler(version, method, request)
        except TimeoutError:
            raise BackendError(self.service, grpc.StatusCode.DEADLINE_EXCEEDED, "Deadline Exceeded") from None

    async def close(self) -> None:
        return None
