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
from collections.abc import Awaitable, Callable, Generator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

import grpc
import grpc.aio
from google.protobuf.descriptor import FileDescriptor
from google.protobuf.message import Message

from aggregator._config import ChannelConfig
from pagemesh.authors.v1 import authors_pb2 as authors_v1
from pagemesh.authors.v1 import authors_pb2_grpc as authors_v1_grpc
from pagemesh.authors.v2 import authors_pb2 as authors_v2
from pagemesh.authors.v2 import authors_pb2_grpc as authors_v2_grpc
from pagemesh.history.v1 import history_pb2 as history_v1
from pagemesh.history.v1 import history_pb2_grpc as history_v1_grpc
from pagemesh.history.v2 import history_pb2 as history_v2
from pagemesh.history.v2 import history_pb2_grpc as history_v2_grpc
from pagemesh.product.v1 import product_pb2 as product_v1
from pagemesh.product.v1 import product_pb2_grpc as product_v1_grpc
from pagemesh.product.v2 import product_pb2 as product_v2
from pagemesh.product.v2 import product_pb2_grpc as product_v2_grpc
from pagemesh.recommendations.v1 import recommendations_pb2 as recommendations_v1
from pagemesh.recommendations.v1 import recommendations_pb2_grpc as recommendations_v1_grpc
from pagemesh.recommendations.v2 import recommendations_pb2 as recommendations_v2
from pagemesh.recommendations.v2 import recommendations_pb2_grpc as recommendations_v2_grpc
from pagemesh.reviews.v1 import reviews_pb2 as reviews_v1
from pagemesh.reviews.v1 import reviews_pb2_grpc as reviews_v1_grpc
from pagemesh.reviews.v2 import reviews_pb2 as reviews_v2
from pagemesh.reviews.v2 import reviews_pb2_grpc as reviews_v2_grpc
from pagemesh.runtime import REQUEST_ID_KEY, PagemeshError, Transport, log_event
from pagemesh.sponsored.v1 import sponsored_pb2 as sponsored_v1
from pagemesh.sponsored.v1 import sponsored_pb2_grpc as sponsored_v1_grpc
from pagemesh.sponsored.v2 import sponsored_pb2 as sponsored_v2
from pagemesh.sponsored.v2 import sponsored_pb2_grpc as sponsored_v2_grpc

__all__ = [
    "WRITE_METHODS",
    "BackendError",
    "Downstream",
    "ForwardingCall",
    "FunctionDownstream",
    "GrpcDownstream",
    "Metadata",
    "Pending",
    "contract_service",
    "request_metadata",
]

Metadata = Sequence[tuple[str, str]]
_logger = logging.getLogger("pagemesh.aggregator")


def request_metadata(request_id: str) -> Metadata:
    """The metadata that carries a request id to a backend (none for an empty id)."""
    return ((REQUEST_ID_KEY, request_id),) if request_id else ()


# Per backend and API version: the proto file (for the service's full name) and the generated stub class.
_CONTRACTS: Mapping[str, Mapping[str, tuple[FileDescriptor, Callable[[grpc.aio.Channel], Any]]]] = {
    "product": {
        "v1": (product_v1.DESCRIPTOR, product_v1_grpc.ProductServiceStub),
        "v2": (product_v2.DESCRIPTOR, product_v2_grpc.ProductServiceStub),
    },
    "recommendations": {
        "v1": (recommendations_v1.DESCRIPTOR, recommendations_v1_grpc.RecommendationServiceStub),
        "v2": (recommendations_v2.DESCRIPTOR, recommendations_v2_grpc.RecommendationServiceStub),
    },
    "sponsored": {
        "v1": (sponsored_v1.DESCRIPTOR, sponsored_v1_grpc.SponsoredServiceStub),
        "v2": (sponsored_v2.DESCRIPTOR, sponsored_v2_grpc.SponsoredServiceStub),
    },
    "authors": {
        "v1": (authors_v1.DESCRIPTOR, authors_v1_grpc.AuthorServiceStub),
        "v2": (authors_v2.DESCRIPTOR, authors_v2_grpc.AuthorServiceStub),
    },
    "reviews": {
        "v1": (reviews_v1.DESCRIPTOR, reviews_v1_grpc.ReviewServiceStub),
        "v2": (reviews_v2.DESCRIPTOR, reviews_v2_grpc.ReviewServiceStub),
    },
    "history": {
        "v1": (history_v1.DESCRIPTOR, history_v1_grpc.HistoryServiceStub),
        "v2": (history_v2.DESCRIPTOR, history_v2_grpc.HistoryServiceStub),
    },
}


def contract_service(backend: str, version: str) -> str:
    """The full gRPC service name of a backend's API version, e.g. `pagemesh.reviews.v2.ReviewService`."""
    (service,) = _CONTRACTS[backend][version][0].services_by_name.values()
    return service.full_name


WRITE_METHODS = frozenset({"RecordView"})
"""Methods that change state: never retried by the channel, never hedged."""


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


def _read_methods(name: str) -> list[tuple[str, str]]:
    methods = []
    for file, _ in _CONTRACTS[name].values():
        (service,) = file.services_by_name.values()
        methods += [(service.full_name, m.name) for m in service.methods if m.name not in WRITE_METHODS]
    return methods


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
        name: str,
        address: str,
        config: ChannelConfig | None = None,
        transport: Transport | None = None,
    ) -> None:
        if name not in _CONTRACTS:
            raise ValueError(f"unknown backend {name!r}")
        self._name = name
        self.address = address
        self._config = config or ChannelConfig()
        self._transport = transport or Transport("plaintext", "aggregator")
        self._stamp = self._transport.stamp()
        self._next_check = time.monotonic() + self.RENEWAL_CHECK_INTERVAL
        self._retired: set[asyncio.Task[None]] = set()
        self._channel, self._methods = self._connect()

    def _connect(self) -> tuple[grpc.aio.Channel, dict[tuple[str, str], Any]]:
        channel = self._transport.channel(
            self.address, server_name=self._name, options=self._config.options(_read_methods(self._name))
        )
        # Each method's callable, looked up once: a page makes six calls, each would look it up again.
        methods: dict[tuple[str, str], Any] = {}
        for version, (file, make_stub) in _CONTRACTS[self._name].items():
            stub = make_stub(channel)
            (service,) = file.services_by_name.values()
            for method in service.methods:
                methods[version, method.name] = getattr(stub, method.name)
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
