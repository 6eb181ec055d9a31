"""Real pagemesh processes for tests: free loopback ports, wait until SERVING, always stopped.

Every process is started by `pagemesh.runtime.spawn`, so it also dies if the test run is killed. Like
`pagemesh up`, the processes run with mutual TLS on, with certificates made once per test session (the
`PKI` directory); tests call them as the operator through `operator_channel`, and check readiness on each
process's own admin port (a free port too).
"""

from __future__ import annotations

import atexit
import functools
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import grpc

from pagemesh.runtime import (
    SERVICES,
    ChildProcess,
    Settings,
    Transport,
    free_port,
    health_status,
    pagemesh_command,
    spawn,
    wait_until_ready,
)
from pagemesh.security import issue_certificates

__all__ = [
    "ChildProcess",
    "Mesh",
    "RunningUp",
    "free_port",
    "grpcurl_tls_flags",
    "health",
    "health_probe_tls_flags",
    "long_tls_flags",
    "operator_channel",
    "operator_transport",
    "pki_dir",
    "start_mesh",
    "start_server",
    "start_service",
    "start_up",
]

START_TIMEOUT = 90.0
"""Generous: a busy machine (several suites, a cluster build) can take tens of seconds to start Python."""


@functools.cache
def pki_dir() -> Path:
    """The test session's CA and certificates for every identity (made on first use, removed at exit)."""
    directory = Path(tempfile.mkdtemp(prefix="pagemesh-test-pki-"))
    atexit.register(shutil.rmtree, directory, ignore_errors=True)
    issue_certificates(directory)
    return directory


def mtls_settings() -> Settings:
    """Settings for this test process with mutual TLS on, over the session's certificates."""
    return Settings(tls="mtls", pki_dir=pki_dir())


def operator_channel(address: str, *, server_name: str | None = None) -> grpc.Channel:
    """A blocking channel to a test server, as the `operator` identity (what people and tools use)."""
    return operator_transport().blocking_channel(address, server_name=server_name)


def operator_transport() -> Transport:
    """How tests call servers: mutual TLS as the `operator` identity."""
    return Transport.from_settings(mtls_settings(), "operator")


def health(address: str, service: str = "") -> str:
    """A test server's health status name, asked as the operator."""
    return health_status(address, service, transport=operator_transport())


def _operator_tls_flags(dash: str) -> list[str]:
    pki = pki_dir()
    files = {"cacert": "ca.pem", "cert": "operator.pem", "key": "operator-key.pem"}
    return [part for flag, name in files.items() for part in (f"{dash}{flag}", str(pki / name))]


def grpcurl_tls_flags() -> list[str]:
    """grpcurl's flags to call a test server as the operator (its certificate has a 127.0.0.1 SAN)."""
    return _operator_tls_flags("-")


def long_tls_flags() -> list[str]:
    """The operator's certificate as ghz and `buf curl` take it (`--cacert`, `--cert`, `--key`)."""
    return _operator_tls_flags("--")


def health_probe_tls_flags() -> list[str]:
    """grpc-health-probe's flags to check a test server as the operator."""
    pki = pki_dir()
    return [
        "-tls",
        "-tls-ca-cert",
        str(pki / "ca.pem"),
        "-tls-client-cert",
        str(pki / "operator.pem"),
        "-tls-client-key",
        str(pki / "operator-key.pem"),
    ]


def clean_environment(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """This process's environment without PAGEMESH_ settings, with mutual TLS on, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAGEMESH_")}
    env.update({"PAGEMESH_TLS": "mtls", "PAGEMESH_PKI_DIR": str(pki_dir())})
    env.update(extra or {})
    return env


def launch(
    args: Sequence[str],
    *,
    name: str,
    port: int,
    workdir: Path,
    env: Mapping[str, str] | None = None,
    host: str = "127.0.0.1",
) -> ChildProcess:
    """Starts `pagemesh ARGS...` (listening on `host`:`port`) without waiting for it; its admin port is a
    free port too."""
    workdir.mkdir(parents=True, exist_ok=True)
    part = args[1] if len(args) > 1 and args[0] == "serve" else name
    admin_address = f"127.0.0.1:{free_port()}"
    return spawn(
        pagemesh_command(args),
        name=name,
        address=f"{host}:{port}",
        log_path=workdir / f"{name}-{host}-{port}.log"
        if host != "127.0.0.1"
        else workdir / f"{name}-{port}.log",
        env=clean_environment({f"PAGEMESH_{part.upper()}_ADMIN_ADDR": admin_address, **(env or {})}),
        cwd=workdir,
        admin_address=admin_address,
    )


LogEntry = dict[str, Any]


def log_entries(server: ChildProcess, event: str, timeout: float = 5.0, **fields: str) -> list[LogEntry]:
    """The JSON log lines of `server` for `event` whose fields contain `fields` (each as a substring).

    Lines are written in batches (every quarter second), so this waits up to `timeout` for a first one.
    """
    deadline = time.monotonic() + timeout
    while True:
        entries = [json.loads(line) for line in server.log().splitlines() if line.startswith("{")]
        found = [
            entry
            for entry in entries
            if entry.get("event") == event and all(v in str(entry.get(k)) for k, v in fields.items())
        ]
        if found or time.monotonic() >= deadline:
            return found
        time.sleep(0.05)


def wait_serving(servers: Iterable[ChildProcess], timeout: float = START_TIMEOUT) -> None:
    """Waits until every server's health is SERVING; stops them all and fails if one does not get there."""
    servers = list(servers)
    deadline = time.monotonic() + timeout
    for server in servers:
        # A process that failed to bind must not pass because another server answers on its port.
        if not wait_until_ready(server.admin_address, deadline, server.running) or not _still_up(server):
            for other in servers:
                other.stop(signal.SIGKILL)
            raise RuntimeError(f"{server.name} on {server.address} did not become SERVING:\n{server.log()}")


def _still_up(server: ChildProcess) -> bool:
    time.sleep(0.05)
    return server.running()


def start_server(
    args: Sequence[str],
    *,
    name: str,
    port: int,
    workdir: Path,
    env: Mapping[str, str] | None = None,
    host: str = "127.0.0.1",
) -> ChildProcess:
    """Starts `pagemesh ARGS...` and waits until it is SERVING."""
    server = launch(args, name=name, port=port, workdir=workdir, env=env, host=host)
    wait_serving([server])
    return server


def service_args(
    name: str,
    port: int,
    workdir: Path,
    *,
    api: str = "v1,v2",
    extra: Sequence[str] = (),
    database: str | None = None,
) -> list[str]:
    """The `pagemesh serve` arguments for a backend service on `port` with its store in `workdir`.

    `database` is a database URL to use instead (e.g. a PostgreSQL database).
    """
    return [
        "serve",
        name,
        "--port",
        str(port),
        "--db",
        database or str(workdir / f"{name}.sqlite3"),
        "--api",
        api,
        *extra,
    ]


def start_service(
    name: str,
    workdir: Path,
    *,
    api: str = "v1,v2",
    extra: Sequence[str] = (),
    port: int | None = None,
    database: str | None = None,
    host: str = "127.0.0.1",
    env: Mapping[str, str] | None = None,
) -> ChildProcess:
    """Starts one backend service on a free port (of `host`), with `env` added; waits until SERVING."""
    port = port or free_port()
    extra = [*extra, "--host", host] if host != "127.0.0.1" else extra
    return start_server(
        service_args(name, port, workdir, api=api, extra=extra, database=database),
        name=name,
        port=port,
        workdir=workdir,
        host=host,
        env=env,
    )


@dataclass
class Mesh:
    """The six backend services, each in its own process, and the event bus they consume from."""

    services: dict[str, ChildProcess] = field(default_factory=dict)
    bus_url: str = ""
    """`PAGEMESH_BUS` of the services (and of an aggregator started with `environment()`)."""

    def address(self, name: str) -> str:
        """A service's gRPC address."""
        return self.services[name].address

    def environment(self) -> dict[str, str]:
        """`PAGEMESH_<SERVICE>_ADDR` for every service and the mesh's `PAGEMESH_BUS`, for a process that
        calls them (an aggregator's page views then reach the services' consumers)."""
        env = {f"PAGEMESH_{name.upper()}_ADDR": s.address for name, s in self.services.items()}
        if self.bus_url:
            env["PAGEMESH_BUS"] = self.bus_url
        return env

    def stop(self) -> None:
        """Stops every service."""
        for server in self.services.values():
            server.stop()


def start_mesh(
    workdir: Path,
    *,
    names: Sequence[str] = SERVICES,
    extra: Mapping[str, Sequence[str]] | None = None,
    api: Mapping[str, str] | None = None,
    databases: Mapping[str, str] | None = None,
    env: Mapping[str, str] | None = None,
) -> Mesh:
    """Starts the backend services concurrently and waits until all are SERVING; `env` adds variables.

    `databases` gives a service a database URL instead of a fresh SQLite file in `workdir`. They share
    one event bus: `env`'s `PAGEMESH_BUS`, else a SQLite bus file in `workdir`.
    """
    bus_url = (env or {}).get("PAGEMESH_BUS") or f"sqlite:///{(workdir / 'bus.sqlite3').resolve()}"
    mesh = Mesh(bus_url=bus_url)
    for name in names:
        port = free_port()
        mesh.services[name] = launch(
            service_args(
                name,
                port,
                workdir,
                api=(api or {}).get(name, "v1,v2"),
                extra=(extra or {}).get(name, ()),
                database=(databases or {}).get(name),
            ),
            name=name,
            port=port,
            workdir=workdir,
            env={**(env or {}), "PAGEMESH_BUS": bus_url},
        )
    wait_serving(mesh.services.values())
    return mesh


@dataclass
class RunningUp:
    """A `pagemesh up` started by `start_up`: its process, ports, data directory and output."""

    process: subprocess.Popen[bytes]
    data_dir: Path
    addresses: dict[str, str]
    """The first gRPC address of each part (the aggregator's included)."""
    admin_addresses: dict[str, str]
    """The admin address (`/readyz`) of each part's first process."""
    http_address: str
    stdout_path: Path
    stderr_path: Path

    def state(self) -> dict[str, Any]:
        """The supervisor's state file: per part, its replicas, processes (name, pid) and restarts."""
        state: dict[str, Any] = json.loads((self.data_dir / "supervisor.json").read_text())
        return state

    def pids(self) -> dict[str, int]:
        """The PID of every process, by name (`reviews`, `reviews-1`, ...)."""
        return {
            process["name"]: process["pid"]
            for part in self.state()["parts"].values()
            for process in part["processes"]
        }

    def stop(self, signum: int = signal.SIGINT) -> int:
        """Stops the mesh (Ctrl-C by default) and returns the exit code."""
        if self.process.poll() is None:
            self.process.send_signal(signum)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode


@contextmanager
def start_up(data_dir: Path, args: Sequence[str] = (), timeout: float = 120.0) -> Iterator[RunningUp]:
    """`pagemesh up ARGS...` on free ports with its data in `data_dir`, until every part is SERVING.

    Like the other test processes it runs with mutual TLS on the session's certificates, so tests call it
    through `operator_channel`. Stopped (Ctrl-C) when the block ends; its stdout and stderr are files in
    `data_dir`.
    """
    parts = (*SERVICES, "aggregator")
    addresses = {name: f"127.0.0.1:{free_port()}" for name in parts}
    admin_addresses = {name: f"127.0.0.1:{free_port()}" for name in parts}
    http_address = f"127.0.0.1:{free_port()}"
    env = clean_environment(
        {
            **{f"PAGEMESH_{name.upper()}_ADDR": a for name, a in addresses.items()},
            **{f"PAGEMESH_{name.upper()}_ADMIN_ADDR": a for name, a in admin_addresses.items()},
        }
    )
    env["PAGEMESH_AGGREGATOR_HTTP_ADDR"] = http_address
    data_dir.mkdir(parents=True, exist_ok=True)
    stdout_path, stderr_path = data_dir / "up.out", data_dir / "up.err"
    with stdout_path.open("wb") as stdout, stderr_path.open("wb") as stderr:
        process = subprocess.Popen(
            pagemesh_command(["up", "--data-dir", str(data_dir), *args]),
            env=env,
            stdout=stdout,
            stderr=stderr,
            stdin=subprocess.DEVNULL,
        )
    running = RunningUp(process, data_dir, addresses, admin_addresses, http_address, stdout_path, stderr_path)
    try:
        deadline = time.monotonic() + timeout
        while "SERVING" not in stdout_path.read_text():
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(
                    f"pagemesh up did not get SERVING:\n{stdout_path.read_text()}\n{stderr_path.read_text()}"
                )
            time.sleep(0.1)
        yield running
    finally:
        running.stop()
