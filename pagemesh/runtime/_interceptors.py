"""The one interceptor every pagemesh server runs: identity, authorization, request ids, errors, logs, faults.

It wraps each RPC method of a servicer once, at registration (`register`), and registers it with a request
decoder of its own: bytes that are not a valid request message decode to an `Undecodable` instead of an
exception (which grpcio would answer UNKNOWN, with Python's class name in the message). Per call it:
0. sheds the call at once with RESOURCE_EXHAUSTED when the process is at its concurrency limit
   (`pagemesh.runtime._limiter`; shed calls are counted in one log line a second, not one each);
1. reads the caller's identity from its mutual-TLS certificate (its SPIFFE ID; `unauthenticated` over
   plaintext) into `current_caller`, and asks the authorizer, if any, whether it may call the method: a
   denied call ends here with PERMISSION_DENIED naming the caller and the method;
2. takes the caller's `x-request-id` (or makes one and returns it in the trailing metadata), and keeps
   it in `current_request_id` for outbound calls;
3. answers a request whose bytes did not decode with INVALID_ARGUMENT, naming the message type;
4. applies injected faults;
5. turns a `PagemeshError` into its status code, a method the servicer lacks into UNIMPLEMENTED, and any
   other exception into INTERNAL with a logged traceback, so callers never see UNKNOWN;
6. writes one log line: method, status code, duration, caller and request id;
7. makes the call's server span, under the caller's `traceparent`, and counts it for `/metrics` by
   caller (`pagemesh.telemetry.ServerCallTelemetry`).

Health and reflection are wrapped for authorization and decoding only (`guard`): never faulted, cached or
logged. A method no registered service has is answered UNIMPLEMENTED by `unknown_methods`, naming it.
"""

from __future__ import annotations

import asyncio
import inspect
import itertools
import logging
import random
import secrets
import time
from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable, Iterable, Mapping
from contextvars import ContextVar
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, TypeAlias, TypeVar, cast

import grpc
import grpc.aio
from google.protobuf.descriptor import ServiceDescriptor
from google.protobuf.message import DecodeError

from pagemesh.runtime._cache import ResponseCache
from pagemesh.runtime._errors import PagemeshError
from pagemesh.runtime._faults import FaultSpec
from pagemesh.runtime._limiter import ConcurrencyLimiter, latency_sample
from pagemesh.runtime._logging import log_event

if TYPE_CHECKING:
    from pagemesh.security import Authorizer

__all__ = [
    "REQUEST_ID_KEY",
    "UNAUTHENTICATED",
    "CallInterceptor",
    "Undecodable",
    "current_caller",
    "current_request_id",
    "new_request_id",
    "peer_names",
    "unknown_methods",
]

REQUEST_ID_KEY = "x-request-id"
UNAUTHENTICATED = "unauthenticated"
"""The caller of a call that came without a client certificate (plaintext)."""
current_request_id: ContextVar[str] = ContextVar("current_request_id", default="")
current_caller: ContextVar[str] = ContextVar("current_caller", default=UNAUTHENTICATED)
"""The identity (SPIFFE ID) of the call being served, or `unauthenticated`."""
_logger = logging.getLogger("pagemesh.calls")
S = TypeVar("S")
# grpcio's stubs make the handler generic; at run time it is not.
_Handler: TypeAlias = "grpc.RpcMethodHandler[Any, Any]"
_Behaviour = Callable[[Any, grpc.aio.ServicerContext[Any, Any]], Awaitable[Any]]


# A random prefix per process and a counter: unique across the mesh without a system call per id.
_ID_PREFIX = secrets.token_hex(4)
_id_counter = itertools.count()


def new_request_id() -> str:
    """A fresh request id: 16 hex digits, short enough to read in a log line."""
    return f"{_ID_PREFIX}{next(_id_counter) & 0xFFFFFFFF:08x}"


def peer_names(context: grpc.aio.ServicerContext[Any, Any]) -> tuple[str, ...]:
    """The caller's authenticated names, as gRFC A43 matches principals.

    Its certificate's URI SANs (its SPIFFE ID), else its DNS SANs, else its subject; empty without one.
    """
    auth = context.auth_context()
    values = auth.get("peer_uri") or auth.get("peer_dns") or auth.get("x509_subject") or ()
    return tuple(value.decode(errors="replace") for value in values)


class Undecodable:
    """What a request decodes to when its bytes are not a valid message; `message` says so to the caller."""

    __slots__ = ("message",)

    def __init__(self, message: str) -> None:
        self.message = message


def _decoder(method: str, decode: Callable[[bytes], Any]) -> Callable[[bytes], Any]:
    """`decode` (a message class's `FromString`), answering `Undecodable` where it would raise."""
    descriptor = getattr(getattr(decode, "__self__", None), "DESCRIPTOR", None)
    type_name = getattr(descriptor, "full_name", "") or "request message"

    def decoded(data: bytes) -> Any:
        try:
            return decode(data)
        except DecodeError as error:
            # protobuf says "Error parsing message with type 'T': <reason>"; the reason is what helps.
            reason = str(error).rpartition("': ")[2].rstrip(".") or "its bytes do not decode"
        except Exception:  # whatever else decoding raises, the bytes are at fault, not the server
            reason = "its bytes do not decode"
        return Undecodable(
            f"the request to {method} is not a valid {type_name} ({reason}); "
            f"send a message built from its contract (`grpcurl describe {type_name}` shows it)"
        )

    return decoded


def _decoding(method: str, handler: _Handler) -> _Handler:
    decode = handler.request_deserializer
    if decode is None:
        return handler
    # grpcio's handlers are named tuples; the replaced one keeps arity, behaviour and serializer.
    replaced: _Handler = handler._replace(  # type: ignore[attr-defined]
        request_deserializer=_decoder(method, decode)
    )
    return replaced


class _Registrations:
    """Stands in for a server while a generated `add_*_to_server` function registers its handlers."""

    def __init__(self) -> None:
        self.services: dict[str, Mapping[str, _Handler]] = {}

    def add_generic_rpc_handlers(self, handlers: object) -> None:
        """Ignored: the same handlers come through `add_registered_method_handlers`."""

    def add_registered_method_handlers(
        self, service_name: str, method_handlers: Mapping[str, _Handler]
    ) -> None:
        self.services[service_name] = method_handlers


class _UnknownMethods(grpc.GenericRpcHandler):
    def service(self, handler_call_details: grpc.HandlerCallDetails) -> _Handler:
        method = handler_call_details.method

        async def answer(requests: object, context: grpc.aio.ServicerContext[Any, Any]) -> None:
            await context.abort(
                grpc.StatusCode.UNIMPLEMENTED,
                f"this server has no method {method}; server reflection lists what it serves "
                "(`grpcurl ADDRESS list`, `grpcurl ADDRESS describe SERVICE`)",
            )

        # Stream-stream with raw bytes fits any method: the wire does not say which kind it was meant to be.
        return grpc.stream_stream_rpc_method_handler(answer)


def unknown_methods() -> grpc.GenericRpcHandler:
    """The handler of last resort: UNIMPLEMENTED naming the method (grpcio's own says "Method not found!")."""
    return _UnknownMethods()


def _caller_request_id(metadata: Iterable[tuple[str, Any]]) -> str | None:
    for key, value in metadata:
        if key == REQUEST_ID_KEY and isinstance(value, str) and value:
            return value[:64]
    return None


class CallInterceptor:
    """Wraps each method of a servicer once, when it is registered; see the module docstring.

    It is deliberately not a `grpc.aio.ServerInterceptor`: grpc.aio runs those on every call to look
    the handler up, which costs about as much CPU per call as everything this wrapper does.
    """

    def __init__(
        self,
        faults: FaultSpec | None = None,
        *,
        authorizer: Authorizer | None = None,
        authenticated: bool = False,
        limiter: ConcurrencyLimiter | None = None,
    ) -> None:
        """`authenticated`: callers present certificates (mutual TLS), so their identity is read per call.

        `limiter` bounds the calls in flight of every observed method (health and reflection are exempt).
        """
        self._limiter = limiter
        self._faults = faults if faults and faults.active else None
        self._rng = random.Random()
        self._authorizer = authorizer
        self._authenticated = authenticated

    def _identify(
        self,
        method: str,
        context: grpc.aio.ServicerContext[Any, Any],
        metadata: Iterable[tuple[str, Any]] | None = None,
    ) -> tuple[str, str | None]:
        """(caller, denial): the caller's identity, and the message to deny the call with, if denied.

        `metadata`: the call's invocation metadata, when the caller has it already (grpcio builds it anew
        each time it is asked for); read here only if the policy has header rules."""
        names = peer_names(context) if self._authenticated else ()
        caller = names[0] if names else UNAUTHENTICATED
        authorizer = self._authorizer
        if authorizer is None:
            return caller, None
        policy = authorizer.policy
        headers = None
        if policy.uses_headers:
            read = metadata if metadata is not None else context.invocation_metadata() or ()
            headers = {key: value for key, value in read if isinstance(value, str)}
        decision = policy.decide(names, method, headers)
        if decision.allowed:
            return caller, None
        log_event(
            _logger,
            logging.WARNING,
            "call denied" if not authorizer.dry_run else "call would be denied (dry run)",
            method=method,
            caller=caller,
            rule=decision.rule or "no allow rule matched",
        )
        if authorizer.dry_run:
            return caller, None
        return caller, f"caller {caller!r} may not call {method}"

    def register(self, server: grpc.aio.Server, add_to_server: Callable[[S, Any], None], stand_in: S) -> None:
        """Adds `stand_in` (made by `wrap` or `guard`) to `server` with this interceptor's request decoding.

        `add_to_server` is the generated `add_*Servicer_to_server`: it says which handler (arity, message
        classes) serves each method; the handlers are taken from it and registered by `install`.
        """
        registrations = _Registrations()
        add_to_server(stand_in, registrations)
        if not registrations.services:
            raise TypeError(f"{add_to_server!r} registered no method handlers (made by an older grpcio?)")
        for service_name, handlers in registrations.services.items():
            self.install(server, service_name, handlers)

    @staticmethod
    def install(server: grpc.aio.Server, service_name: str, handlers: Mapping[str, _Handler]) -> None:
        """Registers one service's method handlers, each with its request decoder made safe."""
        decoding = {name: _decoding(f"/{service_name}/{name}", h) for name, h in handlers.items()}
        server.add_generic_rpc_handlers((grpc.method_handlers_generic_handler(service_name, decoding),))
        server.add_registered_method_handlers(service_name, decoding)

    def guard(self, service: ServiceDescriptor, servicer: S) -> S:
        """A stand-in for a stock servicer (health, reflection) whose methods are only authorized."""
        methods: dict[str, Any] = {}
        for method in service.methods:
            methods[method.name] = self._guarded(
                f"/{service.full_name}/{method.name}",
                getattr(servicer, method.name),
                client_streaming=method.client_streaming,
            )
        return cast(S, SimpleNamespace(**methods))

    def _guarded(
        self, method: str, behaviour: Callable[..., Any], *, client_streaming: bool
    ) -> Callable[..., Any]:
        async def admitted(request: Any, context: grpc.aio.ServicerContext[Any, Any]) -> Any:
            """The request (or request stream) to serve, once the caller may call and it decoded."""
            _, denial = self._identify(method, context)
            if denial is not None:
                await context.abort(grpc.StatusCode.PERMISSION_DENIED, denial)
            if client_streaming:
                return _decoded_stream(request, context)
            if isinstance(request, Undecodable):
                await context.abort(grpc.StatusCode.INVALID_ARGUMENT, request.message)
            return request

        if inspect.isasyncgenfunction(behaviour):

            async def streamed(request: Any, context: grpc.aio.ServicerContext[Any, Any]) -> Any:
                async for response in behaviour(await admitted(request, context), context):
                    yield response

            return streamed

        async def called(request: Any, context: grpc.aio.ServicerContext[Any, Any]) -> Any:
            return await behaviour(await admitted(request, context), context)

        return called

    def wrap(self, service: ServiceDescriptor, servicer: S, cache: ResponseCache | None = None) -> S:
        """A stand-in for `servicer` whose unary methods are observed; pass it to `register`.

        With a `cache`, repeated requests are answered from it, inside the observation: they are still
        logged, given a request id and subject to injected faults. Streaming methods are guarded only.
        """
        methods: dict[str, Any] = {}
        for method in service.methods:
            behaviour = getattr(servicer, method.name)
            name = f"/{service.full_name}/{method.name}"
            if method.client_streaming or method.server_streaming:
                behaviour = self._guarded(name, behaviour, client_streaming=method.client_streaming)
            else:
                if cache is not None:
                    behaviour = cache.wrap(name, behaviour)
                behaviour = self._observe(name, behaviour, self._faults)
            methods[method.name] = behaviour
        return cast(S, SimpleNamespace(**methods))

    def _observe(self, method: str, behaviour: _Behaviour, faults: FaultSpec | None) -> _Behaviour:
        # Imported here, in servers only: every `pagemesh` command imports this package.
        from pagemesh.telemetry._calls import ServerCallTelemetry  # noqa: PLC0415

        rng = self._rng
        limiter = self._limiter
        telemetry = ServerCallTelemetry(method)
        calls = itertools.count(1)  # this method's calls, for faults that depend on the count

        async def observed(request: Any, context: grpc.aio.ServicerContext[Any, Any]) -> Any:
            started = time.perf_counter()
            if limiter is not None and not await limiter.acquire():
                # First, before any other work: a shed call must cost as little as it can.
                await context.abort(grpc.StatusCode.RESOURCE_EXHAUSTED, limiter.rejection())
            # The limit follows how long admitted calls take, not how long they waited for a place.
            admitted = time.perf_counter()
            # From here on the call holds a place under the limit: everything is inside the try, whose
            # finally gives it back.
            code = grpc.StatusCode.OK
            caller, request_id = UNAUTHENTICATED, ""
            caller_token = token = None
            observation = None
            sample_token = latency_sample.set(None)
            try:
                metadata = context.invocation_metadata() or ()
                caller, denial = self._identify(method, context, metadata)
                caller_token = current_caller.set(caller)
                request_id = _caller_request_id(metadata) or ""
                if not request_id:
                    # Only an id the caller does not know yet is worth sending back.
                    request_id = new_request_id()
                    context.set_trailing_metadata(((REQUEST_ID_KEY, request_id),))
                token = current_request_id.set(request_id)
                # The call's server span (current while the handler runs) and metrics: pagemesh.telemetry.
                observation = telemetry.start(metadata, request_id)
                if denial is not None:
                    code = grpc.StatusCode.PERMISSION_DENIED
                    await context.abort(code, denial)
                if isinstance(request, Undecodable):
                    code = grpc.StatusCode.INVALID_ARGUMENT
                    await context.abort(code, request.message)
                if faults is not None:
                    await faults.apply(rng, next(calls))
                return await behaviour(request, context)
            except PagemeshError as error:
                code = error.code
                await context.abort(error.code, error.message)
            except grpc.aio.AbortError:
                code = context.code() or grpc.StatusCode.UNKNOWN
                raise
            except asyncio.CancelledError:
                code = grpc.StatusCode.CANCELLED
                raise
            except NotImplementedError:
                # What a generated servicer base class raises for a method the subclass does not define.
                code = grpc.StatusCode.UNIMPLEMENTED
                await context.abort(code, f"{method} is in the contract but not implemented by this server")
            except Exception:
                code = grpc.StatusCode.INTERNAL
                log_event(
                    _logger,
                    logging.ERROR,
                    "unexpected error",
                    exc_info=True,
                    method=method,
                    request_id=request_id,
                )
                await context.abort(
                    grpc.StatusCode.INTERNAL,
                    f"internal error in {method}; the server log has details under request id {request_id}",
                )
            finally:
                finished = time.perf_counter()
                elapsed = finished - started
                if limiter is not None:
                    sample = latency_sample.get()
                    limiter.release(finished - admitted if sample is None else sample)
                latency_sample.reset(sample_token)
                log_event(
                    _logger,
                    logging.INFO,
                    "call",
                    method=method,
                    code=code.name,
                    duration_ms=round(elapsed * 1000, 3),
                    caller=caller,
                    request_id=request_id,
                )
                telemetry.finish(observation, code, elapsed, caller)
                if token is not None:
                    current_request_id.reset(token)
                if caller_token is not None:
                    current_caller.reset(caller_token)

        return observed


async def _decoded_stream(
    requests: AsyncIterable[Any], context: grpc.aio.ServicerContext[Any, Any]
) -> AsyncIterator[Any]:
    """A request stream that ends the call with INVALID_ARGUMENT at the first message that did not decode."""
    async for request in requests:
        if isinstance(request, Undecodable):
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT, request.message)
        yield request
