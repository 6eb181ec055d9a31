"""The telemetry fields of `Settings`: the standard OTEL_* variables and PAGEMESH_METRICS."""

from __future__ import annotations

import pytest

from pagemesh.runtime import InvalidArgumentError, Settings
from pagemesh.runtime._config import DEFAULT_TRACES_SAMPLER, DEFAULT_TRACES_SAMPLER_RATIO


def test_defaults_trace_a_small_share_to_files_and_count_metrics() -> None:
    settings = Settings.from_environment({})
    assert settings.metrics
    assert settings.tracing
    assert settings.otlp_endpoint == ""
    assert settings.traces_sampler == DEFAULT_TRACES_SAMPLER == "parentbased_traceidratio"
    assert 0 < settings.traces_sampler_ratio == DEFAULT_TRACES_SAMPLER_RATIO < 1
    assert settings.traces_dir == settings.data_dir / "traces"


def test_standard_variables_choose_exporter_and_sampler() -> None:
    settings = Settings.from_environment(
        {
            "OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4317",
            "OTEL_TRACES_SAMPLER": "TraceIdRatio",
            "OTEL_TRACES_SAMPLER_ARG": "0.25",
            "PAGEMESH_METRICS": "off",
        }
    )
    assert settings.otlp_endpoint == "http://127.0.0.1:4317"
    assert settings.traces_sampler == "traceidratio"
    assert settings.traces_sampler_ratio == 0.25
    assert not settings.metrics
    # The traces-specific endpoint wins over the general one, as the specification says.
    assert (
        Settings.from_environment(
            {
                "OTEL_EXPORTER_OTLP_ENDPOINT": "http://a:4317",
                "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://b:4317",
            }
        ).otlp_endpoint
        == "http://b:4317"
    )


@pytest.mark.parametrize("environ", [{"OTEL_SDK_DISABLED": "true"}, {"OTEL_TRACES_EXPORTER": "none"}])
def test_tracing_can_be_turned_off_the_standard_ways(environ: dict[str, str]) -> None:
    assert not Settings.from_environment(environ).tracing


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"OTEL_TRACES_SAMPLER": "jaeger_remote"}, "OTEL_TRACES_SAMPLER 'jaeger_remote' is not one of"),
        ({"OTEL_TRACES_SAMPLER_ARG": "half"}, "must be a ratio from 0 to 1"),
        ({"OTEL_TRACES_SAMPLER_ARG": "1.5"}, "must be a ratio from 0 to 1"),
        (
            {"OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318", "OTEL_EXPORTER_OTLP_PROTOCOL": "http/protobuf"},
            "pagemesh sends OTLP over gRPC",
        ),
        ({"PAGEMESH_METRICS": "maybe"}, "PAGEMESH_METRICS must be on or off"),
    ],
)
def test_bad_values_are_named(environ: dict[str, str], message: str) -> None:
    with pytest.raises(InvalidArgumentError, match=message):
        Settings.from_environment(environ)
