"""Pins the public names of `pagemesh.telemetry`, so a change to its surface shows in review."""

from __future__ import annotations

from pagemesh import telemetry


def test_exported_members() -> None:
    assert sorted(telemetry.__all__) == [
        "ConsumedEvent",
        "Consumption",
        "ContractMethod",
        "DASHBOARD_PATH",
        "JsonLinesSpanExporter",
        "ManagedPrometheus",
        "PrometheusError",
        "RULES_PATH",
        "RunningPrometheus",
        "ServerCallTelemetry",
        "SpanRecord",
        "TRACEPARENT",
        "Tracing",
        "UNAUTHENTICATED",
        "activated",
        "caller_label",
        "child_span",
        "configure_telemetry",
        "consuming_event",
        "consuming_events",
        "current_traceparent",
        "event_dead_lettered",
        "event_published",
        "extract_traceparent",
        "format_traceparent",
        "linked_span",
        "metrics_on",
        "parse_traceparent",
        "read_spans",
        "set_consumer_lag",
        "start_prometheus",
        "tracing",
    ]
    for name in telemetry.__all__:
        assert getattr(telemetry, name) is not None


def test_traceparent_round_trips_and_bad_values_are_ignored() -> None:
    value = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
    parsed = telemetry.parse_traceparent(value)
    assert parsed is not None
    assert parsed.is_remote
    assert parsed.trace_flags.sampled
    assert telemetry.format_traceparent(parsed) == value
    for bad in (
        "",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",
        "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
        "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e473g-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
    ):
        assert telemetry.parse_traceparent(bad) is None, bad
    # A future version may append fields; its first four are read as version 00's.
    assert telemetry.parse_traceparent(value.replace("00-", "01-", 1) + "-more") is not None
    assert telemetry.parse_traceparent(value.replace("00-", "01-", 1) + "more") is None
    assert telemetry.extract_traceparent((("x-request-id", "r"), ("traceparent", value))) == parsed
    assert telemetry.extract_traceparent(()) is None
