"""Pins the public names of `pagemesh.runtime`, so a change to its surface shows in review.

`free_port` stays public on purpose: besides the tests and benchmarks, `pagemesh up` needs free ports at run
time for the private brokers, databases and Prometheus it starts (wave 2), so it is a runtime mechanism with
one home here, not a test helper. Internals (`is_ready`, the interceptor's helpers) are not exported.
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
        "DEFAULT_ADDRESSES",
        "DEFAULT_HTTP_ADDRESS",
        "FaultSpec",
        "GrpcServer",
        "InvalidArgumentError",
        "NotFoundError",
        "Page",
        "PageSizePolicy",
        "PagemeshError",
        "REQUEST_ID_KEY",
        "ResponseCache",
        "SERVICES",
        "ServerStartError",
        "ServiceInstance",
        "Settings",
        "StoreError",
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
        "health_status",
        "log_event",
        "new_request_id",
        "open_store",
        "override_address",
        "pagemesh_command",
        "paginate",
        "parent_pid",
        "parse_address",
        "peer_names",
        "run_event_loop",
        "spawn",
        "wait_for_stop_signal",
        "wait_until_ready",
    ]
    for name in pagemesh.runtime.__all__:
        assert getattr(pagemesh.runtime, name) is not None
