"""The one server lifecycle every pagemesh process uses (after gRPC's graceful-shutdown example).

`grpc.aio.server()` -> add the versioned servicers, health and reflection (`grpc.reflection.v1` and
`v1alpha`), all behind the one interceptor, and a last handler that answers unknown methods UNIMPLEMENTED
-> bind through the transport (mutual TLS or plaintext; a taken port is an error) -> the admin port
(`/healthz`, `/readyz`, `/metrics`) -> start -> wait for SIGTERM or SIGINT -> health NOT_SERVING -> optional
drain period, so load balancers and probes see it -> `stop(grace)`, in which in-flight calls finish.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar, cast

import grpc
import grpc.aio
import uvloop
from google.protobuf.descriptor import FileDescriptor, ServiceDescriptor
from google.protobuf.message import Message
from grpc_health.v1 import health, health_pb2, health_pb2_grpc

from pagemesh.runtime._admin import AdminServer
from pagemesh.runtime._cache import ResponseCache
from pagemesh.runtime._config import Settings
from pagemesh.runtime._errors import PagemeshError
from pagemesh.runtime._faults import FaultSpec
from pagemesh.runtime._interceptors import CallInterceptor, unknown_methods
from pagemesh.runtime._limiter import LimiterConfig, limiter_from_setting
from pagemesh.runtime._logging import log_event
from pagemesh.runtime._reflection import ReflectionIndex, ReflectionServicer, reflection_protocols
from pagemesh.runtime._transport import Transport
from pagemesh.security._authorizer import Authorizer, policy_path

__all__ = [
    "MAX_PENDING_CALLS",
    "MAX_REQUEST_BYTES",
    "MAX_RESPONSE_BYTES",
    "ApiBinding",
    "EventHandler",
    "GrpcServer",
    "ServerStartError",
    "ServiceInstance",
    "api_binding",
    "run_event_loop",
    "wait_for_stop_signal",
]

_logger = logging.getLogger("pagemesh.server")
S = TypeVar("S")
T = TypeVar("T")

MAX_REQUEST_BYTES = 1024 * 1024
"""The largest request message a server accepts; a larger one is RESOURCE_EXHAUSTED naming both sizes.

pagemesh's requests are a few hundred bytes at most: the limit only stops a client from making a server
buffer megabytes for nothing.
"""
MAX_RESPONSE_BYTES = 4 * 1024 * 1024
"""The largest response message a server sends (and a pagemesh client accepts): gRPC's usual 4 MiB."""
MAX_PENDING_CALLS = 256
"""Calls gRPC's core holds for a server before its handlers take them (a backstop; see `GrpcServer`).

A `grpc.aio` server takes calls from core one per turn of its event loop; when the loop is saturated, the
rest wait in core, before any handler or limiter sees them, until their deadlines pass. Core refuses calls
beyond this queue at once, for almost no CPU (randomly from half of it, all of them at the full length),
with the status CANCELLED: core does not let the server choose RESOURCE_EXHAUSTED there.
"""
SHED_CODES = frozenset({grpc.StatusCode.RESOURCE_EXHAUSTED, grpc.StatusCode.CANCELLED})
"""What a pagemesh server answers a call it turns away for overload: RESOURCE_EXHAUSTED from its
limiter, CANCELLED from gRPC core when the queue in front of its handlers is full (`MAX_PENDING_CALLS`).
A caller that gets one should back off rather than ask again at once."""
MAX_CONNECTION_AGE_MS = 30_000
"""A client connection is closed (GOAWAY, gRFC A9) after about this long, +/-10% jitter."""

SERVER_OPTIONS: Sequence[tuple[str, int]] = (
    # grpcio binds a taken port silently when SO_REUSEPORT is on (its default): make it an error.
    ("grpc.so_reuseport", 0),
    # Explicit, rather than grpcio's defaults (4 MiB in, unlimited out), so they are documented and tested.
    ("grpc.max_receive_message_length", MAX_REQUEST_BYTES),
    ("grpc.max_send_message_length", MAX_RESPONSE_BYTES),
    # Accept the keepalive pings that pagemesh's own clients send (every 20 s without calls).
    ("grpc.http2.min_ping_interval_without_data_ms", 10_000),
    ("grpc.keepalive_permit_without_calls", 1),
    # Connections do not live forever: a client whose target is a DNS name with several addresses (a
    # Kubernetes headless Service) resolves it again when told to go away, so a replica that joined
    # since gets its share of calls within about this long. Calls in flight get the grace to finish.
    ("grpc.max_connection_age_ms", MAX_CONNECTION_AGE_MS),
    ("grpc.max_connection_age_grace_ms", 5_000),
)


def run_event_loop(main: Coroutine[Any, Any, T]) -> T:
    """Runs `main` to completion on a new uvloop event loop, as `asyncio.run` does on the default one.

    Every pagemesh server runs on uvloop: grpc.aio and aiohttp both support it, and with six services and
    the aggregator sharing a machine, its cheaper event-loop turns measured about 5% less CPU per page.
    """
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        return runner.run(main)


class ServerStartError(PagemeshError):
    """The server could not listen on its address."""


@dataclass(frozen=True)
class ApiBinding:
    """One gRPC service that a process serves: its full name, its API version and how to add it."""

    service_name: str
    """The full proto name, e.g. `pagemesh.product.v2.ProductService`."""
    version: str
    """The API version, `v1` or `v2`."""
    register: Callable[[grpc.aio.Server, CallInterceptor], None]
    """Adds the servicer, wrapped by the interceptor, to a server."""


def api_binding(
    file: FileDescriptor,
    add_to_server: Callable[[S, grpc.aio.Server], None],
    servicer: S,
    *,
    read_only: bool = False,
    max_age: float | None = None,
) -> ApiBinding:
    """The binding of a servicer for the one service that the proto `file` declares.

    `read_only` says the servicer's answers depend on nothing but the request (its data does not change
    while it serves), so repeated requests are answered from a `ResponseCache`; `max_age` bounds how long
    an answer is reused, for data that changes in the background (see `ResponseCache`).
    """
    (service,) = file.services_by_name.values()

    def register(server: grpc.aio.Server, interceptor: CallInterceptor) -> None:
        cache = ResponseCache(max_age=max_age) if read_only else None
        interceptor.register(server, add_to_server, interceptor.wrap(service, servicer, cache))

    return ApiBinding(
        service_name=service.full_name, version=file.package.rpartition(".")[2], register=register
    )


class GrpcServer:
    """A `grpc.aio` server with health, reflection, the pagemesh interceptor and an admin port.

    `settings` say how hops are secured (`tls`, `pki`) and which authorization policy applies; the server's
    identity is its `component` name. `admin_address` defaults to `settings.admin_address` (gRPC port + 1000).
    `limiter_config` tunes the adaptive concurrency limit (when `settings` ask for one), and
    `max_pending_calls` bounds the queue in gRPC's core in front of the handlers (`MAX_PENDING_CALLS`); with
    the limit off (`PAGEMESH_CONCURRENCY_LIMIT=off`) neither applies: no overload protection at all.
    """

    def __init__(
        self,
        component: str,
        address: str,
        bindings: Sequence[ApiBinding],
        *,
        settings: Settings | None = None,
        admin_address: str | None = None,
        faults: FaultSpec | None = None,
        authz_dry_run: bool = False,
        limiter_config: LimiterConfig | None = None,
        max_pending_calls: int = MAX_PENDING_CALLS,
    ) -> None:
        self.component = component
        self.address = address
        self.bindings = tuple(bindings)
        self.settings = settings or Settings()
        self.port = 0
        self.health = health.aio.HealthServicer()
        self._faults = faults
        self._server: grpc.aio.Server | None = None
        self._serving = False
        # Made here, before any port is opened, so a bad certificate or policy fails the start-up early.
        self.transport = Transport.from_settings(self.settings, component)
        policy = policy_path(self.settings)
        self.authorizer = None if policy is None else Authorizer(policy, dry_run=authz_dry_run)
        self.admin = AdminServer(
            component, admin_address or self.settings.admin_address(component, address), self.ready
        )
        self._watcher: asyncio.Task[None] | None = None
        self.limiter = limiter_from_setting(self.settings.concurrency_limit, component, limiter_config)
        self._max_pending_calls = max_pending_calls
        """The process's concurrency limit (`PAGEMESH_CONCURRENCY_LIMIT`), or None when off.

        Shared with whatever else the process serves (the aggregator's HTTP pages), so one limit covers it.
        """

    @property
    def service_names(self) -> list[str]:
        """The full names of the versioned services this server answers for."""
        return [binding.service_name for binding in self.bindings]

    def ready(self) -> bool:
        """Whether the server reports SERVING (for the admin port's `/readyz`)."""
        return self._serving

    async def start(self) -> None:
        """Binds the address and the admin port, starts serving and reports SERVING."""
        # grpc.aio servers belong to the running event loop, so the server is made here, not in __init__.
        options = list(SERVER_OPTIONS)
        if self.limiter is not None:
            # Refused at random from half the queue on, every one at its full length (see above).
            options += [
                ("grpc.server.max_pending_requests", self._max_pending_calls // 2),
                ("grpc.server.max_pending_requests_hard_limit", self._max_pending_calls),
            ]
        self._server = server = grpc.aio.server(options=options)
        interceptor = CallInterceptor(
            self._faults,
            authorizer=self.authorizer,
            authenticated=self.transport.secure,
            limiter=self.limiter,
        )
        for binding in self.bindings:
            binding.register(server, interceptor)
        health_service = cast(ServiceDescriptor, health_pb2.DESCRIPTOR.services_by_name["Health"])
        add_health: Callable[[Any, Any], None] = health_pb2_grpc.add_HealthServicer_to_server
        interceptor.register(server, add_health, interceptor.guard(health_service, self.health))
        protocols = reflection_protocols()
        index = ReflectionIndex.of(
            [*self.service_names, health_service.full_name, *(p.service_name for p in protocols)]
        )
        for protocol in protocols:
            (reflection_service,) = protocol.file.services_by_name.values()
            servicer = interceptor.guard(reflection_service, ReflectionServicer(index, protocol))
            handler = grpc.stream_stream_rpc_method_handler(
                servicer.ServerReflectionInfo,
                request_deserializer=protocol.request.FromString,
                response_serializer=protocol.response.SerializeToString,
            )
            interceptor.install(server, protocol.service_name, {"ServerReflectionInfo": handler})
        # Last: consulted only for a method that none of the services above has.
        server.add_generic_rpc_handlers((unknown_methods(),))
        self.port = self.transport.listen(server, self.address, self.component)
        await self.admin.start()
        await server.start()
        for name in ["", *self.service_names]:
            await self.health.set(name, health_pb2.HealthCheckResponse.SERVING)
        self._serving = True
        if self.authorizer is not None:
            self._watcher = asyncio.ensure_future(self.authorizer.watch())
        versions = ", ".join(sorted({binding.version for binding in self.bindings}))
        log_event(
            _logger,
            logging.INFO,
            "serving",
            address=self.address,
            port=self.port,
            admin=f"http://{self.admin.address.rpartition(':')[0]}:{self.admin.port}",
            versions=versions,
            tls=self.transport.mode,
            policy=None if self.authorizer is None else str(self.authorizer.path),
            authz_dry_run=self.authorizer is not None and self.authorizer.dry_run,
            concurrency_limit=self.settings.concurrency_limit,
        )

    async def stop(self, grace: float, drain: float = 0.0) -> None:
        """Reports NOT_SERVING, keeps serving for `drain` seconds, then lets in-flight calls finish."""
        self._serving = False
        await self.health.enter_graceful_shutdown()
        log_event(_logger, logging.INFO, "stopping", drain_seconds=drain, grace_seconds=grace)
        if drain > 0:
            await asyncio.sleep(drain)
        if self._watcher is not None:
            self._watcher.cancel()
        if self._server is not None:
            await self._server.stop(grace)
        await self.admin.stop()
        log_event(_logger, logging.INFO, "stopped")

    async def wait_for_termination(self) -> None:
        """Returns when the server has stopped."""
        if self._server is not None:
            await self._server.wait_for_termination()


async def wait_for_stop_signal() -> signal.Signals:
    """Waits for SIGTERM or SIGINT and returns which one came."""
    loop = asyncio.get_running_loop()
    received: asyncio.Future[signal.Signals] = loop.create_future()

    def deliver(signum: signal.Signals) -> None:
        if not received.done():
            received.set_result(signum)

    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, deliver, signum)
    try:
        signum = await received
    finally:
        for stop_signal in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(stop_signal)
    return signum


@dataclass(frozen=True)
class EventHandler:
    """What a service does with events from the bus: its consumer group handles `types` with `handle`.

    `handle` gets a batch of delivered events (`pagemesh.bus.Event`) and applies them all or none,
    deduplicating on `event_id` in the same transaction as the effect (delivery is at-least-once).
    """

    types: Sequence[type[Message]]
    handle: Callable[[Sequence[Any]], Awaitable[None]]


@dataclass(frozen=True)
class ServiceInstance:
    """A backend service opened on its store: the versioned APIs to serve and how to release the store."""

    bindings: Sequence[ApiBinding]
    """Every API version the service offers, v1 first."""
    close: Callable[[], Awaitable[None]]
    """Releases the store once the server has stopped (on the server's event loop, which owns its pool)."""
    events: EventHandler | None = None
    """The service's consumer of bus events, if it has one (`pagemesh serve` runs it in the process)."""
