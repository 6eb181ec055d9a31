"""The one interceptor every pagemesh server runs: identity, authorization, request ids, errors, logs, faults.

It wraps each RPC method of a servicer once, at registration. Per call it:
1. reads the caller's identity from its mutual-TLS certificate (its SPIFFE ID; `unauthenticated` over
   plaintext) into `current_caller`, and asks the authorizer, if any, whether it may call the method: a
   denied call ends here with PERMISSION_DENIED naming the caller and the method;
2. takes the caller's `x-request-id` (or makes one and returns it in the trailing metadata), and keeps
   it in `current_request_id` for outbound calls;
3. applies injected faults;
4. turns a `PagemeshError` into its status code, and any other exception into INTERNAL with a logged
   traceback, so callers never see UNKNOWN;
5. writes one log line: method, status code, duration, caller and request id;
6. makes the call's server span, under the caller's `traceparent`, and counts it for `/metrics` by
   caller (`pagemesh.telemetry.ServerCallTelemetry`).

Health and reflection are wrapped for authorization only (`guard`): never faulted, cached or logged.
"""

from __future__ import annotations

import asyncio
import inspect
import itertools
import logging
import random
import secrets
import time
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, TypeVar, cast

import grpc
import grpc.aio
from google.protobuf.descriptor import ServiceDescriptor

from pagemesh.runtime._cache import ResponseCache
from pagemesh.runtime._errors import PagemeshError
from pagemesh.runtime._faults import FaultSpec
from pagemesh.runtime._logging import log_event

if TYPE_CHECKING:
    from pagemesh.security import Authorizer

__all__ = [
    "REQUEST_ID_KEY",
    "UNAUTHENTICATED",
    "CallInterceptor",
    "current_caller",
    "current_request_id",
    "new_request_id",
    "peer_names",
]

REQUEST_ID_KEY = "x-request-id"
UNAUTHENTICATED = "unauthenticated"
"""The caller of a call that came without a client certificate (plaintext)."""
current_request_id: ContextVar[str] = ContextVar("current_request_id", default="")
current_caller: ContextVar[str] = ContextVar("current_caller", default=UNAUTHENTICATED)
"""The identity (SPIFFE ID) of the call being served, or `unauthenticated`."""
_logger = logging.getLogger("pagemesh.calls")
S = TypeVar("S")
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


def _caller_request_id(context: grpc.aio.ServicerContext[Any, Any]) -> str | None:
    for key, value in context.invocation_metadata() or ():
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
    ) -> None:
        """`authenticated`: callers present certificates (mutual TLS), so their identity is read per call."""
        self._faults = faults if faults and faults.active else None
        self._rng = random.Random()
        self._authorizer = authorizer
        self._authenticated = authenticated

    def _identify(self, method: str, context: grpc.aio.ServicerContext[Any, Any]) -> tuple[str, str | None]:
        """(caller, denial): the caller's identity, and the message to deny the call with, if denied."""
        names = peer_names(context) if self._authenticated else ()
        caller = names[0] if names else UNAUTHENTICATED
        authorizer = self._authorizer
        if authorizer is None:
            return caller, None
        policy = authorizer.policy
        metadata = (
            {key: value for key, value in context.invocation_metadata() or () if isinstance(value, str)}
            if policy.uses_headers
            else None
        )
        decision = policy.decide(names, method, metadata)
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

    def guard(self, service: ServiceDescriptor, servicer: S) -> S:
        """A stand-in for a stock servicer (health, reflection) whose methods are only authorized."""
        methods: dict[str, Any] = {}
        for method in service.methods:
            methods[method.name] = self._guarded(
                f"/{service.full_name}/{method.name}", getattr(servicer, method.name)
            )
        return cast(S, SimpleNamespace(**methods))

    def _guarded(self, method: str, behaviour: Callable[..., Any]) -> Callable[..., Any]:
        if inspect.isasyncgenfunction(behaviour):

            async def streamed(request: Any, context: grpc.aio.ServicerContext[Any, Any]) -> Any:
                _, denial = self._identify(method, context)
                if denial is not None:
                    await context.abort(grpc.StatusCode.PERMISSION_DENIED, denial)
                async for response in behaviour(request, context):
                    yield response

            return streamed

        async def called(request: Any, context: grpc.aio.ServicerContext[Any, Any]) -> Any:
            _, denial = self._identify(method, context)
            if denial is not None:
                await context.abort(grpc.StatusCode.PERMISSION_DENIED, denial)
            return await behaviour(request, context)

        return called

    def wrap(self, service: ServiceDescriptor, servicer: S, cache: ResponseCache | None = None) -> S:
        """A stand-in for `servicer` whose unary methods are observed; pass it to `add_*_to_server`.

        With a `cache`, repeated requests are answered from it, inside the observation: they are still
        logged, given a request id and subject to injected faults.
        """
        methods: dict[str, Any] = {}
        for method in service.methods:
            behaviour = getattr(servicer, method.name)
            if not (method.client_streaming or method.server_streaming):
                name = f"/{service.full_name}/{method.name}"
                if cache is not None:
                    behaviour = cache.wrap(name, behaviour)
                behaviour = self._observe(name, behaviour, self._faults)
            methods[method.name] = behaviour
        return cast(S, SimpleNamespace(**methods))

    def _observe(self, method: str, behaviour: _Behaviour, faults: FaultSpec | None) -> _Behaviour:
        # Imported here, in servers only: every `pagemesh` command imports this package.
        from pagemesh.telemetry._calls import ServerCallTelemetry  # noqa: PLC0415

        rng = self._rng
        telemetry = ServerCallTelemetry(method)
        calls = itertools.count(1)  # this method's calls, for faults that depend on the count

        async def observed(request: Any, context: grpc.aio.ServicerContext[Any, Any]) -> Any:
            started = time.perf_counter()
            caller, denial = self._identify(method, context)
            caller_token = current_caller.set(caller)
            request_id = _caller_request_id(context)
            if request_id is None:
                # Only an id the caller does not know yet is worth sending back.
                request_id = new_request_id()
                context.set_trailing_metadata(((REQUEST_ID_KEY, request_id),))
            token = current_request_id.set(request_id)
            # The call's server span (current while the handler runs) and metrics: pagemesh.telemetry.
            observation = telemetry.start(context.invocation_metadata(), request_id)
            code = grpc.StatusCode.OK
            try:
                if denial is not None:
                    code = grpc.StatusCode.PERMISSION_DENIED
                    await context.abort(code, denial)
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
                elapsed = time.perf_counter() - started
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
                current_request_id.reset(token)
                current_caller.reset(caller_token)

        return observed
