"""The one interceptor every pagemesh server runs: request ids, errors, logs and injected faults.

It wraps each RPC method of a servicer once, at registration. Per call it:
1. takes the caller's `x-request-id` (or makes one and returns it in the trailing metadata), and keeps
   it in `current_request_id` for outbound calls;
2. applies injected faults (health and reflection are not wrapped, so never faulted);
3. turns a `PagemeshError` into its status code, and any other exception into INTERNAL with a logged
   traceback, so callers never see UNKNOWN;
4. writes one log line: method, status code, duration and request id;
5. makes the call's server span, under the caller's `traceparent`, and counts it for `/metrics`
   (`pagemesh.telemetry.ServerCallTelemetry`).
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import random
import secrets
import time
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from types import SimpleNamespace
from typing import Any, TypeVar, cast

import grpc
import grpc.aio
from google.protobuf.descriptor import ServiceDescriptor

from pagemesh.runtime._cache import ResponseCache
from pagemesh.runtime._errors import PagemeshError
from pagemesh.runtime._faults import FaultSpec
from pagemesh.runtime._logging import log_event

__all__ = ["REQUEST_ID_KEY", "CallInterceptor", "current_request_id", "new_request_id"]

REQUEST_ID_KEY = "x-request-id"
current_request_id: ContextVar[str] = ContextVar("current_request_id", default="")
_logger = logging.getLogger("pagemesh.calls")
S = TypeVar("S")
_Behaviour = Callable[[Any, grpc.aio.ServicerContext[Any, Any]], Awaitable[Any]]


# A random prefix per process and a counter: unique across the mesh without a system call per id.
_ID_PREFIX = secrets.token_hex(4)
_id_counter = itertools.count()


def new_request_id() -> str:
    """A fresh request id: 16 hex digits, short enough to read in a log line."""
    return f"{_ID_PREFIX}{next(_id_counter) & 0xFFFFFFFF:08x}"


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

    def __init__(self, faults: FaultSpec | None = None) -> None:
        self._faults = faults if faults and faults.active else None
        self._rng = random.Random()

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
        from pagemesh.telemetry._calls import UNAUTHENTICATED, ServerCallTelemetry  # noqa: PLC0415

        rng = self._rng
        telemetry = ServerCallTelemetry(method)

        async def observed(request: Any, context: grpc.aio.ServicerContext[Any, Any]) -> Any:
            started = time.perf_counter()
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
                if faults is not None:
                    await faults.apply(rng)
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
                    request_id=request_id,
                )
                telemetry.finish(observation, code, elapsed, UNAUTHENTICATED)
                current_request_id.reset(token)

        return observed
