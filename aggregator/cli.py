"""`pagemesh serve aggregator`: PageService over gRPC and the product pages over HTTP, one event loop."""

from __future__ import annotations

import logging
import sys
from dataclasses import replace

from aiohttp import web
from prometheus_client import REGISTRY

from aggregator._assembler import PageAssembler
from aggregator._backends import BACKENDS
from aggregator._config import AggregatorConfig, ChannelConfig
from aggregator._downstream import Downstream, GrpcDownstream
from aggregator._events import PageViews
from aggregator._http import make_app
from aggregator._service import page_bindings
from aggregator._telemetry import BackendStatsCollector
from pagemesh.bus import parse_bus_url
from pagemesh.cli import ArgumentParser
from pagemesh.runtime import (
    AGGREGATOR,
    SERVICES,
    GrpcServer,
    PagemeshError,
    ServerStartError,
    Settings,
    Transport,
    configure_logging,
    grpc_target,
    log_event,
    override_address,
    parse_address,
    run_event_loop,
    wait_for_stop_signal,
)
from pagemesh.telemetry import configure_telemetry

__all__ = ["build_parser", "main"]

_logger = logging.getLogger("pagemesh.aggregator")

AGGREGATOR_PENDING_CALLS = 16
"""Pages gRPC's core holds for the aggregator's handlers (refused at random from 8, all from 16).

Under sustained overload the aggregator's event loop is saturated and takes calls from core more slowly
than they come, so this queue is full and every accepted page waits through it: 128 made accepted pages
take 400-700 ms at three times saturation, 16 about 60-130 ms (docs/benchmarks.md, "Overload"). Bursts
and stalls no longer need a long queue here: the limiter's own queue holds calls for up to 100 ms
while the loop keeps up (`pagemesh.runtime.LimiterConfig.queue_timeout`), and the chaos run with kills
every 5 s refused nothing.
"""


def build_parser() -> ArgumentParser:
    """The options of `pagemesh serve aggregator`."""
    parser = ArgumentParser(
        prog="pagemesh serve aggregator",
        description="Serve PageService (gRPC, v1 and v2) and the product pages (HTTP) from one process. "
        "Backend addresses come from PAGEMESH_<SERVICE>_ADDR.",
    )
    parser.add_argument("--host", help="the gRPC host (default: from PAGEMESH_AGGREGATOR_ADDR)")
    parser.add_argument("--port", type=int, help="the gRPC port (default 50050)")
    parser.add_argument("--http-host", help="the HTTP host (default: from PAGEMESH_AGGREGATOR_HTTP_ADDR)")
    parser.add_argument("--http-port", type=int, help="the HTTP port (default 8080)")
    parser.add_argument(
        "--deadline-ms", type=float, default=300.0, help="the time one page may take in all (default 300)"
    )
    parser.add_argument("--no-hedging", action="store_true", help="never send hedged calls")
    parser.add_argument(
        "--hedge-delay-ms",
        type=float,
        help="hedge after this many ms (default: the running p95 of each backend's latency)",
    )
    parser.add_argument(
        "--sequential",
        action="store_true",
        help="call the backends one after another (the naive baseline, for benchmarks)",
    )
    parser.add_argument("--grace", type=float, help="seconds in-flight pages may run after a stop signal")
    parser.add_argument(
        "--drain",
        type=float,
        default=0.0,
        help="seconds to keep serving after reporting NOT_SERVING, before stopping (default 0)",
    )
    parser.add_argument(
        "--authz-dry-run",
        action="store_true",
        help="log the calls the authorization policy would deny instead of denying them",
    )
    return parser


async def _serve(
    address: str,
    http_address: str,
    *,
    config: AggregatorConfig,
    settings: Settings,
    grace: float,
    drain: float,
    authz_dry_run: bool,
) -> None:
    # The aggregator calls the backends as itself: its own certificate under mutual TLS.
    transport = Transport.from_settings(settings, AGGREGATOR)
    # Channels belong to the running loop: made here, once, and shared by every page.
    channels = ChannelConfig()
    backends: dict[str, Downstream] = {
        # Several replicas of a backend are one target that round_robin balances over.
        name: GrpcDownstream(BACKENDS[name], grpc_target(settings.addresses_of(name)), channels, transport)
        for name in SERVICES
    }
    bus = parse_bus_url(settings.bus)
    page_views = await PageViews.start(bus, settings.data_dir / "outbox") if bus.enabled else None
    assembler = PageAssembler(backends, config, page_views)
    # Per-backend counters for /metrics, read from the clients' statistics when scraped.
    collector = BackendStatsCollector(assembler.stats)
    REGISTRY.register(collector)
    server = GrpcServer(
        AGGREGATOR,
        address,
        page_bindings(assembler),
        settings=settings,
        authz_dry_run=authz_dry_run,
        # The front door: few pages wait in gRPC's core for the event loop, the rest are refused at once.
        # The limiter keeps its default floor: a stall now makes pages wait in its queue, not fail.
        max_pending_calls=AGGREGATOR_PENDING_CALLS,
    )
    # One concurrency limit for the process: HTTP pages and gRPC pages share the same CPU.
    runner = web.AppRunner(
        make_app(assembler, settings.data_dir, limiter=server.limiter), access_log=None, handle_signals=False
    )
    serving = False
    try:
        # HTTP binds first, so a taken port fails before gRPC health ever says SERVING.
        await runner.setup()
        try:
            await web.TCPSite(runner, *parse_address(http_address)).start()
        except OSError as error:
            raise ServerStartError(
                f"aggregator: cannot listen for HTTP on {http_address}: {error.strerror}"
            ) from None
        await server.start()
        serving = True
        log_event(
            _logger,
            logging.INFO,
            "aggregator ready",
            grpc=address,
            http=http_address,
            deadline_ms=config.deadline * 1000,
            hedging=config.hedging,
            backends={name: ",".join(settings.addresses_of(name)) for name in SERVICES},
            bus=str(bus),
        )
        await wait_for_stop_signal()
    finally:
        if serving:
            await server.stop(grace, drain)
        await runner.cleanup()
        await assembler.close()
        REGISTRY.unregister(collector)


def main(argv: list[str]) -> int:
    """Runs the aggregator until SIGTERM or SIGINT; returns the exit code."""
    parser = build_parser()
    options = parser.parse_args(argv)
    if options.deadline_ms <= 0:
        parser.error(f"--deadline-ms must be more than 0, got {options.deadline_ms:g}")
    if options.drain < 0:
        parser.error(f"--drain must not be negative, got {options.drain:g}")
    if options.hedge_delay_ms is not None and options.hedge_delay_ms < 0:
        parser.error(f"--hedge-delay-ms must not be negative, got {options.hedge_delay_ms:g}")
    try:
        settings = Settings.from_environment()
        address = override_address(settings.addresses[AGGREGATOR], options.host, options.port)
        http_address = override_address(settings.http_address, options.http_host, options.http_port)
        config = replace(
            AggregatorConfig(),
            deadline=options.deadline_ms / 1000,
            hedging=not options.no_hedging,
            hedge_delay=None if options.hedge_delay_ms is None else options.hedge_delay_ms / 1000,
            sequential=options.sequential,
        )
        configure_logging(AGGREGATOR, settings.log_level)
        configure_telemetry(AGGREGATOR, settings)
        run_event_loop(
            _serve(
                address,
                http_address,
                config=config,
                settings=settings,
                grace=settings.grace_seconds if options.grace is None else options.grace,
                drain=options.drain,
                authz_dry_run=options.authz_dry_run,
            )
        )
    except PagemeshError as error:
        print(f"pagemesh serve aggregator: {error.message}", file=sys.stderr)
        return 1
    return 0
