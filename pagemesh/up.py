"""`pagemesh up`: the whole mesh on this machine, supervised, one process per service replica.

It starts the managed dependencies (`--store postgres`: a private PostgreSQL cluster), then every part as
child processes on their addresses (defaults or `PAGEMESH_*_ADDR`; replica k of a part on its port +
100·k), waits until each one's health check says SERVING and prints where they are. From then on the
`Supervisor` restarts any child that exits, with backoff, and reports it here; only Ctrl-C or SIGTERM
stops the mesh: the parts gracefully, then the dependencies. Children die with `pagemesh up` even if it
is killed outright, so nothing is left behind. Every gRPC hop is mutual TLS unless `--plaintext`: the
certificates are made under the data dir and renewed while the mesh runs. `--prometheus` adds a private
Prometheus once the parts are up, scraping every process's admin port (`pagemesh.telemetry`).

`--bus sqlite|redis|kafka` adds the event bus as a dependency: a private Redis or Kafka broker under the
data dir (each part that publishes or consumes events gets its own bus user in its `PAGEMESH_BUS`), or the
SQLite bus file there. Without it, `PAGEMESH_BUS` (or the default SQLite file) is used as it is.
"""

from __future__ import annotations

import importlib.util
import os
import signal
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from types import FrameType
from urllib.parse import urlsplit

from pagemesh.bus import KINDS, PrivateBus
from pagemesh.cli import ArgumentParser
from pagemesh.managed import ManagedDependency, PrivatePostgres
from pagemesh.restart import RestartControl
from pagemesh.runtime import (
    AGGREGATOR,
    SERVICES,
    FaultSpec,
    PagemeshError,
    Settings,
    override_address,
    pagemesh_command,
    parse_address,
)
from pagemesh.security import OPERATOR, certificate_lifetime_left, identity_files, issue_certificates
from pagemesh.supervisor import STATE_FILE, Program, Supervisor
from pagemesh.telemetry import ManagedPrometheus

__all__ = ["REPLICA_PORT_STEP", "main", "parse_injections", "parse_replicas"]

REPLICA_PORT_STEP = 100
"""Replica k of a part listens on the part's port + 100·k (and its admin port + 100·k)."""
MAX_REPLICAS = 10
"""Replica 10 would take port + 1000: another part's admin port."""
STORES = ("sqlite", "postgres")


def parse_injections(items: list[str]) -> dict[str, FaultSpec]:
    """`SERVICE:KEY=VALUE` items (SERVICE may be `all`) as a fault spec per backend service."""
    specs: dict[str, FaultSpec] = {}
    for item in items:
        target, sep, fault = item.partition(":")
        if not sep or not fault:
            raise PagemeshError(f"--inject {item!r} is not SERVICE:FAULT, e.g. reviews:latency=50")
        if target != "all" and target not in SERVICES:
            raise PagemeshError(
                f"--inject {item!r}: unknown service {target!r}; use one of {', '.join(SERVICES)} or all"
            )
        for name in SERVICES if target == "all" else (target,):
            specs[name] = specs.get(name, FaultSpec()).merged(fault)
    return specs


def parse_replicas(text: str) -> dict[str, int]:
    """`SERVICE=N[,SERVICE=N...]` (SERVICE may be `all`, which others then override) as N per service."""
    counts = dict.fromkeys(SERVICES, 1)
    explicit: dict[str, int] = {}
    for item in (part.strip() for part in text.split(",")):
        name, sep, number = item.partition("=")
        if not sep or not number.isdigit() or not 1 <= int(number) <= MAX_REPLICAS:
            raise PagemeshError(
                f"--replicas {item!r} is not SERVICE=N with N from 1 to {MAX_REPLICAS}, e.g. reviews=3"
            )
        if name == AGGREGATOR:
            raise PagemeshError("--replicas: the aggregator runs once; replicate the backend services")
        if name != "all" and name not in SERVICES:
            raise PagemeshError(
                f"--replicas {item!r}: unknown service {name!r}; use one of {', '.join(SERVICES)} or all"
            )
        if name == "all":
            counts = dict.fromkeys(SERVICES, int(number))
        else:
            explicit[name] = int(number)
    return {**counts, **explicit}


def build_parser() -> ArgumentParser:
    """The options of `pagemesh up`."""
    parser = ArgumentParser(
        prog="pagemesh up",
        description="Start all six services and the aggregator, keep them running (a child that exits is "
        "restarted with backoff); Ctrl-C stops them.",
    )
    parser.add_argument(
        "--inject",
        action="append",
        default=[],
        metavar="SERVICE:FAULT",
        help="inject a fault into a service (or all): latency=MS, error_rate=P, slow=MS@P or "
        "fail_first=N; repeatable",
    )
    parser.add_argument(
        "--replicas",
        default="",
        metavar="SERVICE=N[,...]",
        help="run N processes of a service (or all=N), replica k on the service's port + 100·k; "
        "the aggregator balances over them (round_robin)",
    )
    parser.add_argument(
        "--store",
        choices=STORES,
        default="sqlite",
        help="sqlite (default: a file per service in the data dir) or postgres (a private PostgreSQL "
        "cluster under the data dir, one database and role per service); a PAGEMESH_<SERVICE>_DB "
        "that is set wins for that service",
    )
    parser.add_argument(
        "--bus",
        choices=KINDS,
        help="the event bus: a private redis or kafka broker under the data dir, or the sqlite file there "
        "(default: PAGEMESH_BUS, else the sqlite file)",
    )
    parser.add_argument(
        "--prometheus",
        action="store_true",
        help="also start a private Prometheus (Debian's) scraping every part and replica, with pagemesh's "
        "rules, on a free port under the data dir; stopped with the mesh",
    )
    parser.add_argument("--data-dir", type=Path, help="where the services keep their data and logs")
    parser.add_argument(
        "--plaintext",
        action="store_true",
        help="no mutual TLS between the parts (default: mTLS, with certificates made under the data dir)",
    )
    parser.add_argument(
        "--timeout", type=float, default=60.0, help="seconds to wait for every part to be SERVING"
    )
    parser.add_argument(
        "--deadline-ms",
        type=float,
        help="the time one page may take in all, for the aggregator (default: its own, 300)",
    )
    parser.add_argument(
        "--drain",
        type=float,
        default=1.0,
        help="seconds each process keeps serving after reporting NOT_SERVING when it is stopped (by "
        "Ctrl-C or `pagemesh restart`), so callers move to another replica first (default 1)",
    )
    return parser


def dependencies(
    store: str, settings: Settings, data_dir: Path, bus: str | None = None
) -> list[ManagedDependency]:
    """The servers to start before the parts, in order."""
    managed: list[ManagedDependency] = []
    if store == "postgres":
        # A database the environment names explicitly is used as it is.
        managed.append(PrivatePostgres(data_dir, [s for s in SERVICES if s not in settings.databases]))
    if bus:
        managed.append(PrivateBus(bus, data_dir))
    return managed


def _replica_address(address: str, k: int) -> str:
    return (
        address
        if k == 0
        else override_address(address, port=parse_address(address)[1] + REPLICA_PORT_STEP * k)
    )


def programs(
    settings: Settings,
    *,
    parts: list[str],
    replicas: Mapping[str, int],
    injections: Mapping[str, FaultSpec],
    env: Mapping[str, str],
    log_dir: Path,
    part_env: Mapping[str, Mapping[str, str]] | None = None,
    drain: float = 0.0,
    deadline_ms: float | None = None,
) -> list[Program]:
    """Every process of the mesh: each part, and each replica k > 0 on its ports + 100·k.

    `part_env` adds variables for one part only (e.g. its own bus credentials). Each serves `--drain drain`
    when `drain` is more than 0; the aggregator `--deadline-ms` when given.
    """
    addresses = {
        name: [_replica_address(settings.addresses[name], k) for k in range(replicas.get(name, 1))]
        for name in parts
    }
    # Every process learns every part's replicas: the aggregator balances over them.
    shared = {**env, **{f"PAGEMESH_{name.upper()}_ADDR": ",".join(a) for name, a in addresses.items()}}
    result = []
    for name in parts:
        for k, address in enumerate(addresses[name]):
            args = ["serve", name, *(["--drain", f"{drain:g}"] if drain > 0 else [])]
            if name == AGGREGATOR and deadline_ms is not None:
                args += ["--deadline-ms", f"{deadline_ms:g}"]
            for fault in injections.get(name, FaultSpec()).as_arguments():
                args += ["--inject", fault]
            child_env = {**shared, **(part_env or {}).get(name, {})}
            admin_address = _replica_address(settings.admin_address(name), k)
            if k:
                args += ["--port", str(parse_address(address)[1])]
                child_env[f"PAGEMESH_{name.upper()}_ADMIN_ADDR"] = admin_address
            label = name if k == 0 else f"{name}-{k}"
            result.append(
                Program(
                    label,
                    name,
                    pagemesh_command(args),
                    address,
                    child_env,
                    log_dir / f"{label}.log",
                    admin_address,
                )
            )
    return result


def _admin_targets(processes: list[Program]) -> dict[str, list[str]]:
    """Every process's admin address, by part: what Prometheus scrapes (`job` is the part)."""
    targets: dict[str, list[str]] = {}
    for program in processes:
        targets.setdefault(program.part, []).append(program.admin_address)
    return targets


def _store_text(settings: Settings, name: str) -> str:
    database = settings.database(name)
    if database.path is not None:
        return f"sqlite:{database.path}"
    return f"postgresql:{urlsplit(database.dsn).path.strip('/')}"


RENEW_WHEN_LEFT = 1 / 3
"""Certificates are renewed once less than this share of their lifetime is left."""


def _ensure_certificates(pki: Path, namespace: str) -> bool:
    """Makes the mesh's certificates if they are missing or due for renewal; True when it made them."""
    if certificate_lifetime_left(identity_files(pki, OPERATOR).certificate) > RENEW_WHEN_LEFT and all(
        certificate_lifetime_left(identity_files(pki, part).certificate) > RENEW_WHEN_LEFT
        for part in (*SERVICES, AGGREGATOR)
    ):
        return False
    issue_certificates(pki, namespace=namespace)
    return True


def _grpcurl_hint(pki: Path, address: str, secure: bool) -> str:
    if not secure:
        return f"grpcurl -plaintext {address} list"
    files = identity_files(pki, OPERATOR)
    return (
        f"grpcurl -cacert {files.ca} -cert {files.certificate} -key {files.key} "
        f"-servername {AGGREGATOR} {address} list"
    )


def _report(line: str) -> None:
    print(f"pagemesh up: {line}", file=sys.stderr, flush=True)


def main(argv: list[str]) -> int:
    """Runs `pagemesh up` and returns its exit code."""
    parser = build_parser()
    options = parser.parse_args(argv)
    if options.drain < 0:
        parser.error(f"--drain must not be negative, got {options.drain:g}")
    if options.deadline_ms is not None and options.deadline_ms <= 0:
        parser.error(f"--deadline-ms must be more than 0, got {options.deadline_ms:g}")
    try:
        settings = Settings.from_environment()
        injections = parse_injections(options.inject)
        replicas = parse_replicas(options.replicas) if options.replicas else dict.fromkeys(SERVICES, 1)
    except PagemeshError as error:
        print(f"pagemesh up: {error.message}", file=sys.stderr)
        return 1
    data_dir = options.data_dir or settings.data_dir
    log_dir = data_dir / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env["PAGEMESH_DATA_DIR"] = str(data_dir)
    # mTLS unless asked otherwise, by the flag or an explicit PAGEMESH_TLS in the environment.
    tls = "plaintext" if options.plaintext else os.environ.get("PAGEMESH_TLS", "mtls")
    pki = (settings.pki_dir or data_dir / "pki").resolve()
    env["PAGEMESH_TLS"] = tls
    env["PAGEMESH_PKI_DIR"] = str(pki)
    if tls == "mtls":
        try:
            _ensure_certificates(pki, settings.namespace)
        except PagemeshError as error:
            print(f"pagemesh up: {error.message}", file=sys.stderr)
            return 1
    parts = list(SERVICES)
    if importlib.util.find_spec("aggregator.cli") is not None:
        parts.append(AGGREGATOR)

    stop_requested: list[int] = []

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stop_requested.append(signum)

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)

    started: list[ManagedDependency] = []
    supervisor: Supervisor | None = None
    try:
        part_env: dict[str, dict[str, str]] = {name: {} for name in parts}
        for dependency in dependencies(options.store, settings, data_dir, options.bus):
            started.append(dependency)
            dependency.start()
            env.update(dependency.environment())
            if isinstance(dependency, PrivateBus):
                for name in parts:
                    part_env[name].update(dependency.environment_for(name))
            if stop_requested:
                return 0
        child_settings = Settings.from_environment(env)
        processes = programs(
            child_settings,
            parts=parts,
            replicas=replicas,
            injections=injections,
            env=env,
            log_dir=log_dir,
            part_env=part_env,
            drain=options.drain,
            deadline_ms=options.deadline_ms,
        )
        supervisor = Supervisor(
            processes,
            state_path=data_dir / STATE_FILE,
            report=_report,
        )
        supervisor.start()
        failure = supervisor.wait_until_ready(options.timeout, stop=lambda: bool(stop_requested))
        if stop_requested:
            return 0
        if failure:
            print(f"pagemesh up: {failure}", file=sys.stderr)
            return 1
        if options.prometheus:
            # Started after the parts: it scrapes every process's admin port, and the parts need nothing
            # from it. Stopped with the other dependencies, after the parts.
            prometheus = ManagedPrometheus(data_dir, _admin_targets(processes))
            started.append(prometheus)
            prometheus.start()
        print(f"{'PART':<18} {'ADDRESS':<22} {'STORE':<36} FAULTS")
        for program in processes:
            part = program.part
            store = _store_text(child_settings, part) if part in SERVICES else "-"
            fault_text = " ".join(injections.get(part, FaultSpec()).as_arguments()) or "-"
            print(f"{program.name:<18} {program.address:<22} {store:<36} {fault_text}")
        for dependency in started:
            print(f"{dependency.name:<18} {dependency.describe()}")
        if AGGREGATOR in parts:
            print(f"{'page (HTTP)':<18} http://{settings.http_address}/")
        print(
            f"all {len(parts)} parts SERVING ({len(processes)} processes); logs in {log_dir}/; "
            "a part that exits is restarted; Ctrl-C stops the mesh"
        )
        if tls == "mtls":
            print(f"mutual TLS is on (certificates in {pki}/); call a part as the operator with:")
        print(f"  {_grpcurl_hint(pki, settings.addresses[AGGREGATOR], tls == 'mtls')}", flush=True)
        next_renewal_check = time.monotonic() + 60
        # `pagemesh restart` asks for rolling restarts through files in the data directory.
        restarts = RestartControl(data_dir, supervisor, parts)
        while not stop_requested:
            supervisor.poll()
            restarts.poll()
            if tls == "mtls" and time.monotonic() >= next_renewal_check:
                next_renewal_check = time.monotonic() + 60
                if _ensure_certificates(pki, settings.namespace):
                    print("certificates renewed; every part picks them up without a restart", flush=True)
            time.sleep(0.1)
        print("stopping the mesh", flush=True)
        return 0
    except PagemeshError as error:
        print(f"pagemesh up: {error.message}", file=sys.stderr)
        return 1
    finally:
        if supervisor is not None:
            supervisor.stop(settings.grace_seconds)
        for dependency in reversed(started):
            try:
                dependency.stop()
            except PagemeshError as error:
                print(f"pagemesh up: stopping {dependency.name}: {error.message}", file=sys.stderr)
