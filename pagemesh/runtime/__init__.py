"""The shared runtime of every pagemesh server: configuration, lifecycle, interceptor, errors, paging.

Also what starts and watches processes (`spawn`, `ChildProcess`, `free_port`, `is_ready`,
`wait_until_ready`, `health_status`): `pagemesh up` uses them for the mesh and for the private brokers and
databases it starts, and the tests and benchmarks for theirs. `tests/runtime/test_public_api.py` pins
these names.
"""

from __future__ import annotations

from pagemesh.runtime._cache import ResponseCache
from pagemesh.runtime._config import (
    ADMIN_PORT_OFFSET,
    AGGREGATOR,
    DATABASE_SCHEMES,
    DEFAULT_ADDRESSES,
    DEFAULT_HTTP_ADDRESS,
    SERVICES,
    TLS_MODES,
    DatabaseUrl,
    Settings,
    admin_address_for,
    grpc_target,
    override_address,
    parent_pid,
    parse_address,
    parse_address_list,
    parse_database_url,
)
from pagemesh.runtime._errors import InvalidArgumentError, NotFoundError, PagemeshError, UnavailableError
from pagemesh.runtime._faults import FaultSpec
from pagemesh.runtime._interceptors import (
    REQUEST_ID_KEY,
    UNAUTHENTICATED,
    CallInterceptor,
    current_caller,
    current_request_id,
    new_request_id,
    peer_names,
)
from pagemesh.runtime._limiter import ConcurrencyLimiter, LimiterConfig, latency_sample, limiter_from_setting
from pagemesh.runtime._logging import configure_logging, log_event
from pagemesh.runtime._pagination import Page, PageSizePolicy, decode_page_token, encode_page_token, paginate
from pagemesh.runtime._process import (
    ChildProcess,
    die_with_parent,
    free_port,
    health_status,
    is_ready,
    pagemesh_command,
    process_alive,
    spawn,
    tied_command,
    wait_until_ready,
)
from pagemesh.runtime._server import (
    MAX_PENDING_CALLS,
    MAX_REQUEST_BYTES,
    MAX_RESPONSE_BYTES,
    SHED_CODES,
    ApiBinding,
    EventHandler,
    GrpcServer,
    ServerStartError,
    ServiceInstance,
    api_binding,
    run_event_loop,
    wait_for_stop_signal,
)
from pagemesh.runtime._transport import Transport, TransportError

__all__ = [
    "ADMIN_PORT_OFFSET",
    "AGGREGATOR",
    "DATABASE_SCHEMES",
    "DEFAULT_ADDRESSES",
    "DEFAULT_HTTP_ADDRESS",
    "MAX_PENDING_CALLS",
    "MAX_REQUEST_BYTES",
    "MAX_RESPONSE_BYTES",
    "REQUEST_ID_KEY",
    "SERVICES",
    "SHED_CODES",
    "TLS_MODES",
    "UNAUTHENTICATED",
    "ApiBinding",
    "CallInterceptor",
    "ChildProcess",
    "ConcurrencyLimiter",
    "DatabaseUrl",
    "EventHandler",
    "FaultSpec",
    "GrpcServer",
    "InvalidArgumentError",
    "LimiterConfig",
    "NotFoundError",
    "Page",
    "PageSizePolicy",
    "PagemeshError",
    "ResponseCache",
    "ServerStartError",
    "ServiceInstance",
    "Settings",
    "Transport",
    "TransportError",
    "UnavailableError",
    "admin_address_for",
    "api_binding",
    "configure_logging",
    "current_caller",
    "current_request_id",
    "decode_page_token",
    "die_with_parent",
    "encode_page_token",
    "free_port",
    "grpc_target",
    "health_status",
    "is_ready",
    "latency_sample",
    "limiter_from_setting",
    "log_event",
    "new_request_id",
    "override_address",
    "pagemesh_command",
    "paginate",
    "parent_pid",
    "parse_address",
    "parse_address_list",
    "parse_database_url",
    "peer_names",
    "process_alive",
    "run_event_loop",
    "spawn",
    "tied_command",
    "wait_for_stop_signal",
    "wait_until_ready",
]
