"""Pins the public names of `pagemesh.runtime`, so a change to its surface shows in review.

`free_port` stays public on purpose: besides the tests and benchmarks, `pagemesh up` needs free ports at run
time for the private brokers, databases and Prometheus it starts (wave 2), so it is a runtime mechanism with
one home here, not a test helper; `is_ready` and `health_status` likewise serve `pagemesh up`'s supervisor,
the tests and the benchmarks.
"""

from __future__ import annotations

import pagemesh.runtime


def test_exported_members() -> None:
    assert sorted(pagemesh.runtime.__all__) == [
        "ADMIN_PORT_OFFSET",
        "AGGREGATOR",
        "ApiBinding",
        "CallInterceptor",
        "ChildProcess",
        "ConcurrencyLimiter",
        "DATABASE_SCHEMES",
        "DEFAULT_ADDRESSES",
        "DEFAULT_HTTP_ADDRESS",
        "DatabaseUrl",
        "EventHandler",
        "FaultSpec",
        "GrpcServer",
        "InvalidArgumentError",
        "LimiterConfig",
        "MAX_PENDING_CALLS",
        "MAX_REQUEST_BYTES",
        "MAX_RESPONSE_BYTES",
        "NotFoundError",
        "Page",
        "PageSizePolicy",
        "PagemeshError",
        "REQUEST_ID_KEY",
        "ResponseCache",
        "SERVICES",
        "SHED_CODES",
        "ServerStartError",
        "ServiceInstance",
        "Settings",
        "TLS_MODES",
        "Transport",
        "TransportError",
        "UNAUTHENTICATED",
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
    for name in pagemesh.runtime.__all__:
        assert getattr(pagemesh.runtime, name) is not None
