"""`pagemesh serve SERVICE`: runs one backend service in this process until SIGTERM or SIGINT.

A service that consumes bus events (history, recommendations) also runs its consumer in this process, as
a member of the consumer group named after the service, on the bus `PAGEMESH_BUS` names (unless `none`).
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable

from pagemesh.bus import BusUrl, Consumer, parse_bus_url
from pagemesh.cli import ArgumentParser
from pagemesh.runtime import (
    SERVICES,
    FaultSpec,
    GrpcServer,
    PagemeshError,
    ServiceInstance,
    Settings,
    configure_logging,
    override_address,
    parse_database_url,
    run_event_loop,
    wait_for_stop_signal,
)
from pagemesh.telemetry import configure_telemetry
from services import open_service

__all__ = ["main"]

API_VERSIONS = ("v1", "v2")


def _versions(text: str) -> frozenset[str]:
    versions = frozenset(v.strip() for v in text.split(",") if v.strip())
    unknown = versions - set(API_VERSIONS)
    if unknown or not versions:
        raise ValueError(text)
    return versions


def build_parser() -> ArgumentParser:
    """The options of `pagemesh serve`."""
    parser = ArgumentParser(
        prog="pagemesh serve",
        description="Run one pagemesh backend service (or `pagemesh serve aggregator`).",
    )
    parser.add_argument("service", choices=SERVICES, help="the service to run")
    parser.add_argument("--host", help="the address to listen on (default: from PAGEMESH_<SERVICE>_ADDR)")
    parser.add_argument("--port", type=int, help="the port to listen on (default: the service's own)")
    parser.add_argument(
        "--db",
        metavar="URL",
        help="the database: a SQLite path or sqlite:///PATH (created, migrated and seeded if new), or "
        "postgresql://... (migrated by `pagemesh db migrate`); default: from PAGEMESH_<SERVICE>_DB",
    )
    parser.add_argument(
        "--api",
        type=str,
        default="v1,v2",
        metavar="VERSIONS",
        help="the API versions to serve: v1, v2 or v1,v2 (default), e.g. v1 to act as an older deployment",
    )
    parser.add_argument(
        "--inject",
        action="append",
        default=[],
        metavar="FAULT",
        help="inject a fault into every call: latency=MS, error_rate=P, slow=MS@P or fail_first=N "
        "(repeatable)",
    )
    parser.add_argument("--grace", type=float, help="seconds in-flight calls may run after a stop signal")
    parser.add_argument(
        "--authz-dry-run",
        action="store_true",
        help="log the calls the authorization policy would deny instead of denying them",
    )
    parser.add_argument(
        "--drain",
        type=float,
        default=0.0,
        help="seconds to keep serving after reporting NOT_SERVING, before stopping (default 0)",
    )
    return parser


async def _serve(
    server: GrpcServer,
    instance: ServiceInstance,
    grace: float,
    drain: float,
    bus: BusUrl,
) -> None:
    consumer = None
    try:
        await server.start()
        events = instance.events
        if events is not None and bus.enabled:
            consumer = Consumer(bus, group=server.component, types=events.types, handle=events.handle)
            consumer.start()
        await wait_for_stop_signal()
        if consumer is not None:
            # The batch in hand is applied and acknowledged; the rest waits on the bus for the next start.
            await consumer.stop(grace)
            consumer = None
        await server.stop(grace, drain)
    finally:
        if consumer is not None:
            await consumer.stop(0)
        await instance.close()


def main(argv: list[str]) -> int:
    """Runs `pagemesh serve` and returns its exit code."""
    if argv[:1] == ["aggregator"]:
        # The aggregator is served by the same command but has its own options (aggregator.cli).
        serve_aggregator: Callable[[list[str]], int] = importlib.import_module("aggregator.cli").main
        return serve_aggregator(argv[1:])
    parser = build_parser()
    options = parser.parse_args(argv)
    try:
        versions = _versions(options.api)
    except ValueError:
        parser.error(f"--api {options.api!r} must be v1, v2 or v1,v2")
    try:
        settings = Settings.from_environment()
        address = override_address(settings.addresses[options.service], options.host, options.port)
        faults = FaultSpec.parse(options.inject)
        bus = parse_bus_url(settings.bus)
        configure_logging(options.service, settings.log_level)
        configure_telemetry(options.service, settings)
        database = (
            parse_database_url(options.db, "--db") if options.db else settings.database(options.service)
        )
        instance = open_service(options.service, database)
    except PagemeshError as error:
        print(f"pagemesh serve: {error}", file=sys.stderr)
        return 1
    try:
        bindings = [b for b in instance.bindings if b.version in versions]
        server = GrpcServer(
            options.service,
            address,
            bindings,
            settings=settings,
            faults=faults,
            authz_dry_run=options.authz_dry_run,
        )
        grace = settings.grace_seconds if options.grace is None else options.grace
        run_event_loop(_serve(server, instance, grace, options.drain, bus))
    except PagemeshError as error:
        print(f"pagemesh serve: {error}", file=sys.stderr)
        return 1
    return 0
