"""The one server interceptor every pagemesh server runs: request ids, errors, logs and injected faults.

Per call it:
1. takes the caller's `x-request-id` (or makes one), keeps it in `current_request_id` for outbound calls,
   and returns it in the trailing metadata;
2. applies injected faults (never to health or reflection);
3. turns a `PagemeshError` into its status code, and any other exception into INTERNAL with a logged
   traceback, so callers never see UNKNOWN;
4. writes one log line: method, status code, duration and request id.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
import uuid
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from typing import Any, cast

import grpc
import grpc.aio

from pagemesh.runtime._errors import PagemeshError
from pagemesh.runtime._faults import FaultSpec
from pagemesh.runtime._logging import log_event

__all__ = ["REQUEST_ID_KEY", "CallInterceptor", "current_request_id", "new_request_id"]

REQUEST_ID_KEY = "x-request-id"
current_request_id: ContextVar[str] = ContextVar("current_request_id", default="")
_logger = logging.getLogger("pagemesh.calls")
_Behaviour = Callable[[Any, grpc.aio.ServicerContext[Any, Any]], Awaitable[Any]]


def new_request_id() -> str:
    """A fresh request id: 16 hex digits, short enough to read in a log line."""
    return uuid.uuid4().hex[:16]


def _request_id_from(context: grpc.aio.ServicerContext[Any, Any]) -> str:
    for key, value in context.invocation_metadata() or ():
        if key == REQUEST_ID_KEY and isinstance(value, str) and value:
            return value[:64]
    return new_request_id()


class CallInterceptor(grpc.aio.ServerInterceptor):
    """Wraps every unary call; see the module docstring."""

    def __init__(self, faults: FaultSpec | None = None) -> None:
        self._faults = faults if faults and faults.active else None
        self._rng = random.Random()
        self._wrapped: dict[str, grpc.RpcMethodHandler[Any, Any]] = {}

    async def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], Awaitable[grpc.RpcMethodHandler[Any, Any] | None]],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler[Any, Any] | None:
        method = handler_call_details.method
        cached = self._wrapped.get(method)
        if cached is not None:
            return cached
        handler = await continuation(handler_call_details)
        if handler is None or handler.unary_unary is None:
            return handler
        faults = None if method.startswith("/grpc.") else self._faults
        wrapped = grpc.unary_unary_rpc_method_handler(
            # On a grpc.aio server every unary behaviour is a coroutine function.
            self._observe(method, cast(_Behaviour, handler.unary_unary), faults),
            request_deserializer=handler.request_deserializer,
            response_serializer=handler.response_serializer,
        )
        self._wrapped[method] = wrapped
        return wrapped

    def _observe(self, method: str, behaviour: _Behaviour, faults: FaultSpec | None) -> _Behaviour:
        rng = self._rng

        async def observed(request: Any, context: grpc.aio.ServicerContext[Any, Any]) -> Any:
            started = time.perf_counter()
            request_id = _request_id_from(context)
            token = current_request_id.set(request_id)
            context.set_trailing_metadata(((REQUEST_ID_KEY, request_id),))
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
                log_event(
                    _logger,
                    logging.INFO,
                    "call",
                    method=method,
                    code=code.name,
                    duration_ms=round((time.perf_counter() - started) * 1000, 3),
                    request_id=request_id,
                )
                current_request_id.reset(token)

        return observed
